#pragma once

/// \file
/// `aicr bundle --attest`: the signing preconditions, checked before anything is
/// read, computed or written, and the bundle attestation added to the in-memory
/// tree once the bundle is built (aicr-bundle §5, supply chain §1.2).
///
/// Signing modes of this build:
/// - a local PEM key (`--signing-key file://key.pem` or a bare path; ECDSA P-256 or
///   Ed25519) with `--tlog-upload=false`: offline signing, the key hint recorded in
///   the Sigstore bundle's verification material;
/// - keyless signing (Fulcio certificate + Rekor entry) and KMS keys are not
///   available: UNAVAILABLE before any work;
/// - a local key with `--tlog-upload=true` (the default) is rejected with
///   INVALID_REQUEST asking for `--tlog-upload=false`, since nothing can be uploaded
///   to a transparency log.
///
/// Reproducibility: by default the provenance carries a random invocationId and the
/// current time as startedOn. When SOURCE_DATE_EPOCH is set the invocationId is
/// omitted and startedOn is that instant, so the same inputs and key produce the
/// same statement (and, for Ed25519 keys, the same signature bytes).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "attest/keys.h"
#include "base/clock.h"
#include "base/result.h"
#include "base/status.h"
#include "layout/file_tree.h"

namespace aicr::client {

/// Path of the bundle's own attestation inside the bundle.
inline constexpr char kBundleAttestationPath[] = "attestation/bundle-attestation.sigstore.json";
/// Path of the copied binary attestation inside the bundle.
inline constexpr char kBinaryAttestationPath[] = "attestation/aicr-attestation.sigstore.json";
/// Suffix of the binary attestation that may sit next to the executable.
inline constexpr char kBinaryAttestationSuffix[] = "-attestation.sigstore.json";

/// Signing settings of `aicr bundle` (flags, their environment twins and
/// `spec.bundle.attestation`). Empty strings and false mean "not given".
struct BundleAttestRequest {
  bool attest = false;                      ///< --attest
  std::string signing_key;                  ///< --signing-key
  std::optional<bool> tlog_upload;          ///< --tlog-upload; nullopt = default (true)
  std::string identity_token;               ///< --identity-token
  bool oidc_device_flow = false;            ///< --oidc-device-flow
  std::string fulcio_url;                   ///< --fulcio-url
  std::string rekor_url;                    ///< --rekor-url
  std::string signing_config;               ///< --signing-config
  std::string certificate_identity_regexp;  ///< --certificate-identity-regexp
  bool assume_yes = false;                  ///< --yes
  /// SOURCE_DATE_EPOCH (seconds): when set, invocationId is omitted and startedOn is
  /// this instant.
  std::optional<std::int64_t> source_date_epoch;
  /// The running binary, recorded as the first resolved dependency; "" = the
  /// process's own executable (/proc/self/exe).
  std::string executable;
  /// Time source for startedOn; null = the real clock.
  const Clock* clock = nullptr;
};

/// What PrepareBundleSigner established up front.
struct BundleSigner {
  attest::PrivateKey key;
  /// runDetails.builder.id: `key:<sigstore key hint>` for a local key.
  std::string builder_id = {};
  /// Absolute path and SHA-256 of the running binary.
  std::string executable_path = {};
  std::string executable_sha256 = {};
  /// The binary attestation found next to the executable (parse-checked), if any.
  std::optional<std::string> binary_attestation = {};
  /// runDetails.metadata (empty = omitted).
  std::string invocation_id = {};
  std::string started_on = {};
};

/// Checks every signing rule, loads and validates the key, hashes the running
/// binary and parse-checks its attestation sidecar — before the caller does any
/// bundle work. nullopt when `--attest` is off (and no signing setting was given).
///
/// Errors, in this order:
/// - INVALID_REQUEST `--<flag> requires --attest` for a signing setting without
///   `--attest`;
/// - INVALID_REQUEST `--signing-key cannot be combined with --<flag>` (identity
///   token, OIDC device flow, Fulcio URL); `--rekor-url cannot be combined with
///   --signing-config`; `--tlog-upload=false requires --signing-key`;
/// - INVALID_REQUEST `--<flag> "<url>": <reason>` for a Fulcio/Rekor URL that is not
///   absolute https or carries credentials, and for a
///   `--certificate-identity-regexp` that does not pin the AICR repository
///   (ValidateIdentityPattern, client/verify.h);
/// - UNAVAILABLE `keyless signing ... is not supported in this build` without
///   `--signing-key`; UNAVAILABLE for KMS key URIs; the key loader's
///   NOT_FOUND/INVALID_REQUEST for a missing or bad key file;
/// - INVALID_REQUEST `... --tlog-upload=false` for a local key with tlog upload on;
/// - INVALID_REQUEST naming the sidecar when the binary attestation next to the
///   executable does not parse; UNAVAILABLE when the binary cannot be read.
Result<std::optional<BundleSigner>> PrepareBundleSigner(const BundleAttestRequest& request);

/// What the provenance predicate records about this bundle.
struct BundleProvenanceInputs {
  std::string recipe;                        ///< criteria string
  bool external_data = false;                ///< --data was used
  std::vector<std::string> components = {};  ///< deployment order
  std::string output_dir = {};
  std::string tool_version = {};
};

/// Signs `checksums.txt` of `tree` (subject: its exact bytes) and adds
/// kBundleAttestationPath (mode 0600) and, when the signer found one,
/// kBinaryAttestationPath. Returns the Sigstore bundle JSON. Dependencies: the
/// running binary, then every `data/**` file of the tree (path order).
/// INVALID_REQUEST when the tree has no checksums.txt or already holds an
/// attestation; INTERNAL when signing fails.
Result<std::string> AttestBundleTree(const BundleSigner& signer,
                                     const BundleProvenanceInputs& inputs, layout::FileTree* tree);

}  // namespace aicr::client
