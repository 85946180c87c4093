#pragma once

/// \file
/// "Did you mean" suggestions for unknown names (commands, flags, registry entries).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aicr {

/// Levenshtein distance between two strings.
std::size_t EditDistance(std::string_view a, std::string_view b);

/// The candidate closest to `name`, or empty when none is close enough (distance
/// at most max(2, len/3), or `name` is a prefix of it). Ties go to the first in
/// sorted order, so the answer is deterministic.
std::string ClosestMatch(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace aicr
