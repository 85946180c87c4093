#pragma once

/// \file
/// Building a CheckContext from the validator container's environment:
///
///   AICR_SNAPSHOT_PATH  the mounted snapshot (default /data/snapshot/snapshot.yaml; required)
///   AICR_RECIPE_PATH    the mounted recipe (default /data/recipe/recipe.yaml; optional:
///                       a missing file means no recipe)
///   AICR_NAMESPACE      the validation namespace, used when the service account's
///                       namespace file is absent (then `default`)
///   KUBECONFIG, or the in-cluster service account (k8s::ResolveRestConfig)

#include <chrono>
#include <memory>
#include <string>

#include "base/cancel.h"
#include "base/env.h"
#include "base/result.h"
#include "k8s/client.h"
#include "k8s/in_cluster.h"
#include "validator/checks/check.h"

namespace aicr::validator::checks {

inline constexpr char kDefaultSnapshotPath[] = "/data/snapshot/snapshot.yaml";
inline constexpr char kDefaultRecipePath[] = "/data/recipe/recipe.yaml";

struct LoadOptions {
  EnvLookup env;  ///< null = ProcessEnv()
  /// Where the service account's token, ca.crt and namespace live.
  std::string in_cluster_root = k8s::kServiceAccountDir;
  /// The overall budget, counted from the call.
  std::chrono::milliseconds timeout = kCheckExecutionTimeout;
  CancelToken cancel;
};

/// A context together with the client it points to.
struct LoadedContext {
  std::unique_ptr<k8s::Client> client;
  CheckContext ctx;
};

/// Resolves the cluster, the namespace, the snapshot and the recipe, in that order.
/// Errors (codes of the underlying failure): `failed to create kubernetes client: ...`,
/// `failed to load snapshot: ...`, `failed to load recipe: ...`.
Result<LoadedContext> LoadCheckContext(const LoadOptions& options);

}  // namespace aicr::validator::checks
