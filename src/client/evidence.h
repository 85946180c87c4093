#pragma once

/// \file
/// Facade: `aicr evidence digest|verify|publish`. The bundle itself is written by
/// `aicr validate --emit-attestation` (client/validate.h).

#include <string>

#include "base/cancel.h"
#include "base/clock.h"
#include "base/result.h"
#include "base/status.h"
#include "client/client.h"
#include "evidence/verifier.h"

namespace aicr::client {

/// `aicr evidence digest -r <recipe>`.
struct EvidenceDigestRequest {
  std::string recipe;      ///< RecipeResult or overlay: file, http(s) URL or cm://
  std::string profile{};   ///< `--profile name=value`; overlays only
  std::string data_dir{};  ///< `--data`: the catalogue overlays are resolved against
  CancelToken cancel;
};

/// The lowercase hex sha256 of the recipe's canonical form (predicate.recipe.digest
/// and the subject digest of its evidence); an overlay is resolved first
/// (LoadRecipeInput, whose errors these are).
Result<std::string> EvidenceDigest(const Client& client, const EvidenceDigestRequest& request);

/// `aicr evidence verify <input>`.
struct EvidenceVerifyRequest {
  std::string input;  ///< directory, pointer.yaml or oci://...@sha256:...
  std::string key;    ///< `--key`: public key (file:// or path); "" = keyless
  /// Keyless only: `--expected-issuer` (exact OIDC issuer) and
  /// `--expected-identity-regexp` (searched in the certificate SAN); "" = any.
  std::string expected_issuer{};
  std::string expected_identity_regexp{};
  /// Keyless only: `--trust-root`, a trusted_root.json added to the embedded
  /// Sigstore public-good root.
  std::string trust_root{};
  /// "Now" for the transparency-log checks; null = the real clock.
  const Clock* clock = nullptr;
  bool allow_unpinned_tag = false;
  bool plain_http = false;
  bool insecure_tls = false;
  CancelToken cancel;
};

/// Verifies the evidence (evidence::VerifyEvidence): a signature with the key, or
/// keyless against the trusted root and the expected identity. Errors: the key's
/// and trust root's load errors; INVALID_REQUEST for an invalid identity pattern or
/// keyless flags combined with --key; NOT_FOUND for a missing input;
/// INVALID_REQUEST for a tag-only registry reference without
/// `allow_unpinned_tag`; the registry's errors while pulling.
Result<evidence::EvidenceReport> VerifyEvidence(const Client& client,
                                                const EvidenceVerifyRequest& request);

/// The process status of a report: OK for verdict 0; INVALID_REQUEST (exit 2) for
/// 1 and 2; for 3, TIMEOUT (exit 5) when the cause is transient, CANCELED (exit 9)
/// when canceled, else INVALID_REQUEST.
Status EvidenceVerdictStatus(const evidence::EvidenceReport& report);

/// `aicr evidence publish <dir>`.
struct EvidencePublishRequest {
  std::string dir;          ///< an `--emit-attestation` directory
  std::string signing_key;  ///< `--signing-key` (file:// or path); "" = keyless
  std::string push;         ///< `--push oci://...`; "" = sign locally only
  bool plain_http = false;
  bool insecure_tls = false;
  CancelToken cancel;
};

/// What publish did.
struct EvidencePublishResult {
  std::string attestation_path;
  std::string pushed_ref;  ///< `oci://<repo>@sha256:...` when pushed
};

/// Signs `<dir>/summary-bundle` (attestation.intoto.jsonl) with the local key and,
/// with `push`, pushes it (evidence::PushEvidence: the signature attached as a
/// referrer, the pinned digest written to pointer.yaml). Errors: UNAVAILABLE
/// `keyless signing is not supported in this build` without a key; the key's load
/// errors; NOT_FOUND for a directory without a summary bundle; INVALID_REQUEST for
/// an invalid bundle (checked before signing); registry errors.
Result<EvidencePublishResult> PublishEvidence(const Client& client,
                                              const EvidencePublishRequest& request);

}  // namespace aicr::client
