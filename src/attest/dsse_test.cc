#include "attest/dsse.h"

#include <gtest/gtest.h>

#include <string>

#include "attest/test_keys.h"

namespace aicr::attest {
namespace {

using ::aicr::attest::testing::GeneratePrivateKeyPem;
using ::aicr::attest::testing::TestKey;

TEST(PaeTest, Vectors) {
  // The example from the DSSE v1 protocol description.
  EXPECT_EQ(Pae("http://example.com/HelloWorld", "hello world"),
            "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  EXPECT_EQ(Pae("", ""), "DSSEv1 0  0 ");
  EXPECT_EQ(Pae(kInTotoPayloadType, "{}"), "DSSEv1 28 application/vnd.in-toto+json 2 {}");
  // Lengths are byte counts; payload bytes are copied verbatim (NUL and UTF-8 included).
  const std::string binary("a\0b", 3);
  EXPECT_EQ(Pae("t", binary), std::string("DSSEv1 1 t 3 a\0b", 16));
  EXPECT_EQ(Pae("t", "\xc3\xa9"), "DSSEv1 1 t 2 \xc3\xa9");
  EXPECT_EQ(Pae("t", std::string(1000, 'x')), "DSSEv1 1 t 1000 " + std::string(1000, 'x'));
}

class DsseTest : public ::testing::TestWithParam<TestKey> {
 protected:
  PrivateKey Key() {
    Result<PrivateKey> key = PrivateKey::FromPem(GeneratePrivateKeyPem(GetParam()), "k");
    EXPECT_TRUE(key.ok());
    return *key;
  }
};

TEST_P(DsseTest, SignsOverPae) {
  const PrivateKey key = Key();
  Result<DsseEnvelope> envelope = SignEnvelope(key, kInTotoPayloadType, "{\"a\":1}");
  ASSERT_TRUE(envelope.ok()) << envelope.status().ToString();
  EXPECT_EQ(envelope->payload_type, kInTotoPayloadType);
  EXPECT_EQ(envelope->payload, "{\"a\":1}");
  ASSERT_EQ(envelope->signatures.size(), 1u);
  EXPECT_EQ(envelope->signatures[0].keyid, "");
  // The signature covers the PAE, not the bare payload.
  EXPECT_TRUE(
      key.public_key().Verify(Pae(kInTotoPayloadType, "{\"a\":1}"), envelope->signatures[0].sig));
  EXPECT_FALSE(key.public_key().Verify("{\"a\":1}", envelope->signatures[0].sig));
  EXPECT_TRUE(VerifyEnvelope(*envelope, key.public_key()));
}

TEST_P(DsseTest, TamperingIsDetected) {
  const PrivateKey key = Key();
  Result<DsseEnvelope> signed_envelope = SignEnvelope(key, kInTotoPayloadType, "payload");
  ASSERT_TRUE(signed_envelope.ok());

  DsseEnvelope payload = *signed_envelope;
  payload.payload = "payloae";
  EXPECT_FALSE(VerifyEnvelope(payload, key.public_key()));

  DsseEnvelope type = *signed_envelope;
  type.payload_type = "application/json";
  EXPECT_FALSE(VerifyEnvelope(type, key.public_key()));

  DsseEnvelope sig = *signed_envelope;
  sig.signatures[0].sig[5] = static_cast<char>(sig.signatures[0].sig[5] ^ 0x40);
  EXPECT_FALSE(VerifyEnvelope(sig, key.public_key()));

  DsseEnvelope none = *signed_envelope;
  none.signatures.clear();
  EXPECT_FALSE(VerifyEnvelope(none, key.public_key()));

  EXPECT_FALSE(VerifyEnvelope(*signed_envelope, Key().public_key()));
}

TEST_P(DsseTest, AnyValidSignatureSuffices) {
  const PrivateKey key = Key();
  const PrivateKey other = Key();
  Result<DsseEnvelope> a = SignEnvelope(other, "t", "p");
  Result<DsseEnvelope> b = SignEnvelope(key, "t", "p");
  ASSERT_TRUE(a.ok() && b.ok());
  DsseEnvelope both = *a;
  both.signatures.push_back(b->signatures[0]);
  EXPECT_TRUE(VerifyEnvelope(both, key.public_key()));
  EXPECT_TRUE(VerifyEnvelope(both, other.public_key()));
  EXPECT_FALSE(VerifyEnvelope(both, Key().public_key()));
}

TEST_P(DsseTest, EmptyPayloadTypeIsRejected) {
  Result<DsseEnvelope> envelope = SignEnvelope(Key(), "", "p");
  ASSERT_FALSE(envelope.ok());
  EXPECT_EQ(envelope.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_EQ(envelope.status().message(), "dsse: empty payload type");
}

INSTANTIATE_TEST_SUITE_P(Algorithms, DsseTest,
                         ::testing::Values(TestKey::kEcP256Pkcs8, TestKey::kEd25519));

}  // namespace
}  // namespace aicr::attest
