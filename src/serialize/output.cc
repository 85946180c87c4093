#include "serialize/output.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>

#include "base/atomic_file.h"
#include "base/status_macros.h"
#include "base/strings.h"

namespace aicr::serialize {
namespace {

/// Writes to file descriptor 1 with SIGPIPE blocked in this thread, so a reader that
/// went away yields EPIPE instead of killing the process. A SIGPIPE raised by our own
/// write is consumed before the old mask is restored.
Status WriteStdoutFd(std::string_view bytes) {
  std::cout.flush();
  std::fflush(stdout);

  sigset_t pipe_set;
  sigset_t old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  if (pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set) != 0) {
    return InternalError("write stdout: cannot block SIGPIPE");
  }
  sigset_t pending;
  sigemptyset(&pending);
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE) == 1;

  int err = 0;
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(STDOUT_FILENO, p, left);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      err = errno;
      break;
    }
    if (n == 0) {
      err = EIO;
      break;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }

  if (err == EPIPE && !was_pending) {
    const timespec zero{};
    while (sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
  if (err != 0) {
    return UnavailableError("write stdout: " + ErrnoText(err));
  }
  return OkStatus();
}

Status WriteStream(std::ostream& out, std::string_view bytes) {
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.flush();
  if (!out) {
    return UnavailableError("write stdout: stream error");
  }
  return OkStatus();
}

Status WriteConfigMap(std::string_view target, std::string_view bytes,
                      const OutputOptions& options) {
  AICR_ASSIGN_OR_RETURN(const ConfigMapRef ref, ParseConfigMapUri(target));
  if (options.format == "table") {
    return InvalidRequestError(
        ref.ToUri() + ": table format cannot be written to a ConfigMap (use yaml or json)");
  }
  Result<ConfigMapData> cm = BuildOutputConfigMap(bytes, options);
  if (!cm.ok()) {
    return cm.status().WithContext(ref.ToUri());
  }
  if (options.configmaps == nullptr) {
    return ConfigMapStoreUnavailable(ref);
  }
  AICR_RETURN_IF_ERROR(options.cancel.Check().WithContext(ref.ToUri()));
  return options.configmaps->Apply(ref, *cm, options.cancel);
}

}  // namespace

Result<ConfigMapData> BuildOutputConfigMap(std::string_view bytes, const OutputOptions& options) {
  if (options.kind.empty()) {
    return InvalidRequestError("output kind is required for a ConfigMap");
  }
  const std::string format = options.format.empty() ? "yaml" : options.format;
  std::string ext;
  if (format == "yaml") {
    ext = "yaml";
  } else if (format == "json") {
    ext = "json";
  } else if (format == "table") {
    ext = "txt";
  } else {
    return InvalidRequestError("output format " + Quote(format) + ": expected yaml, json or table");
  }
  const Clock& clock = options.clock != nullptr ? *options.clock : Clock::Real();
  ConfigMapData cm;
  cm.data[AsciiLower(options.kind) + "." + ext] = std::string(bytes);
  cm.data["format"] = format;
  cm.data["timestamp"] = FormatRfc3339(clock.Now());
  cm.labels["app.kubernetes.io/name"] = "aicr";
  cm.labels["app.kubernetes.io/component"] = options.kind;
  cm.labels["app.kubernetes.io/version"] = options.version.empty() ? "unknown" : options.version;
  return cm;
}

Status WriteOutput(std::string_view target, std::string_view bytes, const OutputOptions& options) {
  try {
    if (target.empty() || target == "-") {
      AICR_RETURN_IF_ERROR(options.cancel.Check().WithContext("write stdout"));
      if (options.stdout_stream != nullptr) {
        return WriteStream(*options.stdout_stream, bytes);
      }
      return WriteStdoutFd(bytes);
    }
    if (IsConfigMapUri(target)) {
      return WriteConfigMap(target, bytes, options);
    }
    AICR_RETURN_IF_ERROR(options.cancel.Check().WithContext("write " + Quote(target)));
    return WriteFileAtomic(std::string(target), bytes);
  } catch (const std::exception& e) {
    return InternalError("write " + Quote(target) + ": " + e.what());
  }
}

}  // namespace aicr::serialize
