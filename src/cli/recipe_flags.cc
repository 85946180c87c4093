#include "cli/recipe_flags.h"

#include <algorithm>

#include "base/log.h"
#include "base/version.h"
#include "serialize/json_writer.h"

namespace aicr::cli {
namespace {

std::vector<FlagSpec> DimensionFlags(bool with_nodes, const std::string& verb) {
  std::vector<FlagSpec> flags = {
      FlagSpec{.name = "service",
               .usage = verb + " service (eks, gke, aks, oke, ocp, kind, lke, bcm, ...)"},
      FlagSpec{.name = "accelerator",
               .aliases = {"gpu"},
               .usage = verb + " accelerator (h100, h200, gb200, gb300, b200, a100, l40, ...)"},
      FlagSpec{.name = "intent", .usage = verb + " intent (training, inference)"},
      FlagSpec{.name = "os",
               .usage = verb + " node OS (ubuntu, rhel, cos, amazonlinux, ol, talos)"},
      FlagSpec{.name = "platform",
               .usage = verb + " platform (dynamo, kubeflow, nim, runai, slurm)"},
  };
  if (with_nodes) {
    flags.push_back(FlagSpec{.name = "nodes",
                             .type = FlagType::kInt,
                             .usage = "number of GPU nodes (advisory; never selects overlays)"});
  }
  return flags;
}

}  // namespace

std::vector<FlagSpec> CriteriaFlags() { return DimensionFlags(true, "cloud"); }

std::vector<FlagSpec> CriteriaFilterFlags() {
  std::vector<FlagSpec> flags = DimensionFlags(false, "only overlays for this");
  return flags;
}

FlagSpec CriteriaStrictFlag() {
  return FlagSpec{.name = "criteria-strict",
                  .type = FlagType::kBool,
                  .env = "AICR_CRITERIA_STRICT",
                  .usage = "reject criteria values known only from --data overlays"};
}

FlagSpec ProfileFlag() {
  return FlagSpec{.name = "profile",
                  .usage = "profile selection name=value (e.g. gpuStack=operator-managed)",
                  .value_name = "NAME=VALUE"};
}

FlagSpec DataFlag() {
  return FlagSpec{.name = "data",
                  .usage = "external data directory layered over the embedded catalogue",
                  .value_name = "DIR"};
}

FlagSpec KubeconfigFlag() {
  return FlagSpec{.name = "kubeconfig",
                  .shorts = {'k'},
                  .usage =
                      "kubeconfig for cm:// inputs and outputs (default: KUBECONFIG, "
                      "in-cluster, ~/.kube/config)",
                  .value_name = "FILE"};
}

std::vector<FlagSpec> ResolutionFlags() {
  return {
      ProfileFlag(),
      FlagSpec{.name = "snapshot",
               .shorts = {'s'},
               .usage = "snapshot to detect criteria from: file, URL or cm://namespace/name",
               .value_name = "SOURCE"},
      FlagSpec{.name = "config",
               .usage = "AICRConfig file or URL (spec.recipe); flags win",
               .value_name = "SOURCE"},
      DataFlag(),
      CriteriaStrictFlag(),
      KubeconfigFlag(),
  };
}

client::CriteriaInput CriteriaFromFlags(const CommandContext& ctx) {
  client::CriteriaInput in;
  auto take = [&](const char* name, std::optional<std::string>& field) {
    if (ctx.IsSet(name)) {
      field = ctx.GetString(name);
    }
  };
  take("service", in.service);
  take("accelerator", in.accelerator);
  take("intent", in.intent);
  take("os", in.os);
  take("platform", in.platform);
  return in;
}

client::RecipeRequest RecipeRequestFromFlags(const CommandContext& ctx) {
  client::RecipeRequest req;
  req.criteria = CriteriaFromFlags(ctx);
  if (ctx.IsSet("nodes")) {
    req.criteria.nodes = ctx.GetInt("nodes");
  }
  req.profile = ctx.GetString("profile");
  req.snapshot = ctx.GetString("snapshot");
  req.config = ctx.GetString("config");
  req.data_dir = ctx.GetString("data");
  req.criteria_strict = ctx.GetBool("criteria-strict");
  return req;
}

client::Client::Options ClientOptions(const CommandContext& ctx) {
  client::Client::Options opts;
  opts.cancel = ctx.cancel();
  opts.version = GetBuildInfo().version;
  opts.cluster_access = true;
  if (ctx.HasFlag("kubeconfig")) {
    opts.kubeconfig = ctx.GetString("kubeconfig");
  }
  return opts;
}

void LogResolutionDetails(const recipe::ResolutionErrorDetails& details) {
  if (details.empty()) {
    return;
  }
  Result<std::string> json = serialize::WriteJson(details.ToValue(), serialize::JsonWriteOptions{
                                                                         .sort_keys = true,
                                                                         .compact = true,
                                                                         .trailing_newline = false,
                                                                     });
  if (json.ok()) {
    log::Debug("resolution failure details", {{"details", *json}});
  }
}

FlagSpec OutputFlag() {
  return FlagSpec{
      .name = "output",
      .shorts = {'o'},
      .usage = "output target: a file, cm://namespace/name, or - for stdout",
      .value_name = "TARGET",
  };
}

FlagSpec DocumentFormatFlag() {
  return FlagSpec{
      .name = "format",
      .shorts = {'t'},
      .default_value = "yaml",
      .usage = "output format",
      .values = {"json", "table", "yaml"},
  };
}

}  // namespace aicr::cli
