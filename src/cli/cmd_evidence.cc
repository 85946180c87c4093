// `aicr evidence digest|verify|publish`: flags into client requests, the report to
// stdout or -o, and the verdict into the exit status.

#include <string>
#include <vector>

#include "base/log.h"
#include "base/status_macros.h"
#include "base/version.h"
#include "cli/commands.h"
#include "cli/recipe_flags.h"
#include "client/client.h"
#include "client/evidence.h"
#include "serialize/json_writer.h"
#include "serialize/output.h"

namespace aicr::cli {
namespace {

FlagSpec Flag(FlagSpec spec) { return spec; }

Status RunDigest(CommandContext& ctx) {
  client::Client cli(ClientOptions(ctx));
  client::EvidenceDigestRequest req;
  req.recipe = ctx.GetString("recipe");
  req.profile = ctx.GetString("profile");
  req.data_dir = ctx.GetString("data");
  req.cancel = ctx.cancel();
  AICR_ASSIGN_OR_RETURN(const std::string digest, client::EvidenceDigest(cli, req));
  ctx.out() << digest << "\n";
  return OkStatus();
}

Status RunVerify(CommandContext& ctx) {
  const std::string format = ctx.GetString("format");
  if (format != "text" && format != "json") {
    return InvalidRequestError("invalid --format \"" + format + "\": must be text or json");
  }
  client::Client cli(ClientOptions(ctx));
  client::EvidenceVerifyRequest req;
  req.input = ctx.args().at(0);
  req.key = ctx.GetString("key");
  req.expected_issuer = ctx.GetString("expected-issuer");
  req.expected_identity_regexp = ctx.GetString("expected-identity-regexp");
  req.trust_root = ctx.GetString("trust-root");
  req.allow_unpinned_tag = ctx.GetBool("allow-unpinned-tag");
  req.plain_http = ctx.GetBool("registry-plain-http");
  req.insecure_tls = ctx.GetBool("registry-insecure-tls");
  req.cancel = ctx.cancel();
  AICR_ASSIGN_OR_RETURN(const evidence::EvidenceReport report, client::VerifyEvidence(cli, req));
  std::string bytes;
  if (format == "json") {
    AICR_ASSIGN_OR_RETURN(bytes, serialize::WriteJson(evidence::ReportToValue(report)));
  } else {
    bytes = evidence::RenderReportMarkdown(report);
  }
  serialize::OutputOptions out;
  out.kind = "EvidenceVerification";
  out.format = format == "json" ? "json" : "table";
  out.version = GetBuildInfo().version;
  out.cancel = ctx.cancel();
  out.stdout_stream = &ctx.out();
  AICR_RETURN_IF_ERROR(serialize::WriteOutput(ctx.GetString("output"), bytes, out));
  return client::EvidenceVerdictStatus(report);
}

Status RunPublish(CommandContext& ctx) {
  client::Client cli(ClientOptions(ctx));
  client::EvidencePublishRequest req;
  req.dir = ctx.args().at(0);
  req.signing_key = ctx.GetString("signing-key");
  req.push = ctx.GetString("push");
  req.plain_http = ctx.GetBool("plain-http");
  req.insecure_tls = ctx.GetBool("insecure-tls");
  req.cancel = ctx.cancel();
  AICR_ASSIGN_OR_RETURN(const client::EvidencePublishResult r, client::PublishEvidence(cli, req));
  log::Info("evidence signed", {{"attestation", r.attestation_path}});
  if (!r.pushed_ref.empty()) {
    ctx.out() << r.pushed_ref << "\n";
  }
  return OkStatus();
}

}  // namespace

CommandSpec EvidenceCommand() {
  CommandSpec digest{
      .name = "digest",
      .summary = "print the canonical sha256 of a recipe (the evidence subject digest)",
      .description =
          "Prints the lowercase hex sha256 of the recipe's canonical form: mapping keys\n"
          "sorted recursively, comments dropped, `\\n` line ends. It is the value `aicr\n"
          "validate --emit-attestation` records as predicate.recipe.digest (and the\n"
          "statement subject), so a CI gate can compare a signed bundle with the recipe on\n"
          "a branch. An overlay (kind RecipeMetadata) is resolved from its criteria first,\n"
          "as `aicr recipe` would, with --profile selecting its profile.\n"
          "\n"
          "    aicr evidence digest -r recipe.yaml\n"
          "    aicr evidence digest -r recipes/overlays/h100-aks-ubuntu-training.yaml \\\n"
          "      --profile gpuStack=operator-managed\n",
      .flags = {Flag({.name = "recipe",
                      .shorts = {'r'},
                      .usage = "recipe or overlay: a file, http(s) URL or cm://namespace/name "
                               "(required)",
                      .value_name = "SOURCE"}),
                ProfileFlag(), DataFlag(), KubeconfigFlag()},
      .handler = RunDigest,
  };
  CommandSpec verify{
      .name = "verify",
      .summary = "verify a recipe evidence bundle",
      .description =
          "Verifies evidence written by `aicr validate --emit-attestation`: the directory,\n"
          "its summary-bundle/ or its pointer.yaml. Every manifest file is re-hashed, the\n"
          "manifest digest, each phase's CTRF digest and the BOM digest must match the\n"
          "predicate, and the canonical digest of the bundled recipe must match the\n"
          "statement subject. A signature (attestation.intoto.jsonl) is checked with --key,\n"
          "or without it keyless and offline: the Fulcio certificate must chain to the\n"
          "embedded Sigstore public-good root (plus --trust-root) at a signing time a\n"
          "transparency-log entry or RFC 3161 timestamp proves, and the signer must match\n"
          "--expected-identity-regexp and --expected-issuer when given; a pointer's\n"
          "signer must be the certificate's. An unsigned bundle that passes is reported as\n"
          "pending signature. The JSON\n"
          "`exit` is 0 valid, 1 valid with failed checks recorded, 2 invalid, 3 no\n"
          "verdict; the process exits 0, 2 (for 1 and 2), 5 (transient) or 9 (canceled).\n"
          "\n"
          "    aicr evidence verify ./evidence\n"
          "    aicr evidence verify ./evidence/pointer.yaml --key key.pub -t json\n"
          "    aicr evidence verify ./evidence/pointer.yaml \\\n"
          "      --expected-issuer https://token.actions.githubusercontent.com \\\n"
          "      --expected-identity-regexp '^https://github.com/acme/'\n",
      .args = {ArgSpec{.name = "input",
                       .usage = "evidence directory, pointer.yaml or oci://...@sha256:..."}},
      .flags = {Flag({.name = "key",
                      .usage = "PEM public key the signature must verify with",
                      .value_name = "FILE"}),
                Flag({.name = "expected-issuer",
                      .usage = "OIDC issuer the keyless signing certificate must carry",
                      .value_name = "URL"}),
                Flag({.name = "expected-identity-regexp",
                      .usage = "pattern the keyless signing certificate's identity must match",
                      .value_name = "REGEXP"}),
                Flag({.name = "trust-root",
                      .usage = "Sigstore trusted_root.json added to the embedded public-good root",
                      .value_name = "FILE"}),
                Flag({.name = "format",
                      .shorts = {'t'},
                      .default_value = "text",
                      .usage = "report format: text (Markdown) or json",
                      .values = {"json", "text"}}),
                Flag({.name = "output",
                      .shorts = {'o'},
                      .usage = "report file (default: stdout)",
                      .value_name = "FILE"}),
                Flag({.name = "allow-unpinned-tag",
                      .type = FlagType::kBool,
                      .usage = "accept a registry reference without @sha256: digest"}),
                Flag({.name = "registry-plain-http",
                      .type = FlagType::kBool,
                      .usage = "talk http:// to the registry"}),
                Flag({.name = "registry-insecure-tls",
                      .type = FlagType::kBool,
                      .usage = "skip TLS certificate verification of the registry"})},
      .handler = RunVerify,
  };
  CommandSpec publish{
      .name = "publish",
      .summary = "sign an evidence bundle with a local key and optionally push it",
      .description =
          "Signs DIR/summary-bundle/statement.intoto.json (a DSSE envelope in a Sigstore\n"
          "bundle, written as attestation.intoto.jsonl) with --signing-key. The bundle is\n"
          "checked for self-consistency first. With --push the summary bundle is pushed\n"
          "as one OCI artifact (default tag <recipe>-<12 hex of its manifest digest>),\n"
          "the signature is attached as a referrer, the pinned reference is printed and\n"
          "written to DIR/pointer.yaml. Keyless signing is not supported in this build\n"
          "(exit 6).\n"
          "\n"
          "    aicr evidence publish ./evidence --signing-key file://key.pem\n"
          "    aicr evidence publish ./evidence --signing-key key.pem --push "
          "oci://ghcr.io/org/aicr-evidence\n",
      .args = {ArgSpec{.name = "dir", .usage = "an --emit-attestation directory"}},
      .flags = {Flag({.name = "signing-key",
                      .usage = "private key: file://PATH or a path (PEM, ECDSA P-256 or Ed25519)",
                      .value_name = "URI"}),
                Flag({.name = "push",
                      .usage = "registry repository[:tag] to push the signed bundle to",
                      .value_name = "oci://REF"}),
                Flag({.name = "plain-http",
                      .type = FlagType::kBool,
                      .usage = "talk http:// to the registry"}),
                Flag({.name = "insecure-tls",
                      .type = FlagType::kBool,
                      .usage = "skip TLS certificate verification of the registry"})},
      .handler = RunPublish,
  };
  return CommandSpec{
      .name = "evidence",
      .summary = "recipe evidence: digest, verify and publish",
      .description =
          "Works with recipe evidence bundles written by `aicr validate\n"
          "--emit-attestation`.\n",
      .subcommands = {std::move(digest), std::move(verify), std::move(publish)},
  };
}

}  // namespace aicr::cli
