#pragma once

/// \file
/// The snapshot fingerprint: a structured cluster identity (service, accelerator,
/// OS, Kubernetes version, region, node counts) derived from a snapshot's
/// measurements and stored under the snapshot's `fingerprint:` key.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "serialize/value.h"

namespace aicr::measurement {

struct Measurement;

/// A string dimension. An empty value means "not captured"; `note` says why when
/// that is deliberate (`multi-gpu`, `multi-region`, `unknown-sku`).
struct Dimension {
  std::string value;
  /// The collector signal that produced it, e.g. `k8s.node.provider`.
  std::string source;
  std::string note;

  bool empty() const { return value.empty() && source.empty() && note.empty(); }
  friend bool operator==(const Dimension&, const Dimension&) = default;
};

/// An integer dimension; 0 means "not captured".
struct IntDimension {
  std::int64_t value = 0;
  std::string source;

  friend bool operator==(const IntDimension&, const IntDimension&) = default;
};

/// The OS dimension: the normalised OS kind plus the raw `VERSION_ID`.
struct OsDimension {
  std::string value;
  std::string version;
  std::string source;

  friend bool operator==(const OsDimension&, const OsDimension&) = default;
};

/// Structured cluster identity at snapshot time.
struct Fingerprint {
  /// eks, gke, aks, oke, kind, ... from `K8s.node.provider`.
  Dimension service;
  /// A recipe accelerator (SupportedAccelerators) from the GPU product label, else
  /// from `GPU.hardware.model` when that is supported.
  Dimension accelerator;
  /// The descriptive `GPU.hardware.model`, supported or not; never used for matching.
  Dimension gpu_model;
  OsDimension os;
  /// `K8s.server.version` without its leading `v` (extras such as `-eks-...` kept).
  Dimension k8s_version;
  /// The `topology.kubernetes.io/region` label value.
  Dimension region;
  /// `NodeTopology.summary.node-count`.
  IntDimension node_count;
  /// Distinct nodes carrying an `nvidia.com/gpu.product` label.
  IntDimension gpu_node_count;

  friend bool operator==(const Fingerprint&, const Fingerprint&) = default;
};

/// The fingerprint in criteria terms, as plain strings (empty / 0 = not captured).
struct FingerprintCriteria {
  std::string service;
  std::string accelerator;
  std::string os;
  std::string os_version;
  std::string k8s_version;
  std::string region;
  std::int64_t node_count = 0;
  std::int64_t gpu_node_count = 0;

  friend bool operator==(const FingerprintCriteria&, const FingerprintCriteria&) = default;
};

/// Derives the fingerprint. Missing signals leave their dimension empty. Accelerator
/// priority: the `NodeTopology.label` `nvidia.com/gpu.product` entries (several
/// `nvidia.com/gpu.product.<value>` keys -> note `multi-gpu`; one value parsed with
/// ParseGpuSku, unrecognised -> note `unknown-sku`), then `GPU.hardware.model` when it
/// is a supported accelerator (otherwise note `unknown-sku` unless a note is set).
Fingerprint FromMeasurements(const std::vector<Measurement>& measurements);

/// The criteria view of `fp`.
FingerprintCriteria ToCriteria(const Fingerprint& fp);

/// Maps a GPU product name (nvidia-smi `NVIDIA H100 80GB HBM3` or the label form
/// `NVIDIA-H100-80GB-HBM3`) to a recipe accelerator: the name is upper-cased, split
/// into tokens on whitespace and `-`, and matched on whole tokens (so `L40S` is not
/// `L40`, `GH200` is not `H200`, `RTX A1000` is not `A100`). Empty when unknown.
std::string ParseGpuSku(std::string_view product);

/// The recipe accelerator values, sorted: a100 b200 gb200 gb300 h100 h200 l40 l40s
/// rtx-pro-6000.
const std::vector<std::string>& SupportedAccelerators();
bool IsSupportedAccelerator(std::string_view accelerator);

/// Maps an /etc/os-release `ID` (case-insensitive, trimmed) to a recipe OS kind:
/// ubuntu; rhel (also redhat, redhatenterpriselinux); cos; amazonlinux (also amzn,
/// amazon, al2, al2023); ol; talos. Empty for anything else.
std::string NormalizeOsId(std::string_view id);

/// The `fingerprint:` mapping: service, accelerator, gpuModel, os, k8sVersion, region,
/// nodeCount, gpuNodeCount. `value` is always written, `source`/`note`/`version` only
/// when set; gpuModel and region are left out when empty.
serialize::Value EncodeFingerprint(const Fingerprint& fp);

/// Reads what EncodeFingerprint writes; unknown keys are ignored, missing ones stay
/// empty. INVALID_REQUEST `fingerprint.<field>: ...` on a wrongly typed field.
Result<Fingerprint> DecodeFingerprint(const serialize::Value& value);

}  // namespace aicr::measurement
