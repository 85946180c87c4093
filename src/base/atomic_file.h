#pragma once

/// \file
/// Atomic file writes: temporary file in the destination directory, write, fsync,
/// rename over the destination, fsync the directory. A failure at any step removes
/// the temporary file and leaves any previous file untouched.

#include <string>
#include <string_view>

#include "base/status.h"

namespace aicr {

/// The POSIX calls the writer makes, as a seam so tests can fail any step.
struct FileOps {
  int (*open)(const char* path, int flags, unsigned mode);
  long (*write)(int fd, const void* buf, unsigned long n);
  int (*fsync)(int fd);
  int (*close)(int fd);
  int (*rename)(const char* from, const char* to);
  int (*unlink)(const char* path);

  static const FileOps& Real();
};

/// Writes `data` to `path` atomically with mode 0644 (minus umask).
/// Errors: kInvalidRequest for an empty path or a directory; kUnavailable for I/O failures
/// (message names the path and the failing step).
Status WriteFileAtomic(const std::string& path, std::string_view data,
                       const FileOps& ops = FileOps::Real());

}  // namespace aicr
