// NVSentinel's graded remediation pipeline (fault-quarantine -> node-drainer ->
// fault-remediation -> janitor, with the GPU reset Job) and its nvsentinel-mongodb
// datastore.

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "base/strings.h"
#include "bundler/checks.h"
#include "bundler/validation_support.h"

namespace aicr::bundler::validation {

using recipe::ComponentRef;
using serialize::Value;

namespace {

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

}  // namespace

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

namespace {

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

}  // namespace

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

}  // namespace aicr::bundler::validation
