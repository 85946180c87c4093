#pragma once

/// \file
/// Dead Simple Signing Envelopes (DSSE v1): the pre-authentication encoding, signing
/// with a local key, and verification.

#include <string>
#include <string_view>
#include <vector>

#include "attest/keys.h"
#include "base/result.h"

namespace aicr::attest {

/// The DSSE payload type of an in-toto statement.
inline constexpr std::string_view kInTotoPayloadType = "application/vnd.in-toto+json";

/// One DSSE signature.
struct DsseSignature {
  /// Key identifier; empty in Sigstore bundles.
  std::string keyid;
  /// Raw signature bytes (base64 only on the wire).
  std::string sig;

  friend bool operator==(const DsseSignature&, const DsseSignature&) = default;
};

/// A DSSE envelope with its payload decoded.
struct DsseEnvelope {
  std::string payload_type;
  /// Raw payload bytes (base64 only on the wire).
  std::string payload;
  std::vector<DsseSignature> signatures;

  friend bool operator==(const DsseEnvelope&, const DsseEnvelope&) = default;
};

/// DSSE v1 pre-authentication encoding: "DSSEv1 " len(type) " " type " " len(payload) " " payload
/// (lengths in ASCII decimal bytes).
std::string Pae(std::string_view payload_type, std::string_view payload);

/// One signature by `key` over Pae(...); keyid "" (Sigstore leaves it empty).
Result<DsseEnvelope> SignEnvelope(const PrivateKey& key, std::string_view payload_type,
                                  std::string_view payload);

/// Whether at least one signature verifies with `key` over the PAE.
bool VerifyEnvelope(const DsseEnvelope& envelope, const PublicKey& key);

}  // namespace aicr::attest
