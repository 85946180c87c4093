#pragma once

/// \file
/// Overlay selection over a catalogue (maximal matching leaves in a total order,
/// inheritance chains) and the resolution post-conditions built on it: every stated
/// criteria dimension must be carried by an applied recipe (completeness), and an
/// unstated strict dimension (`os`) must be demanded when no applied overlay
/// carries the whole stated combination but stating it would reach skipped content
/// (joint sufficiency).

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "recipe/criteria.h"
#include "recipe/model.h"
#include "recipe/result.h"
#include "serialize/value.h"

namespace aicr::recipe {

class Store;

/// A read-only view of base + overlays (by metadata.name). Iteration follows the
/// map's name order, so nothing here depends on hash order.
class OverlayIndex {
 public:
  OverlayIndex(const RecipeMetadata& base, const std::map<std::string, RecipeMetadata>& overlays);
  explicit OverlayIndex(const Store& store);

  const RecipeMetadata& base() const { return *base_; }
  const std::map<std::string, RecipeMetadata>& overlays() const { return *overlays_; }

  /// "" and "base" name base.yaml; otherwise the overlay or nullptr.
  const RecipeMetadata* Find(std::string_view name) const;

  /// Root-to-leaf ancestors of `name` ending with it, base excluded. NOT_FOUND
  /// `recipe "x" not found (referenced in inheritance chain)`; INVALID_REQUEST
  /// `circular inheritance detected: recipe "x" references itself in inheritance chain`.
  Result<std::vector<const RecipeMetadata*>> Chain(std::string_view name) const;

  /// Overlays with criteria matching `query`, minus every ancestor of another match
  /// (maximal leaves), ordered by (specificity, name) ascending.
  std::vector<const RecipeMetadata*> FindMatchingOverlays(const Criteria& query) const;

 private:
  const RecipeMetadata* base_;
  const std::map<std::string, RecipeMetadata>* overlays_;
};

/// A completion: dimension -> value, rendered in dimension order.
using CompletionTuple = std::map<std::string, std::string>;

/// One stated dimension no applied recipe carries.
struct UncoveredDimension {
  std::string dimension;
  std::string requested_value;
  std::vector<CompletionTuple> valid_completions;
  /// A constraint-excluded overlay carries the value (do not relax and retry).
  bool constraint_excluded = false;
  friend bool operator==(const UncoveredDimension&, const UncoveredDimension&) = default;
};

/// A strict dimension the caller must state, with the values that would reach
/// overlays currently skipped.
struct StrictDimensionGap {
  std::string dimension;
  std::vector<std::string> valid_values;
  friend bool operator==(const StrictDimensionGap&, const StrictDimensionGap&) = default;
};

/// Structured context of a resolution failure, for the CLI and API error details.
/// Exactly one of `uncovered` / `strict_dimensions` is set by a coverage failure; a
/// profile-survival failure sets only the exclusion lists.
struct ResolutionErrorDetails {
  std::vector<UncoveredDimension> uncovered;
  std::vector<StrictDimensionGap> strict_dimensions;
  std::vector<ExcludedOverlay> excluded_overlays;
  std::vector<ConstraintWarning> constraint_warnings;

  bool empty() const {
    return uncovered.empty() && strict_dimensions.empty() && excluded_overlays.empty() &&
           constraint_warnings.empty();
  }
  /// `{uncovered: [{dimension, requestedValue, validCompletions, constraintExcluded}],
  /// strictDimensions: [{dimension, validValues}], excludedOverlays, constraintWarnings}`
  /// with empty keys absent.
  serialize::Value ToValue() const;
  friend bool operator==(const ResolutionErrorDetails&, const ResolutionErrorDetails&) = default;
};

/// `service`, `accelerator`, `intent`, `os`, `platform` (no `nodes`).
std::vector<std::string> CoverageDimensionNames();

/// Stated dimensions (in dimension order) that no applied recipe with criteria
/// carries with exactly the stated value.
std::vector<std::string> UncoveredDimensions(const OverlayIndex& index, const Criteria& query,
                                             const std::vector<std::string>& applied);

/// The minimal completion tuples under which some overlay would carry `dim`=`want`
/// without conflicting with a stated dimension.
std::vector<CompletionTuple> CompletionTuplesFor(const OverlayIndex& index, const Criteria& query,
                                                 Dimension dim, std::string_view want);

/// Drops empty tuples, duplicates and supersets of another tuple; sorts by (size,
/// TupleKey).
std::vector<CompletionTuple> MinimalTuples(const std::vector<CompletionTuple>& in);

/// `k=v, k=v` in dimension order.
std::string TupleKey(const CompletionTuple& tuple);

/// Strict-dimension gaps (empty when some applied overlay carries every stated
/// dimension, or stating the dimension would reach nothing new).
std::vector<StrictDimensionGap> StrictDimensionGaps(const OverlayIndex& index,
                                                    const Criteria& query,
                                                    const std::vector<std::string>& applied);

/// The post-condition: OK, or INVALID_REQUEST whose message joins one clause per
/// uncovered dimension with "; " (completeness), or
/// `<criteria> has no recipe covering that combination; specify os (valid: a, b)`
/// (joint sufficiency). `details` (optional) receives the structured context,
/// including `excluded` and `warnings`.
Status VerifyCriteriaCoverage(const OverlayIndex& index, const Criteria& query,
                              const std::vector<std::string>& applied,
                              const std::vector<ExcludedOverlay>& excluded,
                              const std::vector<ConstraintWarning>& warnings,
                              ResolutionErrorDetails* details);

}  // namespace aicr::recipe
