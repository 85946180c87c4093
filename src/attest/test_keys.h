#pragma once

/// \file
/// Test-only helpers: fresh keys generated at test time (nothing is committed).

#include <string>

namespace aicr::attest::testing {

/// The kinds of PEM private keys tests need.
enum class TestKey {
  kEcP256Pkcs8,  ///< "PRIVATE KEY", P-256
  kEcP256Sec1,   ///< "EC PRIVATE KEY", P-256
  kEd25519,      ///< "PRIVATE KEY", Ed25519
  kEcP384,       ///< "PRIVATE KEY", P-384 (unsupported curve)
  kRsa,          ///< "PRIVATE KEY", RSA 2048 (unsupported type)
  kEncryptedEc,  ///< "ENCRYPTED PRIVATE KEY", P-256, passphrase "secret"
};

/// A freshly generated PEM private key of `kind`; aborts the test binary on failure.
std::string GeneratePrivateKeyPem(TestKey kind);

/// The PEM "PUBLIC KEY" of a PEM private key of any type (RSA and P-384 included).
std::string PublicPemOf(const std::string& private_pem);

/// A unique temporary directory (removed by RemoveTree).
std::string MakeTempDir();
/// `rm -r` of `path`.
void RemoveTree(const std::string& path);
/// Writes `data` to `path` with `mode`.
void WriteFile(const std::string& path, const std::string& data, int mode = 0600);
/// Reads a whole file ("" when missing).
std::string ReadFile(const std::string& path);

}  // namespace aicr::attest::testing
