#pragma once

/// \file
/// Fetching a document over HTTP(S) with libcurl, hardened for untrusted input:
/// only http and https (redirects included), TLS peer and host verification always
/// on, connect and total timeouts, a body cap enforced while streaming, a redirect
/// limit, proxies taken from the environment the way Go's net/http does, and
/// cancellation through a CancelToken. libcurl is not linked: the first fetch loads
/// it (see curl_loader.h), so commands that never fetch do not pay for it.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/cancel.h"
#include "base/limits.h"
#include "base/result.h"

namespace aicr::serialize {

/// Proxy settings, resolved the way Go's `http.ProxyFromEnvironment` resolves them.
struct ProxyConfig {
  std::string http_proxy;   ///< for http:// URLs (HTTP_PROXY, then http_proxy)
  std::string https_proxy;  ///< for https:// URLs (HTTPS_PROXY, then https_proxy)
  std::string no_proxy;     ///< NO_PROXY, then no_proxy

  /// Reads the variables above; an empty upper-case variable falls back to the lower-case one.
  static ProxyConfig FromEnvironment();

  /// The proxy URL to use for a request, or "" for a direct connection. `host` is a
  /// name or an IP literal (IPv6 without brackets); `port` the effective port.
  /// Never proxies localhost or loopback addresses. NO_PROXY entries: `*`, a host or
  /// domain (matching it and its subdomains), `.domain` (subdomains only), an IP, an
  /// IP prefix in CIDR notation, each optionally with `:port`. A proxy without a
  /// scheme is taken as `http://`.
  [[nodiscard]] std::string ProxyFor(std::string_view scheme, std::string_view host,
                                     int port) const;
};

struct HttpOptions {
  /// Largest body accepted; a longer one aborts the transfer.
  std::size_t max_bytes = limits::kMaxInputBytes;
  /// Whole request, redirects included.
  std::chrono::milliseconds timeout{30000};
  /// TCP + TLS connection set-up, per hop; never more than `timeout`.
  std::chrono::milliseconds connect_timeout{10000};
  /// Redirects followed before giving up; 0 refuses any redirect.
  long max_redirects = 10;
  CancelToken cancel;
  /// A PEM CA bundle that replaces the system trust store (tests, private CAs). Empty:
  /// the system store. Verification is never turned off.
  std::string ca_file;
  /// Proxy settings; unset reads the environment at each call.
  std::optional<ProxyConfig> proxy;
};

/// GETs `url` and returns the body of its 2xx response.
/// Errors:
///  - kInvalidRequest: malformed URL, a scheme other than http/https (also as a
///    redirect target), too many redirects, a body over `max_bytes`, or an HTTP status
///    not listed below;
///  - kNotFound (404), kUnauthorized (401, 403), kTimeout (408, 504, or the timeout
///    expiring), kRateLimitExceeded (429), kUnavailable (5xx, connection refused,
///    DNS failure, TLS verification failure, other transport errors; also
///    "http: libcurl is not available: ..." when libcurl cannot be loaded);
///  - kCanceled when `cancel` fires.
Result<std::string> HttpFetch(std::string_view url, const HttpOptions& options = {});

}  // namespace aicr::serialize
