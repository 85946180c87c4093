#include "checksum/walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>
#include <vector>

#include "base/limits.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "checksum/safe_path.h"

namespace aicr::checksum {
namespace {

Status IoError(std::string_view step, std::string_view path, int err) {
  return UnavailableError(std::string(step) + " " + QuotePath(path) + ": " + ErrnoText(err));
}

/// The names in the directory `dir_fd`, sorted, without `.` and `..`.
Result<std::vector<std::string>> ListNames(int dir_fd, const std::string& path) {
  // A fresh open file description, so fdopendir owns it and the offset of `dir_fd`
  // is left alone.
  const int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return IoError("open directory", path.empty() ? "." : path, errno);
  }
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    const int err = errno;
    ::close(fd);
    return IoError("open directory", path.empty() ? "." : path, err);
  }
  std::vector<std::string> names;
  while (true) {
    errno = 0;
    const dirent* ent = ::readdir(dir);
    if (ent == nullptr) {
      const int err = errno;
      ::closedir(dir);
      if (err != 0) {
        return IoError("read directory", path.empty() ? "." : path, err);
      }
      break;
    }
    const std::string_view name = ent->d_name;
    if (name != "." && name != "..") {
      names.emplace_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

/// Walks `dir_fd` (at `prefix`); `*listed` receives its number of entries.
Status Walk(int dir_fd, const std::string& prefix, std::size_t depth, const WalkVisitor& visitor,
            std::size_t* listed) {
  if (depth > limits::kMaxDepth) {
    return InvalidRequestError("directory tree deeper than " + std::to_string(limits::kMaxDepth) +
                               " levels at " + QuotePath(prefix));
  }
  AICR_ASSIGN_OR_RETURN(const std::vector<std::string> names, ListNames(dir_fd, prefix));
  *listed = names.size();
  for (const std::string& name : names) {
    std::string path = prefix;
    if (!path.empty()) {
      path += '/';
    }
    path += name;
    WalkEntry entry{std::move(path), {}, dir_fd, {}};
    entry.name = std::string_view(entry.path).substr(entry.path.size() - name.size());
    if (::fstatat(dir_fd, name.c_str(), &entry.st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) {
        return InvalidRequestError(QuotePath(entry.path) + " disappeared while being walked");
      }
      return IoError("stat", entry.path, errno);
    }
    if (visitor.on_entry(entry) != WalkAction::kDescend || !S_ISDIR(entry.st.st_mode)) {
      continue;
    }
    const UniqueFd sub(
        ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!sub.valid()) {
      const int err = errno;
      if (err == ELOOP || err == ENOTDIR || err == ENOENT) {
        return InvalidRequestError(QuotePath(entry.path) + " changed while being walked");
      }
      return IoError("open directory", entry.path, err);
    }
    struct stat now {};
    if (::fstat(sub.get(), &now) != 0) {
      return IoError("stat", entry.path, errno);
    }
    if (now.st_dev != entry.st.st_dev || now.st_ino != entry.st.st_ino) {
      return InvalidRequestError(QuotePath(entry.path) + " changed while being walked");
    }
    std::size_t sub_entries = 0;
    AICR_RETURN_IF_ERROR(Walk(sub.get(), entry.path, depth + 1, visitor, &sub_entries));
    if (visitor.on_dir_end) {
      visitor.on_dir_end(entry.path, sub_entries);
    }
  }
  return OkStatus();
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = other.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

Result<UniqueFd> OpenDirNoFollow(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.valid()) {
    return fd;
  }
  const int err = errno;
  if (err == ENOENT) {
    return NotFoundError("directory " + QuotePath(dir) + " not found");
  }
  if (err == ELOOP) {
    return InvalidRequestError("directory " + QuotePath(dir) + " is a symlink");
  }
  if (err == ENOTDIR) {
    // Either `dir` itself or one of its parents is not a directory; a symlink to a
    // non-directory also lands here.
    struct stat st {};
    if (::lstat(dir.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
      return InvalidRequestError("directory " + QuotePath(dir) + " is a symlink");
    }
    return InvalidRequestError(QuotePath(dir) + " is not a directory");
  }
  return IoError("open directory", dir, err);
}

Result<UniqueFd> OpenRegularNoFollow(int dir_fd, const std::string& name, std::string_view path) {
  UniqueFd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) {
    const int err = errno;
    if (err == ENOENT) {
      return NotFoundError(QuotePath(path) + " not found");
    }
    if (err == ELOOP) {
      return InvalidRequestError(QuotePath(path) + " is a symlink");
    }
    if (err == ENXIO) {
      return InvalidRequestError(QuotePath(path) + " is a socket");
    }
    return IoError("open", path, err);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return IoError("stat", path, errno);
  }
  if (!S_ISREG(st.st_mode)) {
    return InvalidRequestError(QuotePath(path) + " is a " + FileTypeName(st) +
                               ", not a regular file");
  }
  // Reads from here on must block normally.
  const int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) {
    return IoError("fcntl", path, errno);
  }
  return fd;
}

Status WalkNoFollow(int root_fd, const WalkVisitor& visitor) {
  std::size_t listed = 0;
  return Walk(root_fd, "", 0, visitor, &listed);
}

std::string FileTypeName(const struct stat& st) {
  switch (st.st_mode & S_IFMT) {
    case S_IFREG:
      return "regular file";
    case S_IFDIR:
      return "directory";
    case S_IFLNK:
      return "symlink";
    case S_IFIFO:
      return "fifo";
    case S_IFSOCK:
      return "socket";
    case S_IFCHR:
      return "character device";
    case S_IFBLK:
      return "block device";
    default:
      return "special file";
  }
}

}  // namespace aicr::checksum
