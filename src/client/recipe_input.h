#pragma once

/// \file
/// A recipe given with `-r` to `validate` and `evidence digest`: a RecipeResult as
/// written by `aicr recipe`, or an overlay (kind RecipeMetadata, e.g. a catalogue
/// leaf) hydrated by resolving its `spec.criteria` against the catalogue, with an
/// optional profile selection.

#include <string>

#include "base/cancel.h"
#include "base/result.h"
#include "client/client.h"
#include "recipe/result.h"

namespace aicr::client {

struct RecipeInputRequest {
  std::string source{};    ///< file, http(s) URL or cm://namespace/name
  std::string profile{};   ///< `name=value`; overlays only
  std::string data_dir{};  ///< catalogue for hydration (`--data`); "" = embedded
  CancelToken cancel{};
};

/// The recipe and the YAML bytes its digest is taken over.
struct LoadedRecipe {
  recipe::RecipeResult result;
  std::string yaml;
  /// True when the input was an overlay resolved here.
  bool hydrated = false;
};

/// Reads `request.source`. A RecipeResult is taken as is (its YAML as read); a
/// `profile` is then INVALID_REQUEST: its selection is already baked in. An overlay
/// is resolved from its spec.criteria (and `profile`) exactly as `aicr recipe`
/// would, and rendered. Errors: INVALID_REQUEST `required flag --recipe not set`;
/// read, decode and resolution errors with `recipe "<source>"` context.
Result<LoadedRecipe> LoadRecipeInput(const Client& client, const RecipeInputRequest& request);

}  // namespace aicr::client
