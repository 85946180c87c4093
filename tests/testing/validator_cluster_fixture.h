#pragma once

/// \file
/// Cluster and document fixtures shared by the validator tests: the API objects a
/// healthy GPU Operator deployment leaves behind (seeded into the test API server,
/// statuses included), a recipe declaring them, and a minimal snapshot. The apps/v1
/// kinds are served through CustomResourceDefinitions, the test server's way of
/// serving groups it does not build in.

#include <string>

namespace aicr::validator::checks::testdata {

/// apps/v1 Deployments, DaemonSets and StatefulSets, served by the test server.
inline constexpr char kAppsKinds[] = R"(
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: deployments.apps}
spec:
  group: apps
  scope: Namespaced
  names: {plural: deployments, singular: deployment, kind: Deployment}
  versions: [{name: v1, served: true, storage: true, subresources: {status: {}}}]
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: daemonsets.apps}
spec:
  group: apps
  scope: Namespaced
  names: {plural: daemonsets, singular: daemonset, kind: DaemonSet}
  versions: [{name: v1, served: true, storage: true, subresources: {status: {}}}]
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: statefulsets.apps}
spec:
  group: apps
  scope: Namespaced
  names: {plural: statefulsets, singular: statefulset, kind: StatefulSet}
  versions: [{name: v1, served: true, storage: true, subresources: {status: {}}}]
)";

/// A Deployment with `replicas` desired and `available` available replicas.
inline std::string Deployment(const std::string& ns, const std::string& name, int replicas,
                              int available, const std::string& image,
                              const std::string& version_label = "") {
  std::string labels = "{app: " + name + "}";
  if (!version_label.empty()) {
    labels = "{app: " + name + ", app.kubernetes.io/version: \"" + version_label + "\"}";
  }
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name + ", namespace: " + ns +
         ", labels: " + labels + "}\nspec:\n  replicas: " + std::to_string(replicas) +
         "\n  template:\n    spec:\n      containers:\n      - {name: " + name + ", image: \"" +
         image + "\"}\nstatus: {availableReplicas: " + std::to_string(available) + "}\n";
}

inline std::string DaemonSet(const std::string& ns, const std::string& name, int desired,
                             int ready) {
  return "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: " + name + ", namespace: " + ns +
         "}\nstatus: {desiredNumberScheduled: " + std::to_string(desired) +
         ", numberReady: " + std::to_string(ready) + "}\n";
}

inline std::string StatefulSet(const std::string& ns, const std::string& name, int replicas,
                               int ready) {
  return "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: " + name + ", namespace: " + ns +
         "}\nspec: {replicas: " + std::to_string(replicas) +
         "}\nstatus: {readyReplicas: " + std::to_string(ready) + "}\n";
}

/// The ClusterPolicy CRD (the test server marks a new CRD Established).
inline constexpr char kClusterPolicyCrd[] = R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: clusterpolicies.nvidia.com}
spec:
  group: nvidia.com
  scope: Cluster
  names: {plural: clusterpolicies, singular: clusterpolicy, kind: ClusterPolicy}
  versions: [{name: v1, served: true, storage: true}]
)";

inline std::string Pod(const std::string& ns, const std::string& name, const std::string& app,
                       const std::string& phase) {
  return "apiVersion: v1\nkind: Pod\nmetadata: {name: " + name + ", namespace: " + ns +
         ", labels: {app: " + app + "}}\nspec:\n  containers:\n  - {name: c, image: " +
         "\"nvcr.io/nvidia/gpu-operator:v25.3.0\"}\nstatus: {phase: " + phase + "}\n";
}

inline constexpr char kGpuOperatorImage[] = "nvcr.io/nvidia/gpu-operator:v25.3.0";

/// Every object a healthy cluster has (the apps kinds excluded).
inline std::string HealthyCluster() {
  return Deployment("gpu-operator", "gpu-operator", 1, 1, kGpuOperatorImage) + "---\n" +
         DaemonSet("gpu-operator", "nvidia-device-plugin-daemonset", 2, 2) + "---\n" +
         StatefulSet("monitoring", "prometheus", 2, 2) + "---\n" + kClusterPolicyCrd +
         "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: default-mig-parted-config, "
         "namespace: gpu-operator}\n---\n" +
         Pod("gpu-operator", "gpu-operator-7d9c5", "gpu-operator", "Running") + "---\n" +
         Pod("gpu-operator", "nvidia-dcgm-exporter-x2k4", "nvidia-dcgm-exporter", "Pending");
}

/// A recipe declaring the healthy cluster's resources and a version constraint.
inline std::string Recipe(const std::string& version_constraint = ">= v25.0.0",
                          const std::string& gpu_operator_enabled = "true") {
  return R"(kind: RecipeResult
apiVersion: aicr.run/v1
metadata: {version: v0.0.0}
componentRefs:
- name: gpu-operator
  namespace: gpu-operator
  type: Helm
  source: https://helm.ngc.nvidia.com/nvidia
  version: v25.3.0
  overrides: {enabled: )" +
         gpu_operator_enabled + R"(}
  expectedResources:
  - {kind: Deployment, name: gpu-operator, namespace: gpu-operator}
  - {kind: DaemonSet, name: nvidia-device-plugin-daemonset, namespace: gpu-operator}
  - {kind: CustomResourceDefinition, name: clusterpolicies.nvidia.com}
  - {kind: ConfigMap, name: default-mig-parted-config, namespace: gpu-operator}
- name: kube-prometheus-stack
  namespace: monitoring
  type: Helm
  source: https://prometheus-community.github.io/helm-charts
  version: 75.0.0
  expectedResources:
  - {kind: StatefulSet, name: prometheus, namespace: monitoring}
deploymentOrder: [gpu-operator, kube-prometheus-stack]
validation:
  deployment:
    constraints:
    - {name: Deployment.gpu-operator.version, value: ")" +
         version_constraint + R"("}
    checks: [operator-health, expected-resources, gpu-operator-version]
)";
}

inline constexpr char kSnapshot[] = R"(kind: Snapshot
apiVersion: aicr.run/v1alpha2
metadata: {version: v0.0.0}
measurements:
- type: K8s
  subtypes:
  - subtype: server
    data: {version: v1.33.5}
)";

}  // namespace aicr::validator::checks::testdata
