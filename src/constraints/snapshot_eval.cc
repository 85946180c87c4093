#include "constraints/snapshot_eval.h"

#include <utility>

#include "constraints/expression.h"
#include "constraints/gpu_nodes.h"
#include "measurement/path.h"

namespace aicr::constraints {

EvalResult EvaluateConstraint(const measurement::Snapshot& snapshot, std::string_view name,
                              std::string_view value) {
  if (name == measurement::kPathGpuNodesLabel) {
    return EvaluateGpuNodesLabel(value, snapshot);
  }
  EvalResult r;
  Result<measurement::Path> path = measurement::ParseSnapshotPath(name);
  if (!path.ok()) {
    r.error = path.status();
    return r;
  }
  Result<std::string> actual = measurement::Extract(snapshot.measurements, *path);
  if (!actual.ok()) {
    r.error = actual.status();
    return r;
  }
  r.actual = std::move(*actual);
  Result<CompoundConstraint> expression = ParseCompound(value);
  if (!expression.ok()) {
    r.error = expression.status();
    return r;
  }
  Result<bool> passed = expression->Evaluate(r.actual);
  if (!passed.ok()) {
    r.error = passed.status();
    return r;
  }
  r.passed = *passed;
  return r;
}

Result<SnapshotEvalResult> EvaluateAgainstSnapshot(const measurement::Snapshot& snapshot,
                                                   std::string_view path,
                                                   std::string_view expression) {
  EvalResult r = EvaluateConstraint(snapshot, path, expression);
  if (!r.ok()) {
    return r.error;
  }
  return SnapshotEvalResult{r.passed, std::move(r.actual)};
}

}  // namespace aicr::constraints
