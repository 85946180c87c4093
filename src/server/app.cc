#include "server/app.h"

#include "base/version.h"
#include "server/errors.h"

namespace aicr::server {

App::App(Config config, const Clock& clock)
    : config_(std::move(config)),
      clock_(clock),
      limiter_(config_.rate_limit),
      cache_(config_.response_cache_bytes) {
  auto bind = [this](void (App::*fn)(HttpRequest&, HttpResponse&)) {
    return [this, fn](HttpRequest& req, HttpResponse& res) { (this->*fn)(req, res); };
  };
  router_.Add(Route{.path = "/", .methods = {"GET"}, .handler = bind(&App::HandleRoot)});
  router_.Add(Route{
      .path = "/health", .methods = {"GET"}, .handler = bind(&App::HandleHealth), .bypass = true});
  router_.Add(Route{
      .path = "/ready", .methods = {"GET"}, .handler = bind(&App::HandleReady), .bypass = true});
  router_.Add(Route{.path = "/metrics",
                    .methods = {"GET", "HEAD"},
                    .handler = bind(&App::HandleMetrics),
                    .bypass = true});
  router_.Add(
      Route{.path = "/openapi.yaml", .methods = {"GET"}, .handler = bind(&App::HandleOpenApi)});
  router_.Add(Route{.path = "/v1/recipe",
                    .methods = {"HEAD", "GET", "POST"},
                    .handler = bind(&App::HandleRecipe),
                    .timeout = config_.recipe_timeout,
                    .body_limit = config_.recipe_body_limit});
  router_.Add(Route{.path = "/v1/query",
                    .methods = {"HEAD", "GET", "POST"},
                    .handler = bind(&App::HandleQuery),
                    .timeout = config_.recipe_timeout,
                    .body_limit = config_.recipe_body_limit});
  router_.Add(Route{.path = "/v1/bundle",
                    .methods = {"POST"},
                    .handler = bind(&App::HandleBundle),
                    .timeout = config_.bundle_timeout,
                    .body_limit = config_.bundle_body_limit});
  chain_ = Chain(
      {
          MetricsMiddleware(metrics_),
          VersionMiddleware(),
          RequestIdMiddleware(),
          TimeoutMiddleware(deadlines_, config_.request_timeout),
          LoggingMiddleware(),
          RecoveryMiddleware(metrics_),
          RateLimitMiddleware(limiter_, metrics_),
          BodyLimitMiddleware(),
      },
      [this](HttpRequest& req, HttpResponse& res) { Dispatch(req, res); });
}

void App::SetReady(bool ready, const std::string& reason) {
  {
    std::lock_guard<std::mutex> lock(reason_mu_);
    not_ready_reason_ = reason;
  }
  ready_.store(ready);
}

void App::Handle(HttpRequest& req, HttpResponse& res) {
  const Route* route = router_.Find(req.path);
  req.route = route != nullptr ? route->path : "unmatched";
  req.timeout = route != nullptr ? route->timeout : std::chrono::seconds(0);
  req.body_limit =
      route != nullptr && route->body_limit != 0 ? route->body_limit : config_.recipe_body_limit;
  if (route == nullptr || !route->bypass) {
    chain_(req, res);
    return;
  }
  res.SetHeader("X-API-Version", "v1");
  try {
    Dispatch(req, res);
  } catch (...) {
    metrics_.PanicRecovered();
    res.body.clear();
    WriteError(req, ApiError{.code = ErrorCode::kInternal, .message = "internal server error"}, res,
               clock_);
  }
}

void App::Dispatch(HttpRequest& req, HttpResponse& res) {
  const Route* route = router_.Find(req.path);
  if (route == nullptr) {
    serialize::Mapping details;
    details.Set("path", req.path);
    WriteError(req,
               ApiError{.code = ErrorCode::kNotFound,
                        .message = "Route not found",
                        .details = serialize::Value(std::move(details))},
               res, clock_);
    return;
  }
  if (!Router::Allows(*route, req.method)) {
    serialize::Mapping details;
    details.Set("method", req.method);
    details.Set("allowed", Router::AllowHeader(*route));
    WriteError(req,
               ApiError{.code = ErrorCode::kMethodNotAllowed,
                        .message = "Method not allowed",
                        .details = serialize::Value(std::move(details))},
               res, clock_);
    res.SetHeader("Allow", Router::AllowHeader(*route));
    return;
  }
  route->handler(req, res);
}

client::Client App::MakeClient(const HttpRequest& req) const {
  client::Client::Options opts;
  opts.cancel = req.cancel;
  opts.version = GetBuildInfo().version;
  return client::Client(opts);
}

}  // namespace aicr::server
