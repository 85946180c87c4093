// The test Sigstore instance: its keyless bundles verify with our offline verifier and with the
// pinned @sigstore/verify (tests/tools/sigstore-verify-keyless.mjs), and each kind of tampering
// is rejected at the right step.

#include "tests/testing/sigstore_instance.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "attest/sigstore_bundle.h"
#include "attest/trusted_root.h"
#include "attest/verify.h"
#include "attest/verify_keyless.h"
#include "base/temp_dir.h"
#include "checksum/sha256.h"
#include "tests/testing/sigstore_node.h"

namespace aicr::testing {
namespace {

namespace fs = std::filesystem;
using attest::VerifyStep;

// 2027-01-15T08:00:00Z; signatures are made an hour earlier.
constexpr int64_t kNow = 1'800'000'000;
constexpr int64_t kSigned = kNow - 3600;

constexpr char kArtifact[] = "0123abcd  deploy.sh\nfeedbeef  recipe.yaml\n";

std::string Statement() {
  return std::string(
             R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"checksums.txt",)"
             R"("digest":{"sha256":")") +
         checksum::Sha256Hex(kArtifact) +
         R"("}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{}})";
}

attest::IdentityPolicy Policy(const SigstoreIdentity& id) {
  attest::IdentityPolicy p;
  p.san = id.san;
  p.issuer = id.issuer;
  return p;
}

attest::Artifact ArtifactBytes(std::string bytes = kArtifact) {
  attest::Artifact a;
  a.bytes = std::move(bytes);
  return a;
}

attest::TrustedRoot MustParseRoot(const std::string& json) {
  Result<attest::TrustedRoot> root = attest::ParseTrustedRoot(json);
  EXPECT_TRUE(root.ok()) << root.status().ToString();
  return root.ok() ? *root : attest::TrustedRoot{};
}

attest::VerifyOutcome Verify(const std::string& bundle_json, const attest::TrustedRoot& root,
                             const attest::IdentityPolicy& policy,
                             const attest::Artifact& artifact = ArtifactBytes(),
                             int64_t now = kNow) {
  Result<attest::SigstoreBundle> bundle = attest::ParseSigstoreBundle(bundle_json);
  if (!bundle.ok()) {
    attest::VerifyOutcome out;
    out.failed_step = VerifyStep::kBundle;
    out.reason = bundle.status().ToString();
    return out;
  }
  return attest::VerifyKeyless(*bundle, root, policy, artifact, now);
}

std::string Describe(const attest::VerifyOutcome& out) {
  return out.verified ? std::string("verified")
                      : std::string(attest::StepName(out.failed_step)) + ": " + out.reason;
}

class SigstoreInstanceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<SigstoreInstance> a = SigstoreInstance::Create(kNow);
    Result<SigstoreInstance> b = SigstoreInstance::Create(kNow);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    ours_ = new SigstoreInstance(*a);
    other_ = new SigstoreInstance(*b);
  }
  static void TearDownTestSuite() {
    delete ours_;
    delete other_;
    ours_ = nullptr;
    other_ = nullptr;
  }

  std::string SignDsse(const SigstoreIdentity& id = {},
                       DsseEntryKind kind = DsseEntryKind::kDsse) const {
    Result<std::string> b =
        ours_->SignDsse("application/vnd.in-toto+json", Statement(), id, kSigned, kind);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return b.ok() ? *b : std::string();
  }
  std::string SignBlob(const SigstoreIdentity& id = {}) const {
    Result<std::string> b = ours_->SignBlob(kArtifact, id, kSigned);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return b.ok() ? *b : std::string();
  }
  attest::TrustedRoot Root(const TrustedRootOptions& options = {}) const {
    return MustParseRoot(ours_->TrustedRootJson(options));
  }
  attest::TrustedRoot OtherRoot(const TrustedRootOptions& options = {}) const {
    return MustParseRoot(other_->TrustedRootJson(options));
  }

  static SigstoreInstance* ours_;
  static SigstoreInstance* other_;
};

SigstoreInstance* SigstoreInstanceTest::ours_ = nullptr;
SigstoreInstance* SigstoreInstanceTest::other_ = nullptr;

TEST_F(SigstoreInstanceTest, TrustedRootHasEveryPart) {
  const attest::TrustedRoot root = Root();
  ASSERT_EQ(root.cas.size(), 1u);
  EXPECT_EQ(root.cas[0].chain_der.size(), 2u);
  ASSERT_EQ(root.tlogs.size(), 1u);
  ASSERT_EQ(root.ctlogs.size(), 1u);
  EXPECT_TRUE(root.tsas.empty());
  EXPECT_EQ(root.tlogs[0].base_url, SigstoreInstance::kRekorUrl);
  EXPECT_EQ(root.tlogs[0].log_id.size(), 32u);
  EXPECT_NE(root.tlogs[0].log_id, root.ctlogs[0].log_id);
  EXPECT_TRUE(root.tlogs[0].valid.Contains(kSigned));
  EXPECT_FALSE(root.tlogs[0].valid.end_unix.has_value());
  EXPECT_NE(root.tlogs[0].log_id, OtherRoot().tlogs[0].log_id);

  const attest::TrustedRoot partial = Root({.certificate_authority = false,
                                            .tlog = true,
                                            .ctlog = false,
                                            .tlog_valid_until = kSigned - 1});
  EXPECT_TRUE(partial.cas.empty());
  EXPECT_TRUE(partial.ctlogs.empty());
  ASSERT_EQ(partial.tlogs.size(), 1u);
  EXPECT_EQ(partial.tlogs[0].valid.end_unix, kSigned - 1);
  EXPECT_NE(ours_->RootCertificatePem().find("BEGIN CERTIFICATE"), std::string::npos);
}

TEST_F(SigstoreInstanceTest, DsseBundleVerifies) {
  const SigstoreIdentity id;
  const std::string json = SignDsse(id);
  Result<attest::SigstoreBundle> bundle = attest::ParseSigstoreBundle(json);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_EQ(bundle->media_type, attest::kBundleMediaTypeV03);
  EXPECT_EQ(bundle->material.certificate_chain_der.size(), 1u);
  ASSERT_EQ(bundle->material.tlog_entries.size(), 1u);
  ASSERT_TRUE(bundle->dsse.has_value());
  EXPECT_EQ(bundle->dsse->payload, Statement());

  const attest::VerifyOutcome out = Verify(json, Root(), Policy(id));
  EXPECT_TRUE(out.verified) << Describe(out);
  EXPECT_EQ(out.signer, id.san);
  ASSERT_TRUE(out.envelope.has_value());
  EXPECT_EQ(out.envelope->payload, Statement());
}

TEST_F(SigstoreInstanceTest, IntotoEntryAndEmailIdentityVerify) {
  SigstoreIdentity id;
  id.san = "release-bot@example.com";
  id.san_is_uri = false;
  id.issuer = "https://accounts.example.com";
  const attest::VerifyOutcome out =
      Verify(SignDsse(id, DsseEntryKind::kIntoto), Root(), Policy(id));
  EXPECT_TRUE(out.verified) << Describe(out);
  EXPECT_EQ(out.signer, id.san);
}

TEST_F(SigstoreInstanceTest, BlobBundleVerifies) {
  const SigstoreIdentity id;
  const std::string json = SignBlob(id);
  Result<attest::SigstoreBundle> bundle = attest::ParseSigstoreBundle(json);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  ASSERT_TRUE(bundle->message_signature.has_value());
  EXPECT_EQ(bundle->message_signature->digest_algorithm, "SHA2_256");

  attest::VerifyOutcome out = Verify(json, Root(), Policy(id));
  EXPECT_TRUE(out.verified) << Describe(out);
  EXPECT_EQ(out.signer, id.san);

  attest::Artifact by_digest;
  by_digest.sha256_hex = checksum::Sha256Hex(kArtifact);
  out = Verify(json, Root(), Policy(id), by_digest);
  EXPECT_TRUE(out.verified) << Describe(out);
}

TEST_F(SigstoreInstanceTest, EverySignatureIsADifferentLeafAndLogPlace) {
  const std::string first = SignBlob();
  const std::string second = SignBlob();
  Result<attest::SigstoreBundle> a = attest::ParseSigstoreBundle(first);
  Result<attest::SigstoreBundle> b = attest::ParseSigstoreBundle(second);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->material.certificate_chain_der, b->material.certificate_chain_der);
  const serialize::Value& ea = (*a->material.tlog_entries.if_sequence())[0];
  const serialize::Value& eb = (*b->material.tlog_entries.if_sequence())[0];
  EXPECT_NE(*ea.Find("logIndex")->if_string(), *eb.Find("logIndex")->if_string());
  EXPECT_TRUE(Verify(second, Root(), Policy({})).verified);
}

TEST_F(SigstoreInstanceTest, WrongIdentityIsRejected) {
  const SigstoreIdentity id;
  for (const std::string& json : {SignDsse(id), SignBlob(id)}) {
    attest::IdentityPolicy wrong_san = Policy(id);
    wrong_san.san = "https://github.com/acme/other/.github/workflows/release.yml@refs/heads/main";
    attest::VerifyOutcome out = Verify(json, Root(), wrong_san);
    EXPECT_FALSE(out.verified);
    EXPECT_EQ(out.failed_step, VerifyStep::kIdentity) << Describe(out);

    attest::IdentityPolicy wrong_issuer = Policy(id);
    wrong_issuer.issuer = "https://accounts.google.com";
    out = Verify(json, Root(), wrong_issuer);
    EXPECT_FALSE(out.verified);
    EXPECT_EQ(out.failed_step, VerifyStep::kIdentity) << Describe(out);
    EXPECT_NE(out.reason.find("OIDC issuer"), std::string::npos) << out.reason;
  }
}

TEST_F(SigstoreInstanceTest, AnotherCertificateAuthorityIsRejected) {
  // Our logs, the other instance's CA.
  attest::TrustedRoot root = Root({.certificate_authority = false});
  root.cas = OtherRoot().cas;
  for (const std::string& json : {SignDsse(), SignBlob()}) {
    const attest::VerifyOutcome out = Verify(json, root, Policy({}));
    EXPECT_FALSE(out.verified);
    EXPECT_EQ(out.failed_step, VerifyStep::kCertificate) << Describe(out);
  }
}

TEST_F(SigstoreInstanceTest, AnotherRekorKeyIsRejected) {
  attest::TrustedRoot root = Root({.tlog = false});
  root.tlogs = OtherRoot().tlogs;
  for (const std::string& json : {SignDsse(), SignBlob()}) {
    const attest::VerifyOutcome out = Verify(json, root, Policy({}));
    EXPECT_FALSE(out.verified);
    EXPECT_EQ(out.failed_step, VerifyStep::kTlog) << Describe(out);
  }
  // The other key under our log's id: the signed entry timestamp no longer verifies.
  root = Root();
  root.tlogs[0].key = OtherRoot().tlogs[0].key;
  const attest::VerifyOutcome out = Verify(SignDsse(), root, Policy({}));
  EXPECT_EQ(out.failed_step, VerifyStep::kTlog) << Describe(out);
  EXPECT_NE(out.reason.find("signed entry timestamp"), std::string::npos) << out.reason;
}

TEST_F(SigstoreInstanceTest, AnotherCtLogIsRejected) {
  attest::TrustedRoot root = Root({.ctlog = false});
  root.ctlogs = OtherRoot().ctlogs;
  for (const std::string& json : {SignDsse(), SignBlob()}) {
    const attest::VerifyOutcome out = Verify(json, root, Policy({}));
    EXPECT_FALSE(out.verified);
    EXPECT_EQ(out.failed_step, VerifyStep::kSct) << Describe(out);
  }
  // Our CT log's id with the other log's key: the SCT signature fails.
  root = Root();
  root.ctlogs[0].key = OtherRoot().ctlogs[0].key;
  const attest::VerifyOutcome out = Verify(SignBlob(), root, Policy({}));
  EXPECT_EQ(out.failed_step, VerifyStep::kSct) << Describe(out);
}

TEST_F(SigstoreInstanceTest, LogKeyExpiredBeforeSigningIsRejected) {
  const attest::TrustedRoot root =
      MustParseRoot(ours_->TrustedRootJson({.tlog_valid_until = kSigned - 60}));
  for (const std::string& json : {SignDsse(), SignBlob()}) {
    const attest::VerifyOutcome out = Verify(json, root, Policy({}));
    EXPECT_FALSE(out.verified);
    EXPECT_EQ(out.failed_step, VerifyStep::kTlog) << Describe(out);
    EXPECT_NE(out.reason.find("outside the validity of log"), std::string::npos) << out.reason;
  }
}

TEST_F(SigstoreInstanceTest, VerifyingBeforeTheSigningTimeIsRejected) {
  const attest::VerifyOutcome out =
      Verify(SignDsse(), Root(), Policy({}), ArtifactBytes(), kSigned - 1);
  EXPECT_EQ(out.failed_step, VerifyStep::kTlog) << Describe(out);
}

TEST_F(SigstoreInstanceTest, TamperedContentIsRejected) {
  Result<attest::SigstoreBundle> dsse = attest::ParseSigstoreBundle(SignDsse());
  ASSERT_TRUE(dsse.ok());
  dsse->dsse->payload[10] ^= 0x01;
  attest::VerifyOutcome out =
      attest::VerifyKeyless(*dsse, Root(), Policy({}), ArtifactBytes(), kNow);
  EXPECT_FALSE(out.verified);
  EXPECT_EQ(out.failed_step, VerifyStep::kSignature) << Describe(out);

  Result<attest::SigstoreBundle> blob = attest::ParseSigstoreBundle(SignBlob());
  ASSERT_TRUE(blob.ok());
  blob->message_signature->signature.back() ^= 0x01;
  out = attest::VerifyKeyless(*blob, Root(), Policy({}), ArtifactBytes(), kNow);
  EXPECT_FALSE(out.verified);
  EXPECT_EQ(out.failed_step, VerifyStep::kSignature) << Describe(out);

  // Another artifact than the one signed.
  out = Verify(SignBlob(), Root(), Policy({}), ArtifactBytes(std::string(kArtifact) + "x"));
  EXPECT_FALSE(out.verified);
  EXPECT_EQ(out.failed_step, VerifyStep::kArtifact) << Describe(out);
}

TEST_F(SigstoreInstanceTest, TamperedLogEntryIsRejected) {
  // A log entry moved to another bundle: its body names another signature and certificate.
  Result<attest::SigstoreBundle> a = attest::ParseSigstoreBundle(SignBlob());
  Result<attest::SigstoreBundle> b = attest::ParseSigstoreBundle(SignBlob());
  ASSERT_TRUE(a.ok() && b.ok());
  a->material.tlog_entries = b->material.tlog_entries;
  const attest::VerifyOutcome out =
      attest::VerifyKeyless(*a, Root(), Policy({}), ArtifactBytes(), kNow);
  EXPECT_FALSE(out.verified);
  EXPECT_EQ(out.failed_step, VerifyStep::kTlog) << Describe(out);
}

// ---- The independent verifier: @sigstore/verify through node. ----

class SigstoreInstanceNodeTest : public SigstoreInstanceTest {
 protected:
  void SetUp() override {
    Result<TempDir> tmp = TempDir::Create("sigstore-instance-");
    ASSERT_TRUE(tmp.ok()) << tmp.status().ToString();
    tmp_.emplace(std::move(tmp).value());
    dir_ = tmp_->path();
    Write("artifact", kArtifact);
    Write("trusted_root.json", ours_->TrustedRootJson());
    Write("other_root.json", other_->TrustedRootJson());
  }
  void Write(const std::string& name, const std::string& data) const {
    std::ofstream out(dir_ + "/" + name, std::ios::binary);
    out << data;
  }

  struct Run {
    int exit_code = -1;
    std::string out;
  };

  // Runs the node verifier on `bundle_json`.
  Run NodeVerify(const std::string& bundle_json, const SigstoreIdentity& policy,
                 const std::string& root_file = "trusted_root.json") const {
    Write("bundle.sigstore.json", bundle_json);
    const NodeRun r = RunSigstoreNodeScript(
        "sigstore-verify-keyless.mjs",
        {"--bundle", dir_ + "/bundle.sigstore.json", "--trusted-root", dir_ + "/" + root_file,
         "--artifact", dir_ + "/artifact", "--identity", policy.san, "--issuer", policy.issuer});
    return Run{r.exit_code, r.out + r.err};
  }

  std::optional<TempDir> tmp_;
  std::string dir_;
};

TEST_F(SigstoreInstanceNodeTest, BothVerifiersAcceptOurBundles) {
  AICR_REQUIRE_SIGSTORE_NODE();
  SigstoreIdentity email;
  email.san = "release-bot@example.com";
  email.san_is_uri = false;
  const struct {
    const char* what;
    std::string json;
    SigstoreIdentity id;
  } cases[] = {
      {"dsse", SignDsse(), {}},
      {"intoto", SignDsse(email, DsseEntryKind::kIntoto), email},
      {"blob", SignBlob(), {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    const attest::VerifyOutcome ours = Verify(c.json, Root(), Policy(c.id));
    EXPECT_TRUE(ours.verified) << Describe(ours);
    const Run node = NodeVerify(c.json, c.id);
    EXPECT_EQ(node.exit_code, 0) << node.out;
    EXPECT_EQ(node.out, "verified: " + c.id.san + "\n");
  }
}

TEST_F(SigstoreInstanceNodeTest, BothVerifiersRejectTamperedBundles) {
  AICR_REQUIRE_SIGSTORE_NODE();
  const SigstoreIdentity id;

  // A flipped payload byte.
  Result<attest::SigstoreBundle> dsse = attest::ParseSigstoreBundle(SignDsse());
  ASSERT_TRUE(dsse.ok());
  dsse->dsse->payload[10] ^= 0x01;
  Result<std::string> tampered = attest::MarshalSigstoreBundle(*dsse);
  ASSERT_TRUE(tampered.ok());
  EXPECT_EQ(Verify(*tampered, Root(), Policy(id)).failed_step, VerifyStep::kSignature);
  Run node = NodeVerify(*tampered, id);
  EXPECT_EQ(node.exit_code, 1) << node.out;
  EXPECT_NE(node.out.find("TLOG_BODY_ERROR: DSSE payload hash mismatch"), std::string::npos)
      << node.out;
  EXPECT_EQ(node.out.rfind("rejected: ", 0), 0u) << node.out;

  // Another instance's trusted root.
  const std::string blob = SignBlob();
  EXPECT_FALSE(Verify(blob, OtherRoot(), Policy(id)).verified);
  node = NodeVerify(blob, id, "other_root.json");
  EXPECT_EQ(node.exit_code, 1) << node.out;
  EXPECT_NE(node.out.find("CERTIFICATE_ERROR"), std::string::npos) << node.out;

  // Another identity.
  SigstoreIdentity other = id;
  other.san = "https://github.com/acme/other/.github/workflows/release.yml@refs/heads/main";
  EXPECT_EQ(Verify(blob, Root(), Policy(other)).failed_step, VerifyStep::kIdentity);
  node = NodeVerify(blob, other);
  EXPECT_EQ(node.exit_code, 1) << node.out;
  EXPECT_NE(node.out.find("UNTRUSTED_SIGNER_ERROR: certificate identity"), std::string::npos)
      << node.out;
  other = id;
  other.issuer = "https://accounts.google.com";
  node = NodeVerify(blob, other);
  EXPECT_EQ(node.exit_code, 1) << node.out;
  EXPECT_NE(node.out.find("UNTRUSTED_SIGNER_ERROR: invalid certificate extension"),
            std::string::npos)
      << node.out;

  // The CT log missing from the trusted root.
  Write("no_ctlog.json", ours_->TrustedRootJson({.ctlog = false}));
  EXPECT_EQ(Verify(blob, Root({.ctlog = false}), Policy(id)).failed_step, VerifyStep::kSct);
  node = NodeVerify(blob, id, "no_ctlog.json");
  EXPECT_EQ(node.exit_code, 1) << node.out;
  EXPECT_NE(node.out.find("SCT verification failed"), std::string::npos) << node.out;
}

}  // namespace
}  // namespace aicr::testing
