// Black-box tests of `aicr recipe --snapshot` against the embedded catalogue:
// criteria derived from the snapshot's readings (fingerprint rules), overlays
// whose constraints the snapshot fails excluded and reported in
// metadata.excludedOverlays and metadata.constraintWarnings, snapshot-derived
// dimensions that no overlay covers relaxed once with a warning, and stated ones
// never relaxed.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "serialize/yaml_reader.h"
#include "tests/e2e/subprocess.h"

namespace aicr {
namespace {

using ::aicr::testing::ProcessOptions;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::RunProcess;
using ::aicr::testing::WriteTempFile;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using ::testing::Not;

ProcessResult Aicr(std::vector<std::string> args) {
  args.insert(args.begin(), AICR_BINARY);
  ProcessOptions options;
  options.env_unset = {"AICR_DEBUG", "AICR_LOG_JSON", "NO_COLOR", "AICR_CRITERIA_STRICT",
                       "KUBECONFIG"};
  return RunProcess(args, options);
}

// An EKS cluster of H100 nodes on Ubuntu 24.04 without a recorded fingerprint:
// the service comes from K8s.node.provider, the accelerator from the topology's
// gpu.product label, the os from OS.release.ID. K8S_VERSION and OS_ID are filled in.
constexpr char kSnapshotTemplate[] = R"(kind: Snapshot
apiVersion: aicr.run/v1alpha2
metadata: {timestamp: "2026-01-03T10:30:00Z", source-node: gpu-node-01}
measurements:
  - type: K8s
    subtypes:
      - subtype: server
        data: {version: K8S_VERSION}
      - subtype: node
        data: {provider: eks, kubelet-version: K8S_VERSION}
  - type: OS
    subtypes:
      - subtype: release
        data: {ID: OS_ID, VERSION_ID: "24.04"}
      - subtype: sysctl
        data: {/proc/sys/kernel/osrelease: 6.8.0-1028-aws}
  - type: NodeTopology
    subtypes:
      - subtype: summary
        data: {node-count: 4, taint-count: 0, label-count: 1}
      - subtype: label
        data: {nvidia.com/gpu.product: "NVIDIA-H100-80GB-HBM3|n1,n2,n3,n4"}
        items:
          - context: {key: nvidia.com/gpu.product, value: NVIDIA-H100-80GB-HBM3}
            data: {node-count: 4, node-list: "n1,n2,n3,n4", truncated: false}
)";

std::string SnapshotFile(const std::string& name, const std::string& k8s_version,
                         const std::string& os_id) {
  std::string s = kSnapshotTemplate;
  for (std::size_t p; (p = s.find("K8S_VERSION")) != std::string::npos;) {
    s.replace(p, 11, k8s_version);
  }
  s.replace(s.find("OS_ID"), 5, os_id);
  return WriteTempFile(name, s);
}

serialize::Value Yaml(const std::string& text) {
  auto v = serialize::ParseYaml(text);
  EXPECT_TRUE(v.ok()) << v.status().ToString() << "\n" << text;
  return v.ok() ? *v : serialize::Value();
}

std::string Str(const serialize::Value& doc, std::string_view path) {
  const serialize::Value* v = doc.FindPath(path);
  return v != nullptr && v->if_string() != nullptr ? *v->if_string() : "<absent>";
}

std::vector<std::string> Strings(const serialize::Value& doc, std::string_view path) {
  std::vector<std::string> out;
  const serialize::Value* seq = doc.FindPath(path);
  if (seq != nullptr && seq->if_sequence() != nullptr) {
    for (const serialize::Value& v : *seq->if_sequence()) {
      out.push_back(v.if_string() != nullptr ? *v.if_string() : v.DebugString());
    }
  }
  return out;
}

// name -> reason of metadata.excludedOverlays.
std::map<std::string, std::string> Excluded(const serialize::Value& doc) {
  std::map<std::string, std::string> out;
  const serialize::Value* seq = doc.FindPath("metadata.excludedOverlays");
  if (seq != nullptr && seq->if_sequence() != nullptr) {
    for (const serialize::Value& e : *seq->if_sequence()) {
      out[Str(e, "name")] = Str(e, "reason");
    }
  }
  return out;
}

// An external data directory adding one independent leaf for EKS H100 clusters
// that requires Kubernetes 1.35: the embedded chains stay intact beside it.
std::string CanaryDataDir() {
  const std::string dir = ::aicr::testing::TestTempDir() + "/canary-data";
  std::filesystem::create_directories(dir + "/overlays");
  std::ofstream(dir + "/registry.yaml")
      << "apiVersion: aicr.run/v1beta1\nkind: ComponentRegistry\ncomponents: []\n";
  std::ofstream(dir + "/overlays/h100-eks-canary.yaml") << R"(kind: RecipeMetadata
apiVersion: aicr.run/v1beta1
metadata:
  name: h100-eks-canary
spec:
  base: eks
  criteria:
    service: eks
    accelerator: h100
  constraints:
    - name: K8s.server.version
      value: ">= 1.35"
)";
  return dir;
}

TEST(RecipeSnapshotE2eTest, OverlaysWhoseConstraintsFailAreExcludedAndReported) {
  // Kubernetes 1.33.4 meets the embedded H100 EKS inference chain (>= 1.32.4) but
  // not the canary leaf (>= 1.35): the canary is excluded, the rest applies.
  const std::string data = CanaryDataDir();
  const std::string snap = SnapshotFile("k8s-133.yaml", "v1.33.4-eks-3025e55", "ubuntu");
  ProcessResult r = Aicr({"recipe", "--data", data, "--snapshot", snap, "--intent", "inference"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const serialize::Value doc = Yaml(r.out);
  // Criteria from the snapshot: provider, the topology's GPU product label, OS ID.
  EXPECT_EQ(Str(doc, "criteria.service"), "eks");
  EXPECT_EQ(Str(doc, "criteria.accelerator"), "h100");
  EXPECT_EQ(Str(doc, "criteria.os"), "ubuntu");
  EXPECT_EQ(Str(doc, "criteria.intent"), "inference");

  const std::map<std::string, std::string> excluded = Excluded(doc);
  EXPECT_EQ(excluded,
            (std::map<std::string, std::string>{{"h100-eks-canary", "constraint-failed"}}));
  const std::vector<std::string> applied = Strings(doc, "metadata.appliedOverlays");
  EXPECT_THAT(applied, IsSupersetOf({"base", "eks", "eks-inference", "h100-eks-inference",
                                     "h100-eks-ubuntu-inference"}));
  EXPECT_THAT(applied, Not(Contains("h100-eks-canary")));

  // The failure names the constraint, the expectation and the reading.
  const serialize::Value* warnings = doc.FindPath("metadata.constraintWarnings");
  ASSERT_NE(warnings, nullptr) << r.out;
  ASSERT_EQ(warnings->size(), 1u) << r.out;
  const serialize::Value& w = (*warnings->if_sequence())[0];
  EXPECT_EQ(Str(w, "overlay"), "h100-eks-canary");
  EXPECT_EQ(Str(w, "constraint"), "K8s.server.version");
  EXPECT_EQ(Str(w, "expected"), ">= 1.35");
  EXPECT_EQ(Str(w, "actual"), "v1.33.4-eks-3025e55");
  EXPECT_THAT(r.err, HasSubstr("excluded due to constraint failures"));

  // The control: a cluster that meets the canary's constraint gets it applied.
  const std::string newer = SnapshotFile("k8s-135.yaml", "v1.35.1-eks-3025e55", "ubuntu");
  ProcessResult ok = Aicr({"recipe", "--data", data, "--snapshot", newer, "--intent", "inference"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const serialize::Value full = Yaml(ok.out);
  EXPECT_TRUE(Excluded(full).empty()) << ok.out;
  EXPECT_THAT(Strings(full, "metadata.appliedOverlays"),
              IsSupersetOf({"h100-eks-canary", "h100-eks-ubuntu-inference"}));
}

TEST(RecipeSnapshotE2eTest, AnExcludedLeafTakesItsChainWithIt) {
  // Candidates are the most specific matching leaves; the embedded H100 EKS
  // Ubuntu inference leaf needs >= 1.32.4, and with it excluded no surviving
  // overlay provides the stated intent: exit 2, nothing printed.
  const std::string snap = SnapshotFile("k8s-132.yaml", "v1.32.1-eks-3025e55", "ubuntu");
  ProcessResult r = Aicr({"recipe", "--snapshot", snap, "--intent", "inference"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("intent 'inference'"));
  EXPECT_TRUE(r.out.empty());
}

TEST(RecipeSnapshotE2eTest, AStatedDimensionOnlyExcludedOverlaysProvideFails) {
  // kubeflow is provided only by the excluded H100 leaf: exit 2 naming the cause.
  const std::string snap = SnapshotFile("old-k8s-kubeflow.yaml", "v1.32.1-eks-3025e55", "ubuntu");
  ProcessResult r =
      Aicr({"recipe", "--snapshot", snap, "--intent", "training", "--platform", "kubeflow"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("platform 'kubeflow'"));
  EXPECT_THAT(r.err, HasSubstr("excluded by failing constraints"));
  EXPECT_TRUE(r.out.empty());
}

TEST(RecipeSnapshotE2eTest, SnapshotDerivedDimensionsNoOverlayCoversAreRelaxedOnce) {
  // rhel comes only from the snapshot and no EKS overlay covers it: dropped with a
  // warning, the recipe resolves without it.
  const std::string snap = SnapshotFile("rhel.yaml", "v1.33.4-eks-3025e55", "rhel");
  ProcessResult r = Aicr({"recipe", "--snapshot", snap, "--intent", "training"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("dropping snapshot-detected criterion"));
  const serialize::Value doc = Yaml(r.out);
  EXPECT_EQ(Str(doc, "criteria.service"), "eks");
  EXPECT_EQ(Str(doc, "criteria.accelerator"), "h100");
  EXPECT_NE(Str(doc, "criteria.os"), "rhel");
  EXPECT_THAT(Strings(doc, "metadata.appliedOverlays"), Contains("h100-eks-training"));

  // The same value stated on the command line is never relaxed.
  ProcessResult stated =
      Aicr({"recipe", "--snapshot", snap, "--intent", "training", "--os", "rhel"});
  EXPECT_EQ(stated.exit_code, 2) << stated.err;
  EXPECT_THAT(stated.err, HasSubstr("os 'rhel'"));
}

TEST(RecipeSnapshotE2eTest, FlagsOverrideSnapshotDetection) {
  const std::string snap = SnapshotFile("override.yaml", "v1.33.4-eks-3025e55", "ubuntu");
  ProcessResult r =
      Aicr({"recipe", "--snapshot", snap, "--intent", "inference", "--accelerator", "gb200"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const serialize::Value doc = Yaml(r.out);
  EXPECT_EQ(Str(doc, "criteria.accelerator"), "gb200");
  EXPECT_EQ(Str(doc, "criteria.service"), "eks");
  EXPECT_THAT(Strings(doc, "metadata.appliedOverlays"), Contains("gb200-eks-inference"));
}

}  // namespace
}  // namespace aicr
