#pragma once

/// \file
/// The `aicrd` application: the route table, the middleware chain and the
/// handlers, independent of the HTTP transport. Every handler works through
/// client::Client; errors become HTTP answers once, in errors.h.

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "client/client.h"
#include "server/config.h"
#include "server/deadlines.h"
#include "server/http.h"
#include "server/metrics.h"
#include "server/middleware.h"
#include "server/params.h"
#include "server/rate_limit.h"
#include "server/response_cache.h"
#include "server/router.h"

namespace aicr::server {

class App {
 public:
  explicit App(Config config, const Clock& clock = Clock::Real());
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  /// Serves one request: bypass routes directly, everything else through the chain.
  void Handle(HttpRequest& req, HttpResponse& res);

  /// Readiness: false answers /ready with 503 and `reason`.
  void SetReady(bool ready, const std::string& reason = "");
  bool ready() const { return ready_.load(); }
  /// Cancels the token of every request in flight (shutdown grace period over).
  void CancelInFlight() { deadlines_.CancelAll(); }

  const Router& router() const { return router_; }
  Metrics& metrics() { return metrics_; }
  const ResponseCache& cache() const { return cache_; }
  const Config& config() const { return config_; }

 private:
  void Dispatch(HttpRequest& req, HttpResponse& res);
  client::Client MakeClient(const HttpRequest& req) const;

  void HandleRoot(HttpRequest& req, HttpResponse& res);
  void HandleHealth(HttpRequest& req, HttpResponse& res);
  void HandleReady(HttpRequest& req, HttpResponse& res);
  void HandleMetrics(HttpRequest& req, HttpResponse& res);
  void HandleOpenApi(HttpRequest& req, HttpResponse& res);
  /// The shared front of /v1/recipe and /v1/query: builds the request, checks
  /// the allowlists and serves a cached answer. False when `res` is already
  /// answered (error or cache hit); else `key` is the answer's cache key.
  bool PrepareRecipeRequest(HttpRequest& req, HttpResponse& res, bool query,
                            std::string_view summary, RecipeEnvelope* env, std::string* key);
  void HandleRecipe(HttpRequest& req, HttpResponse& res);
  void HandleQuery(HttpRequest& req, HttpResponse& res);
  void HandleBundle(HttpRequest& req, HttpResponse& res);

  Config config_;
  const Clock& clock_;
  Router router_;
  Metrics metrics_;
  RateLimiter limiter_;
  Deadlines deadlines_;
  ResponseCache cache_;
  Next chain_;
  std::atomic<bool> ready_{true};
  std::mutex reason_mu_;
  std::string not_ready_reason_;
};

}  // namespace aicr::server
