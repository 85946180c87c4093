#pragma once

/// \file
/// Evaluates a constraint (`{Type}.{Subtype}.{Key}` path and expression) against a
/// snapshot: the reading is extracted by path and compared with the expression.

#include <string>
#include <string_view>

#include "base/result.h"
#include "measurement/snapshot.h"

namespace aicr::constraints {

struct SnapshotEvalResult {
  bool passed = false;
  std::string actual;  ///< the reading's text
};

/// NOT_FOUND when the snapshot has no such reading (the "reading absent" signal);
/// INVALID_REQUEST for a malformed path or expression, or values that cannot be
/// compared as versions.
Result<SnapshotEvalResult> EvaluateAgainstSnapshot(const measurement::Snapshot& snapshot,
                                                   std::string_view path,
                                                   std::string_view expression);

}  // namespace aicr::constraints
