#pragma once

/// \file
/// A temporary host tree for OS collector tests: files written below a fresh
/// directory that CollectContext::root points at; removed on destruction.

#include <filesystem>
#include <string>
#include <string_view>

namespace aicr::collector::testing {

class HostTree {
 public:
  HostTree();
  HostTree(const HostTree&) = delete;
  HostTree& operator=(const HostTree&) = delete;
  ~HostTree();

  /// The tree's root directory.
  const std::string& root() const { return root_; }
  /// Writes `content` to the host path `path` (`/proc/cmdline`), creating parents.
  /// Returns the real path.
  std::string Write(std::string_view path, std::string_view content) const;
  /// Creates the directory at host path `path` (and parents). Returns the real path.
  std::string MakeDir(std::string_view path) const;
  /// Creates a symlink at host path `link` pointing to `target` (verbatim).
  void Symlink(std::string_view target, std::string_view link) const;

 private:
  std::string root_;
};

}  // namespace aicr::collector::testing
