// Client-side `aicr validate`: inputs, readiness gate, check resolution, the
// no-cluster dry run and the hand-off to the validator Jobs.

#include "client/validate.h"

#include <algorithm>
#include <set>
#include <utility>

#include "base/log.h"
#include "base/status_macros.h"
#include "client/config_fields.h"
#include "client/recipe_input.h"
#include "client/snapshot_loader.h"
#include "constraints/snapshot_eval.h"
#include "evidence/builder.h"
#include "evidence/canonical.h"
#include "evidence/writer.h"
#include "k8s/in_cluster.h"
#include "recipe/result.h"
#include "serialize/input.h"
#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"
#include "validator/report_html.h"
#include "validator/report_markdown.h"

namespace aicr::client {
namespace {

using serialize::Value;

Result<LoadedRecipe> LoadRecipe(const Client& client, const ValidateRequest& request) {
  RecipeInputRequest in;
  in.source = request.recipe;
  in.data_dir = request.data_dir;
  in.cancel = request.cancel;
  return LoadRecipeInput(client, in);
}

Result<std::shared_ptr<const k8s::Client>> ConnectCluster(const ValidateRequest& request) {
  if (request.cluster != nullptr) {
    return request.cluster;
  }
  k8s::ResolveOptions resolve;
  resolve.explicit_kubeconfig = request.kubeconfig;
  resolve.env = request.env;
  AICR_ASSIGN_OR_RETURN(const k8s::RestConfig config, k8s::ResolveRestConfig(resolve));
  AICR_ASSIGN_OR_RETURN(k8s::Client c, k8s::Client::Connect(config));
  return std::shared_ptr<const k8s::Client>(std::make_shared<const k8s::Client>(std::move(c)));
}

// A skip list must name catalogue validators and must not empty a selected phase
// that declares checks (a phase running nothing would still look green). A known
// name no selected phase declares only warns. Every problem is reported at once.
Status PreflightSkipChecks(const validator::ValidatorCatalog& catalog,
                           const std::vector<validator::PhasePlan>& plan,
                           const std::vector<std::string>& skip_checks) {
  if (skip_checks.empty()) {
    return OkStatus();
  }
  const std::set<std::string> skipped(skip_checks.begin(), skip_checks.end());
  std::vector<std::string> problems;
  for (const std::string& name : skip_checks) {
    if (catalog.Find(name) == nullptr) {
      problems.push_back("--skip-check \"" + name + "\" matches no validator in the catalog");
    }
  }
  std::set<std::string> acted;
  for (const validator::PhasePlan& p : plan) {
    std::size_t kept = 0;
    for (const validator::ValidatorEntry& e : p.entries) {
      if (skipped.count(e.name) > 0) {
        acted.insert(e.name);
      } else {
        ++kept;
      }
    }
    if (!p.entries.empty() && kept == 0) {
      problems.push_back("--skip-check removes every declared check from phase " +
                         std::string(validator::PhaseName(p.phase)) +
                         "; drop the phase from --phase instead");
    }
  }
  for (const std::string& name : skipped) {
    if (catalog.Find(name) != nullptr && acted.count(name) == 0) {
      log::Warn("--skip-check has no effect on this run: no selected phase declares it",
                {{"check", name}});
    }
  }
  if (problems.empty()) {
    return OkStatus();
  }
  std::string msg = "invalid skip checks:";
  for (const std::string& p : problems) {
    msg += "\n  - " + p;
  }
  return InvalidRequestError(msg);
}

// Logs a warning when the recipe, the snapshot and this binary report different
// versions (an unset version is not compared).
void WarnVersionSkew(const std::string& recipe_version, const measurement::Snapshot& snapshot,
                     const std::string& cli_version) {
  auto it = snapshot.metadata.find("version");
  const std::string snapshot_version = it == snapshot.metadata.end() ? "" : it->second;
  std::set<std::string> versions;
  for (const std::string* v : {&recipe_version, &snapshot_version, &cli_version}) {
    if (!v->empty()) {
      versions.insert(*v);
    }
  }
  if (versions.size() > 1) {
    log::Warn("version skew between recipe, snapshot and aicr",
              {{"recipe", recipe_version}, {"snapshot", snapshot_version}, {"aicr", cli_version}});
  }
}

std::string PhaseList() {
  std::string out;
  for (validator::Phase p : validator::kPhases) {
    out += std::string(validator::PhaseName(p)) + ", ";
  }
  return out + "all";
}

}  // namespace

std::string_view ReadinessStatusName(ReadinessStatus status) {
  switch (status) {
    case ReadinessStatus::kPassed:
      return "passed";
    case ReadinessStatus::kFailed:
      return "failed";
    case ReadinessStatus::kSkipped:
      break;
  }
  return "skipped";
}

std::vector<ReadinessOutcome> EvaluateReadiness(const std::vector<recipe::Constraint>& constraints,
                                                const measurement::Snapshot& snapshot) {
  std::vector<ReadinessOutcome> out;
  out.reserve(constraints.size());
  for (const recipe::Constraint& c : constraints) {
    ReadinessOutcome o;
    o.name = c.name;
    o.expected = c.value;
    const constraints::EvalResult r = constraints::EvaluateConstraint(snapshot, c.name, c.value);
    o.actual = r.actual;
    if (!r.ok()) {
      o.status = ReadinessStatus::kSkipped;
      o.message = r.error.code() == ErrorCode::kNotFound ? "reading not found in snapshot"
                                                         : "cannot evaluate: " + r.error.message();
    } else if (r.passed) {
      o.status = ReadinessStatus::kPassed;
    } else {
      o.status = ReadinessStatus::kFailed;
      o.message = "expected " + c.value + ", got " + r.actual;
    }
    out.push_back(std::move(o));
  }
  return out;
}

Status ReadinessGate(const std::vector<ReadinessOutcome>& outcomes) {
  std::string lines;
  for (const ReadinessOutcome& o : outcomes) {
    if (o.status == ReadinessStatus::kFailed) {
      lines += "\n  " + o.name + ": " + o.message;
    }
  }
  if (lines.empty()) {
    return OkStatus();
  }
  return InvalidRequestError("readiness check failed:" + lines);
}

Result<std::vector<validator::Phase>> ParsePhases(const std::vector<std::string>& values) {
  std::set<int> chosen;
  bool all = values.empty();
  for (const std::string& v : values) {
    if (v == "all") {
      all = true;
      continue;
    }
    std::optional<validator::Phase> p = validator::ParsePhase(v);
    if (!p.has_value()) {
      return InvalidRequestError("invalid --phase \"" + v + "\", must be one of: " + PhaseList());
    }
    chosen.insert(static_cast<int>(*p));
  }
  std::vector<validator::Phase> out;
  for (validator::Phase p : validator::kPhases) {
    if (all || chosen.count(static_cast<int>(p)) > 0) {
      out.push_back(p);
    }
  }
  return out;
}

Result<ValidateResult> Validate(const Client& client, const ValidateRequest& request) {
  if (request.no_cluster && request.snapshot.empty()) {
    return InvalidRequestError("--no-cluster requires --snapshot (a live capture needs a cluster)");
  }
  if (!request.emit_attestation.empty()) {
    AICR_RETURN_IF_ERROR(evidence::CheckOutputDir(request.emit_attestation));
  }
  const Clock& clock = request.clock != nullptr ? *request.clock : Clock::Real();
  AICR_ASSIGN_OR_RETURN(LoadedRecipe recipe, LoadRecipe(client, request));

  // The catalogue and the check resolution come before any cluster work.
  AICR_ASSIGN_OR_RETURN(const catalog::DataProvider* provider, client.Provider(request.data_dir));
  validator::LoadOptions load;
  load.cli_version = request.run.version;
  load.env = request.env;
  AICR_ASSIGN_OR_RETURN(validator::ValidatorCatalog catalog,
                        validator::LoadCatalog(*provider, load));
  std::vector<validator::Phase> phases = request.phases;
  if (phases.empty()) {
    phases.assign(validator::kPhases.begin(), validator::kPhases.end());
  }
  std::sort(phases.begin(), phases.end());
  phases.erase(std::unique(phases.begin(), phases.end()), phases.end());
  ValidateResult result;
  const recipe::ValidationConfig validation =
      recipe.result.validation.value_or(recipe::ValidationConfig{});
  for (validator::Phase phase : phases) {
    AICR_ASSIGN_OR_RETURN(
        std::vector<validator::ValidatorEntry> entries,
        validator::ResolveChecks(catalog, phase, validator::DeclaredChecks(validation, phase)));
    result.plan.push_back(validator::PhasePlan{phase, std::move(entries)});
  }
  AICR_RETURN_IF_ERROR(PreflightSkipChecks(catalog, result.plan, request.run.skip_checks));
  std::map<std::string, std::string> component_namespaces;
  for (const recipe::ComponentRef& ref : recipe.result.component_refs) {
    if (ref.IsEnabled()) {
      component_namespaces[ref.name] = ref.namespace_;
    }
  }
  std::vector<std::string> affinity_warnings;
  AICR_RETURN_IF_ERROR(
      validator::CheckDependencyAffinities(result.plan, component_namespaces, &affinity_warnings));
  for (const std::string& w : affinity_warnings) {
    log::Warn(w);
  }

  // The snapshot: given, or captured live with the agent.
  measurement::Snapshot snapshot;
  std::string snapshot_yaml;
  if (!request.snapshot.empty()) {
    AICR_ASSIGN_OR_RETURN(snapshot,
                          LoadSnapshot(request.snapshot, client.configmaps(), request.cancel));
    AICR_ASSIGN_OR_RETURN(snapshot_yaml, RenderSnapshot(snapshot, "yaml"));
  } else {
    SnapshotRequest live = request.live;
    live.mode = SnapshotMode::kDeploy;
    live.output.clear();
    live.format = "yaml";
    live.kubeconfig = request.kubeconfig;
    live.cancel = request.cancel;
    live.progress = request.progress;
    live.progress_is_tty = request.progress_is_tty;
    if (request.env) {
      live.env = request.env;
    }
    log::Info("no --snapshot given, capturing one with the snapshot agent",
              {{"namespace", live.agent.ns}});
    AICR_ASSIGN_OR_RETURN(SnapshotResult captured, TakeSnapshot(client, live));
    snapshot = std::move(captured.snapshot);
    snapshot_yaml = std::move(captured.document);
    result.run_id = captured.run_id;
  }

  WarnVersionSkew(recipe.result.metadata.version, snapshot, request.run.version);

  // Readiness gate: inline, before any validator Job.
  result.readiness = EvaluateReadiness(recipe.result.constraints, snapshot);
  for (const ReadinessOutcome& o : result.readiness) {
    std::vector<std::pair<std::string, std::string>> fields = {
        {"constraint", o.name},
        {"expected", o.expected},
        {"status", std::string(ReadinessStatusName(o.status))}};
    if (!o.actual.empty()) {
      fields.emplace_back("actual", o.actual);
    }
    if (o.status == ReadinessStatus::kSkipped) {
      fields.emplace_back("reason", o.message);
      log::Warn("readiness constraint skipped", fields);
    } else {
      log::Info("readiness constraint " + std::string(ReadinessStatusName(o.status)), fields);
    }
  }
  AICR_RETURN_IF_ERROR(ReadinessGate(result.readiness));

  std::vector<validator::ctrf::Report> reports;
  if (request.no_cluster) {
    for (const validator::PhasePlan& p : result.plan) {
      validator::ctrf::Builder builder(std::string(validator::ctrf::kToolName), request.run.version,
                                       clock);
      for (const validator::ValidatorEntry& e : p.entries) {
        builder.AddSkipped(e.name, validator::PhaseName(p.phase),
                           validator::ctrf::kSkippedNoCluster);
      }
      reports.push_back(builder.Build());
      result.phase_reports.emplace_back(p.phase, reports.back());
    }
  } else {
    AICR_ASSIGN_OR_RETURN(std::shared_ptr<const k8s::Client> cluster, ConnectCluster(request));
    validator::RunConfig config = request.run;
    config.fail_fast = request.fail_fast;
    config.component_namespaces = std::move(component_namespaces);
    validator::RunInputs inputs;
    inputs.recipe_yaml = recipe.yaml;
    inputs.snapshot_yaml = snapshot_yaml;
    inputs.phases = result.plan;
    inputs.run_id = result.run_id;
    validator::RunIo io;
    io.progress = request.progress;
    io.progress_is_tty = request.progress_is_tty;
    io.cancel = request.cancel;
    io.clock = request.clock;
    const ValidatorRunner runner =
        request.runner ? request.runner : ValidatorRunner(validator::RunValidators);
    AICR_ASSIGN_OR_RETURN(std::vector<validator::PhaseOutcome> outcomes,
                          runner(cluster, config, inputs, io));
    for (validator::PhaseOutcome& o : outcomes) {
      log::Info(
          "validation phase complete",
          {{"phase", std::string(validator::PhaseName(o.phase))},
           {"status",
            std::string(validator::ctrf::StatusName(validator::ctrf::PhaseStatus(o.report)))}});
      result.phase_reports.emplace_back(o.phase, o.report);
      reports.push_back(std::move(o.report));
    }
  }
  result.report = validator::ctrf::MergeReports(validator::ctrf::kToolName, request.run.version,
                                                reports, clock);
  for (const validator::ctrf::TestResult& t : result.report.tests) {
    if (validator::ctrf::IsFailingStatus(t.status)) {
      ++result.failing;
    }
  }
  if (!request.emit_attestation.empty()) {
    evidence::EvidenceInputs in;
    in.recipe_yaml = recipe.yaml;
    in.recipe = recipe.result;
    in.snapshot = snapshot;
    in.phase_reports = result.phase_reports;
    in.aicr_version = request.run.version;
    in.catalog_version = catalog.metadata.version;
    in.validator_images = evidence::ImagesOf(result.plan);
    in.attested_at = clock.Now();
    in.full = request.evidence_full;
    AICR_ASSIGN_OR_RETURN(const evidence::EvidenceBundle bundle, evidence::BuildEvidence(in));
    AICR_RETURN_IF_ERROR(evidence::WriteEvidenceDir(request.emit_attestation, bundle));
    result.evidence_recipe = bundle.recipe_name;
    result.evidence_digest = bundle.subject_digest;
    log::Info("recipe evidence written", {{"dir", request.emit_attestation},
                                          {"recipe", bundle.recipe_name},
                                          {"digest", "sha256:" + bundle.subject_digest}});
  }
  return result;
}

Result<std::string> RenderValidateReport(const validator::ctrf::Report& report,
                                         std::string_view format) {
  if (format == "json" || format.empty()) {
    return validator::ctrf::WriteReportJson(report);
  }
  if (format == "markdown") {
    return validator::RenderMarkdownReport(report);
  }
  if (format == "html") {
    return validator::RenderHtmlReport(report);
  }
  return InvalidRequestError("invalid --format \"" + std::string(format) +
                             "\", must be one of: json, markdown, html");
}

// ---- spec.validate -------------------------------------------------------------

namespace {

constexpr char kRoot[] = "spec.validate";

using config_fields::StringMap;

const Value& Section(const Value& parent, const char* key) {
  static const Value kNull;
  const Value* v = parent.Find(key);
  return v == nullptr ? kNull : *v;
}

}  // namespace

Result<ValidateConfig> DecodeValidateConfig(const serialize::Value& section) {
  using config_fields::Bool;
  using config_fields::CheckKeys;
  using config_fields::List;
  using config_fields::Text;
  ValidateConfig cfg;
  if (section.is_null()) {
    return cfg;
  }
  const std::string root = kRoot;
  AICR_RETURN_IF_ERROR(CheckKeys(section, root, {"input", "agent", "execution", "evidence"}));
  if (const Value& input = Section(section, "input"); !input.is_null()) {
    AICR_RETURN_IF_ERROR(CheckKeys(input, root + ".input", {"recipe", "snapshot"}));
    AICR_ASSIGN_OR_RETURN(cfg.input_recipe, Text(input, "recipe", root + ".input"));
    AICR_ASSIGN_OR_RETURN(cfg.input_snapshot, Text(input, "snapshot", root + ".input"));
  }
  if (const Value& agent = Section(section, "agent"); !agent.is_null()) {
    const std::string p = root + ".agent";
    AICR_RETURN_IF_ERROR(
        CheckKeys(agent, p,
                  {"namespace", "image", "imagePullSecrets", "jobName", "serviceAccountName",
                   "nodeSelector", "tolerations", "requireGpu"}));
    AICR_ASSIGN_OR_RETURN(cfg.ns, Text(agent, "namespace", p));
    AICR_ASSIGN_OR_RETURN(cfg.image, Text(agent, "image", p));
    AICR_ASSIGN_OR_RETURN(cfg.image_pull_secrets, List(agent, "imagePullSecrets", p));
    AICR_ASSIGN_OR_RETURN(cfg.job_name, Text(agent, "jobName", p));
    AICR_ASSIGN_OR_RETURN(cfg.service_account_name, Text(agent, "serviceAccountName", p));
    AICR_ASSIGN_OR_RETURN(cfg.node_selector, StringMap(agent, "nodeSelector", p));
    AICR_ASSIGN_OR_RETURN(cfg.tolerations, List(agent, "tolerations", p));
    AICR_ASSIGN_OR_RETURN(cfg.require_gpu, Bool(agent, "requireGpu", p));
  }
  if (const Value& exec = Section(section, "execution"); !exec.is_null()) {
    const std::string p = root + ".execution";
    AICR_RETURN_IF_ERROR(CheckKeys(
        exec, p,
        {"phases", "skipChecks", "failOnError", "failFast", "noCluster", "noCleanup", "timeout"}));
    AICR_ASSIGN_OR_RETURN(cfg.phases, List(exec, "phases", p));
    AICR_ASSIGN_OR_RETURN(cfg.skip_checks, List(exec, "skipChecks", p));
    AICR_ASSIGN_OR_RETURN(cfg.fail_on_error, Bool(exec, "failOnError", p));
    AICR_ASSIGN_OR_RETURN(cfg.fail_fast, Bool(exec, "failFast", p));
    AICR_ASSIGN_OR_RETURN(cfg.no_cluster, Bool(exec, "noCluster", p));
    AICR_ASSIGN_OR_RETURN(cfg.no_cleanup, Bool(exec, "noCleanup", p));
    AICR_ASSIGN_OR_RETURN(cfg.timeout, Text(exec, "timeout", p));
  }
  if (const Value& evidence = Section(section, "evidence"); !evidence.is_null()) {
    const std::string p = root + ".evidence";
    AICR_RETURN_IF_ERROR(CheckKeys(evidence, p, {"cncf", "attestation"}));
    if (!Section(evidence, "cncf").is_null()) {
      return InvalidRequestError("config " + p +
                                 ".cncf: CNCF conformance evidence is not supported yet");
    }
    if (const Value& att = Section(evidence, "attestation"); !att.is_null()) {
      const std::string ap = p + ".attestation";
      AICR_RETURN_IF_ERROR(CheckKeys(att, ap, {"out", "bom", "push", "plainHTTP", "insecureTLS"}));
      for (const char* key : {"bom", "push", "plainHTTP", "insecureTLS"}) {
        if (!Section(att, key).is_null()) {
          return InvalidRequestError("config " + ap + "." + key +
                                     " is not supported yet; push with aicr evidence publish");
        }
      }
      AICR_ASSIGN_OR_RETURN(cfg.attestation_out, Text(att, "out", ap));
    }
  }
  return cfg;
}

}  // namespace aicr::client
