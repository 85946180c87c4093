#pragma once

/// \file
/// Test fixture: a real OCI registry (Debian's `docker-registry`, the CNCF
/// distribution server) on 127.0.0.1, with a free port and a temporary storage
/// folder, optionally protected by an htpasswd file. Header-only.
///
/// Under CI=true a missing `docker-registry` (or `htpasswd`) binary is a failure;
/// elsewhere the test is skipped (REQUIRE_OCI_REGISTRY below).

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;  // NOLINT(readability-redundant-declaration)

namespace aicr::testing {

/// The absolute path of `name` found on PATH, or "".
inline std::string FindOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string p = path != nullptr ? path : "";
  std::size_t start = 0;
  while (start <= p.size()) {
    std::size_t colon = p.find(':', start);
    if (colon == std::string::npos) {
      colon = p.size();
    }
    const std::string dir = p.substr(start, colon - start);
    start = colon + 1;
    if (dir.empty()) {
      continue;
    }
    const std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return "";
}

/// A loopback port that was free a moment ago.
inline int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return 0;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

/// One `docker-registry serve` process. Start() returns "" on success or the reason.
class OciRegistry {
 public:
  OciRegistry() = default;
  OciRegistry(const OciRegistry&) = delete;
  OciRegistry& operator=(const OciRegistry&) = delete;
  ~OciRegistry() { Stop(); }

  /// Starts the registry; with `user` non-empty, protected by htpasswd (bcrypt) for
  /// `user`/`password`, and a Docker config holding those credentials is written to
  /// docker_config().
  std::string Start(const std::string& user = "", const std::string& password = "") {
    const std::string binary = FindOnPath("docker-registry");
    if (binary.empty()) {
      return "docker-registry is not installed";
    }
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "aicr-oci-registry-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      return "mkdtemp failed";
    }
    dir_ = tmpl;
    std::filesystem::create_directories(dir_ + "/storage");
    std::filesystem::create_directories(dir_ + "/docker");
    std::string auth;
    if (!user.empty()) {
      const std::string htpasswd = FindOnPath("htpasswd");
      if (htpasswd.empty()) {
        return "htpasswd is not installed (apache2-utils)";
      }
      const std::string file = dir_ + "/htpasswd";
      const std::string cmd =
          htpasswd + " -Bbn '" + user + "' '" + password + "' > '" + file + "' 2>/dev/null";
      if (std::system(cmd.c_str()) != 0) {  // NOLINT(concurrency-mt-unsafe)
        return "htpasswd failed";
      }
      auth = "auth:\n  htpasswd:\n    realm: aicr-test\n    path: " + file + "\n";
    }
    for (int tries = 0; tries < 5; ++tries) {
      port_ = FreeLoopbackPort();
      if (port_ == 0) {
        return "no free port";
      }
      const std::string config = dir_ + "/config.yml";
      std::ofstream(config) << "version: 0.1\n"
                               "log:\n  level: error\n  accesslog:\n    disabled: true\n"
                               "storage:\n  filesystem:\n    rootdirectory: "
                            << dir_
                            << "/storage\n  delete:\n    enabled: true\n"
                               "http:\n  addr: 127.0.0.1:"
                            << port_ << "\n"
                            << auth;
      if (!Spawn(binary, config)) {
        return "cannot spawn docker-registry";
      }
      if (WaitReady()) {
        if (!user.empty()) {
          WriteDockerConfig(user, password);
        }
        return "";
      }
      Stop(/*keep_dir=*/true);
    }
    return "docker-registry did not become ready (log: " + dir_ + "/registry.log)";
  }

  void Stop(bool keep_dir = false) {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      for (int i = 0; i < 200; ++i) {
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = 0;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      if (pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        pid_ = 0;
      }
    }
    if (!keep_dir && !dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
      dir_.clear();
    }
  }

  /// `127.0.0.1:PORT`.
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  /// A Docker config with the htpasswd credentials (only after Start(user, password)).
  std::string docker_config() const { return dir_ + "/docker/config.json"; }
  /// A scratch folder that is removed with the registry.
  std::string scratch() const { return dir_; }

 private:
  bool Spawn(const std::string& binary, const std::string& config) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string log = dir_ + "/registry.log";
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    std::vector<std::string> args = {binary, "serve", config};
    std::vector<char*> argv;
    for (std::string& a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      pid_ = 0;
      return false;
    }
    return true;
  }

  /// Polls `GET /v2/` until the registry answers 200 or 401 (~15 s at most).
  bool WaitReady() {
    for (int i = 0; i < 300; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        return false;  // exited (e.g. port taken)
      }
      const int fd = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      addr.sin_port = htons(static_cast<uint16_t>(port_));
      if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
        const std::string req = "GET /v2/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
        (void)!write(fd, req.data(), req.size());
        char buf[64] = {0};
        const ssize_t n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        const std::string head(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
        if (head.find(" 200 ") != std::string::npos || head.find(" 401 ") != std::string::npos) {
          return true;
        }
      } else if (fd >= 0) {
        close(fd);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  void WriteDockerConfig(const std::string& user, const std::string& password) {
    static constexpr char kB64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const std::string in = user + ":" + password;
    std::string out;
    for (std::size_t i = 0; i < in.size(); i += 3) {
      unsigned v = static_cast<unsigned char>(in[i]) << 16;
      if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
      if (i + 2 < in.size()) v |= static_cast<unsigned char>(in[i + 2]);
      out += kB64[(v >> 18) & 63];
      out += kB64[(v >> 12) & 63];
      out += i + 1 < in.size() ? kB64[(v >> 6) & 63] : '=';
      out += i + 2 < in.size() ? kB64[v & 63] : '=';
    }
    std::ofstream(docker_config())
        << "{\"auths\":{\"" << host() << "\":{\"auth\":\"" << out << "\"}}}\n";
  }

  std::string dir_;
  int port_ = 0;
  pid_t pid_ = 0;
};

}  // namespace aicr::testing

/// Starts `reg` (an OciRegistry), passing the extra Start arguments; skips the test
/// when docker-registry is missing, except on CI (CI=true), where that is a failure.
#define REQUIRE_OCI_REGISTRY(reg, ...)                                                   \
  do {                                                                                   \
    const std::string aicr_oci_why = (reg).Start(__VA_ARGS__);                           \
    if (!aicr_oci_why.empty()) {                                                         \
      const bool aicr_missing = aicr_oci_why.find("not installed") != std::string::npos; \
      const char* aicr_ci = std::getenv("CI");                                           \
      if (!aicr_missing || (aicr_ci != nullptr && std::string(aicr_ci) == "true")) {     \
        FAIL() << aicr_oci_why << " (scripts/install-deps.sh installs docker-registry)"; \
      }                                                                                  \
      GTEST_SKIP() << aicr_oci_why << "; run scripts/install-deps.sh";                   \
    }                                                                                    \
  } while (false)
