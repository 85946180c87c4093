#include "recipe/defaults.h"

#include <algorithm>
#include <map>

#include "base/strings.h"
#include "recipe/result.h"

namespace aicr::recipe {
namespace {

bool EqualsFold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') {
      x = static_cast<char>(x - 'A' + 'a');
    }
    if (y >= 'A' && y <= 'Z') {
      y = static_cast<char>(y - 'A' + 'a');
    }
    if (x != y) {
      return false;
    }
  }
  return true;
}

void SetIfEmpty(std::string& field, const std::string& value) {
  if (field.empty() && !value.empty()) {
    field = value;
  }
}

}  // namespace

void CanonicalizeComponentTypes(std::vector<ComponentRef>& refs) {
  for (auto& r : refs) {
    if (EqualsFold(r.type, kTypeHelm)) {
      r.type = std::string(kTypeHelm);
    } else if (EqualsFold(r.type, kTypeKustomize)) {
      r.type = std::string(kTypeKustomize);
    }
  }
}

void ApplyRegistryDefaults(ComponentRef& ref, const RegistryComponent& config) {
  if (ref.type.empty()) {
    ref.type = config.Type();
  }
  if (ref.type == kTypeHelm && config.helm.has_value()) {
    const HelmDefaults& h = *config.helm;
    SetIfEmpty(ref.source, h.default_repository);
    SetIfEmpty(ref.version, h.default_version);
    SetIfEmpty(ref.namespace_, h.default_namespace);
    if (ref.chart.empty() && !h.default_chart.empty()) {
      const auto slash = h.default_chart.rfind('/');
      ref.chart = slash == std::string::npos ? h.default_chart : h.default_chart.substr(slash + 1);
    }
  } else if (ref.type == kTypeKustomize && config.kustomize.has_value()) {
    const KustomizeDefaults& k = *config.kustomize;
    SetIfEmpty(ref.source, k.default_source);
    SetIfEmpty(ref.tag, k.default_tag);
    SetIfEmpty(ref.path, k.default_path);
  }
  if (ref.manifest_files.empty() && !config.manifest_files.empty()) {
    ref.manifest_files = config.manifest_files;
  }
}

Status ApplyRegistryDefaults(const ComponentRegistry& registry,
                             const catalog::DataProvider& provider,
                             std::vector<ComponentRef>& refs) {
  for (auto& ref : refs) {
    if (const RegistryComponent* config = registry.Find(ref.name); config != nullptr) {
      ApplyRegistryDefaults(ref, *config);
    }
  }
  for (auto& ref : refs) {
    if (ref.health_check_skip || !ref.health_check_asserts.empty()) {
      continue;
    }
    const RegistryComponent* config = registry.Find(ref.name);
    if (config == nullptr || config->health_check_assert_file.empty()) {
      continue;
    }
    auto data = provider.Read(config->health_check_assert_file);
    if (!data.ok()) {
      return Status(data.status().code(), "failed to read healthCheck.assertFile for component " +
                                              Quoted(ref.name) + " from " +
                                              Quoted(config->health_check_assert_file) + ": " +
                                              data.status().message());
    }
    ref.health_check_asserts = std::move(data).value();
  }
  return OkStatus();
}

bool IsEffectiveChartVersion(std::string_view version) {
  std::string_view v = Trim(version);
  if (v.empty()) {
    return false;
  }
  if (v.front() == 'v') {
    v.remove_prefix(1);
  }
  return !v.empty();
}

std::string EffectiveChart(const ComponentRef& ref) {
  return ref.chart.empty() ? ref.name : ref.chart;
}

bool HasExternalChart(const ComponentRef& ref) {
  return EqualsFold(ref.type, kTypeHelm) && !ref.source.empty();
}

std::string CoherenceProblem(const ComponentRef& ref) {
  const std::string name = Quoted(ref.name);
  if (!ref.patches.empty()) {
    return "component " + name +
           " declares patches, but no deployer applies patch files; remove `patches` (removing "
           "it does not change the generated bundle). See #1588.";
  }
  const bool has_tag = !ref.tag.empty();
  const bool has_path = !ref.path.empty();
  if (EqualsFold(ref.type, kTypeHelm)) {
    if (has_tag || has_path) {
      return "component " + name +
             " is Helm but carries Kustomize field(s) (tag=" + Quoted(ref.tag) +
             ", path=" + Quoted(ref.path) +
             "); the field-classifying deployers would treat it as Kustomize while the "
             "Type-switching Flux deployer would treat it as Helm, so the same ref deploys "
             "differently — remove the tag/path, or convert it into a coherent Kustomize ref "
             "(which needs a path, and a source if it sets a tag)";
    }
    if (ref.chart != Trim(ref.chart)) {
      return "Helm component " + name + " has a chart name with surrounding whitespace (" +
             Quoted(ref.chart) + "); set the exact chart name or omit the field (see #1615)";
    }
    if (ref.source != Trim(ref.source)) {
      return "Helm component " + name + " has a source with surrounding whitespace (" +
             Quoted(ref.source) + "); set the exact repository or omit the field (see #1615)";
    }
    if (ref.version != Trim(ref.version)) {
      return "Helm component " + name + " has a chart version with surrounding whitespace (" +
             Quoted(ref.version) + "); set the exact chart version (see #1615)";
    }
    if (!ref.version.empty() && !IsEffectiveChartVersion(ref.version)) {
      return "Helm component " + name + " has chart version " + Quoted(ref.version) +
             ", which Flux/Argo CD normalize to empty for non-OCI outputs and vendored wrappers "
             "replace with a fabricated default; set a full chart version (see #1615)";
    }
    if (!ref.source.empty()) {
      if (ref.version.empty()) {
        return "Helm component " + name +
               " has no chart version; set version: on the componentRef — criteria-resolved "
               "recipes may inherit it from helm.defaultVersion in the component registry (see "
               "#1615)";
      }
    } else if (!ref.chart.empty()) {
      return "Helm component " + name + " has a chart name (" + Quoted(ref.chart) +
             ") but no source repository; the deployers have no repository to pull from — set "
             "source:, or remove the chart for a manifest-only component (see #1615)";
    } else if (ref.manifest_files.empty()) {
      return "Helm component " + name +
             " has no deployable primary (no source, no chart, and no primary manifestFiles; "
             "preManifestFiles alone are auxiliary to a primary release) — add a chart source "
             "or primary manifest files (see #1615)";
    }
    return "";
  }
  if (EqualsFold(ref.type, kTypeKustomize)) {
    if (!has_path) {
      return "component " + name +
             " is Kustomize but has no path; a path is required to build from";
    }
    if (has_tag && ref.source.empty()) {
      return "component " + name + " is Kustomize with tag " + Quoted(ref.tag) +
             " but no source; a tag is only meaningful with a git source";
    }
    if (!ref.manifest_files.empty()) {
      return "component " + name +
             " is Kustomize but also declares manifestFiles; a component may declare either "
             "Kustomize (tag/path) or raw manifest files, not both";
    }
    return "";
  }
  return "component " + name + " has unsupported type " + Quoted(ref.type) + "; expected " +
         Quoted(kTypeHelm) + " or " + Quoted(kTypeKustomize);
}

Status ValidateCoherence(const std::vector<ComponentRef>& refs) {
  std::vector<std::string> problems;
  for (const auto& ref : refs) {
    if (!ref.IsEnabled()) {
      continue;
    }
    std::string p = CoherenceProblem(ref);
    if (!p.empty()) {
      problems.push_back(std::move(p));
    }
  }
  if (problems.empty()) {
    return OkStatus();
  }
  std::sort(problems.begin(), problems.end());
  std::string msg = "recipe has incoherent component ref(s): ";
  for (std::size_t i = 0; i < problems.size(); ++i) {
    if (i > 0) {
      msg += "; ";
    }
    msg += problems[i];
  }
  return InvalidRequestError(std::move(msg));
}

Status ValidateRefNames(const std::vector<ComponentRef>& refs) {
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const std::string& name = refs[i].name;
    if (name.empty()) {
      continue;
    }
    auto [it, inserted] = seen.emplace(name, i);
    if (!inserted) {
      return InvalidRequestError("recipe has duplicate component ref name " + Quoted(name) +
                                 " (refs " + std::to_string(it->second) + " and " +
                                 std::to_string(i) + ")");
    }
  }
  return OkStatus();
}

}  // namespace aicr::recipe
