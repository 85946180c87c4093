#include "base/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <string>

#include "base/strings.h"

namespace aicr {
namespace {

/// strerror text with a lower-case first letter, to match the message style.
Status StepError(const std::string& path, std::string_view step, int err) {
  return UnavailableError("write " + Quote(path) + ": " + std::string(step) + ": " +
                          ErrnoText(err));
}

/// Directory part of `path` ("." when there is none, "/" for a file in the root).
std::string DirName(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) {
    return ".";
  }
  if (slash == 0) {
    return "/";
  }
  return path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// A name that is unlikely to collide; O_EXCL catches the rest.
std::string TempName(const std::string& dest, unsigned attempt) {
  static std::atomic<unsigned long> counter{0};
  const auto ticks =
      static_cast<unsigned long long>(std::chrono::steady_clock::now().time_since_epoch().count());
  std::string dir = DirName(dest);
  std::string out = dir == "/" ? "/" : dir + "/";
  out += "." + BaseName(dest) + ".tmp-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter.fetch_add(1)) + "-" + std::to_string(ticks % 1000000007ULL) + "-" +
         std::to_string(attempt);
  return out;
}

/// Resolves a symlink destination to the file it points at; other paths are returned as is.
std::string ResolveDestination(const std::string& path) {
  struct stat lst {};
  if (::lstat(path.c_str(), &lst) != 0 || !S_ISLNK(lst.st_mode)) {
    return path;
  }
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (resolved == nullptr) {
    return path;  // dangling: the link itself is replaced
  }
  std::string out(resolved);
  std::free(resolved);  // NOLINT(cppcoreguidelines-no-malloc): realpath allocates with malloc
  return out;
}

Status WriteAll(const FileOps& ops, int fd, std::string_view data, const std::string& path) {
  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    const std::size_t chunk = left < (std::size_t{1} << 30) ? left : (std::size_t{1} << 30);
    errno = 0;
    const long n = ops.write(fd, p, chunk);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return StepError(path, "write", errno);
    }
    if (n == 0) {
      return StepError(path, "write", errno != 0 ? errno : EIO);
    }
    const auto written = static_cast<std::size_t>(n);
    p += written;
    left -= written;
  }
  return OkStatus();
}

// A character device or FIFO (`/dev/null`, `/dev/stdout`, a pipe) cannot be
// replaced by rename; it is opened and written in place.
Status WriteStream(const FileOps& ops, const std::string& dest, std::string_view data,
                   const std::string& path) {
  const int fd = ops.open(dest.c_str(), O_WRONLY | O_CLOEXEC, 0);
  if (fd < 0) {
    return StepError(path, "open", errno);
  }
  Status st = WriteAll(ops, fd, data, path);
  if (ops.close(fd) != 0 && st.ok()) {
    st = StepError(path, "close", errno);
  }
  return st;
}

}  // namespace

const FileOps& FileOps::Real() {
  static const FileOps real_ops{
      [](const char* path, int flags, unsigned mode) { return ::open(path, flags, mode); },
      [](int fd, const void* buf, unsigned long n) { return ::write(fd, buf, n); },
      [](int fd) { return ::fsync(fd); },
      [](int fd) { return ::close(fd); },
      [](const char* from, const char* to) { return ::rename(from, to); },
      [](const char* path) { return ::unlink(path); },
      [](int fd, unsigned mode) { return ::fchmod(fd, mode); },
  };
  return real_ops;
}

Status WriteFileAtomic(const std::string& path, std::string_view data, const FileOps& ops) {
  if (path.empty()) {
    return InvalidRequestError("write: empty output path");
  }
  const std::string dest = ResolveDestination(path);

  // The destination, if it exists, must be a regular file; remember its mode.
  bool replacing = false;
  unsigned keep_mode = 0;
  struct stat st {};
  if (::stat(dest.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      return InvalidRequestError("write " + Quote(path) + ": is a directory");
    }
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
      return WriteStream(ops, dest, data, path);
    }
    if (!S_ISREG(st.st_mode)) {
      return InvalidRequestError("write " + Quote(path) + ": not a regular file");
    }
    replacing = true;
    keep_mode = st.st_mode & 07777U;
  } else if (errno == ENOTDIR) {
    return InvalidRequestError("write " + Quote(path) + ": a parent is not a directory");
  }

  const std::string dir = DirName(dest);
  struct stat dst {};
  if (::stat(dir.c_str(), &dst) != 0) {
    if (errno == ENOENT) {
      return NotFoundError("write " + Quote(path) + ": directory " + Quote(dir) +
                           " does not exist");
    }
    if (errno == ENOTDIR) {
      return InvalidRequestError("write " + Quote(path) + ": a parent is not a directory");
    }
    return StepError(path, "stat directory " + Quote(dir), errno);
  }
  if (!S_ISDIR(dst.st_mode)) {
    return InvalidRequestError("write " + Quote(path) + ": " + Quote(dir) + " is not a directory");
  }

  // Create the temporary file next to the destination so rename stays on one filesystem.
  std::string tmp;
  int fd = -1;
  for (unsigned attempt = 0; attempt < 16; ++attempt) {
    tmp = TempName(dest, attempt);
    errno = 0;
    fd = ops.open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644U);
    if (fd >= 0 || (errno != EEXIST && errno != EINTR)) {
      break;
    }
  }
  if (fd < 0) {
    return StepError(path, "create temporary file", errno != 0 ? errno : EIO);
  }

  auto fail = [&](Status s, bool close_fd) {
    if (close_fd) {
      (void)ops.close(fd);
    }
    (void)ops.unlink(tmp.c_str());
    return s;
  };

  if (replacing && ops.fchmod(fd, keep_mode) != 0) {
    return fail(StepError(path, "chmod temporary file", errno), true);
  }
  if (Status s = WriteAll(ops, fd, data, path); !s.ok()) {
    return fail(std::move(s), true);
  }
  if (ops.fsync(fd) != 0) {
    return fail(StepError(path, "fsync", errno), true);
  }
  // After close(2) fails the descriptor is released anyway (Linux); never close twice.
  if (ops.close(fd) != 0) {
    return fail(StepError(path, "close", errno), false);
  }
  if (ops.rename(tmp.c_str(), dest.c_str()) != 0) {
    return fail(StepError(path, "rename", errno), false);
  }

  // Make the rename durable. Filesystems that cannot fsync a directory say EINVAL.
  const int dfd = ops.open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0U);
  if (dfd < 0) {
    return StepError(path, "open directory " + Quote(dir), errno);
  }
  if (ops.fsync(dfd) != 0 && errno != EINVAL && errno != ENOTSUP) {
    const int err = errno;
    (void)ops.close(dfd);
    return StepError(path, "fsync directory " + Quote(dir), err);
  }
  (void)ops.close(dfd);
  return OkStatus();
}

}  // namespace aicr
