#include "collector/k8s/k8s_collector.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include "base/status_macros.h"
#include "base/strings.h"
#include "k8s/resource.h"
#include "serialize/json_writer.h"

namespace aicr::collector {
namespace {

using measurement::Reading;
using measurement::Subtype;

constexpr std::string_view kClusterPolicyKind = "ClusterPolicy";
constexpr std::string_view kMariaDbGroup = "k8s.mariadb.com";

k8s::CallOptions Call(const CancelToken& cancel) {
  k8s::CallOptions call;
  call.cancel = cancel;
  return call;
}

std::string StringAt(const serialize::Value& v, std::string_view path) {
  const serialize::Value* found = v.FindPath(path);
  if (found == nullptr || !found->is_string()) return "";
  return *found->if_string();
}

/// Sorts objects by metadata.namespace, then metadata.name.
void SortByNamespaceName(std::vector<serialize::Value>* objects) {
  std::stable_sort(
      objects->begin(), objects->end(), [](const serialize::Value& a, const serialize::Value& b) {
        return std::pair(StringAt(a, "metadata.namespace"), StringAt(a, "metadata.name")) <
               std::pair(StringAt(b, "metadata.namespace"), StringAt(b, "metadata.name"));
      });
}

Subtype Named(std::string name) {
  Subtype s;
  s.name = std::move(name);
  return s;
}

}  // namespace

K8sCollector::K8sCollector(std::shared_ptr<const k8s::Client> client)
    : client_(std::move(client)) {}

measurement::Measurement EmptyK8sMeasurement() {
  measurement::Measurement m;
  m.type = "K8s";
  for (const char* name : {"server", "image", "policy", "node"}) m.subtypes.push_back(Named(name));
  Subtype mariadb = Named("mariadb-operator");
  mariadb.data["collection-state"] = Reading::Str("unknown");
  m.subtypes.push_back(std::move(mariadb));
  return m;
}

bool IsTransientK8sError(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kTimeout:
    case ErrorCode::kUnavailable:
    case ErrorCode::kRateLimitExceeded:
    case ErrorCode::kInternal:
    case ErrorCode::kCanceled:
      return true;
    default:
      return false;
  }
}

std::pair<std::string, std::string> ParseImageReference(std::string_view image) {
  if (std::size_t slash = image.rfind('/'); slash != std::string_view::npos) {
    image.remove_prefix(slash + 1);
  }
  if (std::size_t at = image.find('@'); at != std::string_view::npos) image = image.substr(0, at);
  std::size_t colon = image.rfind(':');
  if (colon == std::string_view::npos) return {std::string(image), "latest"};
  return {std::string(image.substr(0, colon)), std::string(image.substr(colon + 1))};
}

void FlattenSpec(const serialize::Value& value, const std::string& prefix,
                 std::map<std::string, Reading>* out) {
  if (const serialize::Mapping* m = value.if_mapping()) {
    for (const auto& [key, child] : *m) {
      FlattenSpec(child, prefix.empty() ? key : prefix + "." + key, out);
    }
    return;
  }
  if (const serialize::Sequence* seq = value.if_sequence()) {
    if (seq->empty()) return;
    serialize::JsonWriteOptions options;
    options.compact = true;
    options.trailing_newline = false;
    Result<std::string> text = serialize::WriteJson(value, options);
    (*out)[prefix] = Reading::Str(text.ok() ? *text : Reading::FromValue(value).String());
    return;
  }
  (*out)[prefix] = Reading::Str(Reading::FromValue(value).String());
}

std::string MapProviderScheme(std::string_view scheme) {
  if (scheme == "aws") return "eks";
  if (scheme == "gce") return "gke";
  if (scheme == "azure") return "aks";
  if (scheme == "oci") return "oke";
  return std::string(scheme);
}

Result<Subtype> CollectServer(const k8s::Client& client, const CancelToken& cancel) {
  AICR_ASSIGN_OR_RETURN(serialize::Value version, client.ServerVersion(Call(cancel)));
  Subtype s = Named("server");
  for (const auto& [field, key] :
       {std::pair<std::string_view, std::string_view>{"gitVersion", "version"},
        {"platform", "platform"},
        {"goVersion", "goVersion"}}) {
    std::string text = StringAt(version, field);
    if (!text.empty()) s.data[std::string(key)] = Reading::Str(std::move(text));
  }
  return s;
}

Result<Subtype> CollectImages(const k8s::Client& client, const CancelToken& cancel) {
  AICR_ASSIGN_OR_RETURN(k8s::ObjectList pods,
                        client.ListAll(k8s::resources::kPods, "", {}, Call(cancel)));
  SortByNamespaceName(&pods.items);
  Subtype s = Named("image");
  for (const serialize::Value& pod : pods.items) {
    for (std::string_view list :
         {"spec.containers", "spec.initContainers", "spec.ephemeralContainers"}) {
      const serialize::Value* containers = pod.FindPath(list);
      if (containers == nullptr || !containers->is_sequence()) continue;
      for (const serialize::Value& c : *containers->if_sequence()) {
        std::string image = StringAt(c, "image");
        if (image.empty()) continue;
        auto [name, tag] = ParseImageReference(image);
        s.data[name] = Reading::Str(std::move(tag));
      }
    }
  }
  return s;
}

Result<Subtype> CollectPolicy(const k8s::Client& client, const CancelToken& cancel,
                              std::vector<std::string>* warnings) {
  AICR_ASSIGN_OR_RETURN(serialize::Value groups, client.ApiGroups(Call(cancel)));
  std::vector<k8s::Resource> found;
  const serialize::Value* list = groups.Find("groups");
  if (list != nullptr && list->is_sequence()) {
    for (const serialize::Value& group : *list->if_sequence()) {
      const std::string group_version = StringAt(group, "preferredVersion.groupVersion");
      const std::string group_name = StringAt(group, "name");
      if (group_version.empty()) continue;
      Result<serialize::Value> resources = client.ServerResources(group_version, Call(cancel));
      if (!resources.ok()) {
        if (cancel.IsCanceled()) return resources.status();
        warnings->push_back("policy: discovery of " + group_version +
                            " skipped: " + resources.status().message());
        continue;
      }
      const serialize::Value* entries = resources->Find("resources");
      if (entries == nullptr || !entries->is_sequence()) continue;
      for (const serialize::Value& r : *entries->if_sequence()) {
        const std::string name = StringAt(r, "name");
        if (StringAt(r, "kind") != kClusterPolicyKind || name.empty() ||
            name.find('/') != std::string::npos) {
          continue;
        }
        const serialize::Value* namespaced = r.Find("namespaced");
        const std::string version = group_version.substr(group_version.find('/') + 1);
        found.push_back(
            k8s::Custom(group_name, version, name, std::string(kClusterPolicyKind),
                        namespaced != nullptr && namespaced->is_bool() && *namespaced->if_bool()));
      }
    }
  }
  Subtype s = Named("policy");
  for (const k8s::Resource& r : found) {
    AICR_ASSIGN_OR_RETURN(k8s::ObjectList objects, client.ListAll(r, "", {}, Call(cancel)));
    SortByNamespaceName(&objects.items);
    for (const serialize::Value& object : objects.items) {
      const serialize::Value* spec = object.Find("spec");
      if (spec != nullptr && spec->is_mapping()) FlattenSpec(*spec, "", &s.data);
    }
  }
  return s;
}

Result<Subtype> CollectNode(const k8s::Client& client, std::string_view node_name,
                            const CancelToken& cancel) {
  if (node_name.empty()) {
    return Status(ErrorCode::kInvalidRequest,
                  "node: no node name (NODE_NAME, KUBERNETES_NODE_NAME, HOSTNAME unset)");
  }
  AICR_ASSIGN_OR_RETURN(serialize::Value node,
                        client.Get(k8s::resources::kNodes, "", node_name, Call(cancel)));
  Subtype s = Named("node");
  s.data["source-node"] = Reading::Str(std::string(node_name));
  const std::string provider_id = StringAt(node, "spec.providerID");
  if (!provider_id.empty()) {
    const std::size_t sep = provider_id.find("://");
    const std::string scheme =
        AsciiLower(sep == std::string::npos ? provider_id : provider_id.substr(0, sep));
    s.data["provider"] = Reading::Str(MapProviderScheme(scheme));
    s.data["provider-id"] = Reading::Str(provider_id);
  }
  const std::string runtime = StringAt(node, "status.nodeInfo.containerRuntimeVersion");
  if (!runtime.empty()) {
    s.data["container-runtime-id"] = Reading::Str(runtime);
    const std::size_t sep = runtime.find("://");
    if (sep != std::string::npos) {
      s.data["container-runtime-name"] = Reading::Str(runtime.substr(0, sep));
      s.data["container-runtime-version"] = Reading::Str(runtime.substr(sep + 3));
    }
  }
  for (const auto& [field, key] :
       {std::pair<std::string_view, std::string_view>{"kubeletVersion", "kubelet-version"},
        {"kernelVersion", "kernel-version"},
        {"operatingSystem", "operating-system"},
        {"osImage", "os-image"}}) {
    std::string text = StringAt(node, "status.nodeInfo." + std::string(field));
    if (!text.empty()) s.data[std::string(key)] = Reading::Str(std::move(text));
  }
  return s;
}

Result<Subtype> CollectMariaDbOperator(const k8s::Client& client, const CancelToken& cancel) {
  Subtype s = Named("mariadb-operator");
  auto unknown = [&s](const Status& status) -> Result<Subtype> {
    if (IsTransientK8sError(status)) return status;
    s.data = {{"collection-state", Reading::Str("unknown")}};
    return s;
  };
  Result<serialize::Value> groups = client.ApiGroups(Call(cancel));
  if (!groups.ok()) return unknown(groups.status());
  std::string group_version;
  if (const serialize::Value* list = groups->Find("groups");
      list != nullptr && list->is_sequence()) {
    for (const serialize::Value& group : *list->if_sequence()) {
      if (StringAt(group, "name") == kMariaDbGroup) {
        group_version = StringAt(group, "preferredVersion.groupVersion");
      }
    }
  }
  std::optional<k8s::Resource> mariadbs;
  if (!group_version.empty()) {
    Result<serialize::Value> resources = client.ServerResources(group_version, Call(cancel));
    if (!resources.ok()) return unknown(resources.status());
    const serialize::Value* entries = resources->Find("resources");
    if (entries != nullptr && entries->is_sequence()) {
      for (const serialize::Value& r : *entries->if_sequence()) {
        if (StringAt(r, "name") != "mariadbs") continue;
        const serialize::Value* namespaced = r.Find("namespaced");
        mariadbs = k8s::Custom(
            std::string(kMariaDbGroup), group_version.substr(group_version.find('/') + 1),
            "mariadbs", StringAt(r, "kind"),
            namespaced == nullptr || !namespaced->is_bool() || *namespaced->if_bool());
      }
    }
  }
  if (!mariadbs.has_value()) {
    s.data["collection-state"] = Reading::Str("absent");
    s.data["api-available"] = Reading::Bool(false);
    return s;
  }
  k8s::ListOptions options;
  options.limit = 1;
  Result<k8s::ObjectList> objects = client.List(*mariadbs, "", options, Call(cancel));
  if (!objects.ok()) return unknown(objects.status());
  s.data["collection-state"] =
      Reading::Str(objects->items.empty() ? "api-detected" : "crs-detected");
  s.data["api-available"] = Reading::Bool(true);
  s.data["api-version"] = Reading::Str(group_version);
  return s;
}

Result<Subtype> CollectDefaultStorageClass(const k8s::Client& client, const CancelToken& cancel) {
  Subtype s = Named("default-storage-class");
  const k8s::Resource storage_classes =
      k8s::Custom("storage.k8s.io", "v1", "storageclasses", "StorageClass", false);
  k8s::ListOptions options;
  options.limit = 500;
  Result<k8s::ObjectList> list = client.ListAll(storage_classes, "", options, Call(cancel));
  if (!list.ok()) {
    if (IsTransientK8sError(list.status())) return list.status();
    s.data["collection-state"] = Reading::Str("unknown");
    return s;
  }
  std::vector<std::string> defaults;
  for (const serialize::Value& sc : list->items) {
    const serialize::Value* annotations = sc.FindPath("metadata.annotations");
    if (annotations == nullptr || !annotations->is_mapping()) continue;
    bool is_default = false;
    for (std::string_view key : {"storageclass.kubernetes.io/is-default-class",
                                 "storageclass.beta.kubernetes.io/is-default-class"}) {
      const serialize::Value* v = annotations->Find(key);
      if (v != nullptr && v->is_string() && *v->if_string() == "true") is_default = true;
    }
    if (is_default) defaults.push_back(StringAt(sc, "metadata.name"));
  }
  std::sort(defaults.begin(), defaults.end());
  std::string joined;
  for (const std::string& name : defaults) joined += (joined.empty() ? "" : ",") + name;
  s.data["collection-state"] = Reading::Str(defaults.empty()       ? "absent"
                                            : defaults.size() == 1 ? "present"
                                                                   : "multiple");
  s.data["default-count"] = Reading::Int(static_cast<std::int64_t>(defaults.size()));
  s.data["default-classes"] = Reading::Str(joined);
  return s;
}

Result<Collected> K8sCollector::Collect(const CollectContext& ctx) const {
  Collected out;
  if (client_ == nullptr) {
    out.measurement = EmptyK8sMeasurement();
    return out;
  }
  if (ctx.cancel.IsCanceled()) return Status(ErrorCode::kCanceled, "k8s: collection canceled");
  measurement::Measurement m;
  m.type = "K8s";
  // Each sub-collector: a transient error fails the collector, another one leaves
  // the subtype empty with a warning.
  auto add = [&](const char* name, Result<Subtype> result) -> Status {
    if (result.ok()) {
      m.subtypes.push_back(std::move(*result));
      return OkStatus();
    }
    if (IsTransientK8sError(result.status()) || ctx.cancel.IsCanceled()) {
      return result.status().WithContext(std::string("k8s: ") + name);
    }
    out.warnings.push_back(std::string("k8s: ") + name + ": " + result.status().message());
    m.subtypes.push_back(Named(name));
    return OkStatus();
  };
  AICR_RETURN_IF_ERROR(add("server", CollectServer(*client_, ctx.cancel)));
  AICR_RETURN_IF_ERROR(add("image", CollectImages(*client_, ctx.cancel)));
  AICR_RETURN_IF_ERROR(add("policy", CollectPolicy(*client_, ctx.cancel, &out.warnings)));
  AICR_RETURN_IF_ERROR(add("node", CollectNode(*client_, SourceNodeName(ctx.env), ctx.cancel)));
  AICR_RETURN_IF_ERROR(add("mariadb-operator", CollectMariaDbOperator(*client_, ctx.cancel)));
  AICR_RETURN_IF_ERROR(
      add("default-storage-class", CollectDefaultStorageClass(*client_, ctx.cancel)));
  out.measurement = std::move(m);
  return out;
}

}  // namespace aicr::collector
