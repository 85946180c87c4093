#pragma once

/// \file
/// An in-memory bundle: relative slash-separated paths mapped to bytes and a file
/// mode. Deployers and the layout writer fill one; the bundler writes it to disk
/// only after every check has passed, so a failure never leaves partial output.

#include <map>
#include <string>
#include <string_view>

#include "base/status.h"

namespace aicr::layout {

/// File modes used in bundles (aicr-bundle §7).
inline constexpr unsigned kModePrivate = 0600;   ///< values, README, env, recipe, info
inline constexpr unsigned kModeReadable = 0644;  ///< Chart.yaml, templates/*
inline constexpr unsigned kModeExecutable = 0755;

struct File {
  std::string bytes;
  unsigned mode = kModePrivate;
};

class FileTree {
 public:
  /// Adds `path`. INVALID_REQUEST when the path is not a clean relative path of safe
  /// segments (no empty, `.`, `..` segment, no backslash, NUL or leading `/`), or when
  /// it is already present, or when it or one of its parents is already a file's
  /// parent/child of the other kind.
  Status Add(const std::string& path, std::string bytes, unsigned mode);
  /// The file at `path`, or nullptr.
  const File* Find(std::string_view path) const;
  /// Removes `path`; returns whether it was present.
  bool Remove(std::string_view path);
  /// Files by path (byte order).
  const std::map<std::string, File, std::less<>>& files() const { return files_; }
  /// Sum of file sizes.
  std::size_t TotalBytes() const;

 private:
  std::map<std::string, File, std::less<>> files_;
};

/// Whether `path` is a clean relative path as FileTree::Add requires.
bool IsCleanRelativePath(std::string_view path);

}  // namespace aicr::layout
