#include "k8s/transport.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "k8s/client.h"
#include "k8s/watch.h"
#include "tests/testing/status_matchers.h"

namespace aicr::k8s {
namespace {

using serialize::Value;
using std::chrono::milliseconds;
using ::testing::HasSubstr;

/// A request as the raw server saw it.
struct Seen {
  std::string method;
  std::string target;  // path?query
  std::string head;    // the whole header block
  std::string body;
};

/// What the raw server does with one request: `raw` bytes are sent as they are,
/// after `delay`; the connection is then closed.
struct Reply {
  std::string raw;
  milliseconds delay{0};
};

std::string Http(int status, const std::string& body, const std::string& extra_headers = "") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\n" +
         extra_headers + "Content-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

/// A loopback HTTP/1.1 server of one connection per request, answering from a
/// handler; enough to script retries, truncation and delays byte for byte.
class RawServer {
 public:
  explicit RawServer(std::function<Reply(const Seen&, int index)> handler)
      : handler_(std::move(handler)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    EXPECT_EQ(listen(fd_, 64), 0);
    thread_ = std::thread([this] { Loop(); });
  }
  ~RawServer() {
    stop_ = true;
    thread_.join();
    for (std::thread& t : workers_) {
      t.join();
    }
    close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<Seen> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

 private:
  void Loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) {
        continue;
      }
      const int c = accept(fd_, nullptr, nullptr);
      if (c >= 0) {
        workers_.emplace_back([this, c] { Serve(c); });
      }
    }
  }
  void Serve(int c) {
    std::string in;
    char buf[4096];
    std::size_t head_end = std::string::npos;
    std::size_t need = 0;
    while (!stop_) {
      pollfd p{c, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) {
        continue;
      }
      const ssize_t n = read(c, buf, sizeof(buf));
      if (n <= 0) {
        break;
      }
      in.append(buf, static_cast<std::size_t>(n));
      if (head_end == std::string::npos && (head_end = in.find("\r\n\r\n")) != std::string::npos) {
        const std::string lower = [&] {
          std::string s = in.substr(0, head_end);
          for (char& ch : s) {
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          }
          return s;
        }();
        const std::size_t cl = lower.find("content-length:");
        need = head_end + 4 + (cl == std::string::npos ? 0 : std::stoul(lower.substr(cl + 15)));
      }
      if (head_end != std::string::npos && in.size() >= need) {
        break;
      }
    }
    if (head_end != std::string::npos) {
      Seen s;
      s.head = in.substr(0, head_end);
      s.method = s.head.substr(0, s.head.find(' '));
      const std::size_t t0 = s.head.find(' ') + 1;
      s.target = s.head.substr(t0, s.head.find(' ', t0) - t0);
      s.body = in.substr(head_end + 4);
      int index = 0;
      {
        std::lock_guard<std::mutex> lock(mu_);
        index = static_cast<int>(seen_.size());
        seen_.push_back(s);
      }
      const Reply r = handler_(s, index);
      for (auto waited = milliseconds(0); waited < r.delay && !stop_; waited += milliseconds(10)) {
        std::this_thread::sleep_for(milliseconds(10));
      }
      (void)!write(c, r.raw.data(), r.raw.size());
    }
    close(c);
  }

  std::function<Reply(const Seen&, int)> handler_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::vector<Seen> seen_;
};

/// Credentials that count Invalidate() calls and hand out token-<n>.
class FakeCredentials : public CredentialSource {
 public:
  explicit FakeCredentials(bool refreshable) : refreshable_(refreshable) {}
  Result<RequestCredentials> Get(const CancelToken&) override {
    RequestCredentials c;
    c.authorization = "Bearer token-" + std::to_string(invalidations.load());
    return c;
  }
  void Invalidate() override { ++invalidations; }
  bool Refreshable() const override { return refreshable_; }
  std::atomic<int> invalidations{0};

 private:
  bool refreshable_;
};

/// A RetryEnv that records the waits instead of sleeping.
struct FakeEnv {
  std::vector<milliseconds> sleeps;
  double random = 1.0;
  RetryEnv Env() {
    RetryEnv env = RetryEnv::Real();
    env.sleep = [this](milliseconds d, const CancelToken& cancel) {
      sleeps.push_back(d);
      return cancel.Check();
    };
    env.random = [this] { return random; };
    return env;
  }
};

std::unique_ptr<Transport> Make(const std::string& url, std::shared_ptr<CredentialSource> creds,
                                RetryEnv env = RetryEnv::Real()) {
  RestConfig config;
  config.server = url;
  config.user_agent = "aicr-test/1";
  TransportOptions options;
  options.env = std::move(env);
  auto t = Transport::Create(config, std::move(creds), std::move(options));
  EXPECT_THAT(t, IsOk());
  return t.ok() ? std::move(t).value() : nullptr;
}

TEST(TransportTest, SendsRequestAndReadsResponse) {
  RawServer server(
      [](const Seen&, int) { return Reply{Http(201, R"({"ok":true})", "X-Thing: v1\r\n")}; });
  auto creds = std::make_shared<FakeCredentials>(false);
  auto t = Make(server.url() + "/", creds);
  Request req;
  req.method = "POST";
  req.path = "/api/v1/namespaces/ns/configmaps";
  req.query = {{"labelSelector", "app=x,tier in (a b)"}, {"fieldManager", "m&n"}};
  req.body = R"({"a":1})";
  req.content_type = "application/json";
  auto r = t->Do(req);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, R"({"ok":true})");
  EXPECT_EQ(r->Header("x-thing"), "v1");
  EXPECT_EQ(r->Header("X-THING"), "v1");
  const auto seen = server.seen();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target,
            "/api/v1/namespaces/ns/configmaps?labelSelector=app%3Dx%2Ctier%20in%20%28a%20b%29&"
            "fieldManager=m%26n");
  EXPECT_THAT(seen[0].head, HasSubstr("User-Agent: aicr-test/1\r\n"));
  EXPECT_THAT(seen[0].head, HasSubstr("Authorization: Bearer token-0\r\n"));
  EXPECT_THAT(seen[0].head, HasSubstr("Accept: application/json\r\n"));
  EXPECT_THAT(seen[0].head, HasSubstr("Content-Type: application/json\r\n"));
  EXPECT_EQ(seen[0].body, R"({"a":1})");
}

TEST(TransportTest, RetriesOn429HonouringRetryAfter) {
  RawServer server([](const Seen&, int i) {
    if (i < 2) {
      return Reply{Http(429, R"({"kind":"Status","code":429})", "Retry-After: 2\r\n")};
    }
    return Reply{Http(200, "{}")};
  });
  FakeEnv env;
  auto t = Make(server.url(), nullptr, env.Env());
  Request req;
  req.path = "/api";
  auto r = t->Do(req);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(server.seen().size(), 3U);
  EXPECT_EQ(env.sleeps, (std::vector<milliseconds>{milliseconds(2000), milliseconds(2000)}));
}

TEST(TransportTest, BackoffWithJitterAndMaxAttempts) {
  RawServer server([](const Seen&, int) { return Reply{Http(503, "{}")}; });
  FakeEnv env;
  env.random = 1.0;
  auto t = Make(server.url(), nullptr, env.Env());
  Request req;
  req.method = "DELETE";
  req.path = "/x";
  auto r = t->Do(req);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 503);  // the last answer, after 5 attempts
  EXPECT_EQ(server.seen().size(), 5U);
  EXPECT_EQ(env.sleeps, (std::vector<milliseconds>{milliseconds(200), milliseconds(400),
                                                   milliseconds(800), milliseconds(1600)}));
}

TEST(TransportTest, NoRetryOnClientErrorsOrNonIdempotent) {
  for (int status : {400, 403, 404, 409, 422, 501}) {
    RawServer server([status](const Seen&, int) { return Reply{Http(status, "{}")}; });
    FakeEnv env;
    auto t = Make(server.url(), nullptr, env.Env());
    Request req;
    req.path = "/x";
    auto r = t->Do(req);
    ASSERT_THAT(r, IsOk());
    EXPECT_EQ(r->status, status);
    EXPECT_EQ(server.seen().size(), 1U) << status;
    EXPECT_TRUE(env.sleeps.empty());
  }
  RawServer server([](const Seen&, int) { return Reply{Http(503, "{}")}; });
  FakeEnv env;
  auto t = Make(server.url(), nullptr, env.Env());
  for (const char* method : {"POST", "PATCH"}) {
    Request req;
    req.method = method;
    req.path = "/x";
    req.body = "{}";
    auto r = t->Do(req);
    ASSERT_THAT(r, IsOk());
    EXPECT_EQ(r->status, 503);
  }
  EXPECT_EQ(server.seen().size(), 2U);
}

TEST(TransportTest, RefreshesCredentialsOnceAfter401) {
  RawServer server([](const Seen& s, int) {
    if (s.head.find("Bearer token-1") != std::string::npos) {
      return Reply{Http(200, "{}")};
    }
    return Reply{Http(401, "{}")};
  });
  auto refreshable = std::make_shared<FakeCredentials>(true);
  auto t = Make(server.url(), refreshable);
  Request req;
  req.path = "/x";
  auto r = t->Do(req);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(refreshable->invalidations, 1);
  EXPECT_EQ(server.seen().size(), 2U);

  RawServer always401([](const Seen&, int) { return Reply{Http(401, "{}")}; });
  auto fixed = std::make_shared<FakeCredentials>(false);
  auto t2 = Make(always401.url(), fixed);
  auto r2 = t2->Do(req);
  ASSERT_THAT(r2, IsOk());
  EXPECT_EQ(r2->status, 401);
  EXPECT_EQ(fixed->invalidations, 0);
  EXPECT_EQ(always401.seen().size(), 1U);

  auto refreshable2 = std::make_shared<FakeCredentials>(true);
  auto t3 = Make(always401.url(), refreshable2);
  auto r3 = t3->Do(req);
  ASSERT_THAT(r3, IsOk());
  EXPECT_EQ(r3->status, 401);
  EXPECT_EQ(refreshable2->invalidations, 1);  // once only
}

int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(TransportTest, ConnectionRefusedIsRetriedEvenForPost) {
  FakeEnv env;
  auto t = Make("http://127.0.0.1:" + std::to_string(ClosedPort()), nullptr, env.Env());
  Request req;
  req.method = "POST";
  req.path = "/x";
  req.body = "{}";
  auto r = t->Do(req);
  ASSERT_EQ(r.status().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(r.status().message(), HasSubstr("cannot connect"));
  EXPECT_THAT(r.status().message(), HasSubstr("POST http://127.0.0.1:"));
  EXPECT_EQ(env.sleeps.size(), 4U);
}

TEST(TransportTest, DroppedConnectionRetriedOnlyWhenIdempotent) {
  RawServer server([](const Seen&, int i) { return Reply{i == 0 ? "" : Http(200, "{}")}; });
  FakeEnv env;
  auto t = Make(server.url(), nullptr, env.Env());
  Request get;
  get.path = "/x";
  auto r = t->Do(get);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(server.seen().size(), 2U);

  RawServer server2([](const Seen&, int i) { return Reply{i == 0 ? "" : Http(200, "{}")}; });
  auto t2 = Make(server2.url(), nullptr, env.Env());
  Request post;
  post.method = "POST";
  post.path = "/x";
  post.body = "{}";
  auto r2 = t2->Do(post);
  EXPECT_EQ(r2.status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(server2.seen().size(), 1U);
}

TEST(TransportTest, TruncatedResponseIsAnError) {
  RawServer server([](const Seen&, int) {
    std::string full = Http(200, std::string(100, 'a'));
    return Reply{full.substr(0, full.size() - 50)};
  });
  auto t = Make(server.url(), nullptr);
  Request req;
  req.path = "/x";
  auto r = t->Do(req);
  EXPECT_EQ(r.status().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(r.status().message(), HasSubstr("truncated response"));
  EXPECT_EQ(server.seen().size(), 1U);
}

TEST(TransportTest, OversizedResponseIsAnError) {
  RawServer server([](const Seen&, int) { return Reply{Http(200, std::string(5000, 'a'))}; });
  auto t = Make(server.url(), nullptr);
  Request req;
  req.path = "/x";
  req.max_response_bytes = 1000;
  auto r = t->Do(req);
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(r.status().message(), HasSubstr("response body exceeds 1000 bytes"));
}

TEST(TransportTest, CancelAbortsALongCall) {
  RawServer server([](const Seen&, int) { return Reply{Http(200, "{}"), milliseconds(20000)}; });
  auto t = Make(server.url(), nullptr);
  Request req;
  req.path = "/x";
  std::thread canceler([&] {
    std::this_thread::sleep_for(milliseconds(200));
    req.cancel.Cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  auto r = t->Do(req);
  canceler.join();
  EXPECT_EQ(r.status().code(), ErrorCode::kCanceled);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(TransportTest, TimeoutBoundsTheCall) {
  RawServer server([](const Seen&, int) { return Reply{Http(200, "{}"), milliseconds(20000)}; });
  auto t = Make(server.url(), nullptr);
  Request req;
  req.path = "/x";
  req.timeout = milliseconds(300);
  auto r = t->Do(req);
  EXPECT_EQ(r.status().code(), ErrorCode::kTimeout);
  EXPECT_EQ(server.seen().size(), 1U);
}

TEST(TransportTest, RetryAfterBeyondDeadlineReturnsTheAnswer) {
  RawServer server([](const Seen&, int) {
    return Reply{Http(429, R"({"kind":"Status","code":429})", "Retry-After: 30\r\n")};
  });
  auto t = Make(server.url(), nullptr);
  Request req;
  req.path = "/x";
  req.timeout = milliseconds(2000);
  const auto start = std::chrono::steady_clock::now();
  auto r = t->Do(req);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 429);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(TransportTest, CancelDuringBackoff) {
  RawServer server([](const Seen&, int) {
    return Reply{Http(429, R"({"kind":"Status","code":429})", "Retry-After: 30\r\n")};
  });
  auto t = Make(server.url(), nullptr);
  Request req;
  req.path = "/x";
  req.timeout = milliseconds(0);
  std::thread canceler([&] {
    std::this_thread::sleep_for(milliseconds(300));
    req.cancel.Cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  auto r = t->Do(req);
  canceler.join();
  EXPECT_EQ(r.status().code(), ErrorCode::kCanceled);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(server.seen().size(), 1U);
}

TEST(TransportTest, StreamDeliversChunksAndStops) {
  RawServer server([](const Seen&, int) {
    std::string body;
    for (int i = 0; i < 3; ++i) {
      body += "6\r\nchunk" + std::to_string(i) + "\r\n";
    }
    body += "0\r\n\r\n";
    return Reply{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
                 body};
  });
  auto t = Make(server.url(), nullptr);
  Request req;
  req.path = "/x";
  std::string got;
  auto r = t->Stream(req, [&](std::string_view c) {
    got.append(c);
    return true;
  });
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(r->body.empty());
  EXPECT_EQ(got, "chunk0chunk1chunk2");

  int calls = 0;
  auto stopped = t->Stream(req, [&](std::string_view) {
    ++calls;
    return false;
  });
  ASSERT_THAT(stopped, IsOk());
  EXPECT_EQ(calls, 1);
}

TEST(TransportTest, StreamErrorBodyIsCollected) {
  RawServer server([](const Seen&, int) { return Reply{Http(404, R"({"kind":"Status"})")}; });
  auto t = Make(server.url(), nullptr);
  Request req;
  req.path = "/x";
  bool called = false;
  auto r = t->Stream(req, [&](std::string_view) {
    called = true;
    return true;
  });
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, R"({"kind":"Status"})");
  EXPECT_FALSE(called);
}

TEST(TransportTest, RejectsBadServerUrls) {
  RestConfig config;
  config.server = "ftp://x";
  EXPECT_EQ(Transport::Create(config, nullptr).status().code(), ErrorCode::kInvalidRequest);
  config.server = "https://x?q=1";
  EXPECT_EQ(Transport::Create(config, nullptr).status().code(), ErrorCode::kInvalidRequest);
}

TEST(TransportTest, ServerPathPrefixIsKept) {
  RawServer server([](const Seen&, int) { return Reply{Http(200, "{}")}; });
  auto t = Make(server.url() + "/prefix/", nullptr);
  Request req;
  req.path = "/api";
  ASSERT_THAT(t->Do(req), IsOk());
  EXPECT_EQ(server.seen().at(0).target, "/prefix/api");
}

TEST(TransportTest, ExplicitProxyUrl) {
  RawServer proxy([](const Seen&, int) { return Reply{Http(200, R"({"via":"proxy"})")}; });
  RestConfig config;
  config.server = "http://kubernetes.invalid:6443";
  config.proxy_url = proxy.url();
  auto t = Transport::Create(config, nullptr);
  ASSERT_THAT(t, IsOk());
  Request req;
  req.path = "/version";
  auto r = (*t)->Do(req);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->body, R"({"via":"proxy"})");
  ASSERT_EQ(proxy.seen().size(), 1U);
  EXPECT_EQ(proxy.seen()[0].target, "http://kubernetes.invalid:6443/version");
}

/// Sets environment variables for its lifetime ("" unsets).
class ScopedEnv {
 public:
  ScopedEnv(std::initializer_list<std::pair<const char*, std::string>> vars) {
    for (const auto& [name, value] : vars) {
      const char* old = std::getenv(name);  // NOLINT(concurrency-mt-unsafe)
      saved_.emplace_back(name, old == nullptr ? std::nullopt : std::optional<std::string>(old));
      Set(name, value.empty() ? std::nullopt : std::optional<std::string>(value));
    }
  }
  ~ScopedEnv() {
    for (const auto& [name, value] : saved_) {
      Set(name, value);
    }
  }

 private:
  static void Set(const char* name, const std::optional<std::string>& value) {
    if (value.has_value()) {
      setenv(name, value->c_str(), 1);  // NOLINT(concurrency-mt-unsafe)
    } else {
      unsetenv(name);  // NOLINT(concurrency-mt-unsafe)
    }
  }
  std::vector<std::pair<const char*, std::optional<std::string>>> saved_;
};

TEST(TransportTest, ProxyFromTheEnvironmentIsHonoured) {
  RawServer proxy([](const Seen&, int) { return Reply{Http(200, "{}")}; });
  Result<Response> r = Response{};
  {
    ScopedEnv env({{"http_proxy", proxy.url()}, {"no_proxy", ""}, {"NO_PROXY", ""}});
    RestConfig config;
    config.server = "http://kubernetes.invalid:6443";
    auto t = Transport::Create(config, nullptr);
    ASSERT_THAT(t, IsOk());
    Request req;
    req.path = "/version";
    r = (*t)->Do(req);
  }
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(proxy.seen().size(), 1U);
  EXPECT_EQ(proxy.seen()[0].target, "http://kubernetes.invalid:6443/version");
}

// ---- Client and Watch against scripted answers ----

TEST(ClientUnitTest, MalformedJsonIsAnErrorNotACrash) {
  RawServer server([](const Seen& s, int) {
    if (s.target.find("/configmaps/x") != std::string::npos) {
      return Reply{Http(200, R"({"kind":"ConfigMap","metadata":{)")};
    }
    return Reply{Http(200, R"({"kind":"ConfigMapList","items":"nope"})")};
  });
  Client c(Make(server.url(), nullptr));
  auto got = c.Get(resources::kConfigMaps, "ns", "x");
  EXPECT_EQ(got.status().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(got.status().message(),
              HasSubstr("configmaps \"x\" in namespace \"ns\": malformed response"));
  auto list = c.List(resources::kConfigMaps, "ns");
  EXPECT_EQ(list.status().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(list.status().message(), HasSubstr("not a list"));
}

TEST(ClientUnitTest, ListAllStopsOnARepeatedContinueToken) {
  RawServer server([](const Seen&, int) {
    return Reply{Http(200, R"({"kind":"ConfigMapList","metadata":{"continue":"same",)"
                           R"("resourceVersion":"5"},"items":[{"metadata":{"name":"a"}}]})")};
  });
  Client c(Make(server.url(), nullptr));
  auto all = c.ListAll(resources::kConfigMaps, "ns");
  EXPECT_EQ(all.status().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(all.status().message(), HasSubstr("repeated a continue token"));
  EXPECT_EQ(server.seen().size(), 2U);
}

TEST(ClientUnitTest, DeleteAndApplyRequests) {
  RawServer server([](const Seen&, int) { return Reply{Http(200, "{}")}; });
  Client c(Make(server.url(), nullptr));
  DeleteOptions d;
  d.propagation_policy = "Foreground";
  d.precondition_uid = "u-1";
  d.grace_period_seconds = 0;
  ASSERT_THAT(c.Delete(resources::kJobs, "ns", "j", d), IsOk());
  ApplyOptions a;
  a.field_manager = "aicr";
  a.force = true;
  ASSERT_THAT(c.Apply(resources::kNodes, "", "", "kind: Node\nmetadata:\n  name: n1\n", a), IsOk());
  const auto seen = server.seen();
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_EQ(seen[0].method, "DELETE");
  EXPECT_EQ(seen[0].target, "/apis/batch/v1/namespaces/ns/jobs/j");
  EXPECT_EQ(seen[0].body,
            R"({"apiVersion":"v1","kind":"DeleteOptions","propagationPolicy":"Foreground",)"
            R"("gracePeriodSeconds":0,"preconditions":{"uid":"u-1"}})");
  EXPECT_EQ(seen[1].method, "PATCH");
  EXPECT_EQ(seen[1].target, "/api/v1/nodes/n1?fieldManager=aicr&force=true");
  EXPECT_THAT(seen[1].head, HasSubstr("Content-Type: application/apply-patch+yaml"));
  EXPECT_EQ(seen[1].body, "kind: Node\nmetadata:\n  name: n1\n");
}

TEST(WatchUnitTest, ErrorEvent410RelistsAndBookmarksAdvance) {
  RawServer server([](const Seen& s, int) {
    const bool watch = s.target.find("watch=true") != std::string::npos;
    if (!watch) {
      return Reply{Http(200,
                        R"({"kind":"ConfigMapList","metadata":{"resourceVersion":"20"},)"
                        R"("items":[{"metadata":{"name":"listed","resourceVersion":"20"}}]})")};
    }
    if (s.target.find("resourceVersion=10") != std::string::npos) {
      // The first watch: an event, a bookmark, then the stream ends.
      return Reply{
          Http(200, R"({"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"11"}}})"
                    "\n"
                    R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"15"}}})"
                    "\n")};
    }
    if (s.target.find("resourceVersion=15") != std::string::npos) {
      return Reply{Http(200, R"({"type":"ERROR","object":{"kind":"Status","code":410,)"
                             R"("reason":"Expired","message":"too old"}})"
                             "\n")};
    }
    if (s.target.find("resourceVersion=20") != std::string::npos) {
      return Reply{Http(
          200,
          R"({"type":"MODIFIED","object":{"metadata":{"name":"listed","resourceVersion":"21"}}})"
          "\n")};
    }
    return Reply{Http(500, "{}")};
  });
  Client c(Make(server.url(), nullptr));
  WatchOptions options;
  options.resource_version = "10";
  FakeEnv env;
  options.env = env.Env();
  std::vector<std::string> got;
  Status s = Watch(c, resources::kConfigMaps, "ns", options, [&](const WatchEvent& e) {
    const Value* n = e.object.FindPath("metadata.name");
    got.push_back(e.type + " " + (n != nullptr ? *n->if_string() : ""));
    return e.type == "MODIFIED" ? WatchAction::kStop : WatchAction::kContinue;
  });
  EXPECT_THAT(s, IsOk());
  EXPECT_EQ(got,
            (std::vector<std::string>{"ADDED a", "RELIST ", "ADDED listed", "MODIFIED listed"}));
  for (const Seen& seen : server.seen()) {
    if (seen.target.find("watch=true") != std::string::npos) {
      EXPECT_THAT(seen.target, HasSubstr("allowWatchBookmarks=true"));
      EXPECT_THAT(seen.target, HasSubstr("timeoutSeconds=300"));
    }
  }
}

TEST(WatchUnitTest, MalformedEventEndsTheWatch) {
  RawServer server([](const Seen&, int) { return Reply{Http(200, "{oops\n")}; });
  Client c(Make(server.url(), nullptr));
  WatchOptions options;
  options.resource_version = "1";
  Status s = Watch(c, resources::kConfigMaps, "ns", options,
                   [](const WatchEvent&) { return WatchAction::kContinue; });
  EXPECT_EQ(s.code(), ErrorCode::kUnavailable);
  EXPECT_THAT(s.message(), HasSubstr("malformed event"));
}

TEST(WatchUnitTest, ConnectionErrorsAreRetriedWithBackoff) {
  FakeEnv env;
  RestConfig config;
  config.server = "http://127.0.0.1:" + std::to_string(ClosedPort());
  TransportOptions topts;
  topts.env = env.Env();
  topts.retry.max_attempts = 1;  // the watcher's own backoff only
  auto t = Transport::Create(config, nullptr, topts);
  ASSERT_THAT(t, IsOk());
  Client c(std::shared_ptr<const Transport>(std::move(t).value()));
  WatchOptions options;
  options.resource_version = "1";
  options.env = env.Env();
  Status s = Watch(c, resources::kConfigMaps, "ns", options,
                   [](const WatchEvent&) { return WatchAction::kContinue; });
  EXPECT_EQ(s.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(env.sleeps.size(), 4U);  // 5 attempts in all
}

}  // namespace
}  // namespace aicr::k8s
