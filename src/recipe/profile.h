#pragma once

/// \file
/// Profiles (ADR-015): the one profile declaration a resolved composition may carry,
/// the `name=value` selection, and applying the selected value's fragment to the
/// composed spec (constraints that may only narrow, readiness constraints, override
/// fragments on owned components).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "recipe/coverage.h"
#include "recipe/model.h"
#include "recipe/result.h"

namespace aicr::recipe {

class ConstraintEvaluator;  // resolver.h

/// The declaration in effect and the recipe that declares it ("base" for base.yaml).
struct EffectiveProfile {
  std::string source;
  ProfileDeclaration declaration;
};

struct ProfileSelection {
  std::string name;
  std::string value;
};

/// Parses `name=value` (exact form; identifiers `[A-Za-z0-9._-]+`). Empty input is
/// no selection. INVALID_REQUEST `profile must use the exact name=value form` /
/// `profile name and value must match [A-Za-z0-9._-]+`.
Result<std::optional<ProfileSelection>> ParseProfileSelection(std::string_view raw);

/// The declaration reachable from base and every chain member of `candidates`;
/// nullopt when none. INVALID_REQUEST `resolved composition has multiple profile
/// declarations from [a b]` when more than one recipe declares one.
Result<std::optional<EffectiveProfile>> ResolveProfileDeclaration(
    const OverlayIndex& index, const std::vector<const RecipeMetadata*>& candidates);

/// Resolves one profile constraint against the composed constraint of the same
/// name: both must be version ranges (`>= a`, `> a`, `<= b`, `< b`, or a lower and
/// an upper bound separated by a space); the result is their intersection, and the
/// profile may only narrow. Identical expressions are unchanged. INVALID_REQUEST
/// when the intersection is empty, the bounds cannot be ordered (same direction,
/// different precision, equal at the lower precision), or either side is not a
/// version range.
Result<Constraint> TightenProfileConstraint(std::string_view profile, std::string_view value,
                                            const Constraint& existing,
                                            const Constraint& candidate);

/// Applies the selected (or default) value of `effective` to `spec` and returns the
/// selection record; nullopt when there is no declaration and no selection.
/// `evaluator` (optional) checks each resulting value constraint fail-closed.
Result<std::optional<SelectedProfile>> ApplyEffectiveProfile(
    RecipeMetadataSpec& spec, const std::optional<EffectiveProfile>& effective,
    std::string_view selection, const ConstraintEvaluator* evaluator);

}  // namespace aicr::recipe
