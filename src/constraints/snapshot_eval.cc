#include "constraints/snapshot_eval.h"

#include "base/status_macros.h"
#include "constraints/expression.h"

namespace aicr::constraints {

Result<SnapshotEvalResult> EvaluateAgainstSnapshot(const measurement::Snapshot& snapshot,
                                                   std::string_view path,
                                                   std::string_view expression) {
  AICR_ASSIGN_OR_RETURN(std::string actual, snapshot.Extract(path));
  AICR_ASSIGN_OR_RETURN(const bool passed, Evaluate(expression, actual));
  return SnapshotEvalResult{passed, std::move(actual)};
}

}  // namespace aicr::constraints
