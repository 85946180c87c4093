#pragma once

/// \file
/// Signing and verification keys for attestations: ECDSA P-256 (SHA-256) and
/// Ed25519, loaded from PEM files. Only local keys are supported in this build; KMS
/// URIs are recognised and rejected as UNAVAILABLE. OpenSSL stays an implementation
/// detail (no OpenSSL type appears here).

#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

namespace aicr::attest {

/// The signature schemes a key can use.
enum class KeyAlgorithm {
  /// ECDSA over NIST P-256 with SHA-256; signatures are ASN.1 DER.
  kEcdsaP256Sha256,
  /// Pure Ed25519 (RFC 8032); signatures are 64 raw bytes.
  kEd25519,
};

/// `ecdsa-p256-sha256` or `ed25519`.
std::string_view KeyAlgorithmName(KeyAlgorithm algorithm);

/// A public verification key. Cheap to copy (shared, immutable).
class PublicKey {
 public:
  /// Parses a PEM "PUBLIC KEY" (SPKI). INVALID_REQUEST naming `what` for bad PEM or an
  /// unsupported key type/curve.
  static Result<PublicKey> FromPem(std::string_view pem, std::string_view what);
  /// Parses a DER SubjectPublicKeyInfo; errors as FromPem.
  static Result<PublicKey> FromDer(std::string_view spki_der, std::string_view what);

  /// The key's signature scheme.
  KeyAlgorithm algorithm() const;
  /// ECDSA: ASN.1 DER signature over SHA-256(message). Ed25519: pure Ed25519 over message.
  bool Verify(std::string_view message, std::string_view signature) const;
  /// ECDSA only: verify a DER signature against a precomputed SHA-256 digest (32 bytes).
  /// Always false for Ed25519 keys.
  bool VerifyDigest(std::string_view sha256_digest, std::string_view signature) const;
  /// The DER SubjectPublicKeyInfo.
  std::string SpkiDer() const;
  /// The PEM "PUBLIC KEY" form, ending with a newline.
  std::string Pem() const;
  /// The key hint Sigstore uses: standard base64 of SHA-256(SPKI DER).
  std::string Hint() const;

 private:
  PublicKey(std::shared_ptr<void> key, KeyAlgorithm algorithm);
  friend class PrivateKey;

  std::shared_ptr<void> key_;  // EVP_PKEY
  KeyAlgorithm algorithm_ = KeyAlgorithm::kEcdsaP256Sha256;
};

/// A private signing key. Cheap to copy (shared, immutable).
class PrivateKey {
 public:
  /// Unencrypted PEM: PKCS#8 "PRIVATE KEY" or SEC1 "EC PRIVATE KEY". Encrypted keys →
  /// INVALID_REQUEST "... is encrypted; decrypt it first" (no prompts). Unsupported
  /// curve/type → INVALID_REQUEST naming `what`.
  static Result<PrivateKey> FromPem(std::string_view pem, std::string_view what);

  /// The key's signature scheme.
  KeyAlgorithm algorithm() const;
  /// Signs `message`: ECDSA gives a DER signature over SHA-256(message), Ed25519 a pure
  /// Ed25519 signature. INTERNAL when the crypto library fails.
  Result<std::string> Sign(std::string_view message) const;
  /// The matching public key.
  PublicKey public_key() const;

 private:
  PrivateKey(std::shared_ptr<void> key, KeyAlgorithm algorithm);

  std::shared_ptr<void> key_;  // EVP_PKEY
  KeyAlgorithm algorithm_ = KeyAlgorithm::kEcdsaP256Sha256;
};

/// Largest key file LoadSigningKey / LoadPublicKey read.
inline constexpr std::size_t kMaxKeyFileBytes = 64 * 1024;

/// `--signing-key` values: `file://PATH` or a bare path → a local PEM private key (file capped
/// at 64 KiB; a group/world-readable key file is accepted but a warning is logged).
/// `awskms://`, `gcpkms://`, `azurekms://`, `hashivault://` → UNAVAILABLE
/// `signing key "<uri>": KMS keys are not supported in this build`. Any other `scheme://` →
/// INVALID_REQUEST. Missing file → NOT_FOUND.
Result<PrivateKey> LoadSigningKey(std::string_view uri);

/// `--key` values: `file://PATH` or a bare path to a PEM public key; KMS schemes →
/// UNAVAILABLE as above (`key "<uri>": ...`), other schemes INVALID_REQUEST, missing file
/// NOT_FOUND.
Result<PublicKey> LoadPublicKey(std::string_view uri);

}  // namespace aicr::attest
