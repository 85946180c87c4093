// NVSentinel checks against the GPU Operator and its own values: the driver
// label, the metadata-collector RuntimeClass, tracing, the preflight DCGM and
// gang-scheduler dependencies, and the nic-health-monitor and slurm-drain-monitor
// subchart dependencies. The remediation pipeline and its datastore are in
// checks_nvsentinel_remediation.cc.

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "base/strings.h"
#include "bundler/checks.h"
#include "bundler/validation_support.h"

namespace aicr::bundler::validation {

using recipe::RecipeResult;
using serialize::Value;

namespace {

constexpr std::string_view kLabelerRemedyPath = "labeler.assumeDriverInstalled";
constexpr std::string_view kCollectorRuntimeClassPath = "metadata-collector.runtimeClassName";
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

// GKE COS with gpuStack=bundle-installer ships a driver DaemonSet the labeler sees.
bool LabelerObservesDriverPod(const RecipeResult& r) {
  if (CriteriaValue(r, recipe::Dimension::kService) != "gke" ||
      CriteriaValue(r, recipe::Dimension::kOs) != "cos") {
    return false;
  }
  const auto& p = r.metadata.selected_profile;
  return p.has_value() && p->name == "gpuStack" && p->value == "bundle-installer";
}

}  // namespace

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

namespace {

bool TracingEnabled(const Value& values) {
  return HelmTruthy(Lookup(values, "global.tracing.enabled"));
}

}  // namespace

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

namespace {

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

}  // namespace

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

namespace {

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

}  // namespace

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
// NVSentinel subchart dependencies.

namespace {

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

}  // namespace

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

namespace {

constexpr std::string_view kSlinkySlurm = "slinky-slurm";
constexpr std::string_view kDrainMonitorEnabledPath = "global.slurmDrainMonitor.enabled";
constexpr std::string_view kDrainMonitorNamespacePath = "slurm-drain-monitor.namespace";
// The chart's default watched namespace (and Slinky's default deployment one).
constexpr std::string_view kDefaultSlurmNamespace = "slurm";

}  // namespace

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

}  // namespace aicr::bundler::validation
