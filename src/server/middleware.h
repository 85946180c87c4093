#pragma once

/// \file
/// The middleware chain of the application routes, outermost first (upstream's
/// order, aicr-cli-and-api §5.2): metrics → version → request id → timeout →
/// logging → recovery → rate limit → body limit → the route's handler.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "server/deadlines.h"
#include "server/http.h"
#include "server/metrics.h"
#include "server/rate_limit.h"

namespace aicr::server {

using Next = std::function<void(HttpRequest&, HttpResponse&)>;
using Middleware = std::function<void(HttpRequest&, HttpResponse&, const Next&)>;

/// `layers[0]` outermost; `last` innermost.
Next Chain(std::vector<Middleware> layers, Next last);

/// Counts every request (method, route, status), its duration, and in-flight.
Middleware MetricsMiddleware(Metrics& metrics);
/// `X-API-Version: v1` on every response. `Accept:
/// application/vnd.nvidia.aicr.vN+json` and a request `X-API-Version` are
/// honoured for v1; any other version falls back to v1 (upstream).
Middleware VersionMiddleware();
/// Keeps a UUID `X-Request-Id`, else generates a v4 UUID; echoes it.
Middleware RequestIdMiddleware();
/// Sets the request deadline (the route's timeout, capped by `general`) and
/// cancels the request's token when it passes; a late answer becomes 504 TIMEOUT.
Middleware TimeoutMiddleware(Deadlines& deadlines, std::chrono::seconds general);
/// One JSON access-log line per request: request_id, method, path, route,
/// status, duration_ms, remote.
Middleware LoggingMiddleware();
/// An exception escaping a handler becomes 500 INTERNAL (cause logged, not sent).
Middleware RecoveryMiddleware(Metrics& metrics);
/// Token buckets with `X-RateLimit-Limit|Remaining|Reset`; 429 + `Retry-After`.
Middleware RateLimitMiddleware(RateLimiter& limiter, Metrics& metrics);
/// A declared Content-Length above the route's limit is 413 before any byte is read.
Middleware BodyLimitMiddleware();

/// Whether `s` is a UUID in the 8-4-4-4-12 hex form.
bool IsUuid(std::string_view s);
/// A random (version 4) UUID.
std::string NewUuid();

}  // namespace aicr::server
