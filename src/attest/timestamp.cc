#include "attest/timestamp.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <ctime>
#include <memory>

#include "base/base64.h"

namespace aicr::attest {
namespace {

Status Bad(std::string reason) { return InvalidRequestError("timestamp: " + std::move(reason)); }

std::string OpensslError() {
  const unsigned long e = ERR_get_error();  // NOLINT(google-runtime-int)
  ERR_clear_error();
  if (e == 0) {
    return "unknown error";
  }
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  return buf;
}

bool AsnTimeToUnix(const ASN1_TIME* t, int64_t* out) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) {
    return false;
  }
  *out = static_cast<int64_t>(timegm(&tm));
  return true;
}

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

X509Ptr ParseCert(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der.size()));  // NOLINT(google-runtime-int)
  return X509Ptr(cert, &X509_free);
}

// The token (owned) and, when parsed from a response, the response that must outlive it.
struct ParsedToken {
  std::unique_ptr<TS_RESP, decltype(&TS_RESP_free)> resp{nullptr, &TS_RESP_free};
  std::unique_ptr<PKCS7, decltype(&PKCS7_free)> bare{nullptr, &PKCS7_free};
  std::unique_ptr<TS_TST_INFO, decltype(&TS_TST_INFO_free)> bare_info{nullptr, &TS_TST_INFO_free};
  PKCS7* token = nullptr;
  TS_TST_INFO* info = nullptr;
};

Status ParseToken(std::string_view der, ParsedToken* out) {
  const auto* begin = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* p = begin;
  out->resp.reset(d2i_TS_RESP(nullptr, &p, static_cast<long>(der.size())));  // NOLINT
  if (out->resp && p == begin + der.size()) {
    TS_STATUS_INFO* status = TS_RESP_get_status_info(out->resp.get());
    const long code = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(status));  // NOLINT
    if (code != 0 && code != 1) {
      return Bad("response status " + std::to_string(code) + " is not granted");
    }
    out->token = TS_RESP_get_token(out->resp.get());
    out->info = TS_RESP_get_tst_info(out->resp.get());
  } else {
    ERR_clear_error();
    out->resp.reset();
    p = begin;
    out->bare.reset(d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())));  // NOLINT
    if (out->bare && p == begin + der.size()) {
      out->bare_info.reset(PKCS7_to_TS_TST_INFO(out->bare.get()));
      out->token = out->bare.get();
      out->info = out->bare_info.get();
    }
  }
  ERR_clear_error();
  if (out->token == nullptr || out->info == nullptr) {
    return Bad("not a valid RFC 3161 response");
  }
  return OkStatus();
}

// Checks the message imprint against `signed_data` (no signature check).
Status CheckImprint(PKCS7* token, std::string_view signed_data) {
  std::unique_ptr<TS_VERIFY_CTX, decltype(&TS_VERIFY_CTX_free)> ctx(TS_VERIFY_CTX_new(),
                                                                    &TS_VERIFY_CTX_free);
  BIO* data = BIO_new_mem_buf(signed_data.data(), static_cast<int>(signed_data.size()));
  if (!ctx || data == nullptr) {
    BIO_free(data);
    return InternalError("timestamp: out of memory");
  }
  TS_VERIFY_CTX_set_flags(ctx.get(), TS_VFY_VERSION | TS_VFY_DATA);
  TS_VERIFY_CTX_set_data(ctx.get(), data);  // owned by ctx
  if (TS_RESP_verify_token(ctx.get(), token) != 1) {
    ERR_clear_error();
    return Bad("message imprint does not match the signature");
  }
  return OkStatus();
}

// Verifies the token's signature and signer chain against one authority as of `at`.
Status CheckAuthority(PKCS7* token, const TimestampAuthority& tsa, int64_t at) {
  if (tsa.chain_der.empty()) {
    return Bad("authority has no certificates");
  }
  X509_STORE* store = X509_STORE_new();
  STACK_OF(X509)* certs = sk_X509_new_null();
  std::unique_ptr<TS_VERIFY_CTX, decltype(&TS_VERIFY_CTX_free)> ctx(TS_VERIFY_CTX_new(),
                                                                    &TS_VERIFY_CTX_free);
  if (store == nullptr || certs == nullptr || !ctx) {
    X509_STORE_free(store);
    sk_X509_free(certs);
    return InternalError("timestamp: out of memory");
  }
  TS_VERIFY_CTX_set_store(ctx.get(), store);  // owned by ctx
  TS_VERIFY_CTX_set_certs(ctx.get(), certs);  // owned by ctx
  for (std::size_t i = 0; i < tsa.chain_der.size(); ++i) {
    X509Ptr cert = ParseCert(tsa.chain_der[i]);
    if (!cert) {
      ERR_clear_error();
      return Bad("authority certificate " + std::to_string(i) + " is not valid DER");
    }
    if (i + 1 == tsa.chain_der.size()) {
      if (X509_STORE_add_cert(store, cert.get()) != 1) {
        return Bad("cannot trust authority root: " + OpensslError());
      }
    }
    if (sk_X509_push(certs, cert.get()) <= 0) {
      return InternalError("timestamp: out of memory");
    }
    cert.release();
  }
  X509_VERIFY_PARAM* param = X509_STORE_get0_param(store);
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(at));
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  TS_VERIFY_CTX_set_flags(ctx.get(), TS_VFY_VERSION | TS_VFY_SIGNATURE | TS_VFY_SIGNER);
  if (TS_RESP_verify_token(ctx.get(), token) != 1) {
    return Bad(OpensslError());
  }
  ERR_clear_error();
  return OkStatus();
}

}  // namespace

std::string FormatUnixTime(int64_t t) {
  const time_t tt = static_cast<time_t>(t);
  std::tm tm{};
  if (gmtime_r(&tt, &tm) == nullptr) {
    return std::to_string(t);
  }
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<ValidityWindow> CertificateValidity(std::string_view cert_der) {
  X509Ptr cert = ParseCert(cert_der);
  ValidityWindow w;
  int64_t nb = 0;
  int64_t na = 0;
  if (!cert || !AsnTimeToUnix(X509_get0_notBefore(cert.get()), &nb) ||
      !AsnTimeToUnix(X509_get0_notAfter(cert.get()), &na)) {
    ERR_clear_error();
    return InvalidRequestError("certificate: not valid DER");
  }
  w.start_unix = nb;
  w.end_unix = na;
  return w;
}

Result<int64_t> VerifyRfc3161Timestamp(std::string_view signed_timestamp_der,
                                       std::string_view signed_data, const TrustedRoot& root) {
  if (signed_timestamp_der.empty()) {
    return Bad("empty signed timestamp");
  }
  if (signed_timestamp_der.size() > kMaxTimestampBytes) {
    return Bad("signed timestamp exceeds " + std::to_string(kMaxTimestampBytes) + " bytes");
  }
  ParsedToken parsed;
  if (Status s = ParseToken(signed_timestamp_der, &parsed); !s.ok()) {
    return s;
  }
  int64_t at = 0;
  if (!AsnTimeToUnix(TS_TST_INFO_get_time(parsed.info), &at)) {
    ERR_clear_error();
    return Bad("token has no valid generation time");
  }
  if (Status s = CheckImprint(parsed.token, signed_data); !s.ok()) {
    return s;
  }
  if (root.tsas.empty()) {
    return Bad("trusted root has no timestamp authorities");
  }
  std::string details;
  for (const TimestampAuthority& tsa : root.tsas) {
    Status s = CheckAuthority(parsed.token, tsa, at);
    if (!s.ok()) {
      if (!details.empty()) {
        details += "; ";
      }
      details += (tsa.uri.empty() ? std::string("authority") : "\"" + tsa.uri + "\"") + ": " +
                 s.message().substr(std::string_view("timestamp: ").size());
      continue;
    }
    if (!tsa.valid.Contains(at)) {
      return Bad("time " + FormatUnixTime(at) +
                 " is outside the validity of timestamp authority \"" + tsa.uri + "\"");
    }
    return at;
  }
  return Bad("not signed by a trusted timestamp authority (" + details + ")");
}

Result<std::vector<int64_t>> VerifyBundleTimestamps(const serialize::Value& timestamp_data,
                                                    std::string_view signed_data,
                                                    const TrustedRoot& root) {
  std::vector<int64_t> out;
  if (timestamp_data.is_null()) {
    return out;
  }
  if (!timestamp_data.is_mapping()) {
    return Bad("timestampVerificationData is not an object");
  }
  const serialize::Value* list = timestamp_data.Find("rfc3161Timestamps");
  if (list == nullptr || list->is_null()) {
    return out;
  }
  const serialize::Sequence* seq = list->if_sequence();
  if (seq == nullptr) {
    return Bad("rfc3161Timestamps is not a list");
  }
  for (std::size_t i = 0; i < seq->size(); ++i) {
    const serialize::Value* st = (*seq)[i].Find("signedTimestamp");
    const std::string* b64 = st != nullptr ? st->if_string() : nullptr;
    if (b64 == nullptr) {
      return Bad("rfc3161Timestamps[" + std::to_string(i) + "] has no signedTimestamp");
    }
    Result<std::string> der = DecodeBase64(*b64);
    if (!der.ok()) {
      return Bad("rfc3161Timestamps[" + std::to_string(i) +
                 "].signedTimestamp is not valid base64");
    }
    Result<int64_t> t = VerifyRfc3161Timestamp(*der, signed_data, root);
    if (!t.ok()) {
      return t.status();
    }
    out.push_back(*t);
  }
  return out;
}

}  // namespace aicr::attest
