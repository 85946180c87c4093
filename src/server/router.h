#pragma once

/// \file
/// The route table: exact paths, their methods (HEAD is implied by GET), the
/// per-route limits, and whether a route bypasses the middleware chain (health,
/// readiness and metrics do, as upstream's do).

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http.h"

namespace aicr::server {

using Handler = std::function<void(HttpRequest&, HttpResponse&)>;

struct Route {
  std::string path{};
  std::vector<std::string> methods{};  ///< as documented in openapi.yaml
  Handler handler{};
  bool bypass = false;              ///< served without middleware and rate limits
  std::chrono::seconds timeout{0};  ///< 0: the general request timeout
  std::size_t body_limit = 0;
};

class Router {
 public:
  void Add(Route route);
  /// The route for `path` (exact match), or nullptr.
  const Route* Find(std::string_view path) const;
  /// Every path, sorted.
  std::vector<std::string> Paths() const;
  const std::vector<Route>& routes() const { return routes_; }

  /// Whether `route` serves `method` (HEAD wherever GET is).
  static bool Allows(const Route& route, std::string_view method);
  /// The `Allow` header value: the route's methods plus implied HEAD, sorted.
  static std::string AllowHeader(const Route& route);

 private:
  std::vector<Route> routes_;
};

}  // namespace aicr::server
