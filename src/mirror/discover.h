#pragma once

/// \file
/// Image and chart discovery for `aicr mirror list`. For each enabled component of
/// a resolved recipe, in deployment order: a Helm component's merged values (the
/// bundler's value building, scalar `--set` overrides included) are rendered with
/// `helm template` and the image references in the output are collected; every
/// component's `manifestFiles` / `preManifestFiles` are rendered with its values
/// and scanned too. A component that cannot be rendered gets a warning, never an
/// error: only cancellation, a malformed `--set` and an unusable recipe are fatal.

#include <string>
#include <vector>

#include "base/cancel.h"
#include "base/result.h"
#include "mirror/helm_render.h"
#include "mirror/mirror_list.h"
#include "recipe/result.h"
#include "recipe/store.h"

namespace aicr::mirror {

struct DiscoverOptions {
  /// `component:path=value` scalar overrides (`--set`); component names may be
  /// registry aliases (`valueOverrideKeys`); `component:enabled=false` drops one.
  std::vector<std::string> set;
  /// Recorded as metadata.recipeVersion when the recipe carries no version.
  std::string version;
  /// Renders one chart; empty: RenderHelmChart with `helm` and the kube version
  /// of the recipe's constraints.
  HelmRenderer renderer;
  /// Charts rendered at the same time.
  int parallelism = 4;
  CancelToken cancel;
};

/// Discovers the images and charts of `recipe`. Errors: INVALID_REQUEST for a
/// malformed `--set`, an override aimed at a component the recipe lacks, or a
/// recipe without components; CANCELED when `options.cancel` fires.
Result<MirrorList> Discover(const recipe::RecipeResult& recipe, const recipe::Store& store,
                            const DiscoverOptions& options);

}  // namespace aicr::mirror
