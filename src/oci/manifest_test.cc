#include "oci/manifest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace aicr::oci {
namespace {

using ::testing::HasSubstr;

TEST(ManifestTest, EmptyConfigDigestIsTheWellKnownOne) {
  EXPECT_EQ(DigestOf(kEmptyJson),
            "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
}

TEST(ManifestTest, EncodeIsCanonicalAndRoundTrips) {
  Manifest m;
  m.artifact_type = std::string(kArtifactTypeAicr);
  m.config = DescriptorFor(kMediaTypeEmptyJson, kEmptyJson);
  m.layers.push_back(DescriptorFor(kMediaTypeImageLayerGzip, "layer"));
  m.layers[0].annotations["org.opencontainers.image.title"] = "bundle.tar.gz";
  m.annotations["z"] = "last";
  m.annotations["a"] = "first";
  Descriptor subject = DescriptorFor(kMediaTypeImageManifest, "subject");
  m.subject = subject;
  const std::string json = EncodeManifest(m);
  EXPECT_EQ(json.find('\n'), std::string::npos);
  // Keys are sorted: annotations < artifactType < config < layers < mediaType < schemaVersion <
  // subject.
  EXPECT_LT(json.find("\"annotations\""), json.find("\"artifactType\""));
  EXPECT_LT(json.find("\"layers\""),
            json.find("\"mediaType\":\"application/vnd.oci.image.manifest"));
  EXPECT_LT(json.find("\"schemaVersion\":2"), json.find("\"subject\""));
  EXPECT_EQ(json, EncodeManifest(m));

  auto back = DecodeManifest(json);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->artifact_type, m.artifact_type);
  EXPECT_EQ(back->config, m.config);
  EXPECT_EQ(back->layers, m.layers);
  ASSERT_TRUE(back->subject.has_value());
  EXPECT_EQ(*back->subject, subject);
  EXPECT_EQ(back->annotations, m.annotations);
  EXPECT_EQ(EncodeManifest(*back), json);
}

TEST(ManifestTest, IndexRoundTrips) {
  Index idx;
  Descriptor d = DescriptorFor(kMediaTypeImageManifest, "x");
  d.artifact_type = std::string(kMediaTypeSigstoreBundle);
  idx.manifests.push_back(d);
  auto back = DecodeIndex(EncodeIndex(idx));
  ASSERT_THAT(back, IsOk());
  ASSERT_EQ(back->manifests.size(), 1u);
  EXPECT_EQ(back->manifests[0], d);
  auto empty =
      DecodeIndex(R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"})");
  ASSERT_THAT(empty, IsOk());
  EXPECT_TRUE(empty->manifests.empty());
}

TEST(ManifestTest, DecodeRejectsMalformedDocuments) {
  const std::string good_digest = DigestOf("x");
  const std::pair<std::string, const char*> bad[] = {
      {"not json", "manifest"},
      {"[]", "not a JSON object"},
      {R"({"schemaVersion":1,"config":{},"layers":[]})", "schemaVersion must be 2"},
      {R"({"schemaVersion":2,"layers":[]})", "missing \"config\""},
      {R"({"schemaVersion":2,"config":{"mediaType":"a","digest":"sha256:zz","size":1},"layers":[]})",
       "invalid digest"},
      {R"({"schemaVersion":2,"config":{"mediaType":"a","digest":")" + good_digest +
           R"(","size":-1},"layers":[]})",
       "invalid \"size\""},
      {R"({"schemaVersion":2,"config":{"mediaType":"a","digest":")" + good_digest +
           R"(","size":1}})",
       "invalid \"layers\""},
      {R"({"schemaVersion":2,"config":{"digest":")" + good_digest + R"(","size":1},"layers":[]})",
       "missing \"mediaType\""},
      {R"({"schemaVersion":2,"config":{"mediaType":"a","digest":")" + good_digest +
           R"(","size":1},"layers":[],"annotations":{"k":1}})",
       "annotation \"k\" is not a string"},
  };
  for (const auto& [json, fragment] : bad) {
    EXPECT_THAT(DecodeManifest(json), StatusIs(ErrorCode::kInvalidRequest, HasSubstr(fragment)))
        << json;
  }
}

}  // namespace
}  // namespace aicr::oci
