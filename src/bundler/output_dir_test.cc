#include "bundler/output_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "checksum/manifest.h"
#include "tests/testing/status_matchers.h"

namespace aicr::bundler {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

unsigned Mode(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

layout::FileTree Tree(std::vector<std::tuple<std::string, std::string, unsigned>> files) {
  layout::FileTree tree;
  std::vector<std::pair<std::string_view, std::string_view>> views;
  for (const auto& [path, bytes, mode] : files) {
    EXPECT_THAT(tree.Add(path, bytes, mode), IsOk());
  }
  for (const auto& [path, file] : tree.files()) {
    views.emplace_back(path, file.bytes);
  }
  EXPECT_THAT(tree.Add("checksums.txt", checksum::BuildManifest(views).value(), 0600), IsOk());
  return tree;
}

class PublishBundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = ::testing::TempDir() + "/aicr-publish-XXXXXX";
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    root_ = templ;
  }
  void TearDown() override { fs::remove_all(root_); }

  // Names in `dir`, sorted.
  std::vector<std::string> Entries(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) {
      out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path root_;
};

TEST_F(PublishBundleTest, NewDirectoryGetsFilesModesAndNoLeftovers) {
  const fs::path out = root_ / "nested" / "bundle";
  ASSERT_THAT(PublishBundle(Tree({{"deploy.sh", "#!/bin/bash\n", 0755},
                                  {"001-a/values.yaml", "a: 1\n", 0600},
                                  {"001-a/Chart.yaml", "name: a\n", 0644}}),
                            out.string()),
              IsOk());
  EXPECT_EQ(Read(out / "001-a/values.yaml"), "a: 1\n");
  EXPECT_EQ(Mode(out / "deploy.sh"), 0755u);
  EXPECT_EQ(Mode(out / "001-a/values.yaml"), 0600u);
  EXPECT_EQ(Mode(out / "001-a/Chart.yaml"), 0644u);
  EXPECT_EQ(Mode(out / "001-a"), 0755u);
  EXPECT_THAT(Entries(root_ / "nested"), ::testing::ElementsAre("bundle"));
  EXPECT_THAT(Entries(out), ::testing::ElementsAre("001-a", "checksums.txt", "deploy.sh"));
}

TEST_F(PublishBundleTest, ReplacesPreviousBundleAndStaleFolders) {
  const fs::path out = root_ / "b";
  ASSERT_THAT(
      PublishBundle(Tree({{"001-old/values.yaml", "x\n", 0600}, {"README.md", "old\n", 0600}}),
                    out.string()),
      IsOk());
  fs::create_directories(out / "002-stale");  // e.g. left by an older tool
  std::ofstream(out / "002-stale/values.yaml") << "y\n";
  ASSERT_THAT(PublishBundle(Tree({{"001-new/values.yaml", "z\n", 0600}}), out.string()), IsOk());
  EXPECT_THAT(Entries(out), ::testing::ElementsAre("001-new", "checksums.txt"));
}

TEST_F(PublishBundleTest, EmptyExistingDirectoryIsUsed) {
  const fs::path out = root_ / "empty";
  fs::create_directories(out);
  ASSERT_THAT(PublishBundle(Tree({{"a.txt", "a\n", 0600}}), out.string()), IsOk());
  EXPECT_THAT(Entries(out), ::testing::ElementsAre("a.txt", "checksums.txt"));
}

TEST_F(PublishBundleTest, ForeignFilesAreRefusedAndKept) {
  const fs::path out = root_ / "repo";
  fs::create_directories(out);
  std::ofstream(out / "main.go") << "package main\n";
  EXPECT_THAT(
      PublishBundle(Tree({{"a.txt", "a\n", 0600}}), out.string()),
      StatusIs(ErrorCode::kInvalidRequest, HasSubstr("not part of a previous bundle (main.go)")));
  EXPECT_THAT(Entries(out), ::testing::ElementsAre("main.go"));
}

TEST_F(PublishBundleTest, SymlinksAreRefusedAndPreviousBundleKept) {
  const fs::path out = root_ / "b";
  ASSERT_THAT(PublishBundle(Tree({{"001-a/values.yaml", "x\n", 0600}}), out.string()), IsOk());
  fs::create_symlink("/etc/passwd", out / "001-a/link");
  EXPECT_THAT(PublishBundle(Tree({{"001-b/values.yaml", "y\n", 0600}}), out.string()),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("symlink")));
  EXPECT_EQ(Read(out / "001-a/values.yaml"), "x\n");
  EXPECT_FALSE(fs::exists(out / "001-b"));

  const fs::path link = root_ / "linked";
  fs::create_symlink(out, link);
  EXPECT_THAT(PublishBundle(Tree({{"a", "a", 0600}}), link.string()),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("is a symlink")));
}

TEST_F(PublishBundleTest, FailedVerificationLeavesPreviousBundleAndNoStaging) {
  const fs::path out = root_ / "b";
  ASSERT_THAT(PublishBundle(Tree({{"001-a/values.yaml", "x\n", 0600}}), out.string()), IsOk());
  layout::FileTree bad = Tree({{"001-b/values.yaml", "y\n", 0600}});
  ASSERT_TRUE(bad.Remove("001-b/values.yaml"));
  ASSERT_THAT(bad.Add("001-b/values.yaml", "tampered\n", 0600), IsOk());
  EXPECT_THAT(PublishBundle(bad, out.string()),
              StatusIs(ErrorCode::kInternal, HasSubstr("failed verification")));
  EXPECT_THAT(Entries(out), ::testing::ElementsAre("001-a", "checksums.txt"));
}

TEST_F(PublishBundleTest, OutputPathThatIsAFileOrTreeWithoutChecksums) {
  const fs::path file = root_ / "file";
  std::ofstream(file) << "x";
  EXPECT_THAT(PublishBundle(Tree({{"a", "a", 0600}}), file.string()),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("not a directory")));
  layout::FileTree no_sums;
  ASSERT_THAT(no_sums.Add("a", "a", 0600), IsOk());
  EXPECT_THAT(PublishBundle(no_sums, (root_ / "x").string()),
              StatusIs(ErrorCode::kInternal, HasSubstr("checksums.txt")));
  EXPECT_FALSE(fs::exists(root_ / "x"));
}

}  // namespace
}  // namespace aicr::bundler
