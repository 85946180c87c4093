#include "collector/k8s/k8s_collector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "k8s/rest_config.h"
#include "serialize/json_reader.h"
#include "tests/k8s-apiserver/test_apiserver.h"
#include "tests/testing/status_matchers.h"

namespace aicr::collector {
namespace {

using ::aicr::testing::TestApiServer;
using ::aicr::testing::TestApiServerOptions;
using measurement::Reading;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using ImageTag = std::pair<std::string, std::string>;

// A cluster: two nodes, pods in two namespaces (registry/path/digest/tag variants,
// init and ephemeral containers), a ClusterPolicy CRD and object.
constexpr const char* kSeed = R"(
apiVersion: v1
kind: Node
metadata:
  name: gpu-node-1
  labels: {nvidia.com/gpu.present: "true"}
spec:
  providerID: AWS:///us-east-1a/i-0abc
status:
  nodeInfo:
    containerRuntimeVersion: containerd://1.7.27
    kubeletVersion: v1.33.5
    kernelVersion: 6.8.0-1028-aws
    operatingSystem: linux
    osImage: Ubuntu 24.04.2 LTS
---
apiVersion: v1
kind: Node
metadata:
  name: plain-node
spec:
  providerID: kind://docker/kind/kind-control-plane
---
apiVersion: v1
kind: Pod
metadata: {name: b-pod, namespace: zeta}
spec:
  containers:
  - {name: c1, image: nginx:1.27}
---
apiVersion: v1
kind: Pod
metadata: {name: a-pod, namespace: alpha}
spec:
  initContainers:
  - {name: init, image: "registry.example.com:5000/tools/busybox"}
  containers:
  - {name: op, image: "nvcr.io/nvidia/gpu-operator:v25.3.0@sha256:0123abcd"}
  - {name: web, image: "docker.io/library/nginx:1.25"}
  - {name: dig, image: "quay.io/org/sub/digested@sha256:feedbeef"}
  ephemeralContainers:
  - {name: debug, image: "ghcr.io/debug/shell:2.0-rc1"}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: clusterpolicies.nvidia.com}
spec:
  group: nvidia.com
  scope: Cluster
  names: {plural: clusterpolicies, singular: clusterpolicy, kind: ClusterPolicy, listKind: ClusterPolicyList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
---
apiVersion: nvidia.com/v1
kind: ClusterPolicy
metadata: {name: cluster-policy}
spec:
  driver:
    enabled: true
    version: "580.65.06"
    rdma: {enabled: false}
    replicas: 3
    ratio: 0.25
    big: 1000000
  toolkit:
    env:
    - {name: CONTAINERD_RUNTIME_CLASS, value: nvidia}
    args: []
  operator: {defaultRuntime: containerd}
)";

class K8sCollectorTest : public ::testing::Test {
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

  CollectContext Context(std::optional<std::string> node_name) {
    CollectContext ctx;
    ctx.env = [node_name](std::string_view name) -> std::optional<std::string> {
      if (name == "NODE_NAME") return node_name;
      return std::nullopt;
    };
    return ctx;
  }

  std::unique_ptr<TestApiServer> server_;
  std::shared_ptr<const k8s::Client> client_;
};

TEST(K8sCollectorUnitTest, ParseImageReference) {
  EXPECT_EQ(ParseImageReference("nginx"), ImageTag("nginx", "latest"));
  EXPECT_EQ(ParseImageReference("nginx:1.27"), ImageTag("nginx", "1.27"));
  EXPECT_EQ(ParseImageReference("registry:5000/a/b/img:v1@sha256:ff"), ImageTag("img", "v1"));
  EXPECT_EQ(ParseImageReference("registry:5000/img"), ImageTag("img", "latest"));
  EXPECT_EQ(ParseImageReference("img@sha256:ff"), ImageTag("img", "latest"));
}

TEST(K8sCollectorUnitTest, FlattenSpecLeavesAreGoText) {
  auto spec = serialize::ParseJson(
      R"({"a":{"b":true,"c":3,"d":0.5,"e":1e21,"f":"x","g":[],"h":[1,{"z":1,"y":"q"}],"n":null,"m":{}}})");
  ASSERT_THAT(spec, IsOk());
  std::map<std::string, Reading> out;
  FlattenSpec(*spec, "", &out);
  EXPECT_THAT(out, ElementsAre(Pair("a.b", Reading::Str("true")), Pair("a.c", Reading::Str("3")),
                               Pair("a.d", Reading::Str("0.5")), Pair("a.e", Reading::Str("1e+21")),
                               Pair("a.f", Reading::Str("x")),
                               Pair("a.h", Reading::Str(R"([1,{"y":"q","z":1}])")),
                               Pair("a.n", Reading::Str("<nil>"))));
}

TEST(K8sCollectorUnitTest, ProviderAndNodeName) {
  EXPECT_EQ(MapProviderScheme("aws"), "eks");
  EXPECT_EQ(MapProviderScheme("gce"), "gke");
  EXPECT_EQ(MapProviderScheme("azure"), "aks");
  EXPECT_EQ(MapProviderScheme("oci"), "oke");
  EXPECT_EQ(MapProviderScheme("kind"), "kind");
  std::map<std::string, std::string> env = {{"HOSTNAME", "h"}, {"KUBERNETES_NODE_NAME", "k"}};
  EnvLookup lookup = [&env](std::string_view n) -> std::optional<std::string> {
    auto it = env.find(std::string(n));
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  EXPECT_EQ(SourceNodeName(lookup), "k");
  env["NODE_NAME"] = "n";
  EXPECT_EQ(SourceNodeName(lookup), "n");
  env.clear();
  EXPECT_EQ(SourceNodeName(lookup), "");
}

TEST(K8sCollectorUnitTest, NoClientGivesEmptyMeasurement) {
  K8sCollector collector(nullptr);
  EXPECT_EQ(collector.name(), "k8s");
  EXPECT_EQ(collector.type(), "K8s");
  EXPECT_EQ(collector.timeout(), std::chrono::seconds(60));
  auto got = collector.Collect({});
  ASSERT_THAT(got, IsOk());
  ASSERT_TRUE(got->measurement.has_value());
  EXPECT_EQ(got->measurement->type, "K8s");
  ASSERT_EQ(got->measurement->subtypes.size(), 5u);
  const char* names[] = {"server", "image", "policy", "node"};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(got->measurement->subtypes[i].name, names[i]);
    EXPECT_THAT(got->measurement->subtypes[i].data, IsEmpty());
  }
  EXPECT_EQ(got->measurement->subtypes[4].name, "mariadb-operator");
  EXPECT_THAT(got->measurement->subtypes[4].data,
              ElementsAre(Pair("collection-state", Reading::Str("unknown"))));
}

TEST_F(K8sCollectorTest, CollectsEverySubtype) {
  K8sCollector collector(client_);
  auto got = collector.Collect(Context("gpu-node-1"));
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(got->warnings, IsEmpty());
  const measurement::Measurement& m = *got->measurement;
  ASSERT_EQ(m.subtypes.size(), 6u);
  EXPECT_EQ(m.subtypes[4].name, "mariadb-operator");
  EXPECT_EQ(m.subtypes[5].name, "default-storage-class");
  EXPECT_THAT(m.subtypes[4].data, ElementsAre(Pair("api-available", Reading::Bool(false)),
                                              Pair("collection-state", Reading::Str("absent"))));
  // This server does not serve storage classes at all (404): unknown.
  EXPECT_THAT(m.subtypes[5].data, ElementsAre(Pair("collection-state", Reading::Str("unknown"))));

  const measurement::Subtype* server = m.FindSubtype("server");
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(server->GetString("version").has_value());
  EXPECT_EQ(server->GetString("version")->rfind("v1.", 0), 0u);

  // nginx: alpha/a-pod has 1.25, zeta/b-pod (later in namespace order) 1.27.
  EXPECT_THAT(
      m.FindSubtype("image")->data,
      ElementsAre(Pair("busybox", Reading::Str("latest")), Pair("digested", Reading::Str("latest")),
                  Pair("gpu-operator", Reading::Str("v25.3.0")),
                  Pair("nginx", Reading::Str("1.27")), Pair("shell", Reading::Str("2.0-rc1"))));

  EXPECT_THAT(
      m.FindSubtype("policy")->data,
      ElementsAre(Pair("driver.big", Reading::Str("1000000")),
                  Pair("driver.enabled", Reading::Str("true")),
                  Pair("driver.ratio", Reading::Str("0.25")),
                  Pair("driver.rdma.enabled", Reading::Str("false")),
                  Pair("driver.replicas", Reading::Str("3")),
                  Pair("driver.version", Reading::Str("580.65.06")),
                  Pair("operator.defaultRuntime", Reading::Str("containerd")),
                  Pair("toolkit.env",
                       Reading::Str(R"([{"name":"CONTAINERD_RUNTIME_CLASS","value":"nvidia"}])"))));

  EXPECT_THAT(m.FindSubtype("node")->data,
              ElementsAre(Pair("container-runtime-id", Reading::Str("containerd://1.7.27")),
                          Pair("container-runtime-name", Reading::Str("containerd")),
                          Pair("container-runtime-version", Reading::Str("1.7.27")),
                          Pair("kernel-version", Reading::Str("6.8.0-1028-aws")),
                          Pair("kubelet-version", Reading::Str("v1.33.5")),
                          Pair("operating-system", Reading::Str("linux")),
                          Pair("os-image", Reading::Str("Ubuntu 24.04.2 LTS")),
                          Pair("provider", Reading::Str("eks")),
                          Pair("provider-id", Reading::Str("AWS:///us-east-1a/i-0abc")),
                          Pair("source-node", Reading::Str("gpu-node-1"))));

  // Deterministic: a second run gives the same measurement.
  auto again = collector.Collect(Context("gpu-node-1"));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(*again->measurement, m);
}

TEST_F(K8sCollectorTest, UnknownProviderVerbatimAndMissingNodeIsEmptySubtype) {
  K8sCollector collector(client_);
  auto got = collector.Collect(Context("plain-node"));
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(
      got->measurement->FindSubtype("node")->data,
      ElementsAre(Pair("provider", Reading::Str("kind")),
                  Pair("provider-id", Reading::Str("kind://docker/kind/kind-control-plane")),
                  Pair("source-node", Reading::Str("plain-node"))));

  got = collector.Collect(Context("no-such-node"));
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(got->measurement->FindSubtype("node")->data, IsEmpty());
  EXPECT_THAT(got->warnings, ElementsAre(::testing::HasSubstr("node")));
  EXPECT_THAT(got->measurement->FindSubtype("image")->data, ::testing::Not(IsEmpty()));

  got = collector.Collect(Context(std::nullopt));
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(got->measurement->FindSubtype("node")->data, IsEmpty());
}

TEST_F(K8sCollectorTest, ForbiddenIsDeterministicAndServerErrorIsTransient) {
  K8sCollector collector(client_);
  // 403 on the pod list: the image subtype is left empty, the rest collected.
  server_->Admin("POST", "/_test/faults",
                 R"({"method":"GET","path":"/api/v1/pods","status":403,"count":1})");
  auto got = collector.Collect(Context("gpu-node-1"));
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(got->measurement->FindSubtype("image")->data, IsEmpty());
  EXPECT_THAT(got->measurement->FindSubtype("node")->data, ::testing::Not(IsEmpty()));
  EXPECT_THAT(got->warnings, ElementsAre(::testing::HasSubstr("image")));

  // 500 on every attempt (the transport retries): the whole collector fails.
  server_->Admin("POST", "/_test/faults",
                 R"({"method":"GET","path":"/api/v1/pods","status":500,"count":20})");
  got = collector.Collect(Context("gpu-node-1"));
  EXPECT_FALSE(got.ok());
  EXPECT_TRUE(IsTransientK8sError(got.status())) << got.status().message();
  EXPECT_THAT(got.status().message(), ::testing::HasSubstr("k8s: image"));
}

TEST_F(K8sCollectorTest, MariaDbOperatorStates) {
  server_->Admin("POST", "/_test/seed", R"(
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: mariadbs.k8s.mariadb.com}
spec:
  group: k8s.mariadb.com
  scope: Namespaced
  names: {plural: mariadbs, singular: mariadb, kind: MariaDB, listKind: MariaDBList}
  versions:
  - name: v1alpha1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
)");
  auto got = CollectMariaDbOperator(*client_, CancelToken());
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(got->data, ElementsAre(Pair("api-available", Reading::Bool(true)),
                                     Pair("api-version", Reading::Str("k8s.mariadb.com/v1alpha1")),
                                     Pair("collection-state", Reading::Str("api-detected"))));
  server_->Admin("POST", "/_test/seed", R"(
apiVersion: k8s.mariadb.com/v1alpha1
kind: MariaDB
metadata: {name: db, namespace: data}
spec: {replicas: 1}
)");
  got = CollectMariaDbOperator(*client_, CancelToken());
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->data.at("collection-state"), Reading::Str("crs-detected"));
  // A forbidden list is unknown, not a zero count.
  server_->Admin(
      "POST", "/_test/faults",
      R"({"method":"GET","path":"/apis/k8s.mariadb.com/v1alpha1/mariadbs","status":403})");
  got = CollectMariaDbOperator(*client_, CancelToken());
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(got->data, ElementsAre(Pair("collection-state", Reading::Str("unknown"))));
}

TEST_F(K8sCollectorTest, DefaultStorageClassStates) {
  // Storage classes served through a CRD of the same group and plural.
  server_->Admin("POST", "/_test/seed", R"(
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: storageclasses.storage.k8s.io}
spec:
  group: storage.k8s.io
  scope: Cluster
  names: {plural: storageclasses, singular: storageclass, kind: StorageClass, listKind: StorageClassList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
)");
  auto got = CollectDefaultStorageClass(*client_, CancelToken());
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(got->data, ElementsAre(Pair("collection-state", Reading::Str("absent")),
                                     Pair("default-classes", Reading::Str("")),
                                     Pair("default-count", Reading::Int(0))));
  server_->Admin("POST", "/_test/seed", R"(
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: slow
  annotations: {storageclass.kubernetes.io/is-default-class: "false"}
)");
  got = CollectDefaultStorageClass(*client_, CancelToken());
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(got->data, ElementsAre(Pair("collection-state", Reading::Str("present")),
                                     Pair("default-classes", Reading::Str("standard")),
                                     Pair("default-count", Reading::Int(1))));
  server_->Admin("POST", "/_test/seed", R"(
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fast
  annotations: {storageclass.beta.kubernetes.io/is-default-class: "true"}
)");
  got = CollectDefaultStorageClass(*client_, CancelToken());
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(got->data, ElementsAre(Pair("collection-state", Reading::Str("multiple")),
                                     Pair("default-classes", Reading::Str("fast,standard")),
                                     Pair("default-count", Reading::Int(2))));
}

TEST_F(K8sCollectorTest, CanceledContextFails) {
  K8sCollector collector(client_);
  CollectContext ctx = Context("gpu-node-1");
  ctx.cancel.Cancel();
  auto got = collector.Collect(ctx);
  EXPECT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kCanceled);
}

}  // namespace
}  // namespace aicr::collector
