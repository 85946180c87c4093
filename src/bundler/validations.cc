#include "bundler/validations.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <regex>
#include <utility>

#include "base/log.h"
#include "base/strings.h"
#include "recipe/criteria.h"

// What these checks cannot see, compared with upstream's pkg/bundler/validations:
//  - Values come from ValidationContext::values (what the bundle renders), not
//    re-resolved from the catalogue. A cross-component check whose evidence
//    component is declared but not in the bundle (a `bundlers=` subset) and whose
//    values the caller did not supply skips the part that needs them (logged at
//    debug) instead of resolving them itself.
//  - Override keys are canonical component names: `--dynamic` findings name the
//    canonical component, not the alias the user typed.
//  - Without ValidationContext::declared_recipe the declared union is the filtered
//    recipe plus the `declared` names, so a declared-but-unselected component is
//    seen as enabled unless toggled off, and the TCPXO fingerprint only sees the
//    components in the bundle.
//  - CheckHostMofedWithoutNetworkOperator reads the parsed `enabled` toggle (so
//    `False`/`0` count as disabled, where upstream compared the literal `false`
//    under the `networkoperator` key only).
//  - CheckNVSentinelNicHealthMonitorRequiresMetadataCollector compiles override
//    patterns with std::regex (ECMAScript), not Go's RE2.
//  - CheckNVSentinelSlurmDrainMonitorRequiresSlinky, ...RemediationPipelineCoherent
//    and ...MongoDBCoherent follow upstream's decision tables (its tests); their
//    chart defaults (watched namespace `slurm`, reset Job runtime class `nvidia` and
//    host driver root /run/nvidia/driver, the gpu-operator service manager's
//    default operand list) are taken from those tables, and version coherence of
//    nvsentinel-mongodb compares major.minor only.

namespace aicr::bundler {
namespace {

using recipe::ComponentRef;
using recipe::RecipeResult;
using serialize::Value;

constexpr std::string_view kWarningPrefix = "Warning: ";

// The chart's driver install root when the GPU Operator manages the driver.
constexpr std::string_view kOperatorDriverRoot = "/run/nvidia/driver";
constexpr std::string_view kGkeManagedDriverRoot = "/home/kubernetes/bin/nvidia";
constexpr std::string_view kDefaultRuntimeClass = "nvidia";
constexpr std::string_view kLabelerRemedyPath = "labeler.assumeDriverInstalled";
constexpr std::string_view kCollectorRuntimeClassPath = "metadata-collector.runtimeClassName";
constexpr std::string_view kCollectorEnabledPath = "global.metadataCollector.enabled";
constexpr std::string_view kSyslogEnabledPath = "global.syslogHealthMonitor.enabled";
constexpr std::string_view kPreflightEnabledPath = "global.preflight.enabled";
constexpr std::string_view kDcgmDiagContainer = "preflight-dcgm-diag";
constexpr std::string_view kChartDefaultDcgmAddr = "nvidia-dcgm.gpu-operator.svc:5555";
constexpr std::string_view kGpuOperatorDcgmService = "nvidia-dcgm";
constexpr std::string_view kGpuOperatorDcgmPort = "5555";
constexpr std::string_view kKaiGroup = "scheduling.run.ai";
constexpr std::string_view kKaiVersion = "v2alpha2";
constexpr std::string_view kKaiResource = "podgroups";
constexpr std::string_view kKaiScheduler = "kai-scheduler";
constexpr std::string_view kGcpDriverInstaller = "gcp-driver-installer";

const std::vector<std::string>& GpuOperatorNames() {
  static const std::vector<std::string> names = {"gpu-operator", "gpu-operator-ocp"};
  return names;
}

const std::vector<std::string>& DraDriverNames() {
  static const std::vector<std::string> names = {"nvidia-dra-driver-gpu",
                                                 "nvidia-dra-driver-gpu-ocp"};
  return names;
}

const std::string kOperatorManagedSet =
    "--set gpuoperator:driver.enabled=true --set gpuoperator:toolkit.enabled=true "
    "--set gpuoperator:operator.runtimeClass=nvidia "
    "--set dradriver:nvidiaDriverRoot=/run/nvidia/driver";
const std::string kOcpOperatorManagedSet =
    "--set gpuoperatorocp:driver.enabled=true --set gpuoperatorocp:toolkit.enabled=true "
    "--set dradriverocp:nvidiaDriverRoot=/run/nvidia/driver";
const std::string kGkeOperatorManagedSet =
    kOperatorManagedSet + " --set gpuoperator:hostPaths.driverInstallDir=/run/nvidia/driver";

using Conditions = std::vector<std::pair<std::string, std::vector<std::string>>>;

struct CheckInput {
  const ValidationContext& ctx;
  const std::string& component;
  const Conditions& conditions;
};

// Findings follow the registry severity; errors always block (except under info).
struct CheckOutput {
  std::vector<std::string> findings;
  std::vector<Status> errors;
};

using CheckFn = CheckOutput (*)(const CheckInput&);

// ---------------------------------------------------------------------------
// Shared helpers.

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

// A disabled component renders nothing: the recipe gates it off, or --set does.
bool Disabled(const ValidationContext& ctx, const ComponentRef* ref, std::string_view name) {
  return (ref != nullptr && !ref->IsEnabled()) || ToggledOff(ctx, name);
}

// A component of the declared union: its ref when known (the name alone when only
// `declared` lists it).
struct DeclaredComponent {
  std::string name;
  bool declared = false;
  const ComponentRef* ref = nullptr;
};

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

// The bundle-rendered values of `name`, or an INTERNAL error when a component in
// the bundle has none.
const Value* RenderedValues(const ValidationContext& ctx, std::string_view name,
                            std::string_view purpose, CheckOutput* out) {
  const Value* v = ValuesOf(ctx, name);
  if (v == nullptr) {
    out->errors.push_back(MissingValues(name, purpose));
  }
  return v;
}

// Evidence values of another component; nullptr (logged) when the caller supplied
// none for a component outside the bundle.
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

// Walks a dotted path through mappings only; nullptr when any step is missing or
// not a mapping.
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

// A string leaf: absent (present=false, valid=true, including a non-mapping step),
// a string (present, valid) or another type (present=false, valid=false).
struct StringLeaf {
  std::string value;
  bool present = false;
  bool valid = true;
};

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

// Helm's (Go text/template's) truth rule; an absent value is false.
bool HelmTruthy(const Value* v) { return serialize::IsTruthy(v); }

std::string Describe(const Value& v) {
  return v.DebugString() + " (" + std::string(serialize::ValueTypeName(v.type())) + ")";
}

// `values[section].enabled`: absent (no value, no problem), a bool, or a problem
// (explicit null section, non-mapping section, non-bool toggle).
struct Toggle {
  std::optional<bool> value;
  std::string problem;
};

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

// Go's path.Clean: lexical normalisation of a slash-separated path.
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

struct DynamicHit {
  std::string path;
  std::string guard;
};

// `--dynamic` declarations of `component` that equal, contain or sit under a
// guarded path.
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

// One finding per dynamic declaration intersecting a path a gate verifies.
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

// The selected component the check is registered on, unless disabled.
const ComponentRef* OwnRef(const CheckInput& in) {
  const ComponentRef* ref = FindRef(*in.ctx.recipe, in.component);
  if (ref == nullptr || !IsSelected(in.ctx, in.component) || Disabled(in.ctx, ref, in.component)) {
    return nullptr;
  }
  return ref;
}

// ---------------------------------------------------------------------------
// Scheduling flag checks.

CheckOutput CheckWorkloadSelectorMissing(const CheckInput& in) {
  if (OwnRef(in) == nullptr || !ConditionsMatch(*in.ctx.recipe, in.conditions)) {
    return {};
  }
  if (!in.ctx.workload_selectors.empty()) {
    return {};
  }
  return {{in.component + " is enabled but --workload-selector is not set"}, {}};
}

CheckOutput CheckAcceleratedSelectorMissing(const CheckInput& in) {
  if (OwnRef(in) == nullptr || !ConditionsMatch(*in.ctx.recipe, in.conditions)) {
    return {};
  }
  if (!in.ctx.accelerated_node_selectors.empty()) {
    return {};
  }
  return {{in.component + " is enabled but --accelerated-node-selector is not set"}, {}};
}

// An empty list counts: the tuning manifest then renders its own wildcard.
CheckOutput CheckWildcardAcceleratedToleration(const CheckInput& in) {
  if (OwnRef(in) == nullptr || !ConditionsMatch(*in.ctx.recipe, in.conditions)) {
    return {};
  }
  bool wildcard = in.ctx.accelerated_tolerations.empty();
  for (const Value& tol : in.ctx.accelerated_tolerations) {
    const Value* key = tol.Find("key");
    if (key == nullptr || key->is_null() ||
        (key->if_string() != nullptr && key->if_string()->empty())) {
      wildcard = true;
      break;
    }
  }
  if (!wildcard) {
    return {};
  }
  return {
      {in.component + " would render a wildcard accelerated-node toleration (one without a key)"},
      {}};
}

CheckOutput CheckHostMofedWithoutNetworkOperator(const CheckInput& in) {
  if (!ConditionsMatch(*in.ctx.recipe, in.conditions)) {
    return {};
  }
  if (!ToggledOff(in.ctx, "network-operator")) {
    return {};
  }
  const auto gpu = in.ctx.set_values.find("gpu-operator");
  if (gpu != in.ctx.set_values.end()) {
    const auto mofed = gpu->second.find("driver.rdma.useHostMofed");
    if (mofed != gpu->second.end() && mofed->second == "false") {
      return {};
    }
  }
  return {{in.component +
           ": network-operator is disabled but driver.rdma.useHostMofed is not overridden "
           "to false; add --set gpuoperator:driver.rdma.useHostMofed=false"},
          {}};
}

// ---------------------------------------------------------------------------
// GPU driver ownership.

std::string LegacyRecipeAlternative(const std::string& service, const std::string& os) {
  const std::string cos =
      "GKE COS node images cannot take the GPU-Operator-managed driver; if the pools use "
      "the GKE-managed driver install, point the DRA driver root at it instead: --set "
      "dradriver:nvidiaDriverRoot=" +
      std::string(kGkeManagedDriverRoot) + ".";
  if (service == "ocp") {
    return "Alternatively pass the GPU-Operator-managed override set: " + kOcpOperatorManagedSet +
           ".";
  }
  if (service == "gke") {
    if (os == "cos") {
      return cos;
    }
    if (os == "ubuntu") {
      return "Alternatively pass the GPU-Operator-managed override set: " + kGkeOperatorManagedSet +
             ".";
    }
    return cos +
           " GKE Ubuntu node images may instead pass the GPU-Operator-managed override "
           "set: " +
           kGkeOperatorManagedSet + ".";
  }
  return "Alternatively pass the GPU-Operator-managed override set: " + kOperatorManagedSet + ".";
}

std::string DriverAbsentRemedy(const std::string& service, const std::string& os, bool profiled) {
  if (service == "aks") {
    if (!profiled) {
      return "Recreate the GPU node pools without --gpu-driver none (AKS installs the driver "
             "by default), or bundle in GPU-Operator-managed mode: " +
             kOperatorManagedSet + ".";
    }
    return "Either repair the AKS-managed driver (recreate the pools without --gpu-driver "
           "none) and recapture the snapshot, or recreate the pools with --gpu-driver none, "
           "recapture the snapshot and regenerate the recipe with --profile "
           "gpuStack=operator-managed; the gpuStack profile owns the driver-ownership paths, "
           "so per-path --set flips are rejected.";
  }
  if (service == "gke") {
    if (os == "cos") {
      return "The GPU Operator cannot install the driver on GKE COS node images: use the "
             "GKE-managed driver install (node pool gpu-driver-version=default), or "
             "--profile gpuStack=bundle-installer with pools created with "
             "gpu-driver-version=disabled so the bundle's gcp-driver-installer supplies it.";
    }
    if (os == "ubuntu") {
      return "On GKE Ubuntu node images the GPU Operator can manage the driver: " +
             kGkeOperatorManagedSet + ".";
    }
    return "On GKE COS node images use the GKE-managed driver install (node pool "
           "gpu-driver-version); on GKE Ubuntu node images the GPU Operator can manage the "
           "driver: " +
           kGkeOperatorManagedSet + ".";
  }
  const std::string& set = service == "ocp" ? kOcpOperatorManagedSet : kOperatorManagedSet;
  return "Reprovision the GPU nodes with a platform-installed NVIDIA driver, or bundle in "
         "GPU-Operator-managed mode: " +
         set + ".";
}

// Whether the bundle itself provisions the driver: an enabled gcp-driver-installer
// whose installer.enabled renders as "true". Missing evidence counts as no.
bool BundleSuppliesGkeDriver(const ValidationContext& ctx, CheckOutput* out) {
  const DeclaredComponent d = Declared(ctx, kGcpDriverInstaller);
  if (!d.declared || Disabled(ctx, d.ref, d.name)) {
    return false;
  }
  const Value* values = EvidenceValues(ctx, d.name, "bundle-supplied driver detection", out);
  if (values == nullptr) {
    return false;
  }
  const Value* installer = values->Find("installer");
  if (installer == nullptr || !installer->is_mapping()) {
    return false;
  }
  const Value* enabled = installer->Find("enabled");
  if (enabled == nullptr) {
    return false;
  }
  return (enabled->if_bool() != nullptr && *enabled->if_bool()) ||
         (enabled->if_string() != nullptr && *enabled->if_string() == "true");
}

struct ResolvedPath {
  std::string path;
  bool declared = false;
  std::string problem;
};

// gpu-operator hostPaths.driverInstallDir: absent or "" means the chart default.
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

// DRA nvidiaDriverRoot: only an absent key means the chart default.
ResolvedPath ResolveDraRoot(const Value& values, const std::string& component,
                            const std::string& dra) {
  ResolvedPath r;
  const Value* root = values.Find("nvidiaDriverRoot");
  if (root == nullptr) {
    return r;
  }
  const std::string* s = root->if_string();
  if (s == nullptr) {
    r.problem = component + ": " + dra + " nvidiaDriverRoot=" + Describe(*root) +
                " is not a string, which fails the DRA chart's rendering; set a path or "
                "remove the override";
    return r;
  }
  if (s->empty()) {
    r.problem = component + ": " + dra +
                " nvidiaDriverRoot is an empty string, which the DRA chart renders verbatim "
                "into empty host-path mounts; set a path or remove the override";
    return r;
  }
  const std::string cleaned = CleanPath(*s);
  if (cleaned.front() != '/') {
    r.problem = component + ": " + dra + " nvidiaDriverRoot=" + Quote(*s) +
                " is not an absolute path, which the kubelet-plugin host-path mounts require";
    return r;
  }
  r.path = cleaned;
  r.declared = true;
  return r;
}

std::vector<std::string> DynamicOwnershipFindings(const ValidationContext& ctx,
                                                  const std::string& reporter,
                                                  const std::string& component,
                                                  const std::vector<std::string>& guarded) {
  std::vector<std::string> msgs;
  for (const DynamicHit& hit : DynamicHits(ctx, component, guarded)) {
    msgs.push_back(reporter + ": --dynamic " + component + ":" + hit.path +
                   " covers the driver-ownership path " + hit.guard +
                   "; dynamic paths are edited in cluster-values.yaml at install time, where "
                   "no ownership check runs. Set ownership values statically "
                   "(--set/--set-json) instead");
  }
  return msgs;
}

// Rule 2: the DRA driver root follows the driver owner.
void DraLockstep(const CheckInput& in, bool driver_enabled, const ResolvedPath& install_dir,
                 CheckOutput* out) {
  const ValidationContext& ctx = in.ctx;
  const ComponentRef* dra = nullptr;
  for (const std::string& name : DraDriverNames()) {
    dra = FindRef(*ctx.recipe, name);
    if (dra != nullptr) {
      break;
    }
  }
  if (dra == nullptr || !IsSelected(ctx, dra->name) || Disabled(ctx, dra, dra->name)) {
    return;
  }
  const std::vector<std::string> dyn =
      DynamicOwnershipFindings(ctx, in.component, dra->name, {"nvidiaDriverRoot"});
  out->findings.insert(out->findings.end(), dyn.begin(), dyn.end());
  const Value* values = RenderedValues(ctx, dra->name, "driver-ownership coherence", out);
  if (values == nullptr) {
    return;
  }
  const ResolvedPath root = ResolveDraRoot(*values, in.component, dra->name);
  if (!root.problem.empty()) {
    out->findings.push_back(root.problem);
    return;
  }
  if (!install_dir.problem.empty() || !dyn.empty()) {
    return;  // nothing trustworthy to compare against
  }
  const std::string key = LastOverrideKey(ctx, dra->name);
  if (driver_enabled && root.declared && root.path != install_dir.path) {
    out->findings.push_back(
        in.component + ": the operator-managed driver installs to hostPaths.driverInstallDir=" +
        install_dir.path + " but " + dra->name + " reads nvidiaDriverRoot=" + root.path +
        "; CDI spec generation fails and DRA-allocated pods stall in ContainerCreating. Set "
        "--set " +
        key + ":nvidiaDriverRoot=" + install_dir.path);
  } else if (driver_enabled && !root.declared) {
    out->findings.push_back(in.component + ": " + dra->name +
                            " declares no nvidiaDriverRoot, so the DRA chart default (/) is "
                            "used, which cannot match the operator-managed driver install "
                            "dir; set --set " +
                            key + ":nvidiaDriverRoot=" + install_dir.path);
  } else if (!driver_enabled && root.declared && root.path == kOperatorDriverRoot) {
    out->findings.push_back(
        in.component + ": driver.enabled=false but " + dra->name +
        " reads nvidiaDriverRoot=" + std::string(kOperatorDriverRoot) +
        ", which nothing populates when the operator does not manage the driver (typically a "
        "recipe generated before the preinstalled-driver default); regenerate the recipe "
        "with this AICR version. " +
        LegacyRecipeAlternative(CriteriaValue(*ctx.recipe, recipe::Dimension::kService),
                                CriteriaValue(*ctx.recipe, recipe::Dimension::kOs)));
  }
}

// Rule 1 (recorded driverless snapshot vs a preinstalled-driver profile), Rule 2
// (DRA driver-root lockstep), the driverInstallDir "/" ban and the --dynamic
// ownership guard, all on the rendered values.
CheckOutput CheckDriverOwnershipCoherence(const CheckInput& in) {
  const ValidationContext& ctx = in.ctx;
  const RecipeResult& r = *ctx.recipe;
  if (!ConditionsMatch(r, in.conditions) || OwnRef(in) == nullptr) {
    return {};
  }
  CheckOutput out;
  out.findings =
      DynamicOwnershipFindings(ctx, in.component, in.component,
                               {"driver.enabled", "toolkit.enabled", "hostPaths.driverInstallDir"});
  if (!out.findings.empty()) {
    return out;
  }
  const std::string& state = r.metadata.gpu_driver_state;
  if (!state.empty() && state != "preinstalled" && state != "absent") {
    out.findings.push_back(in.component + ": metadata.gpuDriverState=" + Quote(state) +
                           " is not one of \"preinstalled\", \"absent\" or empty; regenerate "
                           "the recipe with this AICR version");
  }
  const Value* values = RenderedValues(ctx, in.component, "driver-ownership coherence", &out);
  if (values == nullptr) {
    return out;
  }
  const Toggle driver = OwnershipToggle(*values, "driver");
  const Toggle toolkit = OwnershipToggle(*values, "toolkit");
  bool rejected = false;
  for (const std::string* problem : {&driver.problem, &toolkit.problem}) {
    if (problem->empty()) {
      continue;
    }
    rejected = true;
    out.findings.push_back(
        in.component + ": " + *problem +
        "; the chart writes the toggle unquoted into the ClusterPolicy, so driver ownership "
        "cannot be verified. Use a bare boolean, e.g. --set gpuoperator:driver.enabled=false");
  }
  if (rejected) {
    return out;
  }
  const bool driver_enabled = driver.value.value_or(true);
  const bool toolkit_disabled = toolkit.value.has_value() && !*toolkit.value;

  if (state == "absent" && (!driver_enabled || toolkit_disabled) &&
      !BundleSuppliesGkeDriver(ctx, &out)) {
    out.findings.push_back(
        in.component +
        ": the values assume a platform-preinstalled driver and toolkit (driver.enabled=false "
        "and/or toolkit.enabled=false) but the snapshot behind this recipe saw no NVIDIA "
        "kernel driver on the GPU node, so the GPU nodes would stay driverless. " +
        DriverAbsentRemedy(CriteriaValue(r, recipe::Dimension::kService),
                           CriteriaValue(r, recipe::Dimension::kOs),
                           r.metadata.selected_profile.has_value()));
  }

  const ResolvedPath install_dir = ResolveInstallDir(*values, in.component);
  if (!install_dir.problem.empty()) {
    out.findings.push_back(install_dir.problem);
  }
  if (install_dir.declared && install_dir.path == "/") {
    out.findings.push_back(in.component +
                           ": hostPaths.driverInstallDir=/ is invalid: the operator validator "
                           "bind-mounts it as a container rootfs target and runc rejects a "
                           "mount destination of /; use a dedicated directory such as " +
                           std::string(kOperatorDriverRoot));
  }
  DraLockstep(in, driver_enabled, install_dir, &out);
  return out;
}

// ---------------------------------------------------------------------------
// NVSentinel.

// The first declared GPU Operator variant (enabled or not).
std::optional<DeclaredComponent> DeclaredGpuOperator(const ValidationContext& ctx) {
  for (const std::string& name : GpuOperatorNames()) {
    DeclaredComponent d = Declared(ctx, name);
    if (d.declared) {
      return d;
    }
  }
  return std::nullopt;
}

bool ConsumerDisabled(const Value& values, std::string_view key) {
  const Value* enabled = Lookup(values, "global." + std::string(key) + ".enabled");
  return enabled != nullptr && enabled->if_bool() != nullptr && !*enabled->if_bool();
}

// GKE COS with gpuStack=bundle-installer ships a driver DaemonSet the labeler sees.
bool LabelerObservesDriverPod(const RecipeResult& r) {
  if (CriteriaValue(r, recipe::Dimension::kService) != "gke" ||
      CriteriaValue(r, recipe::Dimension::kOs) != "cos") {
    return false;
  }
  const auto& p = r.metadata.selected_profile;
  return p.has_value() && p->name == "gpuStack" && p->value == "bundle-installer";
}

CheckOutput CheckNVSentinelDriverLabelDetectable(const CheckInput& in) {
  const ValidationContext& ctx = in.ctx;
  if (!ConditionsMatch(*ctx.recipe, in.conditions) || OwnRef(in) == nullptr) {
    return {};
  }
  const std::optional<DeclaredComponent> gpu = DeclaredGpuOperator(ctx);
  if (!gpu.has_value() || Disabled(ctx, gpu->ref, gpu->name)) {
    return {};
  }
  CheckOutput out;
  const Value* gpu_values =
      EvidenceValues(ctx, gpu->name, "NVSentinel driver-label detectability", &out);
  if (gpu_values == nullptr) {
    return out;
  }
  const Toggle driver = OwnershipToggle(*gpu_values, "driver");
  bool unreadable = false;
  if (!driver.problem.empty()) {
    if (IsSelected(ctx, gpu->name)) {
      return out;  // CheckDriverOwnershipCoherence reports it on the operator
    }
    unreadable = true;
  }
  if (!unreadable && driver.value.value_or(true)) {
    return out;  // the operator's driver pod is what the labeler watches for
  }
  if (LabelerObservesDriverPod(*ctx.recipe)) {
    return out;
  }
  const Value* values =
      RenderedValues(ctx, in.component, "NVSentinel driver-label detectability", &out);
  if (values == nullptr) {
    return out;
  }
  const std::string remedy_path(kLabelerRemedyPath);
  const bool remedy_static = HelmTruthy(Lookup(*values, kLabelerRemedyPath));
  const bool remedy_dynamic = HasDynamic(ctx, in.component, {remedy_path});
  const bool collector_off = ConsumerDisabled(*values, "metadataCollector");
  const bool syslog_off = ConsumerDisabled(*values, "syslogHealthMonitor");
  if (collector_off && syslog_off) {
    if (remedy_static && !remedy_dynamic) {
      return out;
    }
    out.findings = DynamicGuardFindings(
        ctx, in.component, in.component,
        {std::string(kCollectorEnabledPath), std::string(kSyslogEnabledPath)},
        "is what lets this bundle skip the driver-label check (no consumer reads the label); "
        "re-enabling a consumer at install time without the remedy brings back DaemonSets "
        "with 0 desired pods");
    return out;
  }
  out.findings = DynamicGuardFindings(
      ctx, in.component, in.component, {remedy_path},
      "is the driver-label remedy on this platform; stripping it at install time brings back "
      "DaemonSets with 0 desired pods");
  if (!out.findings.empty() || remedy_static) {
    return out;
  }
  std::vector<std::string> affected;
  if (!collector_off) {
    affected.emplace_back("metadata-collector");
  }
  if (!syslog_off) {
    affected.emplace_back("syslog-health-monitor-regular");
    affected.emplace_back("syslog-health-monitor-kata");
  }
  const std::string ownership =
      unreadable ? "the GPU Operator's driver ownership cannot be read (" + driver.problem +
                       ") and the GPU Operator is not in this bundle, so it is read "
                       "conservatively as a node-image driver"
                 : "the values leave the NVIDIA driver to the node image (" + gpu->name +
                       " driver.enabled=false)";
  out.findings.push_back(
      in.component + ": " + ownership +
      " and no driver pod the NVSentinel labeler can observe is deployed, but " + remedy_path +
      " is not set; the labeler never applies the nvsentinel.dgxc.nvidia.com/driver.installed "
      "label and " +
      Join(affected, ", ") +
      " silently come up with 0 desired pods. Set --set nv-sentinel:" + remedy_path +
      "=true (labeling nodes by hand does not stick; do not set it where the GPU Operator "
      "installs the driver)");
  return out;
}

CheckOutput CheckNVSentinelRuntimeClassCoherence(const CheckInput& in) {
  const ValidationContext& ctx = in.ctx;
  if (!ConditionsMatch(*ctx.recipe, in.conditions) || OwnRef(in) == nullptr) {
    return {};
  }
  const std::optional<DeclaredComponent> gpu = DeclaredGpuOperator(ctx);
  if (!gpu.has_value() || Disabled(ctx, gpu->ref, gpu->name)) {
    return {};
  }
  CheckOutput out;
  const Value* gpu_values =
      EvidenceValues(ctx, gpu->name, "NVSentinel RuntimeClass coherence", &out);
  if (gpu_values == nullptr) {
    return out;
  }
  const StringLeaf op = ResolvedString(*gpu_values, "operator.runtimeClass");
  if (!op.valid) {
    return out;
  }
  const std::string operator_class =
      op.present && !op.value.empty() ? op.value : std::string(kDefaultRuntimeClass);
  const Value* values =
      RenderedValues(ctx, in.component, "NVSentinel RuntimeClass coherence", &out);
  if (values == nullptr) {
    return out;
  }
  const std::string collector_path(kCollectorRuntimeClassPath);
  const StringLeaf collector = ResolvedString(*values, kCollectorRuntimeClassPath);
  const std::string guard_reason =
      "is compared by the RuntimeClass check; an install-time edit can desynchronise the "
      "collector from the operator's RuntimeClass and every metadata-collector pod is then "
      "rejected at admission";

  if (ConsumerDisabled(*values, "metadataCollector")) {
    const std::string cls = collector.present ? collector.value : std::string(kDefaultRuntimeClass);
    const bool coherent = collector.valid && (cls.empty() || cls == operator_class);
    bool paths_dynamic = HasDynamic(ctx, in.component, {collector_path});
    if (!collector.valid || !cls.empty()) {
      paths_dynamic = paths_dynamic || HasDynamic(ctx, gpu->name, {"operator.runtimeClass"});
    }
    if (coherent && !paths_dynamic) {
      return out;
    }
    out.findings = DynamicGuardFindings(
        ctx, in.component, in.component, {std::string(kCollectorEnabledPath)},
        "is what lets this bundle skip the RuntimeClass check (metadata-collector is disabled "
        "and its runtime class is not verifiably coherent); re-enabling it at install time "
        "can deploy pods that are rejected at admission");
    return out;
  }
  if (!collector.valid) {
    return out;
  }
  const std::string collector_class =
      collector.present ? collector.value : std::string(kDefaultRuntimeClass);
  if (collector_class.empty()) {
    // The subchart omits runtimeClassName: always admitted, unless edited later.
    out.findings =
        DynamicGuardFindings(ctx, in.component, in.component, {collector_path}, guard_reason);
    return out;
  }
  out.findings =
      DynamicGuardFindings(ctx, in.component, in.component, {collector_path}, guard_reason);
  const std::vector<std::string> op_dyn =
      DynamicGuardFindings(ctx, in.component, gpu->name, {"operator.runtimeClass"}, guard_reason);
  out.findings.insert(out.findings.end(), op_dyn.begin(), op_dyn.end());
  if (!out.findings.empty() || collector_class == operator_class) {
    return out;
  }
  out.findings.push_back(
      in.component + ": metadata-collector sets runtimeClassName=" + Quote(collector_class) +
      " but the GPU Operator creates its RuntimeClass as " + Quote(operator_class) + " (" +
      gpu->name +
      " operator.runtimeClass), so the API server rejects every metadata-collector pod at "
      "admission (RuntimeClass not found; only a FailedCreate event on the DaemonSet shows "
      "it). Align them: --set nv-sentinel:" +
      collector_path + "=" + operator_class);
  return out;
}

bool TracingEnabled(const Value& values) {
  return HelmTruthy(Lookup(values, "global.tracing.enabled"));
}

CheckOutput CheckNVSentinelTracingEndpointRequired(const CheckInput& in) {
  const ValidationContext& ctx = in.ctx;
  if (!ConditionsMatch(*ctx.recipe, in.conditions) || OwnRef(in) == nullptr) {
    return {};
  }
  CheckOutput out;
  const Value* values = RenderedValues(ctx, in.component, "NVSentinel tracing endpoint", &out);
  if (values == nullptr) {
    return out;
  }
  const bool enabled_dynamic = HasDynamic(ctx, in.component, {"global.tracing.enabled"});
  const bool endpoint_dynamic = HasDynamic(ctx, in.component, {"global.tracing.endpoint"});
  if (enabled_dynamic || endpoint_dynamic) {
    const StringLeaf endpoint = ResolvedString(*values, "global.tracing.endpoint");
    const bool endpoint_reliable =
        endpoint.valid && !Trim(endpoint.value).empty() && !endpoint_dynamic;
    const bool enabled_reliably_off = !TracingEnabled(*values) && !enabled_dynamic;
    if ((enabled_dynamic && !endpoint_reliable) || (endpoint_dynamic && !enabled_reliably_off)) {
      std::vector<std::string> paths;
      if (enabled_dynamic) {
        paths.emplace_back("global.tracing.enabled");
      }
      if (endpoint_dynamic) {
        paths.emplace_back("global.tracing.endpoint");
      }
      out.findings = DynamicGuardFindings(
          ctx, in.component, in.component, paths,
          "decides whether traces are exported and where, and the other field's static value "
          "cannot rule out tracing enabled with an empty endpoint after an install-time edit");
      return out;
    }
  }
  if (!TracingEnabled(*values)) {
    return out;
  }
  const StringLeaf endpoint = ResolvedString(*values, "global.tracing.endpoint");
  if (!endpoint.valid) {
    out.errors.push_back(InvalidRequestError("component " + Quote(in.component) +
                                             ": global.tracing.endpoint must be a string"));
    return out;
  }
  if (!Trim(endpoint.value).empty()) {
    return out;
  }
  out.errors.push_back(InvalidRequestError(
      "component " + Quote(in.component) +
      ": global.tracing.enabled=true but global.tracing.endpoint is empty; the OTLP exporter "
      "would have no destination and fail silently at runtime. Set --set "
      "nv-sentinel:global.tracing.endpoint=<host:port>"));
  return out;
}

bool PreflightEnabled(const Value& values) {
  return HelmTruthy(Lookup(values, kPreflightEnabledPath));
}

struct DcgmAddr {
  std::string addr;
  bool configured = false;
  std::string problem;
};

// DCGM_HOSTENGINE_ADDR of the preflight-dcgm-diag init container; an absent
// preflight section or initContainers list means the chart's own list.
DcgmAddr ConfiguredDcgmAddr(const Value& values) {
  const Value* preflight = values.Find("preflight");
  if (preflight == nullptr) {
    return {std::string(kChartDefaultDcgmAddr), true, ""};
  }
  if (!preflight->is_mapping()) {
    return {"", false, "preflight is " + Describe(*preflight) + ", want a mapping"};
  }
  const Value* list = preflight->Find("initContainers");
  if (list == nullptr) {
    return {std::string(kChartDefaultDcgmAddr), true, ""};
  }
  if (!list->is_sequence()) {
    return {"", false, "preflight.initContainers is " + Describe(*list) + ", want a list"};
  }
  std::vector<const Value*> matches;
  for (const Value& c : *list->if_sequence()) {
    const Value* name = c.Find("name");
    if (name != nullptr && name->if_string() != nullptr &&
        *name->if_string() == kDcgmDiagContainer) {
      matches.push_back(&c);
    }
  }
  if (matches.empty()) {
    return {};
  }
  if (matches.size() > 1) {
    return {"", false,
            "preflight.initContainers declares " + std::string(kDcgmDiagContainer) + " " +
                std::to_string(matches.size()) +
                " times, so which hostengine address applies is ambiguous"};
  }
  const Value* env = matches.front()->Find("env");
  if (env != nullptr && env->is_sequence()) {
    for (const Value& e : *env->if_sequence()) {
      const Value* name = e.Find("name");
      if (name == nullptr || name->if_string() == nullptr ||
          *name->if_string() != "DCGM_HOSTENGINE_ADDR") {
        continue;
      }
      const Value* value = e.Find("value");
      const std::string* s = value != nullptr ? value->if_string() : nullptr;
      if (s == nullptr || Trim(*s).empty()) {
        return {"", false,
                std::string(kDcgmDiagContainer) + " sets DCGM_HOSTENGINE_ADDR to " +
                    (value != nullptr ? value->DebugString() : std::string("nothing")) +
                    ", want a non-empty host:port"};
      }
      if (s->find(',') != std::string::npos) {
        return {"", false,
                std::string(kDcgmDiagContainer) + " sets DCGM_HOSTENGINE_ADDR to the list " +
                    Quote(*s) + "; set the single host:port the check should use"};
      }
      return {*s, true, ""};
    }
  }
  return {"", false,
          std::string(kDcgmDiagContainer) +
              " declares no DCGM_HOSTENGINE_ADDR, so the check cannot reach a hostengine"};
}

struct ServiceRef {
  std::string service;
  std::string namespace_;
  std::string port;
};

// `service.namespace.svc[...][:port]`; nullopt for an external host or IP.
std::optional<ServiceRef> ClusterLocalService(const std::string& addr) {
  std::string host = addr;
  std::string port;
  const std::size_t colon = host.rfind(':');
  if (colon != std::string::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  const std::vector<std::string> parts = SplitDots(host);
  if (parts.size() < 3 || parts[2] != "svc") {
    return std::nullopt;
  }
  return ServiceRef{parts[0], parts[1], port};
}

CheckOutput CheckNVSentinelPreflightDCGMReachable(const CheckInput& in) {
  const ValidationContext& ctx = in.ctx;
  if (!ConditionsMatch(*ctx.recipe, in.conditions) || OwnRef(in) == nullptr) {
    return {};
  }
  CheckOutput out;
  const Value* values =
      RenderedValues(ctx, in.component, "NVSentinel preflight DCGM endpoint", &out);
  if (values == nullptr) {
    return out;
  }
  if (!PreflightEnabled(*values)) {
    out.findings = DynamicGuardFindings(
        ctx, in.component, in.component, {std::string(kPreflightEnabledPath)},
        "decides whether the preflight DCGM check runs; it is statically off, so nothing was "
        "validated while an install-time edit could switch it on");
    return out;
  }
  out.findings = DynamicGuardFindings(
      ctx, in.component, in.component,
      {std::string(kPreflightEnabledPath), "preflight.initContainers"},
      "decides whether the preflight DCGM check runs and which hostengine it targets");
  if (!out.findings.empty()) {
    return out;
  }
  const DcgmAddr dcgm = ConfiguredDcgmAddr(*values);
  if (!dcgm.problem.empty()) {
    out.errors.push_back(
        InvalidRequestError("component " + Quote(in.component) + ": " + dcgm.problem));
    return out;
  }
  if (!dcgm.configured) {
    return out;
  }
  auto fail = [&](const std::string& reason) {
    out.errors.push_back(InvalidRequestError(
        "component " + Quote(in.component) + ": preflight is enabled but its " +
        std::string(kDcgmDiagContainer) + " check cannot reach " + dcgm.addr + ": " + reason +
        ". The check would fail when GPU pods start in every opted-in namespace; deploy "
        "gpu-operator with dcgm.enabled: true in the namespace the address names, retarget "
        "DCGM_HOSTENGINE_ADDR on the " +
        std::string(kDcgmDiagContainer) +
        " init container, or drop the nvsentinel-preflight mixin"));
    return out;
  };
  const std::optional<ServiceRef> svc = ClusterLocalService(dcgm.addr);
  if (!svc.has_value() || svc->service != kGpuOperatorDcgmService) {
    return out;  // an external or foreign hostengine is not this check's to verify
  }
  if (!svc->port.empty() && svc->port != kGpuOperatorDcgmPort) {
    return fail("it names port " + Quote(svc->port) + " but the GPU Operator's " +
                std::string(kGpuOperatorDcgmService) + " Service listens on " +
                std::string(kGpuOperatorDcgmPort));
  }
  // The serving operator: an enabled variant wins over a declared-but-disabled one.
  std::optional<DeclaredComponent> gpu;
  for (const std::string& name : GpuOperatorNames()) {
    DeclaredComponent d = Declared(ctx, name);
    if (!d.declared) {
      continue;
    }
    if (!Disabled(ctx, d.ref, d.name)) {
      gpu = d;
      break;
    }
    if (!gpu.has_value()) {
      gpu = d;
    }
  }
  if (!gpu.has_value()) {
    return fail("no GPU Operator component is in the recipe, so nothing serves that Service");
  }
  if (Disabled(ctx, gpu->ref, gpu->name)) {
    return fail(gpu->name + " is disabled");
  }
  std::string ns = gpu->ref != nullptr ? gpu->ref->namespace_ : std::string();
  if (ns.empty()) {
    ns = "gpu-operator";
  }
  if (svc->namespace_ != ns) {
    return fail("it names namespace " + Quote(svc->namespace_) + " but " + gpu->name +
                " is deployed to " + Quote(ns));
  }
  out.findings = DynamicGuardFindings(
      ctx, in.component, gpu->name, {"enabled", "dcgm.enabled"},
      "decides whether the DCGM hostengine this check depends on is deployed at all");
  if (!out.findings.empty()) {
    return out;
  }
  const Value* gpu_values =
      EvidenceValues(ctx, gpu->name, "NVSentinel preflight DCGM endpoint", &out);
  if (gpu_values == nullptr) {
    return out;
  }
  const Toggle dcgm_enabled = OwnershipToggle(*gpu_values, "dcgm");
  if (!dcgm_enabled.problem.empty()) {
    return fail(dcgm_enabled.problem);
  }
  if (!dcgm_enabled.value.has_value()) {
    return fail(gpu->name +
                " does not set dcgm.enabled, which the chart defaults to false, so the "
                "standalone DCGM hostengine Service is never created");
  }
  if (!*dcgm_enabled.value) {
    return fail(gpu->name +
                " runs with dcgm.enabled: false, so the standalone DCGM hostengine Service is "
                "never created");
  }
  return out;
}

enum class GangTarget { kNone, kOtherScheduler, kKai, kKaiMalformed };

struct Gang {
  GangTarget target = GangTarget::kNone;
  std::string version;
  std::string resource;
};

Gang PreflightGangTarget(const Value& values) {
  const Value* preflight = values.Find("preflight");
  if (preflight == nullptr || !preflight->is_mapping()) {
    return {};
  }
  // The chart enables coordination by default: only an explicit falsy value is off.
  const Value* coordination = preflight->Find("gangCoordination");
  if (coordination != nullptr && coordination->is_mapping()) {
    const Value* enabled = coordination->Find("enabled");
    if (enabled != nullptr && !HelmTruthy(enabled)) {
      return {};
    }
  }
  const Value* gvr = Lookup(*preflight, "gangDiscovery.podGroupGVR");
  if (gvr == nullptr || !gvr->is_mapping()) {
    return {};
  }
  auto str = [&](const char* key) {
    const Value* v = gvr->Find(key);
    return v != nullptr && v->if_string() != nullptr ? *v->if_string() : std::string();
  };
  Gang g{GangTarget::kOtherScheduler, str("version"), str("resource")};
  if (str("group") != kKaiGroup) {
    return g;
  }
  g.target = g.version == kKaiVersion && g.resource == kKaiResource ? GangTarget::kKai
                                                                    : GangTarget::kKaiMalformed;
  return g;
}

CheckOutput CheckNVSentinelPreflightGangSchedulerRequired(const CheckInput& in) {
  const ValidationContext& ctx = in.ctx;
  if (!ConditionsMatch(*ctx.recipe, in.conditions) || OwnRef(in) == nullptr) {
    return {};
  }
  CheckOutput out;
  const Value* values =
      RenderedValues(ctx, in.component, "NVSentinel preflight gang scheduler", &out);
  if (values == nullptr) {
    return out;
  }
  if (!PreflightEnabled(*values)) {
    out.findings = DynamicGuardFindings(
        ctx, in.component, in.component, {std::string(kPreflightEnabledPath)},
        "decides whether the preflight controller runs; it is statically off, so nothing was "
        "validated while an install-time edit could switch it on");
    return out;
  }
  const std::vector<std::string> gate_paths = {std::string(kPreflightEnabledPath),
                                               "preflight.gangCoordination.enabled",
                                               "preflight.gangDiscovery.podGroupGVR"};
  const Gang gang = PreflightGangTarget(*values);
  if (gang.target != GangTarget::kKai && gang.target != GangTarget::kKaiMalformed) {
    out.findings = DynamicGuardFindings(
        ctx, in.component, in.component, gate_paths,
        "decides whether the preflight controller resolves KAI PodGroups at startup; the "
        "recipe does not target them statically, so nothing was validated while an "
        "install-time edit could");
    return out;
  }
  const std::string kai_gvr =
      std::string(kKaiGroup) + "/" + std::string(kKaiVersion) + "/" + std::string(kKaiResource);
  if (gang.target == GangTarget::kKaiMalformed) {
    out.errors.push_back(InvalidRequestError(
        "component " + Quote(in.component) + ": preflight gang discovery targets " +
        std::string(kKaiGroup) + "/" + gang.version + " resource " + Quote(gang.resource) +
        " but KAI serves " + kai_gvr +
        "; the preflight controller exits when that GVR does not resolve, so it crash-loops "
        "and the webhook (failurePolicy: Ignore) admits every GPU pod unchecked. Set "
        "preflight.gangDiscovery.podGroupGVR to " +
        kai_gvr));
    return out;
  }
  out.findings = DynamicGuardFindings(
      ctx, in.component, in.component, gate_paths,
      "decides whether the preflight controller resolves KAI PodGroups at startup");
  const std::vector<std::string> kai_dyn = DynamicGuardFindings(
      ctx, in.component, kKaiScheduler, {"enabled"},
      "decides whether the PodGroup CRD the preflight controller needs exists at all");
  out.findings.insert(out.findings.end(), kai_dyn.begin(), kai_dyn.end());
  if (!out.findings.empty()) {
    return out;
  }
  const DeclaredComponent kai = Declared(ctx, kKaiScheduler);
  const std::string consequence =
      "; the preflight controller exits when the PodGroup CRD is absent, so it crash-loops and "
      "the webhook (failurePolicy: Ignore) admits every GPU pod unchecked";
  if (!kai.declared) {
    out.errors.push_back(
        InvalidRequestError("component " + Quote(in.component) +
                            ": preflight gang discovery targets " + std::string(kKaiGroup) +
                            " PodGroups but kai-scheduler is not in the recipe" + consequence));
  } else if (Disabled(ctx, kai.ref, kai.name)) {
    out.errors.push_back(InvalidRequestError(
        "component " + Quote(in.component) + ": preflight gang discovery targets " +
        std::string(kKaiGroup) + " PodGroups but kai-scheduler is disabled" + consequence +
        ". Re-enable kai-scheduler or drop the nvsentinel-preflight mixin"));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Slurm accounting and GKE TCPXO (recorded recipe configuration).

CheckOutput CheckMariaDBOperatorOwnershipCoherence(const CheckInput& in) {
  const ValidationContext& ctx = in.ctx;
  const RecipeResult& r = *ctx.recipe;
  if (!ConditionsMatch(r, in.conditions) || OwnRef(in) == nullptr) {
    return {};
  }
  const Value* accounting = Lookup(r.configuration, "slurm.accounting");
  if (accounting == nullptr || accounting->is_null()) {
    return {};  // legacy recipe without typed accounting evidence
  }
  const Value* mode = accounting->Find("mode");
  if (mode == nullptr || mode->if_string() == nullptr || *mode->if_string() != "aicr-provided") {
    return {};
  }
  const std::string& state = r.metadata.mariadb_operator_state;
  const std::string who = "component " + Quote(in.component);
  if (state.empty()) {
    return {{in.component +
             ": the recipe records no metadata.mariaDBOperatorState snapshot evidence, so "
             "MariaDB Operator conflicts were not evaluated; regenerate the recipe from a "
             "current snapshot to check the target cluster before deploying"},
            {}};
  }
  if (state == "absent") {
    return {};
  }
  if (state == "api-detected") {
    return {{in.component +
             ": the snapshot found the MariaDB Operator API but no MariaDB resources; make "
             "sure a second operator instance will not conflict, or regenerate with "
             "--slurm-accounting-mode customer-managed"},
            {}};
  }
  if (state == "crs-detected") {
    return {{},
            {ConflictError(in.component +
                           ": the snapshot found existing MariaDB resources, and AICR-provided "
                           "accounting would install a competing database stack; regenerate "
                           "the recipe with --slurm-accounting-mode customer-managed")}};
  }
  if (state == "unknown") {
    return {{},
            {ConflictError(in.component +
                           ": the MariaDB Operator conflict evidence is inconclusive, so "
                           "AICR-provided accounting cannot be installed safely; capture a "
                           "fresh snapshot with enough discovery permissions, or regenerate "
                           "with --slurm-accounting-mode customer-managed")}};
  }
  return {{},
          {InvalidRequestError(in.component + ": metadata.mariaDBOperatorState=" + Quote(state) +
                               " is not recognised; regenerate the recipe with this AICR "
                               "version")}};
}

using InterfaceMapping = std::vector<std::pair<std::string, std::string>>;

Result<InterfaceMapping> NormalizeTcpxoInterfaces(const Value& v) {
  if (!v.is_sequence()) {
    return InvalidRequestError(
        "tcpxoInterfaces must be a list of {interfaceName, network} entries, got " +
        std::string(serialize::ValueTypeName(v.type())));
  }
  InterfaceMapping out;
  std::size_t i = 0;
  for (const Value& e : *v.if_sequence()) {
    if (!e.is_mapping()) {
      return InvalidRequestError("tcpxoInterfaces entry " + std::to_string(i) +
                                 " must be a mapping");
    }
    const Value* iface = e.Find("interfaceName");
    const Value* network = e.Find("network");
    const std::string* is = iface != nullptr ? iface->if_string() : nullptr;
    const std::string* ns = network != nullptr ? network->if_string() : nullptr;
    if (is == nullptr || ns == nullptr || is->empty() || ns->empty()) {
      return InvalidRequestError("tcpxoInterfaces entry " + std::to_string(i) +
                                 " must carry non-empty interfaceName and network strings");
    }
    out.emplace_back(*is, *ns);
    ++i;
  }
  return out;
}

// The torch-distributed-tcpxo fingerprint: h100 with kubeflow-trainer and
// gke-nccl-tcpxo declared and enabled by the recipe.
bool ShipsGkeTcpxoRuntime(const ValidationContext& ctx) {
  if (CriteriaValue(*ctx.recipe, recipe::Dimension::kAccelerator) != "h100") {
    return false;
  }
  const RecipeResult& declared = DeclaredRecipe(ctx);
  for (const char* name : {"kubeflow-trainer", "gke-nccl-tcpxo"}) {
    const ComponentRef* ref = FindRef(declared, name);
    if (ref == nullptr) {
      ref = FindRef(*ctx.recipe, name);
    }
    if (ref == nullptr || !ref->IsEnabled()) {
      return false;
    }
  }
  return true;
}

CheckOutput CheckGKETCPXOInterfacesCoherence(const CheckInput& in) {
  const ValidationContext& ctx = in.ctx;
  const RecipeResult& r = *ctx.recipe;
  if (!ConditionsMatch(r, in.conditions) || !ShipsGkeTcpxoRuntime(ctx) || OwnRef(in) == nullptr) {
    return {};
  }
  CheckOutput out;
  const Value* gke = r.configuration.Find("gke");
  if (gke == nullptr || gke->is_null()) {
    out.errors.push_back(InvalidRequestError(
        in.component +
        ": the recipe ships torch-distributed-tcpxo but records no "
        "configuration.gke.tcpxoInterfaces mapping; regenerate it with --gke-tcpxo-interfaces "
        "eth1=<network>,...,eth8=<network>"));
    return out;
  }
  InterfaceMapping recorded;
  if (const Value* rec = gke->Find("tcpxoInterfaces"); rec != nullptr && !rec->is_null()) {
    Result<InterfaceMapping> parsed = NormalizeTcpxoInterfaces(*rec);
    if (!parsed.ok()) {
      out.errors.push_back(
          parsed.status().WithContext(in.component + ": configuration.gke.tcpxoInterfaces"));
      return out;
    }
    recorded = std::move(*parsed);
  }
  const Value* values =
      RenderedValues(ctx, in.component, "GKE TCPXO interface mapping coherence", &out);
  if (values == nullptr) {
    return out;
  }
  const Value* resolved_raw = values->Find("tcpxoInterfaces");
  if (resolved_raw == nullptr) {
    out.errors.push_back(InvalidRequestError(
        in.component +
        ": the recipe records configuration.gke.tcpxoInterfaces but the resolved values "
        "carry no tcpxoInterfaces; regenerate the recipe instead of editing one half"));
    return out;
  }
  Result<InterfaceMapping> resolved = NormalizeTcpxoInterfaces(*resolved_raw);
  if (!resolved.ok()) {
    out.errors.push_back(resolved.status().WithContext(in.component));
    return out;
  }
  if (*resolved != recorded) {
    out.errors.push_back(InvalidRequestError(
        in.component +
        ": the resolved tcpxoInterfaces differ from configuration.gke.tcpxoInterfaces, so the "
        "bundle would render other wiring than the recipe records"));
  }
  return out;
}

// ---------------------------------------------------------------------------
// NVSentinel subchart dependencies.

// A Chart.yaml dependency condition at global.<key>.enabled: only a literal false
// turns the subchart off; a non-bool value or a non-mapping section renders it.
// Absent leaves the chart default (present=false).
struct Subchart {
  bool renders = false;
  bool present = false;
};

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

constexpr std::string_view kNicMonitorEnabledPath = "global.nicHealthMonitor.enabled";
constexpr std::string_view kNicOverridePath = "nic-health-monitor.nicInclusionRegexOverride";

// Every comma-separated pattern must compile and at least one must be non-empty
// (std::regex ECMAScript stands in for the monitor's Go RE2 compiler).
bool NicOverrideUsable(const std::string& override_list) {
  bool usable = false;
  std::size_t start = 0;
  while (start <= override_list.size()) {
    std::size_t comma = override_list.find(',', start);
    if (comma == std::string::npos) {
      comma = override_list.size();
    }
    const std::string pattern(Trim(std::string_view(override_list).substr(start, comma - start)));
    start = comma + 1;
    if (pattern.empty()) {
      continue;
    }
    try {
      const std::regex compiled(pattern);
      (void)compiled;
    } catch (const std::regex_error&) {
      return false;
    }
    usable = true;
  }
  return usable;
}

CheckOutput CheckNVSentinelNicHealthMonitorRequiresMetadataCollector(const CheckInput& in) {
  const ValidationContext& ctx = in.ctx;
  if (!ConditionsMatch(*ctx.recipe, in.conditions) || OwnRef(in) == nullptr) {
    return {};
  }
  CheckOutput out;
  const Value* values =
      RenderedValues(ctx, in.component, "NVSentinel nic-health-monitor dependency", &out);
  if (values == nullptr) {
    return out;
  }
  const std::string monitor_path(kNicMonitorEnabledPath);
  const std::string collector_path(kCollectorEnabledPath);
  const std::string override_path(kNicOverridePath);
  // Absent: the chart default, off for the monitor and on for the collector.
  const bool monitor_on = SubchartCondition(*values, "nicHealthMonitor").renders;
  const bool collector_off = ConsumerDisabled(*values, "metadataCollector");
  const StringLeaf override_leaf = ResolvedString(*values, kNicOverridePath);
  const bool monitor_dyn = HasDynamic(ctx, in.component, {monitor_path});
  const bool collector_dyn = HasDynamic(ctx, in.component, {collector_path});
  const bool override_dyn = HasDynamic(ctx, in.component, {override_path});
  const bool rescued =
      override_leaf.valid && !override_dyn && NicOverrideUsable(override_leaf.value);
  if ((monitor_dyn || collector_dyn || override_dyn) && (monitor_dyn || monitor_on) &&
      (collector_dyn || collector_off) && !rescued) {
    std::vector<std::string> paths;
    for (const auto& [dyn, path] :
         {std::pair{monitor_dyn, monitor_path}, std::pair{collector_dyn, collector_path},
          std::pair{override_dyn, override_path}}) {
      if (dyn) {
        paths.push_back(path);
      }
    }
    out.findings = DynamicGuardFindings(
        ctx, in.component, in.component, paths,
        "decides whether nic-health-monitor runs, whether metadata-collector supplies its NIC "
        "inventory or whether an override replaces it, and the other fields cannot rule out a "
        "monitor with nothing to discover after an install-time edit");
    return out;
  }
  if (!monitor_on || !collector_off) {
    return out;
  }
  const std::string who = "component " + Quote(in.component) + ": ";
  if (!override_leaf.valid) {
    out.errors.push_back(InvalidRequestError(who + override_path + " must be a string"));
    return out;
  }
  if (NicOverrideUsable(override_leaf.value)) {
    return out;
  }
  if (!Trim(override_leaf.value).empty()) {
    out.errors.push_back(InvalidRequestError(
        who + override_path + " is " + Quote(override_leaf.value) +
        ", which nic-health-monitor rejects at startup (every comma-separated pattern must "
        "compile and one must be non-empty), so it would crash-loop without the inventory "
        "it works around"));
    return out;
  }
  out.errors.push_back(InvalidRequestError(
      who + monitor_path + "=true but " + collector_path + "=false and " + override_path +
      " is unset; nic-health-monitor reads its NIC inventory from metadata-collector and has "
      "no devices to check without it. Enable metadata-collector, or set --set nv-sentinel:" +
      override_path + "=<regex>"));
  return out;
}

constexpr std::string_view kSlinkySlurm = "slinky-slurm";
constexpr std::string_view kDrainMonitorEnabledPath = "global.slurmDrainMonitor.enabled";
constexpr std::string_view kDrainMonitorNamespacePath = "slurm-drain-monitor.namespace";
// The chart's default watched namespace (and Slinky's default deployment one).
constexpr std::string_view kDefaultSlurmNamespace = "slurm";

// An enabled slurm-drain-monitor needs slinky-slurm present, enabled and deployed
// to the namespace the monitor watches ("" watches every namespace).
CheckOutput CheckNVSentinelSlurmDrainMonitorRequiresSlinky(const CheckInput& in) {
  const ValidationContext& ctx = in.ctx;
  if (!ConditionsMatch(*ctx.recipe, in.conditions) || OwnRef(in) == nullptr) {
    return {};
  }
  CheckOutput out;
  const Value* values =
      RenderedValues(ctx, in.component, "NVSentinel slurm-drain-monitor dependency", &out);
  if (values == nullptr) {
    return out;
  }
  const std::string why =
      "decides whether slurm-drain-monitor runs and which Slinky pods it watches";
  out.findings = DynamicGuardFindings(ctx, in.component, in.component,
                                      {std::string(kDrainMonitorEnabledPath)}, why);
  const bool monitor_on = SubchartCondition(*values, "slurmDrainMonitor").renders;
  if (!monitor_on) {
    return out;
  }
  const std::vector<std::string> ns_dyn = DynamicGuardFindings(
      ctx, in.component, in.component, {std::string(kDrainMonitorNamespacePath)}, why);
  const std::vector<std::string> slinky_dyn =
      DynamicGuardFindings(ctx, in.component, kSlinkySlurm, {"enabled"},
                           "decides whether the Slinky pods slurm-drain-monitor watches exist");
  out.findings.insert(out.findings.end(), ns_dyn.begin(), ns_dyn.end());
  out.findings.insert(out.findings.end(), slinky_dyn.begin(), slinky_dyn.end());
  if (!out.findings.empty()) {
    return out;
  }
  const std::string who = "component " + Quote(in.component) + ": slurm-drain-monitor is on ";
  const StringLeaf ns = ResolvedString(*values, kDrainMonitorNamespacePath);
  if (!ns.valid) {
    out.errors.push_back(InvalidRequestError(
        who + "but " + std::string(kDrainMonitorNamespacePath) + " is not a string"));
    return out;
  }
  const std::string watched = ns.present ? ns.value : std::string(kDefaultSlurmNamespace);
  if (!watched.empty() && Trim(watched).empty()) {
    out.errors.push_back(InvalidRequestError(
        who + "but " + std::string(kDrainMonitorNamespacePath) +
        " is blank; set the Slinky namespace, or \"\" to watch every namespace"));
    return out;
  }
  const DeclaredComponent slinky = Declared(ctx, kSlinkySlurm);
  const std::string consequence =
      ", so it has no Slurm worker pods to read drain reasons from and records nothing";
  if (!slinky.declared) {
    out.errors.push_back(
        InvalidRequestError(who + "but slinky-slurm is not in the recipe" + consequence));
    return out;
  }
  if (Disabled(ctx, slinky.ref, slinky.name)) {
    out.errors.push_back(InvalidRequestError(who + "but slinky-slurm is disabled" + consequence));
    return out;
  }
  std::string slinky_ns = NamespaceOf(ctx, slinky.name, slinky.ref);
  if (slinky_ns.empty()) {
    slinky_ns = std::string(kDefaultSlurmNamespace);
  }
  if (!watched.empty() && watched != slinky_ns) {
    out.errors.push_back(InvalidRequestError(
        who + "and watches namespace " + Quote(watched) + " but slinky-slurm deploys to " +
        Quote(slinky_ns) + consequence +
        "; set --set nv-sentinel:" + std::string(kDrainMonitorNamespacePath) + "=" + slinky_ns));
  }
  return out;
}

// --- The graded remediation pipeline. ---

constexpr std::string_view kPsmdbOperator = "psmdb-operator";
constexpr std::string_view kSentinelMongoDB = "nvsentinel-mongodb";
constexpr std::string_view kPerconaUriSecret = "nvsentinel-mongodb-uri";
constexpr std::string_view kPerconaClientCert = "nvsentinel-mongodb-app-client";
constexpr std::string_view kGpuResetPath = "janitor.config.controllers.gpuReset";

std::string StagePath(std::string_view key) { return "global." + std::string(key) + ".enabled"; }

// A Go time.Duration string (e.g. "10m", "1h30m") that is strictly positive.
bool PositiveDuration(const Value* v) {
  if (v == nullptr || v->if_string() == nullptr) {
    return false;
  }
  const std::string& s = *v->if_string();
  if (s.empty()) {
    return false;
  }
  std::size_t i = 0;
  bool positive = false;
  while (i < s.size()) {
    const std::size_t number_start = i;
    bool nonzero = false;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) {
      nonzero = nonzero || (s[i] >= '1' && s[i] <= '9');
      ++i;
    }
    if (i == number_start) {
      return false;
    }
    const std::size_t unit_start = i;
    while (i < s.size() && !((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) {
      ++i;
    }
    const std::string unit = s.substr(unit_start, i - unit_start);
    if (unit != "ns" && unit != "us" && unit != "\xC2\xB5s" && unit != "ms" && unit != "s" &&
        unit != "m" && unit != "h") {
      return false;
    }
    positive = positive || nonzero;
  }
  return positive;
}

// Whether the GPU Operator runs `app` (an operand DaemonSet), by its values.
bool OperandRuns(const Value& gpu_values, const std::string& app) {
  struct Operand {
    const char* app;
    const char* section;
    bool default_on;
  };
  static constexpr Operand kOperands[] = {
      {"nvidia-device-plugin-daemonset", "devicePlugin", true},
      {"nvidia-dcgm", "dcgm", false},
      {"nvidia-dcgm-exporter", "dcgmExporter", true},
      {"gpu-feature-discovery", "gfd", true},
  };
  for (const Operand& o : kOperands) {
    if (app == o.app) {
      const Toggle t = OwnershipToggle(gpu_values, o.section);
      return t.problem.empty() ? t.value.value_or(o.default_on) : true;
    }
  }
  return true;  // not an operand this check knows
}

// The serving GPU Operator: an enabled variant wins over a declared-but-disabled one.
std::optional<DeclaredComponent> ServingGpuOperator(const ValidationContext& ctx) {
  std::optional<DeclaredComponent> gpu;
  for (const std::string& name : GpuOperatorNames()) {
    DeclaredComponent d = Declared(ctx, name);
    if (!d.declared) {
      continue;
    }
    if (!Disabled(ctx, d.ref, d.name)) {
      return d;
    }
    if (!gpu.has_value()) {
      gpu = d;
    }
  }
  return gpu;
}

// The GPU reset Job and its service manager against the GPU Operator's values.
void ResetJobRules(const CheckInput& in, const Value& values, CheckOutput* out) {
  const ValidationContext& ctx = in.ctx;
  const std::string& c = in.component;
  const Value* job = Lookup(values, std::string(kGpuResetPath) + ".resetJob");
  auto job_field = [&](const char* key) -> const Value* {
    return job != nullptr && job->is_mapping() ? job->Find(key) : nullptr;
  };
  if (const Value* root = job_field("driverRoot");
      root != nullptr &&
      (root->if_string() == nullptr || *root->if_string() != kOperatorDriverRoot)) {
    out->findings.push_back(c + ": janitor's GPU reset resetJob.driverRoot must be unset (or " +
                            std::string(kOperatorDriverRoot) +
                            ", the path inside the reset "
                            "container), got " +
                            root->DebugString());
  }
  const std::optional<DeclaredComponent> gpu = ServingGpuOperator(ctx);
  if (!gpu.has_value() || Disabled(ctx, gpu->ref, gpu->name)) {
    return;
  }
  const Value* gpu_values = EvidenceValues(ctx, gpu->name, "NVSentinel GPU reset", out);
  if (gpu_values == nullptr) {
    return;
  }
  // RuntimeClass: the Job's class must exist (chart default "nvidia"; "" omits it).
  const Value* cls = job_field("runtimeClassName");
  if (cls != nullptr && cls->if_string() == nullptr) {
    out->findings.push_back(c +
                            ": janitor's GPU reset resetJob.runtimeClassName must be a "
                            "string, got " +
                            Describe(*cls));
  } else {
    const std::string job_class =
        cls != nullptr ? *cls->if_string() : std::string(kDefaultRuntimeClass);
    const StringLeaf op = ResolvedString(*gpu_values, "operator.runtimeClass");
    const std::string op_class =
        op.valid && op.present && !op.value.empty() ? op.value : std::string(kDefaultRuntimeClass);
    const bool nri = HelmTruthy(Lookup(*gpu_values, "cdi.enabled")) &&
                     HelmTruthy(Lookup(*gpu_values, "cdi.nriPluginEnabled"));
    if (!job_class.empty() && nri) {
      out->findings.push_back(c + ": " + gpu->name +
                              " runs CDI through the NRI plugin, which registers no runtime "
                              "handler, but the GPU reset Job requests runtimeClassName " +
                              Quote(job_class) +
                              ", so its pod is rejected at admission; set --set nv-sentinel:" +
                              std::string(kGpuResetPath) + ".resetJob.runtimeClassName=\"\"");
    } else if (op.valid && !job_class.empty() && job_class != op_class) {
      out->findings.push_back(
          c + ": the GPU reset Job requests runtimeClassName " + Quote(job_class) + " but " +
          gpu->name + " creates its RuntimeClass as " + Quote(op_class) +
          ", so every reset pod is rejected at admission; set --set "
          "nv-sentinel:" +
          std::string(kGpuResetPath) + ".resetJob.runtimeClassName=" + op_class);
    }
  }
  // Driver root: where the Job reads the driver on the host.
  const Toggle driver = OwnershipToggle(*gpu_values, "driver");
  const ResolvedPath install_dir = ResolveInstallDir(*gpu_values, gpu->name);
  if (driver.problem.empty() && install_dir.problem.empty()) {
    const bool driver_enabled = driver.value.value_or(true);
    const Value* host_root = job_field("hostDriverRootPath");
    std::string root = std::string(kOperatorDriverRoot);
    bool root_ok = true;
    if (host_root != nullptr) {
      const std::string* s = host_root->if_string();
      if (s == nullptr || s->empty() || CleanPath(*s).front() != '/') {
        out->findings.push_back(c +
                                ": janitor's GPU reset resetJob.hostDriverRootPath must be "
                                "an absolute path, got " +
                                host_root->DebugString());
        root_ok = false;
      } else {
        root = CleanPath(*s);
      }
    }
    if (root_ok) {
      if (!driver_enabled && install_dir.declared && install_dir.path == kGkeManagedDriverRoot) {
        out->findings.push_back(
            c +
            ": GPU reset is not supported with GKE's managed driver "
            "install (" +
            gpu->name + " hostPaths.driverInstallDir=" + std::string(kGkeManagedDriverRoot) +
            "); leave janitor off on this platform");
      } else if (!driver_enabled && root != "/") {
        out->findings.push_back(
            c + ": " + gpu->name +
            " leaves the driver to the node image (driver.enabled=false) but the GPU reset Job "
            "reads it at hostDriverRootPath=" +
            root + "; set --set nv-sentinel:" + std::string(kGpuResetPath) +
            ".resetJob.hostDriverRootPath=/");
      } else if (driver_enabled && root != install_dir.path) {
        out->findings.push_back(c + ": " + gpu->name + " installs the driver into " +
                                install_dir.path +
                                " but the GPU reset Job reads it at hostDriverRootPath=" + root +
                                "; set --set nv-sentinel:" + std::string(kGpuResetPath) +
                                ".resetJob.hostDriverRootPath=" + install_dir.path);
      }
    }
  }
  // Service manager: the operands a reset tears down and waits for again.
  const Value* sm = Lookup(values, std::string(kGpuResetPath) + ".serviceManager");
  const Value* sm_name = sm != nullptr && sm->is_mapping() ? sm->Find("name") : nullptr;
  const std::string name = sm_name == nullptr                ? std::string("gpu-operator")
                           : sm_name->if_string() != nullptr ? *sm_name->if_string()
                                                             : std::string();
  if (name != "gpu-operator") {
    return;
  }
  std::vector<std::string> apps = {"nvidia-device-plugin-daemonset", "nvidia-dcgm",
                                   "nvidia-dcgm-exporter", "gpu-feature-discovery"};
  const Value* spec = sm != nullptr && sm->is_mapping() ? sm->Find("spec") : nullptr;
  if (spec != nullptr && spec->is_mapping()) {
    for (const char* key : {"teardownTimeout", "restoreTimeout"}) {
      const Value* t = spec->Find(key);
      if (!PositiveDuration(t)) {
        out->findings.push_back(c + ": janitor's GPU reset serviceManager.spec." + key + " is " +
                                (t != nullptr ? t->DebugString() : std::string("unset")) +
                                ", want a positive duration such as 10m");
      }
    }
    std::string gpu_ns = NamespaceOf(ctx, gpu->name, gpu->ref);
    if (gpu_ns.empty()) {
      gpu_ns = "gpu-operator";
    }
    const Value* ns = spec->Find("namespace");
    const std::string waits = ns != nullptr && ns->if_string() != nullptr ? *ns->if_string() : "";
    if (waits != gpu_ns) {
      out->findings.push_back(c + ": janitor's GPU reset waits for operand pods in namespace " +
                              Quote(waits) + " but " + gpu->name + " deploys to " + Quote(gpu_ns) +
                              ", so every reset times out");
    }
    apps.clear();
    const Value* list = spec->Find("apps");
    bool bad_labels = false;
    if (list != nullptr && list->is_sequence()) {
      for (const Value& app : *list->if_sequence()) {
        const Value* selected = Lookup(app, "appSelector.app");
        if (selected != nullptr && selected->if_string() != nullptr) {
          apps.push_back(*selected->if_string());
        }
        const Value* on = app.Find("enabledValue");
        const Value* off = app.Find("disabledValue");
        const std::string* on_s = on != nullptr ? on->if_string() : nullptr;
        const std::string* off_s = off != nullptr ? off->if_string() : nullptr;
        if (on_s == nullptr || off_s == nullptr || on_s->empty() || off_s->empty() ||
            *on_s == *off_s) {
          bad_labels = true;
        }
      }
    }
    if (bad_labels) {
      out->findings.push_back(c +
                              ": every janitor GPU reset serviceManager app needs "
                              "distinct, non-empty enabledValue and disabledValue node "
                              "label values, or the operand cannot be turned off and on");
    }
  }
  std::vector<std::string> missing;
  for (const std::string& app : apps) {
    if (!OperandRuns(*gpu_values, app)) {
      missing.push_back(app);
    }
  }
  if (!missing.empty()) {
    out->findings.push_back(c + ": janitor's GPU reset waits for " + Join(missing, ", ") +
                            ", which " + gpu->name +
                            " does not run, so each reset fails with RestoreTimeoutExceeded; "
                            "list only the operands that run in serviceManager.spec.apps");
  }
}

// The fault-quarantine -> node-drainer -> fault-remediation -> janitor chain, its
// datastore, and the GPU reset Job janitor runs.
CheckOutput CheckNVSentinelRemediationPipelineCoherent(const CheckInput& in) {
  const ValidationContext& ctx = in.ctx;
  const ComponentRef* own = OwnRef(in);
  if (!ConditionsMatch(*ctx.recipe, in.conditions) || own == nullptr) {
    return {};
  }
  CheckOutput out;
  const Value* values = RenderedValues(ctx, in.component, "NVSentinel remediation pipeline", &out);
  if (values == nullptr) {
    return out;
  }
  const std::string& c = in.component;
  auto on = [&](std::string_view key) { return SubchartCondition(*values, key).renders; };
  auto dyn = [&](std::string_view key) { return HasDynamic(ctx, c, {StagePath(key)}); };
  const bool fq = on("faultQuarantine");
  const bool nd = on("nodeDrainer");
  const bool fr = on("faultRemediation");
  const bool janitor = on("janitor");
  const bool provider = on("janitorProvider");

  // --dynamic guard: the stage toggles always, and what an enabled (or dynamic)
  // stage reads.
  std::vector<std::string> guarded = {StagePath("faultQuarantine"), StagePath("nodeDrainer"),
                                      StagePath("faultRemediation"), StagePath("janitor")};
  const bool fr_maybe = fr || dyn("faultRemediation");
  const bool janitor_maybe = janitor || dyn("janitor");
  if (fq || nd || fr_maybe || dyn("faultQuarantine") || dyn("nodeDrainer")) {
    guarded.emplace_back("global.datastore");
    guarded.push_back(StagePath("mongodbStore"));
  }
  if (fr_maybe) {
    guarded.push_back(std::string(kCollectorEnabledPath));
    if (!janitor || dyn("janitor")) {
      guarded.emplace_back("global.dryRun");
    }
  }
  if (janitor_maybe) {
    guarded.push_back(StagePath("janitorProvider"));
    guarded.emplace_back(kGpuResetPath);
  }
  const std::string why = "is part of the remediation pipeline this check verified";
  out.findings = DynamicGuardFindings(ctx, c, c, guarded, why);
  if (janitor_maybe) {
    if (const std::optional<DeclaredComponent> gpu = ServingGpuOperator(ctx); gpu.has_value()) {
      const std::vector<std::string> gpu_dyn = DynamicGuardFindings(
          ctx, c, gpu->name,
          {"driver.enabled", "hostPaths.driverInstallDir", "operator.runtimeClass", "dcgm.enabled",
           "devicePlugin.enabled", "dcgmExporter.enabled", "gfd.enabled", "cdi.enabled",
           "cdi.nriPluginEnabled"},
          "decides what the GPU reset Job and its service manager depend on");
      out.findings.insert(out.findings.end(), gpu_dyn.begin(), gpu_dyn.end());
    }
  }
  if (!out.findings.empty()) {
    return out;
  }

  // Datastore rules, only with a pipeline stage on.
  if (fq || nd || fr) {
    if (on("mongodbStore")) {
      out.findings.push_back(c +
                             ": the embedded MongoDB (global.mongodbStore) is not supported "
                             "with the remediation pipeline; use the nvsentinel-mongodb "
                             "datastore the step mixins configure");
    }
    const Value* datastore = Lookup(*values, "global.datastore");
    const Value* provider_v =
        datastore != nullptr && datastore->is_mapping() ? datastore->Find("provider") : nullptr;
    if (provider_v == nullptr || provider_v->is_null()) {
      out.findings.push_back(c +
                             ": the remediation pipeline is on but no datastore is "
                             "configured (global.datastore.provider)");
    } else if (provider_v->if_string() == nullptr || (*provider_v->if_string() != "mongodb" &&
                                                      *provider_v->if_string() != "postgresql")) {
      out.findings.push_back(c + ": global.datastore.provider is " + provider_v->DebugString() +
                             "; NVSentinel supports only \"mongodb\" and \"postgresql\"");
    } else if (*provider_v->if_string() == "mongodb") {
      const Value* secret = Lookup(*datastore, "credentialsFromSecret.name");
      if (secret != nullptr && secret->if_string() != nullptr &&
          *secret->if_string() == kPerconaUriSecret) {
        const std::string own_ns = NamespaceOf(ctx, c, own);
        for (std::string_view dep : {kPsmdbOperator, kSentinelMongoDB}) {
          const DeclaredComponent d = Declared(ctx, dep);
          if (!d.declared || Disabled(ctx, d.ref, d.name)) {
            out.findings.push_back(c +
                                   ": the datastore points at the nvsentinel-mongodb cluster "
                                   "but " +
                                   d.name + " is not deployed");
            continue;
          }
          const std::string dep_ns = NamespaceOf(ctx, d.name, d.ref);
          if (dep_ns != own_ns) {
            out.findings.push_back(c + ": " + d.name + " deploys to namespace " + Quote(dep_ns) +
                                   " but " + c + " to " + Quote(own_ns) +
                                   "; the datastore secrets are namespaced, so both must match");
          }
        }
        const StringLeaf mech = ResolvedString(*datastore, "auth.mechanism");
        if (!mech.valid || mech.value != "x509") {
          out.findings.push_back(c +
                                 ": the nvsentinel-mongodb cluster authenticates only the "
                                 "x509 client certificate, but global.datastore.auth.mechanism "
                                 "is " +
                                 Quote(mech.value));
        }
        const StringLeaf cert = ResolvedString(*datastore, "auth.clientCertSecretName");
        if (!cert.valid || cert.value != kPerconaClientCert) {
          out.findings.push_back(c + ": global.datastore.auth.clientCertSecretName is " +
                                 Quote(cert.value) + ", want " + Quote(kPerconaClientCert) +
                                 " (the certificate nvsentinel-mongodb issues)");
        }
      }
    }
  }
  if (nd && !fq) {
    out.findings.push_back(c +
                           ": node-drainer is enabled without fault-quarantine, which "
                           "cordons the nodes it drains");
  }
  if (fr && !nd) {
    out.findings.push_back(c +
                           ": fault-remediation is enabled without node-drainer, so it "
                           "would repair nodes that were never drained");
  }
  if (fr && !janitor) {
    const Value* dry_run = Lookup(*values, "global.dryRun");
    if (dry_run != nullptr && dry_run->if_bool() == nullptr) {
      out.findings.push_back(c + ": global.dryRun is not a bool (" + Describe(*dry_run) + ")");
    } else if (dry_run == nullptr || !*dry_run->if_bool()) {
      out.findings.push_back(c +
                             ": fault-remediation is live (global.dryRun=false) but janitor, "
                             "which carries out its maintenance actions, is off");
    }
  }
  if (janitor && !provider) {
    out.findings.push_back(c +
                           ": janitor is enabled without janitor-provider, which performs "
                           "its reboots");
  }
  if (fr && ConsumerDisabled(*values, "metadataCollector")) {
    out.findings.push_back(c +
                           ": fault-remediation is on but metadata-collector is disabled, "
                           "so a GPU reset has no GPU UUID to target");
  }
  if (janitor) {
    ResetJobRules(in, *values, &out);
  }
  return out;
}

// --- The nvsentinel-mongodb datastore. ---

// "1.21.2@sha256:..." -> "1.21"; "" when the tag does not start with X.Y.
std::string MajorMinor(const std::string& tag) {
  const std::string v = tag.substr(0, tag.find('@'));
  const std::size_t dot1 = v.find('.');
  if (dot1 == std::string::npos || dot1 == 0) {
    return "";
  }
  std::size_t end = dot1 + 1;
  while (end < v.size() && v[end] >= '0' && v[end] <= '9') {
    ++end;
  }
  if (end == dot1 + 1 || !std::all_of(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(dot1),
                                      [](char ch) { return ch >= '0' && ch <= '9'; })) {
    return "";
  }
  return v.substr(0, end);
}

bool HasRole(const Value* roles, std::string_view name, std::string_view db) {
  if (roles == nullptr || !roles->is_sequence()) {
    return false;
  }
  for (const Value& r : *roles->if_sequence()) {
    const StringLeaf n = ResolvedString(r, "name");
    const StringLeaf d = ResolvedString(r, "db");
    if (n.value == name && d.value == db) {
      return true;
    }
  }
  return false;
}

// The custom role nvsentinelTTLIndex (db admin) grants collMod on HealthEventsDatabase.
bool TtlRoleDefined(const Value& values) {
  const Value* roles = values.Find("roles");
  if (roles == nullptr || !roles->is_sequence()) {
    return false;
  }
  for (const Value& r : *roles->if_sequence()) {
    if (ResolvedString(r, "role").value != "nvsentinelTTLIndex" ||
        ResolvedString(r, "db").value != "admin") {
      continue;
    }
    const Value* privileges = r.Find("privileges");
    if (privileges == nullptr || !privileges->is_sequence()) {
      continue;
    }
    for (const Value& p : *privileges->if_sequence()) {
      if (ResolvedString(p, "resource.db").value != "HealthEventsDatabase") {
        continue;
      }
      const Value* actions = p.Find("actions");
      if (actions != nullptr && actions->is_sequence() &&
          std::any_of(actions->if_sequence()->begin(), actions->if_sequence()->end(),
                      [](const Value& a) {
                        return a.if_string() != nullptr && *a.if_string() == "collMod";
                      })) {
        return true;
      }
    }
  }
  return false;
}

CheckOutput CheckNVSentinelMongoDBCoherent(const CheckInput& in) {
  const ValidationContext& ctx = in.ctx;
  if (!ConditionsMatch(*ctx.recipe, in.conditions) || OwnRef(in) == nullptr) {
    return {};
  }
  CheckOutput out;
  const std::string& c = in.component;
  const Value* values = RenderedValues(ctx, c, "NVSentinel MongoDB datastore", &out);
  if (values == nullptr) {
    return out;
  }
  const std::string why = "is part of the datastore wiring this check verified";
  out.findings = DynamicGuardFindings(
      ctx, c, c, {"tls.mode", "users", "roles", "sharding.enabled", "crVersion", "initImage.tag"},
      why);
  const std::vector<std::string> op_dyn = DynamicGuardFindings(
      ctx, c, kPsmdbOperator, {"image.tag", "watchAllNamespaces", "disableTelemetry"}, why);
  out.findings.insert(out.findings.end(), op_dyn.begin(), op_dyn.end());
  if (!out.findings.empty()) {
    return out;
  }
  const DeclaredComponent sentinel = Declared(ctx, "nvsentinel");
  if (!sentinel.declared || Disabled(ctx, sentinel.ref, sentinel.name)) {
    out.findings.push_back(c + ": NVSentinel is not deployed, so nothing uses this datastore");
  }
  const StringLeaf tls = ResolvedString(*values, "tls.mode");
  if (tls.value != "requireTLS") {
    out.findings.push_back(c + ": tls.mode is " + Quote(tls.value) +
                           ", want requireTLS (NVSentinel connects with x509 over TLS)");
  }
  const Value* sharding = Lookup(*values, "sharding.enabled");
  if (sharding == nullptr || sharding->if_bool() == nullptr || *sharding->if_bool()) {
    out.findings.push_back(c +
                           ": sharding.enabled must be false; NVSentinel expects a replica "
                           "set");
  }
  const Value* users = values->Find("users");
  const Value* app_user = nullptr;
  if (users != nullptr && users->is_sequence()) {
    for (const Value& u : *users->if_sequence()) {
      if (ResolvedString(u, "db").value == "$external") {
        app_user = &u;
        break;
      }
    }
  }
  if (app_user == nullptr) {
    out.findings.push_back(c +
                           ": users declares no $external user, so NVSentinel's x509 client "
                           "certificate maps to no database user");
  } else {
    const Value* roles = app_user->Find("roles");
    if (!HasRole(roles, "readWrite", "HealthEventsDatabase")) {
      out.findings.push_back(c + ": the $external user lacks readWrite on HealthEventsDatabase");
    }
    if (!HasRole(roles, "nvsentinelTTLIndex", "admin") || !TtlRoleDefined(*values)) {
      out.findings.push_back(c +
                             ": the $external user lacks role nvsentinelTTLIndex (admin), "
                             "defined in roles with collMod on HealthEventsDatabase, which "
                             "NVSentinel needs for its TTL index");
    }
  }
  const DeclaredComponent op = Declared(ctx, kPsmdbOperator);
  if (!op.declared || Disabled(ctx, op.ref, op.name)) {
    out.findings.push_back(c +
                           ": psmdb-operator is not deployed, so nothing reconciles this "
                           "database");
    return out;
  }
  const Value* op_values = EvidenceValues(ctx, op.name, "NVSentinel MongoDB datastore", &out);
  if (op_values == nullptr) {
    return out;
  }
  const Value* watch_all = op_values->Find("watchAllNamespaces");
  if (watch_all != nullptr && watch_all->if_bool() != nullptr && *watch_all->if_bool()) {
    out.findings.push_back(c +
                           ": psmdb-operator watchAllNamespaces is true, want false (it "
                           "would reconcile other teams' MongoDB resources)");
  }
  const Value* telemetry = op_values->Find("disableTelemetry");
  if (telemetry == nullptr || telemetry->if_bool() == nullptr || !*telemetry->if_bool()) {
    out.findings.push_back(c + ": psmdb-operator disableTelemetry is " +
                           (telemetry != nullptr ? telemetry->DebugString() : "unset") +
                           ", want true");
  }
  const StringLeaf op_tag = ResolvedString(*op_values, "image.tag");
  const std::string op_minor = MajorMinor(op_tag.value);
  if (op_minor.empty()) {
    out.findings.push_back(c + ": cannot read psmdb-operator's image.tag " + Quote(op_tag.value) +
                           " as a version, so crVersion and initImage.tag cannot be checked");
    return out;
  }
  const StringLeaf cr = ResolvedString(*values, "crVersion");
  if (MajorMinor(cr.value) != op_minor) {
    out.findings.push_back(c + ": crVersion " + Quote(cr.value) + " does not match the " +
                           op_minor + " psmdb-operator it runs under");
  }
  const StringLeaf init = ResolvedString(*values, "initImage.tag");
  if (MajorMinor(init.value) != op_minor) {
    out.findings.push_back(c + ": initImage.tag " + Quote(init.value) + " does not match the " +
                           op_minor + " psmdb-operator it runs under");
  }
  return out;
}

// ---------------------------------------------------------------------------
// The function table and the runner.

struct NamedCheck {
  std::string_view name;
  CheckFn fn;
};

constexpr NamedCheck kChecks[] = {
    {"CheckAcceleratedSelectorMissing", &CheckAcceleratedSelectorMissing},
    {"CheckDriverOwnershipCoherence", &CheckDriverOwnershipCoherence},
    {"CheckGKETCPXOInterfacesCoherence", &CheckGKETCPXOInterfacesCoherence},
    {"CheckHostMofedWithoutNetworkOperator", &CheckHostMofedWithoutNetworkOperator},
    {"CheckMariaDBOperatorOwnershipCoherence", &CheckMariaDBOperatorOwnershipCoherence},
    {"CheckNVSentinelDriverLabelDetectable", &CheckNVSentinelDriverLabelDetectable},
    {"CheckNVSentinelMongoDBCoherent", &CheckNVSentinelMongoDBCoherent},
    {"CheckNVSentinelNicHealthMonitorRequiresMetadataCollector",
     &CheckNVSentinelNicHealthMonitorRequiresMetadataCollector},
    {"CheckNVSentinelPreflightDCGMReachable", &CheckNVSentinelPreflightDCGMReachable},
    {"CheckNVSentinelPreflightGangSchedulerRequired",
     &CheckNVSentinelPreflightGangSchedulerRequired},
    {"CheckNVSentinelRemediationPipelineCoherent", &CheckNVSentinelRemediationPipelineCoherent},
    {"CheckNVSentinelRuntimeClassCoherence", &CheckNVSentinelRuntimeClassCoherence},
    {"CheckNVSentinelSlurmDrainMonitorRequiresSlinky",
     &CheckNVSentinelSlurmDrainMonitorRequiresSlinky},
    {"CheckNVSentinelTracingEndpointRequired", &CheckNVSentinelTracingEndpointRequired},
    {"CheckWildcardAcceleratedToleration", &CheckWildcardAcceleratedToleration},
    {"CheckWorkloadSelectorMissing", &CheckWorkloadSelectorMissing},
};

CheckFn FindCheck(std::string_view name) {
  for (const NamedCheck& c : kChecks) {
    if (c.name == name) {
      return c.fn;
    }
  }
  return nullptr;
}

struct ValidationSpec {
  std::string function;
  std::string severity;  // lower-cased
  Conditions conditions;
  std::string message;
};

Result<std::string> OptionalString(const Value& entry, std::string_view key,
                                   const std::string& where) {
  const Value* v = entry.Find(key);
  if (v == nullptr || v->is_null()) {
    return std::string();
  }
  if (v->if_string() == nullptr) {
    return InvalidRequestError(where + ": " + std::string(key) + " must be a string");
  }
  return *v->if_string();
}

Result<std::vector<ValidationSpec>> DecodeValidations(const std::string& component,
                                                      const Value& list) {
  const std::string where = "registry component " + Quote(component) + " validations";
  if (!list.is_sequence()) {
    return InvalidRequestError(where + " must be a list");
  }
  std::vector<ValidationSpec> specs;
  for (const Value& entry : *list.if_sequence()) {
    if (!entry.is_mapping()) {
      return InvalidRequestError(where + ": each entry must be a mapping");
    }
    ValidationSpec spec;
    Result<std::string> function = OptionalString(entry, "function", where);
    if (!function.ok()) {
      return function.status();
    }
    if (function->empty()) {
      return InvalidRequestError(where + ": an entry has no function");
    }
    spec.function = std::move(*function);
    Result<std::string> severity = OptionalString(entry, "severity", where);
    if (!severity.ok()) {
      return severity.status();
    }
    spec.severity = std::move(*severity);
    std::transform(spec.severity.begin(), spec.severity.end(), spec.severity.begin(), [](char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    Result<std::string> message = OptionalString(entry, "message", where);
    if (!message.ok()) {
      return message.status();
    }
    spec.message = std::move(*message);
    const Value* conditions = entry.Find("conditions");
    if (conditions != nullptr && !conditions->is_null()) {
      if (!conditions->is_mapping()) {
        return InvalidRequestError(where + ": conditions of " + spec.function +
                                   " must be a mapping");
      }
      for (const auto& [key, values] : *conditions->if_mapping()) {
        std::vector<std::string> options;
        if (values.if_string() != nullptr) {
          options.push_back(*values.if_string());
        } else if (values.is_sequence()) {
          for (const Value& v : *values.if_sequence()) {
            if (v.if_string() == nullptr) {
              return InvalidRequestError(where + ": condition " + key + " of " + spec.function +
                                         " must list strings");
            }
            options.push_back(*v.if_string());
          }
        } else {
          return InvalidRequestError(where + ": condition " + key + " of " + spec.function +
                                     " must be a list of strings");
        }
        spec.conditions.emplace_back(key, std::move(options));
      }
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

std::string WithMessage(const std::string& text, const std::string& message) {
  return message.empty() ? text : text + ". " + message;
}

Status BlockingError(const Status& err, const std::string& message) {
  if (message.empty()) {
    return err;
  }
  return InvalidRequestError(err.message() + ". " + message);
}

}  // namespace

Status RunComponentValidations(const ValidationContext& ctx, ValidationOutcome* outcome) {
  if (ctx.recipe == nullptr) {
    return InternalError("component validations need the recipe");
  }
  if (ctx.registry == nullptr) {
    return InternalError("component validations need the component registry");
  }
  for (const ComponentRef& ref : ctx.recipe->component_refs) {
    if (!IsSelected(ctx, ref.name)) {
      continue;
    }
    const recipe::RegistryComponent* reg = ctx.registry->Find(ref.name);
    if (reg == nullptr) {
      continue;
    }
    const Value* list = reg->raw.Find("validations");
    if (list == nullptr || list->is_null()) {
      continue;
    }
    Result<std::vector<ValidationSpec>> specs = DecodeValidations(ref.name, *list);
    if (!specs.ok()) {
      return specs.status();
    }
    std::optional<Status> first_error;
    auto block = [&](Status s) {
      if (!first_error.has_value()) {
        first_error = std::move(s);
      }
    };
    for (const ValidationSpec& spec : *specs) {
      const CheckFn fn = FindCheck(spec.function);
      if (fn == nullptr) {
        block(InvalidRequestError("unknown validation function " + Quote(spec.function) +
                                  " for component " + Quote(ref.name)));
        continue;
      }
      const CheckOutput result = fn(CheckInput{ctx, ref.name, spec.conditions});
      if (spec.severity == "info") {
        for (const std::string& f : result.findings) {
          log::Info(WithMessage(f, spec.message), {{"component", ref.name}});
        }
        for (const Status& e : result.errors) {
          log::Info(
              "validation check reported an error",
              {{"component", ref.name}, {"function", spec.function}, {"error", e.ToString()}});
        }
        continue;
      }
      for (const std::string& f : result.findings) {
        const std::string text = WithMessage(f, spec.message);
        if (spec.severity == "error") {
          block(InvalidRequestError(text));
        } else if (text.rfind(kWarningPrefix, 0) == 0) {
          outcome->warnings.push_back(text);
        } else {
          outcome->warnings.push_back(std::string(kWarningPrefix) + text);
        }
      }
      for (const Status& e : result.errors) {
        block(BlockingError(e, spec.message));
      }
    }
    if (first_error.has_value()) {
      return *first_error;
    }
  }
  return OkStatus();
}

Result<ValidationOutcome> RunComponentValidations(const ValidationContext& ctx) {
  ValidationOutcome outcome;
  const Status status = RunComponentValidations(ctx, &outcome);
  if (!status.ok()) {
    // The caller only sees the error: surface what was gathered before it.
    for (const std::string& w : outcome.warnings) {
      log::Warn(w);
    }
    return status;
  }
  return outcome;
}

bool IsKnownValidationFunction(std::string_view function) { return FindCheck(function) != nullptr; }

std::vector<std::string> KnownValidationFunctions() {
  std::vector<std::string> names;
  for (const NamedCheck& c : kChecks) {
    names.emplace_back(c.name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace aicr::bundler
