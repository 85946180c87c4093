// Request routing of the test API server: discovery, OpenAPI, resources,
// watch streams, pod logs and access reviews.

#include <algorithm>
#include <chrono>
#include <sstream>

#include "tests/k8s-apiserver/protobuf.h"
#include "tests/k8s-apiserver/server.h"
#include "tests/k8s-apiserver/table.h"
#include "tests/k8s-apiserver/yaml_json.h"

namespace aicr::testing::apiserver {
namespace {

using nlohmann::json;

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> out;
  std::stringstream ss(path);
  std::string part;
  while (std::getline(ss, part, '/')) {
    if (!part.empty()) {
      out.push_back(part);
    }
  }
  return out;
}

bool Truthy(const std::string& v) { return v == "1" || v == "true" || v == "True"; }

void WriteJson(httplib::Response& res, const json& body, int code = 200) {
  res.status = code;
  res.set_content(body.dump(), "application/json");
}

Reply NoResource() {
  return StatusError(404, "NotFound", "the server could not find the requested resource", json{});
}

std::string GroupResourceText(const std::string& group, const std::string& resource) {
  return group.empty() ? resource : resource + "." + group;
}

bool ParseBody(const httplib::Request& req, json* out, std::string* err) {
  const std::string type = req.get_header_value("Content-Type");
  if (type.find(kProtobufContentType) != std::string::npos) {
    return DecodeProtobufObject(req.body, out, err);
  }
  if (type.find("yaml") != std::string::npos) {
    std::vector<json> docs;
    if (!ParseYamlDocuments(req.body, &docs, err)) {
      return false;
    }
    if (docs.size() != 1) {
      *err = "expected exactly one YAML document";
      return false;
    }
    *out = docs[0];
    return true;
  }
  *out = json::parse(req.body, nullptr, false);
  if (out->is_discarded()) {
    *err = "couldn't get version/kind; json parse error";
    return false;
  }
  return true;
}

std::string ApplyTail(const std::string& text, long long tail) {
  if (tail < 0) {
    return text;
  }
  if (tail == 0) {
    return "";
  }
  std::size_t end = text.size();
  if (end > 0 && text[end - 1] == '\n') {
    --end;
  }
  long long lines = 0;
  std::size_t pos = end;
  while (pos > 0) {
    if (text[pos - 1] == '\n' && ++lines == tail) {
      return text.substr(pos);
    }
    --pos;
  }
  return text;
}

// State of one watch stream.
struct WatchState {
  ResourceInfo info;
  std::string ns;
  ListOptions options;
  std::vector<json> initial;
  bool initial_sent = false;
  std::uint64_t last_rv = 0;
  std::uint64_t epoch = 0;
  std::chrono::steady_clock::time_point deadline;
  bool bookmarks = false;
  std::chrono::steady_clock::time_point last_bookmark;
  bool table = false;
  std::string include_object;
};

std::string EventLine(const WatchState& st, const std::string& type, const json& obj) {
  json o = obj;
  if (st.table && type != "BOOKMARK" && type != "ERROR") {
    o = RenderTable(st.info, obj, st.include_object,
                    json{{"resourceVersion", obj["metadata"].value("resourceVersion", "")}});
  }
  return json{{"type", type}, {"object", o}}.dump() + "\n";
}

Reply TooOld(std::uint64_t asked, std::uint64_t compacted) {
  return StatusError(410, "Expired",
                     "too old resource version: " + std::to_string(asked) + " (" +
                         std::to_string(compacted) + ")");
}

}  // namespace

bool ApiServer::Authorize(const Attributes& a, httplib::Response& res) {
  std::string reason;
  if (policy_.Allowed(a, &reason)) {
    return true;
  }
  const std::string resource =
      a.subresource.empty() ? a.resource : a.resource + "/" + a.subresource;
  std::string msg = GroupResourceText(a.group, a.resource);
  if (!a.name.empty()) {
    msg += " \"" + a.name + "\"";
  }
  msg += " is forbidden: User \"" + a.user + "\" cannot " + a.verb + " resource \"" + resource +
         "\" in API group \"" + a.group + "\"";
  msg += a.ns.empty() ? " at the cluster scope" : " in the namespace \"" + a.ns + "\"";
  json details = {{"name", a.name}, {"kind", a.resource}};
  if (!a.group.empty()) {
    details["group"] = a.group;
  }
  WriteReply(res, StatusError(403, "Forbidden", msg, details));
  return false;
}

void ApiServer::HandleApi(const httplib::Request& req, httplib::Response& res,
                          const UserInfo& user) {
  const std::vector<std::string> seg = Segments(req.path);
  if (seg.empty()) {
    WriteJson(res, json{{"paths", json::array({"/api", "/api/v1", "/apis", "/openapi/v3",
                                               "/version", "/healthz"})}});
    return;
  }
  if (seg.size() == 1 && (seg[0] == "healthz" || seg[0] == "livez" || seg[0] == "readyz")) {
    res.set_content("ok", "text/plain");
    return;
  }
  if (seg.size() == 1 && seg[0] == "version") {
    WriteJson(res, json{{"major", "1"},
                        {"minor", "34"},
                        {"gitVersion", "v1.34.0-aicr-test"},
                        {"gitCommit", "0000000000000000000000000000000000000000"},
                        {"gitTreeState", "clean"},
                        {"buildDate", "2025-01-01T00:00:00Z"},
                        {"goVersion", "go1.24.0"},
                        {"compiler", "gc"},
                        {"platform", "linux/amd64"}});
    return;
  }
  if (seg[0] == "openapi") {
    if (seg.size() == 2 && seg[1] == "v3") {
      WriteJson(res, registry_.OpenApiV3Root());
      return;
    }
    if (seg.size() > 2 && seg[1] == "v3") {
      std::string gv;
      for (std::size_t i = 2; i < seg.size(); ++i) {
        gv += (i > 2 ? "/" : "") + seg[i];
      }
      if (auto doc = registry_.OpenApiV3GroupVersion(gv)) {
        WriteJson(res, *doc);
        return;
      }
    }
    WriteReply(res, NoResource());
    return;
  }
  if (seg[0] == "api") {
    if (seg.size() == 1) {
      WriteJson(res, registry_.ApiVersions("127.0.0.1:" + std::to_string(port_)));
      return;
    }
    if (seg.size() == 2) {
      if (auto list = registry_.ResourceList("", seg[1])) {
        WriteJson(res, *list);
        return;
      }
      WriteReply(res, NoResource());
      return;
    }
    HandleResource(req, res, user, "", seg[1],
                   std::vector<std::string>(seg.begin() + 2, seg.end()));
    return;
  }
  if (seg[0] == "apis") {
    if (seg.size() == 1) {
      WriteJson(res, registry_.ApiGroupList());
      return;
    }
    if (seg.size() == 2) {
      const json groups = registry_.ApiGroupList()["groups"];
      for (const json& g : groups) {
        if (g["name"] == seg[1]) {
          json out = g;
          out["kind"] = "APIGroup";
          out["apiVersion"] = "v1";
          WriteJson(res, out);
          return;
        }
      }
      WriteReply(res, NoResource());
      return;
    }
    if (seg.size() == 3) {
      if (auto list = registry_.ResourceList(seg[1], seg[2])) {
        WriteJson(res, *list);
        return;
      }
      WriteReply(res, NoResource());
      return;
    }
    HandleResource(req, res, user, seg[1], seg[2],
                   std::vector<std::string>(seg.begin() + 3, seg.end()));
    return;
  }
  WriteReply(res, NoResource());
}

void ApiServer::HandleResource(const httplib::Request& req, httplib::Response& res,
                               const UserInfo& user, const std::string& group,
                               const std::string& version, const std::vector<std::string>& rest) {
  std::string ns;
  std::string resource;
  std::string name;
  std::string sub;
  std::size_t i = 0;
  if (rest.size() >= 3 && rest[0] == "namespaces") {
    ns = rest[1];
    i = 2;
  }
  resource = rest[i];
  if (i + 1 < rest.size()) {
    name = rest[i + 1];
  }
  if (i + 2 < rest.size()) {
    sub = rest[i + 2];
  }
  if (i + 3 < rest.size()) {
    WriteReply(res, NoResource());
    return;
  }
  auto info = registry_.Find(group, version, resource);
  if (!info || (!info->namespaced && !ns.empty()) || (!sub.empty() && !info->HasSubresource(sub))) {
    WriteReply(res, NoResource());
    return;
  }
  const bool collection = name.empty();
  const bool watch = Truthy(req.get_param_value("watch"));
  std::string verb;
  if (req.method == "GET") {
    verb = collection ? (watch ? "watch" : "list") : "get";
  } else if (req.method == "POST") {
    verb = "create";
  } else if (req.method == "PUT") {
    verb = "update";
  } else if (req.method == "PATCH") {
    verb = "patch";
  } else if (req.method == "DELETE") {
    verb = collection ? "deletecollection" : "delete";
  }
  if (std::find(info->verbs.begin(), info->verbs.end(), verb) == info->verbs.end() && sub.empty()) {
    WriteReply(res, StatusError(405, "MethodNotAllowed",
                                "the server does not allow this method on the requested resource"));
    return;
  }
  if ((verb == "create" && !collection) || ((verb == "update" || verb == "patch") && collection)) {
    WriteReply(res, StatusError(405, "MethodNotAllowed",
                                "the server does not allow this method on the requested resource"));
    return;
  }
  if (info->namespaced && ns.empty() && !collection) {
    WriteReply(res, NoResource());
    return;
  }
  Attributes attrs{user.name, user.groups, verb, group, resource, sub, ns, name};
  if (info->group == "authorization.k8s.io") {
    HandleAccessReview(req, res, user, *info);
    return;
  }
  if (!Authorize(attrs, res)) {
    return;
  }
  if (req.body.size() > config_.max_object_bytes) {
    WriteReply(res, StatusError(413, "RequestEntityTooLarge",
                                "Request entity too large: limit is " +
                                    std::to_string(config_.max_object_bytes)));
    return;
  }
  std::string manager = req.get_param_value("fieldManager");
  if (manager.empty()) {
    manager = req.get_header_value("User-Agent");
    manager = manager.substr(0, manager.find('/'));
    if (manager.empty()) {
      manager = "unknown";
    }
  }
  WriteOptions wopts;
  wopts.manager = manager;
  wopts.dry_run = !req.get_param_value("dryRun").empty();
  wopts.force = Truthy(req.get_param_value("force"));
  wopts.status_only = sub == "status";
  const std::string accept = req.get_header_value("Accept");
  const bool table = WantsTable(accept);
  const std::string include_object = req.get_param_value("includeObject");

  ListOptions lopts;
  std::string err;
  if (!Selector::ParseLabels(req.get_param_value("labelSelector"), &lopts.labels, &err) ||
      !Selector::ParseFields(req.get_param_value("fieldSelector"), &lopts.fields, &err)) {
    WriteReply(res, BadRequest("unable to parse requirement: " + err));
    return;
  }
  if (req.has_param("limit")) {
    lopts.limit = std::atoll(req.get_param_value("limit").c_str());
  }
  lopts.continue_token = req.get_param_value("continue");

  if (verb == "get") {
    if (sub == "log") {
      HandleLogs(req, res, ns, name);
      return;
    }
    Reply r = store_.Get(*info, ns, name);
    if (r.ok() && table) {
      r.body =
          RenderTable(*info, r.body, include_object,
                      json{{"resourceVersion", r.body["metadata"].value("resourceVersion", "")}});
    }
    WriteReply(res, r);
    return;
  }
  if (verb == "list") {
    Reply r = store_.List(*info, ns, lopts);
    if (r.ok() && table) {
      r.body = RenderTable(*info, r.body["items"], include_object, r.body["metadata"]);
    }
    WriteReply(res, r);
    return;
  }
  if (verb == "watch") {
    HandleWatch(req, res, *info, ns, std::move(lopts));
    return;
  }
  if (verb == "deletecollection") {
    WriteReply(res, store_.DeleteCollection(*info, ns, lopts));
    return;
  }
  if (verb == "delete") {
    json opts = json::object();
    if (!req.body.empty()) {
      opts = json::parse(req.body, nullptr, false);
      if (opts.is_discarded() || !opts.is_object()) {
        WriteReply(res, BadRequest("the body of the request was not valid DeleteOptions"));
        return;
      }
    }
    if (req.has_param("propagationPolicy")) {
      opts["propagationPolicy"] = req.get_param_value("propagationPolicy");
    }
    WriteReply(res, store_.Delete(*info, ns, name, opts, wopts.dry_run));
    return;
  }
  if (verb == "patch") {
    const std::string type = req.get_header_value("Content-Type");
    if (type.find("patch") == std::string::npos) {
      WriteReply(res, StatusError(415, "UnsupportedMediaType",
                                  "the body of the request was in an unknown format - accepted "
                                  "media types include: application/json-patch+json, "
                                  "application/merge-patch+json, "
                                  "application/apply-patch+yaml"));
      return;
    }
    if (type.find("apply-patch") != std::string::npos &&
        req.get_param_value("fieldManager").empty()) {
      wopts.manager.clear();
    }
    WriteReply(res, store_.Patch(*info, ns, name, type, req.body, wopts));
    return;
  }
  json body;
  if (!ParseBody(req, &body, &err)) {
    const bool protobuf =
        req.get_header_value("Content-Type").find(kProtobufContentType) != std::string::npos;
    WriteReply(res, protobuf ? StatusError(415, "UnsupportedMediaType", err) : BadRequest(err));
    return;
  }
  if (verb == "create") {
    WriteReply(res, store_.Create(*info, ns, std::move(body), wopts));
    return;
  }
  WriteReply(res, store_.Update(*info, ns, name, std::move(body), wopts));
}

void ApiServer::HandleWatch(const httplib::Request& req, httplib::Response& res,
                            const ResourceInfo& info, const std::string& ns, ListOptions options) {
  auto st = std::make_shared<WatchState>();
  st->info = info;
  st->ns = ns;
  st->options = std::move(options);
  st->epoch = store_.WatchEpoch();
  st->bookmarks = Truthy(req.get_param_value("allowWatchBookmarks"));
  st->table = WantsTable(req.get_header_value("Accept"));
  st->include_object = req.get_param_value("includeObject");
  long long timeout = 1800;
  if (req.has_param("timeoutSeconds")) {
    timeout = std::max(0LL, std::atoll(req.get_param_value("timeoutSeconds").c_str()));
  }
  st->deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout);
  st->last_bookmark = std::chrono::steady_clock::now();
  const std::string rv = req.get_param_value("resourceVersion");
  if (rv.empty() || rv == "0") {
    for (const json& obj : store_.Snapshot(info, ns, &st->last_rv)) {
      if (st->options.labels.Matches(obj) && st->options.fields.Matches(obj)) {
        st->initial.push_back(obj);
      }
    }
  } else {
    st->last_rv = std::strtoull(rv.c_str(), nullptr, 10);
    const std::uint64_t compacted = store_.CompactedRv();
    if (st->last_rv < compacted) {
      res.status = 200;
      res.set_content(
          json{{"type", "ERROR"}, {"object", TooOld(st->last_rv, compacted).body}}.dump() + "\n",
          "application/json");
      return;
    }
  }
  Store* store = &store_;
  res.set_chunked_content_provider(
      "application/json", [st, store](std::size_t, httplib::DataSink& sink) {
        if (!st->initial_sent) {
          st->initial_sent = true;
          std::string out;
          for (const json& obj : st->initial) {
            out += EventLine(*st, "ADDED", obj);
          }
          st->initial.clear();
          if (!out.empty() && !sink.write(out.data(), out.size())) {
            return false;
          }
          return true;
        }
        const auto now = std::chrono::steady_clock::now();
        if (now >= st->deadline || store->WatchEpoch() != st->epoch || store->ShuttingDown()) {
          sink.done();
          return true;
        }
        if (!sink.is_writable()) {
          return false;
        }
        std::vector<WatchEvent> events;
        std::uint64_t seen = st->last_rv;
        const auto wait = std::min<std::chrono::milliseconds>(
            std::chrono::milliseconds(500),
            std::chrono::duration_cast<std::chrono::milliseconds>(st->deadline - now) +
                std::chrono::milliseconds(1));
        if (!store->EventsAfter(st->last_rv, wait, &events, &seen)) {
          const std::string line =
              json{{"type", "ERROR"}, {"object", TooOld(st->last_rv, store->CompactedRv()).body}}
                  .dump() +
              "\n";
          sink.write(line.data(), line.size());
          sink.done();
          return true;
        }
        std::string out;
        for (const WatchEvent& e : events) {
          if (e.group_resource != st->info.GroupResource() ||
              (st->info.namespaced && !st->ns.empty() && e.ns != st->ns)) {
            continue;
          }
          json obj = e.object;
          obj["apiVersion"] = st->info.ApiVersion();
          obj["kind"] = st->info.kind;
          const bool now_match = st->options.labels.Matches(obj) && st->options.fields.Matches(obj);
          if (e.type == "MODIFIED") {
            const bool was_match =
                st->options.labels.Matches(e.previous) && st->options.fields.Matches(e.previous);
            if (was_match && now_match) {
              out += EventLine(*st, "MODIFIED", obj);
            } else if (now_match) {
              out += EventLine(*st, "ADDED", obj);
            } else if (was_match) {
              out += EventLine(*st, "DELETED", obj);
            }
          } else if (now_match) {
            out += EventLine(*st, e.type, obj);
          }
        }
        st->last_rv = seen;
        if (st->bookmarks &&
            std::chrono::steady_clock::now() - st->last_bookmark >= std::chrono::seconds(1)) {
          st->last_bookmark = std::chrono::steady_clock::now();
          out += json{{"type", "BOOKMARK"},
                      {"object",
                       {{"kind", st->info.kind},
                        {"apiVersion", st->info.ApiVersion()},
                        {"metadata", {{"resourceVersion", std::to_string(seen)}}}}}}
                     .dump() +
                 "\n";
        }
        if (!out.empty() && !sink.write(out.data(), out.size())) {
          return false;
        }
        return true;
      });
}

void ApiServer::HandleLogs(const httplib::Request& req, httplib::Response& res,
                           const std::string& ns, const std::string& name) {
  auto pod = store_.Lookup("", "pods", ns, name);
  if (!pod) {
    WriteReply(res, NotFound("pods", name));
    return;
  }
  std::vector<std::string> containers;
  for (const json& c : (*pod)["spec"].value("containers", json::array())) {
    containers.push_back(c.value("name", ""));
  }
  std::vector<std::string> all = containers;
  for (const json& c : (*pod)["spec"].value("initContainers", json::array())) {
    all.push_back(c.value("name", ""));
  }
  std::string container = req.get_param_value("container");
  if (container.empty()) {
    if (containers.size() != 1) {
      std::string list;
      for (const std::string& c : containers) {
        list += (list.empty() ? "" : " ") + c;
      }
      WriteReply(res, BadRequest("a container name must be specified for pod " + name +
                                 ", choose one of: [" + list + "]"));
      return;
    }
    container = containers[0];
  }
  if (std::find(all.begin(), all.end(), container) == all.end()) {
    WriteReply(res, BadRequest("container " + container + " is not valid for pod " + name));
    return;
  }
  const bool follow = Truthy(req.get_param_value("follow"));
  const long long tail =
      req.has_param("tailLines") ? std::atoll(req.get_param_value("tailLines").c_str()) : -1;
  std::string text;
  bool done = false;
  bool known = kubelet_->Logs(ns, name, container, &text, &done);
  if (!known && follow) {
    for (int i = 0; i < 300 && !known && !stopping_; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      known = kubelet_->Logs(ns, name, container, &text, &done);
    }
  }
  if (!known) {
    const std::string phase = (*pod).value("status", json::object()).value("phase", "Pending");
    if (phase == "Pending") {
      WriteReply(res, BadRequest("container \"" + container + "\" in pod \"" + name +
                                 "\" is waiting to start: ContainerCreating"));
      return;
    }
    text.clear();
    done = true;
  }
  if (!follow || done) {
    res.set_content(ApplyTail(text, tail), "text/plain");
    return;
  }
  Kubelet* kubelet = kubelet_.get();
  Store* store = &store_;
  auto sent = std::make_shared<std::size_t>(text.size());
  auto first = std::make_shared<std::string>(ApplyTail(text, tail));
  res.set_chunked_content_provider("text/plain", [=](std::size_t, httplib::DataSink& sink) {
    if (!first->empty()) {
      const std::string chunk = std::move(*first);
      first->clear();
      return sink.write(chunk.data(), chunk.size());
    }
    if (store->ShuttingDown()) {
      sink.done();
      return true;
    }
    (void)kubelet->WaitForLogs(ns, name, container, *sent, std::chrono::milliseconds(500));
    std::string now;
    bool finished = false;
    if (!kubelet->Logs(ns, name, container, &now, &finished)) {
      sink.done();
      return true;
    }
    if (now.size() > *sent) {
      const std::string chunk = now.substr(*sent);
      *sent = now.size();
      if (!sink.write(chunk.data(), chunk.size())) {
        return false;
      }
    } else if (now.size() < *sent) {
      *sent = now.size();  // the buffer dropped its head
    }
    if (finished) {
      sink.done();
    }
    return true;
  });
}

void ApiServer::HandleAccessReview(const httplib::Request& req, httplib::Response& res,
                                   const UserInfo& user, const ResourceInfo& info) {
  if (req.method != "POST") {
    WriteReply(res, StatusError(405, "MethodNotAllowed",
                                "the server does not allow this method on the requested resource"));
    return;
  }
  json body;
  std::string err;
  if (!ParseBody(req, &body, &err) || !body.is_object()) {
    WriteReply(res, BadRequest(err.empty() ? "body must be an object" : err));
    return;
  }
  const json spec = body.value("spec", json::object());
  Attributes a;
  if (info.resource == "selfsubjectaccessreviews") {
    a.user = user.name;
    a.groups = user.groups;
  } else {
    a.user = spec.value("user", "");
    for (const json& g : spec.value("groups", json::array())) {
      if (g.is_string()) {
        a.groups.push_back(g.get<std::string>());
      }
    }
  }
  bool allowed = true;
  std::string reason;
  if (spec.contains("resourceAttributes")) {
    const json ra = spec["resourceAttributes"];
    a.verb = ra.value("verb", "");
    a.group = ra.value("group", "");
    a.resource = ra.value("resource", "");
    a.subresource = ra.value("subresource", "");
    a.ns = ra.value("namespace", "");
    a.name = ra.value("name", "");
    allowed = policy_.Allowed(a, &reason);
  } else if (!spec.contains("nonResourceAttributes")) {
    WriteReply(res, Invalid(info.kind, "", "spec.resourceAttributes", "FieldValueRequired",
                            "Required value: exactly one of nonResourceAttributes or "
                            "resourceAttributes must be specified"));
    return;
  }
  json out = body;
  out["apiVersion"] = info.ApiVersion();
  out["kind"] = info.kind;
  if (!out.contains("metadata")) {
    out["metadata"] = json::object();
  }
  out["metadata"]["creationTimestamp"] = nullptr;
  out["status"] = {{"allowed", allowed}};
  // Like RBAC, a denial carries no reason (kubectl would print "no - <reason>").
  if (allowed && !reason.empty()) {
    out["status"]["reason"] = reason;
  }
  WriteJson(res, out, 201);
}

}  // namespace aicr::testing::apiserver
