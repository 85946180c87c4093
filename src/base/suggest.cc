#include "base/suggest.h"

#include <algorithm>

namespace aicr {

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1);
  std::vector<std::size_t> cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    prev[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string ClosestMatch(std::string_view name, const std::vector<std::string>& candidates) {
  std::vector<std::string> sorted = candidates;
  std::sort(sorted.begin(), sorted.end());
  const std::size_t threshold = std::max<std::size_t>(2, name.size() / 3);
  std::string best;
  std::size_t best_distance = threshold + 1;
  for (const std::string& c : sorted) {
    if (c == name) {
      continue;
    }
    std::size_t d = EditDistance(name, c);
    if (name.size() >= 2 && c.size() > name.size() && c.compare(0, name.size(), name) == 0) {
      d = std::min(d, threshold);  // a typed prefix is always a plausible intent
    }
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace aicr
