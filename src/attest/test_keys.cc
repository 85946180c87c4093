#include "attest/test_keys.h"

#include <openssl/bio.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace aicr::attest::testing {
namespace {

std::string BioString(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "test_keys: %s\n", what);
  std::abort();
}

}  // namespace

std::string GeneratePrivateKeyPem(TestKey kind) {
  EVP_PKEY* key = nullptr;
  switch (kind) {
    case TestKey::kEcP256Pkcs8:
    case TestKey::kEcP256Sec1:
    case TestKey::kEncryptedEc:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case TestKey::kEcP384:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case TestKey::kEd25519:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
    case TestKey::kRsa:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048));
      break;
  }
  if (key == nullptr) {
    Die("key generation failed");
  }
  BIO* bio = BIO_new(BIO_s_mem());
  int ok = 0;
  if (kind == TestKey::kEcP256Sec1) {
    OSSL_ENCODER_CTX* ctx =
        OSSL_ENCODER_CTX_new_for_pkey(key, EVP_PKEY_KEYPAIR, "PEM", "type-specific", nullptr);
    ok = ctx != nullptr && OSSL_ENCODER_to_bio(ctx, bio) == 1 ? 1 : 0;
    OSSL_ENCODER_CTX_free(ctx);
  } else if (kind == TestKey::kEncryptedEc) {
    static const char kPass[] = "secret";
    ok = PEM_write_bio_PKCS8PrivateKey(bio, key, EVP_aes_256_cbc(), kPass,
                                       static_cast<int>(sizeof(kPass) - 1), nullptr, nullptr);
  } else {
    ok = PEM_write_bio_PKCS8PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  }
  if (ok != 1) {
    Die("key encoding failed");
  }
  std::string pem = BioString(bio);
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

std::string PublicPemOf(const std::string& private_pem) {
  BIO* in = BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(in, nullptr, nullptr, const_cast<char*>("secret"));
  BIO_free(in);
  if (key == nullptr) {
    Die("cannot read private key");
  }
  BIO* out = BIO_new(BIO_s_mem());
  if (PEM_write_bio_PUBKEY(out, key) != 1) {
    Die("cannot write public key");
  }
  std::string pem = BioString(out);
  BIO_free(out);
  EVP_PKEY_free(key);
  return pem;
}

std::string MakeTempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "aicr-attest-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    Die("mkdtemp failed");
  }
  return tmpl;
}

void RemoveTree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

void WriteFile(const std::string& path, const std::string& data, int mode) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << data;
    if (!out) {
      Die("cannot write file");
    }
  }
  if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0) {
    Die("chmod failed");
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace aicr::attest::testing
