#pragma once

/// \file
/// Recipe criteria: the five string dimensions (service, accelerator, intent, os,
/// platform) plus the advisory node count, their parsing (aliases, case, data-driven
/// values), asymmetric matching and specificity.

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace aicr::recipe {

/// The wildcard value; the empty string means the same everywhere.
inline constexpr std::string_view kAny = "any";

/// The string dimensions in their fixed order.
enum class Dimension { kService, kAccelerator, kIntent, kOs, kPlatform };
inline constexpr std::array<Dimension, 5> kDimensions = {
    Dimension::kService, Dimension::kAccelerator, Dimension::kIntent, Dimension::kOs,
    Dimension::kPlatform};

/// `service`, `accelerator`, `intent`, `os`, `platform`.
std::string_view DimensionName(Dimension d);

struct Criteria {
  std::string service = std::string(kAny);
  std::string accelerator = std::string(kAny);
  std::string intent = std::string(kAny);
  std::string os = std::string(kAny);
  std::string platform = std::string(kAny);
  int nodes = 0;

  const std::string& Get(Dimension d) const;
  std::string& Get(Dimension d);

  /// Number of string dimensions neither empty nor `any`, plus one when nodes != 0.
  int Specificity() const;

  /// `criteria(service=eks, accelerator=h100)`; `criteria(any)` when nothing is set.
  std::string ToString() const;

  friend bool operator==(const Criteria&, const Criteria&) = default;
};

/// True when `value` is empty or `any`.
bool IsAny(std::string_view value);

/// Asymmetric field match: a generic recipe value matches anything; a generic query
/// value matches only a generic recipe value; otherwise the values must be equal.
bool MatchesField(std::string_view recipe_value, std::string_view query_value);

/// Whether overlay criteria `recipe` serve `query` (all five dimensions; nodes never
/// participate).
bool Matches(const Criteria& recipe, const Criteria& query);

}  // namespace aicr::recipe
