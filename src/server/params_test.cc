#include "server/params.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/config.h"

namespace aicr::server {
namespace {

using ::testing::HasSubstr;

std::vector<QueryParam> Q(std::string_view raw) {
  Result<std::vector<QueryParam>> q = ParseQueryString(raw);
  EXPECT_TRUE(q.ok()) << q.status().ToString();
  return q.ok() ? *q : std::vector<QueryParam>{};
}

TEST(ParseQueryStringTest, DecodesAndSkipsEmptySegments) {
  const std::vector<QueryParam> q = Q("a=1&&b=x+y%2Fz&c&d=%3D%26");
  ASSERT_EQ(q.size(), 4U);
  EXPECT_EQ(q[0].name, "a");
  EXPECT_EQ(q[0].value, "1");
  EXPECT_EQ(q[1].value, "x y/z");
  EXPECT_EQ(q[2].name, "c");
  EXPECT_EQ(q[2].value, "");
  EXPECT_EQ(q[3].value, "=&");
  EXPECT_TRUE(Q("").empty());
}

TEST(ParseQueryStringTest, RejectsMalformedEscapesNulAndEmptyNames) {
  for (const char* raw : {"a=%", "a=%4", "a=%zz", "a=%00", "=v", "%=1"}) {
    EXPECT_FALSE(ParseQueryString(raw).ok()) << raw;
  }
}

TEST(ParamsTest, UnknownConflictingAliasAndRepeatable) {
  Result<Params> unknown = Params::Make(Q("service=eks&foo=1"), RecipeParamSpecs());
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(), HasSubstr("unknown query parameter \"foo\""));

  Result<Params> conflict = Params::Make(Q("gpu=h100&accelerator=l40"), RecipeParamSpecs());
  ASSERT_FALSE(conflict.ok());
  EXPECT_THAT(conflict.status().message(), HasSubstr("\"accelerator\": \"h100\" and \"l40\""));

  Result<Params> alias = Params::Make(Q("gpu=h100&accelerator=h100"), RecipeParamSpecs());
  ASSERT_TRUE(alias.ok());
  EXPECT_EQ(alias->Get("accelerator"), "h100");

  Result<Params> lists = Params::Make(Q("set=a:b=1&set=a:c=2&deployer=helm"), BundleParamSpecs());
  ASSERT_TRUE(lists.ok());
  EXPECT_EQ(lists->GetAll("set"), (std::vector<std::string>{"a:b=1", "a:c=2"}));
  EXPECT_FALSE(Params::Make(Q("deployer=helm&deployer=flux"), BundleParamSpecs()).ok());
}

TEST(ParamsTest, RecipeRequestFromParams) {
  Result<Params> p =
      Params::Make(Q("service=eks&gpu=h100&nodes=8&profile=a=b&os="), RecipeParamSpecs());
  ASSERT_TRUE(p.ok());
  Result<client::RecipeRequest> r = RecipeRequestFromParams(*p);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->criteria.service, "eks");
  EXPECT_EQ(r->criteria.accelerator, "h100");
  EXPECT_EQ(r->criteria.nodes, 8);
  EXPECT_FALSE(r->criteria.os.has_value());
  EXPECT_EQ(r->profile, "a=b");
  for (const char* bad : {"nodes=-1", "nodes=x", "nodes=100001", "slurmAccountingMode=x"}) {
    Result<Params> q = Params::Make(Q(bad), RecipeParamSpecs());
    ASSERT_TRUE(q.ok());
    EXPECT_FALSE(RecipeRequestFromParams(*q).ok()) << bad;
  }
}

TEST(EnvelopeTest, StrictFields) {
  Result<serialize::Value> doc = ParseBody(
      R"({"criteria":{"service":"eks","nodes":4,"os":null},"profile":"p=q","selector":"a.b"})",
      "application/json; charset=utf-8");
  ASSERT_TRUE(doc.ok());
  Result<RecipeEnvelope> env = EnvelopeFromValue(*doc, true);
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  EXPECT_EQ(env->request.criteria.service, "eks");
  EXPECT_EQ(env->request.criteria.nodes, 4);
  EXPECT_EQ(env->request.profile, "p=q");
  EXPECT_EQ(env->selector, "a.b");
  // A recipe envelope has no selector.
  EXPECT_FALSE(EnvelopeFromValue(*doc, false).ok());
  for (const char* bad : {R"([1])", R"({"criteria":[]})", R"({"criteria":{"nodes":"4"}})",
                          R"({"criteria":{"nodes":-4}})", R"({"profile":3})"}) {
    Result<serialize::Value> v = ParseBody(bad, "application/json");
    ASSERT_TRUE(v.ok()) << bad;
    EXPECT_FALSE(EnvelopeFromValue(*v, false).ok()) << bad;
  }
}

TEST(EnvelopeTest, MediaTypes) {
  EXPECT_EQ(MediaType(" Application/X-YAML ; charset=utf-8"), "application/x-yaml");
  EXPECT_TRUE(ParseBody("a: 1\n", "application/yaml").ok());
  EXPECT_TRUE(ParseBody("{}", "").ok());
  EXPECT_FALSE(ParseBody("a: 1\n", "application/json").ok());
  EXPECT_FALSE(ParseBody("{}", "text/plain").ok());
}

TEST(BundleOptionsTest, FromParams) {
  Result<Params> p = Params::Make(
      Q("deployer=argocd&repo=https://g/r&set=gpuoperator:driver.version=1&serial=true&"
        "readiness-hooks=0&nodes=3&bundlers=a,+b,,c&accelerated-node-selector=k=v"),
      BundleParamSpecs());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  Result<bundler::BundleOptions> o = BundleOptionsFromParams(*p);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->deployer, "argocd");
  EXPECT_EQ(o->repo, "https://g/r");
  EXPECT_TRUE(o->serial);
  EXPECT_FALSE(o->readiness_hooks);
  EXPECT_EQ(o->nodes, 3);
  EXPECT_EQ(o->bundlers, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(o->accelerated_node_selectors, (std::vector<std::string>{"k=v"}));
  for (const char* bad : {"deployer=kustomize", "serial=yes", "attest=true", "vendor-charts=1",
                          "repo=", "nodes=-2"}) {
    Result<Params> q = Params::Make(Q(bad), BundleParamSpecs());
    ASSERT_TRUE(q.ok()) << bad;
    EXPECT_FALSE(BundleOptionsFromParams(*q).ok()) << bad;
  }
}

TEST(ConfigTest, DefaultsAndOverrides) {
  auto env_of = [](std::map<std::string, std::string> m) -> EnvLookup {
    return [m](std::string_view name) -> std::optional<std::string> {
      const auto it = m.find(std::string(name));
      return it == m.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
  };
  Result<Config> d = ConfigFromEnv(env_of({}));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->port, 8080);
  EXPECT_EQ(d->shutdown_timeout, std::chrono::seconds(30));
  EXPECT_EQ(d->rate_limit.rate, 100);
  EXPECT_EQ(d->rate_limit.burst, 200);
  EXPECT_EQ(d->rate_limit.per_client_rate, 0);
  EXPECT_EQ(d->response_cache_bytes, std::size_t{16} << 20);
  Result<Config> c = ConfigFromEnv(env_of({{"PORT", "9000"},
                                           {"AICR_SERVER_ADDRESS", "127.0.0.1"},
                                           {"SHUTDOWN_TIMEOUT_SECONDS", "5"},
                                           {"AICR_LOG_LEVEL", "DEBUG"},
                                           {"AICR_ALLOWED_ACCELERATORS", " H100, l40 ,,"},
                                           {"AICR_RATE_LIMIT", "0"},
                                           {"AICR_RATE_LIMIT_PER_CLIENT", "10"},
                                           {"AICR_RESPONSE_CACHE_MB", "0"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->port, 9000);
  EXPECT_EQ(c->address, "127.0.0.1");
  EXPECT_EQ(c->shutdown_timeout, std::chrono::seconds(5));
  EXPECT_EQ(c->log_level, log::Level::kDebug);
  EXPECT_EQ(c->allow.accelerators, (std::vector<std::string>{"h100", "l40"}));
  EXPECT_EQ(c->rate_limit.rate, 0);
  EXPECT_EQ(c->rate_limit.per_client_burst, 20);
  EXPECT_EQ(c->response_cache_bytes, 0U);
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"PORT", "http"},
                                                        {"PORT", "70000"},
                                                        {"SHUTDOWN_TIMEOUT_SECONDS", "-1"},
                                                        {"AICR_LOG_LEVEL", "loud"},
                                                        {"AICR_RATE_LIMIT", "-3"},
                                                        {"AICR_RATE_BURST", "0"},
                                                        {"AICR_RESPONSE_CACHE_MB", "-1"}}) {
    Result<Config> bad = ConfigFromEnv(env_of({{name, value}}));
    ASSERT_FALSE(bad.ok()) << name << "=" << value;
    EXPECT_THAT(bad.status().message(), HasSubstr(name));
  }
}

}  // namespace
}  // namespace aicr::server
