#include "attest/sct.h"

#include <openssl/ct.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace aicr::attest {
namespace {

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

X509Ptr FromDer(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (x == nullptr) {
    ERR_clear_error();
  }
  return X509Ptr(x, &X509_free);
}

void PutUint(std::string* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
}

// The leaf's TBSCertificate with the SCT list extension removed, DER.
std::string PrecertTbs(X509* leaf) {
  X509Ptr copy(X509_dup(leaf), &X509_free);
  if (!copy) {
    return {};
  }
  const int index = X509_get_ext_by_NID(copy.get(), NID_ct_precert_scts, -1);
  if (index < 0) {
    return {};
  }
  X509_EXTENSION_free(X509_delete_ext(copy.get(), index));
  unsigned char* out = nullptr;
  const int len = i2d_re_X509_tbs(copy.get(), &out);
  if (len <= 0) {
    ERR_clear_error();
    return {};
  }
  std::string tbs(reinterpret_cast<char*>(out), static_cast<std::size_t>(len));
  OPENSSL_free(out);
  return tbs;
}

std::string IssuerKeyHash(X509* issuer) {
  unsigned char* spki = nullptr;
  const int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(issuer), &spki);
  if (len <= 0) {
    ERR_clear_error();
    return {};
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(spki, static_cast<std::size_t>(len), digest);
  OPENSSL_free(spki);
  return std::string(reinterpret_cast<char*>(digest), sizeof(digest));
}

}  // namespace

Status VerifyEmbeddedScts(std::string_view leaf_der, std::string_view issuer_der,
                          const TrustedRoot& root) {
  X509Ptr leaf = FromDer(leaf_der);
  X509Ptr issuer = FromDer(issuer_der);
  if (!leaf || !issuer) {
    return UnauthorizedError("sct: the certificate or its issuer is not DER X.509");
  }
  auto* scts = static_cast<STACK_OF(SCT)*>(
      X509_get_ext_d2i(leaf.get(), NID_ct_precert_scts, nullptr, nullptr));
  if (scts == nullptr) {
    ERR_clear_error();
    if (X509_get_ext_by_NID(leaf.get(), NID_ct_precert_scts, -1) >= 0) {
      return UnauthorizedError("sct: the embedded SCT list is malformed");
    }
    return UnauthorizedError("sct: the certificate has no embedded SCT");
  }
  std::unique_ptr<STACK_OF(SCT), decltype(&SCT_LIST_free)> guard(scts, &SCT_LIST_free);
  const std::string tbs = PrecertTbs(leaf.get());
  const std::string issuer_hash = IssuerKeyHash(issuer.get());
  if (tbs.empty() || issuer_hash.empty()) {
    return UnauthorizedError("sct: cannot rebuild the precertificate entry");
  }
  std::string reason = "no SCT is from a CT log of the trusted root";
  for (int i = 0; i < sk_SCT_num(scts); ++i) {
    const SCT* sct = sk_SCT_value(scts, i);
    if (SCT_get_version(sct) != SCT_VERSION_V1) {
      reason = "unsupported SCT version";
      continue;
    }
    unsigned char* id = nullptr;
    const std::size_t id_len = SCT_get0_log_id(sct, &id);
    const std::string log_id(reinterpret_cast<char*>(id), id_len);
    const uint64_t timestamp_ms = SCT_get_timestamp(sct);
    unsigned char* ext = nullptr;
    const std::size_t ext_len = SCT_get0_extensions(sct, &ext);
    unsigned char* sig = nullptr;
    const std::size_t sig_len = SCT_get0_signature(sct, &sig);
    if (ext_len > 0xffff || tbs.size() > 0xffffff) {
      reason = "SCT field too large";
      continue;
    }
    std::string signed_data;
    signed_data.push_back('\0');  // version v1
    signed_data.push_back('\0');  // signature type: certificate_timestamp
    PutUint(&signed_data, timestamp_ms, 8);
    PutUint(&signed_data, 1, 2);  // entry type: precert_entry
    signed_data += issuer_hash;
    PutUint(&signed_data, tbs.size(), 3);
    signed_data += tbs;
    PutUint(&signed_data, ext_len, 2);
    signed_data.append(reinterpret_cast<char*>(ext), ext_len);
    const std::string signature(reinterpret_cast<char*>(sig), sig_len);
    const int64_t at = static_cast<int64_t>(timestamp_ms / 1000);
    for (const TransparencyLogKey& log : root.ctlogs) {
      if (log.log_id != log_id) {
        continue;
      }
      if (!log.valid.Contains(at)) {
        reason = "SCT time is outside the validity of CT log " + log.base_url;
        continue;
      }
      if (log.key.Verify(signed_data, signature)) {
        return OkStatus();
      }
      reason = "SCT signature does not verify with the key of CT log " + log.base_url;
    }
  }
  return UnauthorizedError("sct: " + reason);
}

}  // namespace aicr::attest
