#include "collector/collector.h"

#include <optional>

namespace aicr::collector {

std::string SourceNodeName(const EnvLookup& env) {
  const EnvLookup lookup = env ? env : ProcessEnv();
  for (std::string_view name : {"NODE_NAME", "KUBERNETES_NODE_NAME", "HOSTNAME"}) {
    if (std::optional<std::string> v = lookup(name); v.has_value() && !v->empty()) {
      return *v;
    }
  }
  return "";
}

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
