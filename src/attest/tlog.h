#pragma once

/// \file
/// Transparency-log entry verification for Sigstore bundles (`verificationMaterial.tlogEntries[]`):
/// Rekor v1 entries (signed entry timestamp, inclusion proof against a signed checkpoint,
/// integrated time) and Rekor v2 entries (inclusion proof against a C2SP signed-note checkpoint;
/// no integrated time, so signing time must come from RFC 3161 timestamps), each checked for
/// consistency with the bundle's signature, digest, DSSE envelope and signer. Every rejection is
/// INVALID_REQUEST `tlog: <reason>`.

#include <cstdint>
#include <string>
#include <vector>

#include "attest/dsse.h"
#include "attest/sigstore_bundle.h"
#include "attest/trusted_root.h"
#include "base/result.h"
#include "base/status.h"
#include "serialize/value.h"

namespace aicr::attest {

/// What a log entry must match.
struct TlogContext {
  /// The bundle's minor version (1–3). From 2 on an inclusion proof is required; version 1
  /// requires a signed entry timestamp instead.
  int bundle_minor_version = 3;
  /// The signature bytes: messageSignature.signature, or the DSSE envelope's signature.
  std::string signature;
  /// messageSignature only: the raw SHA-256 digest of the artifact.
  std::string artifact_digest;
  /// The DSSE envelope when the bundle holds one (not owned; may be null).
  const DsseEnvelope* dsse = nullptr;
  /// The leaf (signing) certificate, DER; empty for key-signed bundles.
  std::string leaf_cert_der;
  /// The signer's public key as SPKI DER, for key-signed bundles (empty with a certificate).
  std::string public_key_spki_der;
};

/// Verifies one tlog entry (the JSON object from the bundle) against the trusted root.
///
/// Checks, in order: required fields and their encodings; the canonicalized body's kind and
/// apiVersion against kindVersion; the log id names a transparency log of `root`; for Rekor v1
/// entries the integrated time is positive, not after `now_unix`, inside the log key's validity
/// and inside the leaf certificate's validity, and the signed entry timestamp (when present, and
/// required for v0.1 bundles) verifies over the canonical
/// `{"body","integratedTime","logID","logIndex"}` JSON; the inclusion proof (required for v0.2+
/// bundles and for every Rekor v2 entry) recomputes the checkpoint's root hash from
/// SHA-256(0x00 || body) and the checkpoint is signed by the log (Rekor v1: key hint
/// SHA-256(SPKI)[:4]; Rekor v2: key hint = the log id's first four bytes, signer name = origin =
/// the log's host; cosignatures and lines by unknown keys are ignored; a v0.1 bundle's proof may
/// lack a checkpoint); finally the body matches the bundle (hashedrekord 0.0.1/0.0.2: digest,
/// signature and certificate or key; dsse 0.0.1: payload hash, signature and verifier;
/// intoto 0.0.2: payload type, payload hash, signature and public key).
///
/// On success `*integrated_time` (when not null) receives the Rekor v1 integrated time when a
/// signed entry timestamp authenticated it, else 0 (always 0 for Rekor v2 entries, whose signing
/// time must come from verified RFC 3161 timestamps).
Status VerifyTlogEntry(const serialize::Value& entry, const TrustedRoot& root,
                       const TlogContext& ctx, int64_t now_unix, int64_t* integrated_time);

/// The verified signing times of a bundle.
struct SigningTimes {
  /// Integrated times of Rekor v1 entries whose signed entry timestamp verified, in entry order.
  std::vector<int64_t> integrated_times;
  /// Generation times of RFC 3161 timestamps, in bundle order.
  std::vector<int64_t> timestamps;
};

/// Verifies every tlog entry (VerifyTlogEntry) and every RFC 3161 timestamp of `bundle`
/// (VerifyBundleTimestamps over `ctx.signature`), then checks that each timestamp lies inside the
/// leaf certificate's validity (`timestamp: time <t> is outside the signing certificate
/// validity`), that an entry without an authenticated integrated time (every Rekor v2 entry) comes
/// with at least one timestamp (`timestamp: log entry has no authenticated integrated time ...`)
/// inside its log key's validity, and that a certificate-signed bundle has at least one signing
/// time. Errors carry the `tlog:` or `timestamp:` prefix.
Result<SigningTimes> VerifyTlogAndTimestamps(const SigstoreBundle& bundle, const TrustedRoot& root,
                                             const TlogContext& ctx, int64_t now_unix);

}  // namespace aicr::attest
