// REST tests on port 0: every route, method, header and error of the v1 contract.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "serialize/yaml_reader.h"
#include "server/middleware.h"
#include "server/test_server_for_test.h"

namespace aicr::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kRecipeQuery[] = "/v1/recipe?service=eks&accelerator=h100&intent=training";

class ServerTest : public ::testing::Test {
 protected:
  static TestServer& Shared() {
    static TestServer* server = new TestServer();  // one catalogue load for the suite
    return *server;
  }
};

TEST_F(ServerTest, RootListsSortedRoutesAndCommonHeaders) {
  auto res = Shared().Client().Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const serialize::Value doc = Json(res->body);
  EXPECT_EQ(Str(doc, "service"), "aicrd");
  const serialize::Value* routes = doc.Find("routes");
  ASSERT_NE(routes, nullptr);
  std::vector<std::string> got;
  for (const serialize::Value& r : *routes->if_sequence()) {
    got.push_back(*r.if_string());
  }
  EXPECT_EQ(got, Shared().app().router().Paths());
  EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));
  EXPECT_EQ(res->get_header_value("X-API-Version"), "v1");
  EXPECT_TRUE(IsUuid(res->get_header_value("X-Request-Id")));
}

TEST_F(ServerTest, HealthAndReadiness) {
  TestServer server;
  auto health = server.Client().Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(Str(Json(health->body), "status"), "healthy");
  auto ready = server.Client().Get("/ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  EXPECT_EQ(Str(Json(ready->body), "status"), "ready");
  server.app().SetReady(false, "shutting down");
  ready = server.Client().Get("/ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  const serialize::Value doc = Json(ready->body);
  EXPECT_EQ(Str(doc, "status"), "not_ready");
  EXPECT_EQ(Str(doc, "reason"), "shutting down");
  EXPECT_NE(doc.Find("timestamp"), nullptr);
}

TEST_F(ServerTest, RecipeGetHeadAndGpuAlias) {
  auto c = Shared().Client();
  auto get = c.Get(kRecipeQuery);
  ASSERT_TRUE(get);
  ASSERT_EQ(get->status, 200) << get->body;
  const serialize::Value doc = Json(get->body);
  EXPECT_EQ(Str(doc, "apiVersion"), "aicr.run/v1");
  EXPECT_EQ(Str(doc, "criteria.accelerator"), "h100");
  EXPECT_EQ(get->get_header_value("Cache-Control"), "public, max-age=600");
  const std::string etag = get->get_header_value("ETag");
  EXPECT_EQ(etag.size(), 66U);

  auto alias = c.Get("/v1/recipe?service=eks&gpu=h100&intent=training");
  ASSERT_TRUE(alias);
  EXPECT_EQ(alias->body, get->body);

  auto head = c.Head(kRecipeQuery);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  EXPECT_EQ(head->get_header_value("ETag"), etag);
  EXPECT_EQ(head->get_header_value("Content-Length"), std::to_string(get->body.size()));
}

TEST_F(ServerTest, EtagRevalidationAnswers304) {
  auto c = Shared().Client();
  auto first = c.Get(kRecipeQuery);
  ASSERT_TRUE(first);
  const std::string etag = first->get_header_value("ETag");
  for (const std::string& inm : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    auto again = c.Get(kRecipeQuery, {{"If-None-Match", inm}});
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 304) << inm;
    EXPECT_TRUE(again->body.empty());
    EXPECT_EQ(again->get_header_value("ETag"), etag);
  }
  auto miss = c.Get(kRecipeQuery, {{"If-None-Match", "\"nope\""}});
  ASSERT_TRUE(miss);
  EXPECT_EQ(miss->status, 200);
  // A different request has a different tag.
  auto other = c.Get("/v1/recipe?service=eks&accelerator=h100&intent=inference");
  ASSERT_TRUE(other);
  EXPECT_NE(other->get_header_value("ETag"), etag);
}

// Cached answers are the bytes and tags a fresh resolution renders; GET, the
// `gpu` alias and POST share one entry; /metrics reports the hits.
TEST(ServerCacheTest, CachedAnswersMatchUncachedAndAreShared) {
  Config uncached_config = TestConfig();
  uncached_config.response_cache_bytes = 0;
  TestServer uncached(uncached_config);
  TestServer cached;
  auto u = uncached.Client();
  auto c = cached.Client();
  for (const char* path :
       {kRecipeQuery,
        "/v1/query?service=eks&accelerator=h100&intent=training&selector=components"}) {
    auto fresh = u.Get(path);
    ASSERT_TRUE(fresh);
    ASSERT_EQ(fresh->status, 200) << fresh->body;
    for (int i = 0; i < 3; ++i) {
      auto again = c.Get(path);
      ASSERT_TRUE(again);
      EXPECT_EQ(again->body, fresh->body) << path << " #" << i;
      EXPECT_EQ(again->get_header_value("ETag"), fresh->get_header_value("ETag"));
      EXPECT_EQ(again->get_header_value("Content-Type"), fresh->get_header_value("Content-Type"));
    }
  }
  auto alias = c.Get("/v1/recipe?gpu=h100&intent=training&service=eks");
  ASSERT_TRUE(alias);
  auto post = c.Post("/v1/recipe",
                     R"({"criteria":{"service":"eks","accelerator":"h100","intent":"training"}})",
                     "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 200) << post->body;
  EXPECT_EQ(post->body, alias->body);
  EXPECT_EQ(cached.app().cache().entries(), 2U);
  EXPECT_EQ(cached.app().cache().misses(), 2U);
  EXPECT_EQ(cached.app().cache().hits(), 6U);
  EXPECT_EQ(uncached.app().cache().entries(), 0U);
  auto metrics = c.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_THAT(metrics->body, HasSubstr("\naicr_response_cache_hits_total 6\n"));
  EXPECT_THAT(metrics->body, HasSubstr("\naicr_response_cache_entries 2\n"));
  // Errors are never cached.
  auto bad = c.Get("/v1/recipe?service=nope");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(cached.app().cache().entries(), 2U);
}

TEST_F(ServerTest, UnknownAndConflictingQueryParameters) {
  auto c = Shared().Client();
  auto unknown = c.Get("/v1/recipe?service=eks&colour=blue");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  serialize::Value doc = Json(unknown->body);
  EXPECT_EQ(Str(doc, "code"), "INVALID_REQUEST");
  EXPECT_THAT(Str(doc, "details.error"), HasSubstr("unknown query parameter \"colour\""));

  auto conflict = c.Get("/v1/recipe?service=eks&service=gke&intent=training");
  ASSERT_TRUE(conflict);
  EXPECT_EQ(conflict->status, 400);
  EXPECT_THAT(Str(Json(conflict->body), "details.error"), HasSubstr("conflicting values"));

  auto alias_conflict = c.Get("/v1/recipe?service=eks&accelerator=h100&gpu=gb200");
  ASSERT_TRUE(alias_conflict);
  EXPECT_EQ(alias_conflict->status, 400);

  auto same_twice = c.Get("/v1/recipe?service=eks&service=eks&accelerator=h100&intent=training");
  ASSERT_TRUE(same_twice);
  EXPECT_EQ(same_twice->status, 200);

  auto bad_escape = c.Get("/v1/recipe?service=%zz");
  ASSERT_TRUE(bad_escape);
  EXPECT_EQ(bad_escape->status, 400);
}

TEST_F(ServerTest, NoCriteriaAndUncoveredCriteria) {
  auto c = Shared().Client();
  auto none = c.Get("/v1/recipe");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 400);
  EXPECT_THAT(Str(Json(none->body), "details.error"), HasSubstr("no criteria provided"));

  auto uncovered = c.Get("/v1/recipe?service=eks&platform=slurm");
  ASSERT_TRUE(uncovered);
  EXPECT_EQ(uncovered->status, 400);
  const serialize::Value doc = Json(uncovered->body);
  EXPECT_EQ(Str(doc, "details.uncovered.0.dimension"), "platform");
  EXPECT_EQ(Str(doc, "details.uncovered.0.requestedValue"), "slurm");
  const serialize::Value* completions = doc.FindPath("details.uncovered.0.validCompletions");
  ASSERT_NE(completions, nullptr);
  EXPECT_GT(completions->size(), 0U);

  auto invalid = c.Get("/v1/recipe?service=windows");
  ASSERT_TRUE(invalid);
  EXPECT_EQ(invalid->status, 400);
  EXPECT_THAT(Str(Json(invalid->body), "details.error"), HasSubstr("windows"));
}

TEST_F(ServerTest, RecipePostJsonAndYamlMatchGet) {
  auto c = Shared().Client();
  auto get = c.Get(kRecipeQuery);
  ASSERT_TRUE(get);
  auto json = c.Post("/v1/recipe",
                     R"({"criteria":{"service":"eks","accelerator":"h100","intent":"training"}})",
                     "application/json");
  ASSERT_TRUE(json);
  EXPECT_EQ(json->status, 200) << json->body;
  EXPECT_EQ(json->body, get->body);
  auto yaml =
      c.Post("/v1/recipe", "criteria:\n  service: eks\n  accelerator: h100\n  intent: training\n",
             "application/x-yaml");
  ASSERT_TRUE(yaml);
  EXPECT_EQ(yaml->status, 200) << yaml->body;
  EXPECT_EQ(yaml->body, get->body);
}

TEST_F(ServerTest, RecipePostIsStrict) {
  auto c = Shared().Client();
  struct Case {
    std::string body;
    std::string type;
    std::string want;
  };
  for (const Case& k : {
           Case{R"({"criteria":{"service":"eks"},"extra":1})", "application/json", "unknown field"},
           Case{R"({"criteria":{"service":"eks","gpu":"h100"}})", "application/json",
                "unknown field \"criteria.gpu\""},
           Case{R"({"criteria":{"service":1}})", "application/json", "must be a string"},
           Case{"criteria:\n  service: eks\n---\ncriteria: {}\n", "application/x-yaml", "yaml"},
           Case{"service=eks", "application/x-www-form-urlencoded", "unsupported Content-Type"},
           Case{"{not json", "application/json", "request body"},
       }) {
    auto res = c.Post("/v1/recipe", k.body, k.type.c_str());
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << k.body;
    EXPECT_THAT(Str(Json(res->body), "details.error"), HasSubstr(k.want)) << k.body;
  }
  auto conflict = c.Post("/v1/recipe?profile=gpuStack=a",
                         R"({"criteria":{"service":"eks"},"profile":"x=y"})", "application/json");
  ASSERT_TRUE(conflict);
  EXPECT_EQ(conflict->status, 400);
  EXPECT_THAT(Str(Json(conflict->body), "details.error"), HasSubstr("profile conflict"));
  auto bad_param = c.Post("/v1/recipe?service=eks", "{}", "application/json");
  ASSERT_TRUE(bad_param);
  EXPECT_EQ(bad_param->status, 400);
}

TEST_F(ServerTest, OversizedBodiesAre413) {
  auto c = Shared().Client();
  const std::string big((std::size_t{1} << 20) + 1, ' ');
  auto recipe = c.Post("/v1/recipe", big, "application/json");
  ASSERT_TRUE(recipe);
  EXPECT_EQ(recipe->status, 413);
  const serialize::Value doc = Json(recipe->body);
  EXPECT_EQ(Str(doc, "code"), "INVALID_REQUEST");
  EXPECT_EQ(*doc.FindPath("details.limit")->if_int(), 1 << 20);
  auto query = c.Post("/v1/query", big, "application/json");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->status, 413);
  // The bundle route allows 8 MiB: 1 MiB + 1 passes the limit and fails as YAML.
  auto bundle_ok_size = c.Post("/v1/bundle", big, "application/x-yaml");
  ASSERT_TRUE(bundle_ok_size);
  EXPECT_EQ(bundle_ok_size->status, 400);
  auto bundle =
      c.Post("/v1/bundle", std::string((std::size_t{8} << 20) + 1, ' '), "application/json");
  ASSERT_TRUE(bundle);
  EXPECT_EQ(bundle->status, 413);
  // The connection stays usable after a rejected body.
  auto after = c.Get("/");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

TEST_F(ServerTest, VersionNegotiationFallsBackToV1) {
  auto c = Shared().Client();
  for (const char* accept : {"application/vnd.nvidia.aicr.v1+json",
                             "application/vnd.nvidia.aicr.v7+json", "text/html", "*/*"}) {
    auto res = c.Get("/", {{"Accept", accept}, {"X-API-Version", "v9"}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << accept;
    EXPECT_EQ(res->get_header_value("X-API-Version"), "v1") << accept;
  }
}

TEST_F(ServerTest, RequestIdIsKeptWhenUuidElseGenerated) {
  auto c = Shared().Client();
  const std::string id = "550e8400-e29b-41d4-a716-446655440000";
  auto kept = c.Get("/v1/recipe?colour=x", {{"X-Request-Id", id}});
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->get_header_value("X-Request-Id"), id);
  EXPECT_EQ(Str(Json(kept->body), "requestId"), id);
  auto replaced = c.Get("/", {{"X-Request-Id", "not-a-uuid"}});
  ASSERT_TRUE(replaced);
  const std::string got = replaced->get_header_value("X-Request-Id");
  EXPECT_TRUE(IsUuid(got));
  EXPECT_EQ(got[14], '4');
}

TEST_F(ServerTest, ErrorEnvelopeShapeNotFoundAndMethodNotAllowed) {
  auto c = Shared().Client();
  auto missing = c.Get("/v1/nothing");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  const serialize::Value doc = Json(missing->body);
  std::vector<std::string> keys;
  for (const auto& [k, v] : *doc.if_mapping()) {
    keys.push_back(k);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"code", "message", "details", "requestId", "timestamp",
                                            "retryable"}));
  EXPECT_EQ(Str(doc, "code"), "NOT_FOUND");
  EXPECT_EQ(Str(doc, "message"), "Route not found");
  EXPECT_EQ(Str(doc, "details.path"), "/v1/nothing");
  EXPECT_FALSE(*doc.Find("retryable")->if_bool());

  auto put = c.Put("/v1/recipe", "", "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 405);
  EXPECT_EQ(put->get_header_value("Allow"), "GET, HEAD, POST");
  EXPECT_EQ(Str(Json(put->body), "code"), "METHOD_NOT_ALLOWED");
  auto get_bundle = c.Get("/v1/bundle");
  ASSERT_TRUE(get_bundle);
  EXPECT_EQ(get_bundle->status, 405);
  EXPECT_EQ(get_bundle->get_header_value("Allow"), "POST");
  auto post_health = c.Post("/health", "", "application/json");
  ASSERT_TRUE(post_health);
  EXPECT_EQ(post_health->status, 405);
  EXPECT_EQ(post_health->get_header_value("Allow"), "GET, HEAD");
  auto del_metrics = c.Delete("/metrics");
  ASSERT_TRUE(del_metrics);
  EXPECT_EQ(del_metrics->status, 405);
}

TEST_F(ServerTest, QueryGetPostAndErrors) {
  auto c = Shared().Client();
  auto order =
      c.Get("/v1/query?service=eks&accelerator=h100&intent=training&selector=deploymentOrder");
  ASSERT_TRUE(order);
  ASSERT_EQ(order->status, 200) << order->body;
  EXPECT_TRUE(Json(order->body).is_sequence());
  EXPECT_FALSE(order->get_header_value("ETag").empty());
  auto head =
      c.Head("/v1/query?service=eks&accelerator=h100&intent=training&selector=deploymentOrder");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());

  auto post = c.Post("/v1/query",
                     "criteria:\n  service: eks\n  accelerator: h100\n  intent: training\n"
                     "selector: deploymentOrder\n",
                     "application/x-yaml");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 200) << post->body;
  EXPECT_EQ(post->body, order->body);

  auto scalar =
      c.Get("/v1/query?service=eks&accelerator=h100&intent=training&selector=criteria.service");
  ASSERT_TRUE(scalar);
  EXPECT_EQ(scalar->body, "\"eks\"\n");

  auto no_selector = c.Get("/v1/query?service=eks&accelerator=h100&intent=training");
  ASSERT_TRUE(no_selector);
  EXPECT_EQ(no_selector->status, 400);
  EXPECT_THAT(Str(Json(no_selector->body), "details.error"), HasSubstr("selector"));
  auto post_no_selector =
      c.Post("/v1/query", R"({"criteria":{"service":"eks"}})", "application/json");
  ASSERT_TRUE(post_no_selector);
  EXPECT_EQ(post_no_selector->status, 400);

  auto missing =
      c.Get("/v1/query?service=eks&accelerator=h100&intent=training&selector=components.nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(Str(Json(missing->body), "code"), "NOT_FOUND");
}

TEST_F(ServerTest, MetricsExposition) {
  TestServer server;
  auto c = server.Client();
  ASSERT_TRUE(c.Get("/v1/nothing"));
  ASSERT_TRUE(c.Get("/"));
  auto res = c.Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_THAT(res->get_header_value("Content-Type"), HasSubstr("text/plain"));
  EXPECT_THAT(res->body,
              HasSubstr("aicr_http_requests_total{method=\"GET\",path=\"/\",status=\"200\"} 1\n"));
  EXPECT_THAT(res->body, HasSubstr("aicr_http_requests_total{method=\"GET\",path=\"unmatched\","
                                   "status=\"404\"} 1\n"));
  EXPECT_THAT(res->body,
              HasSubstr("aicr_http_request_duration_seconds_count{method=\"GET\",path=\"/\"} 1"));
  EXPECT_THAT(res->body, HasSubstr("aicr_http_requests_in_flight 0\n"));
  EXPECT_THAT(res->body, HasSubstr("aicr_rate_limit_rejects_total 0\n"));
  EXPECT_THAT(res->body, HasSubstr("aicr_http_panics_recovered_total 0\n"));
  // Probes bypass the chain: they are not counted.
  EXPECT_THAT(res->body, Not(HasSubstr("path=\"/metrics\"")));
  auto head = c.Head("/metrics");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
}

TEST_F(ServerTest, RateLimitAnswers429WithHeaders) {
  Config config = TestConfig();
  config.rate_limit.rate = 1;
  config.rate_limit.burst = 2;
  TestServer server(config);
  auto c = server.Client();
  auto first = c.Get("/");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->get_header_value("X-RateLimit-Limit"), "1");
  EXPECT_EQ(first->get_header_value("X-RateLimit-Remaining"), "1");
  EXPECT_FALSE(first->get_header_value("X-RateLimit-Reset").empty());
  ASSERT_TRUE(c.Get("/"));
  auto limited = c.Get("/");
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(limited->get_header_value("Retry-After"), "1");
  EXPECT_EQ(limited->get_header_value("X-RateLimit-Remaining"), "0");
  const serialize::Value doc = Json(limited->body);
  EXPECT_EQ(Str(doc, "code"), "RATE_LIMIT_EXCEEDED");
  EXPECT_TRUE(*doc.Find("retryable")->if_bool());
  EXPECT_EQ(*doc.FindPath("details.burst")->if_int(), 2);
  // Probes are never limited.
  auto health = c.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_TRUE(health->get_header_value("X-RateLimit-Limit").empty());
  auto metrics = c.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_THAT(metrics->body, HasSubstr("aicr_rate_limit_rejects_total 1\n"));
}

TEST_F(ServerTest, AllowlistsRejectWithDetails) {
  Config config = TestConfig();
  config.allow.accelerators = {"h100", "l40"};
  config.allow.services = {"eks"};
  TestServer server(config);
  auto c = server.Client();
  auto denied = c.Get("/v1/recipe?service=eks&accelerator=gb200&intent=training");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 400);
  const serialize::Value doc = Json(denied->body);
  EXPECT_EQ(Str(doc, "code"), "INVALID_REQUEST");
  EXPECT_EQ(Str(doc, "message"), "accelerator type not allowed");
  EXPECT_EQ(Str(doc, "details.requested"), "gb200");
  EXPECT_EQ(Str(doc, "details.allowed.0"), "h100");
  EXPECT_EQ(Str(doc, "details.allowed.1"), "l40");
  auto service =
      c.Post("/v1/query", R"({"criteria":{"service":"gke"},"selector":""})", "application/json");
  ASSERT_TRUE(service);
  EXPECT_EQ(service->status, 400);
  EXPECT_EQ(Str(Json(service->body), "message"), "service type not allowed");
  auto allowed = c.Get(kRecipeQuery);
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->status, 200);
  auto any = c.Get("/v1/recipe?service=eks&accelerator=any&intent=training");
  ASSERT_TRUE(any);
  EXPECT_NE(any->status, 400) << any->body;
  auto bundle = c.Post("/v1/bundle",
                       "apiVersion: aicr.run/v1\nkind: RecipeResult\ncriteria:\n  accelerator: "
                       "gb200\n",
                       "application/x-yaml");
  ASSERT_TRUE(bundle);
  EXPECT_EQ(bundle->status, 400);
  EXPECT_EQ(Str(Json(bundle->body), "message"), "accelerator type not allowed");
}

TEST_F(ServerTest, OpenApiIsServed) {
  auto res = Shared().Client().Get("/openapi.yaml");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_THAT(res->get_header_value("Content-Type"), HasSubstr("yaml"));
  Result<serialize::Value> doc = serialize::ParseYaml(res->body);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(Str(*doc, "openapi"), "3.1.0");
}

TEST_F(ServerTest, SlowlorisHeadersAreCutOff) {
  Config config = TestConfig();
  config.read_timeout = std::chrono::seconds(1);
  TestServer server(config);
  // A raw connection that sends half a request line and stalls.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(server.port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string partial = "GET / HTTP/1.1\r\nHost: x\r\n";
  ASSERT_EQ(send(fd, partial.data(), partial.size(), 0), static_cast<ssize_t>(partial.size()));
  const auto start = std::chrono::steady_clock::now();
  char buf[256];
  const ssize_t n = recv(fd, buf, sizeof buf, 0);  // blocks until the server gives up
  const auto waited = std::chrono::steady_clock::now() - start;
  close(fd);
  EXPECT_LE(n, static_cast<ssize_t>(sizeof buf));  // closed (0) or a 4xx, never a hang
  EXPECT_GE(waited, std::chrono::milliseconds(500));
  EXPECT_LT(waited, std::chrono::seconds(5));
}

}  // namespace
}  // namespace aicr::server
