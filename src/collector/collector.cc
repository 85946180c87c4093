#include "collector/collector.h"

namespace aicr::collector {

std::string HostPath(std::string_view root, std::string_view path) {
  std::string out(root);
  while (!out.empty() && out.back() == '/') {
    out.pop_back();
  }
  if (path.empty() || path.front() != '/') {
    out.push_back('/');
  }
  out.append(path);
  return out;
}

}  // namespace aicr::collector
