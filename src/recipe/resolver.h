#pragma once

/// \file
/// Recipe resolution: criteria -> RecipeResult over one immutable Store. Selects the
/// maximal matching overlays, merges base + every candidate's inheritance chain
/// (shared ancestors once), composes mixins, enforces criteria coverage, applies the
/// effective profile and finalises (dependencies, deployment order, canonical
/// types, registry defaults and health asserts, duplicate names, coherence). With a
/// constraint evaluator (the snapshot path) candidates whose own constraints or
/// whose mixin constraints fail are excluded and reported.

#include <string>

#include "base/result.h"
#include "recipe/coverage.h"
#include "recipe/criteria.h"
#include "recipe/model.h"
#include "recipe/result.h"

namespace aicr::recipe {

class Store;

/// The outcome of evaluating one constraint against observed state.
struct ConstraintOutcome {
  bool passed = false;
  std::string actual;  ///< the observed value, if any
};

/// Evaluates constraints against a snapshot. A NOT_FOUND status means the
/// measurement is absent: the constraint counts as failed (the overlay is excluded
/// with the status message as the reason). Any other error fails resolution.
class ConstraintEvaluator {
 public:
  virtual ~ConstraintEvaluator() = default;
  virtual Result<ConstraintOutcome> Evaluate(const Constraint& constraint) const = 0;
};

struct ResolveOptions {
  /// `name=value`; empty selects the declaration's default value.
  std::string profile;
  /// Snapshot evaluator; nullptr for plain criteria resolution.
  const ConstraintEvaluator* evaluator = nullptr;
  /// Written to metadata.version.
  std::string version;
  /// When set, receives the structured context of a coverage or profile-survival
  /// failure (left empty otherwise).
  ResolutionErrorDetails* error_details = nullptr;
};

/// Resolves `query` (already parsed and normalised) against `store`.
Result<RecipeResult> Resolve(const Store& store, const Criteria& query,
                             const ResolveOptions& options = {});

/// Base (constraints, componentRefs, validation) merged with every chain member of
/// `candidates` (least specific first), each member once, at its first position.
struct ComposedSpec {
  RecipeMetadataSpec spec;
  std::vector<std::string> applied;  ///< "base" first, in merge order
};
/// INVALID_REQUEST `failed to resolve inheritance chain: <cause>` on a bad chain.
Result<ComposedSpec> ComposeChains(const OverlayIndex& index,
                                   const std::vector<const RecipeMetadata*>& candidates);

}  // namespace aicr::recipe
