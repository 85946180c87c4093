#pragma once

/// \file
/// The node-set constraint form `NodeTopology.gpu-nodes.label` (the path is
/// measurement::kPathGpuNodesLabel). It names no reading: the GPU nodes are the
/// nodes carrying kGpuNodeUniverseLabel in the snapshot's `NodeTopology.label`
/// readings, and the value is a predicate over them:
///   `key=value`  every GPU node carries label `key` with exactly `value`
///                (`key=` is valid: an empty label value);
///   `!key`       no GPU node carries label `key`, whatever its value.
/// The scalar operator grammar (`>= x`, `!= x`) is not valid here.
///
/// Both directions fail closed: no label readings or an empty GPU-node universe is
/// NOT_FOUND; a truncated node list (`--max-nodes-per-entry`), a malformed reading
/// (not exactly one `|`, empty list, a node name that is not an RFC 1123
/// subdomain), an ambiguous dotted-key shape (`<key>.<value>` entries that may
/// collide with another label) or overlapping node sets is INVALID_REQUEST.
/// Lossless `items` are preferred over the folded `data` map when present.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "constraints/eval_result.h"
#include "measurement/snapshot.h"

namespace aicr::constraints {

/// Nodes carrying this label form the GPU-node universe.
inline constexpr std::string_view kGpuNodeUniverseLabel = "cloud.google.com/gke-accelerator";

/// At most this many node names are listed in a result; the rest are counted.
inline constexpr std::size_t kMaxReportedNodes = 5;

/// Checks the value grammar without a snapshot: `key=value` or `!key` with a valid
/// Kubernetes label key (and value). INVALID_REQUEST otherwise.
Status ValidateGpuNodesLabelValue(std::string_view value);

/// Evaluates the node-set predicate `value` against `snapshot`. On success `actual`
/// reads `all N GPU node(s) carry k=v`, `M of N GPU node(s) missing k=v: a,b`,
/// `none of N GPU node(s) carry label k` or `M of N GPU node(s) carry label k: a`.
EvalResult EvaluateGpuNodesLabel(std::string_view value, const measurement::Snapshot& snapshot);

/// Sorted node names joined by `,`, the first kMaxReportedNodes then ` (+K more)`.
std::string SummarizeNodes(const std::vector<std::string>& sorted_nodes);

}  // namespace aicr::constraints
