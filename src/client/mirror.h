#pragma once

/// \file
/// `aicr mirror list` in the facade: the recipe (a RecipeResult source or criteria
/// to resolve), the catalogue of `--data`, and image and chart discovery.

#include <string>
#include <vector>

#include "base/cancel.h"
#include "base/result.h"
#include "client/client.h"
#include "mirror/mirror_list.h"
#include "recipe/coverage.h"

namespace aicr::client {

struct MirrorRequest {
  /// A RecipeResult source (file, http(s) URL, cm://namespace/name or `-`); empty:
  /// resolve `resolve` instead.
  std::string recipe;
  /// Criteria, profile, snapshot, config, `--data` and strictness for resolution;
  /// `resolve.data_dir` is also the catalogue a `recipe` is read against.
  RecipeRequest resolve;
  /// `component:path=value` overrides (`--set`).
  std::vector<std::string> set;
  /// Stops discovery (and the helm subprocesses) when it fires.
  CancelToken cancel;
};

/// Lists the images and charts the recipe needs. INVALID_REQUEST when `recipe` is
/// combined with criteria, a snapshot or a profile, for a malformed `--set`, and for
/// the recipe's own read, decode and resolution errors (with their codes); per-
/// component render failures are warnings in the list.
Result<mirror::MirrorList> ListMirror(const Client& client, const MirrorRequest& request,
                                      const std::string& version,
                                      recipe::ResolutionErrorDetails* details = nullptr);

}  // namespace aicr::client
