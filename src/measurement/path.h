#pragma once

/// \file
/// Measurement paths: the `{Type}.{Subtype}.{Key}` names constraints use to address
/// a snapshot reading (`K8s.server.version`, `OS.sysctl./proc/sys/kernel/osrelease`,
/// `SystemD.containerd.service.ActiveState`, `NetworkTopology.pfs[0].rail`), plus the
/// deployment-phase pseudo type (`Deployment.gpu-operator.version`).
///
/// Split rules: the type ends at the first dot. For every type but SystemD the
/// subtype ends at the next dot, so keys may contain dots and slashes; SystemD
/// subtypes are unit names (`containerd.service`) and its keys are dot-free, so
/// there the subtype ends at the LAST dot. A subtype may carry one item selector,
/// `[N]` or `[key=value]`, which must be followed by `.` and the key; the selector
/// starts at the first `[` before the subtype's end (for SystemD, the first `[`).
///
/// ValidatePath adds the load-time addressability check: a static catalogue of the
/// subtypes and keys a supported producer can emit, so that a typo such as
/// `K8s.server.versionn` fails when a recipe is loaded instead of silently
/// evaluating as an absent reading.

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/status.h"

namespace aicr::measurement {

/// Snapshot measurement types, in upstream order.
inline constexpr std::array<std::string_view, 6> kSnapshotTypes = {
    "K8s", "GPU", "OS", "SystemD", "NodeTopology", "NetworkTopology"};

/// The virtual node-set path: no producer emits it; its constraints are evaluated
/// over the GPU nodes found in the `NodeTopology.label` readings.
inline constexpr std::string_view kPathGpuNodesLabel = "NodeTopology.gpu-nodes.label";

/// The deployment-phase pseudo type (cluster-evaluated validator readings).
inline constexpr std::string_view kDeploymentType = "Deployment";

/// Whether `type` is one of kSnapshotTypes (case-sensitive).
bool IsSnapshotType(std::string_view type);

/// kSnapshotTypes followed by kDeploymentType.
const std::vector<std::string>& KnownTypes();

struct Path {
  std::string type;
  std::string subtype;
  std::string key;
  /// The text between `[` and `]`, empty when the path has no item selector.
  std::string selector;

  /// The path text (`Type.subtype[selector].key`); round-trips ParseMeasurementPath.
  std::string ToString() const;

  friend bool operator==(const Path&, const Path&) = default;
};

/// Parses `path`. The type must be a snapshot type or `Deployment` (case-sensitive).
/// INVALID_REQUEST, all starting `invalid measurement path "<path>": ` except the first:
///  - `measurement path cannot be empty`
///  - `expected format {Type}.{Subtype}.{Key}`
///  - `unknown measurement type "<t>" (valid: K8s, GPU, OS, SystemD, NodeTopology,
///    NetworkTopology, Deployment)`, with `; did you mean "<t>"?` when one is close
///  - `empty subtype`, `empty key`, `unclosed item selector`, `empty item selector`,
///    `expected "." after item selector`, `invalid item selector "<s>": expected an
///    index or key=value`
Result<Path> ParseMeasurementPath(std::string_view path);

/// ParseMeasurementPath restricted to snapshot types: a `Deployment.` path is
/// INVALID_REQUEST `invalid measurement path "<path>": measurement type "Deployment" is
/// only valid in deployment-phase validation constraints`.
Result<Path> ParseSnapshotPath(std::string_view path);

/// Whether `path` is addressable: ParseSnapshotPath accepts it and the catalogue
/// says some supported producer can emit that reading (a snapshot may still lack
/// it; that is a NOT_FOUND at evaluation, not an error here). kPathGpuNodesLabel is
/// accepted verbatim. INVALID_REQUEST, prefixed `invalid measurement path "<path>": `:
///  - any ParseSnapshotPath error (as is)
///  - `unknown subtype "<s>" for measurement type "<T>"`
///  - `subtype "<s>" of measurement type "<T>" exposes no scalar readings` (plus
///    `; it requires an item selector, e.g. <T>.<s>[0].<key>` when it has items)
///  - `unknown key "<k>" in subtype "<s>" of measurement type "<T>"`
///  - `subtype "<s>" of measurement type "<T>" has no items; an item selector is not
///    valid here`
///  - `unknown item predicate key "<k>" ...`, `unknown item key "<k>" ...`
/// Unknown names in closed sets end with `; did you mean "<x>"?` when a candidate is
/// within edit distance 2 (ties go to the lexically smaller). Subtype names of
/// SystemD (unit names) and the keys of open sets (`K8s.image`, `K8s.policy`, all of
/// `OS`, `NodeTopology.label`/`taint`, ...) are not checked.
Status ValidatePath(std::string_view path);

/// The candidate within edit distance 2 of `name` (ties: lexically smaller), or
/// empty when none is that close or `name` is empty.
std::string SuggestPathPart(std::string_view name, std::vector<std::string> candidates);

}  // namespace aicr::measurement
