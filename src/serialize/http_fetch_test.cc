#include "serialize/http_fetch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/version.h"
#include "tests/testing/status_matchers.h"

namespace aicr::serialize {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// ---- a loopback httplib server running in a thread ----

class LoopbackServer {
 public:
  explicit LoopbackServer(std::unique_ptr<httplib::Server> server) : server_(std::move(server)) {}
  LoopbackServer() : LoopbackServer(std::make_unique<httplib::Server>()) {}
  ~LoopbackServer() { Stop(); }

  httplib::Server& server() { return *server_; }

  /// Binds 127.0.0.1 on a free port and serves until Stop().
  void Start() {
    port_ = server_->bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    for (int i = 0; i < 500 && !server_->is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ASSERT_TRUE(server_->is_running());
  }
  void Stop() {
    if (thread_.joinable()) {
      server_->stop();
      thread_.join();
    }
  }
  int port() const { return port_; }
  std::string Url(const std::string& scheme, const std::string& path) const {
    return scheme + "://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

/// Waits up to ~10 s for `released`, in small steps, so handlers end quickly at teardown.
void SlowWait(const std::atomic<bool>& released) {
  for (int i = 0; i < 1000 && !released.load(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void AddRoutes(httplib::Server& s, std::atomic<bool>& released) {
  s.Get("/ok", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("hello", "text/plain");
  });
  s.Get("/ua", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.get_header_value("User-Agent"), "text/plain");
  });
  s.Get(R"(/status/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    res.status = std::atoi(req.matches[1].str().c_str());
    res.set_content("status body", "text/plain");
  });
  s.Get(R"(/r/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    const int n = std::atoi(req.matches[1].str().c_str());
    if (n == 0) {
      res.set_content("final", "text/plain");
    } else {
      res.set_redirect("/r/" + std::to_string(n - 1));
    }
  });
  s.Get("/loop",
        [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/loop"); });
  s.Get("/to-ftp", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("ftp://127.0.0.1/x");
  });
  s.Get("/to-file", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("file:///etc/passwd");
  });
  s.Get("/big", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(1 << 20, 'b'), "text/plain");
  });
  s.Get("/exact", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(1000, 'e'), "text/plain");
  });
  s.Get("/stream", [&released](const httplib::Request&, httplib::Response& res) {
    // An endless chunked body: only the client's cap ends it.
    res.set_chunked_content_provider("text/plain", [&released](size_t, httplib::DataSink& sink) {
      static const std::string chunk(16 * 1024, 's');
      return !released.load() && sink.write(chunk.data(), chunk.size());
    });
  });
  s.Get("/slow", [&released](const httplib::Request&, httplib::Response& res) {
    SlowWait(released);
    res.set_content("late", "text/plain");
  });
}

class HttpFetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AddRoutes(server_.server(), released_);
    server_.Start();
    options_.proxy = ProxyConfig{};  // never depend on the test environment's proxies
  }
  void TearDown() override {
    released_ = true;
    server_.Stop();
  }
  std::string Url(const std::string& path) const { return server_.Url("http", path); }

  std::atomic<bool> released_{false};
  LoopbackServer server_;
  HttpOptions options_;
};

TEST_F(HttpFetchTest, ReturnsBodyOf200) {
  EXPECT_THAT(HttpFetch(Url("/ok"), options_), IsOkAndHolds("hello"));
}

TEST_F(HttpFetchTest, SendsAicrUserAgent) {
  EXPECT_THAT(HttpFetch(Url("/ua"), options_), IsOkAndHolds("aicr/" + GetBuildInfo().version));
}

struct StatusCase {
  int http;
  ErrorCode code;
};

class HttpStatusMappingTest : public HttpFetchTest,
                              public ::testing::WithParamInterface<StatusCase> {};

TEST_P(HttpStatusMappingTest, MapsStatus) {
  const StatusCase& c = GetParam();
  const std::string url = Url("/status/" + std::to_string(c.http));
  EXPECT_THAT(
      HttpFetch(url, options_),
      StatusIs(c.code, "fetch \"" + url + "\": server returned HTTP " + std::to_string(c.http)));
}

INSTANTIATE_TEST_SUITE_P(Statuses, HttpStatusMappingTest,
                         ::testing::Values(StatusCase{404, ErrorCode::kNotFound},
                                           StatusCase{401, ErrorCode::kUnauthorized},
                                           StatusCase{403, ErrorCode::kUnauthorized},
                                           StatusCase{408, ErrorCode::kTimeout},
                                           StatusCase{504, ErrorCode::kTimeout},
                                           StatusCase{429, ErrorCode::kRateLimitExceeded},
                                           StatusCase{500, ErrorCode::kUnavailable},
                                           StatusCase{503, ErrorCode::kUnavailable},
                                           StatusCase{400, ErrorCode::kInvalidRequest},
                                           StatusCase{418, ErrorCode::kInvalidRequest},
                                           StatusCase{302, ErrorCode::kInvalidRequest}),
                         [](const ::testing::TestParamInfo<StatusCase>& p) {
                           return "Http" + std::to_string(p.param.http);
                         });

TEST_F(HttpFetchTest, FollowsRedirectChainWithinLimit) {
  options_.max_redirects = 3;
  EXPECT_THAT(HttpFetch(Url("/r/3"), options_), IsOkAndHolds("final"));
}

TEST_F(HttpFetchTest, RejectsChainLongerThanLimit) {
  options_.max_redirects = 2;
  EXPECT_THAT(HttpFetch(Url("/r/3"), options_),
              StatusIs(ErrorCode::kInvalidRequest,
                       "fetch \"" + Url("/r/3") + "\": too many redirects (limit 2)"));
}

TEST_F(HttpFetchTest, ZeroRedirectsRefusesAnyRedirect) {
  options_.max_redirects = 0;
  EXPECT_THAT(HttpFetch(Url("/r/1"), options_),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("too many redirects (limit 0)")));
}

TEST_F(HttpFetchTest, InfiniteRedirectLoopFails) {
  EXPECT_THAT(HttpFetch(Url("/loop"), options_),
              StatusIs(ErrorCode::kInvalidRequest,
                       "fetch \"" + Url("/loop") + "\": too many redirects (limit 10)"));
}

TEST_F(HttpFetchTest, RedirectToOtherProtocolsIsRefused) {
  EXPECT_THAT(HttpFetch(Url("/to-ftp"), options_),
              StatusIs(ErrorCode::kInvalidRequest,
                       "fetch \"" + Url("/to-ftp") +
                           "\": redirect to unsupported protocol \"ftp\" (only http and https "
                           "are allowed)"));
  EXPECT_THAT(
      HttpFetch(Url("/to-file"), options_),
      StatusIs(ErrorCode::kInvalidRequest, HasSubstr("redirect to unsupported protocol \"file\"")));
}

TEST_F(HttpFetchTest, BodyOverCapWithContentLengthFails) {
  options_.max_bytes = 1000;
  EXPECT_THAT(HttpFetch(Url("/big"), options_),
              StatusIs(ErrorCode::kInvalidRequest,
                       "fetch \"" + Url("/big") + "\": response body exceeds 1000 bytes"));
}

TEST_F(HttpFetchTest, BodyAtCapIsAccepted) {
  options_.max_bytes = 1000;
  EXPECT_THAT(HttpFetch(Url("/exact"), options_), IsOkAndHolds(std::string(1000, 'e')));
}

TEST_F(HttpFetchTest, EndlessStreamIsAbortedAtCap) {
  options_.max_bytes = 100 * 1000;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THAT(HttpFetch(Url("/stream"), options_),
              StatusIs(ErrorCode::kInvalidRequest,
                       "fetch \"" + Url("/stream") + "\": response body exceeds 100000 bytes"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(HttpFetchTest, SlowServerTimesOut) {
  options_.timeout = std::chrono::milliseconds(300);
  EXPECT_THAT(HttpFetch(Url("/slow"), options_),
              StatusIs(ErrorCode::kTimeout,
                       StartsWith("fetch \"" + Url("/slow") + "\": timed out after 300ms")));
}

TEST_F(HttpFetchTest, CancelDuringSlowResponse) {
  options_.timeout = std::chrono::milliseconds(20000);
  const CancelToken token = options_.cancel;
  std::thread canceller([token] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    token.Cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  const Result<std::string> r = HttpFetch(Url("/slow"), options_);
  canceller.join();
  EXPECT_THAT(r, StatusIs(ErrorCode::kCanceled, "fetch \"" + Url("/slow") + "\": canceled"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(HttpFetchTest, AlreadyCanceledTokenFailsAtOnce) {
  options_.cancel.Cancel();
  EXPECT_THAT(HttpFetch(Url("/ok"), options_),
              StatusIs(ErrorCode::kCanceled, "fetch \"" + Url("/ok") + "\": canceled"));
}

TEST_F(HttpFetchTest, ConnectionRefusedIsUnavailable) {
  // Find a free port and leave it closed.
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(s, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(s);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/";
  EXPECT_THAT(
      HttpFetch(url, options_),
      StatusIs(ErrorCode::kUnavailable, StartsWith("fetch \"" + url + "\": cannot connect: ")));
}

TEST_F(HttpFetchTest, UnresolvableHostIsUnavailable) {
  options_.timeout = std::chrono::milliseconds(10000);
  const std::string url = "http://aicr-no-such-host.invalid/doc";
  EXPECT_THAT(HttpFetch(url, options_),
              StatusIs(ErrorCode::kUnavailable,
                       "fetch \"" + url + "\": cannot resolve host \"aicr-no-such-host.invalid\""));
}

TEST(HttpFetchProtocolTest, OnlyHttpAndHttpsAreAllowed) {
  EXPECT_THAT(HttpFetch("file:///etc/passwd"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "fetch \"file:///etc/passwd\": unsupported protocol \"file\" (only http "
                       "and https are allowed)"));
  EXPECT_THAT(
      HttpFetch("ftp://127.0.0.1/pub/x"),
      StatusIs(ErrorCode::kInvalidRequest,
               HasSubstr("unsupported protocol \"ftp\" (only http and https are allowed)")));
  EXPECT_THAT(HttpFetch("gopher://127.0.0.1/"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("unsupported protocol \"gopher\"")));
}

TEST(HttpFetchProtocolTest, MalformedUrls) {
  EXPECT_THAT(HttpFetch("not a url"), StatusIs(ErrorCode::kInvalidRequest,
                                               StartsWith("fetch \"not a url\": invalid URL: ")));
  EXPECT_THAT(HttpFetch("http://"),
              StatusIs(ErrorCode::kInvalidRequest, StartsWith("fetch \"http://\": invalid URL: ")));
}

TEST(HttpFetchProtocolTest, CredentialsAreNotEchoed) {
  const Result<std::string> r = HttpFetch("ftp://user:secret@127.0.0.1/x");
  EXPECT_THAT(r, StatusIs(ErrorCode::kInvalidRequest, AllOf(HasSubstr("unsupported protocol"),
                                                            ::testing::Not(HasSubstr("secret")))));
}

// ---- proxies ----

class ScopedProxyEnv {
 public:
  ScopedProxyEnv() {
    for (const char* name : kNames) {
      const char* v = std::getenv(name);
      saved_.emplace_back(name, v == nullptr ? std::nullopt : std::optional<std::string>(v));
      ::unsetenv(name);
    }
  }
  ~ScopedProxyEnv() {
    for (const auto& [name, value] : saved_) {
      if (value) {
        ::setenv(name.c_str(), value->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  }
  void Set(const char* name, const std::string& value) { ::setenv(name, value.c_str(), 1); }

 private:
  static constexpr const char* kNames[] = {"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy",
                                           "NO_PROXY",   "no_proxy",   "ALL_PROXY",   "all_proxy"};
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

class HttpProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    origin_.server().Get("/doc", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("direct", "text/plain");
    });
    proxy_.server().Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      proxied_targets_.push_back(req.target);
      res.set_content("via proxy", "text/plain");
    });
    origin_.Start();
    proxy_.Start();
  }
  void TearDown() override {
    origin_.Stop();
    proxy_.Stop();
  }
  /// `*.localhost` resolves to loopback inside libcurl, but unlike `localhost` and
  /// 127.0.0.1 it is not exempt from proxying.
  std::string OriginUrl() const {
    return "http://aicr.localhost:" + std::to_string(origin_.port()) + "/doc";
  }
  std::string ProxyAddr() const { return "127.0.0.1:" + std::to_string(proxy_.port()); }
  std::vector<std::string> Targets() {
    std::lock_guard<std::mutex> lock(mu_);
    return proxied_targets_;
  }

  ScopedProxyEnv env_;
  LoopbackServer origin_;
  LoopbackServer proxy_;
  std::mutex mu_;
  std::vector<std::string> proxied_targets_;
};

TEST_F(HttpProxyTest, UpperCaseHttpProxyIsHonoured) {
  env_.Set("HTTP_PROXY", ProxyAddr());  // no scheme: http:// is assumed, as in Go
  EXPECT_THAT(HttpFetch(OriginUrl()), IsOkAndHolds("via proxy"));
  EXPECT_THAT(Targets(), ::testing::ElementsAre(OriginUrl()));
}

TEST_F(HttpProxyTest, LowerCaseHttpProxyIsHonoured) {
  env_.Set("http_proxy", "http://" + ProxyAddr());
  EXPECT_THAT(HttpFetch(OriginUrl()), IsOkAndHolds("via proxy"));
  EXPECT_THAT(Targets(), ::testing::ElementsAre(OriginUrl()));
}

TEST_F(HttpProxyTest, NoProxyBypassesTheProxy) {
  env_.Set("HTTP_PROXY", "http://" + ProxyAddr());
  env_.Set("NO_PROXY", "example.com, aicr.localhost");
  EXPECT_THAT(HttpFetch(OriginUrl()), IsOkAndHolds("direct"));
  EXPECT_TRUE(Targets().empty());
}

TEST_F(HttpProxyTest, LowerCaseNoProxyDomainSuffix) {
  env_.Set("http_proxy", "http://" + ProxyAddr());
  env_.Set("no_proxy", ".localhost");
  EXPECT_THAT(HttpFetch(OriginUrl()), IsOkAndHolds("direct"));
  EXPECT_TRUE(Targets().empty());
}

TEST_F(HttpProxyTest, HttpsProxyIsNotUsedForHttp) {
  env_.Set("HTTPS_PROXY", "http://" + ProxyAddr());
  EXPECT_THAT(HttpFetch(OriginUrl()), IsOkAndHolds("direct"));
  EXPECT_TRUE(Targets().empty());
}

TEST_F(HttpProxyTest, LoopbackIsNeverProxied) {
  env_.Set("HTTP_PROXY", "http://" + ProxyAddr());
  EXPECT_THAT(HttpFetch("http://127.0.0.1:" + std::to_string(origin_.port()) + "/doc"),
              IsOkAndHolds("direct"));
  EXPECT_TRUE(Targets().empty());
}

TEST_F(HttpProxyTest, ExplicitProxyConfigOverridesEnvironment) {
  env_.Set("HTTP_PROXY", "http://127.0.0.1:1");
  HttpOptions options;
  options.proxy = ProxyConfig{"http://" + ProxyAddr(), "", ""};
  EXPECT_THAT(HttpFetch(OriginUrl(), options), IsOkAndHolds("via proxy"));
}

TEST(ProxyConfigTest, FromEnvironmentPrefersUpperCase) {
  ScopedProxyEnv env;
  env.Set("HTTP_PROXY", "upper:1");
  env.Set("http_proxy", "lower:1");
  env.Set("https_proxy", "secure:2");
  env.Set("no_proxy", "internal");
  const ProxyConfig c = ProxyConfig::FromEnvironment();
  EXPECT_EQ(c.http_proxy, "upper:1");
  EXPECT_EQ(c.https_proxy, "secure:2");
  EXPECT_EQ(c.no_proxy, "internal");
}

struct ProxyCase {
  std::string no_proxy;
  std::string scheme;
  std::string host;
  int port;
  std::string want;  // proxy URL or "" for direct
};

class ProxyForTest : public ::testing::TestWithParam<ProxyCase> {};

TEST_P(ProxyForTest, Decides) {
  const ProxyCase& c = GetParam();
  const ProxyConfig config{"http://hp:3128", "https-proxy:3129", c.no_proxy};
  EXPECT_EQ(config.ProxyFor(c.scheme, c.host, c.port), c.want)
      << "no_proxy=" << c.no_proxy << " " << c.scheme << "://" << c.host << ":" << c.port;
}

INSTANTIATE_TEST_SUITE_P(
    GoRules, ProxyForTest,
    ::testing::Values(
        ProxyCase{"", "http", "example.com", 80, "http://hp:3128"},
        ProxyCase{"", "https", "example.com", 443, "http://https-proxy:3129"},
        ProxyCase{"", "ftp", "example.com", 21, ""}, ProxyCase{"", "http", "localhost", 80, ""},
        ProxyCase{"", "http", "127.0.0.1", 80, ""}, ProxyCase{"", "http", "127.9.9.9", 80, ""},
        ProxyCase{"", "http", "::1", 80, ""}, ProxyCase{"*", "http", "example.com", 80, ""},
        ProxyCase{"example.com", "http", "example.com", 80, ""},
        ProxyCase{"example.com", "http", "www.example.com", 80, ""},
        ProxyCase{"example.com", "http", "notexample.com", 80, "http://hp:3128"},
        ProxyCase{".example.com", "http", "example.com", 80, "http://hp:3128"},
        ProxyCase{".example.com", "http", "a.example.com", 80, ""},
        ProxyCase{"*.example.com", "http", "a.example.com", 80, ""},
        ProxyCase{"EXAMPLE.com", "http", "Example.COM", 80, ""},
        ProxyCase{"example.com:8080", "http", "example.com", 80, "http://hp:3128"},
        ProxyCase{"example.com:8080", "http", "example.com", 8080, ""},
        ProxyCase{"10.0.0.0/8", "http", "10.1.2.3", 80, ""},
        ProxyCase{"10.0.0.0/8", "http", "11.1.2.3", 80, "http://hp:3128"},
        ProxyCase{"192.168.1.5", "http", "192.168.1.5", 80, ""},
        ProxyCase{"192.168.1.5:81", "http", "192.168.1.5", 80, "http://hp:3128"},
        ProxyCase{"fd00::/8", "http", "fd12::1", 80, ""},
        ProxyCase{"[fd00::1]:80", "http", "fd00::1", 80, ""},
        ProxyCase{" , foo.internal ,", "https", "foo.internal", 443, ""}));

// ---- TLS ----

class HttpsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/aicr-tls-XXXXXX";
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = new std::string(templ);
    const std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout '" +
        *dir_ + "/key.pem' -out '" + *dir_ + "/cert.pem' >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  static void TearDownTestSuite() {
    if (dir_ != nullptr) {
      ::unlink((*dir_ + "/key.pem").c_str());
      ::unlink((*dir_ + "/cert.pem").c_str());
      ::rmdir(dir_->c_str());
      delete dir_;
      dir_ = nullptr;
    }
  }
  void SetUp() override {
    server_ = std::make_unique<LoopbackServer>(std::make_unique<httplib::SSLServer>(
        (*dir_ + "/cert.pem").c_str(), (*dir_ + "/key.pem").c_str()));
    ASSERT_TRUE(server_->server().is_valid());
    server_->server().Get("/ok", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("hello tls", "text/plain");
    });
    server_->Start();
    options_.proxy = ProxyConfig{};
  }
  void TearDown() override { server_->Stop(); }
  static std::string CaFile() { return *dir_ + "/cert.pem"; }

  static std::string* dir_;
  std::unique_ptr<LoopbackServer> server_;
  HttpOptions options_;
};
std::string* HttpsTest::dir_ = nullptr;

TEST_F(HttpsTest, UntrustedSelfSignedCertificateFails) {
  const std::string url = server_->Url("https", "/ok");
  EXPECT_THAT(HttpFetch(url, options_),
              StatusIs(ErrorCode::kUnavailable,
                       StartsWith("fetch \"" + url + "\": TLS certificate verification failed: ")));
}

TEST_F(HttpsTest, TrustedCaFileSucceeds) {
  options_.ca_file = CaFile();
  EXPECT_THAT(HttpFetch(server_->Url("https", "/ok"), options_), IsOkAndHolds("hello tls"));
}

TEST_F(HttpsTest, HostNameIsVerifiedEvenWithTrustedCa) {
  options_.ca_file = CaFile();
  const std::string url = "https://localhost:" + std::to_string(server_->port()) + "/ok";
  EXPECT_THAT(HttpFetch(url, options_),
              StatusIs(ErrorCode::kUnavailable,
                       StartsWith("fetch \"" + url + "\": TLS certificate verification failed: ")));
}

TEST_F(HttpsTest, MissingCaFileIsReported) {
  options_.ca_file = *dir_ + "/missing.pem";
  EXPECT_THAT(HttpFetch(server_->Url("https", "/ok"), options_),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("cannot load CA file \"" + *dir_ + "/missing.pem\"")));
}

}  // namespace
}  // namespace aicr::serialize
