#include "base/temp_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

namespace aicr {
namespace {

namespace fs = std::filesystem;

TEST(TempDirTest, IsPrivateAndRemovedWithItsContents) {
  std::string path;
  {
    Result<TempDir> dir = TempDir::Create("aicr-test-");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    path = dir->path();
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    EXPECT_EQ(fs::path(path).filename().string().rfind("aicr-test-", 0), 0u);
    fs::create_directories(path + "/a/b");
    std::ofstream(path + "/a/b/f") << "x";

    TempDir moved = std::move(dir).value();
    EXPECT_EQ(moved.path(), path);
    EXPECT_TRUE(fs::exists(path + "/a/b/f"));
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST(TempDirTest, ReleaseKeepsTheDirectory) {
  std::string path;
  {
    Result<TempDir> dir = TempDir::Create("aicr-test-");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    path = dir->path();
    EXPECT_EQ(dir->Release(), path);
    EXPECT_EQ(dir->path(), "");
  }
  EXPECT_TRUE(fs::is_directory(path));
  fs::remove_all(path);
}

TEST(TempDirTest, AMissingParentIsUnavailable) {
  Result<TempDir> dir = TempDir::Create("x-", "/nonexistent-parent-dir");
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(dir.status().message().find("/nonexistent-parent-dir"), std::string::npos);
}

}  // namespace
}  // namespace aicr
