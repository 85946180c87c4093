#include "k8s/transport.h"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <string>
#include <type_traits>
#include <utility>

#include "base/status_macros.h"
#include "base/strings.h"
#include "k8s/resource.h"
#include "serialize/curl_loader.h"

namespace aicr::k8s {
namespace {

using serialize::CurlApi;
using SteadyTime = RetryEnv::SteadyTime;

std::string LowerFirst(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') {
    s[0] = static_cast<char>(s[0] - 'A' + 'a');
  }
  return s;
}

template <typename T>
void SetOpt(const CurlApi& api, CURL* h, CURLoption option, T value) {
  static_assert(std::is_same_v<T, long> || std::is_same_v<T, curl_off_t> || std::is_pointer_v<T>,
                "curl_easy_setopt takes a long, a curl_off_t or a pointer");
  (void)api.easy_setopt(h, option, value);
}

struct EasyDeleter {
  const CurlApi* api;
  void operator()(CURL* c) const { api->easy_cleanup(c); }
};
using HeaderList = serialize::CurlHeaderList;

/// State shared with the libcurl callbacks of one attempt.
struct Attempt {
  const CurlApi* api = nullptr;
  CURL* handle = nullptr;
  Response* response = nullptr;
  std::size_t max_bytes = 0;
  const CancelToken* cancel = nullptr;
  const ChunkCallback* on_chunk = nullptr;
  bool decided = false;    // whether the body's destination is known
  bool streaming = false;  // 2xx body goes to on_chunk
  bool delivered = false;  // on_chunk saw at least one byte
  bool stopped = false;    // on_chunk returned false
  bool too_big = false;
  bool canceled = false;
  bool failed = false;  // an exception in a callback
};

size_t OnWrite(char* data, size_t size, size_t count, void* user) {
  auto* a = static_cast<Attempt*>(user);
  const std::size_t n = size * count;
  try {
    if (!a->decided) {
      a->decided = true;
      long code = 0;
      a->api->easy_getinfo(a->handle, CURLINFO_RESPONSE_CODE, &code);
      a->streaming = a->on_chunk != nullptr && code >= 200 && code <= 299;
    }
    if (a->streaming) {
      a->delivered = true;
      if (!(*a->on_chunk)(std::string_view(data, n))) {
        a->stopped = true;
        return 0;
      }
      return n;
    }
    if (n > a->max_bytes - a->response->body.size()) {
      a->too_big = true;
      return 0;
    }
    a->response->body.append(data, n);
    return n;
  } catch (...) {
    a->failed = true;
    return 0;
  }
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* a = static_cast<Attempt*>(user);
  const std::size_t n = size * count;
  try {
    std::string_view line(data, n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
      line.remove_suffix(1);
    }
    if (line.substr(0, 5) == "HTTP/") {
      a->response->headers.clear();  // a new response (after 100 Continue or a proxy)
      return n;
    }
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos && a->response->headers.size() < 1000) {
      a->response->headers.emplace_back(AsciiLower(line.substr(0, colon)),
                                        std::string(Trim(line.substr(colon + 1))));
    }
    return n;
  } catch (...) {
    a->failed = true;
    return 0;
  }
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* a = static_cast<Attempt*>(user);
  if (a->cancel->IsCanceled()) {
    a->canceled = true;
    return 1;
  }
  return 0;
}

/// How a failed attempt may be repeated.
enum class Failure {
  kFinal,            // never
  kBeforeSending,    // the connection was never made: any method
  kAfterConnecting,  // the request may have reached the server: idempotent methods
};

struct AttemptResult {
  Result<Response> outcome = Response{};
  Failure failure = Failure::kFinal;
  bool stream_started = false;
};

/// The Status for a failed libcurl transfer and whether it may be repeated.
Status CurlError(CURLcode rc, const std::string& what, const std::string& detail, bool delivered,
                 bool before_sending, Failure* failure) {
  *failure = Failure::kFinal;
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      if (before_sending) {
        *failure = Failure::kBeforeSending;
      }
      return TimeoutError(what + ": timed out (" + detail + ")");
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      *failure = Failure::kBeforeSending;
      return UnavailableError(what + ": cannot connect: " + detail);
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
      *failure = delivered ? Failure::kFinal : Failure::kAfterConnecting;
      return UnavailableError(what + ": connection failed: " + detail);
    case CURLE_PARTIAL_FILE:
      return UnavailableError(what + ": truncated response: " + detail);
    case CURLE_PEER_FAILED_VERIFICATION:
      return UnavailableError(what + ": TLS certificate verification failed: " + detail);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return InvalidRequestError(what + ": " + detail);
    default:
      return UnavailableError(what + ": " + detail);
  }
}

std::string Query(const Params& query) {
  std::string out;
  for (const auto& [k, v] : query) {
    out += out.empty() ? "?" : "&";
    out += EscapeComponent(k) + "=" + EscapeComponent(v);
  }
  return out;
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

}  // namespace

std::string Response::Header(std::string_view name) const {
  const std::string key = AsciiLower(name);
  for (const auto& [k, v] : headers) {
    if (k == key) {
      return v;
    }
  }
  return "";
}

Transport::Transport(RestConfig config, std::shared_ptr<CredentialSource> credentials,
                     TransportOptions options)
    : config_(std::move(config)),
      credentials_(std::move(credentials)),
      options_(std::move(options)) {}

Result<std::unique_ptr<Transport>> Transport::Create(RestConfig config,
                                                     std::shared_ptr<CredentialSource> credentials,
                                                     TransportOptions options) {
  AICR_ASSIGN_OR_RETURN(const CurlApi* const api, serialize::LoadCurl());
  std::string server = config.server;
  while (!server.empty() && server.back() == '/') {
    server.pop_back();
  }
  const std::string what = "kubernetes server " + Quote(server);
  struct UrlHolder {
    const CurlApi* api;
    CURLU* u;
    ~UrlHolder() {
      if (u != nullptr) {
        api->url_cleanup(u);
      }
    }
  } holder{api, api->url()};
  if (holder.u == nullptr) {
    return InternalError(what + ": cannot allocate a URL parser");
  }
  if (const CURLUcode rc = api->url_set(holder.u, CURLUPART_URL, server.c_str(), 0);
      rc != CURLUE_OK) {
    return InvalidRequestError(what + ": invalid URL: " + LowerFirst(api->url_strerror(rc)));
  }
  const std::string scheme = AsciiLower(UrlPart(*api, holder.u, CURLUPART_SCHEME));
  if (scheme != "http" && scheme != "https") {
    return InvalidRequestError(what + ": unsupported scheme " + Quote(scheme) +
                               " (only http and https)");
  }
  if (!UrlPart(*api, holder.u, CURLUPART_QUERY).empty()) {
    return InvalidRequestError(what + ": a server URL cannot have a query");
  }
  auto t = std::unique_ptr<Transport>(
      new Transport(std::move(config), std::move(credentials), std::move(options)));
  t->base_url_ = server;
  if (!t->config_.tls_server_name.empty()) {
    // Point the URL at the server name (so libcurl sends it as SNI and verifies
    // the certificate against it) and connect to the real host instead.
    const std::string host = UrlPart(*api, holder.u, CURLUPART_HOST);
    const std::string port = UrlPart(*api, holder.u, CURLUPART_PORT, CURLU_DEFAULT_PORT);
    std::string name = t->config_.tls_server_name;
    if (name.find(':') != std::string::npos && name.front() != '[') {
      name = "[" + name + "]";
    }
    if (api->url_set(holder.u, CURLUPART_HOST, name.c_str(), 0) != CURLUE_OK) {
      return InvalidRequestError(what + ": invalid tls-server-name " +
                                 Quote(t->config_.tls_server_name));
    }
    t->base_url_ = UrlPart(*api, holder.u, CURLUPART_URL);
    while (!t->base_url_.empty() && t->base_url_.back() == '/') {
      t->base_url_.pop_back();
    }
    t->connect_to_ = name + ":" + port + ":" + host + ":" + port;
  }
  return t;
}

std::string Transport::UrlFor(const Request& request) const {
  return base_url_ + request.path + Query(request.query);
}

Result<Response> Transport::Do(const Request& request) const { return Run(request, nullptr); }

Result<Response> Transport::Stream(const Request& request, const ChunkCallback& on_chunk) const {
  return Run(request, &on_chunk);
}

Result<Response> Transport::Run(const Request& request, const ChunkCallback* on_chunk) const {
  const std::string url = UrlFor(request);
  const std::string what = request.method + " " + url;
  try {
    AICR_ASSIGN_OR_RETURN(const CurlApi* const loaded, serialize::LoadCurl());
    const CurlApi& api = *loaded;
    const RetryEnv& env = options_.env;
    const std::chrono::milliseconds timeout = request.timeout.value_or(config_.default_timeout);
    std::optional<SteadyTime> deadline;
    if (timeout.count() > 0) {
      deadline = env.now() + timeout;
    }
    const bool idempotent = IsIdempotentMethod(request.method);
    bool refreshed = false;
    int retries = 0;

    for (;;) {
      if (request.cancel.IsCanceled()) {
        return CanceledError(what + ": canceled");
      }
      std::chrono::milliseconds remaining{0};
      if (deadline.has_value()) {
        remaining = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - env.now());
        if (remaining.count() <= 0) {
          return TimeoutError(what + ": timed out after " + std::to_string(timeout.count()) + "ms");
        }
      }
      RequestCredentials creds;
      if (credentials_ != nullptr) {
        auto got = credentials_->Get(request.cancel);
        if (!got.ok()) {
          return got.status().WithContext(what);
        }
        creds = std::move(got).value();
      }
      if (creds.client_certificate_pem.empty()) {
        creds.client_certificate_pem = config_.auth.client_certificate_pem;
        creds.client_key_pem = config_.auth.client_key_pem;
      }

      std::unique_ptr<CURL, EasyDeleter> curl(api.easy_init(), EasyDeleter{&api});
      if (!curl) {
        return InternalError(what + ": cannot create a libcurl handle");
      }
      CURL* h = curl.get();
      Response response;
      Attempt a;
      a.api = &api;
      a.handle = h;
      a.response = &response;
      a.max_bytes = request.max_response_bytes;
      a.cancel = &request.cancel;
      a.on_chunk = on_chunk;
      char errbuf[CURL_ERROR_SIZE];
      errbuf[0] = '\0';

      HeaderList headers;
      headers.Add("Accept: " + request.accept);
      headers.Add("Expect:");
      if (!creds.authorization.empty()) {
        headers.Add("Authorization: " + creds.authorization);
      }
      if (!request.body.empty() && !request.content_type.empty()) {
        headers.Add("Content-Type: " + request.content_type);
      }
      for (const auto& [k, v] : request.headers) {
        std::string line = k;
        line += ": ";
        line += v;
        headers.Add(line);
      }

      SetOpt(api, h, CURLOPT_URL, url.c_str());
      SetOpt(api, h, CURLOPT_PROTOCOLS_STR, "http,https");
      SetOpt(api, h, CURLOPT_FOLLOWLOCATION, 0L);
      SetOpt(api, h, CURLOPT_NOSIGNAL, 1L);
      SetOpt(api, h, CURLOPT_ERRORBUFFER, errbuf);
      SetOpt(api, h, CURLOPT_USERAGENT, config_.user_agent.c_str());
      SetOpt(api, h, CURLOPT_HTTPHEADER, headers.get());
      SetOpt(api, h, CURLOPT_TIMEOUT_MS, static_cast<long>(remaining.count()));
      const auto connect = remaining.count() > 0 ? std::min(options_.connect_timeout, remaining)
                                                 : options_.connect_timeout;
      SetOpt(api, h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect.count()));
      if (request.method == "HEAD") {
        SetOpt(api, h, CURLOPT_NOBODY, 1L);
      } else if (request.method != "GET" || !request.body.empty()) {
        if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
            request.method == "PATCH") {
          SetOpt(api, h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
          SetOpt(api, h, CURLOPT_POSTFIELDS, request.body.data());
        }
        SetOpt(api, h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
      }
      // TLS. The blobs are copied by libcurl.
      if (config_.insecure_skip_tls_verify) {
        SetOpt(api, h, CURLOPT_SSL_VERIFYPEER, 0L);
        SetOpt(api, h, CURLOPT_SSL_VERIFYHOST, 0L);
      } else {
        SetOpt(api, h, CURLOPT_SSL_VERIFYPEER, 1L);
        SetOpt(api, h, CURLOPT_SSL_VERIFYHOST, 2L);
      }
      curl_blob ca{const_cast<char*>(config_.ca_pem.data()), config_.ca_pem.size(), CURL_BLOB_COPY};
      if (!config_.ca_pem.empty() && !config_.insecure_skip_tls_verify) {
        SetOpt(api, h, CURLOPT_CAINFO_BLOB, &ca);
      }
      curl_blob cert{creds.client_certificate_pem.data(), creds.client_certificate_pem.size(),
                     CURL_BLOB_COPY};
      curl_blob key{creds.client_key_pem.data(), creds.client_key_pem.size(), CURL_BLOB_COPY};
      if (!creds.client_certificate_pem.empty()) {
        SetOpt(api, h, CURLOPT_SSLCERT_BLOB, &cert);
        SetOpt(api, h, CURLOPT_SSLCERTTYPE, "PEM");
        SetOpt(api, h, CURLOPT_SSLKEY_BLOB, &key);
        SetOpt(api, h, CURLOPT_SSLKEYTYPE, "PEM");
      }
      curl_slist connect_to{const_cast<char*>(connect_to_.c_str()), nullptr};
      if (!connect_to_.empty()) {
        SetOpt(api, h, CURLOPT_CONNECT_TO, &connect_to);
      }
      // An explicit proxy; otherwise libcurl applies HTTPS_PROXY/HTTP_PROXY/NO_PROXY.
      if (!config_.proxy_url.empty()) {
        SetOpt(api, h, CURLOPT_PROXY, config_.proxy_url.c_str());
      }
      SetOpt(api, h, CURLOPT_WRITEFUNCTION, OnWrite);
      SetOpt(api, h, CURLOPT_WRITEDATA, &a);
      SetOpt(api, h, CURLOPT_HEADERFUNCTION, OnHeader);
      SetOpt(api, h, CURLOPT_HEADERDATA, &a);
      SetOpt(api, h, CURLOPT_NOPROGRESS, 0L);
      SetOpt(api, h, CURLOPT_XFERINFOFUNCTION, OnProgress);
      SetOpt(api, h, CURLOPT_XFERINFODATA, &a);

      const CURLcode rc = api.easy_perform(h);
      long code = 0;
      api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
      response.status = static_cast<int>(code);

      Status error;
      Failure failure = Failure::kFinal;
      const std::string detail = LowerFirst(errbuf[0] != '\0' ? errbuf : api.easy_strerror(rc));
      if (rc == CURLE_OK || (a.stopped && rc == CURLE_WRITE_ERROR)) {
        // Fall through to the HTTP status below.
      } else if (a.canceled || (rc == CURLE_ABORTED_BY_CALLBACK && request.cancel.IsCanceled())) {
        return CanceledError(what + ": canceled");
      } else if (a.too_big) {
        return InvalidRequestError(what + ": response body exceeds " +
                                   std::to_string(request.max_response_bytes) + " bytes");
      } else if (a.failed) {
        return InternalError(what + ": out of memory or callback failure");
      } else {
        curl_off_t pretransfer = 0;
        api.easy_getinfo(h, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
        error = CurlError(rc, what, detail, a.delivered, pretransfer == 0, &failure);
      }

      std::optional<std::chrono::milliseconds> retry_after;
      if (error.ok()) {
        if (code == 401 && credentials_ != nullptr && credentials_->Refreshable() && !refreshed &&
            !a.delivered) {
          refreshed = true;
          credentials_->Invalidate();
          continue;
        }
        if (!IsRetryableHttpStatus(response.status) || !idempotent || a.delivered) {
          return response;
        }
        retry_after = ParseRetryAfter(response.Header("retry-after"));
      } else if (failure == Failure::kFinal ||
                 (failure == Failure::kAfterConnecting && !idempotent)) {
        return error;
      }
      if (retries + 1 >= options_.retry.max_attempts) {
        if (error.ok()) {
          return response;
        }
        return error;
      }
      const std::chrono::milliseconds delay =
          retry_after.value_or(BackoffDelay(options_.retry, retries, env.random()));
      if (Status waited = WaitBeforeRetry(env, delay, deadline, request.cancel); !waited.ok()) {
        if (waited.code() == ErrorCode::kCanceled) {
          return CanceledError(what + ": canceled");
        }
        if (error.ok()) {
          return response;
        }
        return error;
      }
      ++retries;
    }
  } catch (const std::exception& e) {
    return InternalError(what + ": " + e.what());
  }
}

}  // namespace aicr::k8s
