#pragma once

/// \file
/// Test helper (included by the *_test.cc files only): the plans of upstream's argocd-helm
/// scenarios, laid out with layout::WriteFolders and turned into a chart with GenerateArgoCDHelm.
/// Header-only; shared by the unit tests and the real-helm tests.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "deployer/argocd_helm/argocd_helm.h"
#include "layout/file_tree.h"
#include "layout/plan.h"
#include "layout/writer.h"
#include "serialize/yaml_reader.h"

namespace aicr::deployer::argocd_helm::testplans {

inline constexpr char kJetstack[] = "https://charts.jetstack.io";
inline constexpr char kNgc[] = "https://helm.ngc.nvidia.com/nvidia";

inline serialize::Value Yaml(std::string_view text) { return serialize::ParseYaml(text).value(); }

inline layout::ComponentPlan Helm(std::string name, std::string ns, std::string key,
                                  std::string repo, std::string version) {
  layout::ComponentPlan c;
  c.name = name;
  c.namespace_ = std::move(ns);
  c.override_key = std::move(key);
  c.repository = std::move(repo);
  c.chart = std::move(name);
  c.version = std::move(version);
  return c;
}

inline layout::Manifest M(std::string name, std::string content) {
  layout::Manifest m;
  m.source_path = "components/test/manifests/" + name;
  m.name = std::move(name);
  m.content = std::move(content);
  return m;
}

inline constexpr char kConfigMap[] =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tuning\n"
    "  namespace: {{ .Release.Namespace }}\ndata:\n  a: b\n";

inline layout::Plan BasePlan() {
  layout::Plan plan;
  plan.aicr_version = "v0.22.0";
  return plan;
}

/// cert-manager (upstream, `replicaCount` declared dynamic) and a manifest-only
/// nodewright-customizations.
inline layout::Plan HelmAndManifestOnly() {
  layout::Plan plan = BasePlan();
  layout::ComponentPlan cm =
      Helm("cert-manager", "cert-manager", "certmanager", kJetstack, "v1.17.2");
  cm.values = Yaml("replicaCount: 1\ncrds:\n  enabled: true\n");
  cm.dynamic_paths = {"replicaCount"};
  plan.components.push_back(cm);
  layout::ComponentPlan nodewright;
  nodewright.name = "nodewright-customizations";
  nodewright.namespace_ = "skyhook";
  nodewright.override_key = "nodewrightcustomizations";
  nodewright.post_manifests.push_back(M("tuning.yaml", kConfigMap));
  plan.components.push_back(nodewright);
  return plan;
}

/// gpu-operator with post-manifests (a `-post` local chart).
inline layout::Plan MixedComponent() {
  layout::Plan plan = BasePlan();
  layout::ComponentPlan gpu = Helm("gpu-operator", "gpu-operator", "gpuoperator", kNgc, "v25.3.3");
  gpu.values = Yaml("driver:\n  enabled: true\n  version: \"570.86.15\"\n");
  gpu.post_manifests.push_back(M("dcgm-exporter.yaml", kConfigMap));
  plan.components.push_back(gpu);
  return plan;
}

/// gpu-operator with a readiness gate.
inline layout::Plan ReadinessGate() {
  layout::Plan plan = BasePlan();
  plan.readiness_hooks = true;
  layout::ComponentPlan gpu = Helm("gpu-operator", "gpu-operator", "gpuoperator", kNgc, "v25.3.3");
  gpu.readiness_test =
      "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: gpu-operator-readiness-gate\n"
      "  namespace: {{ .Release.Namespace }}\n"
      "  annotations:\n    argocd.argoproj.io/sync-options: Replace=true,Force=true\n"
      "spec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n"
      "        - name: gate\n          image: ghcr.io/nvidia/aicr-gate:dev\n";
  plan.components.push_back(gpu);
  return plan;
}

/// Lays out `plan`'s folders and generates the chart; checks success, modes and
/// that every non-template YAML file parses.
inline layout::FileTree Generate(layout::Plan* plan, const ArgoCDHelmOptions& options = {}) {
  layout::FileTree tree;
  layout::WriterOptions writer;
  writer.aicr_version = plan->aicr_version;
  const Status written = layout::WriteFolders(plan, writer, &tree);
  EXPECT_TRUE(written.ok()) << written.ToString();
  const Status generated = GenerateArgoCDHelm(*plan, options, &tree);
  EXPECT_TRUE(generated.ok()) << generated.ToString();
  for (const auto& [path, file] : tree.files()) {
    if (path.ends_with(".yaml") && !path.starts_with("templates/") &&
        path.find("/templates/") == std::string::npos) {
      EXPECT_TRUE(serialize::ParseYamlDocuments(file.bytes).ok()) << path << ":\n" << file.bytes;
    }
    for (const char* stripped :
         {"/install.sh", "/upstream.env", "/cluster-values.yaml", "/apply-crds.sh"}) {
      EXPECT_FALSE(path.ends_with(stripped)) << path;
    }
  }
  return tree;
}

inline std::string Text(const layout::FileTree& tree, std::string_view path) {
  const layout::File* f = tree.Find(path);
  EXPECT_NE(f, nullptr) << path;
  return f == nullptr ? "" : f->bytes;
}

inline std::vector<std::string> Paths(const layout::FileTree& tree) {
  std::vector<std::string> out;
  for (const auto& [path, file] : tree.files()) {
    out.push_back(path);
  }
  return out;
}

}  // namespace aicr::deployer::argocd_helm::testplans
