#include "attest/sigstore_bundle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "attest/test_keys.h"
#include "base/base64.h"
#include "serialize/json_reader.h"

namespace aicr::attest {
namespace {

using ::aicr::attest::testing::GeneratePrivateKeyPem;
using ::aicr::attest::testing::TestKey;
using ::testing::HasSubstr;

PrivateKey Key(TestKey kind = TestKey::kEcP256Pkcs8) {
  Result<PrivateKey> key = PrivateKey::FromPem(GeneratePrivateKeyPem(kind), "k");
  EXPECT_TRUE(key.ok());
  return *key;
}

// A minimal valid bundle document with `material` and `content` spliced in.
std::string Doc(const std::string& media_type, const std::string& material,
                const std::string& content) {
  return R"({"mediaType":")" + media_type + R"(","verificationMaterial":)" + material + content +
         "}";
}

const std::string kKeyMaterial = R"({"publicKey":{"hint":"aGludA=="},"tlogEntries":[]})";
const std::string kDsse =
    R"(,"dsseEnvelope":{"payload":"e30=","payloadType":"application/vnd.in-toto+json",)"
    R"("signatures":[{"sig":"c2ln","keyid":""}]})";
const std::string kMessage =
    R"(,"messageSignature":{"messageDigest":{"algorithm":"SHA2_256","digest":"ZGlnZXN0"},)"
    R"("signature":"c2ln"})";

TEST(SigstoreBundleTest, SignedBundleRoundTrips) {
  for (TestKey kind : {TestKey::kEcP256Pkcs8, TestKey::kEd25519}) {
    const PrivateKey key = Key(kind);
    Result<SigstoreBundle> bundle = SignDsseBundle(key, kInTotoPayloadType, "{\"x\":1}");
    ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
    EXPECT_EQ(bundle->media_type, kBundleMediaTypeV03);
    EXPECT_EQ(bundle->minor_version, 3);
    EXPECT_EQ(bundle->material.public_key_hint, key.public_key().Hint());
    EXPECT_TRUE(bundle->material.certificate_chain_der.empty());
    ASSERT_TRUE(bundle->dsse.has_value());
    EXPECT_FALSE(bundle->message_signature.has_value());

    Result<std::string> json = MarshalSigstoreBundle(*bundle);
    ASSERT_TRUE(json.ok()) << json.status().ToString();
    EXPECT_EQ(json->back(), '\n');
    Result<serialize::Value> doc = serialize::ParseJson(*json);
    ASSERT_TRUE(doc.ok());
    EXPECT_EQ(*doc->FindPath("mediaType")->if_string(),
              "application/vnd.dev.sigstore.bundle.v0.3+json");
    EXPECT_EQ(*doc->FindPath("verificationMaterial.publicKey.hint")->if_string(),
              key.public_key().Hint());
    EXPECT_EQ(doc->FindPath("verificationMaterial.tlogEntries")->size(), 0u);
    EXPECT_EQ(*doc->FindPath("dsseEnvelope.payload")->if_string(), EncodeBase64("{\"x\":1}"));
    EXPECT_EQ(*doc->FindPath("dsseEnvelope.payloadType")->if_string(), kInTotoPayloadType);
    EXPECT_EQ(*doc->FindPath("dsseEnvelope.signatures.0.sig")->if_string(),
              EncodeBase64(bundle->dsse->signatures[0].sig));
    // An empty keyid is omitted, as protobuf-JSON does.
    EXPECT_EQ(doc->FindPath("dsseEnvelope.signatures.0.keyid"), nullptr);

    Result<SigstoreBundle> back = ParseSigstoreBundle(*json);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->media_type, bundle->media_type);
    EXPECT_EQ(back->material.public_key_hint, bundle->material.public_key_hint);
    EXPECT_EQ(back->dsse, bundle->dsse);
    Result<std::string> again = MarshalSigstoreBundle(*back);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *json);
  }
}

TEST(SigstoreBundleTest, MarshalIsCanonical) {
  SigstoreBundle bundle;
  bundle.media_type = std::string(kBundleMediaTypeV03);
  bundle.material.public_key_hint = "aGludA==";
  bundle.dsse = DsseEnvelope{"application/vnd.in-toto+json", "{}", {{"", "sig"}}};
  Result<std::string> json = MarshalSigstoreBundle(bundle);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json,
            "{\n"
            "  \"dsseEnvelope\": {\n"
            "    \"payload\": \"e30=\",\n"
            "    \"payloadType\": \"application/vnd.in-toto+json\",\n"
            "    \"signatures\": [\n"
            "      {\n"
            "        \"sig\": \"c2ln\"\n"
            "      }\n"
            "    ]\n"
            "  },\n"
            "  \"mediaType\": \"application/vnd.dev.sigstore.bundle.v0.3+json\",\n"
            "  \"verificationMaterial\": {\n"
            "    \"publicKey\": {\n"
            "      \"hint\": \"aGludA==\"\n"
            "    },\n"
            "    \"tlogEntries\": []\n"
            "  }\n"
            "}\n");
}

TEST(SigstoreBundleTest, AcceptedMediaTypes) {
  const struct {
    std::string media_type;
    int minor;
  } cases[] = {
      {"application/vnd.dev.sigstore.bundle.v0.3+json", 3},
      {"application/vnd.dev.sigstore.bundle+json;version=0.3", 3},
      {"application/vnd.dev.sigstore.bundle+json;version=0.2", 2},
      {"application/vnd.dev.sigstore.bundle+json;version=0.1", 1},
  };
  for (const auto& c : cases) {
    Result<SigstoreBundle> bundle = ParseSigstoreBundle(Doc(c.media_type, kKeyMaterial, kDsse));
    ASSERT_TRUE(bundle.ok()) << c.media_type << ": " << bundle.status().ToString();
    EXPECT_EQ(bundle->minor_version, c.minor);
    EXPECT_EQ(bundle->media_type, c.media_type);
  }
}

TEST(SigstoreBundleTest, MessageSignatureAndCertificates) {
  const std::string v03 = std::string(kBundleMediaTypeV03);
  Result<SigstoreBundle> message = ParseSigstoreBundle(
      Doc(v03, R"({"certificate":{"rawBytes":"Y2VydA=="},"tlogEntries":[{"logIndex":"7"}]})",
          kMessage));
  ASSERT_TRUE(message.ok()) << message.status().ToString();
  ASSERT_TRUE(message->message_signature.has_value());
  EXPECT_EQ(message->message_signature->digest_algorithm, "SHA2_256");
  EXPECT_EQ(message->message_signature->digest, "digest");
  EXPECT_EQ(message->message_signature->signature, "sig");
  EXPECT_EQ(message->material.certificate_chain_der, std::vector<std::string>{"cert"});
  EXPECT_FALSE(message->material.public_key_hint.has_value());
  EXPECT_EQ(message->material.tlog_entries.size(), 1u);
  Result<std::string> json = MarshalSigstoreBundle(*message);
  ASSERT_TRUE(json.ok());
  EXPECT_THAT(*json, HasSubstr("\"certificate\": {\n      \"rawBytes\": \"Y2VydA==\""));
  EXPECT_THAT(*json, HasSubstr("\"logIndex\": \"7\""));
  Result<SigstoreBundle> back = ParseSigstoreBundle(*json);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->message_signature, message->message_signature);

  Result<SigstoreBundle> chain =
      ParseSigstoreBundle(Doc("application/vnd.dev.sigstore.bundle+json;version=0.1",
                              R"({"x509CertificateChain":{"certificates":[{"rawBytes":"bGVhZg=="},)"
                              R"({"rawBytes":"aW50ZXI="}]}})",
                              kDsse));
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  EXPECT_EQ(chain->material.certificate_chain_der, (std::vector<std::string>{"leaf", "inter"}));
  Result<std::string> chain_json = MarshalSigstoreBundle(*chain);
  ASSERT_TRUE(chain_json.ok());
  EXPECT_THAT(*chain_json, HasSubstr("x509CertificateChain"));
}

TEST(SigstoreBundleTest, ParseRejections) {
  const std::string v01 = "application/vnd.dev.sigstore.bundle+json;version=0.1";
  const std::string v03 = std::string(kBundleMediaTypeV03);
  struct Case {
    std::string json;
    std::string reason;
  };
  const Case cases[] = {
      {R"({"mediaType": "x", "verificationMaterial": {)",
       "sigstore bundle: malformed JSON: json: "},
      {"[1]", "sigstore bundle: malformed JSON: expected an object"},
      {R"({"verificationMaterial":{}})", "sigstore bundle: missing mediaType"},
      {Doc("application/vnd.dev.sigstore.bundle+json;version=99.9", kKeyMaterial, kDsse),
       "sigstore bundle: unknown bundle version: unsupported mediaType "
       "\"application/vnd.dev.sigstore.bundle+json;version=99.9\""},
      {Doc("application/vnd.dev.sigstore.bundle.v0.4+json", kKeyMaterial, kDsse),
       "sigstore bundle: unknown bundle version"},
      {Doc("application/json", kKeyMaterial, kDsse), "sigstore bundle: unknown bundle version"},
      {R"({"mediaType":")" + v03 + "\"" + kDsse + "}",
       "sigstore bundle: missing verification material"},
      {Doc(v03, "{}", kDsse), "sigstore bundle: missing verification material (publicKey, "},
      {Doc(v03, "[]", kDsse), "sigstore bundle: verificationMaterial must be an object"},
      {Doc(v03, R"({"publicKey":{},"certificate":{"rawBytes":"YQ=="}})", kDsse),
       "sigstore bundle: verification material holds more than one of"},
      {Doc(v01, R"({"x509CertificateChain":{"certificates":[]}})", kDsse),
       "sigstore bundle: empty certificate chain"},
      {Doc(v01, R"({"x509CertificateChain":{}})", kDsse),
       "sigstore bundle: empty certificate chain"},
      {Doc(v01, R"({"x509CertificateChain":{"certificates":[{"rawBytes":"!!"}]}})", kDsse),
       "sigstore bundle: invalid base64 in "
       "verificationMaterial.x509CertificateChain.certificates[0].rawBytes"},
      {Doc(v03, R"({"certificate":{"rawBytes":""}})", kDsse),
       "sigstore bundle: empty certificate in verificationMaterial.certificate"},
      {Doc(v03, kKeyMaterial, ""),
       "sigstore bundle: holds neither dsseEnvelope nor messageSignature"},
      {Doc(v03, kKeyMaterial, kDsse + kMessage),
       "sigstore bundle: holds both dsseEnvelope and messageSignature"},
      {Doc(v03, kKeyMaterial,
           R"(,"dsseEnvelope":{"payload":"e30","payloadType":"t","signatures":[{"sig":"c2ln"}]})"),
       "sigstore bundle: invalid base64 in dsseEnvelope.payload"},
      {Doc(v03, kKeyMaterial,
           R"(,"dsseEnvelope":{"payload":"e30=","payloadType":"t","signatures":[{"sig":"c2l*"}]})"),
       "sigstore bundle: invalid base64 in dsseEnvelope.signatures[0].sig"},
      {Doc(v03, kKeyMaterial,
           R"(,"dsseEnvelope":{"payload":"e30=","payloadType":"t","signatures":[]})"),
       "sigstore bundle: dsseEnvelope has no signatures"},
      {Doc(v03, kKeyMaterial,
           R"(,"dsseEnvelope":{"payload":"e30=","signatures":[{"sig":"c2ln"}]})"),
       "sigstore bundle: missing dsseEnvelope.payloadType"},
      {Doc(v03, kKeyMaterial,
           R"(,"dsseEnvelope":{"payload":"e30=","payloadType":"t","signatures":{}})"),
       "sigstore bundle: dsseEnvelope.signatures must be a sequence, got mapping"},
      {Doc(v03, kKeyMaterial, R"(,"messageSignature":{"signature":"INVALID!!!BASE64==="})"),
       "sigstore bundle: invalid base64 in messageSignature.signature"},
      {Doc(v03, kKeyMaterial,
           R"(,"messageSignature":{"messageDigest":{"digest":"%%"},"signature":"c2ln"})"),
       "sigstore bundle: invalid base64 in messageSignature.messageDigest.digest"},
      {Doc(v03, kKeyMaterial, R"(,"messageSignature":{})"),
       "sigstore bundle: missing messageSignature.signature"},
      {Doc(v03, R"({"publicKey":{},"tlogEntries":[{"logIndex":"-1"}]})", kDsse),
       "sigstore bundle: negative logIndex -1 in verificationMaterial.tlogEntries[0]"},
      {Doc(v03, R"({"publicKey":{},"tlogEntries":[{"logIndex":-5}]})", kDsse),
       "sigstore bundle: negative logIndex -5 in verificationMaterial.tlogEntries[0]"},
      {Doc(v03,
           R"({"publicKey":{},"tlogEntries":[{"logIndex":"1","inclusionProof":{"logIndex":"-2"}}]})",
           kDsse),
       "sigstore bundle: negative logIndex -2 in "
       "verificationMaterial.tlogEntries[0].inclusionProof"},
      {Doc(v03, R"({"publicKey":{},"tlogEntries":[{"logIndex":"12x"}]})", kDsse),
       "sigstore bundle: verificationMaterial.tlogEntries[0].logIndex must be an int64"},
      {Doc(v03, R"({"publicKey":{},"tlogEntries":{}})", kDsse),
       "sigstore bundle: verificationMaterial.tlogEntries must be an array"},
  };
  for (const Case& c : cases) {
    Result<SigstoreBundle> bundle = ParseSigstoreBundle(c.json);
    ASSERT_FALSE(bundle.ok()) << c.json;
    EXPECT_EQ(bundle.status().code(), ErrorCode::kInvalidRequest) << c.json;
    EXPECT_THAT(bundle.status().message(), ::testing::StartsWith(c.reason)) << c.json;
  }
}

TEST(SigstoreBundleTest, SizeCap) {
  std::string big = Doc(std::string(kBundleMediaTypeV03), kKeyMaterial, kDsse);
  big.insert(1, std::string(kMaxSigstoreBundleBytes, ' '));
  Result<SigstoreBundle> bundle = ParseSigstoreBundle(big);
  ASSERT_FALSE(bundle.ok());
  EXPECT_EQ(bundle.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_EQ(bundle.status().message(), "sigstore bundle: larger than 16777216 bytes");
}

TEST(SigstoreBundleTest, MarshalRejectsInconsistentBundles) {
  SigstoreBundle none;
  none.material.public_key_hint = "h";
  Result<std::string> a = MarshalSigstoreBundle(none);
  ASSERT_FALSE(a.ok());
  EXPECT_THAT(a.status().message(), HasSubstr("holds neither dsseEnvelope nor messageSignature"));

  SigstoreBundle no_material;
  no_material.message_signature = MessageSignature{"SHA2_256", "d", "s"};
  Result<std::string> b = MarshalSigstoreBundle(no_material);
  ASSERT_FALSE(b.ok());
  EXPECT_THAT(b.status().message(), HasSubstr("missing verification material"));

  SigstoreBundle bad_type = none;
  bad_type.media_type = "application/json";
  bad_type.dsse = DsseEnvelope{"t", "p", {{"", "s"}}};
  Result<std::string> c = MarshalSigstoreBundle(bad_type);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("unknown bundle version"));
}

}  // namespace
}  // namespace aicr::attest
