#include "serialize/input.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "base/status_macros.h"
#include "base/strings.h"
#include "serialize/http_fetch.h"

namespace aicr::serialize {
namespace {

constexpr std::size_t kChunk = std::size_t{64} * 1024;
constexpr int kStdinPollMs = 100;

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
    if (c != prefix[i]) {
      return false;
    }
  }
  return true;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// The scheme of `scheme://...`, or "" when `source` does not look like a URL.
std::string_view UrlScheme(std::string_view source) {
  const std::size_t sep = source.find("://");
  if (sep == std::string_view::npos || sep == 0) {
    return {};
  }
  const std::string_view scheme = source.substr(0, sep);
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    const char c = scheme[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool other = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    if (!alpha && (i == 0 || !other)) {
      return {};
    }
  }
  return scheme;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

Status OverCap(std::string_view what, std::size_t max_bytes) {
  return InvalidRequestError(std::string(what) + ": input exceeds " + std::to_string(max_bytes) +
                             " bytes");
}

Result<std::string> ReadStdinStream(std::istream& in, const InputOptions& options) {
  std::string out;
  std::vector<char> buf(kChunk);
  while (true) {
    AICR_RETURN_IF_ERROR(options.cancel.Check().WithContext("read stdin"));
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got > options.max_bytes - out.size()) {
      return OverCap("read stdin", options.max_bytes);
    }
    out.append(buf.data(), got);
    if (in.bad()) {
      return UnavailableError("read stdin: stream error");
    }
    if (in.eof() || got == 0) {
      return out;
    }
  }
}

Result<std::string> ReadStdinFd(const InputOptions& options) {
  std::string out;
  std::vector<char> buf(kChunk);
  while (true) {
    AICR_RETURN_IF_ERROR(options.cancel.Check().WithContext("read stdin"));
    pollfd p{};
    p.fd = STDIN_FILENO;
    p.events = POLLIN;
    const int ready = ::poll(&p, 1, kStdinPollMs);
    if (ready < 0) {
      if (errno == EINTR) {
        continue;
      }
      return UnavailableError("read stdin: " + ErrnoText(errno));
    }
    if (ready == 0) {
      continue;
    }
    if ((p.revents & POLLNVAL) != 0) {
      return UnavailableError("read stdin: " + ErrnoText(EBADF));
    }
    const ssize_t n = ::read(STDIN_FILENO, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) {
        continue;
      }
      return UnavailableError("read stdin: " + ErrnoText(errno));
    }
    if (n == 0) {
      return out;
    }
    const auto got = static_cast<std::size_t>(n);
    if (got > options.max_bytes - out.size()) {
      return OverCap("read stdin", options.max_bytes);
    }
    out.append(buf.data(), got);
  }
}

Result<std::string> ReadConfigMap(std::string_view source, const InputOptions& options) {
  AICR_ASSIGN_OR_RETURN(const ConfigMapRef ref, ParseConfigMapUri(source));
  if (options.configmaps == nullptr) {
    return ConfigMapStoreUnavailable(ref);
  }
  AICR_RETURN_IF_ERROR(options.cancel.Check().WithContext(ref.ToUri()));
  AICR_ASSIGN_OR_RETURN(ConfigMapData cm, options.configmaps->Get(ref, options.cancel));
  AICR_ASSIGN_OR_RETURN(const std::string key, ChooseConfigMapDocument(ref, cm, options.kind));
  std::string& doc = cm.data[key];
  if (doc.size() > options.max_bytes) {
    return InvalidRequestError(ref.ToUri() + ": key " + Quote(key) + " exceeds " +
                               std::to_string(options.max_bytes) + " bytes");
  }
  return std::move(doc);
}

std::string ExtForFormat(std::string_view format) {
  if (format == "yaml" || format == "yml") {
    return "yaml";
  }
  if (format == "json") {
    return "json";
  }
  if (format == "table" || format == "txt" || format == "text") {
    return "txt";
  }
  return "";
}

}  // namespace

Result<std::string> ReadLocalFile(const std::string& path, std::size_t max_bytes) {
  if (path.empty()) {
    return InvalidRequestError("read: empty file path");
  }
  const std::string what = "read " + Quote(path);
  auto open_error = [&](int err) -> Status {
    switch (err) {
      case ENOENT:
      case ENOTDIR:
        return NotFoundError(what + ": no such file");
      case EACCES:
      case EPERM:
        return InvalidRequestError(what + ": permission denied");
      case ELOOP:
        return InvalidRequestError(what + ": too many levels of symbolic links");
      default:
        return UnavailableError(what + ": " + ErrnoText(err));
    }
  };
  auto check_type = [&](const struct stat& st) -> Status {
    if (S_ISDIR(st.st_mode)) {
      return InvalidRequestError(what + ": is a directory");
    }
    if (!S_ISREG(st.st_mode)) {
      return InvalidRequestError(what + ": not a regular file");
    }
    if (st.st_size > 0 && static_cast<std::size_t>(st.st_size) > max_bytes) {
      return InvalidRequestError(what + ": file exceeds " + std::to_string(max_bytes) + " bytes");
    }
    return OkStatus();
  };

  // Look before opening, so FIFOs and devices are never opened; check again on the
  // descriptor, so a swap between the two calls is caught.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return open_error(errno);
  }
  AICR_RETURN_IF_ERROR(check_type(st));
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) {
    return open_error(errno);
  }
  if (::fstat(fd.get(), &st) != 0) {
    return UnavailableError(what + ": " + ErrnoText(errno));
  }
  AICR_RETURN_IF_ERROR(check_type(st));

  std::string out;
  try {
    out.reserve(static_cast<std::size_t>(st.st_size));
  } catch (const std::exception&) {
    return UnavailableError(what + ": out of memory");
  }
  std::vector<char> buf(kChunk);
  while (true) {
    const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) {
        continue;
      }
      return UnavailableError(what + ": " + ErrnoText(errno));
    }
    if (n == 0) {
      return out;
    }
    const auto got = static_cast<std::size_t>(n);
    if (got > max_bytes - out.size()) {  // the file grew after fstat
      return InvalidRequestError(what + ": file exceeds " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf.data(), got);
  }
}

Result<std::string> ChooseConfigMapDocument(const ConfigMapRef& ref, const ConfigMapData& cm,
                                            std::string_view kind) {
  std::vector<std::string> exts;
  const auto format = cm.data.find("format");
  if (format != cm.data.end()) {
    const std::string ext = ExtForFormat(AsciiLower(format->second));
    if (!ext.empty()) {
      exts.push_back(ext);
    }
  }
  for (const char* ext : {"yaml", "json", "txt"}) {
    if (exts.empty() || exts.front() != ext) {
      exts.emplace_back(ext);
    }
  }

  if (!kind.empty()) {
    const std::string prefix = AsciiLower(kind) + ".";
    for (const std::string& ext : exts) {
      if (cm.data.count(prefix + ext) != 0) {
        return prefix + ext;
      }
    }
  }
  for (const std::string& ext : exts) {
    std::vector<std::string> matches;
    for (const auto& [key, value] : cm.data) {
      if (EndsWith(key, "." + ext)) {
        matches.push_back(key);
      }
    }
    if (matches.size() == 1) {
      return matches.front();
    }
    if (matches.size() > 1) {
      std::string list;
      for (const std::string& m : matches) {
        list += (list.empty() ? "" : ", ") + Quote(m);
      }
      return InvalidRequestError(ref.ToUri() + ": ambiguous document keys " + list);
    }
  }
  std::string present;
  for (const auto& [key, value] : cm.data) {
    present += (present.empty() ? "" : ", ") + Quote(key);
  }
  return NotFoundError(ref.ToUri() + ": no document key (*.yaml, *.json or *.txt); keys present: " +
                       (present.empty() ? std::string("none") : present));
}

Result<std::string> ReadInput(std::string_view source, const InputOptions& options) {
  try {
    if (source.empty()) {
      return InvalidRequestError("read: empty input source");
    }
    if (source == "-") {
      if (options.stdin_stream != nullptr) {
        return ReadStdinStream(*options.stdin_stream, options);
      }
      return ReadStdinFd(options);
    }
    if (StartsWithNoCase(source, "http://") || StartsWithNoCase(source, "https://")) {
      HttpOptions http;
      http.max_bytes = options.max_bytes;
      http.timeout = options.timeout;
      http.max_redirects = options.max_redirects;
      http.cancel = options.cancel;
      http.ca_file = options.ca_file;
      return HttpFetch(source, http);
    }
    if (IsConfigMapUri(source)) {
      return ReadConfigMap(source, options);
    }
    if (const std::string_view scheme = UrlScheme(source); !scheme.empty()) {
      return InvalidRequestError("read " + Quote(source) + ": unsupported scheme " + Quote(scheme) +
                                 " (use a file path, -, http://, https:// or cm://)");
    }
    return ReadLocalFile(std::string(source), options.max_bytes);
  } catch (const std::exception& e) {
    return InternalError("read " + Quote(source) + ": " + e.what());
  }
}

}  // namespace aicr::serialize
