#pragma once

/// \file
/// Verifies a recipe evidence bundle: a directory written by `aicr validate
/// --emit-attestation` (or its `summary-bundle/`), a `pointer.yaml`, or a bundle
/// materialized from a registry by the caller. Checks, in order: the signature when
/// `attestation.intoto.jsonl` is present (with a key, or keyless against a trusted
/// root and an optional identity pinning; the predicate is then taken from the
/// verified payload and must equal statement.intoto.json), the statement
/// and predicate schema, the manifest (every listed file re-hashed, no unlisted
/// file, the manifest's digest and file count equal to predicate.manifest), each
/// phase's ctrfDigest and the BOM digest, and the recipe identity (the canonical
/// digest of the bundled recipe.yaml equal to the subject and predicate.recipe,
/// the name and profile selection matching, the pointer agreeing, its signer
/// identity and issuer equal to the certificate's when keyless).
///
/// Verdict (`exit`): 0 valid (`pending` when unsigned: self-consistency only),
/// 1 valid but failures recorded in a phase, 2 invalid, 3 no verdict.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "attest/certificate.h"
#include "attest/keys.h"
#include "attest/trusted_root.h"
#include "base/result.h"
#include "serialize/value.h"

namespace aicr::evidence {

/// Verdicts.
inline constexpr int kVerdictValid = 0;
inline constexpr int kVerdictRecordedFailures = 1;
inline constexpr int kVerdictInvalid = 2;
inline constexpr int kVerdictNoVerdict = 3;

struct VerifyOptions {
  /// `--key`: verifies attestation.intoto.jsonl with this key.
  std::optional<attest::PublicKey> key;
  /// Without `key`, a present signature is verified keyless (Fulcio certificate,
  /// transparency log, timestamps) against this root; null = no verdict (exit 3,
  /// class signature).
  const attest::TrustedRoot* trusted_root = nullptr;
  /// Keyless identity pinning (`--expected-identity-regexp` as san_regex,
  /// `--expected-issuer` as issuer); empty fields accept any signer.
  attest::IdentityPolicy identity{};
  /// "Now" for the transparency-log time checks; 0 = the current time.
  int64_t now_unix = 0;
  /// Materializes a pinned `oci://...@sha256:...` reference into a local
  /// directory holding the bundle files; null = registry inputs are refused.
  std::function<Result<std::string>(const std::string& ref)> fetch_oci;
};

/// One check and its outcome.
struct EvidenceCheck {
  std::string name;
  bool passed = false;
  std::string detail;
};

/// The report.
struct EvidenceReport {
  int exit = kVerdictValid;
  /// Unsigned bundle that passed every other check.
  bool pending = false;
  bool signature_verified = false;
  std::string signer;         ///< key hint, or the certificate identity (keyless), when verified
  std::string signer_issuer;  ///< the certificate's OIDC issuer (keyless only)
  std::string bundle_dir;
  std::string recipe_name;
  std::string recipe_digest;  ///< hex
  std::string predicate_type;
  std::string attested_at;
  /// predicate.phases (null when unreadable).
  serialize::Value phases;
  std::vector<EvidenceCheck> checks;
  /// Set when exit != 0: registry-forbidden, registry, not-found, signature,
  /// integrity, schema, transient, canceled or unknown (recorded failures); and a
  /// hint for the user.
  std::string failure_class;
  std::string failure_hint;
};

/// Verifies `input` (see the file comment). Errors only when the input cannot be
/// located at all: NOT_FOUND for a missing path, INVALID_REQUEST for a tag-only
/// registry reference (unless `allow_unpinned_tag`) or a registry input without a
/// fetcher. A failed fetch is verdict 3 with class registry-forbidden, not-found,
/// transient, canceled or registry; everything about the bundle's content is
/// reported in the EvidenceReport.
Result<EvidenceReport> VerifyEvidence(const std::string& input, const VerifyOptions& options,
                                      bool allow_unpinned_tag = false);

/// The JSON form: exit, pending, signatureVerified, signer?, issuer?, bundle, recipe{name,
/// digest}, predicateType, attestedAt, phases, checks[{name, passed, detail?}],
/// failureCause{class, hint} (when exit is 2 or 3).
serialize::Value ReportToValue(const EvidenceReport& report);

/// The Markdown form.
std::string RenderReportMarkdown(const EvidenceReport& report);

}  // namespace aicr::evidence
