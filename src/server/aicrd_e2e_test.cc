// The real aicrd binary: start-up from the environment, and graceful shutdown on
// SIGTERM with a request in flight (readiness flips first, the listener closes,
// the in-flight request completes, the process exits 0).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <regex>
#include <string>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/test_server_for_test.h"
#include "tests/e2e/subprocess.h"

namespace aicr::server {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

const std::string kAicrd = std::string(AICR_BINARY_DIR) + "/src/server/aicrd";

class Aicrd {
 public:
  explicit Aicrd(const std::map<std::string, std::string>& env) {
    int err[2];
    EXPECT_EQ(pipe(err), 0);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(err[1], 2);
      close(err[0]);
      close(err[1]);
      for (const auto& [k, v] : env) {
        setenv(k.c_str(), v.c_str(), 1);
      }
      execl(kAicrd.c_str(), kAicrd.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(err[1]);
    err_ = err[0];
  }
  Aicrd(const Aicrd&) = delete;
  Aicrd& operator=(const Aicrd&) = delete;
  ~Aicrd() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(err_);
  }

  /// Reads stderr until the listening line; returns the port (0 on failure).
  int WaitForPort() {
    const std::regex port_re(R"re("port":"(\d+)")re");
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (Clock::now() < deadline) {
      ReadSome(200);
      std::smatch m;
      if (log_.find("aicrd listening") != std::string::npos &&
          std::regex_search(log_, m, port_re)) {
        return std::stoi(m[1]);
      }
    }
    return 0;
  }

  /// Waits for exit; returns the exit code or -1 on timeout.
  int Wait(std::chrono::seconds limit) {
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        while (ReadSome(50)) {
        }
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      ReadSome(50);
    }
    return -1;
  }

  void Signal(int sig) { kill(pid_, sig); }
  const std::string& log() const { return log_; }

 private:
  bool ReadSome(int timeout_ms) {
    pollfd p{err_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) {
      return false;
    }
    char buf[4096];
    const ssize_t n = read(err_, buf, sizeof buf);
    if (n <= 0) {
      return false;
    }
    log_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int err_ = -1;
  bool exited_ = false;
  std::string log_;
};

int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

void SendAll(int fd, const std::string& s) {
  ASSERT_EQ(send(fd, s.data(), s.size(), MSG_NOSIGNAL), static_cast<ssize_t>(s.size()));
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[8192];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 60000) <= 0) {
      break;
    }
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

TEST(AicrdE2eTest, GracefulShutdownFinishesTheRequestInFlight) {
  Aicrd d({{"PORT", "0"},
           {"AICR_SERVER_ADDRESS", "127.0.0.1"},
           {"AICR_SHUTDOWN_DRAIN_SECONDS", "1"},
           {"SHUTDOWN_TIMEOUT_SECONDS", "20"},
           {"AICR_RATE_LIMIT", "0"}});
  const int port = d.WaitForPort();
  ASSERT_GT(port, 0) << d.log();

  // A request in flight: headers and half the body sent, the rest held back.
  const std::string body =
      R"({"criteria":{"service":"eks","accelerator":"h100","intent":"training"}})";
  const int fd = Connect(port);
  ASSERT_GE(fd, 0);
  SendAll(fd,
          "POST /v1/recipe HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
          "Content-Type: application/json\r\nContent-Length: " +
              std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, body.size() / 2));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto signaled = Clock::now();
  d.Signal(SIGTERM);

  // Readiness flips first, while the listener still accepts.
  httplib::Client probe("127.0.0.1", port);
  int ready_status = 0;
  while (Clock::now() - signaled < std::chrono::milliseconds(900)) {
    auto r = probe.Get("/ready");
    if (r && r->status == 503) {
      ready_status = 503;
      EXPECT_THAT(r->body, HasSubstr("not_ready"));
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(ready_status, 503);

  // After the drain the listener is closed: new connections fail.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500) - (Clock::now() - signaled));
  const int late = Connect(port);
  EXPECT_LT(late, 0);
  if (late >= 0) {
    close(late);
  }

  // The request in flight still completes.
  SendAll(fd, body.substr(body.size() / 2));
  const std::string response = ReadAll(fd);
  close(fd);
  EXPECT_THAT(response, HasSubstr("HTTP/1.1 200 OK"));
  EXPECT_THAT(response, HasSubstr("\"apiVersion\": \"aicr.run/v1\""));

  EXPECT_EQ(d.Wait(std::chrono::seconds(20)), 0) << d.log();
  EXPECT_THAT(d.log(), HasSubstr("shutdown signal received"));
  EXPECT_THAT(d.log(), HasSubstr("\"msg\":\"request\""));
  EXPECT_THAT(d.log(), HasSubstr("\"route\":\"/v1/recipe\""));
  EXPECT_THAT(d.log(), HasSubstr("aicrd stopped"));
}

TEST(AicrdE2eTest, IdleShutdownIsQuickAndBadConfigFails) {
  Aicrd d({{"PORT", "0"}, {"AICR_SERVER_ADDRESS", "127.0.0.1"}});
  ASSERT_GT(d.WaitForPort(), 0) << d.log();
  const auto start = Clock::now();
  d.Signal(SIGINT);
  EXPECT_EQ(d.Wait(std::chrono::seconds(10)), 0) << d.log();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));

  Aicrd bad(std::map<std::string, std::string>{{"PORT", "not-a-port"}});
  EXPECT_EQ(bad.Wait(std::chrono::seconds(10)), 2);
  EXPECT_THAT(bad.log(), HasSubstr("PORT"));
}

}  // namespace
}  // namespace aicr::server
