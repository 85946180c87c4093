#include "attest/keys.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "base/base64.h"
#include "base/log.h"
#include "base/status_macros.h"

namespace aicr::attest {
namespace {

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;

EVP_PKEY* Raw(const std::shared_ptr<void>& key) { return static_cast<EVP_PKEY*>(key.get()); }

std::shared_ptr<void> Wrap(EVP_PKEY* key) {
  return std::shared_ptr<void>(key, [](void* p) { EVP_PKEY_free(static_cast<EVP_PKEY*>(p)); });
}

BioPtr MemBio(std::string_view data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())), &BIO_free);
}

// Never prompts: an encrypted key makes the read fail instead.
int NoPassword(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) { return -1; }

// The algorithm of a supported key, or INVALID_REQUEST naming `what`.
Result<KeyAlgorithm> ClassifyKey(EVP_PKEY* key, std::string_view what) {
  const int id = EVP_PKEY_get_base_id(key);
  if (id == EVP_PKEY_ED25519) {
    return KeyAlgorithm::kEd25519;
  }
  if (id == EVP_PKEY_EC) {
    std::array<char, 64> group{};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group.data(), group.size(),
                                       &len) != 1) {
      return InvalidRequestError(std::string(what) + ": elliptic-curve key has no named curve");
    }
    const std::string name(group.data(), len);
    if (name != "prime256v1" && name != "P-256") {
      return InvalidRequestError(std::string(what) + ": unsupported elliptic curve \"" + name +
                                 "\" (supported: P-256, Ed25519)");
    }
    return KeyAlgorithm::kEcdsaP256Sha256;
  }
  const char* type = EVP_PKEY_get0_type_name(key);
  return InvalidRequestError(std::string(what) + ": unsupported key type \"" +
                             (type != nullptr ? type : "unknown") +
                             "\" (supported: ECDSA P-256, Ed25519)");
}

bool VerifyWith(EVP_PKEY* key, KeyAlgorithm algorithm, std::string_view message,
                std::string_view signature) {
  MdCtxPtr ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx) {
    return false;
  }
  const EVP_MD* md = algorithm == KeyAlgorithm::kEd25519 ? nullptr : EVP_sha256();
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) != 1) {
    ERR_clear_error();
    return false;
  }
  const int rc = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
      reinterpret_cast<const unsigned char*>(message.data()), message.size());
  ERR_clear_error();
  return rc == 1;
}

bool HasScheme(std::string_view uri, std::string_view* scheme) {
  const auto pos = uri.find("://");
  if (pos == std::string_view::npos || pos == 0) {
    return false;
  }
  for (char c : uri.substr(0, pos)) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '-' || c == '.';
    if (!ok) {
      return false;
    }
  }
  *scheme = uri.substr(0, pos);
  return true;
}

// Resolves a key URI to a local path. `label` is "signing key" or "key".
Result<std::string> KeyPath(std::string_view uri, std::string_view label) {
  const std::string quoted = std::string(label) + " \"" + std::string(uri) + "\"";
  if (uri.empty()) {
    return InvalidRequestError(std::string(label) + ": empty key reference");
  }
  std::string_view scheme;
  if (!HasScheme(uri, &scheme)) {
    return std::string(uri);
  }
  if (scheme == "file") {
    std::string path(uri.substr(7));
    if (path.empty()) {
      return InvalidRequestError(quoted + ": file:// needs a path");
    }
    return path;
  }
  if (scheme == "awskms" || scheme == "gcpkms" || scheme == "azurekms" || scheme == "hashivault") {
    return UnavailableError(quoted + ": KMS keys are not supported in this build");
  }
  return InvalidRequestError(quoted + ": unsupported key scheme \"" + std::string(scheme) +
                             "://\" (use file://PATH or a path)");
}

// Reads a key file (capped); warns when a private key is readable by group or others.
Result<std::string> ReadKeyFile(const std::string& path, std::string_view label,
                                bool warn_if_shared) {
  const std::string what = std::string(label) + " \"" + path + "\"";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
      return NotFoundError(what + ": file not found");
    }
    return UnavailableError(what + ": " + std::strerror(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return InvalidRequestError(what + ": not a regular file");
  }
  if (static_cast<std::size_t>(st.st_size) > kMaxKeyFileBytes) {
    ::close(fd);
    return InvalidRequestError(what + ": file is larger than " + std::to_string(kMaxKeyFileBytes) +
                               " bytes");
  }
  if (warn_if_shared && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    log::Warn("private key file is readable by group or others; restrict it to mode 0600",
              {{"path", path}});
  }
  std::string data;
  std::array<char, 8192> buf{};
  while (true) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      const int err = errno;
      ::close(fd);
      return UnavailableError(what + ": " + std::strerror(err));
    }
    if (n == 0) {
      break;
    }
    data.append(buf.data(), static_cast<std::size_t>(n));
    if (data.size() > kMaxKeyFileBytes) {
      ::close(fd);
      return InvalidRequestError(what + ": file is larger than " +
                                 std::to_string(kMaxKeyFileBytes) + " bytes");
    }
  }
  ::close(fd);
  return data;
}

}  // namespace

std::string_view KeyAlgorithmName(KeyAlgorithm algorithm) {
  switch (algorithm) {
    case KeyAlgorithm::kEcdsaP256Sha256:
      return "ecdsa-p256-sha256";
    case KeyAlgorithm::kEd25519:
      return "ed25519";
  }
  return "unknown";
}

PublicKey::PublicKey(std::shared_ptr<void> key, KeyAlgorithm algorithm)
    : key_(std::move(key)), algorithm_(algorithm) {}

Result<PublicKey> PublicKey::FromPem(std::string_view pem, std::string_view what) {
  if (pem.find("-----BEGIN PUBLIC KEY-----") == std::string_view::npos) {
    if (pem.find("PRIVATE KEY-----") != std::string_view::npos) {
      return InvalidRequestError(std::string(what) +
                                 ": holds a private key; a PEM \"PUBLIC KEY\" is expected");
    }
    return InvalidRequestError(std::string(what) + ": no PEM \"PUBLIC KEY\" block found");
  }
  BioPtr bio = MemBio(pem);
  EVP_PKEY* raw = PEM_read_bio_PUBKEY(bio.get(), nullptr, &NoPassword, nullptr);
  ERR_clear_error();
  if (raw == nullptr) {
    return InvalidRequestError(std::string(what) + ": malformed PEM public key");
  }
  std::shared_ptr<void> key = Wrap(raw);
  AICR_ASSIGN_OR_RETURN(KeyAlgorithm algorithm, ClassifyKey(raw, what));
  return PublicKey(std::move(key), algorithm);
}

Result<PublicKey> PublicKey::FromDer(std::string_view spki_der, std::string_view what) {
  const auto* p = reinterpret_cast<const unsigned char*>(spki_der.data());
  EVP_PKEY* raw = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki_der.size()));
  ERR_clear_error();
  if (raw == nullptr) {
    return InvalidRequestError(std::string(what) + ": malformed DER public key");
  }
  std::shared_ptr<void> key = Wrap(raw);
  if (p != reinterpret_cast<const unsigned char*>(spki_der.data()) + spki_der.size()) {
    return InvalidRequestError(std::string(what) + ": trailing data after DER public key");
  }
  AICR_ASSIGN_OR_RETURN(KeyAlgorithm algorithm, ClassifyKey(raw, what));
  return PublicKey(std::move(key), algorithm);
}

KeyAlgorithm PublicKey::algorithm() const { return algorithm_; }

bool PublicKey::Verify(std::string_view message, std::string_view signature) const {
  if (!key_) {
    return false;
  }
  return VerifyWith(Raw(key_), algorithm_, message, signature);
}

bool PublicKey::VerifyDigest(std::string_view sha256_digest, std::string_view signature) const {
  if (!key_ || algorithm_ != KeyAlgorithm::kEcdsaP256Sha256 || sha256_digest.size() != 32) {
    return false;
  }
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(Raw(key_), nullptr), &EVP_PKEY_CTX_free);
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1) {
    ERR_clear_error();
    return false;
  }
  const int rc = EVP_PKEY_verify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
      reinterpret_cast<const unsigned char*>(sha256_digest.data()), sha256_digest.size());
  ERR_clear_error();
  return rc == 1;
}

std::string PublicKey::SpkiDer() const {
  if (!key_) {
    return "";
  }
  unsigned char* out = nullptr;
  const int len = i2d_PUBKEY(Raw(key_), &out);
  if (len <= 0) {
    ERR_clear_error();
    return "";
  }
  std::string der(reinterpret_cast<const char*>(out), static_cast<std::size_t>(len));
  OPENSSL_free(out);
  return der;
}

std::string PublicKey::Pem() const {
  if (!key_) {
    return "";
  }
  BioPtr bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), Raw(key_)) != 1) {
    ERR_clear_error();
    return "";
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string PublicKey::Hint() const {
  const std::string der = SpkiDer();
  std::array<unsigned char, 32> digest{};
  unsigned int len = 0;
  if (EVP_Digest(der.data(), der.size(), digest.data(), &len, EVP_sha256(), nullptr) != 1) {
    ERR_clear_error();
    return "";
  }
  return EncodeBase64(std::string_view(reinterpret_cast<const char*>(digest.data()), len));
}

PrivateKey::PrivateKey(std::shared_ptr<void> key, KeyAlgorithm algorithm)
    : key_(std::move(key)), algorithm_(algorithm) {}

Result<PrivateKey> PrivateKey::FromPem(std::string_view pem, std::string_view what) {
  const std::string w(what);
  if (pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos ||
      pem.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos) {
    return InvalidRequestError(w + ": private key is encrypted; decrypt it first");
  }
  if (pem.find("-----BEGIN PRIVATE KEY-----") == std::string_view::npos &&
      pem.find("-----BEGIN EC PRIVATE KEY-----") == std::string_view::npos) {
    if (pem.find("-----BEGIN RSA PRIVATE KEY-----") != std::string_view::npos) {
      return InvalidRequestError(
          w + ": unsupported key type \"RSA\" (supported: ECDSA P-256, Ed25519)");
    }
    if (pem.find("-----BEGIN PUBLIC KEY-----") != std::string_view::npos) {
      return InvalidRequestError(w + ": holds a public key; a PEM private key is expected");
    }
    return InvalidRequestError(w + ": no PEM \"PRIVATE KEY\" or \"EC PRIVATE KEY\" block found");
  }
  BioPtr bio = MemBio(pem);
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, &NoPassword, nullptr);
  ERR_clear_error();
  if (raw == nullptr) {
    return InvalidRequestError(w + ": malformed PEM private key");
  }
  std::shared_ptr<void> key = Wrap(raw);
  AICR_ASSIGN_OR_RETURN(KeyAlgorithm algorithm, ClassifyKey(raw, what));
  return PrivateKey(std::move(key), algorithm);
}

KeyAlgorithm PrivateKey::algorithm() const { return algorithm_; }

Result<std::string> PrivateKey::Sign(std::string_view message) const {
  if (!key_) {
    return InternalError("sign: no private key");
  }
  MdCtxPtr ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  const EVP_MD* md = algorithm_ == KeyAlgorithm::kEd25519 ? nullptr : EVP_sha256();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, Raw(key_)) != 1) {
    ERR_clear_error();
    return InternalError("sign: cannot initialise the signer");
  }
  const auto* msg = reinterpret_cast<const unsigned char*>(message.data());
  std::size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, msg, message.size()) != 1) {
    ERR_clear_error();
    return InternalError("sign: cannot size the signature");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, msg,
                     message.size()) != 1) {
    ERR_clear_error();
    return InternalError("sign: signing failed");
  }
  sig.resize(len);
  return sig;
}

PublicKey PrivateKey::public_key() const {
  // The private EVP_PKEY can verify too; re-encode it as SPKI so the public key holds
  // no private material.
  if (!key_) {
    return PublicKey(nullptr, algorithm_);
  }
  unsigned char* out = nullptr;
  const int len = i2d_PUBKEY(Raw(key_), &out);
  if (len <= 0) {
    ERR_clear_error();
    return PublicKey(nullptr, algorithm_);
  }
  const unsigned char* p = out;
  EVP_PKEY* pub = d2i_PUBKEY(nullptr, &p, len);
  OPENSSL_free(out);
  ERR_clear_error();
  return PublicKey(pub != nullptr ? Wrap(pub) : nullptr, algorithm_);
}

Result<PrivateKey> LoadSigningKey(std::string_view uri) {
  AICR_ASSIGN_OR_RETURN(std::string path, KeyPath(uri, "signing key"));
  AICR_ASSIGN_OR_RETURN(std::string pem, ReadKeyFile(path, "signing key", true));
  return PrivateKey::FromPem(pem, "signing key \"" + path + "\"");
}

Result<PublicKey> LoadPublicKey(std::string_view uri) {
  AICR_ASSIGN_OR_RETURN(std::string path, KeyPath(uri, "key"));
  AICR_ASSIGN_OR_RETURN(std::string pem, ReadKeyFile(path, "key", false));
  return PublicKey::FromPem(pem, "key \"" + path + "\"");
}

}  // namespace aicr::attest
