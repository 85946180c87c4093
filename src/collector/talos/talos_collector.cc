#include "collector/talos/talos_collector.h"

#include <utility>

#include "base/strings.h"
#include "k8s/resource.h"

namespace aicr::collector::talos {
namespace {

using measurement::Reading;
using measurement::Subtype;

constexpr std::string_view kContainerdUnit = "containerd.service";
constexpr std::string_view kKubeletUnit = "kubelet.service";

std::string NodeInfo(const serialize::Value& node, std::string_view field) {
  const serialize::Value* v = node.FindPath("status.nodeInfo." + std::string(field));
  if (v == nullptr || !v->is_string()) {
    return "";
  }
  return *v->if_string();
}

Subtype Sourced(std::string_view name) {
  Subtype s;
  s.name = std::string(name);
  s.data["Source"] = Reading::Str(std::string(kSourceNodeInfo));
  return s;
}

Subtype UnitSubtype(std::string_view unit) {
  Subtype s = Sourced(unit);
  s.data["UnitFileName"] = Reading::Str(std::string(unit));
  return s;
}

/// The shared Node, or the measurement of `type` with no subtypes and a warning.
/// CANCELED when `ctx` is canceled.
Result<std::optional<serialize::Value>> FetchNode(const NodeSource& source,
                                                  const CollectContext& ctx,
                                                  std::string_view collector, Collected* out) {
  if (ctx.cancel.IsCanceled()) {
    return CanceledError(std::string(collector) + ": collection canceled");
  }
  Result<serialize::Value> node = source.Get(ctx.env, ctx.cancel);
  if (node.ok()) {
    return std::optional<serialize::Value>(std::move(node).value());
  }
  if (ctx.cancel.IsCanceled()) {
    return CanceledError(std::string(collector) + ": collection canceled");
  }
  out->warnings.push_back(
      std::string(collector) +
      ": no Talos node data from the Kubernetes API: " + node.status().message());
  return std::optional<serialize::Value>();
}

}  // namespace

NodeSource::NodeSource(std::shared_ptr<const k8s::Client> client) : client_(std::move(client)) {}

Result<serialize::Value> NodeSource::Get(const EnvLookup& env, const CancelToken& cancel) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (node_.has_value()) {
    return *node_;
  }
  const std::string node_name = SourceNodeName(env);
  Result<serialize::Value> fetched = [&]() -> Result<serialize::Value> {
    if (client_ == nullptr) {
      return UnavailableError("no Kubernetes client");
    }
    if (node_name.empty()) {
      return InvalidRequestError(
          "no node name (NODE_NAME, KUBERNETES_NODE_NAME and HOSTNAME are unset)");
    }
    k8s::CallOptions call;
    call.cancel = cancel;
    return client_->Get(k8s::resources::kNodes, "", node_name, call);
  }();
  if (!fetched.ok() && cancel.IsCanceled()) {
    return fetched;  // not kept: a caller with time left fetches again
  }
  node_ = fetched;
  return fetched;
}

std::pair<std::string, std::string> ParseOsImage(std::string_view os_image) {
  if (os_image.empty()) {
    return {"", ""};
  }
  const std::size_t paren = os_image.find(" (");
  std::string id = AsciiLower(Trim(os_image.substr(0, paren)));
  if (const std::size_t space = id.find(' '); space != std::string::npos) {
    id.resize(space);
  }
  std::string version;
  if (paren != std::string_view::npos) {
    std::string_view v = Trim(os_image.substr(paren + 2));
    if (!v.empty() && v.back() == ')') {
      v.remove_suffix(1);
    }
    if (!v.empty() && v.front() == 'v') {
      v.remove_prefix(1);
    }
    version = std::string(v);
  }
  return {std::move(id), std::move(version)};
}

std::pair<std::string, std::string> SplitRuntimeId(std::string_view runtime_id) {
  const std::size_t sep = runtime_id.find("://");
  if (sep == std::string_view::npos) {
    return {std::string(runtime_id), ""};
  }
  return {std::string(runtime_id.substr(0, sep)), std::string(runtime_id.substr(sep + 3))};
}

Subtype ReleaseSubtype(const serialize::Value& node) {
  Subtype s = Sourced("release");
  const std::string os_image = NodeInfo(node, "osImage");
  if (!os_image.empty()) {
    s.data["PRETTY_NAME"] = Reading::Str(os_image);
    auto [id, version] = ParseOsImage(os_image);
    if (!id.empty()) {
      s.data["ID"] = Reading::Str(std::move(id));
      if (!version.empty()) {
        s.data["VERSION_ID"] = Reading::Str(std::move(version));
      }
    }
  }
  if (std::string kernel = NodeInfo(node, "kernelVersion"); !kernel.empty()) {
    s.data["KERNEL_VERSION"] = Reading::Str(std::move(kernel));
  }
  if (std::string os = NodeInfo(node, "operatingSystem"); !os.empty()) {
    s.data["OPERATING_SYSTEM"] = Reading::Str(std::move(os));
  }
  return s;
}

std::optional<Subtype> ExtensionsSubtype(const serialize::Value& node) {
  const serialize::Value* labels = node.FindPath("metadata.labels");
  if (labels == nullptr || !labels->is_mapping()) {
    return std::nullopt;
  }
  Subtype s = Sourced("extensions");
  bool found = false;
  for (const auto& [key, value] : *labels->if_mapping()) {
    if (key.size() <= kExtensionLabelPrefix.size() || key.rfind(kExtensionLabelPrefix, 0) != 0 ||
        !value.is_string()) {
      continue;
    }
    s.data[key.substr(kExtensionLabelPrefix.size())] = Reading::Str(*value.if_string());
    found = true;
  }
  if (!found) {
    return std::nullopt;
  }
  return s;
}

Subtype ContainerdSubtype(const serialize::Value& node) {
  Subtype s = UnitSubtype(kContainerdUnit);
  const std::string runtime = NodeInfo(node, "containerRuntimeVersion");
  if (runtime.empty()) {
    s.data["ActiveState"] = Reading::Str("unknown");
    return s;
  }
  auto [name, version] = SplitRuntimeId(runtime);
  s.data["ActiveState"] = Reading::Str("active");
  s.data["RuntimeName"] = Reading::Str(std::move(name));
  s.data["Version"] = Reading::Str(std::move(version));
  return s;
}

Subtype KubeletSubtype(const serialize::Value& node) {
  Subtype s = UnitSubtype(kKubeletUnit);
  std::string version = NodeInfo(node, "kubeletVersion");
  if (version.empty()) {
    s.data["ActiveState"] = Reading::Str("unknown");
    return s;
  }
  s.data["ActiveState"] = Reading::Str("active");
  s.data["Version"] = Reading::Str(std::move(version));
  return s;
}

TalosOsCollector::TalosOsCollector(std::shared_ptr<const NodeSource> node)
    : node_(std::move(node)) {}

Result<Collected> TalosOsCollector::Collect(const CollectContext& ctx) const {
  Collected out;
  measurement::Measurement m;
  m.type = std::string(type());
  Result<std::optional<serialize::Value>> node = FetchNode(*node_, ctx, "os (talos)", &out);
  if (!node.ok()) {
    return node.status();
  }
  if (node->has_value()) {
    m.subtypes.push_back(ReleaseSubtype(**node));
    if (std::optional<Subtype> extensions = ExtensionsSubtype(**node)) {
      m.subtypes.push_back(std::move(*extensions));
    }
  }
  out.measurement = std::move(m);
  return out;
}

TalosServiceCollector::TalosServiceCollector(std::shared_ptr<const NodeSource> node)
    : node_(std::move(node)) {}

Result<Collected> TalosServiceCollector::Collect(const CollectContext& ctx) const {
  Collected out;
  measurement::Measurement m;
  m.type = std::string(type());
  Result<std::optional<serialize::Value>> node = FetchNode(*node_, ctx, "systemd (talos)", &out);
  if (!node.ok()) {
    return node.status();
  }
  if (node->has_value()) {
    m.subtypes.push_back(ContainerdSubtype(**node));
    m.subtypes.push_back(KubeletSubtype(**node));
  }
  out.measurement = std::move(m);
  return out;
}

}  // namespace aicr::collector::talos
