// GPU driver ownership (GPU Operator vs platform driver, DRA driver root), and
// the recorded-recipe-configuration checks: Slurm accounting (MariaDB Operator)
// and GKE TCPXO interfaces.

#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/strings.h"
#include "bundler/checks.h"
#include "bundler/validation_support.h"

namespace aicr::bundler::validation {

using recipe::ComponentRef;
using recipe::RecipeResult;
using serialize::Value;

// ---------------------------------------------------------------------------
// GPU driver ownership.

namespace {

constexpr std::string_view kGcpDriverInstaller = "gcp-driver-installer";

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

}  // namespace

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

namespace {

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

}  // namespace

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

}  // namespace aicr::bundler::validation
