#include "collector/talos/talos_collector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "k8s/rest_config.h"
#include "serialize/json_reader.h"
#include "tests/k8s-apiserver/test_apiserver.h"
#include "tests/testing/status_matchers.h"

namespace aicr::collector::talos {
namespace {

using ::aicr::testing::TestApiServer;
using ::aicr::testing::TestApiServerOptions;
using measurement::Reading;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::SizeIs;
using StringPair = std::pair<std::string, std::string>;

// Three nodes: Talos with NVIDIA extensions (and a bare prefix label that names no
// extension), Talos without extensions, and one whose nodeInfo is empty.
constexpr const char* kSeed = R"(
apiVersion: v1
kind: Node
metadata:
  name: talos-gpu-0
  labels:
    kubernetes.io/hostname: talos-gpu-0
    extensions.talos.dev/: ignored
    extensions.talos.dev/nvidia-container-toolkit: 1.16.1-v1.7.6
    extensions.talos.dev/nvidia-open-gpu-kernel-modules: 555.42.06-v1.7.6
status:
  nodeInfo:
    osImage: Talos (v1.7.6)
    kernelVersion: 6.6.32-talos
    operatingSystem: linux
    kubeletVersion: v1.32.4
    containerRuntimeVersion: containerd://1.7.20
---
apiVersion: v1
kind: Node
metadata:
  name: talos-plain
  labels: {kubernetes.io/hostname: talos-plain}
status:
  nodeInfo:
    osImage: Talos (1.8.0)
    kernelVersion: 6.6.40-talos
    kubeletVersion: v1.31.0
    containerRuntimeVersion: containerd-1.7.22
---
apiVersion: v1
kind: Node
metadata:
  name: bare-node
)";

EnvLookup NodeEnv(std::optional<std::string> node_name) {
  return [node_name](std::string_view name) -> std::optional<std::string> {
    if (name == "NODE_NAME") return node_name;
    return std::nullopt;
  };
}

CollectContext Context(std::optional<std::string> node_name) {
  CollectContext ctx;
  ctx.env = NodeEnv(std::move(node_name));
  return ctx;
}

serialize::Value Json(const std::string& text) {
  Result<serialize::Value> v = serialize::ParseJson(text);
  EXPECT_THAT(v, IsOk());
  return v.ok() ? *v : serialize::Value();
}

class TalosCollectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestApiServerOptions o;
    o.seeds = {kSeed};
    server_ = TestApiServer::Start(o);
    ASSERT_NE(server_, nullptr);
    k8s::RestConfig config;
    config.server = server_->url();
    auto client = k8s::Client::Connect(config);
    ASSERT_THAT(client, IsOk());
    client_ = std::make_shared<const k8s::Client>(std::move(client).value());
  }

  // GET requests for node `name` in the server's request log.
  int NodeGets(const std::string& name) {
    const nlohmann::json log = nlohmann::json::parse(server_->Admin("GET", "/_test/requests"));
    int n = 0;
    for (const nlohmann::json& r : log["requests"]) {
      if (r.value("method", "") == "GET" && r.value("path", "") == "/api/v1/nodes/" + name) ++n;
    }
    return n;
  }

  std::unique_ptr<TestApiServer> server_;
  std::shared_ptr<const k8s::Client> client_;
};

TEST(TalosParseTest, OsImage) {
  EXPECT_EQ(ParseOsImage("Talos (v1.7.6)"), StringPair("talos", "1.7.6"));
  EXPECT_EQ(ParseOsImage("Talos (1.7.6)"), StringPair("talos", "1.7.6"));
  EXPECT_EQ(ParseOsImage("Ubuntu 22.04.5 LTS"), StringPair("ubuntu", ""));
  EXPECT_EQ(ParseOsImage("Red Hat Enterprise Linux 9.4 (Plow)"), StringPair("red", "Plow"));
  EXPECT_EQ(ParseOsImage("Flatcar"), StringPair("flatcar", ""));
  EXPECT_EQ(ParseOsImage(""), StringPair("", ""));
  EXPECT_EQ(ParseOsImage(" (v2)"), StringPair("", "2"));
}

TEST(TalosParseTest, RuntimeId) {
  EXPECT_EQ(SplitRuntimeId("containerd://1.7.20"), StringPair("containerd", "1.7.20"));
  EXPECT_EQ(SplitRuntimeId("cri-o://1.30.0"), StringPair("cri-o", "1.30.0"));
  EXPECT_EQ(SplitRuntimeId("containerd-1.7.20"), StringPair("containerd-1.7.20", ""));
  EXPECT_EQ(SplitRuntimeId(""), StringPair("", ""));
  EXPECT_EQ(SplitRuntimeId("://"), StringPair("", ""));
}

TEST(TalosSubtypeTest, ReleaseFromAnUbuntuImageHasNoVersionId) {
  const serialize::Value node =
      Json(R"({"status": {"nodeInfo": {"osImage": "Ubuntu 22.04.5 LTS"}}})");
  EXPECT_THAT(ReleaseSubtype(node).data,
              ElementsAre(Pair("ID", Reading::Str("ubuntu")),
                          Pair("PRETTY_NAME", Reading::Str("Ubuntu 22.04.5 LTS")),
                          Pair("Source", Reading::Str("kubernetes-node-info"))));
  // Empty nodeInfo: the release subtype still names its source.
  EXPECT_THAT(ReleaseSubtype(Json("{}")).data,
              ElementsAre(Pair("Source", Reading::Str("kubernetes-node-info"))));
  EXPECT_EQ(ExtensionsSubtype(Json(R"({"metadata": {"labels": {"a": "b"}}})")), std::nullopt);
}

TEST(TalosSubtypeTest, UnitsWithoutVersionsAreUnknown) {
  const serialize::Value node = Json("{}");
  EXPECT_THAT(ContainerdSubtype(node).data,
              ElementsAre(Pair("ActiveState", Reading::Str("unknown")),
                          Pair("Source", Reading::Str("kubernetes-node-info")),
                          Pair("UnitFileName", Reading::Str("containerd.service"))));
  EXPECT_THAT(KubeletSubtype(node).data,
              ElementsAre(Pair("ActiveState", Reading::Str("unknown")),
                          Pair("Source", Reading::Str("kubernetes-node-info")),
                          Pair("UnitFileName", Reading::Str("kubelet.service"))));
}

TEST(TalosCollectorUnitTest, NamesAndNoClient) {
  auto source = std::make_shared<const NodeSource>(nullptr);
  TalosOsCollector os(source);
  TalosServiceCollector services(source);
  EXPECT_EQ(os.name(), "os");
  EXPECT_EQ(os.type(), "OS");
  EXPECT_EQ(services.name(), "systemd");
  EXPECT_EQ(services.type(), "SystemD");
  EXPECT_EQ(os.timeout(), std::chrono::seconds(10));

  auto got = os.Collect(Context("talos-gpu-0"));
  ASSERT_THAT(got, IsOk());
  ASSERT_TRUE(got->measurement.has_value());
  EXPECT_EQ(got->measurement->type, "OS");
  EXPECT_THAT(got->measurement->subtypes, IsEmpty());
  ASSERT_THAT(got->warnings, SizeIs(1));
  EXPECT_THAT(got->warnings[0], HasSubstr("no Kubernetes client"));

  CollectContext canceled = Context("talos-gpu-0");
  canceled.cancel.Cancel();
  EXPECT_EQ(services.Collect(canceled).status().code(), ErrorCode::kCanceled);
}

TEST_F(TalosCollectorTest, NodeWithExtensions) {
  auto source = std::make_shared<const NodeSource>(client_);
  auto got = TalosOsCollector(source).Collect(Context("talos-gpu-0"));
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(got->warnings, IsEmpty());
  const measurement::Measurement& m = *got->measurement;
  EXPECT_EQ(m.type, "OS");
  ASSERT_THAT(m.subtypes, SizeIs(2));
  EXPECT_EQ(m.subtypes[0].name, "release");
  EXPECT_THAT(m.subtypes[0].data, ElementsAre(Pair("ID", Reading::Str("talos")),
                                              Pair("KERNEL_VERSION", Reading::Str("6.6.32-talos")),
                                              Pair("OPERATING_SYSTEM", Reading::Str("linux")),
                                              Pair("PRETTY_NAME", Reading::Str("Talos (v1.7.6)")),
                                              Pair("Source", Reading::Str("kubernetes-node-info")),
                                              Pair("VERSION_ID", Reading::Str("1.7.6"))));
  EXPECT_EQ(m.subtypes[1].name, "extensions");
  EXPECT_THAT(
      m.subtypes[1].data,
      ElementsAre(Pair("Source", Reading::Str("kubernetes-node-info")),
                  Pair("nvidia-container-toolkit", Reading::Str("1.16.1-v1.7.6")),
                  Pair("nvidia-open-gpu-kernel-modules", Reading::Str("555.42.06-v1.7.6"))));

  auto services = TalosServiceCollector(source).Collect(Context("talos-gpu-0"));
  ASSERT_THAT(services, IsOk());
  EXPECT_THAT(services->warnings, IsEmpty());
  const measurement::Measurement& s = *services->measurement;
  EXPECT_EQ(s.type, "SystemD");
  ASSERT_THAT(s.subtypes, SizeIs(2));
  EXPECT_EQ(s.subtypes[0].name, "containerd.service");
  EXPECT_THAT(s.subtypes[0].data,
              ElementsAre(Pair("ActiveState", Reading::Str("active")),
                          Pair("RuntimeName", Reading::Str("containerd")),
                          Pair("Source", Reading::Str("kubernetes-node-info")),
                          Pair("UnitFileName", Reading::Str("containerd.service")),
                          Pair("Version", Reading::Str("1.7.20"))));
  EXPECT_EQ(s.subtypes[1].name, "kubelet.service");
  EXPECT_THAT(s.subtypes[1].data, ElementsAre(Pair("ActiveState", Reading::Str("active")),
                                              Pair("Source", Reading::Str("kubernetes-node-info")),
                                              Pair("UnitFileName", Reading::Str("kubelet.service")),
                                              Pair("Version", Reading::Str("v1.32.4"))));
}

TEST_F(TalosCollectorTest, NodeWithoutExtensionsAndMalformedRuntime) {
  auto source = std::make_shared<const NodeSource>(client_);
  auto os = TalosOsCollector(source).Collect(Context("talos-plain"));
  ASSERT_THAT(os, IsOk());
  ASSERT_THAT(os->measurement->subtypes, SizeIs(1));
  EXPECT_THAT(os->measurement->subtypes[0].data,
              ElementsAre(Pair("ID", Reading::Str("talos")),
                          Pair("KERNEL_VERSION", Reading::Str("6.6.40-talos")),
                          Pair("PRETTY_NAME", Reading::Str("Talos (1.8.0)")),
                          Pair("Source", Reading::Str("kubernetes-node-info")),
                          Pair("VERSION_ID", Reading::Str("1.8.0"))));

  auto services = TalosServiceCollector(source).Collect(Context("talos-plain"));
  ASSERT_THAT(services, IsOk());
  // No `://`: the whole id is the runtime name and the version is empty.
  EXPECT_THAT(services->measurement->subtypes[0].data,
              ElementsAre(Pair("ActiveState", Reading::Str("active")),
                          Pair("RuntimeName", Reading::Str("containerd-1.7.22")),
                          Pair("Source", Reading::Str("kubernetes-node-info")),
                          Pair("UnitFileName", Reading::Str("containerd.service")),
                          Pair("Version", Reading::Str(""))));
}

TEST_F(TalosCollectorTest, BareNodeGivesSourceOnlyReleaseAndUnknownUnits) {
  auto source = std::make_shared<const NodeSource>(client_);
  auto os = TalosOsCollector(source).Collect(Context("bare-node"));
  ASSERT_THAT(os, IsOk());
  ASSERT_THAT(os->measurement->subtypes, SizeIs(1));
  EXPECT_THAT(os->measurement->subtypes[0].data,
              ElementsAre(Pair("Source", Reading::Str("kubernetes-node-info"))));
  auto services = TalosServiceCollector(source).Collect(Context("bare-node"));
  ASSERT_THAT(services, IsOk());
  ASSERT_THAT(services->measurement->subtypes, SizeIs(2));
  EXPECT_EQ(services->measurement->subtypes[1].data.at("ActiveState"), Reading::Str("unknown"));
}

TEST_F(TalosCollectorTest, MissingNodeOrNodeNameGivesEmptyMeasurementsWithWarnings) {
  auto missing = std::make_shared<const NodeSource>(client_);
  auto os = TalosOsCollector(missing).Collect(Context("no-such-node"));
  ASSERT_THAT(os, IsOk());
  EXPECT_EQ(os->measurement->type, "OS");
  EXPECT_THAT(os->measurement->subtypes, IsEmpty());
  ASSERT_THAT(os->warnings, SizeIs(1));
  EXPECT_THAT(os->warnings[0], HasSubstr("no-such-node"));
  auto services = TalosServiceCollector(missing).Collect(Context("no-such-node"));
  ASSERT_THAT(services, IsOk());
  EXPECT_EQ(services->measurement->type, "SystemD");
  EXPECT_THAT(services->measurement->subtypes, IsEmpty());
  EXPECT_THAT(services->warnings, SizeIs(1));

  auto unnamed = std::make_shared<const NodeSource>(client_);
  auto none = TalosServiceCollector(unnamed).Collect(Context(std::nullopt));
  ASSERT_THAT(none, IsOk());
  EXPECT_THAT(none->measurement->subtypes, IsEmpty());
  ASSERT_THAT(none->warnings, SizeIs(1));
  EXPECT_THAT(none->warnings[0], HasSubstr("NODE_NAME"));
}

TEST_F(TalosCollectorTest, BothCollectorsShareOneNodeGet) {
  server_->Admin("DELETE", "/_test/requests");
  auto source = std::make_shared<const NodeSource>(client_);
  TalosOsCollector os(source);
  TalosServiceCollector services(source);
  Result<Collected> os_result = InternalError("not run");
  Result<Collected> services_result = InternalError("not run");
  std::thread a([&] { os_result = os.Collect(Context("talos-gpu-0")); });
  std::thread b([&] { services_result = services.Collect(Context("talos-gpu-0")); });
  a.join();
  b.join();
  ASSERT_THAT(os_result, IsOk());
  ASSERT_THAT(services_result, IsOk());
  EXPECT_THAT(os_result->measurement->subtypes, SizeIs(2));
  EXPECT_THAT(services_result->measurement->subtypes, SizeIs(2));
  EXPECT_EQ(NodeGets("talos-gpu-0"), 1);

  // A canceled first caller leaves nothing behind: the next one fetches.
  auto fresh = std::make_shared<const NodeSource>(client_);
  CancelToken canceled;
  canceled.Cancel();
  EXPECT_FALSE(fresh->Get(NodeEnv("talos-plain"), canceled).ok());
  Result<serialize::Value> node = fresh->Get(NodeEnv("talos-plain"), CancelToken());
  ASSERT_THAT(node, IsOk());
  EXPECT_EQ(node->FindPath("metadata.name")->if_string()->c_str(), std::string("talos-plain"));
}

}  // namespace
}  // namespace aicr::collector::talos
