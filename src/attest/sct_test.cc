#include "attest/sct.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "attest/certificate.h"
#include "attest/sigstore_bundle.h"

namespace aicr::attest {
namespace {

namespace fs = std::filesystem;

fs::path CasesDir() {
  return fs::path(AICR_SOURCE_DIR) / ".." / "shared" / "conformance" / "sigstore-bundle-verify";
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool HaveCases() {
  if (fs::is_directory(CasesDir())) {
    return true;
  }
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";  // on CI, go on and fail loudly
}

struct Loaded {
  std::string leaf;
  std::string issuer;
  TrustedRoot root;
};

// The leaf of a conformance case, its issuer as found by chain validation, and its root.
Loaded Load(const std::string& name) {
  const fs::path dir = CasesDir() / name;
  Loaded out;
  Result<SigstoreBundle> bundle = ParseSigstoreBundle(Slurp(dir / "bundle.sigstore.json"));
  EXPECT_TRUE(bundle.ok()) << name;
  if (!bundle.ok()) {
    return out;
  }
  const fs::path root_file = fs::is_regular_file(dir / "trusted_root.json")
                                 ? dir / "trusted_root.json"
                                 : CasesDir() / "trusted_root.public_good.json";
  Result<TrustedRoot> root = ParseTrustedRoot(Slurp(root_file));
  EXPECT_TRUE(root.ok()) << name;
  if (!root.ok()) {
    return out;
  }
  out.root = *root;
  out.leaf = bundle->material.certificate_chain_der.front();
  Result<CertificateInfo> info = ParseCertificate(out.leaf);
  EXPECT_TRUE(info.ok());
  if (!info.ok()) {
    return out;
  }
  Result<ValidatedChain> chain = VerifyCertificateChain(bundle->material.certificate_chain_der,
                                                        out.root, info->not_before_unix + 1);
  EXPECT_TRUE(chain.ok()) << name << ": " << chain.status().message();
  if (chain.ok()) {
    out.issuer = chain->issuer_der;
  }
  return out;
}

TEST(SctTest, FulcioCertificatesCarryAVerifiableSct) {
  if (!HaveCases()) {
    GTEST_SKIP() << "conformance cases not found at " << CasesDir();
  }
  for (const char* name : {"happy-path-v0.3", "happy-path-intoto-in-dsse-v3", "rekor2-happy-path",
                           "bundle-with-sct-with-extensions"}) {
    const Loaded c = Load(name);
    const Status s = VerifyEmbeddedScts(c.leaf, c.issuer, c.root);
    EXPECT_TRUE(s.ok()) << name << ": " << s.message();
  }
}

TEST(SctTest, UnknownOrWrongCtLogKeysAreRejected) {
  if (!HaveCases()) {
    GTEST_SKIP() << "conformance cases not found at " << CasesDir();
  }
  Loaded c = Load("happy-path-v0.3");
  TrustedRoot no_logs = c.root;
  no_logs.ctlogs.clear();
  Status s = VerifyEmbeddedScts(c.leaf, c.issuer, no_logs);
  EXPECT_EQ(s.code(), ErrorCode::kUnauthorized);
  EXPECT_EQ(s.message(), "sct: no SCT is from a CT log of the trusted root");

  // Right log id, wrong key: every log keeps its id but takes another log's key.
  ASSERT_GE(c.root.ctlogs.size(), 2u);
  TrustedRoot swapped = c.root;
  for (std::size_t i = 0; i < swapped.ctlogs.size(); ++i) {
    swapped.ctlogs[i].key = c.root.ctlogs[(i + 1) % c.root.ctlogs.size()].key;
  }
  s = VerifyEmbeddedScts(c.leaf, c.issuer, swapped);
  EXPECT_EQ(s.code(), ErrorCode::kUnauthorized);
  EXPECT_NE(s.message().find("does not verify with the key of CT log"), std::string::npos)
      << s.message();

  // The issuer key hash is part of what is signed.
  s = VerifyEmbeddedScts(c.leaf, c.leaf, c.root);
  EXPECT_FALSE(s.ok());

  // The log must be valid at the SCT's time.
  TrustedRoot closed = c.root;
  for (TransparencyLogKey& log : closed.ctlogs) {
    log.valid = ValidityWindow{0, 1};
  }
  s = VerifyEmbeddedScts(c.leaf, c.issuer, closed);
  EXPECT_NE(s.message().find("outside the validity of CT log"), std::string::npos) << s.message();
}

TEST(SctTest, CertificateWithoutSctIsRejected) {
  if (!HaveCases()) {
    GTEST_SKIP() << "conformance cases not found at " << CasesDir();
  }
  const Loaded c = Load("happy-path-v0.3");
  // The issuer (a CA certificate) has no SCT list.
  const Status s = VerifyEmbeddedScts(c.issuer, c.issuer, c.root);
  EXPECT_EQ(s.message(), "sct: the certificate has no embedded SCT");
  EXPECT_EQ(VerifyEmbeddedScts("junk", c.issuer, c.root).message(),
            "sct: the certificate or its issuer is not DER X.509");
}

}  // namespace
}  // namespace aicr::attest
