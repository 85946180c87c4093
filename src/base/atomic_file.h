#pragma once

/// \file
/// Atomic file writes: temporary file in the destination directory, write, fsync,
/// rename over the destination, fsync the directory. A failure at any step removes
/// the temporary file and leaves any previous file untouched.

#include <string>
#include <string_view>

#include "base/status.h"

namespace aicr {

/// The POSIX calls that create, fill, publish or remove files, as a seam so tests can
/// fail any step. Read-only queries (stat, realpath) are made directly.
struct FileOps {
  int (*open)(const char* path, int flags, unsigned mode);
  long (*write)(int fd, const void* buf, unsigned long n);
  int (*fsync)(int fd);
  int (*close)(int fd);
  int (*rename)(const char* from, const char* to);
  int (*unlink)(const char* path);
  int (*fchmod)(int fd, unsigned mode);

  static const FileOps& Real();
};

/// Writes `data` to `path` atomically. A new file gets mode 0644 (minus umask); a
/// replaced file keeps its mode. A symlink to a regular file is followed and its
/// target replaced. An existing character device or FIFO (`/dev/null`, a pipe)
/// cannot be replaced and is written in place instead (not atomic).
/// Errors: kInvalidRequest for an empty path, a directory or another non-regular file,
/// or a parent that is not a directory; kNotFound when the parent directory does not
/// exist; kUnavailable for I/O failures (message names the path and the failing step).
Status WriteFileAtomic(const std::string& path, std::string_view data,
                       const FileOps& ops = FileOps::Real());

}  // namespace aicr
