#pragma once

/// \file
/// A directory walk that never follows a symlink: every directory is opened with
/// openat(O_DIRECTORY | O_NOFOLLOW) relative to its parent's descriptor and checked to
/// be the same inode that fstatat(AT_SYMLINK_NOFOLLOW) reported, so a directory swapped
/// for a symlink mid-walk is caught rather than followed.

#include <sys/stat.h>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/status.h"

namespace aicr::checksum {

/// An owned file descriptor, closed on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

/// Opens the directory `dir` without following a symlink at its last component.
/// Errors: kNotFound when it does not exist; kInvalidRequest when it is a symlink or
/// not a directory; kUnavailable otherwise.
Result<UniqueFd> OpenDirNoFollow(const std::string& dir);

/// Opens `name` in the directory `dir_fd` read-only with O_NOFOLLOW and O_NONBLOCK (a
/// FIFO never blocks the open) and returns the descriptor only when it is a regular
/// file. `path` names it in messages.
/// Errors: kNotFound when absent; kInvalidRequest when it is a symlink or not a regular
/// file; kUnavailable otherwise.
Result<UniqueFd> OpenRegularNoFollow(int dir_fd, const std::string& name, std::string_view path);

/// One entry met by WalkNoFollow.
struct WalkEntry {
  std::string path;       ///< relative to the walk's root, slash-separated
  std::string_view name;  ///< last segment of `path`
  int dir_fd;             ///< open descriptor of the directory holding it
  struct stat st;         ///< fstatat(dir_fd, name, AT_SYMLINK_NOFOLLOW)
};

enum class WalkAction {
  kSkip,     ///< do not look inside (the only meaning for non-directories)
  kDescend,  ///< walk into this directory
};

struct WalkVisitor {
  /// Called for every entry, in byte order of names within a directory.
  std::function<WalkAction(const WalkEntry&)> on_entry;
  /// Optional: called after a directory the walk descended into (not the root) has
  /// been listed, with its path and number of entries.
  std::function<void(const std::string& path, std::size_t entries)> on_dir_end;
};

/// Walks the tree below the open directory `root_fd` (which stays open and is not
/// reported). Directories deeper than limits::kMaxDepth are refused.
/// Errors: kInvalidRequest when a directory changes identity or type while being
/// walked, or the tree is too deep; kUnavailable for I/O failures.
Status WalkNoFollow(int root_fd, const WalkVisitor& visitor);

/// `st`'s file type in words ("symlink", "fifo", "socket", "character device", ...).
std::string FileTypeName(const struct stat& st);

}  // namespace aicr::checksum
