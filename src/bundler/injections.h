#pragma once

/// \file
/// Values the bundler writes itself after every user override, so they cannot
/// drift (aicr-bundle §1.2 step 6), and the non-blocking notes of §6.3 that read
/// the final values:
///  - the DRA chart-version pod annotation: when gpu-operator and
///    nvidia-dra-driver-gpu (or their -ocp twins) are both in the bundle, the DRA
///    controller and kubelet-plugin pod templates carry
///    `aicr.run/gpu-operator-chart-version: <gpu-operator version>`, so a GPU
///    Operator upgrade re-rolls the kubelet plugin;
///  - the DRA eviction contract (`--dra-eviction-node-label k=v`): the kubelet
///    plugin is pinned to nodes with that label and the GPU Operator's driver
///    manager learns the label key through `NODE_LABEL_FOR_GPU_POD_EVICTION`.

#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "serialize/value.h"

namespace aicr::bundler {

inline constexpr char kDraChartVersionAnnotation[] = "aicr.run/gpu-operator-chart-version";
inline constexpr char kEvictionEnv[] = "NODE_LABEL_FOR_GPU_POD_EVICTION";

struct InjectionInput {
  /// Final values of every selected component, by name (modified in place).
  std::map<std::string, serialize::Value>* values = nullptr;
  /// Chart version of every selected component, by name.
  std::map<std::string, std::string> versions;
  /// `--dra-eviction-node-label` as `key=value`, or "".
  std::string eviction_label;
  /// `--dynamic` paths by component.
  std::map<std::string, std::vector<std::string>> dynamic_paths;
};

/// Applies the injections; returns the `Warning: ` notes. INVALID_REQUEST when a
/// `--dynamic` path would defer a value the eviction contract writes.
Status ApplyBundlerInjections(const InjectionInput& input, std::vector<std::string>* warnings);

/// `Warning: ` notes for PersistentVolumeClaim templates (`volumeClaimTemplate`)
/// in `values` without a `storageClassName`.
void NotePvcWithoutStorageClass(const std::string& component, const serialize::Value& values,
                                std::vector<std::string>* warnings);

}  // namespace aicr::bundler
