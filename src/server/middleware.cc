#include "server/middleware.h"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <exception>
#include <random>

#include "base/log.h"
#include "serialize/value.h"
#include "server/errors.h"

namespace aicr::server {
namespace {

using SteadyClock = std::chrono::steady_clock;

bool HasBody(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

}  // namespace

Next Chain(std::vector<Middleware> layers, Next last) {
  Next next = std::move(last);
  for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
    next = [layer = std::move(*it), inner = std::move(next)](HttpRequest& req, HttpResponse& res) {
      layer(req, res, inner);
    };
  }
  return next;
}

Middleware MetricsMiddleware(Metrics& metrics) {
  return [&metrics](HttpRequest& req, HttpResponse& res, const Next& next) {
    const auto start = SteadyClock::now();
    metrics.InFlightInc();
    struct Dec {
      Metrics& m;
      ~Dec() { m.InFlightDec(); }
    } dec{metrics};
    next(req, res);
    metrics.Observe(req.method, req.route, res.status,
                    std::chrono::duration<double>(SteadyClock::now() - start).count());
  };
}

Middleware VersionMiddleware() {
  return [](HttpRequest& req, HttpResponse& res, const Next& next) {
    // Only v1 exists: every requested version (Accept vendor type or header)
    // resolves to it, as upstream does.
    res.SetHeader("X-API-Version", "v1");
    next(req, res);
    res.SetHeader("X-API-Version", "v1");
  };
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) {
    return false;
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') {
        return false;
      }
    } else if (std::isxdigit(static_cast<unsigned char>(s[i])) == 0) {
      return false;
    }
  }
  return true;
}

std::string NewUuid() {
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }());
  std::uint64_t hi = rng();
  std::uint64_t lo = rng();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

Middleware RequestIdMiddleware() {
  return [](HttpRequest& req, HttpResponse& res, const Next& next) {
    const std::string given = req.Header("X-Request-Id");
    req.request_id = IsUuid(given) ? given : NewUuid();
    res.SetHeader("X-Request-Id", req.request_id);
    next(req, res);
    res.SetHeader("X-Request-Id", req.request_id);
  };
}

Middleware TimeoutMiddleware(Deadlines& deadlines, std::chrono::seconds general) {
  return [&deadlines, general](HttpRequest& req, HttpResponse& res, const Next& next) {
    const std::chrono::seconds limit =
        req.timeout.count() > 0 ? std::min(req.timeout, general) : general;
    req.deadline = SteadyClock::now() + limit;
    req.cancel = CancelToken();
    const std::uint64_t id = deadlines.Add(req.cancel, req.deadline);
    struct Remove {
      Deadlines& d;
      std::uint64_t id;
      ~Remove() { d.Remove(id); }
    } remove{deadlines, id};
    next(req, res);
    if (SteadyClock::now() >= req.deadline) {
      res.body.clear();
      WriteError(
          req, ApiError{.code = ErrorCode::kTimeout, .message = "request timed out", .details = {}},
          res);
    }
  };
}

Middleware LoggingMiddleware() {
  return [](HttpRequest& req, HttpResponse& res, const Next& next) {
    const auto start = SteadyClock::now();
    next(req, res);
    const double ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.3f", ms);
    const std::vector<log::Attr> attrs = {
        {"request_id", req.request_id},
        {"method", req.method},
        {"path", req.path},
        {"route", req.route},
        {"status", std::to_string(res.status)},
        {"duration_ms", duration},
        {"remote", req.remote_addr},
    };
    if (res.status >= 500) {
      log::Warn("request", attrs);
    } else {
      log::Info("request", attrs);
    }
  };
}

Middleware RecoveryMiddleware(Metrics& metrics) {
  return [&metrics](HttpRequest& req, HttpResponse& res, const Next& next) {
    std::string what;
    try {
      next(req, res);
      return;
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
      what = "unknown exception";
    }
    metrics.PanicRecovered();
    log::Error("recovered from handler exception",
               {{"request_id", req.request_id}, {"error", what}});
    res.body.clear();
    WriteError(req, ApiError{.code = ErrorCode::kInternal, .message = "internal server error"},
               res);
  };
}

Middleware RateLimitMiddleware(RateLimiter& limiter, Metrics& metrics) {
  return [&limiter, &metrics](HttpRequest& req, HttpResponse& res, const Next& next) {
    if (!limiter.enabled()) {
      next(req, res);
      return;
    }
    const RateDecision d = limiter.Allow(req.remote_addr, SteadyClock::now());
    const auto reset = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count() +
                       1;
    auto set_headers = [&] {
      res.SetHeader("X-RateLimit-Limit", std::to_string(static_cast<long long>(d.limit)));
      res.SetHeader("X-RateLimit-Remaining", std::to_string(d.remaining));
      res.SetHeader("X-RateLimit-Reset", std::to_string(reset));
    };
    if (!d.allowed) {
      metrics.RateLimitReject();
      serialize::Mapping details;
      details.Set("limit", d.limit);
      details.Set("burst", static_cast<std::int64_t>(d.burst));
      WriteError(req,
                 ApiError{.code = ErrorCode::kRateLimitExceeded,
                          .message = "Rate limit exceeded",
                          .details = serialize::Value(std::move(details))},
                 res);
      res.SetHeader("Retry-After", std::to_string(d.retry_after_s));
      set_headers();
      return;
    }
    next(req, res);
    set_headers();
  };
}

Middleware BodyLimitMiddleware() {
  return [](HttpRequest& req, HttpResponse& res, const Next& next) {
    if (HasBody(req.method)) {
      const std::string length = req.Header("Content-Length");
      if (!length.empty()) {
        unsigned long long n = 0;
        const auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), n);
        if (ec != std::errc() || end != length.data() + length.size()) {
          WriteError(
              req,
              ApiError{.code = ErrorCode::kInvalidRequest, .message = "invalid Content-Length"},
              res);
          return;
        }
        if (n > req.body_limit) {
          serialize::Mapping details;
          details.Set("limit", static_cast<std::int64_t>(req.body_limit));
          details.Set("error", "request body of " + length + " bytes exceeds the limit of " +
                                   std::to_string(req.body_limit) + " bytes");
          WriteError(req,
                     ApiError{.code = ErrorCode::kInvalidRequest,
                              .message = "Request body too large",
                              .details = serialize::Value(std::move(details)),
                              .http_status = 413},
                     res);
          return;
        }
      }
    }
    next(req, res);
  };
}

}  // namespace aicr::server
