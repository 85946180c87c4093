#pragma once

/// \file
/// Collection-time redaction shared by the collectors: drops readings whose keys match a filter
/// pattern. A pattern without `*` matches one key exactly. With `*` it is a glob whose literal
/// segments must appear in the key in order; the first segment is anchored at the start unless the
/// pattern starts with `*`, and the last at the end unless the pattern ends with `*`.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "measurement/snapshot.h"

namespace aicr::collector {

/// Whether `key` matches `pattern` (exact, or glob when the pattern holds `*`).
bool MatchesFilterPattern(std::string_view key, std::string_view pattern);

/// Whether `key` matches any of `patterns`.
bool MatchesAnyFilterPattern(std::string_view key, const std::vector<std::string>& patterns);

/// Removes from `readings` every entry whose key matches one of `patterns`.
void FilterOut(std::map<std::string, measurement::Reading>& readings,
               const std::vector<std::string>& patterns);

}  // namespace aicr::collector
