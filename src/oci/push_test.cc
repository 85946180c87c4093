#include "oci/push.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "archive/tar.h"
#include "oci/pull.h"
#include "tests/testing/status_matchers.h"

namespace aicr::oci {
namespace {

using ::testing::HasSubstr;

std::vector<BundleFile> Files() {
  return {
      {"b.yaml", "b: 2\n", false}, {"a/x.yaml", "x: 1\n", false}, {"run.sh", "#!/bin/sh\n", true}};
}

TEST(BundleArtifactTest, SameFilesSameDigestInAnyOrder) {
  auto a = BuildBundleArtifact(Files(), "v1.0.0");
  ASSERT_THAT(a, IsOk());
  auto files = Files();
  std::reverse(files.begin(), files.end());
  auto b = BuildBundleArtifact(files, "v1.0.0");
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->digest, b->digest);
  EXPECT_EQ(a->manifest, b->manifest);
  EXPECT_EQ(a->layer, b->layer);
  auto other_version = BuildBundleArtifact(Files(), "v1.0.1");
  ASSERT_THAT(other_version, IsOk());
  EXPECT_NE(other_version->digest, a->digest);
  EXPECT_EQ(other_version->layer, a->layer);
  files[0].bytes += "#";
  auto changed = BuildBundleArtifact(files, "v1.0.0");
  ASSERT_THAT(changed, IsOk());
  EXPECT_NE(changed->digest, a->digest);
}

TEST(BundleArtifactTest, ManifestShape) {
  auto a = BuildBundleArtifact(Files(), "v9");
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->config, "{}");
  EXPECT_EQ(a->digest, DigestOf(a->manifest));
  auto m = DecodeManifest(a->manifest);
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(m->media_type, "application/vnd.oci.image.manifest.v1+json");
  EXPECT_EQ(m->artifact_type, "application/vnd.nvidia.aicr.artifact");
  EXPECT_EQ(m->config, DescriptorFor("application/vnd.oci.empty.v1+json", "{}"));
  ASSERT_EQ(m->layers.size(), 1u);
  EXPECT_EQ(m->layers[0].media_type, "application/vnd.oci.image.layer.v1.tar+gzip");
  EXPECT_EQ(m->layers[0].digest, DigestOf(a->layer));
  EXPECT_FALSE(m->subject.has_value());
  const std::map<std::string, std::string> want = {
      {"org.opencontainers.image.created", "1970-01-01T00:00:00Z"},
      {"org.opencontainers.image.source", "https://github.com/NVIDIA/aicr"},
      {"org.opencontainers.image.title", "AICR Bundle"},
      {"org.opencontainers.image.vendor", "NVIDIA"},
      {"org.opencontainers.image.version", "v9"}};
  EXPECT_EQ(m->annotations, want);
  auto back = archive::ReadTarGz(a->layer);
  ASSERT_THAT(back, IsOk());
  ASSERT_EQ(back->size(), 3u);
  EXPECT_EQ((*back)[0].path, "a/x.yaml");
  EXPECT_TRUE((*back)[2].executable);
}

TEST(BundleArtifactTest, RejectsBadInput) {
  EXPECT_THAT(BuildBundleArtifact({}, "v"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("no files")));
  EXPECT_THAT(BuildBundleArtifact({{"../x", "", false}}, "v"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("\"../x\"")));
  EXPECT_THAT(
      PushBundle(Reference{"127.0.0.1:1", "x", "", DigestOf("m")}, Files(), "v", RegistryOptions{}),
      StatusIs(ErrorCode::kInvalidRequest, HasSubstr("must not carry a digest")));
}

TEST(HelmTagTest, StrictSemverWithUnderscoreForPlus) {
  const std::pair<const char*, const char*> good[] = {
      {"1.2.3", "1.2.3"},
      {"v1.2.3", "1.2.3"},
      {"v1.2.3_build.5", "1.2.3+build.5"},
      {"0.0.1-rc.1", "0.0.1-rc.1"},
      {"1.0.0-alpha-1.beta_exp.sha.5114f85", "1.0.0-alpha-1.beta+exp.sha.5114f85"},
  };
  for (const auto& [tag, version] : good) {
    auto v = HelmChartVersionFromTag(tag);
    ASSERT_THAT(v, IsOk()) << tag;
    EXPECT_EQ(*v, version) << tag;
  }
  for (const char* bad : {"latest", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "v", "1.2.3-", "1.2.3_",
                          "1.2.3-01", "1.2.3_a_b", "vv1.2.3", "1.2.3-a..b"}) {
    EXPECT_THAT(HelmChartVersionFromTag(bad),
                StatusIs(ErrorCode::kInvalidRequest, HasSubstr("tag")))
        << bad;
  }
}

TEST(CollectBundleFilesTest, ReadsRegularFilesAndRefusesSymlinks) {
  const std::string root =
      (std::filesystem::temp_directory_path() / ("aicr-oci-collect-" + std::to_string(getpid())))
          .string();
  std::filesystem::remove_all(root);
  ASSERT_THAT(WriteBundleFiles({{"z.txt", "z", false}, {"d/e/f.yaml", "f: 1\n", false}}, root),
              IsOk());
  chmod((root + "/z.txt").c_str(), 0755);
  auto files = CollectBundleFiles(root);
  ASSERT_THAT(files, IsOk());
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].path, "d/e/f.yaml");
  EXPECT_EQ((*files)[0].bytes, "f: 1\n");
  EXPECT_FALSE((*files)[0].executable);
  EXPECT_EQ((*files)[1].path, "z.txt");
  EXPECT_TRUE((*files)[1].executable);
  EXPECT_THAT(CollectBundleFiles(root, 2),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("more than 2 bytes")));
  std::filesystem::create_symlink("/etc/passwd", root + "/d/link");
  EXPECT_THAT(CollectBundleFiles(root),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("\"d/link\" is a symlink")));
  EXPECT_THAT(CollectBundleFiles(root + "/missing"), StatusIs(ErrorCode::kNotFound, HasSubstr("")));
  std::filesystem::remove_all(root);
}

TEST(WriteBundleFilesTest, WritesPrivateTreeAtomically) {
  const std::string root =
      (std::filesystem::temp_directory_path() / ("aicr-oci-write-" + std::to_string(getpid())))
          .string();
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  const std::string dir = root + "/bundle";
  ASSERT_THAT(WriteBundleFiles({{"a/b/c.txt", "c", false}, {"top.txt", "t", true}}, dir), IsOk());
  struct stat st {};
  ASSERT_EQ(stat((dir + "/a/b").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(stat((dir + "/top.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 1);

  EXPECT_THAT(WriteBundleFiles({{"x", "", false}}, dir),
              StatusIs(ErrorCode::kConflict, HasSubstr("already exists")));
  const std::string bad = root + "/bad";
  EXPECT_THAT(WriteBundleFiles({{"ok", "", false}, {"../escape", "", false}}, bad),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("unsafe path")));
  EXPECT_FALSE(std::filesystem::exists(bad));
  // Only the finished folder is left behind: no temporary siblings.
  int entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(root)) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace aicr::oci
