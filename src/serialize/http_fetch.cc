#include "serialize/http_fetch.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "base/status_macros.h"
#include "base/strings.h"
#include "base/version.h"
#include "serialize/curl_loader.h"

namespace aicr::serialize {
namespace {

// ---------------------------------------------------------------------------
// Small string helpers.

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// curl's messages start with a capital; ours do not.
std::string LowerFirst(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') {
    s[0] = static_cast<char>(s[0] - 'A' + 'a');
  }
  return s;
}

// ---------------------------------------------------------------------------
// IP addresses, as 16 bytes (IPv4 mapped into IPv6, as Go stores them).

using Ip = std::array<unsigned char, 16>;

bool ParseIp(std::string_view text, Ip* out) {
  const std::string s(text);
  unsigned char v4[4];
  if (inet_pton(AF_INET, s.c_str(), v4) == 1) {
    out->fill(0);
    (*out)[10] = 0xff;
    (*out)[11] = 0xff;
    std::copy(v4, v4 + 4, out->begin() + 12);
    return true;
  }
  return inet_pton(AF_INET6, s.c_str(), out->data()) == 1;
}

bool IsMappedV4(const Ip& ip) {
  for (std::size_t i = 0; i < 10; ++i) {
    if (ip[i] != 0) {
      return false;
    }
  }
  return ip[10] == 0xff && ip[11] == 0xff;
}

bool IsLoopback(const Ip& ip) {
  if (IsMappedV4(ip)) {
    return ip[12] == 127;
  }
  for (std::size_t i = 0; i < 15; ++i) {
    if (ip[i] != 0) {
      return false;
    }
  }
  return ip[15] == 1;
}

/// Whether the first `bits` bits of `a` and `b` agree.
bool PrefixMatch(const Ip& a, const Ip& b, int bits) {
  for (std::size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const int take = std::min(bits, 8);
    const auto mask = static_cast<unsigned char>(0xff << (8 - take));
    if ((a[i] & mask) != (b[i] & mask)) {
      return false;
    }
  }
  return true;
}

/// Splits `host:port` / `[v6]:port`; false when there is no port part.
bool SplitHostPort(std::string_view s, std::string_view* host, std::string_view* port) {
  if (!s.empty() && s.front() == '[') {
    const std::size_t close = s.find(']');
    if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') {
      return false;
    }
    *host = s.substr(1, close - 1);
    *port = s.substr(close + 2);
    return true;
  }
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos || s.find(':', colon + 1) != std::string_view::npos) {
    return false;  // no port, or a bare IPv6 address
  }
  *host = s.substr(0, colon);
  *port = s.substr(colon + 1);
  return true;
}

/// Go's NO_PROXY semantics (golang.org/x/net/http/httpproxy): true when `host:port`
/// must be reached directly.
bool BypassesProxy(std::string_view no_proxy, const std::string& host, const std::string& port) {
  Ip ip{};
  const bool is_ip = ParseIp(host, &ip);
  std::size_t start = 0;
  while (start <= no_proxy.size()) {
    std::size_t comma = no_proxy.find(',', start);
    if (comma == std::string_view::npos) {
      comma = no_proxy.size();
    }
    const std::string entry = AsciiLower(TrimSpace(no_proxy.substr(start, comma - start)));
    start = comma + 1;
    if (entry.empty()) {
      continue;
    }
    if (entry == "*") {
      return true;
    }
    // CIDR: 10.0.0.0/8, fd00::/8.
    if (const std::size_t slash = entry.find('/'); slash != std::string::npos) {
      Ip net{};
      const std::string bits_text = entry.substr(slash + 1);
      if (!ParseIp(entry.substr(0, slash), &net) || bits_text.empty() || bits_text.size() > 3 ||
          bits_text.find_first_not_of("0123456789") != std::string::npos) {
        continue;
      }
      int bits = std::atoi(bits_text.c_str());
      const bool v4 = entry.find(':') == std::string::npos;
      if (bits > (v4 ? 32 : 128)) {
        continue;
      }
      if (v4) {
        bits += 96;
      }
      if (is_ip && PrefixMatch(ip, net, bits)) {
        return true;
      }
      continue;
    }
    std::string_view phost = entry;
    std::string_view pport;
    if (std::string_view h, p; SplitHostPort(entry, &h, &p)) {
      if (h.empty()) {
        continue;
      }
      phost = h;
      pport = p;
    } else if (entry.front() == '[' && entry.back() == ']') {
      phost = std::string_view(entry).substr(1, entry.size() - 2);
    }
    const bool port_ok = pport.empty() || pport == port;
    if (Ip pip{}; ParseIp(phost, &pip)) {
      if (is_ip && pip == ip && port_ok) {
        return true;
      }
      continue;
    }
    if (phost.empty()) {
      continue;
    }
    if (phost.substr(0, 2) == "*.") {
      phost.remove_prefix(1);
    }
    const bool match_host = phost.front() != '.';
    const std::string suffix = match_host ? "." + std::string(phost) : std::string(phost);
    const std::string lhost = AsciiLower(host);
    if ((EndsWith(lhost, suffix) || (match_host && lhost == suffix.substr(1))) && port_ok) {
      return true;
    }
  }
  return false;
}

const char* Env(const char* upper, const char* lower) {
  const char* v = std::getenv(upper);  // NOLINT(concurrency-mt-unsafe)
  if (v == nullptr || *v == '\0') {
    v = std::getenv(lower);  // NOLINT(concurrency-mt-unsafe)
  }
  return v == nullptr ? "" : v;
}

// ---------------------------------------------------------------------------
// libcurl plumbing. libcurl is loaded on the first fetch (see curl_loader.h); every
// call goes through the CurlApi table.

struct CurlUrlDeleter {
  const CurlApi* api;
  void operator()(CURLU* u) const { api->url_cleanup(u); }
};
struct CurlEasyDeleter {
  const CurlApi* api;
  void operator()(CURL* c) const { api->easy_cleanup(c); }
};

/// curl_easy_setopt through the table, which the typecheck-gcc.h macros no longer
/// guard: the variadic argument must be a long, a curl_off_t or a pointer.
template <typename T>
void SetOpt(const CurlApi& api, CURL* h, CURLoption option, T value) {
  static_assert(std::is_same_v<T, long> || std::is_same_v<T, curl_off_t> || std::is_pointer_v<T>,
                "curl_easy_setopt takes a long, a curl_off_t or a pointer");
  (void)api.easy_setopt(h, option, value);
}

std::string UrlPart(const CurlApi& api, CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* text = nullptr;
  if (api.url_get(u, part, &text, flags) != CURLUE_OK || text == nullptr) {
    return "";
  }
  std::string out(text);
  api.free(text);
  return out;
}

struct UrlParts {
  std::string scheme;
  std::string host;  // IPv6 without brackets
  int port = 0;
  std::string display;  // the URL without user info, for messages
};

Result<UrlParts> ParseUrl(const CurlApi& api, const std::string& url, std::string_view what) {
  std::unique_ptr<CURLU, CurlUrlDeleter> u(api.url(), CurlUrlDeleter{&api});
  if (!u) {
    return InternalError("allocate URL parser");
  }
  const CURLUcode rc = api.url_set(u.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME);
  if (rc != CURLUE_OK) {
    return InvalidRequestError(std::string(what) +
                               ": invalid URL: " + LowerFirst(api.url_strerror(rc)));
  }
  UrlParts parts;
  parts.scheme = AsciiLower(UrlPart(api, u.get(), CURLUPART_SCHEME));
  parts.host = UrlPart(api, u.get(), CURLUPART_HOST);
  if (parts.host.size() >= 2 && parts.host.front() == '[' && parts.host.back() == ']') {
    parts.host = parts.host.substr(1, parts.host.size() - 2);
  }
  parts.port = std::atoi(UrlPart(api, u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT).c_str());
  (void)api.url_set(u.get(), CURLUPART_USER, nullptr, 0);
  (void)api.url_set(u.get(), CURLUPART_PASSWORD, nullptr, 0);
  parts.display = UrlPart(api, u.get(), CURLUPART_URL);
  if (parts.display.empty()) {
    parts.display = url;
  }
  return parts;
}

struct Transfer {
  std::string body;
  std::size_t max_bytes = 0;
  bool too_big = false;
  bool canceled = false;
  const CancelToken* cancel = nullptr;
};

size_t OnWrite(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (n > t->max_bytes - t->body.size()) {
    t->too_big = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  try {
    t->body.append(data, n);
  } catch (...) {
    return 0;
  }
  return n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->cancel != nullptr && t->cancel->IsCanceled()) {
    t->canceled = true;
    return 1;  // aborts with CURLE_ABORTED_BY_CALLBACK
  }
  return 0;
}

Status StatusForHttp(long code, const std::string& what) {
  const std::string msg = what + ": server returned HTTP " + std::to_string(code);
  if (code == 404) {
    return NotFoundError(msg);
  }
  if (code == 401 || code == 403) {
    return UnauthorizedError(msg);
  }
  if (code == 408 || code == 504) {
    return TimeoutError(msg);
  }
  if (code == 429) {
    return RateLimitExceededError(msg);
  }
  if (code >= 500 && code <= 599) {
    return UnavailableError(msg);
  }
  return InvalidRequestError(msg);
}

Status StatusForCurl(const CurlApi& api, CURLcode rc, const Transfer& t, const char* errbuf,
                     const std::string& what, const HttpOptions& options, const UrlParts& parts) {
  const std::string detail = LowerFirst(errbuf[0] != '\0' ? errbuf : api.easy_strerror(rc));
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      return TimeoutError(what + ": timed out after " + std::to_string(options.timeout.count()) +
                          "ms (" + detail + ")");
    case CURLE_ABORTED_BY_CALLBACK:
      if (t.canceled) {
        return CanceledError(what + ": canceled");
      }
      break;
    case CURLE_WRITE_ERROR:
    case CURLE_FILESIZE_EXCEEDED:
      if (t.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
        return InvalidRequestError(what + ": response body exceeds " +
                                   std::to_string(options.max_bytes) + " bytes");
      }
      break;
    case CURLE_PEER_FAILED_VERIFICATION:
      return UnavailableError(what + ": TLS certificate verification failed: " + detail);
    case CURLE_SSL_CACERT_BADFILE:
      return InvalidRequestError(what + ": cannot load CA file " + Quote(options.ca_file) + ": " +
                                 detail);
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return InvalidRequestError(what + ": " + detail);
    case CURLE_COULDNT_RESOLVE_HOST:
      return UnavailableError(what + ": cannot resolve host " + Quote(parts.host));
    case CURLE_COULDNT_RESOLVE_PROXY:
      return UnavailableError(what + ": cannot resolve proxy: " + detail);
    case CURLE_COULDNT_CONNECT:
      return UnavailableError(what + ": cannot connect: " + detail);
    default:
      break;
  }
  return UnavailableError(what + ": " + detail);
}

bool IsRedirect(long code) {
  return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
}

}  // namespace

// ---------------------------------------------------------------------------
// ProxyConfig

ProxyConfig ProxyConfig::FromEnvironment() {
  ProxyConfig c;
  c.http_proxy = Env("HTTP_PROXY", "http_proxy");
  c.https_proxy = Env("HTTPS_PROXY", "https_proxy");
  c.no_proxy = Env("NO_PROXY", "no_proxy");
  return c;
}

std::string ProxyConfig::ProxyFor(std::string_view scheme, std::string_view host, int port) const {
  const std::string s = AsciiLower(scheme);
  std::string proxy = s == "https" ? https_proxy : s == "http" ? http_proxy : std::string();
  if (proxy.empty() || host.empty()) {
    return "";
  }
  const std::string lhost = AsciiLower(host);
  if (lhost == "localhost") {
    return "";
  }
  if (Ip ip{}; ParseIp(lhost, &ip) && IsLoopback(ip)) {
    return "";
  }
  if (BypassesProxy(no_proxy, lhost, std::to_string(port))) {
    return "";
  }
  if (proxy.find("://") == std::string::npos) {
    proxy = "http://" + proxy;
  }
  return proxy;
}

// ---------------------------------------------------------------------------
// HttpFetch

Result<std::string> HttpFetch(std::string_view url_in, const HttpOptions& options) {
  try {
    AICR_ASSIGN_OR_RETURN(const CurlApi* const loaded, LoadCurl());
    const CurlApi& api = *loaded;
    const std::string original(url_in);
    AICR_ASSIGN_OR_RETURN(const UrlParts first,
                          ParseUrl(api, original, "fetch " + Quote(original)));
    const std::string what = "fetch " + Quote(first.display);
    if (first.scheme != "http" && first.scheme != "https") {
      return InvalidRequestError(what + ": unsupported protocol " + Quote(first.scheme) +
                                 " (only http and https are allowed)");
    }
    if (options.cancel.IsCanceled()) {
      return CanceledError(what + ": canceled");
    }

    std::unique_ptr<CURL, CurlEasyDeleter> curl(api.easy_init(), CurlEasyDeleter{&api});
    if (!curl) {
      return InternalError(what + ": cannot create a libcurl handle");
    }
    CURL* h = curl.get();
    const ProxyConfig proxies = options.proxy.value_or(ProxyConfig::FromEnvironment());
    const std::string user_agent = "aicr/" + GetBuildInfo().version;
    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    char errbuf[CURL_ERROR_SIZE];

    std::string current = original;
    UrlParts parts = first;
    for (long redirects = 0;; ++redirects) {
      const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (remaining.count() <= 0) {
        return TimeoutError(what + ": timed out after " + std::to_string(options.timeout.count()) +
                            "ms");
      }
      const auto connect = std::min(options.connect_timeout, remaining);
      const std::string proxy = proxies.ProxyFor(parts.scheme, parts.host, parts.port);
      Transfer t;
      t.max_bytes = options.max_bytes;
      t.cancel = &options.cancel;
      errbuf[0] = '\0';

      SetOpt(api, h, CURLOPT_URL, current.c_str());
      SetOpt(api, h, CURLOPT_PROTOCOLS_STR, "http,https");
      SetOpt(api, h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
      SetOpt(api, h, CURLOPT_FOLLOWLOCATION, 0L);
      SetOpt(api, h, CURLOPT_NOSIGNAL, 1L);
      SetOpt(api, h, CURLOPT_HTTPGET, 1L);
      SetOpt(api, h, CURLOPT_USERAGENT, user_agent.c_str());
      SetOpt(api, h, CURLOPT_ERRORBUFFER, errbuf);
      SetOpt(api, h, CURLOPT_TIMEOUT_MS, static_cast<long>(remaining.count()));
      SetOpt(api, h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect.count()));
      SetOpt(api, h, CURLOPT_SSL_VERIFYPEER, 1L);
      SetOpt(api, h, CURLOPT_SSL_VERIFYHOST, 2L);
      if (!options.ca_file.empty()) {
        SetOpt(api, h, CURLOPT_CAINFO, options.ca_file.c_str());
      }
      // The proxy decision is ours (Go's rules); "" turns libcurl's own env lookup off.
      SetOpt(api, h, CURLOPT_PROXY, proxy.c_str());
      SetOpt(api, h, CURLOPT_NOPROXY, "");
      SetOpt(api, h, CURLOPT_MAXFILESIZE_LARGE,
             static_cast<curl_off_t>(std::min<std::size_t>(options.max_bytes, INT64_MAX)));
      SetOpt(api, h, CURLOPT_WRITEFUNCTION, OnWrite);
      SetOpt(api, h, CURLOPT_WRITEDATA, &t);
      SetOpt(api, h, CURLOPT_NOPROGRESS, 0L);
      SetOpt(api, h, CURLOPT_XFERINFOFUNCTION, OnProgress);
      SetOpt(api, h, CURLOPT_XFERINFODATA, &t);

      const CURLcode rc = api.easy_perform(h);
      if (rc != CURLE_OK) {
        return StatusForCurl(api, rc, t, errbuf, what, options, parts);
      }
      long code = 0;
      api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
      if (code >= 200 && code <= 299) {
        return std::move(t.body);
      }
      char* location = nullptr;
      api.easy_getinfo(h, CURLINFO_REDIRECT_URL, &location);
      if (!IsRedirect(code) || location == nullptr || *location == '\0') {
        return StatusForHttp(code, what);
      }
      if (redirects >= options.max_redirects) {
        return InvalidRequestError(what + ": too many redirects (limit " +
                                   std::to_string(options.max_redirects) + ")");
      }
      current = location;
      AICR_ASSIGN_OR_RETURN(parts, ParseUrl(api, current, what + ": redirect"));
      if (parts.scheme != "http" && parts.scheme != "https") {
        return InvalidRequestError(what + ": redirect to unsupported protocol " +
                                   Quote(parts.scheme) + " (only http and https are allowed)");
      }
      if (options.cancel.IsCanceled()) {
        return CanceledError(what + ": canceled");
      }
    }
  } catch (const std::exception& e) {
    return InternalError("fetch " + Quote(url_in) + ": " + e.what());
  }
}

}  // namespace aicr::serialize
