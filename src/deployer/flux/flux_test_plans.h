#pragma once

// Test-only helpers (included by the *_test.cc files only) shared by the flux deployer tests:
// hand-made plans that run through the real layout writer (layout::WriteFolders) before
// GenerateFlux, the way the bundler drives them.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "deployer/flux/flux.h"
#include "layout/file_tree.h"
#include "layout/plan.h"
#include "layout/writer.h"
#include "serialize/value.h"
#include "serialize/yaml_reader.h"

namespace aicr::deployer::flux::testing {

inline constexpr char kJetstack[] = "https://charts.jetstack.io";
inline constexpr char kNgc[] = "https://helm.ngc.nvidia.com/nvidia";

inline serialize::Value Yaml(std::string_view text) { return serialize::ParseYaml(text).value(); }

inline layout::ComponentPlan Upstream(std::string name, std::string ns, std::string repository,
                                      std::string version, std::string values_yaml = "") {
  layout::ComponentPlan c;
  c.name = std::move(name);
  c.namespace_ = std::move(ns);
  c.repository = std::move(repository);
  c.chart = c.name;
  c.version = std::move(version);
  if (!values_yaml.empty()) {
    c.values = Yaml(values_yaml);
  }
  return c;
}

inline layout::ComponentPlan ManifestOnly(std::string name, std::string ns) {
  layout::ComponentPlan c;
  c.name = std::move(name);
  c.namespace_ = std::move(ns);
  return c;
}

inline layout::Manifest M(std::string path, std::string content) {
  layout::Manifest m;
  m.name = path.substr(path.find_last_of('/') + 1);
  m.source_path = std::move(path);
  m.content = std::move(content);
  return m;
}

/// A ConfigMap manifest template named `name` in the release namespace.
inline std::string ConfigMapTemplate(const std::string& name) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name +
         "\n  namespace: {{ .Release.Namespace }}\ndata:\n  chart: {{ .Chart.Name }}\n";
}

/// Runs the layout writer, then GenerateFlux; expects both to succeed and checks
/// what every flux tree must satisfy: no numbered folder left, every YAML file
/// parses, generated files are 0600.
inline layout::FileTree Build(layout::Plan plan,
                              layout::WriterOptions options = layout::WriterOptions{}) {
  if (options.aicr_version.empty()) {
    options.aicr_version = plan.aicr_version.empty() ? "v0.9.0" : plan.aicr_version;
  }
  layout::FileTree tree;
  const Status written = layout::WriteFolders(&plan, options, &tree);
  EXPECT_TRUE(written.ok()) << written.ToString();
  const Status generated = GenerateFlux(plan, &tree);
  EXPECT_TRUE(generated.ok()) << generated.ToString();
  for (const auto& [path, file] : tree.files()) {
    EXPECT_FALSE(path.size() > 4 && path[0] >= '0' && path[0] <= '9' && path[3] == '-')
        << "numbered folder left: " << path;
    if (path.ends_with(".yaml")) {
      const auto parsed = serialize::ParseYamlDocuments(file.bytes);
      EXPECT_TRUE(parsed.ok()) << path << ": " << parsed.status().ToString() << "\n" << file.bytes;
    }
    if (path.ends_with(kHelmReleaseName) || path.ends_with(kConfigMapName) ||
        path.starts_with("sources/") || path == kKustomizationName || path == kReadmeName) {
      EXPECT_EQ(file.mode, layout::kModePrivate) << path;
    }
  }
  return tree;
}

inline std::vector<std::string> Paths(const layout::FileTree& tree) {
  std::vector<std::string> out;
  for (const auto& [path, file] : tree.files()) {
    out.push_back(path);
  }
  return out;
}

inline std::string Text(const layout::FileTree& tree, std::string_view path) {
  const layout::File* f = tree.Find(path);
  EXPECT_NE(f, nullptr) << path;
  return f == nullptr ? "" : f->bytes;
}

/// The parsed document of a single-document file (after the header's `---`).
inline serialize::Value Doc(const layout::FileTree& tree, std::string_view path) {
  auto docs = serialize::ParseYamlDocuments(Text(tree, path));
  EXPECT_TRUE(docs.ok()) << path << ": " << docs.status().ToString();
  if (!docs.ok()) {
    return serialize::Value();
  }
  for (auto& d : *docs) {
    if (!d.is_null()) {
      return d;
    }
  }
  return serialize::Value();
}

/// A mixed bundle covering every release shape: a mixed upstream chart with
/// post-manifests (cert-manager), a component with pre- and post-manifests that
/// depends on it and has dynamic values (gpu-operator), an OCI chart
/// (nvsentinel) and a manifest-only component (nodewright-customizations).
inline layout::Plan MixedPlan() {
  layout::Plan plan;
  plan.aicr_version = "v1.0.0";

  layout::ComponentPlan cm =
      Upstream("cert-manager", "cert-manager", kJetstack, "v1.17.2", "crds:\n  enabled: true\n");
  cm.post_manifests.push_back(M("components/cert-manager/issuer.yaml",
                                "apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n"
                                "  name: selfsigned\nspec:\n  selfSigned: {}\n"));
  plan.components.push_back(std::move(cm));

  layout::ComponentPlan gpu = Upstream("gpu-operator", "gpu-operator", kNgc, "v25.3.3",
                                       "driver:\n  enabled: true\n  version: 570.86.16\n");
  gpu.dependencies = {"cert-manager"};
  gpu.level = 1;
  gpu.owns_crds = true;
  gpu.dynamic_paths = {"driver.version"};
  gpu.pre_manifests.push_back(
      M("components/gpu-operator/namespace.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {{ .Release.Namespace }}\n"
        "  labels:\n    pod-security.kubernetes.io/enforce: privileged\n"));
  gpu.post_manifests.push_back(
      M("components/gpu-operator/dcgm-config.yaml", ConfigMapTemplate("dcgm-config")));
  plan.components.push_back(std::move(gpu));

  layout::ComponentPlan sentinel =
      Upstream("nvsentinel", "nvsentinel", "oci://ghcr.io/nvidia", "v0.4.1", "replicas: 2\n");
  sentinel.dependencies = {"gpu-operator"};
  sentinel.level = 2;
  plan.components.push_back(std::move(sentinel));

  layout::ComponentPlan tuning = ManifestOnly("nodewright-customizations", "skyhook");
  tuning.values = Yaml("profile: training\n");
  tuning.dependencies = {"gpu-operator", "cert-manager"};
  tuning.level = 2;
  tuning.post_manifests.push_back(M("components/nodewright-customizations/tuning.yaml",
                                    ConfigMapTemplate("tuning-{{ index .Values "
                                                      "\"nodewright-customizations\" \"profile\" "
                                                      "}}")));
  plan.components.push_back(std::move(tuning));
  return plan;
}

}  // namespace aicr::deployer::flux::testing
