#pragma once

/// \file
/// Evaluates a constraint (`{Type}.{Subtype}.{Key}` path and expression) against a
/// snapshot: the reading is extracted by path and compared with the expression.
/// The virtual path `NodeTopology.gpu-nodes.label` is dispatched to the node-set
/// form (constraints/gpu_nodes.h) instead.

#include <string>
#include <string_view>

#include "base/result.h"
#include "constraints/eval_result.h"
#include "measurement/snapshot.h"

namespace aicr::constraints {

/// Evaluates constraint `name` (a measurement path) with expression `value`. In
/// order: a malformed path is INVALID_REQUEST; a missing reading is NOT_FOUND (the
/// "reading absent" outcome; CONFLICT when an item predicate matches several
/// items); then `actual` is set, and a malformed expression or a value that must
/// be, but is not, a version is INVALID_REQUEST.
EvalResult EvaluateConstraint(const measurement::Snapshot& snapshot, std::string_view name,
                              std::string_view value);

struct SnapshotEvalResult {
  bool passed = false;
  std::string actual;  ///< the reading's text
};

/// EvaluateConstraint with the error as the status: NOT_FOUND when the snapshot has
/// no such reading (the "reading absent" signal); INVALID_REQUEST for a malformed
/// path or expression, or values that cannot be compared as versions.
Result<SnapshotEvalResult> EvaluateAgainstSnapshot(const measurement::Snapshot& snapshot,
                                                   std::string_view path,
                                                   std::string_view expression);

}  // namespace aicr::constraints
