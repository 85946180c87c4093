#include "attest/keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "attest/test_keys.h"
#include "base/base64.h"
#include "base/log.h"
#include "checksum/sha256.h"

namespace aicr::attest {
namespace {

using ::aicr::attest::testing::GeneratePrivateKeyPem;
using ::aicr::attest::testing::MakeTempDir;
using ::aicr::attest::testing::PublicPemOf;
using ::aicr::attest::testing::RemoveTree;
using ::aicr::attest::testing::TestKey;
using ::aicr::attest::testing::WriteFile;
using ::testing::HasSubstr;

std::string HexToBytes(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

PrivateKey MustPrivate(TestKey kind) {
  Result<PrivateKey> key = PrivateKey::FromPem(GeneratePrivateKeyPem(kind), "test key");
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return *key;
}

class KeyAlgorithmTest : public ::testing::TestWithParam<TestKey> {};

TEST_P(KeyAlgorithmTest, SignsAndVerifies) {
  const PrivateKey key = MustPrivate(GetParam());
  const PublicKey pub = key.public_key();
  EXPECT_EQ(pub.algorithm(), key.algorithm());
  Result<std::string> sig = key.Sign("hello attestation");
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_TRUE(pub.Verify("hello attestation", *sig));
  EXPECT_FALSE(pub.Verify("hello attestation!", *sig));
  std::string bad = *sig;
  bad[bad.size() / 2] = static_cast<char>(bad[bad.size() / 2] ^ 0x01);
  EXPECT_FALSE(pub.Verify("hello attestation", bad));
  EXPECT_FALSE(pub.Verify("hello attestation", ""));

  const PrivateKey other = MustPrivate(GetParam());
  EXPECT_FALSE(other.public_key().Verify("hello attestation", *sig));
}

TEST_P(KeyAlgorithmTest, PemDerAndHintRoundTrip) {
  const PublicKey pub = MustPrivate(GetParam()).public_key();
  const std::string der = pub.SpkiDer();
  ASSERT_FALSE(der.empty());
  Result<PublicKey> from_pem = PublicKey::FromPem(pub.Pem(), "pem");
  ASSERT_TRUE(from_pem.ok()) << from_pem.status().ToString();
  EXPECT_EQ(from_pem->SpkiDer(), der);
  Result<PublicKey> from_der = PublicKey::FromDer(der, "der");
  ASSERT_TRUE(from_der.ok()) << from_der.status().ToString();
  EXPECT_EQ(from_der->algorithm(), pub.algorithm());
  EXPECT_EQ(pub.Hint(), EncodeBase64(HexToBytes(checksum::Sha256Hex(der))));
  EXPECT_THAT(pub.Pem(), HasSubstr("-----BEGIN PUBLIC KEY-----\n"));
}

INSTANTIATE_TEST_SUITE_P(Algorithms, KeyAlgorithmTest,
                         ::testing::Values(TestKey::kEcP256Pkcs8, TestKey::kEcP256Sec1,
                                           TestKey::kEd25519));

TEST(KeysTest, AlgorithmsAreDetected) {
  EXPECT_EQ(MustPrivate(TestKey::kEcP256Pkcs8).algorithm(), KeyAlgorithm::kEcdsaP256Sha256);
  EXPECT_EQ(MustPrivate(TestKey::kEcP256Sec1).algorithm(), KeyAlgorithm::kEcdsaP256Sha256);
  EXPECT_EQ(MustPrivate(TestKey::kEd25519).algorithm(), KeyAlgorithm::kEd25519);
  EXPECT_EQ(KeyAlgorithmName(KeyAlgorithm::kEd25519), "ed25519");
  EXPECT_EQ(KeyAlgorithmName(KeyAlgorithm::kEcdsaP256Sha256), "ecdsa-p256-sha256");
}

TEST(KeysTest, Ed25519SignaturesAreDeterministic) {
  const PrivateKey key = MustPrivate(TestKey::kEd25519);
  Result<std::string> a = key.Sign("m");
  Result<std::string> b = key.Sign("m");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(a->size(), 64u);
}

TEST(KeysTest, VerifyDigestMatchesVerifyForEcdsa) {
  const PrivateKey key = MustPrivate(TestKey::kEcP256Pkcs8);
  Result<std::string> sig = key.Sign("artifact bytes");
  ASSERT_TRUE(sig.ok());
  const std::string digest = HexToBytes(checksum::Sha256Hex("artifact bytes"));
  EXPECT_TRUE(key.public_key().VerifyDigest(digest, *sig));
  EXPECT_FALSE(key.public_key().VerifyDigest(HexToBytes(checksum::Sha256Hex("other")), *sig));
  EXPECT_FALSE(key.public_key().VerifyDigest("short", *sig));

  const PrivateKey ed = MustPrivate(TestKey::kEd25519);
  Result<std::string> ed_sig = ed.Sign("artifact bytes");
  ASSERT_TRUE(ed_sig.ok());
  EXPECT_FALSE(ed.public_key().VerifyDigest(digest, *ed_sig));
}

TEST(KeysTest, EncryptedPrivateKeyIsRejected) {
  Result<PrivateKey> key =
      PrivateKey::FromPem(GeneratePrivateKeyPem(TestKey::kEncryptedEc), "signing key \"k.pem\"");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_EQ(key.status().message(),
            "signing key \"k.pem\": private key is encrypted; decrypt it first");

  const std::string legacy =
      "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n"
      "AAAA\n-----END EC PRIVATE KEY-----\n";
  Result<PrivateKey> legacy_key = PrivateKey::FromPem(legacy, "k");
  ASSERT_FALSE(legacy_key.ok());
  EXPECT_THAT(legacy_key.status().message(), HasSubstr("is encrypted; decrypt it first"));
}

TEST(KeysTest, RsaKeysAreRejected) {
  const std::string pem = GeneratePrivateKeyPem(TestKey::kRsa);
  Result<PrivateKey> key = PrivateKey::FromPem(pem, "k");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_EQ(key.status().message(),
            "k: unsupported key type \"RSA\" (supported: ECDSA P-256, Ed25519)");
  Result<PublicKey> pub = PublicKey::FromPem(PublicPemOf(pem), "pub");
  ASSERT_FALSE(pub.ok());
  EXPECT_EQ(pub.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(pub.status().message(), HasSubstr("pub: unsupported key type \"RSA\""));
}

TEST(KeysTest, UnsupportedCurveIsRejected) {
  const std::string pem = GeneratePrivateKeyPem(TestKey::kEcP384);
  Result<PrivateKey> key = PrivateKey::FromPem(pem, "k");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_EQ(key.status().message(),
            "k: unsupported elliptic curve \"secp384r1\" (supported: P-256, Ed25519)");
  Result<PublicKey> pub = PublicKey::FromPem(PublicPemOf(pem), "p");
  ASSERT_FALSE(pub.ok());
  EXPECT_THAT(pub.status().message(), HasSubstr("unsupported elliptic curve"));
}

TEST(KeysTest, MalformedPemIsRejected) {
  struct Case {
    std::string pem;
    std::string message;
  };
  const Case private_cases[] = {
      {"", "k: no PEM \"PRIVATE KEY\" or \"EC PRIVATE KEY\" block found"},
      {"-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n",
       "k: malformed PEM private key"},
      {PublicPemOf(GeneratePrivateKeyPem(TestKey::kEd25519)),
       "k: holds a public key; a PEM private key is expected"},
  };
  for (const Case& c : private_cases) {
    Result<PrivateKey> key = PrivateKey::FromPem(c.pem, "k");
    ASSERT_FALSE(key.ok()) << c.pem;
    EXPECT_EQ(key.status().code(), ErrorCode::kInvalidRequest);
    EXPECT_EQ(key.status().message(), c.message);
  }
  const Case public_cases[] = {
      {"garbage", "p: no PEM \"PUBLIC KEY\" block found"},
      {"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
       "p: malformed PEM public key"},
      {GeneratePrivateKeyPem(TestKey::kEd25519),
       "p: holds a private key; a PEM \"PUBLIC KEY\" is expected"},
  };
  for (const Case& c : public_cases) {
    Result<PublicKey> key = PublicKey::FromPem(c.pem, "p");
    ASSERT_FALSE(key.ok()) << c.pem;
    EXPECT_EQ(key.status().code(), ErrorCode::kInvalidRequest);
    EXPECT_EQ(key.status().message(), c.message);
  }
  Result<PublicKey> der = PublicKey::FromDer("\x30\x03\x01\x01\x00", "d");
  ASSERT_FALSE(der.ok());
  EXPECT_EQ(der.status().message(), "d: malformed DER public key");
  const std::string good = MustPrivate(TestKey::kEd25519).public_key().SpkiDer();
  Result<PublicKey> trailing = PublicKey::FromDer(good + "x", "d");
  ASSERT_FALSE(trailing.ok());
  EXPECT_EQ(trailing.status().message(), "d: trailing data after DER public key");
}

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  void TearDown() override { RemoveTree(dir_); }
  std::string dir_;
};

TEST_F(KeyFileTest, LoadsFileUriAndBarePath) {
  const std::string pem = GeneratePrivateKeyPem(TestKey::kEcP256Pkcs8);
  const std::string path = dir_ + "/key.pem";
  WriteFile(path, pem);
  Result<PrivateKey> by_uri = LoadSigningKey("file://" + path);
  ASSERT_TRUE(by_uri.ok()) << by_uri.status().ToString();
  Result<PrivateKey> by_path = LoadSigningKey(path);
  ASSERT_TRUE(by_path.ok()) << by_path.status().ToString();
  EXPECT_EQ(by_uri->public_key().SpkiDer(), by_path->public_key().SpkiDer());

  const std::string pub_path = dir_ + "/key.pub";
  WriteFile(pub_path, by_uri->public_key().Pem(), 0644);
  Result<PublicKey> pub = LoadPublicKey("file://" + pub_path);
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  EXPECT_EQ(pub->Hint(), by_uri->public_key().Hint());
  Result<PublicKey> pub_bare = LoadPublicKey(pub_path);
  ASSERT_TRUE(pub_bare.ok());
}

TEST_F(KeyFileTest, KmsUrisAreUnavailable) {
  for (const std::string uri : {"awskms://alias/aicr", "gcpkms://projects/p/locations/l/keyRings/r",
                                "azurekms://vault.example/key", "hashivault://transit-key"}) {
    Result<PrivateKey> key = LoadSigningKey(uri);
    ASSERT_FALSE(key.ok()) << uri;
    EXPECT_EQ(key.status().code(), ErrorCode::kUnavailable);
    EXPECT_EQ(key.status().message(),
              "signing key \"" + uri + "\": KMS keys are not supported in this build");
    Result<PublicKey> pub = LoadPublicKey(uri);
    ASSERT_FALSE(pub.ok());
    EXPECT_EQ(pub.status().code(), ErrorCode::kUnavailable);
    EXPECT_EQ(pub.status().message(),
              "key \"" + uri + "\": KMS keys are not supported in this build");
  }
}

TEST_F(KeyFileTest, OtherSchemesAreInvalid) {
  Result<PrivateKey> key = LoadSigningKey("https://example.com/key.pem");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_EQ(key.status().message(),
            "signing key \"https://example.com/key.pem\": unsupported key scheme \"https://\" "
            "(use file://PATH or a path)");
  Result<PublicKey> pub = LoadPublicKey("k8s://ns/secret");
  ASSERT_FALSE(pub.ok());
  EXPECT_EQ(pub.status().code(), ErrorCode::kInvalidRequest);
  Result<PrivateKey> empty = LoadSigningKey("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), ErrorCode::kInvalidRequest);
  Result<PrivateKey> no_path = LoadSigningKey("file://");
  ASSERT_FALSE(no_path.ok());
  EXPECT_EQ(no_path.status().code(), ErrorCode::kInvalidRequest);
}

TEST_F(KeyFileTest, MissingFileIsNotFound) {
  Result<PrivateKey> key = LoadSigningKey("file://" + dir_ + "/absent.pem");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(key.status().message(), "signing key \"" + dir_ + "/absent.pem\": file not found");
  Result<PublicKey> pub = LoadPublicKey(dir_ + "/absent.pub");
  ASSERT_FALSE(pub.ok());
  EXPECT_EQ(pub.status().code(), ErrorCode::kNotFound);
}

TEST_F(KeyFileTest, OversizedAndNonRegularFilesAreRejected) {
  const std::string big = dir_ + "/big.pem";
  WriteFile(big, std::string(kMaxKeyFileBytes + 1, 'a'));
  Result<PrivateKey> key = LoadSigningKey(big);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(key.status().message(), HasSubstr("file is larger than 65536 bytes"));
  Result<PrivateKey> dir = LoadSigningKey(dir_);
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(dir.status().message(), HasSubstr("not a regular file"));
}

TEST_F(KeyFileTest, SharedReadableKeyWarnsButLoads) {
  const std::string path = dir_ + "/shared.pem";
  WriteFile(path, GeneratePrivateKeyPem(TestKey::kEd25519), 0644);
  std::ostringstream logs;
  log::Logger logger(logs, log::Options{});
  log::SetDefaultForTest(&logger);
  Result<PrivateKey> key = LoadSigningKey(path);
  log::SetDefaultForTest(nullptr);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_THAT(logs.str(), HasSubstr("readable by group or others"));

  const std::string private_path = dir_ + "/private.pem";
  WriteFile(private_path, GeneratePrivateKeyPem(TestKey::kEd25519), 0600);
  std::ostringstream quiet;
  log::Logger quiet_logger(quiet, log::Options{});
  log::SetDefaultForTest(&quiet_logger);
  ASSERT_TRUE(LoadSigningKey(private_path).ok());
  log::SetDefaultForTest(nullptr);
  EXPECT_EQ(quiet.str(), "");
}

TEST_F(KeyFileTest, WrongKindInFileIsInvalid) {
  const std::string path = dir_ + "/rsa.pem";
  WriteFile(path, GeneratePrivateKeyPem(TestKey::kRsa));
  Result<PrivateKey> key = LoadSigningKey("file://" + path);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_EQ(key.status().message(), "signing key \"" + path +
                                        "\": unsupported key type \"RSA\" (supported: ECDSA "
                                        "P-256, Ed25519)");
}

}  // namespace
}  // namespace aicr::attest
