#include "catalog/path.h"

#include <cstddef>

namespace aicr::catalog {

bool IsLocalPath(std::string_view path) {
  if (path.empty() || path.front() == '/') {
    return false;
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = path.find('/', start);
    const std::string_view part = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty() || part == "." || part == ".." || part.find('\0') != std::string_view::npos) {
      return false;
    }
    if (slash == std::string_view::npos) {
      return true;
    }
    start = slash + 1;
  }
}

bool IsHiddenPath(std::string_view path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    if (start < path.size() && path[start] == '.') {
      return true;
    }
    const std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      return false;
    }
    start = slash + 1;
  }
  return false;
}

bool WalkOrderLess(std::string_view a, std::string_view b) {
  // Component-wise comparison is byte-wise comparison with '/' ranked below every
  // other byte: the shorter component of a common prefix ends first.
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char ca = static_cast<unsigned char>(a[i]);
    const unsigned char cb = static_cast<unsigned char>(b[i]);
    if (ca == cb) {
      continue;
    }
    if (ca == '/') {
      return true;
    }
    if (cb == '/') {
      return false;
    }
    return ca < cb;
  }
  return a.size() < b.size();
}

}  // namespace aicr::catalog
