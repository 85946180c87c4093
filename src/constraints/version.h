#pragma once

/// \file
/// Loose semantic versions as constraint expressions and snapshots use them:
/// `1`, `1.2`, `v1.2.3`, `6.8.0-1028-aws`, `v1.33.5-eks-3025e55`, `1.28.0-gke.1337000`.
/// Comparison honours the precision of the less precise side (`1.33` equals
/// `1.33.7`), and GKE build suffixes (`-gke.N`) break ties between equal cores.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace aicr::constraints {

/// A parsed version. Components past `precision` are zero.
struct Version {
  std::int64_t major = 0;
  std::int64_t minor = 0;
  std::int64_t patch = 0;
  /// How many components were given (1, 2 or 3).
  int precision = 3;
  /// Everything from the first `-` or `+` that follows a digit, e.g. `-1028-aws`.
  std::string extras;

  /// `1`, `1.2` or `1.2.3` by precision; extras are not included.
  std::string String() const;

  /// -1, 0 or 1 comparing this (the actual version) with `other` (the constraint):
  /// major always, minor and patch only up to the smaller precision. On equal
  /// three-component cores: both `-gke.N` compare N; only `other` GKE gives -1;
  /// only this GKE gives 1; any other extras are ignored.
  int Compare(const Version& other) const;

  /// Major, minor and patch all equal (precision and extras ignored; a missing
  /// component is 0, so `1.33` does not equal `1.33.4`).
  bool Equals(const Version& other) const;

  /// Compare(other) >= 0.
  bool EqualsOrNewer(const Version& other) const { return Compare(other) >= 0; }

  friend bool operator==(const Version& a, const Version& b) = default;
};

/// Parses a version: trims nothing, strips one leading `v`, splits off the extras,
/// then 1-3 dot-separated non-negative integers. INVALID_REQUEST on an empty string,
/// more than 3 components, an empty, non-numeric, negative or out-of-range component.
Result<Version> ParseVersion(std::string_view text);

/// The build number of `-gke.N` extras (N a non-negative integer); nullopt for any
/// other extras, including `-gke.`, `-gke.abc` and `-gke.-1`.
std::optional<std::int64_t> ExtractGkeBuild(std::string_view extras);

/// Whether the extras start with `-gke.` (or `gke.`), valid build number or not.
bool HasRawGkeSuffix(std::string_view extras);

}  // namespace aicr::constraints
