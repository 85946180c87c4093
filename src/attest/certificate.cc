#include "attest/certificate.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>
#include <regex>
#include <string>
#include <utility>

#include "base/status_macros.h"

namespace aicr::attest {
namespace {

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using StorePtr = std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)>;
using StackPtr = std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)>;

X509Ptr FromDer(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (x != nullptr && p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    X509_free(x);
    x = nullptr;
  }
  if (x == nullptr) {
    ERR_clear_error();
  }
  return X509Ptr(x, &X509_free);
}

void FreeStack(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }

StackPtr NewStack() { return StackPtr(sk_X509_new_null(), &FreeStack); }

bool PushCopy(STACK_OF(X509) * stack, X509* x) {
  if (X509_up_ref(x) != 1) {
    return false;
  }
  if (sk_X509_push(stack, x) == 0) {
    X509_free(x);
    return false;
  }
  return true;
}

Result<int64_t> ToUnix(const ASN1_TIME* t) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) {
    ERR_clear_error();
    return InvalidRequestError("certificate: invalid validity time");
  }
  return static_cast<int64_t>(timegm(&tm));
}

std::string Asn1Bytes(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<std::size_t>(ASN1_STRING_length(s)));
}

// The content of the extension with dotted `oid`, or nullopt.
std::optional<std::string> ExtensionData(X509* x, std::string_view oid) {
  ASN1_OBJECT* obj = OBJ_txt2obj(std::string(oid).c_str(), 1);
  if (obj == nullptr) {
    ERR_clear_error();
    return std::nullopt;
  }
  const int index = X509_get_ext_by_OBJ(x, obj, -1);
  ASN1_OBJECT_free(obj);
  if (index < 0) {
    return std::nullopt;
  }
  return Asn1Bytes(X509_EXTENSION_get_data(X509_get_ext(x, index)));
}

std::string ToDer(X509* x) {
  unsigned char* out = nullptr;
  const int len = i2d_X509(x, &out);
  if (len <= 0) {
    ERR_clear_error();
    return {};
  }
  std::string der(reinterpret_cast<char*>(out), static_cast<std::size_t>(len));
  OPENSSL_free(out);
  return der;
}

bool IsSelfSigned(X509* x) { return X509_check_issued(x, x) == X509_V_OK; }

}  // namespace

std::string CertificateInfo::FirstSan() const {
  if (!san_emails.empty()) {
    return san_emails.front();
  }
  return san_uris.empty() ? std::string() : san_uris.front();
}

Result<CertificateInfo> ParseCertificate(std::string_view der) {
  X509Ptr x = FromDer(der);
  if (!x) {
    return InvalidRequestError("certificate: not a DER X.509 certificate");
  }
  CertificateInfo info;
  info.der = std::string(der);
  AICR_ASSIGN_OR_RETURN(info.not_before_unix, ToUnix(X509_get0_notBefore(x.get())));
  AICR_ASSIGN_OR_RETURN(info.not_after_unix, ToUnix(X509_get0_notAfter(x.get())));

  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(x.get(), NID_subject_alt_name, nullptr, nullptr));
  if (names != nullptr) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
      const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
      if (name->type == GEN_EMAIL) {
        info.san_emails.push_back(Asn1Bytes(name->d.rfc822Name));
      } else if (name->type == GEN_URI) {
        info.san_uris.push_back(Asn1Bytes(name->d.uniformResourceIdentifier));
      }
    }
    GENERAL_NAMES_free(names);
  }
  ERR_clear_error();

  if (std::optional<std::string> v2 = ExtensionData(x.get(), kOidcIssuerV2Oid)) {
    const auto* p = reinterpret_cast<const unsigned char*>(v2->data());
    ASN1_UTF8STRING* s = d2i_ASN1_UTF8STRING(nullptr, &p, static_cast<long>(v2->size()));
    if (s == nullptr || p != reinterpret_cast<const unsigned char*>(v2->data()) + v2->size()) {
      ASN1_UTF8STRING_free(s);
      ERR_clear_error();
      return InvalidRequestError("certificate: OIDC issuer extension " +
                                 std::string(kOidcIssuerV2Oid) + " is not a DER UTF8String");
    }
    info.oidc_issuer = Asn1Bytes(s);
    ASN1_UTF8STRING_free(s);
  } else if (std::optional<std::string> v1 = ExtensionData(x.get(), kOidcIssuerV1Oid)) {
    info.oidc_issuer = *v1;
  }

  const uint32_t xku = X509_get_extended_key_usage(x.get());
  info.code_signing =
      (X509_get_extension_flags(x.get()) & EXFLAG_XKUSAGE) != 0 && (xku & XKU_CODE_SIGN) != 0;

  unsigned char* spki = nullptr;
  const int spki_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x.get()), &spki);
  if (spki_len <= 0) {
    ERR_clear_error();
    return InvalidRequestError("certificate: unreadable public key");
  }
  info.spki_der.assign(reinterpret_cast<char*>(spki), static_cast<std::size_t>(spki_len));
  OPENSSL_free(spki);
  return info;
}

Status RejectBundledRoots(const std::vector<std::string>& chain_der) {
  for (std::size_t i = 1; i < chain_der.size(); ++i) {
    X509Ptr x = FromDer(chain_der[i]);
    if (!x) {
      return UnauthorizedError("certificate: chain certificate " + std::to_string(i) +
                               " is not a DER X.509 certificate");
    }
    if (IsSelfSigned(x.get())) {
      return UnauthorizedError(
          "certificate: the bundle carries a root certificate; roots come only from the trusted "
          "root");
    }
  }
  return OkStatus();
}

Result<ValidatedChain> VerifyCertificateChain(const std::vector<std::string>& chain_der,
                                              const TrustedRoot& root, int64_t at_unix) {
  if (chain_der.empty()) {
    return UnauthorizedError("certificate: no certificate in the bundle");
  }
  X509Ptr leaf = FromDer(chain_der.front());
  if (!leaf) {
    return UnauthorizedError("certificate: the signing certificate is not a DER X.509 certificate");
  }
  AICR_RETURN_IF_ERROR(RejectBundledRoots(chain_der));
  StackPtr bundle_intermediates = NewStack();
  for (std::size_t i = 1; i < chain_der.size(); ++i) {
    X509Ptr x = FromDer(chain_der[i]);
    if (!x || !PushCopy(bundle_intermediates.get(), x.get())) {
      return InternalError("certificate: out of memory");
    }
  }
  if (IsSelfSigned(leaf.get())) {
    return UnauthorizedError("certificate: the signing certificate is self-signed");
  }
  const uint32_t xku = X509_get_extended_key_usage(leaf.get());
  if ((X509_get_extension_flags(leaf.get()) & EXFLAG_XKUSAGE) == 0 || (xku & XKU_CODE_SIGN) == 0) {
    return UnauthorizedError("certificate: the signing certificate lacks the code-signing usage");
  }
  if ((X509_get_extension_flags(leaf.get()) & EXFLAG_KUSAGE) != 0 &&
      (X509_get_key_usage(leaf.get()) & KU_DIGITAL_SIGNATURE) == 0) {
    return UnauthorizedError(
        "certificate: the signing certificate lacks the digitalSignature usage");
  }

  std::string last_error =
      "no certificate authority of the trusted root is valid at the signing time";
  for (const CertificateAuthority& ca : root.cas) {
    if (!ca.valid.Contains(at_unix) || ca.chain_der.empty()) {
      continue;
    }
    StorePtr store(X509_STORE_new(), &X509_STORE_free);
    StackPtr untrusted = NewStack();
    if (!store || !untrusted) {
      return InternalError("certificate: out of memory");
    }
    bool ca_ok = true;
    for (std::size_t i = 0; i < ca.chain_der.size() && ca_ok; ++i) {
      X509Ptr x = FromDer(ca.chain_der[i]);
      if (!x) {
        ca_ok = false;
        break;
      }
      // The last certificate is the anchor; others are trusted intermediates.
      if (i + 1 == ca.chain_der.size()) {
        ca_ok = X509_STORE_add_cert(store.get(), x.get()) == 1;
      } else {
        ca_ok = PushCopy(untrusted.get(), x.get());
      }
    }
    if (!ca_ok) {
      ERR_clear_error();
      last_error = "certificate authority " + ca.uri + " has an unreadable certificate";
      continue;
    }
    for (int i = 0; i < sk_X509_num(bundle_intermediates.get()); ++i) {
      if (!PushCopy(untrusted.get(), sk_X509_value(bundle_intermediates.get(), i))) {
        return InternalError("certificate: out of memory");
      }
    }
    StoreCtxPtr ctx(X509_STORE_CTX_new(), &X509_STORE_CTX_free);
    if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), untrusted.get()) != 1) {
      ERR_clear_error();
      return InternalError("certificate: cannot set up chain verification");
    }
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(at_unix));
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_USE_CHECK_TIME);
    const int rc = X509_verify_cert(ctx.get());
    if (rc == 1) {
      STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
      ValidatedChain out;
      out.ca_uri = ca.uri;
      if (chain != nullptr && sk_X509_num(chain) > 1) {
        out.issuer_der = ToDer(sk_X509_value(chain, 1));
      }
      return out;
    }
    const int err = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    last_error = std::string("chain to ") + (ca.uri.empty() ? "the trusted root" : ca.uri) +
                 " does not verify at the signing time: " + X509_verify_cert_error_string(err);
  }
  return UnauthorizedError("certificate: " + last_error);
}

Status ValidateIdentityRegex(const std::string& pattern) {
  try {
    const std::regex re(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error&) {
    return InvalidRequestError("invalid regular expression \"" + pattern + "\"");
  }
  return OkStatus();
}

Status CheckIdentity(const CertificateInfo& cert, const IdentityPolicy& policy) {
  std::vector<std::string> sans = cert.san_emails;
  sans.insert(sans.end(), cert.san_uris.begin(), cert.san_uris.end());
  const std::string shown = sans.empty() ? std::string("none") : "\"" + sans.front() + "\"";
  if (!policy.san.empty()) {
    bool found = false;
    for (const std::string& s : sans) {
      found = found || s == policy.san;
    }
    if (!found) {
      return UnauthorizedError("identity: certificate identity " + shown + " is not \"" +
                               policy.san + "\"");
    }
  }
  if (!policy.san_regex.empty()) {
    if (Status s = ValidateIdentityRegex(policy.san_regex); !s.ok()) {
      return InvalidRequestError("identity: " + s.message());
    }
    const std::regex re(policy.san_regex, std::regex::ECMAScript);
    bool found = false;
    for (const std::string& s : sans) {
      try {
        found = found || std::regex_search(s, re);
      } catch (const std::regex_error&) {
        // Treated as no match.
      }
    }
    if (!found) {
      return UnauthorizedError("identity: certificate identity " + shown + " does not match /" +
                               policy.san_regex + "/");
    }
  }
  if (!policy.issuer.empty()) {
    if (!cert.oidc_issuer) {
      return UnauthorizedError("identity: certificate has no OIDC issuer extension");
    }
    if (*cert.oidc_issuer != policy.issuer) {
      return UnauthorizedError("identity: OIDC issuer \"" + *cert.oidc_issuer + "\" is not \"" +
                               policy.issuer + "\"");
    }
  }
  return OkStatus();
}

}  // namespace aicr::attest
