#include "collector/os/file_parser.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "base/status.h"
#include "base/strings.h"
#include "serialize/scalar.h"

namespace aicr::collector {

namespace {

Status OpenError(const std::string& path, int err) {
  std::string message = "file " + Quote(path) + ": " + ErrnoText(err);
  if (err == ENOENT || err == ENOTDIR) {
    return NotFoundError(std::move(message));
  }
  if (err == EACCES || err == EPERM) {
    return UnauthorizedError(std::move(message));
  }
  return InternalError(std::move(message));
}

/// Closes a descriptor on scope exit.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  ~FdCloser() { ::close(fd_); }

 private:
  int fd_;
};

}  // namespace

Result<std::string> ReadFileCapped(const std::string& path, std::size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    return OpenError(path, errno);
  }
  FdCloser closer(fd);
  std::string content;
  char buffer[8192];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return OpenError(path, errno);
    }
    if (n == 0) {
      return content;
    }
    if (content.size() + static_cast<std::size_t>(n) > max_bytes) {
      return InvalidRequestError("file " + Quote(path) + " exceeds " + std::to_string(max_bytes) +
                                 " bytes");
    }
    content.append(buffer, static_cast<std::size_t>(n));
  }
}

std::vector<std::string> SplitParsedLines(std::string_view content) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= content.size()) {
    std::size_t end = content.find('\n', start);
    if (end == std::string_view::npos) {
      end = content.size();
    }
    std::string_view line = Trim(content.substr(start, end - start));
    if (!line.empty() && line.front() != '#') {
      lines.emplace_back(line);
    }
    start = end + 1;
  }
  return lines;
}

Result<std::vector<std::string>> ReadParsedLines(const std::string& path, std::size_t max_bytes) {
  Result<std::string> content = ReadFileCapped(path, max_bytes);
  if (!content.ok()) {
    return content.status();
  }
  if (!serialize::IsValidUtf8(*content)) {
    return InvalidRequestError("file " + Quote(path) + " is not valid utf-8");
  }
  return SplitParsedLines(*content);
}

}  // namespace aicr::collector
