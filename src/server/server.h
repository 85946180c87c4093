#pragma once

/// \file
/// The HTTP transport of aicrd: cpp-httplib (HTTP/1.1, keep-alive, a thread
/// pool) feeding the transport-neutral App. The only file that sees httplib.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "base/result.h"
#include "server/app.h"
#include "server/config.h"

namespace aicr::server {

class Server {
 public:
  explicit Server(Config config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds `config.address:config.port` (port 0: an ephemeral one) and starts
  /// serving on a background thread. Returns the bound port. UNAVAILABLE when the
  /// address cannot be bound.
  Result<int> Start();

  /// Graceful shutdown: readiness flips to 503, the drain delay passes, the
  /// listener closes, and in-flight requests finish. After `shutdown_timeout`
  /// the tokens of the requests still running are canceled; returns false when
  /// they have not finished two seconds after that; the process must then exit.
  bool Shutdown();

  App& app() { return *app_; }

 private:
  struct Impl;
  std::unique_ptr<App> app_;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
};

}  // namespace aicr::server
