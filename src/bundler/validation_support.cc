#include "bundler/validation_support.h"

#include <algorithm>

#include "base/log.h"
#include "base/strings.h"

namespace aicr::bundler::validation {

using recipe::ComponentRef;
using recipe::RecipeResult;
using serialize::Value;

const std::vector<std::string>& GpuOperatorNames() {
  static const std::vector<std::string> names = {"gpu-operator", "gpu-operator-ocp"};
  return names;
}

std::optional<recipe::Dimension> DimensionByName(std::string_view name) {
  for (recipe::Dimension d : recipe::kDimensions) {
    if (recipe::DimensionName(d) == name) {
      return d;
    }
  }
  return std::nullopt;
}

bool ConditionsMatch(const RecipeResult& r, const Conditions& conditions) {
  if (conditions.empty()) {
    return true;
  }
  if (!r.criteria.has_value()) {
    return false;
  }
  for (const auto& [key, expected] : conditions) {
    const std::optional<recipe::Dimension> dim = DimensionByName(key);
    if (!dim.has_value()) {
      continue;  // unknown condition keys are ignored
    }
    const std::string& actual = r.criteria->Get(*dim);
    const bool found = std::any_of(expected.begin(), expected.end(), [&](const std::string& e) {
      return recipe::MatchesField(actual, e);
    });
    if (!found) {
      return false;
    }
  }
  return true;
}

std::string CriteriaValue(const RecipeResult& r, recipe::Dimension d) {
  return r.criteria.has_value() ? r.criteria->Get(d) : std::string();
}

const ComponentRef* FindRef(const RecipeResult& r, std::string_view name) {
  for (const auto& ref : r.component_refs) {
    if (ref.name == name) {
      return &ref;
    }
  }
  return nullptr;
}

const RecipeResult& DeclaredRecipe(const ValidationContext& ctx) {
  return ctx.declared_recipe != nullptr ? *ctx.declared_recipe : *ctx.recipe;
}

bool ToggledOff(const ValidationContext& ctx, std::string_view name) {
  const auto it = ctx.enabled_toggles.find(std::string(name));
  return it != ctx.enabled_toggles.end() && !it->second;
}

bool Disabled(const ValidationContext& ctx, const ComponentRef* ref, std::string_view name) {
  return (ref != nullptr && !ref->IsEnabled()) || ToggledOff(ctx, name);
}

DeclaredComponent Declared(const ValidationContext& ctx, std::string_view name) {
  DeclaredComponent d;
  d.name = std::string(name);
  d.ref = FindRef(DeclaredRecipe(ctx), name);
  if (d.ref == nullptr) {
    d.ref = FindRef(*ctx.recipe, name);
  }
  d.declared = d.ref != nullptr || ctx.declared.count(d.name) > 0;
  return d;
}

bool IsSelected(const ValidationContext& ctx, std::string_view name) {
  return ctx.selected.count(std::string(name)) > 0;
}

const Value* ValuesOf(const ValidationContext& ctx, std::string_view name) {
  const auto it = ctx.values.find(std::string(name));
  return it == ctx.values.end() ? nullptr : &it->second;
}

Status MissingValues(std::string_view component, std::string_view purpose) {
  return InternalError("cannot verify " + std::string(purpose) + " for component " +
                       Quote(component) + ": its effective values were not resolved");
}

const Value* RenderedValues(const ValidationContext& ctx, std::string_view name,
                            std::string_view purpose, CheckOutput* out) {
  const Value* v = ValuesOf(ctx, name);
  if (v == nullptr) {
    out->errors.push_back(MissingValues(name, purpose));
  }
  return v;
}

const Value* EvidenceValues(const ValidationContext& ctx, std::string_view name,
                            std::string_view purpose, CheckOutput* out) {
  if (IsSelected(ctx, name)) {
    return RenderedValues(ctx, name, purpose, out);
  }
  const Value* v = ValuesOf(ctx, name);
  if (v == nullptr) {
    log::Debug(
        "skipping part of a validation: no values for an evidence component outside "
        "the bundle",
        {{"component", std::string(name)}, {"check", std::string(purpose)}});
  }
  return v;
}

std::vector<std::string> SplitDots(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    parts.emplace_back(path.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) {
      return parts;
    }
    start = dot + 1;
  }
}

const Value* Lookup(const Value& root, std::string_view path) {
  const Value* cur = &root;
  for (const std::string& part : SplitDots(path)) {
    if (!cur->is_mapping()) {
      return nullptr;
    }
    cur = cur->Find(part);
    if (cur == nullptr) {
      return nullptr;
    }
  }
  return cur;
}

StringLeaf ResolvedString(const Value& root, std::string_view path) {
  const std::vector<std::string> parts = SplitDots(path);
  const Value* cur = &root;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (!cur->is_mapping()) {
      return {};
    }
    const Value* next = cur->Find(parts[i]);
    if (next == nullptr) {
      return {};
    }
    if (i + 1 == parts.size()) {
      const std::string* s = next->if_string();
      if (s == nullptr) {
        return {"", false, false};
      }
      return {*s, true, true};
    }
    cur = next;
  }
  return {};
}

bool HelmTruthy(const Value* v) { return serialize::IsTruthy(v); }

std::string Describe(const Value& v) {
  return v.DebugString() + " (" + std::string(serialize::ValueTypeName(v.type())) + ")";
}

Toggle OwnershipToggle(const Value& values, std::string_view section) {
  const std::string s(section);
  const Value* sec = values.Find(section);
  if (sec == nullptr) {
    return {};
  }
  if (sec->is_null()) {
    return {std::nullopt, s +
                              " is explicitly null; Helm drops a null key together with its "
                              "chart defaults, so the chart's " +
                              s + ".* lookups fail at install"};
  }
  if (!sec->is_mapping()) {
    return {std::nullopt,
            s + "=" + Describe(*sec) + " is not a mapping, so " + s + ".enabled cannot be read"};
  }
  const Value* enabled = sec->Find("enabled");
  if (enabled == nullptr) {
    return {};
  }
  if (enabled->if_bool() == nullptr) {
    if (enabled->is_null()) {
      return {std::nullopt, s + ".enabled is null, not a boolean"};
    }
    return {std::nullopt, s + ".enabled=" + Describe(*enabled) + " is not a boolean"};
  }
  return {*enabled->if_bool(), ""};
}

std::string CleanPath(std::string_view p) {
  if (p.empty()) {
    return ".";
  }
  const bool rooted = p.front() == '/';
  std::vector<std::string> out;
  for (const std::string& part : [&] {
         std::vector<std::string> parts;
         std::size_t start = 0;
         while (start <= p.size()) {
           const std::size_t slash = p.find('/', start);
           const std::size_t end = slash == std::string_view::npos ? p.size() : slash;
           parts.emplace_back(p.substr(start, end - start));
           start = end + 1;
         }
         return parts;
       }()) {
    if (part.empty() || part == ".") {
      continue;
    }
    if (part == "..") {
      if (!out.empty() && out.back() != "..") {
        out.pop_back();
      } else if (!rooted) {
        out.push_back(part);
      }
      continue;
    }
    out.push_back(part);
  }
  std::string result = (rooted ? "/" : "") + Join(out, "/");
  if (result.empty()) {
    return ".";
  }
  return result;
}

std::vector<DynamicHit> DynamicHits(const ValidationContext& ctx, std::string_view component,
                                    const std::vector<std::string>& guarded) {
  std::vector<DynamicHit> hits;
  const auto it = ctx.dynamic_paths.find(std::string(component));
  if (it == ctx.dynamic_paths.end()) {
    return hits;
  }
  for (const std::string& p : it->second) {
    for (const std::string& g : guarded) {
      if (p == g || g.rfind(p + ".", 0) == 0 || p.rfind(g + ".", 0) == 0) {
        hits.push_back({p, g});
        break;
      }
    }
  }
  return hits;
}

bool HasDynamic(const ValidationContext& ctx, std::string_view component,
                const std::vector<std::string>& guarded) {
  return !DynamicHits(ctx, component, guarded).empty();
}

std::vector<std::string> DynamicGuardFindings(const ValidationContext& ctx,
                                              const std::string& reporter,
                                              std::string_view component,
                                              const std::vector<std::string>& guarded,
                                              std::string_view why) {
  std::vector<std::string> msgs;
  for (const DynamicHit& hit : DynamicHits(ctx, component, guarded)) {
    msgs.push_back(reporter + ": --dynamic " + std::string(component) + ":" + hit.path +
                   " covers " + hit.guard + ", which " + std::string(why) +
                   "; a dynamic path is moved to the operator-editable cluster-values.yaml, "
                   "loaded after the values this check verified, so an install-time edit can "
                   "undo them. Set the value statically (--set/--set-json) instead");
  }
  return msgs;
}

std::string LastOverrideKey(const ValidationContext& ctx, const std::string& component) {
  const recipe::RegistryComponent* reg = ctx.registry->Find(component);
  if (reg != nullptr && !reg->value_override_keys.empty()) {
    return reg->value_override_keys.back();
  }
  return component;
}

const ComponentRef* OwnRef(const CheckInput& in) {
  const ComponentRef* ref = FindRef(*in.ctx.recipe, in.component);
  if (ref == nullptr || !IsSelected(in.ctx, in.component) || Disabled(in.ctx, ref, in.component)) {
    return nullptr;
  }
  return ref;
}

ResolvedPath ResolveInstallDir(const Value& values, const std::string& component) {
  ResolvedPath r{std::string(kOperatorDriverRoot), false, ""};
  const Value* host_paths = values.Find("hostPaths");
  if (host_paths == nullptr) {
    return r;
  }
  if (host_paths->is_null()) {
    r.problem = component +
                ": hostPaths is explicitly null; Helm drops it together with the chart "
                "defaults, so the chart's hostPaths.* lookups fail at install. Remove the "
                "null override or set hostPaths.driverInstallDir";
    return r;
  }
  if (!host_paths->is_mapping()) {
    r.problem = component + ": hostPaths=" + Describe(*host_paths) +
                " is not a mapping, so hostPaths.driverInstallDir cannot be verified";
    return r;
  }
  const Value* dir = host_paths->Find("driverInstallDir");
  if (dir == nullptr) {
    return r;
  }
  const std::string* s = dir->if_string();
  if (s == nullptr) {
    r.problem = component + ": hostPaths.driverInstallDir=" + Describe(*dir) +
                " is not a string; the ClusterPolicy requires a path such as " +
                std::string(kOperatorDriverRoot);
    return r;
  }
  if (s->empty()) {
    return r;
  }
  const std::string cleaned = CleanPath(*s);
  if (cleaned.front() != '/') {
    r.problem = component + ": hostPaths.driverInstallDir=" + Quote(*s) +
                " is not an absolute path, so no node can mount it; use an absolute path "
                "such as " +
                std::string(kOperatorDriverRoot);
    return r;
  }
  r.path = cleaned;
  r.declared = true;
  return r;
}

bool ConsumerDisabled(const Value& values, std::string_view key) {
  const Value* enabled = Lookup(values, "global." + std::string(key) + ".enabled");
  return enabled != nullptr && enabled->if_bool() != nullptr && !*enabled->if_bool();
}

Subchart SubchartCondition(const Value& values, std::string_view key) {
  const Value* global = values.Find("global");
  if (global == nullptr || !global->is_mapping()) {
    return {};
  }
  const Value* section = global->Find(key);
  if (section == nullptr) {
    return {};
  }
  if (!section->is_mapping()) {
    return {true, true};
  }
  const Value* enabled = section->Find("enabled");
  if (enabled == nullptr) {
    return {};
  }
  const bool* b = enabled->if_bool();
  return {b == nullptr || *b, true};
}

std::string NamespaceOf(const ValidationContext& ctx, const std::string& name,
                        const ComponentRef* ref) {
  if (ref != nullptr && !ref->namespace_.empty()) {
    return ref->namespace_;
  }
  const recipe::RegistryComponent* reg = ctx.registry->Find(name);
  if (reg != nullptr && reg->helm.has_value()) {
    return reg->helm->default_namespace;
  }
  return "";
}

}  // namespace aicr::bundler::validation
