#include "client/diff.h"

#include "client/snapshot_loader.h"

namespace aicr::client {

Result<measurement::DiffResult> DiffSnapshots(const DiffRequest& request) {
  if (request.baseline.empty()) {
    return InvalidRequestError("required flag --baseline not set");
  }
  if (request.target.empty()) {
    return InvalidRequestError("required flag --target not set");
  }
  if (request.baseline == "-" && request.target == "-") {
    return InvalidRequestError("--baseline and --target cannot both read standard input");
  }
  Result<measurement::Snapshot> baseline =
      LoadSnapshot(request.baseline, request.configmaps, request.cancel);
  if (!baseline.ok()) {
    return baseline.status().WithContext("baseline");
  }
  Result<measurement::Snapshot> target =
      LoadSnapshot(request.target, request.configmaps, request.cancel);
  if (!target.ok()) {
    return target.status().WithContext("target");
  }
  measurement::DiffResult result = measurement::DiffSnapshots(*baseline, *target);
  result.baseline_source = request.baseline;
  result.target_source = request.target;
  return result;
}

}  // namespace aicr::client
