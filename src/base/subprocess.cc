#include "base/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "base/strings.h"

extern char** environ;  // NOLINT(readability-redundant-declaration)

namespace aicr {
namespace {

using Clock = std::chrono::steady_clock;

// How often the loop wakes to check the child, the deadline and the cancel token.
constexpr int kPollSliceMs = 20;

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Close(); }
  int get() const { return fd_; }
  void Reset(int fd) {
    Close();
    fd_ = fd;
  }
  void Close() {
    if (fd_ >= 0) {
      close(fd_);
      fd_ = -1;
    }
  }

 private:
  int fd_ = -1;
};

Status MakePipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return InternalError("pipe: " + ErrnoText(errno));
  }
  read_end.Reset(fds[0]);
  write_end.Reset(fds[1]);
  return OkStatus();
}

void SetNonBlocking(int fd) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags >= 0) {
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  }
}

std::vector<std::string> BuildEnv(const SubprocessOptions& options) {
  std::vector<std::string> env;
  if (options.env.has_value()) {
    env = *options.env;
  } else {
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
      env.emplace_back(*e);
    }
  }
  for (const auto& [name, value] : options.env_add) {
    const std::string prefix = name + "=";
    std::erase_if(env, [&](const std::string& entry) { return entry.starts_with(prefix); });
    env.push_back(prefix + value);
  }
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& items) {
  std::vector<char*> out;
  out.reserve(items.size() + 1);
  for (std::string& s : items) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

// Appends what can be read now from `fd` to `sink` (up to `cap`); returns false at
// end of file or on an error other than EAGAIN/EINTR.
bool ReadAvailable(int fd, std::string& sink, std::size_t cap, bool& truncated, bool forward) {
  char buf[16384];
  while (true) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      const auto len = static_cast<std::size_t>(n);
      if (forward) {
        const ssize_t ignored = write(STDERR_FILENO, buf, len);
        (void)ignored;
      }
      const std::size_t room = sink.size() < cap ? cap - sink.size() : 0;
      sink.append(buf, std::min(room, len));
      if (len > room) {
        truncated = true;
      }
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    return n < 0 && errno == EAGAIN;
  }
}

// Writes as much of `data` from `offset` as the pipe takes now, without letting a
// closed reader raise SIGPIPE; returns false once the pipe is done (all written or
// the reader went away).
bool WriteAvailable(int fd, const std::string& data, std::size_t& offset) {
  sigset_t pipe_set;
  sigset_t old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  sigset_t pending;
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
  bool more = true;
  while (offset < data.size()) {
    const ssize_t n = write(fd, data.data() + offset, data.size() - offset);
    if (n > 0) {
      offset += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0 && errno == EAGAIN) {
      break;
    }
    if (n < 0 && errno == EPIPE && !was_pending) {
      const timespec zero{0, 0};
      while (sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
      }
    }
    more = false;
    break;
  }
  if (offset >= data.size()) {
    more = false;
  }
  pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
  return more;
}

void FillStatus(int wait_status, SubprocessResult& result) {
  if (WIFEXITED(wait_status)) {
    result.exit_code = WEXITSTATUS(wait_status);
  } else if (WIFSIGNALED(wait_status)) {
    result.exit_code = -1;
    result.signal = WTERMSIG(wait_status);
  }
}

int WaitBlocking(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

Result<SubprocessResult> RunSubprocess(const SubprocessOptions& options,
                                       const CancelToken& cancel) {
  if (options.argv.empty() || options.argv[0].empty()) {
    return InvalidRequestError("subprocess: empty command");
  }
  if (Status s = cancel.Check(); !s.ok()) {
    return s;
  }
  const std::string& program = options.argv[0];

  Fd out_read, out_write, err_read, err_write, in_read, in_write;
  if (Status s = MakePipe(out_read, out_write); !s.ok()) {
    return s;
  }
  if (Status s = MakePipe(err_read, err_write); !s.ok()) {
    return s;
  }
  const bool feed_stdin = options.stdin_mode == SubprocessStdin::kData;
  if (feed_stdin) {
    if (Status s = MakePipe(in_read, in_write); !s.ok()) {
      return s;
    }
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (options.stdin_mode == SubprocessStdin::kNull) {
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  } else if (feed_stdin) {
    posix_spawn_file_actions_adddup2(&actions, in_read.get(), STDIN_FILENO);
  }
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), STDERR_FILENO);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  // A child that does not share our terminal gets its own process group, so that a
  // timeout also kills whatever it started. One reading our terminal must stay in
  // the foreground group.
  const bool own_group = options.stdin_mode != SubprocessStdin::kInherit;
  if (own_group) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&attr, 0);
  }
  posix_spawnattr_setflags(&attr, flags);
  sigset_t empty_mask;
  sigemptyset(&empty_mask);
  posix_spawnattr_setsigmask(&attr, &empty_mask);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  sigaddset(&default_signals, SIGINT);
  sigaddset(&default_signals, SIGTERM);
  posix_spawnattr_setsigdefault(&attr, &default_signals);

  std::vector<std::string> argv_storage = options.argv;
  std::vector<std::string> env_storage = BuildEnv(options);
  std::vector<char*> argv = CStrings(argv_storage);
  std::vector<char*> envp = CStrings(env_storage);
  pid_t pid = -1;
  const int spawn_error =
      posix_spawnp(&pid, program.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (spawn_error != 0) {
    if (spawn_error == ENOENT || spawn_error == ENOTDIR) {
      return NotFoundError("command " + Quote(program) + " not found");
    }
    if (spawn_error == EACCES || spawn_error == ENOEXEC || spawn_error == EISDIR) {
      return InvalidRequestError("command " + Quote(program) +
                                 " cannot be executed: " + ErrnoText(spawn_error));
    }
    return InternalError("command " + Quote(program) + ": spawn: " + ErrnoText(spawn_error));
  }
  out_write.Close();
  err_write.Close();
  in_read.Close();
  SetNonBlocking(out_read.get());
  SetNonBlocking(err_read.get());
  if (feed_stdin) {
    SetNonBlocking(in_write.get());
  }

  SubprocessResult result;
  std::size_t stdin_offset = 0;
  if (feed_stdin && options.stdin_data.empty()) {
    in_write.Close();
  }
  const auto start = Clock::now();
  const bool has_deadline = options.timeout.count() > 0;
  const auto deadline = start + options.timeout;
  bool exited = false;
  bool canceled = false;
  int wait_status = 0;

  while (true) {
    if (!exited) {
      const pid_t r = waitpid(pid, &wait_status, WNOHANG);
      if (r == pid) {
        exited = true;
      }
    }
    if (exited) {
      // Everything the child wrote is in the pipes now; take it without waiting
      // for descendants that may still hold them open.
      if (out_read.get() >= 0) {
        ReadAvailable(out_read.get(), result.out, options.max_stdout_bytes, result.out_truncated,
                      false);
      }
      if (err_read.get() >= 0) {
        ReadAvailable(err_read.get(), result.err, options.max_stderr_bytes, result.err_truncated,
                      options.forward_stderr);
      }
      break;
    }
    const bool expired = has_deadline && Clock::now() >= deadline;
    if (expired || cancel.IsCanceled()) {
      kill(own_group ? -pid : pid, SIGKILL);
      wait_status = WaitBlocking(pid);
      exited = true;
      result.timed_out = expired;
      canceled = !expired;
      continue;  // drain what is buffered, then leave
    }

    pollfd fds[3];
    nfds_t count = 0;
    int out_index = -1, err_index = -1, in_index = -1;
    if (out_read.get() >= 0) {
      out_index = static_cast<int>(count);
      fds[count++] = {out_read.get(), POLLIN, 0};
    }
    if (err_read.get() >= 0) {
      err_index = static_cast<int>(count);
      fds[count++] = {err_read.get(), POLLIN, 0};
    }
    if (in_write.get() >= 0) {
      in_index = static_cast<int>(count);
      fds[count++] = {in_write.get(), POLLOUT, 0};
    }
    int slice = kPollSliceMs;
    if (count == 0) {
      slice = 5;  // pipes closed: the child is about to exit
    }
    if (has_deadline) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      slice = static_cast<int>(std::max<long long>(0, std::min<long long>(slice, left + 1)));
    }
    const int ready = poll(count > 0 ? fds : nullptr, count, slice);
    if (ready <= 0) {
      continue;
    }
    if (out_index >= 0 && fds[out_index].revents != 0 &&
        !ReadAvailable(out_read.get(), result.out, options.max_stdout_bytes, result.out_truncated,
                       false)) {
      out_read.Close();
    }
    if (err_index >= 0 && fds[err_index].revents != 0 &&
        !ReadAvailable(err_read.get(), result.err, options.max_stderr_bytes, result.err_truncated,
                       options.forward_stderr)) {
      err_read.Close();
    }
    if (in_index >= 0 && fds[in_index].revents != 0 &&
        !WriteAvailable(in_write.get(), options.stdin_data, stdin_offset)) {
      in_write.Close();
    }
  }
  FillStatus(wait_status, result);
  if (canceled) {
    return CanceledError("command " + Quote(program) + ": canceled");
  }
  return result;
}

}  // namespace aicr
