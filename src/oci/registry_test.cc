// RegistryClient, PushBundle/PullBundle and referrers against an in-test OCI registry
// (cpp-httplib) that can demand Bearer or Basic authentication, serve the referrers
// API or not, and inject failures, counting every request it receives.

#include "oci/registry.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "base/base64.h"
#include "oci/manifest.h"
#include "oci/pull.h"
#include "oci/push.h"
#include "tests/testing/status_matchers.h"

namespace aicr::oci {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

enum class AuthMode { kNone, kBearerAnonymous, kBearerBasic, kBasic };

class FakeRegistry {
 public:
  explicit FakeRegistry(AuthMode mode = AuthMode::kNone, bool referrers_api = false)
      : mode_(mode), referrers_api_(referrers_api) {
    Routes();
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 500 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  ~FakeRegistry() {
    released_ = true;
    server_.stop();
    thread_.join();
  }

  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  Reference Ref(const std::string& repo, const std::string& tag = "") const {
    return Reference{host(), repo, tag, ""};
  }

  /// The next `n` requests whose path contains `fragment` get `status`.
  void FailNext(const std::string& fragment, int status, int n) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_fragment_ = fragment;
    fail_status_ = status;
    fail_left_ = n;
  }
  /// Requests whose path contains `fragment` hang (until teardown) instead of answering.
  void HangOn(const std::string& fragment) {
    std::lock_guard<std::mutex> lock(mu_);
    hang_fragment_ = fragment;
  }
  /// Serve `bytes` for blob `digest` regardless of what was pushed.
  void CorruptBlob(const std::string& digest, const std::string& bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    blobs_[digest] = bytes;
  }
  /// Stores a manifest directly.
  void PutManifestRaw(const std::string& repo, const std::string& ref, const std::string& type,
                      const std::string& bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    manifests_[repo + "@" + DigestOf(bytes)] = {type, bytes};
    manifests_[repo + ":" + ref] = {type, bytes};
  }

  int requests(const std::string& fragment = "") const {
    std::lock_guard<std::mutex> lock(mu_);
    int n = 0;
    for (const std::string& p : paths_) {
      if (p.find(fragment) != std::string::npos) {
        ++n;
      }
    }
    return n;
  }
  bool HasTag(const std::string& repo, const std::string& tag) const {
    std::lock_guard<std::mutex> lock(mu_);
    return manifests_.count(repo + ":" + tag) > 0;
  }

 private:
  struct Stored {
    std::string type;
    std::string bytes;
  };

  std::string Challenge(const std::string& scope) const {
    if (mode_ == AuthMode::kBasic) {
      return R"(Basic realm="fake")";
    }
    return "Bearer realm=\"http://" + host() + "/token\",service=\"fake\",scope=\"" + scope + "\"";
  }

  /// Pre-handler: records the request, injects failures and checks authentication.
  httplib::Server::HandlerResponse Gate(const httplib::Request& req, httplib::Response& res) {
    std::string fail_hang;
    {
      std::lock_guard<std::mutex> lock(mu_);
      paths_.push_back(req.method + " " + req.path);
      if (fail_left_ > 0 && req.path.find(fail_fragment_) != std::string::npos) {
        --fail_left_;
        res.status = fail_status_;
        res.set_content(R"({"errors":[{"code":"INJECTED","message":"injected failure"}]})",
                        "application/json");
        return httplib::Server::HandlerResponse::Handled;
      }
      fail_hang = hang_fragment_;
    }
    if (!fail_hang.empty() && req.path.find(fail_hang) != std::string::npos) {
      for (int i = 0; i < 1000 && !released_; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      res.status = 500;
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.path == "/token" || mode_ == AuthMode::kNone) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    const std::string auth = req.get_header_value("Authorization");
    const bool push = req.method == "PUT" || req.method == "POST";
    const std::string want = mode_ == AuthMode::kBasic
                                 ? "Basic " + EncodeBase64("alice:wonderland")
                                 : std::string(push ? "Bearer push-token" : "Bearer ");
    const bool ok =
        mode_ == AuthMode::kBasic
            ? auth == want
            : (push ? auth == want : auth.rfind(want, 0) == 0 && auth.size() > want.size());
    if (!ok) {
      res.status = 401;
      res.set_header("WWW-Authenticate",
                     Challenge(push ? "repository:x:pull,push" : "repository:x:pull"));
      res.set_content(R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})",
                      "application/json");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  }

  void Routes() {
    server_.set_pre_routing_handler(
        [this](const httplib::Request& req, httplib::Response& res) { return Gate(req, res); });
    server_.Get("/token", [this](const httplib::Request& req, httplib::Response& res) {
      const std::string scope = req.get_param_value("scope");
      if (mode_ == AuthMode::kBearerBasic &&
          req.get_header_value("Authorization") != "Basic " + EncodeBase64("alice:wonderland")) {
        res.status = 401;
        return;
      }
      const bool push = scope.find("push") != std::string::npos;
      res.set_content(std::string(R"({"token":")") + (push ? "push-token" : "pull-token") + "\"}",
                      "application/json");
    });
    server_.Get("/v2/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("{}", "application/json");
    });
    server_.Get(R"(/v2/(.+)/blobs/(sha256:[0-9a-f]{64}))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  std::lock_guard<std::mutex> lock(mu_);
                  const auto it = blobs_.find(std::string(req.matches[2]));
                  if (it == blobs_.end()) {
                    res.status = 404;
                    return;
                  }
                  res.set_content(it->second, "application/octet-stream");
                });
    server_.Post(R"(/v2/(.+)/blobs/uploads/)", [](const httplib::Request& req,
                                                  httplib::Response& res) {
      res.status = 202;
      res.set_header("Location", "/v2/" + std::string(req.matches[1]) + "/blobs/uploads/u1?s=1");
    });
    server_.Put(R"(/v2/(.+)/blobs/uploads/(.+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  const std::string digest = req.get_param_value("digest");
                  if (req.get_param_value("s") != "1" || DigestOf(req.body) != digest) {
                    res.status = 400;
                    return;
                  }
                  std::lock_guard<std::mutex> lock(mu_);
                  blobs_[digest] = req.body;
                  res.status = 201;
                });
    server_.Put(R"(/v2/(.+)/manifests/(.+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  const std::string repo = req.matches[1];
                  const std::string ref = req.matches[2];
                  const std::string digest = DigestOf(req.body);
                  std::lock_guard<std::mutex> lock(mu_);
                  const Stored s{req.get_header_value("Content-Type"), req.body};
                  manifests_[repo + "@" + digest] = s;
                  if (ref.rfind("sha256:", 0) != 0) {
                    manifests_[repo + ":" + ref] = s;
                  }
                  if (referrers_api_) {
                    auto m = DecodeManifest(req.body);
                    if (m.ok() && m->subject.has_value()) {
                      Descriptor d = DescriptorFor(kMediaTypeImageManifest, req.body);
                      d.artifact_type = m->artifact_type;
                      d.annotations = m->annotations;
                      referrers_[m->subject->digest].manifests.push_back(d);
                      res.set_header("OCI-Subject", m->subject->digest);
                    }
                  }
                  res.set_header("Docker-Content-Digest", digest);
                  res.status = 201;
                });
    server_.Get(
        R"(/v2/(.+)/manifests/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
          const std::string repo = req.matches[1];
          const std::string ref = req.matches[2];
          std::lock_guard<std::mutex> lock(mu_);
          const auto it = manifests_.find(repo + (ref.rfind("sha256:", 0) == 0 ? "@" : ":") + ref);
          if (it == manifests_.end()) {
            res.status = 404;
            res.set_content(R"({"errors":[{"code":"MANIFEST_UNKNOWN"}]})", "application/json");
            return;
          }
          res.set_header("Docker-Content-Digest", DigestOf(it->second.bytes));
          res.set_content(it->second.bytes, it->second.type);
        });
    server_.Get(R"(/v2/(.+)/referrers/(sha256:[0-9a-f]{64}))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  if (!referrers_api_) {
                    res.status = 404;
                    return;
                  }
                  std::lock_guard<std::mutex> lock(mu_);
                  res.set_content(EncodeIndex(referrers_[std::string(req.matches[2])]),
                                  std::string(kMediaTypeImageIndex));
                });
    server_.Get(R"(/v2/(.+)/tags/list)", [this](const httplib::Request& req,
                                                httplib::Response& res) {
      const std::string repo = req.matches[1];
      std::lock_guard<std::mutex> lock(mu_);
      std::string tags;
      for (const auto& [k, v] : manifests_) {
        if (k.rfind(repo + ":", 0) == 0) {
          tags += (tags.empty() ? "\"" : ",\"") + k.substr(repo.size() + 1) + "\"";
        }
      }
      res.set_content("{\"name\":\"" + repo + "\",\"tags\":[" + tags + "]}", "application/json");
    });
  }

  AuthMode mode_;
  bool referrers_api_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<bool> released_{false};
  mutable std::mutex mu_;
  std::vector<std::string> paths_;
  std::map<std::string, std::string> blobs_;
  std::map<std::string, Stored> manifests_;
  std::map<std::string, Index> referrers_;
  std::string fail_fragment_;
  int fail_status_ = 0;
  int fail_left_ = 0;
  std::string hang_fragment_;
};

RegistryOptions Fast() {
  RegistryOptions o;
  o.plain_http = true;
  o.initial_backoff = std::chrono::milliseconds(1);
  o.docker_config = "/nonexistent/config.json";
  o.per_attempt_timeout = std::chrono::milliseconds(10000);
  return o;
}

std::vector<BundleFile> Files() {
  return {{"checksums.txt", "abc  recipe.yaml\n", false},
          {"recipe.yaml", "kind: Recipe\n", false},
          {"deploy.sh", "#!/bin/sh\n", true},
          {"gpu-operator/values.yaml", "driver:\n  enabled: true\n", false}};
}

// ---- retry policy ----

TEST(RetryPolicyTest, RetryableStatuses) {
  EXPECT_TRUE(IsRetryableHttpStatus(500));
  EXPECT_TRUE(IsRetryableHttpStatus(503));
  EXPECT_TRUE(IsRetryableHttpStatus(429));
  EXPECT_FALSE(IsRetryableHttpStatus(400));
  EXPECT_FALSE(IsRetryableHttpStatus(401));
  EXPECT_FALSE(IsRetryableHttpStatus(403));
  EXPECT_FALSE(IsRetryableHttpStatus(404));
  EXPECT_FALSE(IsRetryableHttpStatus(200));
}

TEST(RetryPolicyTest, BackoffDoublesWithBoundedJitter) {
  using std::chrono::milliseconds;
  EXPECT_EQ(BackoffDelay(milliseconds(500), 1, 0.0), milliseconds(500));
  EXPECT_EQ(BackoffDelay(milliseconds(500), 2, 0.0), milliseconds(1000));
  EXPECT_EQ(BackoffDelay(milliseconds(500), 3, 0.0), milliseconds(2000));
  EXPECT_EQ(BackoffDelay(milliseconds(500), 3, 0.25), milliseconds(2500));
  EXPECT_EQ(BackoffDelay(milliseconds(500), 3, -0.25), milliseconds(1500));
  EXPECT_EQ(BackoffDelay(milliseconds(500), 3, 0.9), milliseconds(2500)) << "jitter clamped";
  EXPECT_EQ(BackoffDelay(milliseconds(500), 40, 0.0), milliseconds(30000)) << "capped";
}

TEST(RegistryClientTest, RetriesOn503ThenSucceeds) {
  FakeRegistry reg;
  reg.FailNext("/blobs/", 503, 2);
  RegistryClient c(reg.Ref("a/b"), Fast());
  auto exists = c.BlobExists(DigestOf("x"));
  ASSERT_THAT(exists, IsOk());
  EXPECT_FALSE(*exists);
  EXPECT_EQ(reg.requests("/blobs/"), 3);
}

TEST(RegistryClientTest, RetriesOn429) {
  FakeRegistry reg;
  reg.FailNext("/manifests/", 429, 1);
  reg.PutManifestRaw("a/b", "t", std::string(kMediaTypeImageManifest), "{}");
  RegistryClient c(reg.Ref("a/b"), Fast());
  auto m = c.GetManifest("t", 1024);
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(m->bytes, "{}");
  EXPECT_EQ(reg.requests("/manifests/"), 2);
}

TEST(RegistryClientTest, NeverRetries403) {
  FakeRegistry reg;
  reg.FailNext("/manifests/", 403, 10);
  RegistryClient c(reg.Ref("a/b"), Fast());
  EXPECT_THAT(c.GetManifest("t", 1024),
              StatusIs(ErrorCode::kUnauthorized,
                       AllOf(HasSubstr("HTTP 403"), HasSubstr("registry \"" + reg.host() + "\""),
                             HasSubstr("repository \"a/b\""), HasSubstr("injected failure"))));
  EXPECT_EQ(reg.requests("/manifests/"), 1);
}

TEST(RegistryClientTest, NeverRetriesOther4xx) {
  FakeRegistry reg;
  reg.FailNext("/manifests/", 400, 10);
  RegistryClient c(reg.Ref("a/b"), Fast());
  EXPECT_THAT(c.GetManifest("t", 1024),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("HTTP 400")));
  EXPECT_EQ(reg.requests("/manifests/"), 1);
  reg.FailNext("", 0, 0);
  EXPECT_THAT(c.GetManifest("missing", 1024),
              StatusIs(ErrorCode::kNotFound, HasSubstr("HTTP 404")));
  EXPECT_EQ(reg.requests("/manifests/"), 2);
}

TEST(RegistryClientTest, GivesUpAfterMaxAttempts) {
  FakeRegistry reg;
  reg.FailNext("/manifests/", 503, 100);
  RegistryOptions o = Fast();
  o.max_attempts = 3;
  RegistryClient c(reg.Ref("a/b"), o);
  EXPECT_THAT(c.GetManifest("t", 1024), StatusIs(ErrorCode::kUnavailable, HasSubstr("HTTP 503")));
  EXPECT_EQ(reg.requests("/manifests/"), 3);
  reg.FailNext("/manifests/", 429, 100);
  EXPECT_THAT(c.GetManifest("t", 1024), StatusIs(ErrorCode::kRateLimitExceeded, HasSubstr("429")));
  EXPECT_EQ(reg.requests("/manifests/"), 6);
}

TEST(RegistryClientTest, PerAttemptTimeoutIsRetriedThenTimeout) {
  FakeRegistry reg;
  reg.HangOn("/manifests/");
  RegistryOptions o = Fast();
  o.per_attempt_timeout = std::chrono::milliseconds(200);
  o.max_attempts = 2;
  RegistryClient c(reg.Ref("a/b"), o);
  EXPECT_THAT(c.GetManifest("t", 1024), StatusIs(ErrorCode::kTimeout, HasSubstr("timed out")));
  EXPECT_EQ(c.request_count(), 2u);
}

TEST(RegistryClientTest, ConnectionRefusedIsUnavailable) {
  // A port that was just free: bound, read back, closed again, never listened on.
  int port = 0;
  {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    socklen_t len = sizeof(addr);
    ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port = ntohs(addr.sin_port);
    close(fd);
  }
  RegistryOptions o = Fast();
  o.max_attempts = 2;
  RegistryClient c(Reference{"127.0.0.1:" + std::to_string(port), "a", "", ""}, o);
  EXPECT_THAT(c.BlobExists(DigestOf("x")),
              StatusIs(ErrorCode::kUnavailable, HasSubstr("after 2 attempts")));
  EXPECT_EQ(c.request_count(), 2u);
}

TEST(RegistryClientTest, CanceledBeforeStartSendsNothing) {
  FakeRegistry reg;
  CancelToken token;
  token.Cancel();
  RegistryOptions o = Fast();
  o.cancel = &token;
  RegistryClient c(reg.Ref("a/b"), o);
  EXPECT_THAT(c.BlobExists(DigestOf("x")), StatusIs(ErrorCode::kCanceled, HasSubstr("canceled")));
  EXPECT_EQ(reg.requests(), 0);
}

TEST(RegistryClientTest, ResponseCapIsEnforced) {
  FakeRegistry reg;
  reg.PutManifestRaw("a/b", "big", std::string(kMediaTypeImageManifest), std::string(5000, ' '));
  RegistryClient c(reg.Ref("a/b"), Fast());
  EXPECT_THAT(c.GetManifest("big", 1000),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("exceeds 1000 bytes")));
}

// ---- authentication ----

class TempConfig {
 public:
  explicit TempConfig(const std::string& json) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "aicr-oci-reg-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
    path_ = dir_ + "/config.json";
    std::ofstream(path_) << json;
  }
  ~TempConfig() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string dir_;
  std::string path_;
};

TEST(RegistryAuthTest, AnonymousBearerTokenFlow) {
  FakeRegistry reg(AuthMode::kBearerAnonymous);
  auto pushed = PushBundle(reg.Ref("team/bundle", "v1"), Files(), "v1.0.0", Fast());
  ASSERT_THAT(pushed, IsOk());
  EXPECT_GE(reg.requests("/token"), 1);
  EXPECT_TRUE(reg.HasTag("team/bundle", "v1"));
}

TEST(RegistryAuthTest, BearerWithBasicCredentialsFromDockerConfig) {
  FakeRegistry reg(AuthMode::kBearerBasic);
  TempConfig cfg(R"({"auths":{")" + reg.host() + R"(":{"auth":")" +
                 EncodeBase64("alice:wonderland") + R"("}}})");
  RegistryOptions o = Fast();
  o.docker_config = cfg.path();
  auto pushed = PushBundle(reg.Ref("team/bundle", "v1"), Files(), "v1.0.0", o);
  ASSERT_THAT(pushed, IsOk());
  auto pulled = PullBundle(pushed->pinned, PullLimits{}, o);
  ASSERT_THAT(pulled, IsOk());
  EXPECT_EQ(pulled->files.size(), Files().size());

  // Without credentials the token endpoint refuses: UNAUTHORIZED, naming the registry.
  EXPECT_THAT(PushBundle(reg.Ref("team/bundle", "v2"), Files(), "v1.0.0", Fast()),
              StatusIs(ErrorCode::kUnauthorized,
                       AllOf(HasSubstr(reg.host()), HasSubstr("no credentials found"))));
}

TEST(RegistryAuthTest, BasicChallenge) {
  FakeRegistry reg(AuthMode::kBasic);
  TempConfig cfg(R"({"auths":{")" + reg.host() +
                 R"(":{"username":"alice","password":"wonderland"}}})");
  RegistryOptions o = Fast();
  o.docker_config = cfg.path();
  auto pushed = PushBundle(reg.Ref("b", "t"), Files(), "v", o);
  ASSERT_THAT(pushed, IsOk());
  EXPECT_EQ(reg.requests("/token"), 0);

  TempConfig wrong(R"({"auths":{")" + reg.host() + R"(":{"username":"alice","password":"x"}}})");
  o.docker_config = wrong.path();
  EXPECT_THAT(PushBundle(reg.Ref("b", "t2"), Files(), "v", o),
              StatusIs(ErrorCode::kUnauthorized, HasSubstr("credentials rejected")));
  EXPECT_THAT(PushBundle(reg.Ref("b", "t3"), Files(), "v", Fast()),
              StatusIs(ErrorCode::kUnauthorized, HasSubstr("no credentials")));
}

// ---- push, pull, referrers ----

TEST(RegistryPushPullTest, PushThenPullByTagAndDigest) {
  FakeRegistry reg;
  auto pushed = PushBundle(reg.Ref("team/bundle", "v1"), Files(), "v1.0.0", Fast());
  ASSERT_THAT(pushed, IsOk());
  EXPECT_EQ(pushed->tag, "v1");
  EXPECT_EQ(pushed->pinned.digest, pushed->digest);
  EXPECT_EQ(pushed->pinned.tag, "");

  auto by_tag = PullBundle(reg.Ref("team/bundle", "v1"), PullLimits{}, Fast());
  ASSERT_THAT(by_tag, IsOk());
  EXPECT_EQ(by_tag->manifest_digest, pushed->digest);
  EXPECT_EQ(by_tag->pinned.digest, pushed->digest) << "a tag pull still returns a pinned ref";
  EXPECT_EQ(by_tag->pinned.tag, "");
  ASSERT_EQ(by_tag->files.size(), 4u);
  EXPECT_EQ(by_tag->files[0].path, "checksums.txt");
  EXPECT_EQ(by_tag->files[1].path, "deploy.sh");
  EXPECT_TRUE(by_tag->files[1].executable);
  EXPECT_EQ(by_tag->files[2].bytes, "driver:\n  enabled: true\n");

  // A second push of the same files uploads no blob again.
  const int uploads = reg.requests("/blobs/uploads/");
  auto again = PushBundle(reg.Ref("team/bundle", "v1"), Files(), "v1.0.0", Fast());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->digest, pushed->digest);
  EXPECT_EQ(reg.requests("/blobs/uploads/"), uploads);

  RegistryClient c(reg.Ref("team/bundle"), Fast());
  auto tags = c.ListTags();
  ASSERT_THAT(tags, IsOk());
  EXPECT_THAT(*tags, ::testing::ElementsAre("v1"));
  auto head = c.HeadManifest("v1");
  ASSERT_THAT(head, IsOk());
  EXPECT_EQ(head->digest, pushed->digest);
}

TEST(RegistryPushPullTest, PullRejectsTamperedOrUnexpectedArtifacts) {
  FakeRegistry reg;
  auto pushed = PushBundle(reg.Ref("x", "v1"), Files(), "v", Fast());
  ASSERT_THAT(pushed, IsOk());
  auto artifact = BuildBundleArtifact(Files(), "v");
  ASSERT_THAT(artifact, IsOk());

  // Two layers.
  Manifest two;
  two.config = DescriptorFor(kMediaTypeEmptyJson, kEmptyJson);
  two.layers = {DescriptorFor(kMediaTypeImageLayerGzip, artifact->layer),
                DescriptorFor(kMediaTypeImageLayerGzip, artifact->layer)};
  reg.PutManifestRaw("x", "two", std::string(kMediaTypeImageManifest), EncodeManifest(two));
  EXPECT_THAT(PullBundle(reg.Ref("x", "two"), PullLimits{}, Fast()),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("exactly one layer, got 2")));

  // An index instead of a manifest.
  reg.PutManifestRaw("x", "idx", std::string(kMediaTypeImageIndex), EncodeIndex(Index{}));
  EXPECT_THAT(PullBundle(reg.Ref("x", "idx"), PullLimits{}, Fast()),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("unsupported manifest media type")));

  // Layer over the limit.
  PullLimits small;
  small.max_layer_bytes = 10;
  EXPECT_THAT(PullBundle(reg.Ref("x", "v1"), small, Fast()),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("layer size")));

  // Wrong digest requested.
  Reference wrong = pushed->pinned;
  wrong.digest = DigestOf("other");
  EXPECT_THAT(PullBundle(wrong, PullLimits{}, Fast()),
              StatusIs(ErrorCode::kNotFound, HasSubstr("404")));

  // Blob content replaced behind the digest.
  const std::string layer_digest = DigestOf(artifact->layer);
  reg.CorruptBlob(layer_digest, std::string(artifact->layer.size(), 'z'));
  EXPECT_THAT(PullBundle(pushed->pinned, PullLimits{}, Fast()),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("does not match its digest")));
}

TEST(RegistryReferrersTest, TagSchemaFallbackWithoutReferrersApi) {
  FakeRegistry reg(AuthMode::kNone, /*referrers_api=*/false);
  auto pushed = PushBundle(reg.Ref("x", "v1"), Files(), "v", Fast());
  ASSERT_THAT(pushed, IsOk());
  auto sig1 = PushReferrer(reg.Ref("x"), *pushed, kMediaTypeSigstoreBundle, "{\"sig\":1}", Fast());
  ASSERT_THAT(sig1, IsOk());
  auto sig2 = PushReferrer(reg.Ref("x"), *pushed, "application/vnd.example+json", "{}", Fast());
  ASSERT_THAT(sig2, IsOk());
  EXPECT_TRUE(reg.HasTag("x", "sha256-" + pushed->digest.substr(7)));
  EXPECT_TRUE(reg.HasTag("x", sig1->digest.substr(7))) << "tagged with its own digest hex";

  auto all = ListReferrers(pushed->pinned, "", Fast());
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(all->size(), 2u);
  auto sigs = ListReferrers(pushed->pinned, kMediaTypeSigstoreBundle, Fast());
  ASSERT_THAT(sigs, IsOk());
  ASSERT_EQ(sigs->size(), 1u);
  EXPECT_EQ((*sigs)[0].digest, sig1->digest);
  EXPECT_EQ((*sigs)[0].artifact_type, kMediaTypeSigstoreBundle);
  auto blob = FetchReferrerBlob(reg.Ref("x"), (*sigs)[0], 1024, Fast());
  ASSERT_THAT(blob, IsOk());
  EXPECT_EQ(*blob, "{\"sig\":1}");

  // Pushing the same referrer again does not duplicate the index entry.
  ASSERT_THAT(PushReferrer(reg.Ref("x"), *pushed, kMediaTypeSigstoreBundle, "{\"sig\":1}", Fast()),
              IsOk());
  auto again = ListReferrers(pushed->pinned, "", Fast());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->size(), 2u);

  // The referrer manifest itself points at the subject.
  RegistryClient c(reg.Ref("x"), Fast());
  auto m = c.GetManifest(sig1->digest, 4096);
  ASSERT_THAT(m, IsOk());
  auto decoded = DecodeManifest(m->bytes);
  ASSERT_THAT(decoded, IsOk());
  ASSERT_TRUE(decoded->subject.has_value());
  EXPECT_EQ(decoded->subject->digest, pushed->digest);
  EXPECT_EQ(decoded->subject->size, pushed->size);
  EXPECT_EQ(decoded->artifact_type, kMediaTypeSigstoreBundle);
  EXPECT_EQ(decoded->annotations.at(std::string(kAnnotationVendor)), "NVIDIA");
}

TEST(RegistryReferrersTest, ReferrersApiWhenAvailable) {
  FakeRegistry reg(AuthMode::kNone, /*referrers_api=*/true);
  auto pushed = PushBundle(reg.Ref("x", "v1"), Files(), "v", Fast());
  ASSERT_THAT(pushed, IsOk());
  auto sig = PushReferrer(reg.Ref("x"), *pushed, kMediaTypeSigstoreBundle, "sig", Fast());
  ASSERT_THAT(sig, IsOk());
  EXPECT_FALSE(reg.HasTag("x", "sha256-" + pushed->digest.substr(7)))
      << "no fallback index when the registry indexes subjects itself";
  auto found = ListReferrers(pushed->pinned, kMediaTypeSigstoreBundle, Fast());
  ASSERT_THAT(found, IsOk());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].digest, sig->digest);
  EXPECT_GE(reg.requests("/referrers/"), 1);
}

TEST(RegistryReferrersTest, ListNeedsADigest) {
  EXPECT_THAT(ListReferrers(Reference{"r.io", "x", "v1", ""}, "", Fast()),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("pinned by digest")));
}

}  // namespace
}  // namespace aicr::oci
