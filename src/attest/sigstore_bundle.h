#pragma once

/// \file
/// Sigstore bundles (protobuf-JSON, media types v0.1–v0.3): parsing with specific
/// rejections, canonical marshalling, and producing a key-signed DSSE bundle.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attest/dsse.h"
#include "attest/keys.h"
#include "base/result.h"
#include "serialize/value.h"

namespace aicr::attest {

/// The v0.3 media type we write.
inline constexpr std::string_view kBundleMediaTypeV03 =
    "application/vnd.dev.sigstore.bundle.v0.3+json";
// Also accepted: "application/vnd.dev.sigstore.bundle+json;version=0.1|0.2|0.3"; anything else is
// rejected ("unknown bundle version").

/// Largest bundle ParseSigstoreBundle accepts.
inline constexpr std::size_t kMaxSigstoreBundleBytes = 16 * 1024 * 1024;

/// A `messageSignature`: a signature over an artifact, with its digest.
struct MessageSignature {
  /// "SHA2_256".
  std::string digest_algorithm;
  /// Raw digest bytes.
  std::string digest;
  /// Raw signature bytes.
  std::string signature;

  friend bool operator==(const MessageSignature&, const MessageSignature&) = default;
};

/// `verificationMaterial`.
struct VerificationMaterial {
  /// publicKey.hint.
  std::optional<std::string> public_key_hint;
  /// certificate.rawBytes or x509CertificateChain.certificates (leaf first), DER bytes.
  std::vector<std::string> certificate_chain_der;
  /// tlogEntries as parsed JSON (a sequence; null when absent).
  serialize::Value tlog_entries;
  /// timestampVerificationData as parsed JSON (null when absent).
  serialize::Value timestamp_verification_data;
};

/// A parsed Sigstore bundle.
struct SigstoreBundle {
  std::string media_type;
  /// 1, 2 or 3.
  int minor_version = 3;
  VerificationMaterial material;
  std::optional<DsseEnvelope> dsse;
  std::optional<MessageSignature> message_signature;
};

/// Parse with specific INVALID_REQUEST reasons (`sigstore bundle: <reason>`): malformed JSON,
/// unknown media type/version, bad base64, neither or both of dsseEnvelope/messageSignature,
/// missing verification material, an empty certificate chain, a negative logIndex. Size cap
/// 16 MiB.
Result<SigstoreBundle> ParseSigstoreBundle(std::string_view json);

/// Protobuf-JSON (camelCase, bytes as standard base64, int64 as strings) with sorted keys and a
/// final newline.
Result<std::string> MarshalSigstoreBundle(const SigstoreBundle& bundle);

/// A v0.3 bundle with publicKey.hint = key hint, no tlog entries, holding SignEnvelope(...)'s
/// envelope.
Result<SigstoreBundle> SignDsseBundle(const PrivateKey& key, std::string_view payload_type,
                                      std::string_view payload);

}  // namespace aicr::attest
