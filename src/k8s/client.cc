#include "k8s/client.h"

#include <utility>

#include "base/status_macros.h"
#include "base/strings.h"
#include "k8s/errors.h"
#include "serialize/json_reader.h"
#include "serialize/json_writer.h"
#include "serialize/yaml_reader.h"

namespace aicr::k8s {
namespace {

using serialize::Value;

constexpr std::int64_t kDefaultPageSize = 500;
constexpr int kMaxPages = 100000;

std::string StringAt(const Value& v, std::string_view path) {
  const Value* f = v.FindPath(path);
  return f != nullptr && f->is_string() ? *f->if_string() : std::string();
}

Result<std::string> ToJson(const Value& v) {
  serialize::JsonWriteOptions o;
  o.compact = true;
  o.sort_keys = false;
  o.trailing_newline = false;
  return serialize::WriteJson(v, o);
}

void ApplyCall(const CallOptions& call, Request* r) {
  r->timeout = call.timeout;
  r->cancel = call.cancel;
  r->max_response_bytes = call.max_response_bytes;
}

Result<AccessDecision> Decide(const Value& review) {
  AccessDecision d;
  if (const Value* a = review.FindPath("status.allowed"); a != nullptr && a->is_bool()) {
    d.allowed = *a->if_bool();
  }
  if (const Value* a = review.FindPath("status.denied"); a != nullptr && a->is_bool()) {
    d.denied = *a->if_bool();
  }
  d.reason = StringAt(review, "status.reason");
  return d;
}

Value ResourceAttributes(const AccessCheck& c) {
  Value attrs = Value::EmptyMapping();
  const auto put = [&](const char* key, const std::string& v) {
    if (!v.empty()) {
      attrs.Set(key, v);
    }
  };
  put("namespace", c.ns);
  put("verb", c.verb);
  put("group", c.group);
  put("resource", c.resource);
  put("subresource", c.subresource);
  put("name", c.name);
  return attrs;
}

}  // namespace

Result<Value> ParseResponse(std::string_view body, std::string_view what, std::size_t max_bytes) {
  serialize::ParseOptions options;
  options.max_bytes = max_bytes;
  auto parsed = serialize::ParseJson(body, options);
  if (!parsed.ok()) {
    return UnavailableError(std::string(what) +
                            ": malformed response: " + parsed.status().message());
  }
  return parsed;
}

Client::Client(std::shared_ptr<const Transport> transport) : transport_(std::move(transport)) {}

Result<Client> Client::Connect(const RestConfig& config) {
  AICR_ASSIGN_OR_RETURN(std::shared_ptr<CredentialSource> creds, MakeCredentialSource(config));
  AICR_ASSIGN_OR_RETURN(std::unique_ptr<Transport> transport,
                        Transport::Create(config, std::move(creds)));
  return Client(std::shared_ptr<const Transport>(std::move(transport)));
}

std::string Client::DefaultNamespace() const {
  return transport_->config().ns.empty() ? "default" : transport_->config().ns;
}

std::string Client::Namespace(const Resource& r, std::string_view ns, const Value* object) const {
  if (!r.namespaced) {
    return "";
  }
  if (!ns.empty()) {
    return std::string(ns);
  }
  if (object != nullptr) {
    if (std::string from = StringAt(*object, "metadata.namespace"); !from.empty()) {
      return from;
    }
  }
  return DefaultNamespace();
}

Result<Value> Client::Call(Request request, std::string_view what, const CallOptions& call) const {
  ApplyCall(call, &request);
  AICR_ASSIGN_OR_RETURN(Response response, transport_->Do(request));
  if (!response.ok()) {
    return StatusFromHttp(response.status, response.body, what);
  }
  return ParseResponse(response.body, what, request.max_response_bytes);
}

Result<Value> Client::ServerVersion(const CallOptions& call) const {
  Request r;
  r.path = "/version";
  return Call(std::move(r), "server version", call);
}

Result<Value> Client::CoreApiVersions(const CallOptions& call) const {
  Request r;
  r.path = "/api";
  return Call(std::move(r), "api versions", call);
}

Result<Value> Client::ApiGroups(const CallOptions& call) const {
  Request r;
  r.path = "/apis";
  return Call(std::move(r), "api groups", call);
}

Result<Value> Client::ServerResources(std::string_view group_version,
                                      const CallOptions& call) const {
  Request r;
  const std::size_t slash = group_version.find('/');
  if (group_version.empty() ||
      group_version.find('/', slash == std::string_view::npos ? group_version.size() : slash + 1) !=
          std::string_view::npos) {
    return InvalidRequestError("server resources: invalid group version " + Quote(group_version));
  }
  if (slash == std::string_view::npos) {
    r.path = "/api/" + EscapeComponent(group_version);
  } else {
    r.path = "/apis/" + EscapeComponent(group_version.substr(0, slash)) + "/" +
             EscapeComponent(group_version.substr(slash + 1));
  }
  return Call(std::move(r), "resources of " + Quote(group_version), call);
}

Result<Value> Client::Get(const Resource& r, std::string_view ns, std::string_view name,
                          const CallOptions& call) const {
  const std::string n = Namespace(r, ns, nullptr);
  Request req;
  req.path = ObjectPath(r, n, name);
  return Call(std::move(req), DescribeObject(r, n, name), call);
}

Result<ObjectList> Client::List(const Resource& r, std::string_view ns, const ListOptions& options,
                                const CallOptions& call) const {
  const std::string n = r.namespaced ? std::string(ns) : "";
  Request req;
  req.path = CollectionPath(r, n);
  if (!options.label_selector.empty()) {
    req.query.emplace_back("labelSelector", options.label_selector);
  }
  if (!options.field_selector.empty()) {
    req.query.emplace_back("fieldSelector", options.field_selector);
  }
  if (options.limit > 0) {
    req.query.emplace_back("limit", std::to_string(options.limit));
  }
  if (!options.continue_token.empty()) {
    req.query.emplace_back("continue", options.continue_token);
  }
  if (!options.resource_version.empty()) {
    req.query.emplace_back("resourceVersion", options.resource_version);
  }
  const std::string what = "list " + DescribeObject(r, n, "");
  AICR_ASSIGN_OR_RETURN(Value list, Call(std::move(req), what, call));
  ObjectList out;
  Value* items = list.Find("items");
  if (!list.is_mapping() || (items != nullptr && !items->is_sequence() && !items->is_null())) {
    return UnavailableError(what + ": malformed response: not a list");
  }
  if (items != nullptr && items->is_sequence()) {
    out.items = std::move(*items->if_sequence());
  }
  out.resource_version = StringAt(list, "metadata.resourceVersion");
  out.continue_token = StringAt(list, "metadata.continue");
  return out;
}

Result<ObjectList> Client::ListAll(const Resource& r, std::string_view ns,
                                   const ListOptions& options, const CallOptions& call) const {
  ListOptions page = options;
  if (page.limit <= 0) {
    page.limit = kDefaultPageSize;
  }
  page.continue_token.clear();
  ObjectList all;
  for (int i = 0; i < kMaxPages; ++i) {
    AICR_ASSIGN_OR_RETURN(ObjectList got, List(r, ns, page, call));
    if (i == 0) {
      all.resource_version = got.resource_version;
    }
    for (Value& item : got.items) {
      all.items.push_back(std::move(item));
    }
    if (got.continue_token.empty()) {
      return all;
    }
    if (got.continue_token == page.continue_token) {
      return UnavailableError("list " + DescribeObject(r, ns, "") +
                              ": the server repeated a continue token");
    }
    page.continue_token = got.continue_token;
    page.resource_version.clear();  // a continue token carries its own
  }
  return UnavailableError("list " + DescribeObject(r, ns, "") + ": too many pages");
}

Result<Value> Client::Create(const Resource& r, std::string_view ns, const Value& object,
                             const CallOptions& call) const {
  const std::string n = Namespace(r, ns, &object);
  const std::string name = StringAt(object, "metadata.name");
  const std::string what = "create " + DescribeObject(r, n, name);
  Request req;
  req.method = "POST";
  req.path = CollectionPath(r, n);
  AICR_ASSIGN_OR_RETURN(req.body, ToJson(object));
  req.content_type = "application/json";
  return Call(std::move(req), what, call);
}

Result<Value> Client::Update(const Resource& r, std::string_view ns, const Value& object,
                             const CallOptions& call) const {
  const std::string n = Namespace(r, ns, &object);
  const std::string name = StringAt(object, "metadata.name");
  if (name.empty()) {
    return InvalidRequestError("update " + DescribeObject(r, n, "") + ": metadata.name is empty");
  }
  Request req;
  req.method = "PUT";
  req.path = ObjectPath(r, n, name);
  AICR_ASSIGN_OR_RETURN(req.body, ToJson(object));
  req.content_type = "application/json";
  return Call(std::move(req), "update " + DescribeObject(r, n, name), call);
}

Result<Value> Client::Delete(const Resource& r, std::string_view ns, std::string_view name,
                             const DeleteOptions& options, const CallOptions& call) const {
  const std::string n = Namespace(r, ns, nullptr);
  Value body = Value::EmptyMapping();
  body.Set("apiVersion", "v1");
  body.Set("kind", "DeleteOptions");
  if (!options.propagation_policy.empty()) {
    body.Set("propagationPolicy", options.propagation_policy);
  }
  if (options.grace_period_seconds.has_value()) {
    body.Set("gracePeriodSeconds", *options.grace_period_seconds);
  }
  if (!options.precondition_uid.empty() || !options.precondition_resource_version.empty()) {
    Value pre = Value::EmptyMapping();
    if (!options.precondition_uid.empty()) {
      pre.Set("uid", options.precondition_uid);
    }
    if (!options.precondition_resource_version.empty()) {
      pre.Set("resourceVersion", options.precondition_resource_version);
    }
    body.Set("preconditions", std::move(pre));
  }
  Request req;
  req.method = "DELETE";
  req.path = ObjectPath(r, n, name);
  AICR_ASSIGN_OR_RETURN(req.body, ToJson(body));
  req.content_type = "application/json";
  return Call(std::move(req), "delete " + DescribeObject(r, n, name), call);
}

Result<Value> Client::Apply(const Resource& r, std::string_view ns, std::string_view name,
                            std::string_view manifest, const ApplyOptions& options,
                            const CallOptions& call) const {
  std::string object_name(name);
  std::string object_ns(ns);
  if (object_name.empty() || (r.namespaced && object_ns.empty())) {
    auto parsed = serialize::ParseYaml(manifest);
    if (!parsed.ok()) {
      return parsed.status().WithContext("apply " + DescribeObject(r, ns, name) +
                                         ": invalid manifest");
    }
    if (object_name.empty()) {
      object_name = StringAt(*parsed, "metadata.name");
    }
    if (object_ns.empty()) {
      object_ns = StringAt(*parsed, "metadata.namespace");
    }
  }
  const std::string n = Namespace(r, object_ns, nullptr);
  const std::string what = "apply " + DescribeObject(r, n, object_name);
  if (object_name.empty()) {
    return InvalidRequestError(what + ": the object has no metadata.name");
  }
  if (options.field_manager.empty()) {
    return InvalidRequestError(what + ": a field manager is required");
  }
  Request req;
  req.method = "PATCH";
  req.path = ObjectPath(r, n, object_name);
  req.query.emplace_back("fieldManager", options.field_manager);
  if (options.force) {
    req.query.emplace_back("force", "true");
  }
  req.body = std::string(manifest);
  req.content_type = "application/apply-patch+yaml";
  return Call(std::move(req), what, call);
}

Result<Value> Client::Patch(const Resource& r, std::string_view ns, std::string_view name,
                            const Value& patch, const CallOptions& call) const {
  const std::string n = Namespace(r, ns, nullptr);
  Request req;
  req.method = "PATCH";
  req.path = ObjectPath(r, n, name);
  AICR_ASSIGN_OR_RETURN(req.body, ToJson(patch));
  req.content_type = "application/merge-patch+json";
  return Call(std::move(req), "patch " + DescribeObject(r, n, name), call);
}

namespace {
Request LogRequest(const std::string& ns, std::string_view pod, const LogOptions& options,
                   bool follow) {
  Request req;
  req.path = ObjectPath(resources::kPods, ns, pod, "log");
  req.accept = "*/*";
  if (!options.container.empty()) {
    req.query.emplace_back("container", options.container);
  }
  if (options.tail_lines.has_value()) {
    req.query.emplace_back("tailLines", std::to_string(*options.tail_lines));
  }
  if (options.timestamps) {
    req.query.emplace_back("timestamps", "true");
  }
  if (follow) {
    req.query.emplace_back("follow", "true");
  }
  return req;
}
}  // namespace

Result<std::string> Client::GetLogs(std::string_view ns, std::string_view pod,
                                    const LogOptions& options, const CallOptions& call) const {
  const std::string n = Namespace(resources::kPods, ns, nullptr);
  Request req = LogRequest(n, pod, options, false);
  ApplyCall(call, &req);
  AICR_ASSIGN_OR_RETURN(Response response, transport_->Do(req));
  if (!response.ok()) {
    return StatusFromHttp(response.status, response.body,
                          "logs of " + DescribeObject(resources::kPods, n, pod));
  }
  return std::move(response.body);
}

Status Client::StreamLogs(std::string_view ns, std::string_view pod, const LogOptions& options,
                          const ChunkCallback& on_chunk, const CallOptions& call) const {
  const std::string n = Namespace(resources::kPods, ns, nullptr);
  Request req = LogRequest(n, pod, options, options.follow);
  ApplyCall(call, &req);
  AICR_ASSIGN_OR_RETURN(Response response, transport_->Stream(req, on_chunk));
  if (!response.ok()) {
    return StatusFromHttp(response.status, response.body,
                          "logs of " + DescribeObject(resources::kPods, n, pod));
  }
  return OkStatus();
}

Result<AccessDecision> Client::SelfSubjectAccessReview(const AccessCheck& check,
                                                       const CallOptions& call) const {
  Value review = Value::EmptyMapping();
  review.Set("apiVersion", "authorization.k8s.io/v1");
  review.Set("kind", "SelfSubjectAccessReview");
  review.Set("spec", Value::EmptyMapping()).Set("resourceAttributes", ResourceAttributes(check));
  Request req;
  req.method = "POST";
  req.path = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
  AICR_ASSIGN_OR_RETURN(req.body, ToJson(review));
  req.content_type = "application/json";
  AICR_ASSIGN_OR_RETURN(Value answer,
                        Call(std::move(req), "selfsubjectaccessreview " + Quote(check.verb), call));
  return Decide(answer);
}

Result<AccessDecision> Client::SubjectAccessReview(const AccessCheck& check, std::string_view user,
                                                   const std::vector<std::string>& groups,
                                                   const CallOptions& call) const {
  Value review = Value::EmptyMapping();
  review.Set("apiVersion", "authorization.k8s.io/v1");
  review.Set("kind", "SubjectAccessReview");
  Value& spec = review.Set("spec", Value::EmptyMapping());
  spec.Set("resourceAttributes", ResourceAttributes(check));
  spec.Set("user", std::string(user));
  if (!groups.empty()) {
    Value& g = spec.Set("groups", Value::EmptySequence());
    for (const std::string& group : groups) {
      g.Append(group);
    }
  }
  Request req;
  req.method = "POST";
  req.path = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
  AICR_ASSIGN_OR_RETURN(req.body, ToJson(review));
  req.content_type = "application/json";
  AICR_ASSIGN_OR_RETURN(Value answer,
                        Call(std::move(req), "subjectaccessreview for user " + Quote(user), call));
  return Decide(answer);
}

}  // namespace aicr::k8s
