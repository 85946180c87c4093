#include "server/router.h"

#include <algorithm>

#include "base/strings.h"

namespace aicr::server {

void Router::Add(Route route) { routes_.push_back(std::move(route)); }

const Route* Router::Find(std::string_view path) const {
  for (const Route& r : routes_) {
    if (r.path == path) {
      return &r;
    }
  }
  return nullptr;
}

std::vector<std::string> Router::Paths() const {
  std::vector<std::string> out;
  for (const Route& r : routes_) {
    out.push_back(r.path);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool Router::Allows(const Route& route, std::string_view method) {
  const auto has = [&](std::string_view m) {
    return std::find(route.methods.begin(), route.methods.end(), m) != route.methods.end();
  };
  return has(method) || (method == "HEAD" && has("GET"));
}

std::string Router::AllowHeader(const Route& route) {
  std::vector<std::string> methods = route.methods;
  if (Allows(route, "HEAD") && std::find(methods.begin(), methods.end(), "HEAD") == methods.end()) {
    methods.push_back("HEAD");
  }
  std::sort(methods.begin(), methods.end());
  return Join(methods, ", ");
}

}  // namespace aicr::server
