#pragma once

// Shared inputs of the evidence tests: a recipe, a snapshot with private detail
// the redaction must drop, and per-phase CTRF reports.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "evidence/builder.h"
#include "measurement/snapshot.h"
#include "recipe/result.h"
#include "serialize/yaml_reader.h"
#include "validator/ctrf.h"

namespace aicr::evidence::testing {

inline constexpr char kRecipeYaml[] = R"(# a comment that canonicalisation drops
kind: RecipeResult
apiVersion: aicr.run/v1
metadata:
  version: v1.0.0
criteria:
  service: eks
  accelerator: h100
  intent: training
  os: ubuntu
  platform: any
componentRefs:
  - name: gpu-operator
    namespace: gpu-operator
    chart: gpu-operator
    type: Helm
    source: https://helm.ngc.nvidia.com/nvidia
    version: v25.3.0
  - name: cert-manager
    namespace: cert-manager
    chart: cert-manager
    type: Helm
    source: https://charts.jetstack.io
    version: v1.17.2
deploymentOrder: [cert-manager, gpu-operator]
)";

inline constexpr char kSnapshotYaml[] = R"(kind: Snapshot
apiVersion: aicr.run/v1alpha2
metadata:
  source-node: ip-10-0-0-12.internal
  timestamp: "2026-01-01T00:00:00Z"
  version: v1.0.0
measurements:
  - type: K8s
    subtypes:
      - subtype: server
        data: {version: v1.33.4-eks-1234}
      - subtype: node
        data:
          provider: eks
          kubelet-version: v1.33.4
          os-image: Ubuntu 24.04.2 LTS
          internal-ip: 10.0.0.12
      - subtype: image
        data: {gpu-operator: "nvcr.io/nvidia/gpu-operator:v25.3.0"}
  - type: OS
    subtypes:
      - subtype: release
        data: {ID: ubuntu, VERSION_ID: "24.04"}
      - subtype: sysctl
        data: {/proc/sys/kernel/hostname: secret-host}
  - type: GPU
    subtypes:
      - subtype: hardware
        data: {model: NVIDIA H100 80GB HBM3, count: 8}
  - type: SystemD
    subtypes:
      - subtype: containerd.service
        data: {ActiveState: active}
  - type: NodeTopology
    subtypes:
      - subtype: summary
        data: {node-count: 2}
      - subtype: label
        data: {nvidia.com/gpu.product: "NVIDIA-H100-80GB-HBM3"}
)";

inline std::chrono::system_clock::time_point FixedTime() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));  // 2026-01-01
}

inline validator::ctrf::Report PhaseReport(validator::Phase phase, int passed, int failed) {
  const FakeClock clock(FixedTime());
  validator::ctrf::Builder b("aicr", "v1.0.0", clock);
  const std::string name(validator::PhaseName(phase));
  for (int i = 0; i < passed + failed; ++i) {
    validator::ctrf::TestResult t;
    t.name = name + "-check-" + std::to_string(i);
    t.status =
        i < passed ? validator::ctrf::TestStatus::kPassed : validator::ctrf::TestStatus::kFailed;
    t.duration = 1000;
    t.suite = {name};
    t.message = "node ip-10-0-0-12 answered";
    t.stdout_lines = {"private log line"};
    t.extra = {{"gpus", "8"}};
    b.AddTest(t);
  }
  return b.Build();
}

inline EvidenceInputs Inputs(bool full = false) {
  EvidenceInputs in;
  in.recipe_yaml = kRecipeYaml;
  in.recipe = recipe::RecipeResultFromValue(*serialize::ParseYaml(kRecipeYaml)).value();
  in.snapshot = measurement::DecodeSnapshot(*serialize::ParseYaml(kSnapshotYaml)).value();
  in.phase_reports = {
      {validator::Phase::kDeployment, PhaseReport(validator::Phase::kDeployment, 2, 0)},
      {validator::Phase::kConformance, PhaseReport(validator::Phase::kConformance, 1, 0)}};
  in.aicr_version = "v1.0.0";
  in.catalog_version = "1.0.0";
  in.validator_images = {
      {"ghcr.io/nvidia/aicr-validators/conformance:v1.0.0", ""},
      {"ghcr.io/nvidia/aicr-validators/deployment@sha256:" + std::string(64, 'a'),
       "sha256:" + std::string(64, 'a')}};
  in.attested_at = FixedTime();
  in.full = full;
  return in;
}

}  // namespace aicr::evidence::testing
