#pragma once

/// \file
/// The HTTP transport to one API server, on libcurl (loaded through
/// serialize/curl_loader.h). One call is one logical request: the transport adds
/// the credentials of a CredentialSource, TLS settings (CA, client certificate,
/// insecure-skip-tls-verify, tls-server-name), the proxy and the User-Agent, and
/// repeats the request when that is safe (see retry.h):
///  - on 429 and 5xx except 501, for GET/HEAD/PUT/DELETE, waiting Retry-After when
///    the server sent one and a full-jitter backoff otherwise;
///  - on connection errors, for idempotent methods, and for POST/PATCH only when
///    the connection was never made (nothing was sent);
///  - once after a 401 when the credentials are refreshable (after Invalidate()).
/// The call's timeout bounds all attempts and waits together.
///
/// A Transport may be used from several threads at once: every attempt runs on its
/// own libcurl handle (so connections are not reused between calls), and the
/// CredentialSource must be thread-safe too.
///
/// HTTP error answers are not errors here: Do() returns them as a Response and the
/// caller maps them (errors.h). Errors are transport failures: kUnavailable
/// (connect, TLS, truncated response), kTimeout, kCanceled, kInvalidRequest (the
/// response is larger than the cap).

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/cancel.h"
#include "base/result.h"
#include "k8s/credentials.h"
#include "k8s/rest_config.h"
#include "k8s/retry.h"

namespace aicr::k8s {

/// Largest response body Do() keeps by default.
inline constexpr std::size_t kDefaultMaxResponseBytes = std::size_t{64} * 1024 * 1024;

using Params = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method = "GET";
  /// Absolute path below the server URL, already escaped (resource.h builds them).
  std::string path;
  /// Query parameters, unescaped (the transport escapes them), in order.
  Params query;
  /// Extra request headers.
  Params headers;
  std::string body;
  std::string content_type;  ///< sent when `body` is not empty
  std::string accept = "application/json";
  /// Bound on the whole call: nullopt = RestConfig::default_timeout, zero = none
  /// (long-running streams).
  std::optional<std::chrono::milliseconds> timeout;
  CancelToken cancel;
  /// Do() fails with kInvalidRequest when the body grows past this.
  std::size_t max_response_bytes = kDefaultMaxResponseBytes;
};

struct Response {
  int status = 0;
  Params headers;  ///< names in lower case, in arrival order
  std::string body;

  /// The first value of header `name` (case-insensitive), or "".
  std::string Header(std::string_view name) const;
  bool ok() const { return status >= 200 && status <= 299; }
};

/// Receives the body of a streamed 2xx answer piece by piece; false stops the stream.
using ChunkCallback = std::function<bool(std::string_view chunk)>;

struct TransportOptions {
  RetryPolicy retry;
  RetryEnv env = RetryEnv::Real();
  /// Limit on establishing a connection (TCP + TLS), within the call's timeout.
  std::chrono::milliseconds connect_timeout{10000};
};

class Transport {
 public:
  /// Errors: kUnavailable when libcurl cannot be loaded; kInvalidRequest when
  /// `config.server` is not an http(s) URL.
  static Result<std::unique_ptr<Transport>> Create(RestConfig config,
                                                   std::shared_ptr<CredentialSource> credentials,
                                                   TransportOptions options = {});

  /// Sends `request` and returns the whole answer (any HTTP status).
  Result<Response> Do(const Request& request) const;

  /// Like Do(), but a 2xx body goes to `on_chunk` as it arrives (the returned
  /// Response has an empty body); a non-2xx body is collected as by Do(). Returns
  /// OK when the server ends the stream or `on_chunk` returns false. Retries only
  /// before any chunk was delivered.
  Result<Response> Stream(const Request& request, const ChunkCallback& on_chunk) const;

  /// The full URL `request` goes to (query escaped), for messages.
  std::string UrlFor(const Request& request) const;

  const RestConfig& config() const { return config_; }

 private:
  Transport(RestConfig config, std::shared_ptr<CredentialSource> credentials,
            TransportOptions options);
  Result<Response> Run(const Request& request, const ChunkCallback* on_chunk) const;

  RestConfig config_;
  std::shared_ptr<CredentialSource> credentials_;
  TransportOptions options_;
  // Derived from config_.server: where the URL points and, with tls_server_name,
  // the libcurl CONNECT_TO entry that sends it to the real host.
  std::string base_url_;
  std::string connect_to_;
};

}  // namespace aicr::k8s
