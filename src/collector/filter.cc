#include "collector/filter.h"

#include <cstddef>

namespace aicr::collector {

namespace {

std::vector<std::string_view> SplitOnStar(std::string_view pattern) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (true) {
    std::size_t star = pattern.find('*', start);
    if (star == std::string_view::npos) {
      segments.push_back(pattern.substr(start));
      return segments;
    }
    segments.push_back(pattern.substr(start, star - start));
    start = star + 1;
  }
}

}  // namespace

bool MatchesFilterPattern(std::string_view key, std::string_view pattern) {
  if (pattern.find('*') == std::string_view::npos) {
    return key == pattern;
  }
  // SplitOnStar on a pattern holding `*` yields at least two segments; the first
  // is empty exactly when the pattern starts with `*`, the last when it ends so.
  std::vector<std::string_view> segments = SplitOnStar(pattern);
  std::string_view first = segments.front();
  std::string_view last = segments.back();
  if (!key.starts_with(first)) {
    return false;
  }
  std::size_t pos = first.size();
  for (std::size_t i = 1; i + 1 < segments.size(); ++i) {
    std::string_view segment = segments[i];
    if (segment.empty()) {
      continue;
    }
    std::size_t found = key.find(segment, pos);
    if (found == std::string_view::npos) {
      return false;
    }
    pos = found + segment.size();
  }
  // The last segment must fit after everything matched so far.
  return key.substr(pos).ends_with(last);
}

bool MatchesAnyFilterPattern(std::string_view key, const std::vector<std::string>& patterns) {
  for (const std::string& pattern : patterns) {
    if (MatchesFilterPattern(key, pattern)) {
      return true;
    }
  }
  return false;
}

void FilterOut(std::map<std::string, measurement::Reading>& readings,
               const std::vector<std::string>& patterns) {
  std::erase_if(readings, [&patterns](const auto& entry) {
    return MatchesAnyFilterPattern(entry.first, patterns);
  });
}

}  // namespace aicr::collector
