#include "recipe/registry.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "base/status_macros.h"
#include "recipe/decode.h"
#include "serialize/scalar.h"

namespace aicr::recipe {
namespace {

using serialize::Mapping;
using serialize::Value;

inline constexpr std::string_view kReservedDeployerKey = "deployer";

Status TypeMismatch(const std::string& where, std::string_view want, const Value& got) {
  return InvalidRequestError("component registry: " + where + ": expected " + std::string(want) +
                             ", got " + std::string(serialize::ValueTypeName(got.type())));
}

// go-yaml: a scalar decodes into a string field as its text; null as "".
std::optional<std::string> ScalarText(const Value& v) {
  if (v.is_null()) {
    return std::string();
  }
  if (const std::string* s = v.if_string()) {
    return *s;
  }
  if (const bool* b = v.if_bool()) {
    return std::string(*b ? "true" : "false");
  }
  if (const std::int64_t* i = v.if_int()) {
    return std::to_string(*i);
  }
  if (const double* d = v.if_float()) {
    return serialize::FormatYamlFloat(*d);
  }
  return std::nullopt;
}

Result<std::string> Text(const Mapping* m, std::string_view key, const std::string& where) {
  const Value* v = m == nullptr ? nullptr : m->Find(key);
  if (v == nullptr) {
    return std::string();
  }
  std::optional<std::string> text = ScalarText(*v);
  if (!text.has_value()) {
    return TypeMismatch(where + "." + std::string(key), "string", *v);
  }
  return *std::move(text);
}

Result<std::vector<std::string>> Texts(const Mapping* m, std::string_view key,
                                       const std::string& where) {
  std::vector<std::string> out;
  const Value* v = m == nullptr ? nullptr : m->Find(key);
  if (v == nullptr || v->is_null()) {
    return out;
  }
  const std::string at = where + "." + std::string(key);
  const serialize::Sequence* seq = v->if_sequence();
  if (seq == nullptr) {
    return TypeMismatch(at, "sequence", *v);
  }
  for (std::size_t i = 0; i < seq->size(); ++i) {
    std::optional<std::string> text = ScalarText((*seq)[i]);
    if (!text.has_value()) {
      return TypeMismatch(at + "[" + std::to_string(i) + "]", "string", (*seq)[i]);
    }
    out.push_back(*std::move(text));
  }
  return out;
}

Result<const Mapping*> Sub(const Mapping* m, std::string_view key, const std::string& where) {
  if (m == nullptr) {
    return static_cast<const Mapping*>(nullptr);
  }
  const Value* v = m->Find(key);
  if (v == nullptr || v->is_null()) {
    return static_cast<const Mapping*>(nullptr);
  }
  if (const Mapping* sub = v->if_mapping()) {
    return sub;
  }
  return TypeMismatch(where + "." + std::string(key), "mapping", *v);
}

Result<RegistryComponent> DecodeComponent(const Value& v, std::size_t i) {
  const std::string where = "components[" + std::to_string(i) + "]";
  const Mapping* m = v.if_mapping();
  if (m == nullptr && !v.is_null()) {
    return TypeMismatch(where, "mapping", v);
  }
  RegistryComponent c;
  c.raw = v;
  AICR_ASSIGN_OR_RETURN(c.name, Text(m, "name", where));
  AICR_ASSIGN_OR_RETURN(c.display_name, Text(m, "displayName", where));
  AICR_ASSIGN_OR_RETURN(c.value_override_keys, Texts(m, "valueOverrideKeys", where));
  AICR_ASSIGN_OR_RETURN(const Mapping* helm, Sub(m, "helm", where));
  if (helm != nullptr) {
    const std::string at = where + ".helm";
    HelmDefaults h;
    AICR_ASSIGN_OR_RETURN(h.default_repository, Text(helm, "defaultRepository", at));
    AICR_ASSIGN_OR_RETURN(h.default_chart, Text(helm, "defaultChart", at));
    AICR_ASSIGN_OR_RETURN(h.default_version, Text(helm, "defaultVersion", at));
    AICR_ASSIGN_OR_RETURN(h.default_namespace, Text(helm, "defaultNamespace", at));
    c.helm = std::move(h);
  }
  AICR_ASSIGN_OR_RETURN(const Mapping* kustomize, Sub(m, "kustomize", where));
  if (kustomize != nullptr) {
    const std::string at = where + ".kustomize";
    KustomizeDefaults k;
    AICR_ASSIGN_OR_RETURN(k.default_source, Text(kustomize, "defaultSource", at));
    AICR_ASSIGN_OR_RETURN(k.default_path, Text(kustomize, "defaultPath", at));
    AICR_ASSIGN_OR_RETURN(k.default_tag, Text(kustomize, "defaultTag", at));
    c.kustomize = std::move(k);
  }
  AICR_ASSIGN_OR_RETURN(c.mixin_safe_override_paths, Texts(m, "mixinSafeOverridePaths", where));
  AICR_ASSIGN_OR_RETURN(const Mapping* health, Sub(m, "healthCheck", where));
  AICR_ASSIGN_OR_RETURN(c.health_check_assert_file,
                        Text(health, "assertFile", where + ".healthCheck"));
  AICR_ASSIGN_OR_RETURN(c.manifest_files, Texts(m, "manifestFiles", where));
  return c;
}

std::string Label(std::size_t i, const RegistryComponent& c) {
  return "component[" + std::to_string(i) + "] (" + c.name + ")";
}

Status Validate(const std::vector<RegistryComponent>& comps) {
  for (std::size_t i = 0; i < comps.size(); ++i) {
    if (comps[i].name.empty()) {
      return InvalidRequestError("component[" + std::to_string(i) + "]: name is required");
    }
    if (comps[i].display_name.empty()) {
      return InvalidRequestError(Label(i, comps[i]) + ": displayName is required");
    }
  }
  std::map<std::string, std::string> names;
  for (const RegistryComponent& c : comps) {
    if (!names.emplace(c.name, c.name).second) {
      return InvalidRequestError("duplicate component name: " + c.name);
    }
  }
  std::map<std::string, std::string> keys;  // key -> component
  for (const RegistryComponent& c : comps) {
    for (const std::string& key : c.value_override_keys) {
      const auto [it, inserted] = keys.emplace(key, c.name);
      if (!inserted) {
        return InvalidRequestError("duplicate valueOverrideKey \"" + key + "\": used by both " +
                                   it->second + " and " + c.name);
      }
    }
  }
  for (std::size_t i = 0; i < comps.size(); ++i) {
    const RegistryComponent& c = comps[i];
    const bool has_helm = c.helm.has_value() &&
                          (!c.helm->default_repository.empty() || !c.helm->default_chart.empty());
    const bool has_kustomize = c.kustomize.has_value() && !c.kustomize->default_source.empty();
    if (has_helm && has_kustomize) {
      return InvalidRequestError(Label(i, c) +
                                 ": cannot have both helm and kustomize configuration");
    }
    if (c.name == kReservedDeployerKey) {
      return InvalidRequestError(Label(i, c) +
                                 ": name \"deployer\" is reserved for --set deployer:<key> "
                                 "deployer options");
    }
    if (std::find(c.value_override_keys.begin(), c.value_override_keys.end(),
                  kReservedDeployerKey) != c.value_override_keys.end()) {
      return InvalidRequestError(Label(i, c) +
                                 ": valueOverrideKey \"deployer\" is reserved for --set "
                                 "deployer:<key> deployer options");
    }
    if (has_kustomize && !c.manifest_files.empty()) {
      return InvalidRequestError(Label(i, c) +
                                 ": manifestFiles is not supported for a kustomize component");
    }
  }
  return OkStatus();
}

}  // namespace

std::string RegistryComponent::Type() const {
  if (kustomize.has_value() && !kustomize->default_source.empty()) {
    return "Kustomize";
  }
  return "Helm";
}

Result<ComponentRegistry> ComponentRegistry::FromValue(const Value& doc) {
  const Mapping* m = doc.if_mapping();
  if (m == nullptr) {
    return InvalidRequestError("component registry: expected mapping, got " +
                               std::string(serialize::ValueTypeName(doc.type())));
  }
  AICR_ASSIGN_OR_RETURN(std::string kind, Text(m, "kind", "registry"));
  AICR_ASSIGN_OR_RETURN(std::string api_version, Text(m, "apiVersion", "registry"));
  if (kind != kComponentRegistryKind) {
    return InvalidRequestError("component registry has kind \"" + kind +
                               "\", expected \"ComponentRegistry\"");
  }
  if (!IsAuthoringApiVersion(api_version)) {
    return InvalidRequestError("component registry has apiVersion \"" + api_version +
                               "\", expected \"" + std::string(kApiV1Beta1) + "\"");
  }
  ComponentRegistry reg;
  reg.api_version_ = api_version;
  const Value* comps = m->Find("components");
  if (comps != nullptr && !comps->is_null()) {
    const serialize::Sequence* seq = comps->if_sequence();
    if (seq == nullptr) {
      return TypeMismatch("components", "sequence", *comps);
    }
    for (std::size_t i = 0; i < seq->size(); ++i) {
      AICR_ASSIGN_OR_RETURN(RegistryComponent c, DecodeComponent((*seq)[i], i));
      reg.components_.push_back(std::move(c));
    }
  }
  AICR_RETURN_IF_ERROR(Validate(reg.components_));
  return reg;
}

const RegistryComponent* ComponentRegistry::Find(std::string_view name) const {
  for (const RegistryComponent& c : components_) {
    if (c.name == name) {
      return &c;
    }
  }
  return nullptr;
}

const RegistryComponent* ComponentRegistry::FindByOverrideKey(std::string_view key) const {
  for (const RegistryComponent& c : components_) {
    if (c.name == key || std::find(c.value_override_keys.begin(), c.value_override_keys.end(),
                                   key) != c.value_override_keys.end()) {
      return &c;
    }
  }
  return nullptr;
}

std::vector<std::string> ComponentRegistry::Names() const {
  std::vector<std::string> out;
  out.reserve(components_.size());
  for (const RegistryComponent& c : components_) {
    out.push_back(c.name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace aicr::recipe
