#include <unistd.h>

#include <chrono>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/env.h"
#include "base/log.h"
#include "base/status_macros.h"
#include "cli/commands.h"
#include "cli/flag_config.h"
#include "cli/recipe_flags.h"
#include "client/client.h"
#include "client/config.h"
#include "client/snapshot.h"
#include "serialize/input.h"
#include "snapshotter/agent.h"

namespace aicr::cli {
namespace {

constexpr char kAgentModeEnv[] = "AICR_AGENT_MODE";

// Flags of features this build does not have: rejected when used, never ignored.
struct Unsupported {
  const char* flag;
  const char* why;
  bool boolean = false;
};
constexpr Unsupported kUnsupported[] = {
    {"cluster-config", "NetworkTopology from a cluster-config file"},
    {"discover-network", "live network discovery", true},
};

Status RejectUnsupported(const CommandContext& ctx) {
  for (const Unsupported& u : kUnsupported) {
    if (!ctx.IsSet(u.flag)) {
      continue;
    }
    const bool used = u.boolean ? ctx.GetBool(u.flag) : !ctx.GetString(u.flag).empty();
    if (used) {
      return InvalidRequestError(std::string("--") + u.flag + " is not supported by this build (" +
                                 u.why + " is not implemented); remove the flag" +
                                 " or its environment variable");
    }
  }
  return OkStatus();
}

Result<std::optional<std::map<std::string, std::string>>> Resources(
    const CommandContext& ctx, const char* flag,
    const std::optional<std::map<std::string, std::string>>& config) {
  if (!ctx.IsSet(flag)) {
    return config;
  }
  Result<std::map<std::string, std::string>> parsed =
      snapshotter::ParseResourceList(ctx.GetString(flag));
  if (!parsed.ok()) {
    return parsed.status().WithContext(std::string("--") + flag);
  }
  return std::optional<std::map<std::string, std::string>>(std::move(parsed).value());
}

Result<client::SnapshotRequest> RequestFromFlags(const CommandContext& ctx, const EnvLookup& env) {
  AICR_RETURN_IF_ERROR(RejectUnsupported(ctx));
  client::SnapshotConfig cfg;
  if (ctx.IsSet("config")) {
    AICR_ASSIGN_OR_RETURN(client::AicrConfig file,
                          client::LoadConfig(ctx.GetString("config"), serialize::InputOptions{}));
    AICR_ASSIGN_OR_RETURN(cfg, client::DecodeSnapshotConfig(file.snapshot));
  }
  client::SnapshotRequest req;
  const bool agent_mode = log::EnvTruthy(env(kAgentModeEnv).value_or(""));
  req.mode = agent_mode             ? client::SnapshotMode::kAgent
             : ctx.GetBool("local") ? client::SnapshotMode::kLocal
                                    : client::SnapshotMode::kDeploy;
  req.output = Pick(ctx, "output", cfg.output_path);
  req.format = Pick(ctx, "format", cfg.output_format);
  req.template_path = Pick(ctx, "template", cfg.output_template);
  req.kubeconfig = ctx.GetString("kubeconfig");
  req.aks_gpu_pools_path = ctx.GetString("aks-gpu-pools");
  req.oke_addons_path = ctx.GetString("oke-addons");
  req.gke_gpu_pools_path = ctx.GetString("gke-gpu-pools");
  req.cancel = ctx.cancel();
  req.env = env;
  req.os = Pick(ctx, "os", cfg.os);
  req.require_gpu =
      ctx.IsSet("require-gpu") ? ctx.GetBool("require-gpu") : cfg.require_gpu.value_or(false);
  if (ctx.IsSet("max-nodes-per-entry")) {
    const std::int64_t n = ctx.GetInt("max-nodes-per-entry");
    if (n < 0 || n > 1'000'000) {
      return InvalidRequestError("--max-nodes-per-entry must be between 0 and 1000000");
    }
    req.max_nodes_per_entry = static_cast<int>(n);
  } else {
    req.max_nodes_per_entry = cfg.max_nodes_per_entry.value_or(0);
  }

  snapshotter::AgentConfig& a = req.agent;
  a.ns = Pick(ctx, "namespace", cfg.ns);
  a.image = Pick(ctx, "image", cfg.image);
  a.image_pull_secrets = ctx.IsSet("image-pull-secret")
                             ? ctx.GetStrings("image-pull-secret")
                             : cfg.image_pull_secrets.value_or(std::vector<std::string>{});
  a.job_name = Pick(ctx, "job-name", cfg.job_name);
  a.service_account_name = Pick(ctx, "service-account-name", cfg.service_account_name);
  a.service_account_name_set =
      ctx.IsSet("service-account-name") || !cfg.service_account_name.empty();
  if (ctx.IsSet("node-selector")) {
    AICR_ASSIGN_OR_RETURN(a.node_selector, ParseSelectors(ctx.GetStrings("node-selector")));
  } else {
    a.node_selector = cfg.node_selector;
  }
  if (ctx.IsSet("toleration")) {
    AICR_ASSIGN_OR_RETURN(a.tolerations,
                          ParseTolerations(ctx.GetStrings("toleration"), "--toleration"));
  } else {
    a.tolerations = cfg.tolerations;
  }
  if (ctx.IsSet("timeout") || cfg.timeout.empty()) {
    a.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(ctx.GetDuration("timeout"));
  } else {
    Result<std::chrono::nanoseconds> d = ParseDuration(cfg.timeout);
    if (!d.ok()) {
      return d.status().WithContext("config spec.snapshot.execution.timeout");
    }
    a.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
  }
  a.no_cleanup =
      ctx.IsSet("no-cleanup") ? ctx.GetBool("no-cleanup") : cfg.no_cleanup.value_or(false);
  a.privileged =
      ctx.IsSet("privileged") ? ctx.GetBool("privileged") : cfg.privileged.value_or(true);
  a.runtime_class = Pick(ctx, "runtime-class", cfg.runtime_class);
  AICR_ASSIGN_OR_RETURN(a.requests, Resources(ctx, "requests", cfg.requests));
  AICR_ASSIGN_OR_RETURN(a.limits, Resources(ctx, "limits", cfg.limits));
  if (ctx.HasFlag("debug")) {
    a.debug = ctx.GetBool("debug");
    a.log_json = ctx.HasFlag("log-json") && ctx.GetBool("log-json");
  }
  return req;
}

Status RunSnapshot(CommandContext& ctx) {
  const EnvLookup env = ProcessEnv();
  AICR_ASSIGN_OR_RETURN(client::SnapshotRequest req, RequestFromFlags(ctx, env));

  if (ctx.IsSet("add-roles-to-service-account")) {
    AICR_ASSIGN_OR_RETURN(
        const std::string dir,
        client::WriteSnapshotRbac(req, ctx.GetString("add-roles-to-service-account"), "."));
    ctx.out() << dir << "\n";
    log::Info("RBAC manifests written; apply them with kubectl apply -f " + dir +
              ", then run aicr snapshot --service-account-name " +
              ctx.GetString("add-roles-to-service-account"));
    return OkStatus();
  }

  const bool tty = &ctx.err() == &std::cerr && isatty(STDERR_FILENO) == 1;
  req.progress = tty ? &ctx.err() : nullptr;
  req.progress_is_tty = tty;
  req.agent_log = &ctx.err();

  client::Client cli(ClientOptions(ctx));
  AICR_ASSIGN_OR_RETURN(client::SnapshotResult result, client::TakeSnapshot(cli, req));
  if (result.delivered) {
    log::Info("snapshot written", {{"output", req.output}});
    return OkStatus();
  }
  return client::WriteSnapshotOutput(cli, req, result, &ctx.out());
}

FlagSpec Flag(FlagSpec spec) { return spec; }

}  // namespace

CommandSpec SnapshotCommand() {
  std::vector<FlagSpec> flags = {
      Flag({.name = "output",
            .shorts = {'o'},
            .usage = "output target: a file, cm://namespace/name, or - for stdout",
            .value_name = "TARGET"}),
      Flag({.name = "format",
            .shorts = {'t'},
            .default_value = "yaml",
            .usage = "output format (yaml: the agent's document verbatim; table is not "
                     "re-readable)",
            .values = {"json", "table", "yaml"}}),
      Flag({.name = "config",
            .usage = "AICRConfig file or URL (spec.snapshot); flags win",
            .value_name = "SOURCE"}),
      Flag({.name = "kubeconfig",
            .shorts = {'k'},
            .usage = "kubeconfig file (default: KUBECONFIG, in-cluster, ~/.kube/config)",
            .value_name = "FILE"}),
      Flag({.name = "local",
            .type = FlagType::kBool,
            .usage = "measure this machine with the host collectors only; no cluster contact"}),
      Flag({.name = "namespace",
            .shorts = {'n'},
            .default_value = "default",
            .env = "AICR_NAMESPACE",
            .usage = "namespace of the agent Job and its RBAC",
            .value_name = "NAMESPACE"}),
      Flag({.name = "image",
            .env = "AICR_IMAGE",
            .usage = "agent image (default ghcr.io/nvidia/aicr:v<version>, :latest for development "
                     "builds)",
            .value_name = "IMAGE"}),
      Flag({.name = "image-pull-secret",
            .type = FlagType::kStringList,
            .usage = "image pull secret of the agent pod (repeatable)",
            .value_name = "NAME"}),
      Flag({.name = "job-name",
            .default_value = "aicr",
            .usage = "prefix of the agent Job name (<prefix>-<run-id>)",
            .value_name = "PREFIX"}),
      Flag({.name = "service-account-name",
            .default_value = "aicr",
            .usage = "agent service account: an existing one is used as is (no RBAC created), "
                     "otherwise a prefix",
            .value_name = "NAME"}),
      Flag({.name = "add-roles-to-service-account",
            .usage = "write the agent's Role, RoleBinding, ClusterRole and ClusterRoleBinding "
                     "for this service account to ./snapshot-rbac-<run-id>/ and exit",
            .value_name = "SA"}),
      Flag({.name = "node-selector",
            .type = FlagType::kStringList,
            .usage = "agent node selector (repeatable; default nvidia.com/gpu.present=true)",
            .value_name = "KEY=VALUE"}),
      Flag({.name = "toleration",
            .type = FlagType::kStringList,
            .usage = "agent toleration (repeatable; default: tolerate everything)",
            .value_name = "KEY=VALUE:EFFECT"}),
      Flag({.name = "timeout",
            .type = FlagType::kDuration,
            .default_value = "5m",
            .usage = "how long to wait for the agent"}),
      Flag({.name = "no-cleanup",
            .type = FlagType::kBool,
            .usage = "keep the agent Job and RBAC after the run"}),
      Flag({.name = "privileged",
            .type = FlagType::kBool,
            .default_value = "true",
            .usage = "run the agent privileged (false for PSS-restricted namespaces: K8s and "
                     "topology data only)"}),
      Flag({.name = "require-gpu",
            .type = FlagType::kBool,
            .env = "AICR_REQUIRE_GPU",
            .usage = "request nvidia.com/gpu for the agent and fail without a GPU"}),
      Flag({.name = "runtime-class",
            .env = "AICR_RUNTIME_CLASS",
            .usage = "runtime class of the agent pod (e.g. nvidia)",
            .value_name = "NAME"}),
      Flag({.name = "template",
            .usage = "Go template file rendered over the snapshot (yaml format only)",
            .value_name = "FILE"}),
      Flag({.name = "max-nodes-per-entry",
            .type = FlagType::kInt,
            .usage = "node names listed per topology entry (0: all)"}),
      Flag({.name = "os",
            .env = "AICR_OS",
            .usage = "node OS: ubuntu, rhel, cos, amazonlinux, ol, talos",
            .value_name = "OS"}),
      Flag({.name = "requests",
            .env = "AICR_REQUESTS",
            .usage = "agent resource requests (e.g. cpu=500m,memory=1Gi)",
            .value_name = "NAME=QTY,..."}),
      Flag({.name = "limits",
            .env = "AICR_LIMITS",
            .usage = "agent resource limits (e.g. cpu=1,memory=2Gi)",
            .value_name = "NAME=QTY,..."}),
      Flag({.name = "cluster-config",
            .env = "AICR_CLUSTER_CONFIG_PATH",
            .usage = "cluster-config file for NetworkTopology (not supported by this build)",
            .value_name = "FILE"}),
      Flag({.name = "aks-gpu-pools",
            .env = "AICR_AKS_GPU_POOLS_PATH",
            .usage = "`az aks nodepool list -o json` dump projected into K8s.aks-gpu-pools",
            .value_name = "FILE"}),
      Flag({.name = "oke-addons",
            .env = "AICR_OKE_ADDONS_PATH",
            .usage = "`oci ce cluster list-addons --all --output json` dump projected into "
                     "K8s.oke-addons",
            .value_name = "FILE"}),
      Flag({.name = "gke-gpu-pools",
            .env = "AICR_GKE_GPU_POOLS_PATH",
            .usage = "`gcloud container node-pools list --cluster <cluster> --format=json` dump "
                     "projected into K8s.gke-gpu-pools",
            .value_name = "FILE"}),
      Flag({.name = "discover-network",
            .type = FlagType::kBool,
            .env = "AICR_DISCOVER_NETWORK",
            .usage = "live network discovery, mutating the cluster (not supported by this "
                     "build)"}),
  };
  return CommandSpec{
      .name = "snapshot",
      .summary = "capture the state of a GPU node and its cluster",
      .description =
          "Deploys a one-shot agent Job that runs this binary on a node, collects OS, GPU,\n"
          "Kubernetes and node topology data, and returns a Snapshot through a ConfigMap.\n"
          "Only the objects the run created are removed afterwards (unless --no-cleanup).\n"
          "--local measures the current machine without a cluster. Inside the agent pod\n"
          "(AICR_AGENT_MODE=true) the command collects locally and writes -o cm://ns/name.\n"
          "\n"
          "    aicr snapshot -o snapshot.yaml\n"
          "    aicr snapshot -n gpu-operator -o cm://gpu-operator/aicr-snapshot\n"
          "    aicr snapshot --local -t table\n",
      .flags = std::move(flags),
      .handler = RunSnapshot,
  };
}

}  // namespace aicr::cli
