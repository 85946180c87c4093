#pragma once

/// \file
/// Private temporary directories: created with mkdtemp (mode 0700) and removed with
/// everything in them when the owning TempDir goes away.

#include <string>
#include <string_view>
#include <utility>

#include "base/result.h"

namespace aicr {

/// A directory that exists for the lifetime of this object. Move-only.
class TempDir {
 public:
  /// Creates `<parent>/<prefix>XXXXXX`; `parent` "" means $TMPDIR, else /tmp.
  /// UNAVAILABLE naming the parent when it cannot be created.
  static Result<TempDir> Create(std::string_view prefix, const std::string& parent = "");

  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  /// The directory's path (empty after a move or Release).
  const std::string& path() const { return path_; }

  /// Keeps the directory (e.g. once it was renamed into place): returns its path
  /// and disarms the removal.
  std::string Release() { return std::exchange(path_, std::string()); }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  void Remove();

  std::string path_;
};

}  // namespace aicr
