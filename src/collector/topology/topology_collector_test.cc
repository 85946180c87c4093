#include "collector/topology/topology_collector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "k8s/rest_config.h"
#include "tests/k8s-apiserver/test_apiserver.h"
#include "tests/testing/status_matchers.h"

namespace aicr::collector {
namespace {

using ::aicr::testing::TestApiServer;
using ::aicr::testing::TestApiServerOptions;
using measurement::Item;
using measurement::Reading;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

// Three nodes: a label with one value (gpu.present), a label with two values
// (gpu.product), a taint key with one effect and one with two effects.
constexpr const char* kSeed = R"(
apiVersion: v1
kind: Node
metadata:
  name: gpu-b
  labels: {nvidia.com/gpu.present: "true", nvidia.com/gpu.product: H100}
spec:
  taints:
  - {key: nvidia.com/gpu, value: present, effect: NoSchedule}
  - {key: dedicated, value: gpu, effect: NoExecute}
---
apiVersion: v1
kind: Node
metadata:
  name: gpu-a
  labels: {nvidia.com/gpu.present: "true", nvidia.com/gpu.product: H100}
spec:
  taints:
  - {key: nvidia.com/gpu, value: present, effect: NoSchedule}
  - {key: dedicated, value: gpu, effect: NoSchedule}
---
apiVersion: v1
kind: Node
metadata:
  name: gpu-c
  labels: {nvidia.com/gpu.present: "true", nvidia.com/gpu.product: A100}
)";

std::shared_ptr<const k8s::Client> Connect(const TestApiServer& server) {
  k8s::RestConfig config;
  config.server = server.url();
  auto client = k8s::Client::Connect(config);
  EXPECT_THAT(client, IsOk());
  if (!client.ok()) return nullptr;
  return std::make_shared<const k8s::Client>(std::move(client).value());
}

EnvLookup FakeEnv(std::optional<std::string> max) {
  return [max](std::string_view name) -> std::optional<std::string> {
    if (name == "AICR_MAX_NODES_PER_ENTRY") return max;
    return std::nullopt;
  };
}

TEST(TopologyUnitTest, MaxNodesFromEnv) {
  EXPECT_EQ(MaxNodesPerEntryFromEnv(FakeEnv(std::nullopt)), 0);
  EXPECT_EQ(MaxNodesPerEntryFromEnv(FakeEnv("3")), 3);
  EXPECT_EQ(MaxNodesPerEntryFromEnv(FakeEnv(" 7 ")), 7);
  EXPECT_EQ(MaxNodesPerEntryFromEnv(FakeEnv("x")), 0);
  EXPECT_EQ(MaxNodesPerEntryFromEnv(FakeEnv("3x")), 0);
  EXPECT_EQ(MaxNodesPerEntryFromEnv(FakeEnv("-2")), 0);
  EXPECT_EQ(MaxNodesPerEntryFromEnv(FakeEnv("")), 0);
}

TEST(TopologyUnitTest, JoinNodeList) {
  EXPECT_EQ(JoinNodeList({"a", "b", "c"}, 0), "a,b,c");
  EXPECT_EQ(JoinNodeList({"a", "b", "c"}, 3), "a,b,c");
  EXPECT_EQ(JoinNodeList({"a", "b", "c", "d"}, 2), "a,b (+2 more)");
  EXPECT_EQ(JoinNodeList({}, 2), "");
}

TEST(TopologyUnitTest, NoClientGivesSummaryZeros) {
  TopologyCollector collector(nullptr);
  EXPECT_EQ(collector.name(), "topology");
  EXPECT_EQ(collector.type(), "NodeTopology");
  EXPECT_EQ(collector.timeout(), std::chrono::seconds(90));
  auto got = collector.Collect({});
  ASSERT_THAT(got, IsOk());
  ASSERT_EQ(got->measurement->subtypes.size(), 1u);
  EXPECT_EQ(got->measurement->type, "NodeTopology");
  EXPECT_EQ(got->measurement->subtypes[0].name, "summary");
  EXPECT_THAT(got->measurement->subtypes[0].data,
              ElementsAre(Pair("label-count", Reading::Int(0)), Pair("node-count", Reading::Int(0)),
                          Pair("taint-count", Reading::Int(0))));
}

TEST(TopologyCollectorTest, EncodesLabelsAndTaints) {
  TestApiServerOptions o;
  o.seeds = {kSeed};
  auto server = TestApiServer::Start(o);
  ASSERT_NE(server, nullptr);
  TopologyCollector collector(Connect(*server));
  CollectContext ctx;
  ctx.env = FakeEnv(std::nullopt);
  auto got = collector.Collect(ctx);
  ASSERT_THAT(got, IsOk());
  const measurement::Measurement& m = *got->measurement;
  ASSERT_EQ(m.subtypes.size(), 3u);
  EXPECT_EQ(m.subtypes[0].name, "summary");
  EXPECT_EQ(m.subtypes[1].name, "taint");
  EXPECT_EQ(m.subtypes[2].name, "label");
  EXPECT_THAT(m.subtypes[0].data,
              ElementsAre(Pair("label-count", Reading::Int(3)), Pair("node-count", Reading::Int(3)),
                          Pair("taint-count", Reading::Int(3))));
  EXPECT_THAT(m.subtypes[1].data,
              ElementsAre(Pair("dedicated.NoExecute", Reading::Str("gpu|gpu-b")),
                          Pair("dedicated.NoSchedule", Reading::Str("gpu|gpu-a")),
                          Pair("nvidia.com/gpu", Reading::Str("NoSchedule|present|gpu-a,gpu-b"))));
  EXPECT_THAT(m.subtypes[2].data,
              ElementsAre(Pair("nvidia.com/gpu.present", Reading::Str("true|gpu-a,gpu-b,gpu-c")),
                          Pair("nvidia.com/gpu.product.A100", Reading::Str("A100|gpu-c")),
                          Pair("nvidia.com/gpu.product.H100", Reading::Str("H100|gpu-a,gpu-b"))));
  ASSERT_EQ(m.subtypes[1].items.size(), 3u);
  const Item& first_taint = m.subtypes[1].items[0];
  EXPECT_THAT(first_taint.context, ElementsAre(Pair("effect", "NoExecute"),
                                               Pair("key", "dedicated"), Pair("value", "gpu")));
  const Item& last_label = m.subtypes[2].items[2];
  EXPECT_THAT(last_label.context,
              ElementsAre(Pair("key", "nvidia.com/gpu.product"), Pair("value", "H100")));
  EXPECT_THAT(last_label.data, ElementsAre(Pair("node-count", Reading::Int(2)),
                                           Pair("node-list", Reading::Str("gpu-a,gpu-b")),
                                           Pair("truncated", Reading::Bool(false))));

  // Truncation through the environment and through the constructor option.
  ctx.env = FakeEnv("1");
  got = collector.Collect(ctx);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->measurement->subtypes[2].data.at("nvidia.com/gpu.present"),
            Reading::Str("true|gpu-a (+2 more)"));
  const Item& present = got->measurement->subtypes[2].items[0];
  EXPECT_THAT(present.data, ElementsAre(Pair("node-count", Reading::Int(3)),
                                        Pair("node-list", Reading::Str("gpu-a (+2 more)")),
                                        Pair("truncated", Reading::Bool(true))));
  TopologyCollector two(Connect(*server), 2);
  got = two.Collect(ctx);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->measurement->subtypes[2].data.at("nvidia.com/gpu.present"),
            Reading::Str("true|gpu-a,gpu-b (+1 more)"));
}

TEST(TopologyCollectorTest, PagesOverManyNodes) {
  constexpr int kNodes = 1200;
  std::string seed;
  for (int i = 0; i < kNodes; ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), "node-%04d", i);
    seed += std::string("---\napiVersion: v1\nkind: Node\nmetadata:\n  name: ") + name +
            "\n  labels: {pool: " + (i % 2 == 0 ? "even" : "odd") + "}\n";
  }
  TestApiServerOptions o;
  o.seeds = {seed};
  auto server = TestApiServer::Start(o);
  ASSERT_NE(server, nullptr);
  server->Admin("DELETE", "/_test/requests");
  TopologyCollector collector(Connect(*server), 3);
  auto got = collector.Collect({});
  ASSERT_THAT(got, IsOk());
  const measurement::Measurement& m = *got->measurement;
  EXPECT_EQ(m.subtypes[0].data.at("node-count"), Reading::Int(kNodes));
  EXPECT_EQ(m.subtypes[2].data.at("pool.even"),
            Reading::Str("even|node-0000,node-0002,node-0004 (+597 more)"));
  EXPECT_EQ(m.subtypes[2].items[0].data.at("node-count"), Reading::Int(kNodes / 2));
  // Three pages of at most 500.
  const std::string log = server->Admin("GET", "/_test/requests");
  std::size_t pages = 0;
  for (std::size_t at = log.find("limit=500"); at != std::string::npos;
       at = log.find("limit=500", at + 1)) {
    ++pages;
  }
  EXPECT_EQ(pages, 3u) << log;
  EXPECT_THAT(log, HasSubstr("continue="));
}

TEST(TopologyCollectorTest, ListErrorFails) {
  TestApiServerOptions o;
  o.seeds = {kSeed};
  auto server = TestApiServer::Start(o);
  ASSERT_NE(server, nullptr);
  server->Admin("POST", "/_test/faults",
                R"({"method":"GET","path":"/api/v1/nodes","status":403,"count":1})");
  TopologyCollector collector(Connect(*server));
  auto got = collector.Collect({});
  EXPECT_FALSE(got.ok());
}

}  // namespace
}  // namespace aicr::collector
