#pragma once

/// \file
/// Facade: `aicr verify <bundle-dir>` (how far a bundle can be trusted) and
/// `aicr verify-blob` (one Sigstore bundle against one artifact).
///
/// Trust ladder (levels ordered unknown 1 < unverified 2 < attested 3 < verified 4):
///  1. checksums.txt is read once and the tree must match it exactly
///     (checksum::VerifyBundle). Any failure, a missing checksums.txt included,
///     gives **unknown**.
///  2. No `attestation/bundle-attestation.sigstore.json`: **unverified**.
///  3. The bundle attestation is parsed and verified, the artifact being the
///     SHA-256 of the exact checksums.txt bytes that step 1 verified: with the
///     `--key` public key, or without it keyless (offline, against the embedded
///     Sigstore public-good root plus `--trust-root`), accepting any signer, who is
///     reported as the creator. Its DSSE payload must be an in-toto statement with
///     a SLSA provenance v1 predicate. **An attestation that exists but does not
///     verify always gives unknown**, never unverified: a broken signature is worse
///     than none.
///  4. With a verified bundle attestation: a binary attestation
///     (`attestation/aicr-attestation.sigstore.json`), when present, must verify
///     keyless against the binary digest the statement records (its first resolved
///     dependency), with the identity pinned to upstream's release workflow
///     (kBinaryIdentityRegexp, or `--certificate-identity-regexp`) and issuer
///     kBinaryIdentityIssuer; if it fails the level stays **attested** and an error
///     entry records why. When it is absent and the signer was pinned by `--key`,
///     the level is not lowered for its absence; without a pinned signer it stops
///     at attested.
///  5. A top-level `data/` directory (external `--data`) caps the level at
///     **attested**; otherwise the bundle is **verified**.
///
/// Policy, applied after the ladder:
///  - minimum level: `--min-trust-level` (or spec.verify.policy.minTrustLevel);
///    by default `verified` when the bundle attestation file is present and
///    `unverified` otherwise (a missing attestation is never judged worse than a
///    broken one); `max` is the highest level the files present allow (unverified
///    without a bundle attestation, attested with one and a `data/` directory,
///    verified otherwise);
///  - `--require-creator`: exact match against the bundle creator, which in key
///    mode is the `runDetails.builder.id` of the verified (signed) statement;
///  - `--cli-version-constraint`: `>= > <= < == !=` or a bare version (meaning
///    `>=`), checked against the statement's `toolVersion`.
///
/// Exit mapping (done by the CLI): a verification error (checksums, attestation)
/// is UNAUTHORIZED; otherwise a policy failure is INVALID_REQUEST.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attest/keys.h"
#include "attest/trusted_root.h"
#include "base/clock.h"
#include "base/result.h"
#include "base/status.h"
#include "oci/registry.h"
#include "serialize/value.h"

namespace aicr::client {

/// Trust levels; the numeric value is the rank.
enum class TrustLevel { kUnknown = 1, kUnverified = 2, kAttested = 3, kVerified = 4 };

/// `unknown`, `unverified`, `attested` or `verified`.
std::string_view TrustLevelName(TrustLevel level);

/// Parses a level name (case-insensitive, trimmed; `max` is not a level).
/// INVALID_REQUEST `invalid trust level "x": must be one of unknown, unverified,
/// attested, verified`.
Result<TrustLevel> ParseTrustLevel(std::string_view text);

/// The level names, sorted, plus `max` last (completion, validation).
std::vector<std::string> MinTrustLevelValues();

/// What verification found; the JSON document of `aicr verify --format json`.
struct VerifyResult {
  TrustLevel trust_level = TrustLevel::kUnknown;
  bool checksums_passed = false;
  std::size_t checksum_files = 0;
  /// The bundle attestation verified.
  bool bundle_attested = false;
  /// The binary attestation verified.
  bool binary_attested = false;
  /// The signer identity was pinned: by `--key`, or by a binary attestation
  /// verified against the release CI identity.
  bool identity_pinned = false;
  /// The verified statement's builder id (key mode).
  std::string bundle_creator;
  /// The binary attestation's signer (when it verified).
  std::string binary_builder;
  /// The verified statement's `toolVersion`.
  std::string tool_version;
  bool has_external_data = false;
  /// Why the level is what it is.
  std::string trust_reason;
  /// Every verification failure, in ladder order.
  std::vector<std::string> errors;

  // Not part of the JSON document: which files exist (for `max` and the default
  // minimum), whatever the checksums say.
  bool bundle_attestation_present = false;
  bool binary_attestation_present = false;
};

/// The JSON document (all twelve fields, always present).
serialize::Value VerifyResultToValue(const VerifyResult& result);

/// One attestation's verification, as the ladder consumes it.
struct AttestationCheck {
  bool verified = false;
  /// Failure reason (`<step>: <reason>`) when !verified.
  std::string reason{};
  /// Signer identity shown as creator/builder.
  std::string signer{};
  /// The statement's toolVersion (bundle attestation only).
  std::string tool_version{};
  /// Whether verification pinned the signer (a `--key`, or an identity policy).
  bool identity_pinned = false;
  /// The producing binary's SHA-256 (hex) from the statement's first resolved
  /// dependency (bundle attestation only): what the binary attestation must cover.
  std::string binary_sha256{};
};

/// The trust material of keyless (certificate) verification in `aicr verify`.
struct KeylessTrust {
  /// The embedded public-good root, with `--trust-root` added.
  attest::TrustedRoot root{};
  /// The binary attestation's identity: upstream's release workflow, or the
  /// `--certificate-identity-regexp` override.
  std::string binary_identity_regexp{};
  /// "Now" for the transparency-log time checks (seconds since the epoch).
  std::int64_t now_unix = 0;
};

/// The release workflow that signs upstream binaries, and its OIDC issuer.
inline constexpr std::string_view kBinaryIdentityRegexp =
    "^https://github\\.com/NVIDIA/aicr/\\.github/workflows/on-tag\\.yaml@refs/tags/.*";
inline constexpr std::string_view kBinaryIdentityIssuer =
    "https://token.actions.githubusercontent.com";

/// Verifies the bundle attestation `bytes` against the checksums.txt digest: with
/// `key` when given, else keyless against `keyless` accepting any signer (the
/// signer is reported as the creator; `--require-creator` pins it). The payload
/// must be an in-toto statement with subject checksums.txt and SLSA provenance.
AttestationCheck CheckBundleAttestation(std::string_view bytes, const attest::PublicKey* key,
                                        const std::string& manifest_sha256,
                                        const KeylessTrust& keyless);

/// Verifies the binary attestation `bytes` keyless against `binary_sha256`, with the
/// identity pinned to the release workflow (issuer kBinaryIdentityIssuer).
AttestationCheck CheckBinaryAttestation(std::string_view bytes, const std::string& binary_sha256,
                                        const KeylessTrust& keyless);

/// The inputs of the ladder, gathered by Verify (or built by tests).
struct TrustInputs {
  /// checksum::VerifyBundle's status (OK when it passed).
  Status checksums;
  std::size_t checksum_files = 0;
  bool has_data_dir = false;
  bool bundle_attestation_present = false;
  bool binary_attestation_present = false;
  /// Consulted only when the checksums passed and the file is present.
  std::optional<AttestationCheck> bundle;
  /// Consulted only when the bundle attestation verified and the file is present.
  std::optional<AttestationCheck> binary;
};

/// Applies the ladder (see the file comment) to already-gathered inputs.
VerifyResult EvaluateTrust(const TrustInputs& inputs);

/// Policy checked after the ladder.
struct VerifyPolicy {
  /// "" (default: see the file comment), `max`, or a level name.
  std::string min_trust_level{};
  std::string require_creator{};
  std::string cli_version_constraint{};
};

/// The minimum level the policy asks of `result` ("" and `max` resolved).
/// INVALID_REQUEST for an unknown level name.
Result<TrustLevel> EffectiveMinimum(const VerifyResult& result, std::string_view min_trust_level);

/// The highest level the files present allow (`max`).
TrustLevel MaxAchievableTrustLevel(const VerifyResult& result);

/// "" when `result` satisfies `policy`, else a lower-case description of the first
/// unmet requirement. INVALID_REQUEST for a malformed policy (unknown level, bad
/// version constraint).
Result<std::string> CheckPolicy(const VerifyResult& result, const VerifyPolicy& policy);

/// Checks `--cli-version-constraint` against a tool version: "" when satisfied,
/// else why not (an empty or unparsable tool version fails). INVALID_REQUEST for a
/// malformed constraint.
Result<std::string> CheckToolVersion(std::string_view constraint, std::string_view tool_version);

/// Validates a `--certificate-identity-regexp` override: it must compile and, after
/// an optional leading `^`, start with `https://github.com/NVIDIA/aicr/` (dots may
/// be escaped), and its top level must not be an alternation. INVALID_REQUEST.
Status ValidateIdentityPattern(std::string_view pattern);

/// `aicr verify` input, flags and `--config` already merged.
struct VerifyRequest {
  /// A bundle directory, or `oci://registry/repo@sha256:<hex>`: the bundle pushed by
  /// `aicr bundle -o oci://…`, pulled by digest into a private temporary directory
  /// (digest and size checks, safe extraction) and verified there.
  std::string bundle_dir{};
  /// Registry access for an oci:// bundle (`--plain-http`, `--insecure-tls`).
  oci::RegistryOptions registry{};
  VerifyPolicy policy{};
  /// `--key`: a PEM public key file (`file://` allowed); KMS URIs are refused.
  std::string key{};
  /// `--trust-root`: a Sigstore trusted_root.json, validated (certificate-based
  /// verification that would use it is not available in this build).
  std::string trust_root{};
  std::string certificate_identity_regexp{};
  bool insecure_ignore_tlog = false;
  /// "Now" for keyless verification; null means the real clock.
  const Clock* clock = nullptr;
};

/// The verdict of `aicr verify`.
struct VerifyReport {
  VerifyResult result;
  /// The minimum that was applied.
  TrustLevel minimum = TrustLevel::kUnverified;
  /// "" when the policy holds.
  std::string policy_failure;

  /// OK, or the error the command exits with (the report is printed first):
  /// UNAUTHORIZED `bundle verification failed: <first error>` when any check
  /// failed, else INVALID_REQUEST `<policy failure>`.
  Status ExitStatus() const;
};

/// Validates the request's flags (INVALID_REQUEST: `--insecure-ignore-tlog requires
/// --key`, a bad identity pattern, a malformed policy; NOT_FOUND / INVALID_REQUEST
/// for an unreadable key or trust root; UNAVAILABLE for a KMS key), then runs the
/// ladder and the policy. Errors: NOT_FOUND when `bundle_dir` does not exist;
/// UNAVAILABLE for I/O failures. Failing checks are not errors here: see
/// VerifyReport::ExitStatus.
Result<VerifyReport> Verify(const VerifyRequest& request);

/// `spec.verify` of the `--config` file. Absent fields are empty.
struct VerifyConfig {
  std::string min_trust_level;              ///< policy.minTrustLevel
  std::string require_creator;              ///< policy.requireCreator
  std::string cli_version_constraint;       ///< policy.cliVersionConstraint
  std::string certificate_identity_regexp;  ///< trust.certificateIdentityRegexp
  std::string key;                          ///< trust.key
  std::string trust_root;                   ///< trust.trustRoot
};

/// Decodes `spec.verify` (null: all empty). INVALID_REQUEST naming the spec path
/// for an unknown field, a wrong type, or an invalid value
/// (`invalid spec.verify.policy.minTrustLevel ...`).
Result<VerifyConfig> DecodeVerifyConfig(const serialize::Value& section);

}  // namespace aicr::client
