#include "bundler/bundler.h"

#include <algorithm>
#include <utility>

#include "base/status_macros.h"
#include "base/strings.h"
#include "bundler/bundle_info.h"
#include "bundler/chart_puller.h"
#include "bundler/deployers.h"
#include "bundler/injections.h"
#include "bundler/selection.h"
#include "bundler/synthesized.h"
#include "bundler/validations.h"
#include "bundler/values.h"
#include "checksum/manifest.h"
#include "checksum/sha256.h"
#include "layout/writer.h"
#include "recipe/defaults.h"
#include "serialize/yaml_writer.h"

namespace aicr::bundler {
namespace {

using serialize::Value;

bool RegistryFlag(const recipe::RegistryComponent* reg, const char* key) {
  if (reg == nullptr) {
    return false;
  }
  const Value* v = reg->raw.Find(key);
  return v != nullptr && v->if_bool() != nullptr && *v->if_bool();
}

// The registry's CRD flags describe its pinned chart; a ref that moved to another
// source, chart or version does not inherit them.
bool UsesRegistryChart(const recipe::ComponentRef& ref, const recipe::RegistryComponent* reg) {
  if (reg == nullptr || !reg->helm.has_value()) {
    return false;
  }
  const recipe::HelmDefaults& h = *reg->helm;
  const std::string chart = h.default_chart.substr(h.default_chart.find_last_of('/') + 1);
  return ref.source == h.default_repository && recipe::EffectiveChart(ref) == chart &&
         ref.version == h.default_version;
}

Result<std::vector<layout::Manifest>> LoadManifests(const recipe::Store& store,
                                                    const std::string& component,
                                                    const std::vector<std::string>& paths) {
  std::vector<layout::Manifest> out;
  for (const auto& path : paths) {
    if (!layout::IsCleanRelativePath(path)) {
      return InvalidRequestError("component " + Quote(component) + ": unsafe manifest path " +
                                 Quote(path) + " (must be a clean relative catalogue path)");
    }
    const auto it = store.values_files().find(path);
    if (it == store.values_files().end()) {
      return InvalidRequestError("manifest " + Quote(path) + " of component " + Quote(component) +
                                 " is not in the catalogue (embedded data or --data); if the "
                                 "recipe came from another aicr version, regenerate it");
    }
    layout::Manifest m;
    m.name = path.substr(path.find_last_of('/') + 1);
    m.source_path = path;
    m.content = it->second;
    out.push_back(std::move(m));
  }
  return out;
}

// --readiness-hooks: the chainsaw Test shipped as components/<name>/readiness.yaml.
Result<std::string> LoadReadinessTest(const recipe::Store& store, const std::string& component) {
  const std::string path = "components/" + component + "/readiness.yaml";
  const auto it = store.values_files().find(path);
  if (it == store.values_files().end()) {
    return std::string();
  }
  return it->second;
}

}  // namespace

Result<BundleOutput> MakeBundle(const recipe::RecipeResult& recipe, const recipe::Store& store,
                                const BundleOptions& options) {
  const DeployerSpec* deployer = FindDeployer(options.deployer);
  if (deployer == nullptr) {
    return InvalidRequestError("unsupported deployer " + Quote(options.deployer) +
                               " (supported: " + Join(DeployerNames(), ", ") + ")");
  }
  if (options.nodes < 0) {
    return InvalidRequestError("--nodes must not be negative");
  }
  if (recipe.component_refs.empty()) {
    return InvalidRequestError("recipe has no component references");
  }
  AICR_RETURN_IF_ERROR(recipe::ValidateCoherence(recipe.component_refs));
  const recipe::ComponentRegistry& registry = store.registry();

  // Parse every user override before anything else: a malformed flag fails fast.
  AICR_ASSIGN_OR_RETURN(UserOverrides user, ParseUserOverrides(options, registry));

  SelectionInput select;
  select.enabled_toggles = user.enabled_toggles;
  select.bundlers = options.bundlers;
  select.dra_eviction_opt_in = !options.dra_eviction_node_label.empty();
  AICR_ASSIGN_OR_RETURN(Selection selection, SelectComponents(recipe, select));
  AICR_RETURN_IF_ERROR(CheckOverridesTargetSelected(user, selection));
  AICR_RETURN_IF_ERROR(CheckProfileLock(recipe, selection, user));
  const auto& profile = recipe.metadata.selected_profile;
  const std::string profile_label =
      profile.has_value() ? profile->name + "=" + profile->value : std::string();

  BundleOutput out;
  out.result_type = deployer->result_type;
  std::vector<std::string> deployer_notes;
  AICR_RETURN_IF_ERROR(ResolveDeployerOptions(*deployer, options, user.deployer_set,
                                              &out.plan.gitops, &deployer_notes));
  out.plan.aicr_version = options.aicr_version;
  out.plan.readiness_hooks = options.readiness_hooks;
  out.plan.serial = options.serial;

  ValidationContext vctx;
  const recipe::RecipeResult filtered = FilteredRecipe(recipe, selection);
  vctx.recipe = &filtered;
  vctx.declared_recipe = &recipe;
  vctx.registry = &registry;
  vctx.declared = selection.declared;
  vctx.enabled_toggles = user.enabled_toggles;
  vctx.set_values = user.set_values;
  vctx.dynamic_paths = user.dynamic_paths;
  vctx.workload_selectors = options.workload_selectors;
  vctx.accelerated_node_selectors = options.accelerated_node_selectors;
  vctx.accelerated_tolerations = user.accelerated_tolerations;

  const bool gke =
      recipe.criteria.has_value() && recipe.criteria->Get(recipe::Dimension::kService) == "gke";
  const int quota_nodes =
      std::max(options.nodes, recipe.criteria.has_value() ? recipe.criteria->nodes : 0);
  for (const auto& ref : selection.refs) {
    const recipe::RegistryComponent* reg = registry.Find(ref.name);
    layout::ComponentPlan c;
    c.name = ref.name;
    c.namespace_ = ref.namespace_;
    c.override_key = reg != nullptr && !reg->value_override_keys.empty()
                         ? reg->value_override_keys[0]
                         : ref.name;
    if (ref.type == "Kustomize") {
      c.kustomize_repository = ref.source;
      c.kustomize_path = ref.path;
      c.kustomize_tag = ref.tag;
    } else {
      c.repository = ref.source;
      c.chart = ref.source.empty() ? ref.chart : recipe::EffectiveChart(ref);
      c.version = ref.version;
    }
    const std::vector<std::string>* owned = nullptr;
    if (profile.has_value()) {
      const auto it = profile->owned_paths.find(ref.name);
      owned = it == profile->owned_paths.end() ? nullptr : &it->second;
    }
    AICR_ASSIGN_OR_RETURN(c.values, ExtractValues(ref, store, &user, owned, profile_label));
    const auto dyn = user.dynamic_paths.find(ref.name);
    if (dyn != user.dynamic_paths.end()) {
      c.dynamic_paths = dyn->second;
    }
    AICR_ASSIGN_OR_RETURN(c.pre_manifests, LoadManifests(store, ref.name, ref.pre_manifest_files));
    AICR_ASSIGN_OR_RETURN(c.post_manifests, LoadManifests(store, ref.name, ref.manifest_files));
    if (gke && RegistryFlag(reg, "gkeCriticalPriority")) {
      c.pre_manifests.push_back(GkeCriticalPodsQuota(ref.namespace_, quota_nodes));
    }
    if (options.readiness_hooks) {
      AICR_ASSIGN_OR_RETURN(std::string test, LoadReadinessTest(store, ref.name));
      if (!test.empty()) {
        AICR_ASSIGN_OR_RETURN(c.readiness_test,
                              RenderReadinessGate(ref.name, test, options.aicr_version));
      }
    }
    const bool registry_chart = UsesRegistryChart(ref, reg);
    c.owns_crds = registry_chart && RegistryFlag(reg, "ownsCRDs");
    c.has_self_ref_crds = RegistryFlag(reg, "hasSelfRefCRDs");
    c.manifests_use_chart_crds = RegistryFlag(reg, "manifestsUseChartCRDs");
    c.dependencies = ref.dependency_refs;
    c.level = selection.levels.at(ref.name);
    vctx.selected.insert(ref.name);
    out.plan.components.push_back(std::move(c));
  }

  // Bundler-owned values last, so no user override can drift them; then the
  // notes and registry validations read exactly what will be written.
  std::map<std::string, Value> values;
  InjectionInput inject;
  for (const auto& c : out.plan.components) {
    values[c.name] = c.values;
    inject.versions[c.name] = c.version;
  }
  inject.values = &values;
  inject.eviction_label = options.dra_eviction_node_label;
  inject.dynamic_paths = user.dynamic_paths;
  std::vector<std::string> notes;
  AICR_RETURN_IF_ERROR(ApplyBundlerInjections(inject, &notes));
  for (auto& c : out.plan.components) {
    c.values = values.at(c.name);
    NotePvcWithoutStorageClass(c.name, c.values, &notes);
  }
  vctx.values = std::move(values);

  AICR_ASSIGN_OR_RETURN(ValidationOutcome outcome, RunComponentValidations(vctx));
  out.warnings = std::move(outcome.warnings);
  for (const auto& w : user.warnings) {
    out.warnings.push_back(w);
  }
  for (auto& n : notes) {
    out.warnings.push_back(std::move(n));
  }

  if (options.vendor_charts) {
    if (options.chart_puller == nullptr) {
      return InternalError("--vendor-charts: no chart puller configured");
    }
    AICR_RETURN_IF_ERROR(VendorCharts(*options.chart_puller, &out.plan));
  }

  layout::WriterOptions writer;
  writer.aicr_version = options.aicr_version;
  AICR_RETURN_IF_ERROR(layout::WriteFolders(&out.plan, writer, &out.tree));
  AICR_RETURN_IF_ERROR(deployer->generate(out.plan, &out.tree));
  const std::string provenance = RenderProvenance(out.plan);
  if (!provenance.empty()) {
    AICR_RETURN_IF_ERROR(out.tree.Add(kProvenanceFile, provenance, layout::kModeReadable));
  }
  for (auto& n : deployer_notes) {
    out.warnings.push_back(std::move(n));
  }

  for (const auto& [path, bytes] : options.external_data) {
    AICR_RETURN_IF_ERROR(out.tree.Add("data/" + path, bytes, layout::kModePrivate)
                             .WithContext("data file " + Quote(path)));
  }

  const std::string recipe_yaml = serialize::WriteYaml(recipe::ToValue(filtered));
  AICR_RETURN_IF_ERROR(out.tree.Add("recipe.yaml", recipe_yaml, layout::kModePrivate));

  BundleInfo info;
  info.aicr_version = options.aicr_version;
  info.deployer = options.deployer;
  info.recipe_digest = "sha256:" + checksum::Sha256Hex(recipe_yaml);
  info.recipe_version = recipe.metadata.version;
  info.readiness_hooks = options.readiness_hooks;
  info.serial = options.serial;
  info.vendor_charts = options.vendor_charts;
  info.components = options.bundlers;
  std::sort(info.components.begin(), info.components.end());
  info.storage_class = options.storage_class;
  info.shared_storage_class = options.shared_storage_class;
  info.node_scheduling = user.node_scheduling_record;
  if (deployer->records_repo) {
    info.repo_url =
        out.plan.gitops.repo_url.empty() ? deployer->placeholder_repo : out.plan.gitops.repo_url;
    info.target_revision = out.plan.gitops.target_revision.empty()
                               ? std::string("main")
                               : out.plan.gitops.target_revision;
  }
  if (deployer->records_app_name) {
    info.app_name =
        out.plan.gitops.app_name.empty() ? deployer->default_app_name : out.plan.gitops.app_name;
  }
  info.entrypoint = deployer->entrypoint;
  if (!provenance.empty()) {
    info.provenance = kProvenanceFile;
  }
  for (const auto& f : out.plan.folders) {
    info.releases.push_back(BundleRelease{f.release, f.component, f.namespace_,
                                          deployer->release_path(f),
                                          deployer->release_manifest(f)});
  }
  AICR_RETURN_IF_ERROR(
      out.tree.Add("bundle-info.yaml", RenderBundleInfo(info), layout::kModePrivate));

  std::vector<std::pair<std::string_view, std::string_view>> files;
  for (const auto& [path, file] : out.tree.files()) {
    files.emplace_back(path, file.bytes);
  }
  AICR_ASSIGN_OR_RETURN(std::string manifest, checksum::BuildManifest(files));
  AICR_RETURN_IF_ERROR(out.tree.Add("checksums.txt", std::move(manifest), layout::kModePrivate));
  return out;
}

}  // namespace aicr::bundler
