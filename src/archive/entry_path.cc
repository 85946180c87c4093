#include "archive/entry_path.h"

namespace aicr::archive {

std::string EntryPathProblem(std::string_view path, std::size_t max_bytes) {
  if (path.empty()) {
    return "empty path";
  }
  if (path.size() > max_bytes) {
    return "path longer than " + std::to_string(max_bytes) + " bytes";
  }
  if (path.front() == '/') {
    return "absolute path";
  }
  for (const char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\') {
      return "backslash in path";
    }
    if (u < 0x20 || u == 0x7f) {
      return "control character in path";
    }
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = path.find('/', start);
    const std::string_view segment = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment.empty()) {
      return "empty path segment";
    }
    if (segment == "." || segment == "..") {
      return "\"" + std::string(segment) + "\" path segment";
    }
    if (slash == std::string_view::npos) {
      return "";
    }
    start = slash + 1;
  }
}

}  // namespace aicr::archive
