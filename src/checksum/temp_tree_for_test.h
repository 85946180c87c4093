#pragma once

/// \file
/// Test helper: a fresh directory under the test temp dir, removed afterwards, with
/// helpers to lay out files, symlinks and FIFOs in it. Test-only.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace aicr::checksum::testing {

class TempTree {
 public:
  TempTree() {
    std::string tmpl = ::testing::TempDir();
    if (tmpl.empty() || tmpl.back() != '/') {
      tmpl += '/';
    }
    tmpl += "aicr-checksum-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    const char* made = ::mkdtemp(buf.data());
    EXPECT_NE(made, nullptr) << "mkdtemp " << tmpl;
    root_ = made == nullptr ? std::string() : std::string(made);
  }
  ~TempTree() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  const std::string& root() const { return root_; }
  std::string Path(const std::string& rel) const { return root_ + "/" + rel; }

  /// Writes `bytes` to `rel`, creating parent directories.
  void Write(const std::string& rel, const std::string& bytes) const {
    const std::filesystem::path p(Path(rel));
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << bytes;
    ASSERT_TRUE(out.good()) << "write " << p;
  }
  void Mkdir(const std::string& rel) const { std::filesystem::create_directories(Path(rel)); }
  void Remove(const std::string& rel) const { std::filesystem::remove_all(Path(rel)); }
  /// Creates the symlink `rel` -> `target` (target taken literally).
  void Symlink(const std::string& target, const std::string& rel) const {
    std::filesystem::create_directories(std::filesystem::path(Path(rel)).parent_path());
    ASSERT_EQ(::symlink(target.c_str(), Path(rel).c_str()), 0) << "symlink " << rel;
  }
  void Fifo(const std::string& rel) const {
    std::filesystem::create_directories(std::filesystem::path(Path(rel)).parent_path());
    ASSERT_EQ(::mkfifo(Path(rel).c_str(), 0600), 0) << "mkfifo " << rel;
  }
  std::string Read(const std::string& rel) const {
    std::ifstream in(Path(rel), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

 private:
  std::string root_;
};

}  // namespace aicr::checksum::testing
