#pragma once

/// \file
/// Facade: comparing two snapshots (`aicr diff`).

#include <string>

#include "base/cancel.h"
#include "base/result.h"
#include "measurement/diff.h"
#include "serialize/cm_uri.h"

namespace aicr::client {

/// `aicr diff` input.
struct DiffRequest {
  std::string baseline;  ///< file, `-`, http(s) URL or cm://ns/name
  std::string target;    ///< likewise
  /// Where cm:// sources are read from (Client::configmaps()); null: cm:// fails.
  serialize::ConfigMapStore* configmaps = nullptr;
  CancelToken cancel;
};

/// Loads both snapshots with the loader `recipe --snapshot` uses and compares
/// them; the sources are recorded in the result as given. INVALID_REQUEST
/// `required flag --baseline not set` / `--target` for an empty source; load
/// errors carry `baseline` or `target` context.
Result<measurement::DiffResult> DiffSnapshots(const DiffRequest& request);

}  // namespace aicr::client
