#include "bundler/injections.h"

#include <utility>

#include "base/strings.h"
#include "overrides/values.h"

namespace aicr::bundler {
namespace {

using serialize::Mapping;
using serialize::Sequence;
using serialize::Value;

struct DraPair {
  const char* gpu_operator;
  const char* dra;
};
constexpr DraPair kPairs[] = {{"gpu-operator", "nvidia-dra-driver-gpu"},
                              {"gpu-operator-ocp", "nvidia-dra-driver-gpu-ocp"}};

// The mapping at `keys` below `root`, created (replacing non-mappings) on the way.
Mapping& MappingAt(Value* root, std::initializer_list<const char*> keys) {
  Value* cur = root;
  for (const char* key : keys) {
    if (!cur->is_mapping()) {
      *cur = Value::EmptyMapping();
    }
    Value* next = cur->Find(key);
    if (next == nullptr || !next->is_mapping()) {
      next = &cur->Set(key, Value::EmptyMapping());
    }
    cur = next;
  }
  return *cur->if_mapping();
}

bool DriverManagedByOperator(const Value& gpu_values) {
  const Value* enabled = gpu_values.FindPath("driver.enabled");
  return enabled == nullptr || (enabled->if_bool() != nullptr && *enabled->if_bool());
}

void SetEvictionEnv(Value* gpu_values, const std::string& label_key) {
  Mapping& manager = MappingAt(gpu_values, {"driver", "manager"});
  Value* env = manager.Find("env");
  if (env == nullptr || !env->is_sequence()) {
    env = &manager.Set("env", Value::EmptySequence());
  }
  for (Value& entry : *env->if_sequence()) {
    const Value* name = entry.Find("name");
    if (name != nullptr && name->if_string() != nullptr && *name->if_string() == kEvictionEnv) {
      entry.Set("value", label_key);
      return;
    }
  }
  Mapping item;
  item.Set("name", kEvictionEnv);
  item.Set("value", label_key);
  env->Append(Value(std::move(item)));
}

bool HasUnnamedClaim(const Value& v) {
  if (const Mapping* m = v.if_mapping()) {
    for (const auto& [key, child] : *m) {
      if (key == "volumeClaimTemplate" && child.is_mapping()) {
        const Value* sc = child.FindPath("spec.storageClassName");
        if (sc == nullptr || sc->is_null() ||
            (sc->if_string() != nullptr && sc->if_string()->empty())) {
          return true;
        }
      } else if (HasUnnamedClaim(child)) {
        return true;
      }
    }
  } else if (const Sequence* s = v.if_sequence()) {
    for (const Value& child : *s) {
      if (HasUnnamedClaim(child)) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

Status ApplyBundlerInjections(const InjectionInput& input, std::vector<std::string>* warnings) {
  auto& values = *input.values;
  for (const DraPair& pair : kPairs) {
    const auto gpu = values.find(pair.gpu_operator);
    const auto dra = values.find(pair.dra);
    if (gpu == values.end() || dra == values.end()) {
      continue;
    }
    const auto version = input.versions.find(pair.gpu_operator);
    if (version != input.versions.end() && !version->second.empty()) {
      for (const char* pod : {"controller", "kubeletPlugin"}) {
        MappingAt(&dra->second, {pod, "podAnnotations"})
            .Set(kDraChartVersionAnnotation, version->second);
      }
    }
    if (input.eviction_label.empty()) {
      if (DriverManagedByOperator(gpu->second)) {
        warnings->push_back(std::string("Warning: ") + pair.dra +
                            ": DRA eviction coordination is not configured, so the kubelet "
                            "plugin is not descheduled before a GPU driver restart; pass "
                            "--dra-eviction-node-label key=value to opt in");
      }
      continue;
    }
    const std::size_t eq = input.eviction_label.find('=');
    const std::string key = input.eviction_label.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : input.eviction_label.substr(eq + 1);
    const auto check_dynamic = [&](const char* component, const std::string& path) -> Status {
      const auto it = input.dynamic_paths.find(component);
      if (it == input.dynamic_paths.end()) {
        return OkStatus();
      }
      for (const auto& p : it->second) {
        if (overrides::PathsIntersect(p, path)) {
          return InvalidRequestError("--dynamic " + std::string(component) + ":" + p +
                                     " would defer a value the DRA eviction contract sets (" +
                                     path + "); drop it or drop --dra-eviction-node-label");
        }
      }
      return OkStatus();
    };
    if (Status st = check_dynamic(pair.dra, "kubeletPlugin.nodeSelector"); !st.ok()) {
      return st;
    }
    if (Status st = check_dynamic(pair.gpu_operator, "driver.manager.env"); !st.ok()) {
      return st;
    }
    MappingAt(&dra->second, {"kubeletPlugin", "nodeSelector"}).Set(key, value);
    SetEvictionEnv(&gpu->second, key);
  }
  return OkStatus();
}

void NotePvcWithoutStorageClass(const std::string& component, const Value& values,
                                std::vector<std::string>* warnings) {
  if (HasUnnamedClaim(values)) {
    warnings->push_back("Warning: " + component +
                        " requests a PersistentVolumeClaim without a storageClassName; the "
                        "cluster's default StorageClass is used (pass --storage-class to choose)");
  }
}

}  // namespace aicr::bundler
