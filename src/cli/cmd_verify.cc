// `aicr verify <bundle-dir>` and `aicr verify-blob <artifact>`: flags and --config
// into client requests, the verdict to stdout, and its outcome into the exit status.

#include <string>
#include <vector>

#include "base/log.h"
#include "base/status_macros.h"
#include "cli/commands.h"
#include "cli/flag_config.h"
#include "client/config.h"
#include "client/verify.h"
#include "client/verify_blob.h"
#include "serialize/input.h"
#include "serialize/json_writer.h"

namespace aicr::cli {
namespace {

Status CheckFormat(const std::string& format) {
  if (format != "text" && format != "json") {
    return InvalidRequestError("invalid --format \"" + format + "\": must be text or json");
  }
  return OkStatus();
}

std::string YesNo(bool b) { return b ? "yes" : "no"; }

std::string VerifyText(const client::VerifyReport& report) {
  const client::VerifyResult& r = report.result;
  std::string out;
  if (r.checksums_passed) {
    out += "checksums:          passed (" + std::to_string(r.checksum_files) + " files)\n";
  } else {
    out += "checksums:          FAILED\n";
  }
  std::string bundle = "absent";
  if (r.bundle_attested) {
    bundle = "verified (creator: " + (r.bundle_creator.empty() ? "-" : r.bundle_creator) + ")";
  } else if (r.bundle_attestation_present) {
    bundle = r.checksums_passed ? "FAILED" : "not checked";
  }
  out += "bundle attestation: " + bundle + "\n";
  std::string binary = "absent";
  if (r.binary_attested) {
    binary = "verified (builder: " + r.binary_builder + ")";
  } else if (r.binary_attestation_present) {
    binary = r.bundle_attested ? "FAILED" : "not checked";
  }
  out += "binary attestation: " + binary + "\n";
  out += "identity pinned:    " + YesNo(r.identity_pinned) + "\n";
  if (!r.tool_version.empty()) {
    out += "tool version:       " + r.tool_version + "\n";
  }
  out += "external data:      " + YesNo(r.has_external_data) + "\n";
  out += "trust level:        " + std::string(client::TrustLevelName(r.trust_level)) + " (" +
         std::to_string(static_cast<int>(r.trust_level)) + ")\n";
  out += "  reason: " + r.trust_reason + "\n";
  out += "minimum required:   " + std::string(client::TrustLevelName(report.minimum)) + "\n";
  if (!r.errors.empty()) {
    out += "\nerrors:\n";
    for (const std::string& e : r.errors) {
      out += "  - " + e + "\n";
    }
  }
  if (!report.policy_failure.empty()) {
    out += "\npolicy: " + report.policy_failure + "\n";
  }
  out += std::string("\nbundle verification: ") + (report.ExitStatus().ok() ? "PASSED" : "FAILED") +
         "\n";
  return out;
}

Status RunVerify(CommandContext& ctx) {
  const std::string format = ctx.GetString("format");
  AICR_RETURN_IF_ERROR(CheckFormat(format));
  client::VerifyConfig cfg;
  if (ctx.IsSet("config")) {
    AICR_ASSIGN_OR_RETURN(client::AicrConfig file,
                          client::LoadConfig(ctx.GetString("config"), serialize::InputOptions{}));
    AICR_ASSIGN_OR_RETURN(cfg, client::DecodeVerifyConfig(file.verify));
  }
  client::VerifyRequest req;
  req.bundle_dir = ctx.args().empty() ? std::string() : ctx.args().front();
  req.policy.min_trust_level = Pick(ctx, "min-trust-level", cfg.min_trust_level);
  req.policy.require_creator = Pick(ctx, "require-creator", cfg.require_creator);
  req.policy.cli_version_constraint =
      Pick(ctx, "cli-version-constraint", cfg.cli_version_constraint);
  req.certificate_identity_regexp =
      Pick(ctx, "certificate-identity-regexp", cfg.certificate_identity_regexp);
  req.key = Pick(ctx, "key", cfg.key);
  req.trust_root = Pick(ctx, "trust-root", cfg.trust_root);
  req.insecure_ignore_tlog = ctx.GetBool("insecure-ignore-tlog");
  req.registry.plain_http = ctx.GetBool("plain-http");
  req.registry.insecure_tls = ctx.GetBool("insecure-tls");
  const CancelToken cancel = ctx.cancel();
  req.registry.cancel = &cancel;

  log::Info("verifying bundle", {{"dir", req.bundle_dir}});
  AICR_ASSIGN_OR_RETURN(const client::VerifyReport report, client::Verify(req));
  if (format == "json") {
    AICR_ASSIGN_OR_RETURN(std::string bytes,
                          serialize::WriteJson(client::VerifyResultToValue(report.result)));
    ctx.out() << bytes;
  } else {
    ctx.out() << VerifyText(report);
  }
  ctx.out().flush();
  return report.ExitStatus();
}

Status RunVerifyBlob(CommandContext& ctx) {
  const std::string format = ctx.GetString("format");
  AICR_RETURN_IF_ERROR(CheckFormat(format));
  client::VerifyBlobRequest req;
  req.artifact = ctx.args().empty() ? std::string() : ctx.args().front();
  req.bundle = ctx.GetString("bundle");
  req.key = ctx.GetString("key");
  req.trusted_root = ctx.GetString("trusted-root");
  req.certificate_identity = ctx.GetString("certificate-identity");
  req.certificate_identity_regexp = ctx.GetString("certificate-identity-regexp");
  req.certificate_oidc_issuer = ctx.GetString("certificate-oidc-issuer");
  AICR_ASSIGN_OR_RETURN(const client::VerifyBlobResult result, client::VerifyBlob(req));
  if (format == "json") {
    AICR_ASSIGN_OR_RETURN(std::string bytes,
                          serialize::WriteJson(client::VerifyBlobResultToValue(result)));
    ctx.out() << bytes;
  } else if (result.verified) {
    ctx.out() << "verified" << (result.signer.empty() ? "" : " (signer: " + result.signer + ")")
              << "\n";
  } else {
    ctx.out() << "failed (" << result.failed_step << "): " << result.reason << "\n";
  }
  ctx.out().flush();
  return result.ExitStatus();
}

FlagSpec Flag(FlagSpec spec) { return spec; }

FlagSpec FormatFlag() {
  return Flag({.name = "format",
               .shorts = {'t'},
               .default_value = "text",
               .usage = "output format",
               .values = {"json", "text"}});
}

}  // namespace

CommandSpec VerifyCommand() {
  std::vector<FlagSpec> flags = {
      Flag({.name = "min-trust-level",
            .usage = "minimum trust level (default: verified when the bundle has an attestation, "
                     "unverified otherwise; max = the highest level its files allow)",
            .values = client::MinTrustLevelValues(),
            .value_name = "LEVEL"}),
      Flag({.name = "require-creator",
            .usage = "required bundle creator (exact match; with --key: the signed statement's "
                     "builder id)",
            .value_name = "IDENTITY"}),
      Flag({.name = "cli-version-constraint",
            .usage = "constraint on the aicr version that made the bundle (>= > <= < == !=; a "
                     "bare version means >=)",
            .value_name = "EXPR"}),
      Flag({.name = "certificate-identity-regexp",
            .usage = "identity pattern for the binary attestation (must begin with "
                     "https://github.com/NVIDIA/aicr/)",
            .value_name = "REGEXP"}),
      Flag({.name = "key",
            .usage = "PEM public key that must have signed the bundle attestation",
            .value_name = "FILE"}),
      Flag({.name = "trust-root",
            .usage = "private Sigstore trusted_root.json added to the built-in trust material",
            .value_name = "FILE"}),
      Flag({.name = "insecure-ignore-tlog",
            .type = FlagType::kBool,
            .usage = "do not require a transparency log entry (requires --key)"}),
      Flag({.name = "plain-http",
            .type = FlagType::kBool,
            .usage = "reach an oci:// bundle's registry over plain HTTP"}),
      Flag({.name = "insecure-tls",
            .type = FlagType::kBool,
            .usage = "do not verify the TLS certificate of an oci:// bundle's registry"}),
      FormatFlag(),
      Flag({.name = "config",
            .usage = "AICRConfig file or URL (spec.verify); flags win",
            .value_name = "SOURCE"}),
  };
  return CommandSpec{
      .name = "verify",
      .summary = "verify a bundle's integrity and attestations and report its trust level",
      .description =
          "Checks that the bundle matches its checksums.txt exactly (any extra, missing,\n"
          "changed or non-regular file fails), then verifies the bundle attestation with\n"
          "--key, or offline keyless (Fulcio + Rekor) against the embedded Sigstore root\n"
          "plus --trust-root, and a binary attestation against upstream's release\n"
          "workflow identity, and reports a trust level: verified (4), attested (3),\n"
          "unverified (2, no attestation) or unknown (1, a failed check). An attestation\n"
          "that exists but does not verify always gives unknown. A failed check exits 4\n"
          "(UNAUTHORIZED); a level below the minimum, a creator or version mismatch exits\n"
          "2. The report is printed first.\n"
          "\n"
          "    aicr verify ./bundle\n"
          "    aicr verify ./bundle --key cosign.pub --min-trust-level verified\n"
          "    aicr verify ./bundle --key cosign.pub --cli-version-constraint '>= 0.8.0' -t json\n",
      .args = {ArgSpec{.name = "bundle-dir", .usage = "the bundle directory"}},
      .flags = std::move(flags),
      .handler = RunVerify,
  };
}

CommandSpec VerifyBlobCommand() {
  std::vector<FlagSpec> flags = {
      Flag({.name = "bundle",
            .usage = "Sigstore bundle to verify (required)",
            .value_name = "FILE"}),
      Flag({.name = "key",
            .usage = "PEM public key the bundle must verify with",
            .value_name = "FILE"}),
      Flag({.name = "trusted-root",
            .usage = "Sigstore trusted_root.json for keyless verification (default: the "
                     "embedded public-good root)",
            .value_name = "FILE"}),
      Flag({.name = "certificate-identity",
            .usage = "expected certificate identity (certificate-based verification)",
            .value_name = "IDENTITY"}),
      Flag({.name = "certificate-identity-regexp",
            .usage = "expected certificate identity pattern (certificate-based verification)",
            .value_name = "REGEXP"}),
      Flag({.name = "certificate-oidc-issuer",
            .usage = "expected OIDC issuer (certificate-based verification)",
            .value_name = "URL"}),
      FormatFlag(),
  };
  return CommandSpec{
      .name = "verify-blob",
      .summary = "verify one Sigstore bundle against an artifact",
      .description =
          "Verifies a Sigstore bundle (message signature or DSSE envelope) against an\n"
          "artifact file or a `sha256:<hex>` digest and prints `verified` with the signer,\n"
          "or `failed (<step>): <reason>`. Exit 0 when verified, 2 (INVALID_REQUEST) for a\n"
          "bundle that does not parse, 4 (UNAUTHORIZED) for any other failure.\n"
          "Without --key the bundle is verified offline as a keyless (Fulcio + Rekor)\n"
          "signature: the certificate chains to a certificate authority of the trusted root\n"
          "(--trusted-root, default: the embedded Sigstore public-good root) valid at the\n"
          "signing time, which a transparency-log entry or an RFC 3161 timestamp proves; the\n"
          "SCT, the log entry's inclusion proof and checkpoint, and the signer's identity\n"
          "(--certificate-identity or --certificate-identity-regexp, and\n"
          "--certificate-oidc-issuer, required) are all checked. The failing step is named.\n"
          "\n"
          "    aicr verify-blob ./artifact.txt --bundle artifact.sigstore.json --key key.pub\n"
          "    aicr verify-blob ./a.txt --bundle a.sigstore.json \\\n"
          "      --certificate-identity-regexp '^https://github.com/acme/' \\\n"
          "      --certificate-oidc-issuer https://token.actions.githubusercontent.com\n"
          "    aicr verify-blob sha256:<hex> --bundle b.sigstore.json --key key.pub -t json\n",
      .args = {ArgSpec{.name = "artifact", .usage = "artifact file or sha256:<hex> digest"}},
      .flags = std::move(flags),
      .handler = RunVerifyBlob,
  };
}

}  // namespace aicr::cli
