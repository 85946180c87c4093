#include "recipe/mixins.h"

#include <algorithm>

#include "base/log.h"
#include "base/status_macros.h"
#include "recipe/merge.h"
#include "recipe/result.h"
#include "serialize/yaml_reader.h"

namespace aicr::recipe {
namespace {

using serialize::Mapping;
using serialize::Value;

std::string GoList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out += " ";
    }
    out += items[i];
  }
  return out + "]";
}

// The first empty map (DFS, insertion order) inside `overrides`, as a dotted path.
std::string FirstEmptyMap(const Mapping& m, const std::string& prefix) {
  for (const auto& [key, value] : m) {
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    const Mapping* nested = value.if_mapping();
    if (nested == nullptr) {
      continue;
    }
    if (nested->empty()) {
      return path;
    }
    std::string found = FirstEmptyMap(*nested, path);
    if (!found.empty()) {
      return found;
    }
  }
  return "";
}

Status CollectLeafPaths(const Mapping& m, const std::string& prefix, const std::string& context,
                        std::vector<std::string>& out) {
  for (const auto& [key, value] : m) {
    if (key.empty() || key.find('.') != std::string::npos) {
      return InvalidRequestError(context + ": override key " + Quoted(key) +
                                 " must be nonempty and may not contain a literal dot");
    }
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    const Mapping* nested = value.if_mapping();
    if (nested != nullptr && !nested->empty()) {
      AICR_RETURN_IF_ERROR(CollectLeafPaths(*nested, path, context, out));
      continue;
    }
    out.push_back(path);
  }
  return OkStatus();
}

// The shallowest prefix of `path` that `raw` explicitly sets (any value, null or an
// empty map included), or "".
std::string PathConfiguredInRaw(const Value& raw, const std::string& path) {
  const Value* cur = &raw;
  std::string prefix;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    const std::string seg =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    const Value* val = cur->Find(seg);
    if (val == nullptr) {
      return "";
    }
    prefix = prefix.empty() ? seg : prefix + "." + seg;
    const Mapping* nested = val->if_mapping();
    if (nested == nullptr || nested->empty() || dot == std::string::npos) {
      return prefix;
    }
    cur = val;
    start = dot + 1;
  }
}

Result<Value> ReadRawLayer(const catalog::DataProvider& provider, const std::string& path,
                           const std::string& component, const std::string& what, bool missing_ok,
                           bool* missing) {
  *missing = false;
  auto data = provider.Read(path);
  if (!data.ok()) {
    if (missing_ok && data.status().code() == ErrorCode::kNotFound) {
      *missing = true;
      return Value();
    }
    return Status(data.status().code(), "read " + what + " " + Quoted(path) + " for component " +
                                            Quoted(component) +
                                            " mixin collision check: " + data.status().message());
  }
  auto parsed = serialize::ParseYaml(*data);
  if (!parsed.ok()) {
    return InternalError("parse " + what + " " + Quoted(path) + " for component " +
                         Quoted(component) +
                         " mixin collision check: " + parsed.status().message());
  }
  return std::move(parsed).value();
}

// The unmerged layers that configure `ref`, low to high precedence: the component's
// base values.yaml (when valuesFile names another file), valuesFile, overrides.
Result<std::vector<Value>> ExistingRawLayers(const catalog::DataProvider* provider,
                                             const ComponentRef& ref) {
  std::vector<Value> layers;
  if (!ref.values_file.empty()) {
    if (provider == nullptr) {
      return InternalError("no data provider to read values file " + Quoted(ref.values_file) +
                           " for component " + Quoted(ref.name) + " mixin collision check");
    }
    const std::string base_file = "components/" + ref.name + "/values.yaml";
    bool missing = false;
    if (ref.values_file != base_file) {
      AICR_ASSIGN_OR_RETURN(Value base,
                            ReadRawLayer(*provider, base_file, ref.name, "base values file",
                                         /*missing_ok=*/true, &missing));
      if (!missing) {
        layers.push_back(std::move(base));
      }
    }
    AICR_ASSIGN_OR_RETURN(Value file, ReadRawLayer(*provider, ref.values_file, ref.name,
                                                   "values file", /*missing_ok=*/false, &missing));
    layers.push_back(std::move(file));
  }
  if (ref.overrides.is_mapping() && !ref.overrides.if_mapping()->empty()) {
    layers.push_back(ref.overrides);
  }
  return layers;
}

Status CheckMixinOverrides(const std::string& mixin, const std::string& component,
                           const Value& overrides, const std::vector<std::string>& allowlist,
                           const std::vector<Value>& existing_layers) {
  const std::string context =
      "mixin " + Quoted(mixin) + " component " + Quoted(component) + " overrides";
  if (std::string empty = FirstEmptyMap(*overrides.if_mapping(), ""); !empty.empty()) {
    return InvalidRequestError(
        context + ": path " + Quoted(empty) +
        " is an empty map ({}); a mixin override must set a real scalar or non-empty map, never "
        "an empty one -- an empty map can silently blank an existing value at an ancestor path, "
        "or pass an allowlist check on the leaf path itself and write a map where the chart "
        "expects a scalar");
  }
  AICR_ASSIGN_OR_RETURN(std::vector<std::string> paths, OverrideLeafPaths(overrides, context));
  for (const auto& p : paths) {
    if (std::find(allowlist.begin(), allowlist.end(), p) == allowlist.end()) {
      return InvalidRequestError(
          "mixin " + Quoted(mixin) + " component " + Quoted(component) + " sets overrides path " +
          Quoted(p) +
          ", which is not in the component's registry-declared mixinSafeOverridePaths allowlist " +
          GoList(allowlist) +
          " — a mixin may only set paths its target component has explicitly opted in for mixin "
          "use");
    }
  }
  for (const auto& p : paths) {
    for (const auto& layer : existing_layers) {
      std::string existing = PathConfiguredInRaw(layer, p);
      if (!existing.empty()) {
        return InvalidRequestError(
            "mixin " + Quoted(mixin) + " component " + Quoted(component) + " overrides path " +
            Quoted(p) + " collides with path " + Quoted(existing) +
            " already set by the leaf's own chain or another mixin — mixins may not silently "
            "overwrite a value the chain already configured");
      }
    }
  }
  for (auto it = existing_layers.rbegin(); it != existing_layers.rend(); ++it) {
    const Value* enabled = it->Find("enabled");
    if (enabled == nullptr) {
      continue;
    }
    if (enabled->is_bool() && !*enabled->if_bool()) {
      log::Warn("mixin " + Quoted(mixin) + " sets overrides on component " + Quoted(component) +
                    ", which the recipe's inheritance chain already disables (overrides.enabled: "
                    "false) -- these values will have no effect unless something later "
                    "re-enables the component",
                {{"mixin", mixin}, {"component", component}});
    }
    break;
  }
  return OkStatus();
}

}  // namespace

std::string MixinUnsafeField(const ComponentRef& c) {
  if (!c.chart.empty()) {
    return "chart";
  }
  if (!c.type.empty()) {
    return "type";
  }
  if (!c.source.empty()) {
    return "source";
  }
  if (!c.version.empty()) {
    return "version";
  }
  if (!c.tag.empty()) {
    return "tag";
  }
  if (!c.path.empty()) {
    return "path";
  }
  if (!c.values_file.empty()) {
    return "valuesFile";
  }
  if (!c.patches.empty()) {
    return "patches";
  }
  if (c.cleanup) {
    return "cleanup";
  }
  if (!c.expected_resources.empty()) {
    return "expectedResources";
  }
  if (!c.health_check_asserts.empty()) {
    return "healthCheckAsserts";
  }
  if (c.health_check_skip) {
    return "healthCheckSkip";
  }
  return "";
}

Result<std::vector<std::string>> OverrideLeafPaths(const Value& overrides,
                                                   const std::string& context) {
  std::vector<std::string> paths;
  if (const Mapping* m = overrides.if_mapping(); m != nullptr) {
    AICR_RETURN_IF_ERROR(CollectLeafPaths(*m, "", context, paths));
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

Result<std::set<std::string>> MergeMixins(const MixinSources& sources, RecipeMetadataSpec& spec) {
  std::set<std::string> mixin_constraints;
  if (spec.mixins.empty()) {
    return mixin_constraints;
  }
  std::set<std::string> existing_constraints;
  for (const auto& c : spec.constraints) {
    existing_constraints.insert(c.name);
  }
  std::set<std::string> existing_components;
  for (const auto& r : spec.component_refs) {
    existing_components.insert(r.name);
  }

  const std::vector<std::string> names = spec.mixins;
  for (const auto& mixin_name : names) {
    const RecipeMixin* mixin = nullptr;
    if (sources.mixins != nullptr) {
      auto it = sources.mixins->find(mixin_name);
      if (it != sources.mixins->end()) {
        mixin = &it->second;
      }
    }
    if (mixin == nullptr) {
      return NotFoundError("mixin " + Quoted(mixin_name) + " not found in recipes/mixins/");
    }
    for (const auto& c : mixin->constraints) {
      if (existing_constraints.count(c.name) != 0) {
        return InvalidRequestError("mixin " + Quoted(mixin_name) + " constraint " + Quoted(c.name) +
                                   " conflicts with inheritance chain or another mixin");
      }
    }
    {
      std::set<std::string> seen;
      for (const auto& r : mixin->component_refs) {
        if (!seen.insert(r.name).second) {
          return InvalidRequestError("mixin " + Quoted(mixin_name) + " declares component " +
                                     Quoted(r.name) +
                                     " more than once in its own componentRefs list");
        }
      }
    }
    for (const auto& c : mixin->component_refs) {
      const bool is_existing = existing_components.count(c.name) != 0;
      const RegistryComponent* reg =
          sources.registry != nullptr ? sources.registry->Find(c.name) : nullptr;
      const std::vector<std::string> allowlist =
          reg != nullptr ? reg->mixin_safe_override_paths : std::vector<std::string>{};
      if (is_existing) {
        if (std::string field = MixinUnsafeField(c); !field.empty()) {
          return InvalidRequestError(
              "mixin " + Quoted(mixin_name) + " component " + Quoted(c.name) +
              " sets identity/sourcing field " + Quoted(field) +
              " which conflicts with the inheritance chain; mixins may only contribute "
              "Namespace, ManifestFiles, PreManifestFiles, DependencyRefs, or "
              "registry-allowlisted Overrides paths to an existing component");
        }
      } else {
        if (allowlist.empty()) {
          continue;  // not opted into the mechanism: anything goes
        }
        if (!c.values_file.empty()) {
          return InvalidRequestError(
              "mixin " + Quoted(mixin_name) + " component " + Quoted(c.name) + " sets valuesFile " +
              Quoted(c.values_file) +
              " while introducing an allowlisted component; a mixin may only supply such a "
              "component's values via registry-allowlisted inline overrides, never a values "
              "file");
        }
      }
      if (!c.overrides.is_mapping() || c.overrides.if_mapping()->empty()) {
        continue;
      }
      std::vector<Value> layers;
      if (is_existing) {
        auto existing = std::find_if(spec.component_refs.begin(), spec.component_refs.end(),
                                     [&](const ComponentRef& r) { return r.name == c.name; });
        if (existing != spec.component_refs.end()) {
          AICR_ASSIGN_OR_RETURN(layers, ExistingRawLayers(sources.provider, *existing));
        }
      }
      AICR_RETURN_IF_ERROR(CheckMixinOverrides(mixin_name, c.name, c.overrides, allowlist, layers));
    }

    RecipeMetadataSpec contribution;
    contribution.constraints = mixin->constraints;
    contribution.component_refs = mixin->component_refs;
    MergeSpec(spec, contribution);
    for (const auto& c : mixin->constraints) {
      existing_constraints.insert(c.name);
      mixin_constraints.insert(c.name);
    }
    for (const auto& r : mixin->component_refs) {
      existing_components.insert(r.name);
    }
  }
  spec.mixins.clear();
  return mixin_constraints;
}

}  // namespace aicr::recipe
