// `aicr validate`: flags and --config into a client::ValidateRequest, the report
// to --output, and the run's outcome into the exit status.

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/status_macros.h"
#include "base/version.h"
#include "cli/commands.h"
#include "cli/flag_config.h"
#include "cli/recipe_flags.h"
#include "client/client.h"
#include "client/config.h"
#include "client/snapshot.h"
#include "client/validate.h"
#include "serialize/output.h"
#include "snapshotter/agent.h"

namespace aicr::cli {
namespace {

struct ParsedFlags {
  client::ValidateRequest req;
  bool fail_on_error = true;
};

Result<ParsedFlags> RequestFromFlags(const CommandContext& ctx) {
  client::ValidateConfig cfg;
  if (ctx.IsSet("config")) {
    AICR_ASSIGN_OR_RETURN(client::AicrConfig file,
                          client::LoadConfig(ctx.GetString("config"), serialize::InputOptions{}));
    AICR_ASSIGN_OR_RETURN(cfg, client::DecodeValidateConfig(file.validate));
  }
  ParsedFlags parsed;
  parsed.fail_on_error = PickBool(ctx, "fail-on-error", cfg.fail_on_error);
  client::ValidateRequest& req = parsed.req;
  req.recipe = Pick(ctx, "recipe", cfg.input_recipe);
  if (req.recipe.empty()) {
    return InvalidRequestError("required flag --recipe not set");
  }
  req.snapshot = Pick(ctx, "snapshot", cfg.input_snapshot);
  req.data_dir = ctx.GetString("data");
  req.kubeconfig = ctx.GetString("kubeconfig");
  req.cancel = ctx.cancel();
  AICR_ASSIGN_OR_RETURN(req.phases, client::ParsePhases(PickList(ctx, "phase", cfg.phases)));
  req.fail_fast = PickBool(ctx, "fail-fast", cfg.fail_fast);
  req.no_cluster = PickBool(ctx, "no-cluster", cfg.no_cluster);
  req.emit_attestation = Pick(ctx, "emit-attestation", cfg.attestation_out);
  req.evidence_full = ctx.GetBool("full");
  if (req.evidence_full && req.emit_attestation.empty()) {
    return InvalidRequestError("--full applies to --emit-attestation only");
  }

  validator::RunConfig& run = req.run;
  run.version = GetBuildInfo().version;
  run.ns = Pick(ctx, "namespace", cfg.ns);
  run.image_pull_secrets = PickList(ctx, "image-pull-secret", cfg.image_pull_secrets);
  run.skip_checks = PickList(ctx, "skip-check", cfg.skip_checks);
  run.no_cleanup = PickBool(ctx, "no-cleanup", cfg.no_cleanup);
  run.fail_fast = req.fail_fast;
  if (ctx.IsSet("node-selector")) {
    AICR_ASSIGN_OR_RETURN(run.workload_node_selector,
                          ParseSelectors(ctx.GetStrings("node-selector")));
  } else if (cfg.node_selector.has_value()) {
    run.workload_node_selector = *cfg.node_selector;
  }
  std::optional<std::vector<snapshotter::Toleration>> tolerations;
  if (ctx.IsSet("toleration")) {
    AICR_ASSIGN_OR_RETURN(tolerations,
                          ParseTolerations(ctx.GetStrings("toleration"), "--toleration"));
  } else if (cfg.tolerations.has_value()) {
    AICR_ASSIGN_OR_RETURN(
        tolerations, ParseTolerations(*cfg.tolerations, "config spec.validate.agent.tolerations"));
  }
  if (tolerations.has_value()) {
    run.workload_tolerations = *tolerations;
  }

  // The live capture's agent (used only without --snapshot).
  client::SnapshotRequest& live = req.live;
  live.mode = client::SnapshotMode::kDeploy;
  live.require_gpu = PickBool(ctx, "require-gpu", cfg.require_gpu);
  live.aks_gpu_pools_path = ctx.GetString("aks-gpu-pools");
  live.oke_addons_path = ctx.GetString("oke-addons");
  live.gke_gpu_pools_path = ctx.GetString("gke-gpu-pools");
  snapshotter::AgentConfig& a = live.agent;
  a.ns = run.ns;
  a.image = Pick(ctx, "image", cfg.image);
  a.image_pull_secrets = run.image_pull_secrets;
  a.job_name = Pick(ctx, "job-name", cfg.job_name);
  a.service_account_name = Pick(ctx, "service-account-name", cfg.service_account_name);
  a.service_account_name_set =
      ctx.IsSet("service-account-name") || !cfg.service_account_name.empty();
  if (ctx.IsSet("node-selector") || cfg.node_selector.has_value()) {
    a.node_selector = run.workload_node_selector;
  }
  a.tolerations = tolerations;
  if (ctx.IsSet("timeout") || cfg.timeout.empty()) {
    a.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(ctx.GetDuration("timeout"));
  } else {
    Result<std::chrono::nanoseconds> d = ParseDuration(cfg.timeout);
    if (!d.ok()) {
      return d.status().WithContext("config spec.validate.execution.timeout");
    }
    a.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
  }
  a.no_cleanup = run.no_cleanup;
  if (ctx.HasFlag("debug")) {
    a.debug = ctx.GetBool("debug");
    a.log_json = ctx.HasFlag("log-json") && ctx.GetBool("log-json");
  }
  if (req.no_cluster) {
    for (const char* flag : {"aks-gpu-pools", "oke-addons", "gke-gpu-pools"}) {
      if (ctx.IsSet(flag) && !ctx.GetString(flag).empty()) {
        return InvalidRequestError(std::string("--") + flag +
                                   " applies to a live capture only, not with --no-cluster");
      }
    }
  }
  if (!req.snapshot.empty()) {
    for (const char* flag : {"aks-gpu-pools", "oke-addons", "gke-gpu-pools"}) {
      if (ctx.IsSet(flag) && !ctx.GetString(flag).empty()) {
        return InvalidRequestError(std::string("--") + flag +
                                   " applies to a live capture only, not with --snapshot");
      }
    }
  }
  return parsed;
}

Status RunValidate(CommandContext& ctx) {
  AICR_ASSIGN_OR_RETURN(ParsedFlags parsed, RequestFromFlags(ctx));
  client::ValidateRequest& req = parsed.req;
  const bool fail_on_error = parsed.fail_on_error;
  const std::string format = ctx.GetString("format");
  const std::string output = ctx.GetString("output");
  if (format != "json" && output.rfind("cm://", 0) == 0) {
    return InvalidRequestError("--format " + format +
                               " cannot be written to a ConfigMap; use -t json for cm:// outputs");
  }
  const bool tty = &ctx.err() == &std::cerr && isatty(STDERR_FILENO) == 1;
  req.progress = tty ? &ctx.err() : nullptr;
  req.progress_is_tty = tty;
  req.live.agent_log = &ctx.err();

  client::Client cli(ClientOptions(ctx));
  AICR_ASSIGN_OR_RETURN(client::ValidateResult result, client::Validate(cli, req));
  AICR_ASSIGN_OR_RETURN(std::string bytes, client::RenderValidateReport(result.report, format));
  serialize::OutputOptions out;
  out.kind = "ValidationResult";
  out.format = "json";
  out.version = GetBuildInfo().version;
  out.cancel = ctx.cancel();
  out.stdout_stream = &ctx.out();
  out.configmaps = cli.configmaps();
  AICR_RETURN_IF_ERROR(serialize::WriteOutput(output, bytes, out));

  const auto& s = result.report.summary;
  log::Info("validation complete", {{"tests", std::to_string(s.tests)},
                                    {"passed", std::to_string(s.passed)},
                                    {"failed", std::to_string(s.failed)},
                                    {"skipped", std::to_string(s.skipped)},
                                    {"other", std::to_string(s.other)}});
  if (result.failing > 0 && fail_on_error) {
    return InternalError("validation failed: " + std::to_string(result.failing) +
                         " check(s) failed or did not complete");
  }
  return OkStatus();
}

FlagSpec Flag(FlagSpec spec) { return spec; }

}  // namespace

CommandSpec ValidateCommand() {
  std::vector<FlagSpec> flags = {
      Flag({.name = "recipe",
            .shorts = {'r'},
            .usage = "recipe to validate: a file, http(s) URL or cm://namespace/name (required, "
                     "or spec.validate.input.recipe)",
            .value_name = "SOURCE"}),
      Flag({.name = "snapshot",
            .shorts = {'s'},
            .usage = "snapshot: a file, http(s) URL or cm://namespace/name (default: capture one "
                     "live with the snapshot agent)",
            .value_name = "SOURCE"}),
      Flag({.name = "config",
            .usage = "AICRConfig file or URL (spec.validate); flags win",
            .value_name = "SOURCE"}),
      Flag({.name = "phase",
            .type = FlagType::kStringList,
            .usage = "phase to run (repeatable; default all)",
            .values = {"all", "conformance", "deployment", "performance"}}),
      Flag({.name = "skip-check",
            .type = FlagType::kStringList,
            .usage = "check reported as skipped without running (repeatable)",
            .value_name = "NAME"}),
      Flag({.name = "fail-on-error",
            .type = FlagType::kBool,
            .default_value = "true",
            .usage = "exit 8 when a check failed or did not complete"}),
      Flag({.name = "fail-fast",
            .type = FlagType::kBool,
            .usage = "stop after the first failing phase; later phases are reported as skipped"}),
      Flag({.name = "output",
            .shorts = {'o'},
            .usage = "report target: a file, cm://namespace/name (json only), or - for stdout",
            .value_name = "TARGET"}),
      Flag({.name = "format",
            .shorts = {'t'},
            .default_value = "json",
            .usage = "report format: json (CTRF), markdown or html",
            .values = {"html", "json", "markdown"}}),
      Flag({.name = "kubeconfig",
            .shorts = {'k'},
            .usage = "kubeconfig for every Kubernetes operation (default: KUBECONFIG, "
                     "in-cluster, ~/.kube/config)",
            .value_name = "FILE"}),
      Flag({.name = "namespace",
            .shorts = {'n'},
            .default_value = "aicr-validation",
            .env = "AICR_NAMESPACE",
            .usage = "namespace of the validator Jobs and the snapshot agent",
            .value_name = "NAMESPACE"}),
      Flag({.name = "image",
            .env = "AICR_VALIDATOR_IMAGE",
            .usage = "snapshot agent image for a live capture (default matches this version)",
            .value_name = "IMAGE"}),
      Flag({.name = "image-pull-secret",
            .type = FlagType::kStringList,
            .usage = "image pull secret of the agent and validator pods (repeatable)",
            .value_name = "NAME"}),
      Flag({.name = "job-name",
            .default_value = "aicr-validate",
            .usage = "prefix of the live snapshot agent Job name",
            .value_name = "PREFIX"}),
      Flag({.name = "service-account-name",
            .default_value = "aicr",
            .usage = "live snapshot agent service account (used as is when it exists)",
            .value_name = "NAME"}),
      Flag({.name = "node-selector",
            .type = FlagType::kStringList,
            .usage = "node selector of the live agent and of the workloads checks create "
                     "(repeatable)",
            .value_name = "KEY=VALUE"}),
      Flag({.name = "toleration",
            .type = FlagType::kStringList,
            .usage = "toleration of the live agent and of the workloads checks create "
                     "(repeatable)",
            .value_name = "KEY=VALUE:EFFECT"}),
      Flag({.name = "timeout",
            .type = FlagType::kDuration,
            .default_value = "5m",
            .usage = "how long to wait for the live snapshot agent"}),
      Flag({.name = "no-cleanup",
            .type = FlagType::kBool,
            .usage = "keep the Jobs, ConfigMaps and RBAC the run created"}),
      Flag({.name = "require-gpu",
            .type = FlagType::kBool,
            .env = "AICR_REQUIRE_GPU",
            .usage = "request nvidia.com/gpu for the live snapshot agent"}),
      Flag({.name = "no-cluster",
            .type = FlagType::kBool,
            .usage = "dry run without any cluster contact: checks are reported as skipped "
                     "(needs --snapshot)"}),
      Flag({.name = "data",
            .usage = "external data directory layered over the embedded catalogue",
            .value_name = "DIR"}),
      Flag({.name = "emit-attestation",
            .usage = "write a recipe evidence bundle (summary-bundle/ and pointer.yaml) to "
                     "this new or empty directory (or spec.validate.evidence.attestation.out)",
            .value_name = "DIR"}),
      Flag({.name = "full",
            .type = FlagType::kBool,
            .usage = "evidence carries the raw snapshot and CTRF reports (no redaction)"}),
      Flag({.name = "aks-gpu-pools",
            .env = "AICR_AKS_GPU_POOLS_PATH",
            .usage = "`az aks nodepool list -o json` dump for a live capture",
            .value_name = "FILE"}),
      Flag({.name = "oke-addons",
            .env = "AICR_OKE_ADDONS_PATH",
            .usage = "`oci ce cluster list-addons --all --output json` dump for a live capture",
            .value_name = "FILE"}),
      Flag({.name = "gke-gpu-pools",
            .env = "AICR_GKE_GPU_POOLS_PATH",
            .usage = "`gcloud container node-pools list --format=json` dump for a live capture",
            .value_name = "FILE"}),
  };
  return CommandSpec{
      .name = "validate",
      .summary = "validate a cluster against a recipe and write a CTRF report",
      .description =
          "Checks a cluster against a recipe in phases. Readiness runs first, inline: the\n"
          "recipe's constraints are evaluated against the snapshot and any failure exits 2.\n"
          "Every check the recipe declares must match one validator of its phase (else\n"
          "exit 2). The deployment, performance and conformance phases then run their\n"
          "validator Jobs in the cluster, and the results are written as one CTRF report\n"
          "(or markdown, html). Without --snapshot a snapshot is captured live first.\n"
          "With --no-cluster nothing contacts a cluster and every check is reported as\n"
          "skipped. Exit 8 when a check failed (with --fail-on-error), 5 on timeout.\n"
          "With --emit-attestation DIR the run is also recorded as recipe evidence:\n"
          "DIR/summary-bundle/ (in-toto statement, canonical recipe, redacted snapshot,\n"
          "CycloneDX BOM, CTRF per phase, manifest.json) and DIR/pointer.yaml; sign it\n"
          "with `aicr evidence publish` and check it with `aicr evidence verify`.\n"
          "\n"
          "    aicr validate -r recipe.yaml -s snapshot.yaml --no-cluster\n"
          "    aicr validate -r recipe.yaml -s snapshot.yaml --phase deployment -o report.json\n"
          "    aicr validate -r recipe.yaml -s snapshot.yaml --emit-attestation ./evidence\n",
      .flags = std::move(flags),
      .handler = RunValidate,
  };
}

}  // namespace aicr::cli
