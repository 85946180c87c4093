#include "validator/checks/resource_health.h"

#include <cstdint>
#include <string>

#include "base/strings.h"

namespace aicr::validator::checks {
namespace {

// An integer field at a dotted path, or `fallback` when absent or not an integer.
std::int64_t IntAt(const serialize::Value& object, std::string_view path, std::int64_t fallback) {
  const serialize::Value* v = object.FindPath(path);
  if (v == nullptr) {
    return fallback;
  }
  if (const std::int64_t* i = v->if_int()) {
    return *i;
  }
  return fallback;
}

std::string StringAt(const serialize::Value& object, std::string_view path) {
  const serialize::Value* v = object.FindPath(path);
  const std::string* s = v == nullptr ? nullptr : v->if_string();
  return s == nullptr ? "" : *s;
}

std::string Ratio(std::int64_t have, std::int64_t want) {
  return std::to_string(have) + "/" + std::to_string(want);
}

Status CrdHealth(const serialize::Value& object) {
  const serialize::Value* conditions = object.FindPath("status.conditions");
  if (conditions != nullptr && conditions->is_sequence()) {
    for (const serialize::Value& c : *conditions->if_sequence()) {
      if (StringAt(c, "type") != "Established") {
        continue;
      }
      const std::string status = StringAt(c, "status");
      if (status == "True") {
        return OkStatus();
      }
      std::string why = "condition Established is " + (status.empty() ? "unset" : status);
      const std::string reason = StringAt(c, "reason");
      const std::string message = StringAt(c, "message");
      if (!reason.empty()) {
        why += " (" + reason + (message.empty() ? "" : ": " + message) + ")";
      } else if (!message.empty()) {
        why += " (" + message + ")";
      }
      return InternalError("not established: " + why);
    }
  }
  return InternalError("not established: no Established condition");
}

}  // namespace

std::optional<k8s::Resource> ResourceForKind(std::string_view kind) {
  if (kind == "Deployment") {
    return k8s::Custom("apps", "v1", "deployments", "Deployment", true);
  }
  if (kind == "StatefulSet") {
    return k8s::Custom("apps", "v1", "statefulsets", "StatefulSet", true);
  }
  if (kind == "DaemonSet") {
    return k8s::Custom("apps", "v1", "daemonsets", "DaemonSet", true);
  }
  if (kind == "Service") {
    return k8s::Custom("", "v1", "services", "Service", true);
  }
  if (kind == "ConfigMap") {
    return k8s::resources::kConfigMaps;
  }
  if (kind == "Secret") {
    return k8s::resources::kSecrets;
  }
  if (kind == "CustomResourceDefinition") {
    return k8s::resources::kCustomResourceDefinitions;
  }
  return std::nullopt;
}

Status ObjectHealth(std::string_view kind, const serialize::Value& object) {
  if (kind == "Deployment") {
    const std::int64_t want = IntAt(object, "spec.replicas", 1);
    const std::int64_t have = IntAt(object, "status.availableReplicas", 0);
    if (have < want) {
      return InternalError("not healthy: " + Ratio(have, want) + " replicas available");
    }
    return OkStatus();
  }
  if (kind == "StatefulSet") {
    const std::int64_t want = IntAt(object, "spec.replicas", 1);
    const std::int64_t have = IntAt(object, "status.readyReplicas", 0);
    if (have < want) {
      return InternalError("not healthy: " + Ratio(have, want) + " replicas ready");
    }
    return OkStatus();
  }
  if (kind == "DaemonSet") {
    const std::int64_t desired = IntAt(object, "status.desiredNumberScheduled", 0);
    const std::int64_t ready = IntAt(object, "status.numberReady", 0);
    if (desired <= 0) {
      return InternalError("not healthy: no pods scheduled (0 desired)");
    }
    if (ready != desired) {
      return InternalError("not healthy: " + Ratio(ready, desired) + " pods ready");
    }
    return OkStatus();
  }
  if (kind == "CustomResourceDefinition") {
    return CrdHealth(object);
  }
  return OkStatus();  // existence is all that is asked of the other kinds
}

Status VerifyResource(const k8s::Client& client, const recipe::ExpectedResource& resource,
                      const k8s::CallOptions& call) {
  const std::optional<k8s::Resource> r = ResourceForKind(resource.kind);
  if (!r) {
    return InvalidRequestError("unsupported resource kind " + EscapedQuote(resource.kind));
  }
  Result<serialize::Value> object = client.Get(*r, resource.namespace_, resource.name, call);
  if (!object.ok()) {
    if (object.status().code() == ErrorCode::kNotFound) {
      return NotFoundError("not found");
    }
    return object.status().WithContext("failed to get");
  }
  return ObjectHealth(resource.kind, *object);
}

}  // namespace aicr::validator::checks
