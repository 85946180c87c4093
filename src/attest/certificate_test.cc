#include "attest/certificate.h"

#include <gtest/gtest.h>
#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace aicr::attest {
namespace {

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;

constexpr int64_t kT0 = 1'700'000'000;  // 2023-11-14

KeyPtr NewKey() { return KeyPtr(EVP_EC_gen("P-256"), &EVP_PKEY_free); }

struct Spec {
  std::string cn{};
  bool ca = false;
  int64_t not_before = kT0 - 86400;
  int64_t not_after = kT0 + 86400;
  std::string san{};  // e.g. "email:a@b.c,URI:https://x"
  std::string eku = "codeSigning";
  std::optional<std::string> issuer_v2{};      // value, DER-encoded as UTF8String
  std::optional<std::string> issuer_v2_raw{};  // raw extension content (malformed case)
  std::optional<std::string> issuer_v1{};
};

void AddExt(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  ASSERT_NE(ext, nullptr) << value;
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

void AddRawExt(X509* cert, const char* oid, const std::string& content) {
  ASN1_OBJECT* obj = OBJ_txt2obj(oid, 1);
  ASN1_OCTET_STRING* data = ASN1_OCTET_STRING_new();
  ASN1_OCTET_STRING_set(data, reinterpret_cast<const unsigned char*>(content.data()),
                        static_cast<int>(content.size()));
  X509_EXTENSION* ext = X509_EXTENSION_create_by_OBJ(nullptr, obj, 0, data);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  ASN1_OCTET_STRING_free(data);
  ASN1_OBJECT_free(obj);
}

std::string Utf8Der(const std::string& value) {
  ASN1_UTF8STRING* s = ASN1_UTF8STRING_new();
  ASN1_STRING_set(s, value.data(), static_cast<int>(value.size()));
  unsigned char* out = nullptr;
  const int len = i2d_ASN1_UTF8STRING(s, &out);
  std::string der(reinterpret_cast<char*>(out), static_cast<std::size_t>(len));
  OPENSSL_free(out);
  ASN1_UTF8STRING_free(s);
  return der;
}

// A certificate for `key` signed by `issuer_key` (self-signed when issuer is null).
CertPtr MakeCert(const Spec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
  CertPtr cert(X509_new(), &X509_free);
  X509_set_version(cert.get(), 2);
  static long serial = 1;
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), ++serial);
  X509_NAME* name = X509_NAME_new();
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("test"), -1, -1, 0);
  if (!spec.cn.empty()) {
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(spec.cn.c_str()), -1, -1, 0);
  }
  X509_set_subject_name(cert.get(), name);
  X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509_NAME_free(name);
  ASN1_TIME* nb = ASN1_TIME_set(nullptr, static_cast<time_t>(spec.not_before));
  ASN1_TIME* na = ASN1_TIME_set(nullptr, static_cast<time_t>(spec.not_after));
  X509_set1_notBefore(cert.get(), nb);
  X509_set1_notAfter(cert.get(), na);
  ASN1_TIME_free(nb);
  ASN1_TIME_free(na);
  X509_set_pubkey(cert.get(), key);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  AddExt(cert.get(), signer, NID_subject_key_identifier, "hash");
  AddExt(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
  if (spec.ca) {
    AddExt(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    AddExt(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    AddExt(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
    if (!spec.eku.empty()) {
      AddExt(cert.get(), signer, NID_ext_key_usage, spec.eku);
    }
    if (!spec.san.empty()) {
      AddExt(cert.get(), signer, NID_subject_alt_name, spec.san);
    }
  }
  if (spec.issuer_v2) {
    AddRawExt(cert.get(), "1.3.6.1.4.1.57264.1.8", Utf8Der(*spec.issuer_v2));
  }
  if (spec.issuer_v2_raw) {
    AddRawExt(cert.get(), "1.3.6.1.4.1.57264.1.8", *spec.issuer_v2_raw);
  }
  if (spec.issuer_v1) {
    AddRawExt(cert.get(), "1.3.6.1.4.1.57264.1.1", *spec.issuer_v1);
  }
  EXPECT_GT(X509_sign(cert.get(), issuer_key, EVP_sha256()), 0);
  return cert;
}

std::string Der(X509* cert) {
  unsigned char* out = nullptr;
  const int len = i2d_X509(cert, &out);
  std::string der(reinterpret_cast<char*>(out), static_cast<std::size_t>(len));
  OPENSSL_free(out);
  return der;
}

// root → intermediate → leaf, all generated.
class CertificateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = MakeCert({.cn = "root",
                      .ca = true,
                      .not_before = kT0 - 1000 * 86400,
                      .not_after = kT0 + 1000 * 86400},
                     root_key_.get(), nullptr, root_key_.get());
    inter_ = MakeCert({.cn = "intermediate",
                       .ca = true,
                       .not_before = kT0 - 500 * 86400,
                       .not_after = kT0 + 500 * 86400},
                      inter_key_.get(), root_.get(), root_key_.get());
    trusted_.cas.push_back({{Der(inter_.get()), Der(root_.get())}, {}, "https://ca.test"});
  }

  CertPtr Leaf(Spec spec) {
    return MakeCert(spec, leaf_key_.get(), inter_.get(), inter_key_.get());
  }

  static Spec Fulcio() {
    return {.san = "URI:https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main",
            .issuer_v2 = "https://token.actions.githubusercontent.com"};
  }

  KeyPtr root_key_ = NewKey();
  KeyPtr inter_key_ = NewKey();
  KeyPtr leaf_key_ = NewKey();
  CertPtr root_{nullptr, &X509_free};
  CertPtr inter_{nullptr, &X509_free};
  TrustedRoot trusted_;
};

TEST_F(CertificateTest, ParsesSansIssuerAndUsage) {
  CertPtr leaf = Leaf({.san = "email:dev@example.com,URI:https://example.com/wf",
                       .issuer_v2 = "https://accounts.example.com"});
  Result<CertificateInfo> info = ParseCertificate(Der(leaf.get()));
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->san_emails, std::vector<std::string>{"dev@example.com"});
  EXPECT_EQ(info->san_uris, std::vector<std::string>{"https://example.com/wf"});
  EXPECT_EQ(info->FirstSan(), "dev@example.com");
  EXPECT_EQ(info->oidc_issuer, "https://accounts.example.com");
  EXPECT_TRUE(info->code_signing);
  EXPECT_EQ(info->not_before_unix, kT0 - 86400);
  EXPECT_EQ(info->not_after_unix, kT0 + 86400);
  Result<PublicKey> key = PublicKey::FromDer(info->spki_der, "leaf");
  ASSERT_TRUE(key.ok());
}

TEST_F(CertificateTest, LegacyIssuerIsRawBytesAndV2WinsOverIt) {
  Result<CertificateInfo> v1 =
      ParseCertificate(Der(Leaf({.san = "URI:https://x", .issuer_v1 = "https://legacy"}).get()));
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->oidc_issuer, "https://legacy");
  Result<CertificateInfo> both = ParseCertificate(
      Der(Leaf({.san = "URI:https://x", .issuer_v2 = "https://new", .issuer_v1 = "https://legacy"})
              .get()));
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->oidc_issuer, "https://new");
  Result<CertificateInfo> none = ParseCertificate(Der(Leaf({.san = "URI:https://x"}).get()));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->oidc_issuer.has_value());
}

TEST_F(CertificateTest, RejectsMalformedInput) {
  Result<CertificateInfo> bad = ParseCertificate("not a certificate");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "certificate: not a DER X.509 certificate");
  // The v2 issuer extension must hold a DER UTF8String, not raw text.
  Result<CertificateInfo> raw_v2 =
      ParseCertificate(Der(Leaf({.san = "URI:https://x", .issuer_v2_raw = "https://x"}).get()));
  ASSERT_FALSE(raw_v2.ok());
  EXPECT_EQ(raw_v2.status().message(),
            "certificate: OIDC issuer extension 1.3.6.1.4.1.57264.1.8 is not a DER UTF8String");
}

TEST_F(CertificateTest, ChainVerifiesAtTheSigningTime) {
  const std::string leaf = Der(Leaf(Fulcio()).get());
  Result<ValidatedChain> chain = VerifyCertificateChain({leaf}, trusted_, kT0);
  ASSERT_TRUE(chain.ok()) << chain.status().message();
  EXPECT_EQ(chain->issuer_der, Der(inter_.get()));
  EXPECT_EQ(chain->ca_uri, "https://ca.test");

  // Expired (or not yet valid) at the signing time.
  for (int64_t t : {kT0 + 2 * 86400, kT0 - 2 * 86400}) {
    Result<ValidatedChain> late = VerifyCertificateChain({leaf}, trusted_, t);
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.status().code(), ErrorCode::kUnauthorized);
    EXPECT_NE(late.status().message().find("does not verify at the signing time"),
              std::string::npos)
        << late.status().message();
  }
}

TEST_F(CertificateTest, IntermediateMayComeFromTheBundle) {
  TrustedRoot only_root;
  only_root.cas.push_back({{Der(root_.get())}, {}, "https://root-only.test"});
  const std::string leaf = Der(Leaf(Fulcio()).get());
  EXPECT_FALSE(VerifyCertificateChain({leaf}, only_root, kT0).ok());
  Result<ValidatedChain> chain = VerifyCertificateChain({leaf, Der(inter_.get())}, only_root, kT0);
  ASSERT_TRUE(chain.ok()) << chain.status().message();
  EXPECT_EQ(chain->issuer_der, Der(inter_.get()));
}

TEST_F(CertificateTest, BundledRootIsRejected) {
  const std::string leaf = Der(Leaf(Fulcio()).get());
  Result<ValidatedChain> chain =
      VerifyCertificateChain({leaf, Der(inter_.get()), Der(root_.get())}, trusted_, kT0);
  ASSERT_FALSE(chain.ok());
  EXPECT_EQ(chain.status().message(),
            "certificate: the bundle carries a root certificate; roots come only from the "
            "trusted root");
  EXPECT_FALSE(RejectBundledRoots({leaf, Der(root_.get())}).ok());
  EXPECT_TRUE(RejectBundledRoots({leaf, Der(inter_.get())}).ok());
}

TEST_F(CertificateTest, CaValidityWindowMustContainTheSigningTime) {
  trusted_.cas[0].valid = ValidityWindow{kT0 + 10, std::nullopt};
  Result<ValidatedChain> chain = VerifyCertificateChain({Der(Leaf(Fulcio()).get())}, trusted_, kT0);
  ASSERT_FALSE(chain.ok());
  EXPECT_EQ(chain.status().message(),
            "certificate: no certificate authority of the trusted root is valid at the signing "
            "time");
  trusted_.cas[0].valid = ValidityWindow{kT0 - 10, kT0};  // end inclusive
  EXPECT_TRUE(VerifyCertificateChain({Der(Leaf(Fulcio()).get())}, trusted_, kT0).ok());
}

TEST_F(CertificateTest, UntrustedIssuerIsRejected) {
  KeyPtr other_key = NewKey();
  CertPtr other = MakeCert({.cn = "other", .ca = true}, other_key.get(), nullptr, other_key.get());
  CertPtr leaf = MakeCert(Fulcio(), leaf_key_.get(), other.get(), other_key.get());
  Result<ValidatedChain> chain = VerifyCertificateChain({Der(leaf.get())}, trusted_, kT0);
  ASSERT_FALSE(chain.ok());
  EXPECT_EQ(chain.status().code(), ErrorCode::kUnauthorized);
}

TEST_F(CertificateTest, CodeSigningUsageIsRequired) {
  Spec spec = Fulcio();
  spec.eku = "serverAuth";
  Result<ValidatedChain> chain = VerifyCertificateChain({Der(Leaf(spec).get())}, trusted_, kT0);
  ASSERT_FALSE(chain.ok());
  EXPECT_EQ(chain.status().message(),
            "certificate: the signing certificate lacks the code-signing usage");
  spec.eku = "";
  EXPECT_FALSE(VerifyCertificateChain({Der(Leaf(spec).get())}, trusted_, kT0).ok());
}

TEST_F(CertificateTest, IdentityPolicy) {
  Result<CertificateInfo> info = ParseCertificate(Der(Leaf(Fulcio()).get()));
  ASSERT_TRUE(info.ok());
  const std::string san =
      "https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main";
  const std::string issuer = "https://token.actions.githubusercontent.com";
  EXPECT_TRUE(CheckIdentity(*info, {.san = san, .issuer = issuer}).ok());
  EXPECT_TRUE(CheckIdentity(*info, {.san_regex = "^https://github\\.com/org/.*@refs/heads/main$",
                                    .issuer = issuer})
                  .ok());

  Status wrong_san = CheckIdentity(*info, {.san = "https://github.com/evil", .issuer = issuer});
  EXPECT_EQ(wrong_san.code(), ErrorCode::kUnauthorized);
  EXPECT_EQ(wrong_san.message(),
            "identity: certificate identity \"" + san + "\" is not \"https://github.com/evil\"");
  EXPECT_EQ(CheckIdentity(*info, {.san_regex = "^https://gitlab", .issuer = issuer}).code(),
            ErrorCode::kUnauthorized);
  EXPECT_EQ(CheckIdentity(*info, {.san_regex = "([", .issuer = issuer}).code(),
            ErrorCode::kInvalidRequest);
  Status wrong_issuer = CheckIdentity(*info, {.san = san, .issuer = "https://accounts.google.com"});
  EXPECT_EQ(wrong_issuer.message(),
            "identity: OIDC issuer \"" + issuer + "\" is not \"https://accounts.google.com\"");
  Result<CertificateInfo> no_issuer = ParseCertificate(Der(Leaf({.san = "URI:" + san}).get()));
  ASSERT_TRUE(no_issuer.ok());
  EXPECT_EQ(CheckIdentity(*no_issuer, {.san = san, .issuer = issuer}).message(),
            "identity: certificate has no OIDC issuer extension");
}

}  // namespace
}  // namespace aicr::attest
