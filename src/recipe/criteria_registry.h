#pragma once

/// \file
/// Data-driven criteria values: every value an overlay's criteria mention, with the
/// origin of the first overlay that introduced it. Lets the catalogue admit values
/// the built-in lists do not know (e.g. service `rke2`); strict mode hides values
/// known only from external (`--data`) overlays.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "recipe/criteria.h"

namespace aicr::recipe {

enum class ValueOrigin { kEmbedded, kExternal };

class CriteriaRegistry {
 public:
  /// Registers `value` (normalised: trimmed, lower-case; `any`/"" ignored). An
  /// embedded origin is never downgraded to external.
  void Add(Dimension d, std::string_view value, ValueOrigin origin);
  /// Whether `value` is registered for `d`; with `strict`, external-only values are hidden.
  bool Has(Dimension d, std::string_view value, bool strict) const;
  /// Sorted registered values of `d` (external-only ones hidden when `strict`).
  std::vector<std::string> Values(Dimension d, bool strict) const;

 private:
  std::map<Dimension, std::map<std::string, ValueOrigin>> values_;
};

/// Whether AICR_CRITERIA_STRICT is set to 1/true/yes/on (case-insensitive).
bool CriteriaStrictFromEnv();

/// Parses a user-supplied value for `d`: trimmed and lower-cased, aliases applied
/// (service: self-managed/self/vanilla -> any, openshift -> ocp; os: al2/al2023 ->
/// amazonlinux), then checked against the built-in values and `registry` (which may
/// be null). INVALID_REQUEST `invalid <dim> type: <raw>` with the valid values.
Result<std::string> ParseCriteriaValue(Dimension d, std::string_view raw,
                                       const CriteriaRegistry* registry, bool strict);

/// Built-in values of `d`, sorted.
const std::vector<std::string>& BuiltinValues(Dimension d);

/// Sorted union of built-in and registered values.
std::vector<std::string> AllValues(Dimension d, const CriteriaRegistry* registry, bool strict);

}  // namespace aicr::recipe
