#include "server/server.h"

#include <httplib.h>

#include <algorithm>
#include <exception>

#include "base/log.h"
#include "server/errors.h"
#include "server/middleware.h"

namespace aicr::server {
namespace {

ErrorCode CodeForTransportStatus(int status) {
  switch (status) {
    case 404:
      return ErrorCode::kNotFound;
    case 405:
      return ErrorCode::kMethodNotAllowed;
    case 408:
      return ErrorCode::kTimeout;
    default:
      return status >= 500 ? ErrorCode::kInternal : ErrorCode::kInvalidRequest;
  }
}

bool DeclaresBody(const httplib::Request& r) {
  return r.has_header("Content-Length") ||
         r.get_header_value("Transfer-Encoding").find("chunked") != std::string::npos;
}

void CopyOut(HttpResponse& from, httplib::Response& to) {
  to.status = from.status;
  to.headers.clear();
  for (const auto& [name, value] : from.headers) {
    to.headers.emplace(name, value);
  }
  to.body = std::move(from.body);
}

}  // namespace

struct Server::Impl {
  httplib::Server http;
  Config config;
  int port = 0;

  void Serve(App& app, const httplib::Request& r, httplib::Response& s,
             const httplib::ContentReader* reader) {
    HttpRequest req;
    req.method = r.method;
    req.path = r.path;
    const std::size_t q = r.target.find('?');
    if (q != std::string::npos) {
      req.raw_query = r.target.substr(q + 1);
    }
    for (const auto& [name, value] : r.headers) {
      if (name != "REMOTE_ADDR" && name != "REMOTE_PORT") {
        req.headers.emplace(name, value);
      }
    }
    req.remote_addr = r.remote_addr;
    const bool has_body = reader != nullptr && DeclaresBody(r);
    bool consumed = false;
    if (has_body) {
      req.read_body = [&](std::size_t limit) {
        BodyRead out;
        if (consumed) {
          out.failed = true;
          return out;
        }
        consumed = true;
        // Keep reading past the limit (discarding) so the connection stays in sync.
        const bool ok = (*reader)([&](const char* data, std::size_t n) {
          if (!out.too_large && out.bytes.size() + n > limit) {
            out.too_large = true;
            std::string().swap(out.bytes);
          }
          if (!out.too_large) {
            out.bytes.append(data, n);
          }
          return true;
        });
        out.failed = !ok && !out.too_large;
        return out;
      };
    }
    HttpResponse res;
    app.Handle(req, res);
    if (has_body && !consumed) {
      (*reader)([](const char*, std::size_t) { return true; });
    }
    CopyOut(res, s);
  }
};

Server::Server(Config config)
    : app_(std::make_unique<App>(config)), impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
  const Config& c = impl_->config;
  httplib::Server& http = impl_->http;
  const std::size_t threads =
      c.threads != 0
          ? c.threads
          : std::max<std::size_t>(16, 4 * std::max(1U, std::thread::hardware_concurrency()));
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_read_timeout(c.read_timeout.count());
  http.set_write_timeout(c.write_timeout.count());
  http.set_keep_alive_timeout(c.keep_alive_timeout.count());
  http.set_keep_alive_max_count(1000);
  // Without TCP_NODELAY small responses on a keep-alive connection wait out the
  // peer's delayed ACK (~40 ms each).
  http.set_tcp_nodelay(true);
  // Per-route limits are enforced by the App; this is the hard cap of what the
  // transport reads (and discards) from one request.
  http.set_payload_max_length(std::max<std::size_t>(c.bundle_body_limit, c.recipe_body_limit) * 2);
  App& app = *app_;
  Impl& impl = *impl_;
  auto plain = [&app, &impl](const httplib::Request& r, httplib::Response& s) {
    impl.Serve(app, r, s, nullptr);
  };
  auto with_body = [&app, &impl](const httplib::Request& r, httplib::Response& s,
                                 const httplib::ContentReader& reader) {
    impl.Serve(app, r, s, &reader);
  };
  http.Get(".*", plain);
  http.Options(".*", plain);
  http.Post(".*", with_body);
  http.Put(".*", with_body);
  http.Patch(".*", with_body);
  http.Delete(".*", with_body);
  // Errors the transport detects itself (malformed request line, URI too long,
  // unsupported method, payload over the hard cap) get the same envelope.
  http.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& r, httplib::Response& s) {
        if (!s.body.empty()) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        HttpRequest req;
        req.method = r.method;
        req.path = r.path;
        req.request_id = NewUuid();
        HttpResponse res;
        WriteError(req,
                   ApiError{.code = CodeForTransportStatus(s.status),
                            .message = s.status >= 500 ? "internal server error" : "Bad request",
                            .http_status = s.status},
                   res);
        res.SetHeader("X-Request-Id", req.request_id);
        res.SetHeader("X-API-Version", "v1");
        CopyOut(res, s);
        return httplib::Server::HandlerResponse::Handled;
      }));
  http.set_exception_handler(
      [&app](const httplib::Request& r, httplib::Response& s, std::exception_ptr /*ep*/) {
        app.metrics().PanicRecovered();
        HttpRequest req;
        req.method = r.method;
        req.path = r.path;
        req.request_id = NewUuid();
        HttpResponse res;
        WriteError(req, ApiError{.code = ErrorCode::kInternal, .message = "internal server error"},
                   res);
        res.SetHeader("X-Request-Id", req.request_id);
        CopyOut(res, s);
      });
}

Server::~Server() {
  if (thread_.joinable()) {
    impl_->http.stop();
    thread_.join();
  }
}

Result<int> Server::Start() {
  const Config& c = impl_->config;
  const std::string host = c.address.empty() ? "0.0.0.0" : c.address;
  int port = 0;
  if (c.port == 0) {
    port = impl_->http.bind_to_any_port(host);
  } else if (impl_->http.bind_to_port(host, c.port)) {
    port = c.port;
  } else {
    port = -1;
  }
  if (port <= 0) {
    return UnavailableError("listen " + host + ":" + std::to_string(c.port) + ": cannot bind");
  }
  impl_->port = port;
  thread_ = std::thread([this] {
    impl_->http.listen_after_bind();
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
    cv_.notify_all();
  });
  // httplib's stop() is a no-op until the accept loop runs: wait for it, so a
  // signal right after start-up cannot be lost.
  while (!impl_->http.is_running()) {
    std::unique_lock<std::mutex> lock(mu_);
    if (done_) {
      return UnavailableError("listen " + host + ":" + std::to_string(port) + ": stopped");
    }
    cv_.wait_for(lock, std::chrono::milliseconds(1));
  }
  return port;
}

bool Server::Shutdown() {
  const Config& c = impl_->config;
  app_->SetReady(false, "shutting down");
  if (c.shutdown_drain.count() > 0) {
    std::this_thread::sleep_for(c.shutdown_drain);
  }
  impl_->http.stop();
  std::unique_lock<std::mutex> lock(mu_);
  if (cv_.wait_for(lock, c.shutdown_timeout, [this] { return done_; })) {
    lock.unlock();
    thread_.join();
    return true;
  }
  log::Warn("shutdown timeout reached; canceling in-flight requests",
            {{"timeout_seconds", std::to_string(c.shutdown_timeout.count())}});
  app_->CancelInFlight();
  if (cv_.wait_for(lock, std::chrono::seconds(2), [this] { return done_; })) {
    lock.unlock();
    thread_.join();
    return true;
  }
  thread_.detach();  // the caller exits the process; the stuck workers go with it
  return false;
}

}  // namespace aicr::server
