#pragma once

/// \file
/// Test helper: runs a program with fork/exec and captures stdout and stderr
/// separately. Header-only; used by the e2e tests and the shell-completion tests.

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace aicr::testing {

struct ProcessResult {
  int exit_code = -1;  ///< exit status, or 128 + signal
  std::string out;
  std::string err;
};

struct ProcessOptions {
  std::map<std::string, std::string> env_set = {};  ///< added or replaced
  std::vector<std::string> env_unset = {};
  std::string stdin_data = {};
};

namespace internal {

inline int WaitExit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  if (WIFSIGNALED(status)) {
    return 128 + WTERMSIG(status);
  }
  return -1;
}

inline void ApplyEnv(const ProcessOptions& options) {
  for (const std::string& name : options.env_unset) {
    unsetenv(name.c_str());
  }
  for (const auto& [name, value] : options.env_set) {
    setenv(name.c_str(), value.c_str(), 1);
  }
}

[[noreturn]] inline void Exec(const std::vector<std::string>& argv) {
  std::vector<char*> cargv;
  for (const std::string& a : argv) {
    cargv.push_back(const_cast<char*>(a.c_str()));
  }
  cargv.push_back(nullptr);
  execvp(cargv[0], cargv.data());
  _exit(127);
}

}  // namespace internal

/// Runs `argv` (argv[0] looked up in PATH), stdin from `stdin_data`.
inline ProcessResult RunProcess(const std::vector<std::string>& argv,
                                const ProcessOptions& options = {}) {
  int in[2], out[2], err[2];
  if (pipe(in) != 0 || pipe(out) != 0 || pipe(err) != 0) {
    return {};
  }
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) {
      close(fd);
    }
    internal::ApplyEnv(options);
    internal::Exec(argv);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  signal(SIGPIPE, SIG_IGN);
  if (!options.stdin_data.empty()) {
    ssize_t ignored = write(in[1], options.stdin_data.data(), options.stdin_data.size());
    (void)ignored;
  }
  close(in[1]);
  ProcessResult result;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        char buf[4096];
        const ssize_t n = read(fds[i].fd, buf, sizeof buf);
        if (n > 0) {
          sinks[i]->append(buf, static_cast<size_t>(n));
        } else if (n == 0 || errno != EINTR) {
          close(fds[i].fd);
          fds[i].fd = -1;
          --open_fds;
        }
      }
    }
  }
  result.exit_code = internal::WaitExit(pid);
  return result;
}

/// Runs `argv` with stdin, stdout and stderr on a fresh pseudo-terminal; everything
/// written to the terminal comes back in `out` (typed input echoed too).
/// `options.stdin_data` is typed into the terminal.
inline ProcessResult RunOnTty(const std::vector<std::string>& argv,
                              const ProcessOptions& options = {}) {
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) {
    return {};
  }
  if (pid == 0) {
    internal::ApplyEnv(options);
    internal::Exec(argv);
  }
  if (!options.stdin_data.empty()) {
    const ssize_t written = write(master, options.stdin_data.data(), options.stdin_data.size());
    (void)written;
  }
  ProcessResult result;
  char buf[4096];
  while (true) {
    const ssize_t n = read(master, buf, sizeof buf);
    if (n > 0) {
      result.out.append(buf, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;  // EIO once the child closed the terminal
    }
  }
  close(master);
  result.exit_code = internal::WaitExit(pid);
  return result;
}

/// A private directory for this test process (under $TEST_TMPDIR or /tmp), removed
/// when the process exits.
inline const std::string& TestTempDir() {
  struct Holder {
    std::string path;
    Holder() {
      const char* base = std::getenv("TEST_TMPDIR");
      std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/aicr-test-XXXXXX";
      if (mkdtemp(pattern.data()) != nullptr) {
        path = pattern;
      }
    }
    ~Holder() {
      if (!path.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
      }
    }
  };
  static Holder holder;
  return holder.path;
}

/// Writes `text` to `name` in TestTempDir() and returns its path.
inline std::string WriteTempFile(const std::string& name, const std::string& text) {
  const std::string path = TestTempDir() + "/" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path;
}

/// The bytes of the file at `path` ("" when it cannot be read).
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Whether `program` is found in PATH.
inline bool HaveProgram(const std::string& program) {
  return RunProcess({"sh", "-c", "command -v \"$0\" >/dev/null", program}).exit_code == 0;
}

}  // namespace aicr::testing

/// Skips the test when `name` is not on PATH, except on CI (CI=true), where a
/// missing program is a failure: CI installs every tool the tests use.
#define REQUIRE_PROGRAM(name)                           \
  do {                                                  \
    if (!::aicr::testing::HaveProgram(name)) {          \
      const char* ci = std::getenv("CI");               \
      if (ci != nullptr && std::string(ci) == "true") { \
        FAIL() << (name) << " is required on CI";       \
      }                                                 \
      GTEST_SKIP() << (name) << " is not installed";    \
    }                                                   \
  } while (false)
