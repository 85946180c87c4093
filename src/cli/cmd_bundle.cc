#include <string>
#include <utility>
#include <vector>

#include "base/env.h"
#include "base/log.h"
#include "base/status_macros.h"
#include "cli/commands.h"
#include "cli/flag_config.h"
#include "cli/recipe_flags.h"
#include "client/bundle_config.h"
#include "client/client.h"
#include "client/config.h"
#include "serialize/input.h"

namespace aicr::cli {
namespace {

// Whether a flag's value came only from its environment twin (not the command line):
// the variable is set and the flag holds exactly its value.
bool FromEnvOnly(const CommandContext& ctx, const EnvLookup& env, const char* flag,
                 const char* var) {
  if (!ctx.IsSet(flag)) {
    return false;
  }
  const std::optional<std::string> value = env(var);
  if (!value.has_value() || value->empty()) {
    return false;
  }
  for (const FlagSpec* spec : FlagsInScope(ctx.path())) {
    if (spec->name == flag && spec->type == FlagType::kBool) {
      Result<bool> b = ParseBool(*value);
      return b.ok() && *b == ctx.GetBool(flag);
    }
  }
  return *value == ctx.GetString(flag);
}

// A string signing setting: the flag (unless it came only from the environment while
// --attest is off), else the config value when attesting.
std::string SigningText(const CommandContext& ctx, const EnvLookup& env, bool attest,
                        const char* flag, const char* var, const std::string& config) {
  if (ctx.IsSet(flag)) {
    if (!attest && var != nullptr && FromEnvOnly(ctx, env, flag, var)) {
      log::Debug("ignoring signing setting from the environment without --attest",
                 {{"variable", var}});
      return "";
    }
    return ctx.GetString(flag);
  }
  return attest ? config : "";
}

Result<std::optional<std::int64_t>> SourceDateEpoch(const EnvLookup& env) {
  const std::optional<std::string> value = env("SOURCE_DATE_EPOCH");
  if (!value.has_value() || value->empty()) {
    return std::optional<std::int64_t>();
  }
  if (value->size() > 12 || value->find_first_not_of("0123456789") != std::string::npos) {
    return InvalidRequestError("SOURCE_DATE_EPOCH \"" + *value +
                               "\": must be a non-negative integer (seconds since 1970-01-01 UTC)");
  }
  return std::optional<std::int64_t>(std::stoll(*value));
}

// The signing settings: flags, their environment twins and spec.bundle.attestation.
// Settings from the environment or the config file only apply when attesting; a
// signing flag on the command line without --attest is an error (client side).
Result<client::BundleAttestRequest> AttestFromFlags(const CommandContext& ctx,
                                                    const client::BundleConfig& cfg,
                                                    const EnvLookup& env) {
  client::BundleAttestRequest a;
  a.attest = ctx.IsSet("attest") ? ctx.GetBool("attest") : cfg.attestation_enabled.value_or(false);
  a.signing_key = SigningText(ctx, env, a.attest, "signing-key", nullptr, cfg.signing_key);
  if (ctx.IsSet("tlog-upload")) {
    a.tlog_upload = ctx.GetBool("tlog-upload");
  }
  // The OIDC token is never read from the config file.
  a.identity_token = SigningText(ctx, env, a.attest, "identity-token", "COSIGN_IDENTITY_TOKEN", "");
  a.fulcio_url = SigningText(ctx, env, a.attest, "fulcio-url", "AICR_FULCIO_URL", cfg.fulcio_url);
  a.rekor_url = SigningText(ctx, env, a.attest, "rekor-url", "AICR_REKOR_URL", cfg.rekor_url);
  a.signing_config = SigningText(ctx, env, a.attest, "signing-config", "AICR_SIGNING_CONFIG", "");
  a.certificate_identity_regexp = SigningText(ctx, env, a.attest, "certificate-identity-regexp",
                                              nullptr, cfg.certificate_identity_regexp);
  if (ctx.IsSet("oidc-device-flow")) {
    a.oidc_device_flow =
        ctx.GetBool("oidc-device-flow") &&
        (a.attest || !FromEnvOnly(ctx, env, "oidc-device-flow", "AICR_OIDC_DEVICE_FLOW"));
  } else if (a.attest) {
    a.oidc_device_flow = cfg.oidc_device_flow.value_or(false);
  }
  a.assume_yes = ctx.GetBool("yes");
  if (a.attest) {
    AICR_ASSIGN_OR_RETURN(a.source_date_epoch, SourceDateEpoch(env));
  }
  return a;
}

Result<client::BundleRequest> RequestFromFlags(const CommandContext& ctx, std::string* output_dir) {
  client::BundleConfig cfg;
  std::string recipe_output;
  if (ctx.IsSet("config")) {
    AICR_ASSIGN_OR_RETURN(client::AicrConfig file,
                          client::LoadConfig(ctx.GetString("config"), serialize::InputOptions{}));
    AICR_ASSIGN_OR_RETURN(cfg, client::DecodeBundleConfig(file.bundle));
    if (file.recipe.has_value()) {
      recipe_output = file.recipe->output_path;
    }
    if (!cfg.input_recipe.empty() && !recipe_output.empty() && cfg.input_recipe != recipe_output) {
      return InvalidRequestError("config: spec.bundle.input.recipe (" + cfg.input_recipe +
                                 ") must equal spec.recipe.output.path (" + recipe_output + ")");
    }
  }
  client::BundleRequest req;
  req.recipe = PickOr(ctx, "recipe", cfg.input_recipe, recipe_output);
  req.data_dir = ctx.GetString("data");
  *output_dir = PickOr(ctx, "output", cfg.output_target, ".");
  const EnvLookup env = ProcessEnv();
  AICR_ASSIGN_OR_RETURN(req.attestation, AttestFromFlags(ctx, cfg, env));
  req.publish.output = *output_dir;
  req.publish.image_refs = Pick(ctx, "image-refs", cfg.output_image_refs);
  req.publish.plain_http =
      ctx.IsSet("plain-http") ? ctx.GetBool("plain-http") : cfg.plain_http.value_or(false);
  req.publish.insecure_tls =
      ctx.IsSet("insecure-tls") ? ctx.GetBool("insecure-tls") : cfg.insecure_tls.value_or(false);
  if (client::IsOciOutput(*output_dir)) {
    *output_dir = client::kOciLocalBundleDir;
  }
  bundler::BundleOptions& o = req.options;
  o.deployer = PickOr(ctx, "deployer", cfg.deployer, "helm");
  o.set = PickList(ctx, "set", cfg.set);
  o.set_json = ctx.GetStrings("set-json");
  o.set_file = ctx.GetStrings("set-file");
  o.dynamic = PickList(ctx, "dynamic", cfg.dynamic);
  o.system_node_selectors = PickList(ctx, "system-node-selector", cfg.system_node_selector);
  o.system_node_tolerations = PickList(ctx, "system-node-toleration", cfg.system_node_tolerations);
  o.accelerated_node_selectors =
      PickList(ctx, "accelerated-node-selector", cfg.accelerated_node_selector);
  o.accelerated_node_tolerations =
      PickList(ctx, "accelerated-node-toleration", cfg.accelerated_node_tolerations);
  o.workload_selectors = PickList(ctx, "workload-selector", cfg.workload_selector);
  o.workload_gate = Pick(ctx, "workload-gate", cfg.workload_gate);
  if (ctx.IsSet("nodes")) {
    o.nodes = static_cast<int>(ctx.GetInt("nodes"));
    if (ctx.GetInt("nodes") < 0 || ctx.GetInt("nodes") > 100000) {
      return InvalidRequestError("--nodes must be between 0 and 100000");
    }
  } else if (cfg.nodes.has_value()) {
    if (*cfg.nodes < 0 || *cfg.nodes > 100000) {
      return InvalidRequestError(
          "config spec.bundle.scheduling.nodes must be between 0 and "
          "100000");
    }
    o.nodes = static_cast<int>(*cfg.nodes);
  }
  o.storage_class = Pick(ctx, "storage-class", cfg.storage_class);
  o.shared_storage_class = Pick(ctx, "shared-storage-class", cfg.shared_storage_class);
  o.dra_eviction_node_label = Pick(ctx, "dra-eviction-node-label", cfg.dra_eviction_node_label);
  for (const char* flag : {"storage-class", "shared-storage-class", "dra-eviction-node-label"}) {
    if (ctx.IsSet(flag) && ctx.GetString(flag).empty()) {
      return InvalidRequestError(std::string("--") + flag + " must not be blank");
    }
  }
  o.readiness_hooks = ctx.GetBool("readiness-hooks");
  o.serial = ctx.GetBool("serial");
  o.vendor_charts =
      ctx.IsSet("vendor-charts") ? ctx.GetBool("vendor-charts") : cfg.vendor_charts.value_or(false);
  o.repo = Pick(ctx, "repo", cfg.repo);
  o.app_name = Pick(ctx, "app-name", cfg.app_name);
  o.flux_namespace = ctx.GetString("flux-namespace");
  o.flux_oci_source_name = ctx.GetString("flux-oci-source-name");
  for (const char* flag : {"repo", "app-name", "flux-namespace", "flux-oci-source-name"}) {
    if (ctx.IsSet(flag) && ctx.GetString(flag).empty()) {
      return InvalidRequestError(std::string("--") + flag + " must not be blank");
    }
  }
  return req;
}

Status RunBundle(CommandContext& ctx) {
  std::string output_dir;
  AICR_ASSIGN_OR_RETURN(client::BundleRequest req, RequestFromFlags(ctx, &output_dir));
  client::Client cli(ClientOptions(ctx));
  AICR_ASSIGN_OR_RETURN(client::BundleRunResult run, cli.BundleAndPublish(req));
  const bundler::BundleOutput& out = run.bundle;
  for (const auto& warning : out.warnings) {
    log::Warn(warning);
  }
  output_dir = run.output_dir;
  ctx.out() << "Bundle written to " << output_dir << " (" << out.result_type
            << "): " << out.plan.folders.size() << " folders, " << out.tree.files().size()
            << " files, " << out.tree.TotalBytes() << " bytes\n";
  if (run.attested) {
    ctx.out() << "Attestation: " << client::kBundleAttestationPath << "\n";
  }
  if (run.pushed.has_value()) {
    ctx.out() << "Pushed " << run.pushed->tagged << "\n";
    ctx.out() << "Digest: " << run.pushed->pinned << "\n";
    if (!run.pushed->referrer_digest.empty()) {
      ctx.out() << "Signature referrer: " << run.pushed->referrer_digest << "\n";
    }
    return OkStatus();
  }
  if (req.options.deployer == "helmfile") {
    ctx.out() << "Next: cd " << output_dir << " && helmfile diff && helmfile apply\n";
  } else {
    ctx.out() << "Next: cd " << output_dir << " && ./deploy.sh\n";
  }
  return OkStatus();
}

FlagSpec ListFlag(const char* name, const char* usage, const char* value_name) {
  return FlagSpec{
      .name = name, .type = FlagType::kStringList, .usage = usage, .value_name = value_name};
}

}  // namespace

CommandSpec BundleCommand() {
  std::vector<FlagSpec> flags = {
      FlagSpec{.name = "recipe",
               .shorts = {'r'},
               .usage = "recipe to bundle: file, http(s) URL, cm://namespace/name or -",
               .value_name = "SOURCE"},
      FlagSpec{.name = "config",
               .usage = "AICRConfig file or URL (spec.bundle); flags win",
               .value_name = "SOURCE"},
      FlagSpec{.name = "output",
               .shorts = {'o'},
               .default_value = ".",
               .usage = "output directory (an existing one may hold only a previous bundle) or "
                        "oci://registry/repository[:tag] (also written to ./bundle; default tag: "
                        "the aicr version)",
               .value_name = "DIR|OCI"},
      FlagSpec{.name = "deployer",
               .shorts = {'d'},
               .default_value = "helm",
               .usage = "deployment artifacts to generate",
               .values = {"helm", "helmfile", "argocd", "argocd-helm", "flux"}},
      ListFlag("set",
               "scalar value override comp:path=value (repeatable; comp:enabled=false drops "
               "a component)",
               "COMP:PATH=VALUE"),
      ListFlag("set-json",
               "typed override comp:path=<json>: objects merge, lists replace, null deletes",
               "COMP:PATH=JSON"),
      ListFlag("set-file", "typed override comp:path=<file> read as YAML or JSON",
               "COMP:PATH=FILE"),
      ListFlag("dynamic", "defer comp:path to install time (cluster-values.yaml)", "COMP:PATH"),
      FlagSpec{.name = "data",
               .usage = "external data directory layered over the embedded catalogue",
               .value_name = "DIR"},
      ListFlag("system-node-selector", "node selector for system components (repeatable)",
               "KEY=VALUE"),
      ListFlag("system-node-toleration", "toleration for system components (repeatable)",
               "KEY=VALUE:EFFECT"),
      ListFlag("accelerated-node-selector", "node selector for GPU nodes (repeatable)",
               "KEY=VALUE"),
      ListFlag("accelerated-node-toleration",
               "toleration for GPU nodes (repeatable; default: tolerate everything)",
               "KEY=VALUE:EFFECT"),
      FlagSpec{.name = "workload-gate",
               .usage = "taint that gates GPU workloads until nodes are ready",
               .value_name = "KEY[=VALUE]:EFFECT"},
      ListFlag("workload-selector", "label selector of GPU workloads (repeatable)", "KEY=VALUE"),
      FlagSpec{.name = "nodes",
               .type = FlagType::kInt,
               .usage = "expected number of GPU nodes (0: unset)"},
      FlagSpec{.name = "storage-class",
               .usage = "storage class for components that persist data",
               .value_name = "NAME"},
      FlagSpec{.name = "shared-storage-class",
               .usage = "shared (RWX) storage class",
               .value_name = "NAME"},
      FlagSpec{.name = "dra-eviction-node-label",
               .usage = "opt in to DRA driver eviction coordination with this node label",
               .value_name = "KEY=VALUE"},
      FlagSpec{.name = "readiness-hooks",
               .type = FlagType::kBool,
               .usage = "add readiness-gate charts after components that ship a readiness test"},
      FlagSpec{.name = "vendor-charts",
               .type = FlagType::kBool,
               .usage = "pull every upstream chart with helm pull into the bundle (air-gapped "
                        "installs; needs helm on PATH; writes provenance.yaml)"},
      FlagSpec{.name = "serial",
               .type = FlagType::kBool,
               .usage = "strictly linear install order (helmfile; no-op for helm)"},
      FlagSpec{.name = "repo",
               .usage = "Git or oci:// URL the GitOps bundle is published at (argocd, flux)",
               .value_name = "URL"},
      FlagSpec{.name = "app-name",
               .usage = "parent Application name (argocd: nvidia-stack, argocd-helm: aicr-stack)",
               .value_name = "NAME"},
      FlagSpec{.name = "flux-namespace",
               .usage = "namespace of the Flux objects (flux only; default flux-system)",
               .value_name = "NAMESPACE"},
      FlagSpec{.name = "flux-oci-source-name",
               .usage = "name of the OCI source of an oci:// flux bundle (flux only; default "
                        "aicr-bundle)",
               .value_name = "NAME"},
      FlagSpec{.name = "attest",
               .type = FlagType::kBool,
               .usage = "sign the bundle: attestation/bundle-attestation.sigstore.json (in-toto "
                        "SLSA provenance over checksums.txt)"},
      FlagSpec{.name = "signing-key",
               .usage = "local PEM private key (file://PATH or PATH; ECDSA P-256 or Ed25519); "
                        "KMS URIs are not supported in this build",
               .value_name = "KEY"},
      FlagSpec{.name = "tlog-upload",
               .type = FlagType::kBool,
               .default_value = "true",
               .usage = "upload to a transparency log; must be false with a local key (offline "
                        "signing)"},
      FlagSpec{.name = "identity-token",
               .env = "COSIGN_IDENTITY_TOKEN",
               .usage = "OIDC identity token for keyless signing (not supported in this build)",
               .value_name = "TOKEN"},
      FlagSpec{.name = "oidc-device-flow",
               .type = FlagType::kBool,
               .env = "AICR_OIDC_DEVICE_FLOW",
               .usage = "use the OIDC device flow for keyless signing (not supported in this "
                        "build)"},
      FlagSpec{.name = "fulcio-url",
               .env = "AICR_FULCIO_URL",
               .usage = "Fulcio certificate authority URL (https, no credentials)",
               .value_name = "URL"},
      FlagSpec{.name = "rekor-url",
               .env = "AICR_REKOR_URL",
               .usage = "Rekor transparency log URL (https, no credentials; not with "
                        "--signing-config)",
               .value_name = "URL"},
      FlagSpec{.name = "signing-config",
               .env = "AICR_SIGNING_CONFIG",
               .usage = "Sigstore signing config file (not with --rekor-url)",
               .value_name = "FILE"},
      FlagSpec{.name = "certificate-identity-regexp",
               .usage = "identity pattern of the binary attestation (must begin with "
                        "https://github.com/NVIDIA/aicr/)",
               .value_name = "REGEXP"},
      FlagSpec{.name = "yes",
               .aliases = {"assume-yes"},
               .type = FlagType::kBool,
               .env = "AICR_ASSUME_YES",
               .usage = "skip the identity-disclosure prompt of interactive signing"},
      FlagSpec{.name = "insecure-tls",
               .type = FlagType::kBool,
               .usage = "skip registry TLS certificate verification (oci:// output)"},
      FlagSpec{.name = "plain-http",
               .type = FlagType::kBool,
               .usage = "talk to the registry over plain http (oci:// output)"},
      FlagSpec{.name = "image-refs",
               .usage = "write the pushed digest reference to FILE (oci:// output; mode 0600, "
                        "outside the bundle)",
               .value_name = "FILE"},
      FlagSpec{.name = "kubeconfig",
               .shorts = {'k'},
               .usage = "kubeconfig for cm:// recipe inputs (default: KUBECONFIG, in-cluster, "
                        "~/.kube/config)",
               .value_name = "FILE"},
  };
  return CommandSpec{
      .name = "bundle",
      .summary = "generate deployment artifacts from a recipe",
      .description =
          "Turns a resolved recipe into per-component deployment artifacts: numbered\n"
          "NNN-<component> folders with values, scripts and local charts, plus deploy.sh\n"
          "(helm) or helmfile.yaml (helmfile), recipe.yaml, bundle-info.yaml and\n"
          "checksums.txt. Every check runs before anything is written; an existing\n"
          "output directory is replaced only once the new bundle has been verified.\n"
          "\n"
          "--attest signs the bundle offline with a local key (--signing-key file://key.pem\n"
          "--tlog-upload=false); keyless and KMS signing are not supported in this build.\n"
          "The provenance records a random invocationId and the current time; with\n"
          "SOURCE_DATE_EPOCH set it omits the invocationId and uses that time instead, so\n"
          "signing is reproducible. -o oci://registry/repository[:tag] writes the bundle to\n"
          "./bundle and pushes it (argocd-helm: as a Helm chart), the signature attached as\n"
          "a referrer.\n"
          "\n"
          "    aicr recipe --service eks --accelerator h100 --intent training -o recipe.yaml\n"
          "    aicr bundle -r recipe.yaml -o ./bundle \\\n"
          "      --system-node-selector nodeGroup=system \\\n"
          "      --accelerated-node-selector nvidia.com/gpu.present=true\n",
      .flags = std::move(flags),
      .handler = RunBundle,
  };
}

}  // namespace aicr::cli
