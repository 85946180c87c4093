#include "overrides/scheduling.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "overrides/aliases.h"
#include "overrides/values.h"
#include "serialize/input.h"
#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::overrides {
namespace {

using serialize::Value;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

Value Yaml(std::string_view text) {
  Result<Value> v = serialize::ParseYaml(text);
  EXPECT_THAT(v, IsOk());
  return v.ok() ? *v : Value();
}

// Entries copied in shape from recipes/registry.yaml.
constexpr std::string_view kRegistry = R"(
apiVersion: aicr.run/v1beta1
kind: ComponentRegistry
components:
  - name: gpu-operator
    displayName: gpu-operator
    valueOverrideKeys: [gpuoperator]
    gkeCriticalPriority: true
    helm:
      defaultRepository: https://helm.ngc.nvidia.com/nvidia
      defaultChart: nvidia/gpu-operator
      defaultVersion: "v26.7.0"
      defaultNamespace: gpu-operator
    nodeScheduling:
      system:
        nodeSelectorPaths:
          - operator.nodeSelector
        tolerationPaths:
          - operator.tolerations
      accelerated:
        nodeSelectorPaths:
          - daemonsets.nodeSelector
        tolerationPaths:
          - daemonsets.tolerations
    validations:
      - function: CheckDriverOwnershipCoherence
        severity: error
  - name: nfd
    displayName: Node Feature Discovery
    valueOverrideKeys: [nfd]
    helm: {defaultRepository: https://kubernetes-sigs.github.io/node-feature-discovery/charts, defaultChart: node-feature-discovery}
    nodeScheduling:
      system:
        nodeSelectorPaths: [master.nodeSelector, gc.nodeSelector]
        tolerationPaths: [master.tolerations, gc.tolerations, worker.tolerations]
      accelerated:
        tolerationPaths: [worker.tolerations]
  - name: nodewright-operator
    displayName: nodewright
    valueOverrideKeys: [nodewright, skyhook]
    helm: {defaultRepository: oci://ghcr.io/nvidia/nodewright/charts, defaultChart: nodewright}
    nodeScheduling:
      nodeCountPaths:
        - estimatedNodeCount
      system:
        nodeSelectorPaths: [controllerManager.selectors]
        tolerationPaths: [controllerManager.tolerations]
      accelerated:
        taintStrPaths:
          - controllerManager.manager.env.runtimeRequiredTaint
  - name: nodewright-customizations
    displayName: nodewright-customizations
    valueOverrideKeys: [nodewrightcustomizations, skyhookcustomizations]
    helm: {defaultRepository: "", defaultNamespace: skyhook}
    nodeScheduling:
      accelerated:
        nodeSelectorPaths: [acceleratedNodeSelector]
        tolerationPaths: [acceleratedTolerations]
    podScheduling:
      workload:
        workloadSelectorPaths: [workloadSelector]
  - name: kube-prometheus-stack
    displayName: kube-prometheus-stack
    valueOverrideKeys: [prometheus, kubeprometheusstack]
    helm: {defaultRepository: https://prometheus-community.github.io/helm-charts, defaultChart: prometheus-community/kube-prometheus-stack}
    nodeScheduling:
      system:
        nodeSelectorPaths:
          - prometheus.prometheusSpec.nodeSelector
          - grafana.nodeSelector
        requireNodeSelectorIfStorageClassSet: true
        tolerationPaths:
          - prometheus.prometheusSpec.tolerations
    storageClassPaths:
      - prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName
  - name: slurm-accounting-mariadb
    displayName: Slurm Accounting MariaDB
    valueOverrideKeys: [slurmaccountingmariadb]
    helm: {defaultRepository: oci://ghcr.io/mariadb-operator/charts, defaultChart: mariadb-cluster}
    storageClassPaths:
      - mariadb.storage.storageClassName
    nodeScheduling:
      system:
        nodeSelectorPaths: [mariadb.nodeSelector]
        requireNodeSelector: true
        tolerationPaths: [mariadb.tolerations]
  - name: slinky-slurm
    displayName: slinky-slurm
    valueOverrideKeys: [slinkyslurm, slurmcluster]
    helm: {defaultRepository: oci://ghcr.io/slinkyproject/charts, defaultChart: slurm}
    sharedStorageClassPaths:
      - storage.home.storageClassName
      - storage.data.storageClassName
    nodeScheduling:
      system:
        nodeSelectorPaths:
          - controller.podSpec.nodeSelector
          - restapi.podSpec.nodeSelector
        requireNodeSelector: true
        tolerationPaths:
          - controller.podSpec.tolerations
      accelerated:
        nodeSelectorPaths:
          - nodesets.slinky.podSpec.nodeSelector
        requireNodeSelector: true
        tolerationPaths:
          - nodesets.slinky.podSpec.tolerations
  - name: cert-manager
    displayName: cert-manager
    valueOverrideKeys: [certmanager]
    helm: {defaultRepository: https://charts.jetstack.io, defaultChart: jetstack/cert-manager}
)";

const recipe::ComponentRegistry& Registry() {
  static const recipe::ComponentRegistry* registry = [] {
    Result<recipe::ComponentRegistry> r = recipe::ComponentRegistry::FromValue(Yaml(kRegistry));
    EXPECT_THAT(r, IsOk());
    return new recipe::ComponentRegistry(r.ok() ? *r : recipe::ComponentRegistry());
  }();
  return *registry;
}

SchedulingPaths PathsOf(std::string_view name) {
  const recipe::RegistryComponent* c = Registry().Find(name);
  EXPECT_NE(c, nullptr) << name;
  if (c == nullptr) {
    return {};
  }
  Result<SchedulingPaths> paths = DecodeSchedulingPaths(*c);
  EXPECT_THAT(paths, IsOk());
  return paths.ok() ? *paths : SchedulingPaths{};
}

std::vector<Toleration> Tols(std::initializer_list<std::string> specs) {
  Result<std::vector<Toleration>> t = ParseTolerations(specs, "--test");
  EXPECT_THAT(t, IsOk());
  return t.ok() ? *t : std::vector<Toleration>{};
}

recipe::RegistryComponent Entry(std::string_view yaml) {
  recipe::RegistryComponent c;
  c.name = "x";
  c.raw = Yaml(yaml);
  return c;
}

TEST(DecodeSchedulingPathsTest, DecodesEveryKey) {
  const SchedulingPaths gpu = PathsOf("gpu-operator");
  EXPECT_THAT(gpu.system.node_selector_paths, ElementsAre("operator.nodeSelector"));
  EXPECT_THAT(gpu.system.toleration_paths, ElementsAre("operator.tolerations"));
  EXPECT_THAT(gpu.accelerated.node_selector_paths, ElementsAre("daemonsets.nodeSelector"));
  EXPECT_THAT(gpu.accelerated.toleration_paths, ElementsAre("daemonsets.tolerations"));
  EXPECT_FALSE(gpu.system.require_node_selector);

  const SchedulingPaths nw = PathsOf("nodewright-operator");
  EXPECT_THAT(nw.node_count_paths, ElementsAre("estimatedNodeCount"));
  EXPECT_THAT(nw.accelerated.taint_str_paths,
              ElementsAre("controllerManager.manager.env.runtimeRequiredTaint"));

  EXPECT_THAT(PathsOf("nodewright-customizations").workload_selector_paths,
              ElementsAre("workloadSelector"));

  const SchedulingPaths prom = PathsOf("kube-prometheus-stack");
  EXPECT_TRUE(prom.system.require_node_selector_if_storage_class_set);
  EXPECT_FALSE(prom.system.require_node_selector);
  EXPECT_THAT(prom.storage_class_paths,
              ElementsAre("prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec."
                          "storageClassName"));

  const SchedulingPaths slurm = PathsOf("slinky-slurm");
  EXPECT_TRUE(slurm.system.require_node_selector);
  EXPECT_TRUE(slurm.accelerated.require_node_selector);
  EXPECT_THAT(slurm.shared_storage_class_paths,
              ElementsAre("storage.home.storageClassName", "storage.data.storageClassName"));

  const SchedulingPaths none = PathsOf("cert-manager");
  EXPECT_THAT(none.system.node_selector_paths, IsEmpty());
  EXPECT_THAT(none.storage_class_paths, IsEmpty());
}

// Every entry of the shipped registry decodes, with the keys this module reads.
TEST(DecodeSchedulingPathsTest, ShippedRegistry) {
  Result<std::string> text =
      serialize::ReadLocalFile(std::string(AICR_SOURCE_DIR) + "/recipes/registry.yaml");
  ASSERT_THAT(text, IsOk());
  Result<recipe::ComponentRegistry> registry = recipe::ComponentRegistry::FromValue(Yaml(*text));
  ASSERT_THAT(registry, IsOk());
  int with_require = 0;
  for (const recipe::RegistryComponent& c : registry->components()) {
    Result<SchedulingPaths> paths = DecodeSchedulingPaths(c);
    ASSERT_THAT(paths, IsOk()) << c.name;
    with_require += paths->system.require_node_selector ? 1 : 0;
  }
  EXPECT_GE(with_require, 2);  // slinky-slurm, slurm-accounting-mariadb
  Result<SchedulingPaths> gpu = DecodeSchedulingPaths(*registry->Find("gpu-operator"));
  ASSERT_THAT(gpu, IsOk());
  EXPECT_THAT(gpu->accelerated.toleration_paths, ElementsAre("daemonsets.tolerations"));
  Result<SchedulingPaths> nw = DecodeSchedulingPaths(*registry->Find("nodewright-operator"));
  ASSERT_THAT(nw, IsOk());
  EXPECT_THAT(nw->node_count_paths, ElementsAre("estimatedNodeCount"));
}

TEST(DecodeSchedulingPathsTest, TypeErrors) {
  struct Case {
    std::string_view yaml;
    std::string message;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"nodeScheduling: []",
            "component \"x\": nodeScheduling: expected mapping, got sequence"},
           {"nodeScheduling: {system: 1}",
            "component \"x\": nodeScheduling.system: expected mapping, got int"},
           {"nodeScheduling: {system: {tolerationPaths: a}}",
            "component \"x\": nodeScheduling.system.tolerationPaths: expected sequence of "
            "strings, got string"},
           {"nodeScheduling: {accelerated: {nodeSelectorPaths: [1]}}",
            "component \"x\": nodeScheduling.accelerated.nodeSelectorPaths: expected sequence "
            "of strings, got int"},
           {"nodeScheduling: {system: {requireNodeSelector: \"yes\"}}",
            "component \"x\": nodeScheduling.system.requireNodeSelector: expected bool, got "
            "string"},
           {"nodeScheduling: {nodeCountPaths: {a: 1}}",
            "component \"x\": nodeScheduling.nodeCountPaths: expected sequence of strings, got "
            "mapping"},
           {"podScheduling: {workload: []}",
            "component \"x\": podScheduling.workload: expected mapping, got sequence"},
           {"podScheduling: {workload: {workloadSelectorPaths: x}}",
            "component \"x\": podScheduling.workload.workloadSelectorPaths: expected sequence "
            "of strings, got string"},
           {"storageClassPaths: s",
            "component \"x\": storageClassPaths: expected sequence of strings, got string"},
           {"nodeScheduling: {system: {nodeSelectorPaths: [a..b]}}",
            "component \"x\": nodeScheduling.system.nodeSelectorPaths: invalid value path "
            "\"a..b\": empty segment"},
           {"storageClassPaths: [\"\"]",
            "component \"x\": storageClassPaths: invalid value path \"\": empty path"},
           {"sharedStorageClassPaths: [[a]]",
            "component \"x\": sharedStorageClassPaths: expected sequence of strings, got "
            "sequence"},
       }) {
    EXPECT_THAT(DecodeSchedulingPaths(Entry(c.yaml)),
                StatusIs(ErrorCode::kInvalidRequest, c.message))
        << c.yaml;
  }
  // Nulls and unknown keys (upstream taintPaths) are ignored.
  EXPECT_THAT(DecodeSchedulingPaths(Entry("nodeScheduling: {system: ~, accelerated: "
                                          "{taintPaths: [a], tolerationPaths: ~}}")),
              IsOk());
  EXPECT_THAT(DecodeSchedulingPaths(Entry("~")), IsOk());
}

TEST(ClassifySchedulingPathsTest, Table) {
  const Value overlay = Yaml(R"(
daemonsets:
  tolerations: []
operator:
  tolerations: [{key: bcm, operator: Exists}]
  nodeSelector: {}
empty_null:
  tolerations: ~
non_empty_map:
  nodeSelector: {a: b}
)");
  const std::map<std::string, std::string> set = {{"set.tolerations", "x"},
                                                  {"daemonsets.tolerations", "y"}};
  SchedulingPolicy policy = ClassifySchedulingPaths(
      overlay, set,
      {"daemonsets.tolerations", "operator.tolerations", "operator.nodeSelector",
       "empty_null.tolerations", "non_empty_map.nodeSelector", "set.tolerations",
       "untouched.tolerations"});
  EXPECT_THAT(policy.opt_out,
              UnorderedElementsAre("daemonsets.tolerations", "operator.nodeSelector",
                                   "empty_null.tolerations"));
  EXPECT_THAT(policy.append, UnorderedElementsAre("operator.tolerations",
                                                  "non_empty_map.nodeSelector", "set.tolerations"));
}

TEST(ComputeSchedulingPolicyTest, DynamicPathsJoinOptOut) {
  auto policy = ComputeSchedulingPolicy("gpu-operator", PathsOf("gpu-operator"),
                                        Yaml("operator: {tolerations: [{key: a}]}"), {},
                                        {"daemonsets.tolerations", "driver.version"});
  ASSERT_THAT(policy, IsOk());
  EXPECT_THAT(policy->opt_out, UnorderedElementsAre("daemonsets.tolerations", "driver.version"));
  EXPECT_THAT(policy->append, ElementsAre("operator.tolerations"));
}

TEST(ComputeSchedulingPolicyTest, OnlyRegistryPathsAreClassified) {
  auto policy = ComputeSchedulingPolicy("gpu-operator", PathsOf("gpu-operator"),
                                        Yaml("driver: {tolerations: []}"), {{"other", "1"}}, {});
  ASSERT_THAT(policy, IsOk());
  EXPECT_THAT(policy->opt_out, IsEmpty());
  EXPECT_THAT(policy->append, IsEmpty());
}

TEST(ComputeSchedulingPolicyTest, DynamicOnRequiredSelectorIsAnError) {
  EXPECT_THAT(
      ComputeSchedulingPolicy("slinky-slurm", PathsOf("slinky-slurm"), Value(), {},
                              {"controller.podSpec", "nodesets.slinky.podSpec.nodeSelector.x"}),
      StatusIs(ErrorCode::kInvalidRequest,
               "component \"slinky-slurm\" cannot use --dynamic on "
               "controller.podSpec.nodeSelector, nodesets.slinky.podSpec.nodeSelector: this "
               "component requires a real node selector at bundle time, not one deferred to "
               "install time"));
  // The conditional requirement also protects the storage-class path.
  EXPECT_THAT(ComputeSchedulingPolicy("kube-prometheus-stack", PathsOf("kube-prometheus-stack"),
                                      Value(), {}, {"prometheus.prometheusSpec.storageSpec"}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "component \"kube-prometheus-stack\" cannot use --dynamic on "
                       "prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec."
                       "storageClassName: this component requires a real node selector at "
                       "bundle time, not one deferred to install time"));
  // Toleration paths of a required component may be dynamic.
  EXPECT_THAT(ComputeSchedulingPolicy("slinky-slurm", PathsOf("slinky-slurm"), Value(), {},
                                      {"controller.podSpec.tolerations"}),
              IsOk());
}

SchedulingConfig FullConfig() {
  SchedulingConfig config;
  config.system_node_selector = {{"nodeGroup", "system"}};
  config.system_tolerations = Tols({"dedicated=system:NoSchedule"});
  config.accelerated_node_selector = {{"nvidia.com/gpu.present", "true"}};
  config.accelerated_tolerations = Tols({"nvidia.com/gpu=present:NoSchedule"});
  config.workload_selector = {{"workload", "training"}};
  return config;
}

TEST(InjectNodeSchedulingTest, GpuOperatorReplaceMode) {
  Value values = Yaml(R"(
operator:
  nodeSelector: {old: x}
  tolerations: [{key: chart-default, operator: Exists}]
daemonsets:
  tolerations: [{operator: Exists}]
driver: {enabled: true}
)");
  auto warnings = InjectNodeScheduling(&values, "gpu-operator", PathsOf("gpu-operator"),
                                       FullConfig(), SchedulingPolicy{}, {});
  ASSERT_THAT(warnings, IsOkAndHolds(IsEmpty()));
  EXPECT_EQ(values, Yaml(R"(
operator:
  nodeSelector: {nodeGroup: system}
  tolerations: [{key: dedicated, operator: Equal, value: system, effect: NoSchedule}]
daemonsets:
  nodeSelector: {nvidia.com/gpu.present: "true"}
  tolerations: [{key: nvidia.com/gpu, operator: Equal, value: present, effect: NoSchedule}]
driver: {enabled: true}
)"));
}

TEST(InjectNodeSchedulingTest, AppendModeDedupsAndOptOutSkips) {
  // operator.tolerations came from the overlay (append); daemonsets.tolerations: [] opted out.
  const Value overlay = Yaml(R"(
operator:
  tolerations:
    - {key: bcm-master, operator: Exists, effect: NoSchedule}
    - {key: dedicated, operator: Equal, value: system, effect: NoSchedule}
daemonsets:
  tolerations: []
)");
  Value values = overlay;
  auto policy = ComputeSchedulingPolicy("gpu-operator", PathsOf("gpu-operator"), overlay, {}, {});
  ASSERT_THAT(policy, IsOk());
  SchedulingConfig config = FullConfig();
  config.system_tolerations =
      Tols({"dedicated=system:NoSchedule", "extra:NoExecute", "extra:NoExecute"});
  auto warnings =
      InjectNodeScheduling(&values, "gpu-operator", PathsOf("gpu-operator"), config, *policy, {});
  ASSERT_THAT(warnings, IsOkAndHolds(IsEmpty()));
  EXPECT_EQ(values, Yaml(R"(
operator:
  nodeSelector: {nodeGroup: system}
  tolerations:
    - {key: bcm-master, operator: Exists, effect: NoSchedule}
    - {key: dedicated, operator: Equal, value: system, effect: NoSchedule}
    - {key: extra, operator: Exists, effect: NoExecute}
daemonsets:
  nodeSelector: {nvidia.com/gpu.present: "true"}
  tolerations: []
)"));
}

TEST(InjectNodeSchedulingTest, AppendModeDistinguishesTolerationSeconds) {
  Value values = Yaml(
      "operator: {tolerations: [{key: k, operator: Exists, effect: NoExecute, "
      "tolerationSeconds: 30}, plain-string]}\n");
  SchedulingPolicy policy;
  policy.append.insert("operator.tolerations");
  SchedulingConfig config;
  config.system_tolerations = Tols({"k:NoExecute"});
  ASSERT_THAT(
      InjectNodeScheduling(&values, "gpu-operator", PathsOf("gpu-operator"), config, policy, {}),
      IsOk());
  EXPECT_EQ(*GetValueByPath(values, "operator.tolerations"),
            Yaml("[{key: k, operator: Exists, effect: NoExecute, tolerationSeconds: 30}, "
                 "plain-string, {key: k, operator: Exists, effect: NoExecute}]"));
}

TEST(InjectNodeSchedulingTest, AppendModeOnNonListReplaces) {
  // --set made the path append-mode, but its value is a string, not a list.
  Value values = Yaml("operator: {tolerations: from-set}\n");
  auto policy = ComputeSchedulingPolicy("gpu-operator", PathsOf("gpu-operator"), Value(),
                                        {{"operator.tolerations", "from-set"}}, {});
  ASSERT_THAT(policy, IsOk());
  EXPECT_THAT(policy->append, ElementsAre("operator.tolerations"));
  SchedulingConfig config;
  config.system_tolerations = Tols({"a:NoSchedule"});
  ASSERT_THAT(
      InjectNodeScheduling(&values, "gpu-operator", PathsOf("gpu-operator"), config, *policy, {}),
      IsOk());
  EXPECT_EQ(*GetValueByPath(values, "operator.tolerations"),
            Yaml("[{key: a, operator: Exists, effect: NoSchedule}]"));
}

TEST(InjectNodeSchedulingTest, AcceleratedReplacesSystemOnSharedPath) {
  // nfd's worker.tolerations is both a system and an accelerated path: accelerated wins.
  Value values = Value::EmptyMapping();
  ASSERT_THAT(InjectNodeScheduling(&values, "nfd", PathsOf("nfd"), FullConfig(), {}, {}), IsOk());
  EXPECT_EQ(*GetValueByPath(values, "worker.tolerations"),
            Yaml("[{key: nvidia.com/gpu, operator: Equal, value: present, effect: NoSchedule}]"));
  EXPECT_EQ(*GetValueByPath(values, "master.tolerations"),
            Yaml("[{key: dedicated, operator: Equal, value: system, effect: NoSchedule}]"));
  EXPECT_EQ(*GetValueByPath(values, "gc.nodeSelector"), Yaml("{nodeGroup: system}"));
  EXPECT_EQ(GetValueByPath(values, "worker.nodeSelector"), nullptr);
}

TEST(InjectNodeSchedulingTest, DefaultAcceleratedTolerationIsWildcard) {
  Value values = Value::EmptyMapping();
  SchedulingConfig config;
  config.accelerated_tolerations = DefaultTolerations();
  ASSERT_THAT(
      InjectNodeScheduling(&values, "gpu-operator", PathsOf("gpu-operator"), config, {}, {}),
      IsOk());
  EXPECT_EQ(values, Yaml("daemonsets: {tolerations: [{operator: Exists}]}\n"));
}

TEST(InjectNodeSchedulingTest, EmptyConfigChangesNothing) {
  const Value original = Yaml("operator: {nodeSelector: {a: b}}\n");
  Value values = original;
  ASSERT_THAT(InjectNodeScheduling(&values, "gpu-operator", PathsOf("gpu-operator"),
                                   SchedulingConfig{}, {}, {}),
              IsOkAndHolds(IsEmpty()));
  EXPECT_EQ(values, original);
}

TEST(InjectNodeSchedulingTest, SelectorsReplaceNonMapIntermediates) {
  Value values = Yaml("operator: not-a-map\n");
  ASSERT_THAT(
      InjectNodeScheduling(&values, "gpu-operator", PathsOf("gpu-operator"), FullConfig(), {}, {}),
      IsOk());
  EXPECT_EQ(*GetValueByPath(values, "operator.nodeSelector"), Yaml("{nodeGroup: system}"));
}

TEST(InjectNodeSchedulingTest, NodewrightGateNodesAndWorkloadSelector) {
  Value values = Yaml("controllerManager: {manager: {env: {other: x}}}\n");
  SchedulingConfig config = FullConfig();
  config.workload_gate = Taint{"skyhook.nvidia.com", "runtime-required", "NoSchedule"};
  config.nodes = 12;
  ASSERT_THAT(InjectNodeScheduling(&values, "nodewright-operator", PathsOf("nodewright-operator"),
                                   config, {}, {}),
              IsOkAndHolds(IsEmpty()));
  EXPECT_EQ(values, Yaml(R"(
controllerManager:
  manager:
    env:
      other: x
      runtimeRequiredTaint: skyhook.nvidia.com=runtime-required:NoSchedule
  selectors: {nodeGroup: system}
  tolerations: [{key: dedicated, operator: Equal, value: system, effect: NoSchedule}]
estimatedNodeCount: 12
)"));
  EXPECT_TRUE(GetValueByPath(values, "estimatedNodeCount")->is_int());

  Value custom = Value::EmptyMapping();
  ASSERT_THAT(InjectNodeScheduling(&custom, "nodewright-customizations",
                                   PathsOf("nodewright-customizations"), config, {}, {}),
              IsOk());
  EXPECT_EQ(custom, Yaml(R"(
acceleratedNodeSelector: {nvidia.com/gpu.present: "true"}
acceleratedTolerations: [{key: nvidia.com/gpu, operator: Equal, value: present, effect: NoSchedule}]
workloadSelector: {workload: training}
)"));
}

TEST(InjectNodeSchedulingTest, ZeroNodesAndOptedOutWorkloadSelectorAreSkipped) {
  Value values = Value::EmptyMapping();
  SchedulingConfig config;
  config.nodes = 0;
  config.workload_selector = {{"w", "x"}};
  SchedulingPolicy policy;
  policy.opt_out.insert("workloadSelector");
  ASSERT_THAT(InjectNodeScheduling(&values, "nodewright-customizations",
                                   PathsOf("nodewright-customizations"), config, policy, {}),
              IsOk());
  ASSERT_THAT(InjectNodeScheduling(&values, "nodewright-operator", PathsOf("nodewright-operator"),
                                   config, {}, {}),
              IsOk());
  EXPECT_EQ(values, Value::EmptyMapping());
}

TEST(InjectNodeSchedulingTest, StrictInjectionFailuresAreWarnings) {
  Value values = Yaml("controllerManager: {manager: text}\nestimatedNodeCount: 1\n");
  SchedulingConfig config;
  config.workload_gate = Taint{"gate", "", "NoSchedule"};
  config.nodes = 3;
  auto warnings = InjectNodeScheduling(&values, "nodewright-operator",
                                       PathsOf("nodewright-operator"), config, {}, {});
  ASSERT_THAT(warnings, IsOk());
  EXPECT_THAT(*warnings,
              ElementsAre("component \"nodewright-operator\": failed to apply workload-gate "
                          "taint: path segment \"manager\" of "
                          "\"controllerManager.manager.env.runtimeRequiredTaint\" exists but is "
                          "not a map (string)"));
  EXPECT_EQ(*GetValueByPath(values, "estimatedNodeCount"), Value(3));
  EXPECT_EQ(*GetValueByPath(values, "controllerManager.manager"), Value("text"));
}

TEST(InjectNodeSchedulingTest, StorageClassUnlessSetByFlag) {
  const std::string path =
      "prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName";
  SchedulingConfig config;
  config.storage_class = "123";  // stays a string
  Value values = Value::EmptyMapping();
  ASSERT_THAT(InjectNodeScheduling(&values, "kube-prometheus-stack",
                                   PathsOf("kube-prometheus-stack"), config, {}, {}),
              IsOkAndHolds(IsEmpty()));
  EXPECT_EQ(*GetValueByPath(values, path), Value("123"));

  Value explicit_values = Yaml(
      "prometheus: {prometheusSpec: {storageSpec: {volumeClaimTemplate: "
      "{spec: {storageClassName: mine}}}}}\n");
  ASSERT_THAT(InjectNodeScheduling(&explicit_values, "kube-prometheus-stack",
                                   PathsOf("kube-prometheus-stack"), config, {}, {{path, "mine"}}),
              IsOk());
  EXPECT_EQ(*GetValueByPath(explicit_values, path), Value("mine"));

  Value blocked = Yaml("prometheus: {prometheusSpec: {storageSpec: []}}\n");
  auto warnings = InjectNodeScheduling(&blocked, "kube-prometheus-stack",
                                       PathsOf("kube-prometheus-stack"), config, {}, {});
  ASSERT_THAT(warnings, IsOk());
  ASSERT_EQ(warnings->size(), 1u);
  EXPECT_THAT((*warnings)[0],
              ::testing::StartsWith("component \"kube-prometheus-stack\": failed to apply "
                                    "storage class: path segment \"storageSpec\""));
}

TEST(InjectNodeSchedulingTest, SharedStorageClass) {
  SchedulingConfig config = FullConfig();
  config.storage_class = "gp3";  // slinky-slurm has no storageClassPaths
  config.shared_storage_class = "efs";
  Value values = Value::EmptyMapping();
  ASSERT_THAT(InjectNodeScheduling(&values, "slinky-slurm", PathsOf("slinky-slurm"), config, {},
                                   {{"storage.data.storageClassName", "fsx"}}),
              IsOk());
  EXPECT_EQ(*GetValueByPath(values, "storage.home.storageClassName"), Value("efs"));
  EXPECT_EQ(GetValueByPath(values, "storage.data.storageClassName"), nullptr);

  Value blocked = Yaml("storage: {home: 5}\n");
  EXPECT_THAT(
      InjectNodeScheduling(&blocked, "slinky-slurm", PathsOf("slinky-slurm"), config, {}, {}),
      StatusIs(ErrorCode::kInvalidRequest,
               "component \"slinky-slurm\": failed to apply shared storage class: path "
               "segment \"home\" of \"storage.home.storageClassName\" exists but is not "
               "a map (int)"));
}

TEST(CheckRequiredNodeSelectorsTest, RequireNodeSelector) {
  const SchedulingPaths paths = PathsOf("slinky-slurm");
  Value values = Value::EmptyMapping();
  EXPECT_THAT(CheckRequiredNodeSelectors(values, "slinky-slurm", paths, {}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "component \"slinky-slurm\" requires --system-node-selector to be set "
                       "(paths: controller.podSpec.nodeSelector, restapi.podSpec.nodeSelector); "
                       "pass a selector, opt this component's paths out with an explicit empty "
                       "overlay override, or check whether a later --set-json/--set-file "
                       "override cleared it"));
  SchedulingConfig config;
  config.system_node_selector = {{"pool", "system"}};
  ASSERT_THAT(InjectNodeScheduling(&values, "slinky-slurm", paths, config, {}, {}), IsOk());
  EXPECT_THAT(CheckRequiredNodeSelectors(values, "slinky-slurm", paths, {}),
              StatusIs(ErrorCode::kInvalidRequest,
                       ::testing::StartsWith("component \"slinky-slurm\" requires "
                                             "--accelerated-node-selector to be set (paths: "
                                             "nodesets.slinky.podSpec.nodeSelector);")));
  SchedulingPolicy policy;
  policy.opt_out.insert("nodesets.slinky.podSpec.nodeSelector");
  EXPECT_THAT(CheckRequiredNodeSelectors(values, "slinky-slurm", paths, policy), IsOk());
}

TEST(CheckRequiredNodeSelectorsTest, TypedOverrideClearingSelectorIsCaught) {
  const SchedulingPaths paths = PathsOf("slurm-accounting-mariadb");
  Value values = Value::EmptyMapping();
  SchedulingConfig config;
  config.system_node_selector = {{"pool", "system"}};
  ASSERT_THAT(InjectNodeScheduling(&values, "slurm-accounting-mariadb", paths, config, {}, {}),
              IsOk());
  EXPECT_THAT(CheckRequiredNodeSelectors(values, "slurm-accounting-mariadb", paths, {}), IsOk());
  ASSERT_THAT(ApplyTypedOverrides(&values, "mariadb.nodeSelector", Value()), IsOk());
  EXPECT_THAT(
      CheckRequiredNodeSelectors(values, "slurm-accounting-mariadb", paths, {}),
      StatusIs(ErrorCode::kInvalidRequest, ::testing::HasSubstr("(paths: mariadb.nodeSelector)")));
  ASSERT_THAT(ApplyTypedOverrides(&values, "mariadb.nodeSelector", Yaml("[a]")), IsOk());
  EXPECT_THAT(CheckRequiredNodeSelectors(values, "slurm-accounting-mariadb", paths, {}),
              StatusIs(ErrorCode::kInvalidRequest, ::testing::HasSubstr("mariadb.nodeSelector")));
}

TEST(CheckRequiredNodeSelectorsTest, IfStorageClassSet) {
  const SchedulingPaths paths = PathsOf("kube-prometheus-stack");
  const std::string sc_path =
      "prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName";
  // No storage class: not required.
  EXPECT_THAT(CheckRequiredNodeSelectors(Value::EmptyMapping(), "kube-prometheus-stack", paths, {}),
              IsOk());
  // Blank and null storage classes do not count.
  Value blank = Value::EmptyMapping();
  ASSERT_THAT(SetValueByPath(&blank, sc_path, Value("  ")), IsOk());
  EXPECT_THAT(CheckRequiredNodeSelectors(blank, "kube-prometheus-stack", paths, {}), IsOk());
  ASSERT_THAT(SetValueByPath(&blank, sc_path, Value()), IsOk());
  EXPECT_THAT(CheckRequiredNodeSelectors(blank, "kube-prometheus-stack", paths, {}), IsOk());

  // --storage-class alone fails.
  SchedulingConfig config;
  config.storage_class = "gp3";
  Value values = Value::EmptyMapping();
  ASSERT_THAT(InjectNodeScheduling(&values, "kube-prometheus-stack", paths, config, {}, {}),
              IsOk());
  EXPECT_THAT(CheckRequiredNodeSelectors(values, "kube-prometheus-stack", paths, {}),
              StatusIs(ErrorCode::kInvalidRequest,
                       ::testing::StartsWith(
                           "component \"kube-prometheus-stack\" requires --system-node-selector "
                           "to be set (paths: prometheus.prometheusSpec.nodeSelector, "
                           "grafana.nodeSelector);")));
  // A non-string storage class counts (an overlay may set any value).
  Value numeric = Value::EmptyMapping();
  ASSERT_THAT(SetValueByPath(&numeric, sc_path, Value(5)), IsOk());
  EXPECT_THAT(CheckRequiredNodeSelectors(numeric, "kube-prometheus-stack", paths, {}),
              StatusIs(ErrorCode::kInvalidRequest, ::testing::HasSubstr("requires")));
  // With the selector injected it passes.
  config.system_node_selector = {{"pool", "system"}};
  ASSERT_THAT(InjectNodeScheduling(&values, "kube-prometheus-stack", paths, config, {}, {}),
              IsOk());
  EXPECT_THAT(CheckRequiredNodeSelectors(values, "kube-prometheus-stack", paths, {}), IsOk());
}

TEST(CheckRequiredNodeSelectorsTest, SharedStorageClassTriggersConditionalRequirement) {
  recipe::RegistryComponent c = Entry(R"(
sharedStorageClassPaths: [storage.home.storageClassName]
nodeScheduling:
  accelerated:
    nodeSelectorPaths: [nodes.nodeSelector]
    requireNodeSelectorIfStorageClassSet: true
)");
  Result<SchedulingPaths> paths = DecodeSchedulingPaths(c);
  ASSERT_THAT(paths, IsOk());
  Value values = Yaml("storage: {home: {storageClassName: efs}}\n");
  EXPECT_THAT(CheckRequiredNodeSelectors(values, "x", *paths, {}),
              StatusIs(ErrorCode::kInvalidRequest,
                       ::testing::StartsWith("component \"x\" requires --accelerated-node-selector "
                                             "to be set (paths: nodes.nodeSelector);")));
}

// The whole per-component flow of §1.3 on a gpu-operator entry: --set (aliases merged),
// scheduling injection, typed overrides last, then the required-selector check.
TEST(PipelineTest, GpuOperatorEndToEnd) {
  const recipe::ComponentRegistry& registry = Registry();
  Result<std::vector<ComponentPath>> set =
      ParseSetFlags({"gpuoperator:driver.version=580.95.05", "gpu-operator:driver.version=570",
                     "gpuoperator:operator.tolerations=custom", "gpuoperator:enabled=true"});
  ASSERT_THAT(set, IsOk());
  Result<ResolvedSetOverrides> resolved = ResolveSetOverrides(registry, *set);
  ASSERT_THAT(resolved, IsOk());
  const ComponentSetOverrides& gpu_set = resolved->components.at("gpu-operator");
  EXPECT_EQ(gpu_set.enabled, true);

  const Value overlay = Yaml("daemonsets: {tolerations: []}\n");
  Value values = Yaml(R"(
driver: {version: "580.82.07", enabled: true}
operator: {tolerations: [{key: node-role.kubernetes.io/control-plane, operator: Exists}]}
daemonsets: {tolerations: []}
)");
  ASSERT_THAT(ApplyMapOverrides(&values, gpu_set.values), IsOk());
  EXPECT_EQ(*GetValueByPath(values, "driver.version"), Value(570));

  const SchedulingPaths paths = PathsOf("gpu-operator");
  auto policy = ComputeSchedulingPolicy("gpu-operator", paths, overlay, gpu_set.values, {});
  ASSERT_THAT(policy, IsOk());
  SchedulingConfig config = FullConfig();
  ASSERT_THAT(InjectNodeScheduling(&values, "gpu-operator", paths, config, *policy, gpu_set.values),
              IsOkAndHolds(IsEmpty()));

  Result<std::vector<TypedComponentPath>> typed =
      ParseSetJsonFlags({R"(gpuoperator:driver={"version":"590","enabled":null})"});
  ASSERT_THAT(typed, IsOk());
  Result<ResolvedTypedOverrides> typed_resolved = ResolveTypedOverrides(registry, *typed);
  ASSERT_THAT(typed_resolved, IsOk());
  ASSERT_THAT(ApplyTypedOverrides(&values, typed_resolved->components.at("gpu-operator")), IsOk());
  EXPECT_THAT(CheckRequiredNodeSelectors(values, "gpu-operator", paths, *policy), IsOk());

  EXPECT_EQ(values, Yaml(R"(
driver: {version: "590"}
operator:
  nodeSelector: {nodeGroup: system}
  tolerations: [{key: dedicated, operator: Equal, value: system, effect: NoSchedule}]
daemonsets:
  nodeSelector: {nvidia.com/gpu.present: "true"}
  tolerations: []
)"));

  auto split = SplitDynamicPaths(values, {"operator.nodeSelector"});
  ASSERT_THAT(split, IsOk());
  EXPECT_EQ(GetValueByPath(split->first, "operator.nodeSelector"), nullptr);
  EXPECT_EQ(split->second, Yaml("operator: {nodeSelector: {nodeGroup: system}}\n"));
}

}  // namespace
}  // namespace aicr::overrides
