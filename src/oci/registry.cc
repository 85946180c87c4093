#include "oci/registry.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
#include <utility>

#include "base/base64.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "base/version.h"
#include "oci/auth.h"
#include "serialize/curl_loader.h"
#include "serialize/json_reader.h"
#include "serialize/value.h"

namespace aicr::oci {
namespace {

using serialize::CurlApi;

constexpr std::size_t kMaxSmallBody = std::size_t{4} * 1024 * 1024;
constexpr std::chrono::milliseconds kMaxBackoff{30000};
constexpr std::string_view kManifestAccept =
    "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json";

// ---------------------------------------------------------------------------
// libcurl plumbing.

template <typename T>
void SetOpt(const CurlApi& api, CURL* h, CURLoption option, T value) {
  static_assert(std::is_same_v<T, long> || std::is_same_v<T, curl_off_t> || std::is_pointer_v<T> ||
                    std::is_null_pointer_v<T>,
                "curl_easy_setopt takes a long, a curl_off_t or a pointer");
  (void)api.easy_setopt(h, option, value);
}

struct EasyDeleter {
  const CurlApi* api;
  void operator()(CURL* c) const {
    if (api != nullptr && c != nullptr) {
      api->easy_cleanup(c);
    }
  }
};

using HeaderList = serialize::CurlHeaderList;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  ///< `Name: value`
  std::string_view body;
  std::size_t max_body = kMaxSmallBody;
  bool follow_redirects = false;
  /// Whether a 401 may start the authentication flow (false for token requests).
  bool authenticate = true;
  /// Whether this request writes (push scope).
  bool push = false;
};

struct HttpResponse {
  long status = 0;
  std::multimap<std::string, std::string> headers;  ///< names lower-cased
  std::string body;

  std::string Header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct Attempt {
  HttpResponse* response = nullptr;
  std::size_t max_body = 0;
  bool too_big = false;
  bool canceled = false;
  const CancelToken* cancel = nullptr;
};

size_t OnWrite(char* data, size_t size, size_t count, void* user) {
  auto* a = static_cast<Attempt*>(user);
  const std::size_t n = size * count;
  if (n > a->max_body - a->response->body.size()) {
    a->too_big = true;
    return 0;
  }
  try {
    a->response->body.append(data, n);
  } catch (...) {
    return 0;
  }
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* a = static_cast<Attempt*>(user);
  const std::size_t n = size * count;
  try {
    std::string_view line(data, n);
    if (line.substr(0, 5) == "HTTP/") {
      a->response->headers.clear();  // a new response (redirect, 100 Continue)
      return n;
    }
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      a->response->headers.emplace(AsciiLower(Trim(line.substr(0, colon))),
                                   std::string(Trim(line.substr(colon + 1))));
    }
  } catch (...) {
    return 0;
  }
  return n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* a = static_cast<Attempt*>(user);
  if (a->cancel != nullptr && a->cancel->IsCanceled()) {
    a->canceled = true;
    return 1;
  }
  return 0;
}

std::string LowerFirst(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') {
    s[0] = static_cast<char>(s[0] - 'A' + 'a');
  }
  return s;
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  return out;
}

/// The `message` fields of a registry error body (`{"errors":[{"code","message"}]}`).
std::string RegistryErrorDetail(const std::string& body) {
  if (body.empty() || body.size() > 64 * 1024) {
    return "";
  }
  auto doc = serialize::ParseJson(body);
  if (!doc.ok() || !doc->is_mapping()) {
    return "";
  }
  const serialize::Value* errors = doc->Find("errors");
  if (errors == nullptr || !errors->is_sequence()) {
    return "";
  }
  std::vector<std::string> parts;
  for (const auto& e : *errors->if_sequence()) {
    if (!e.is_mapping()) {
      continue;
    }
    std::string part;
    if (const auto* c = e.Find("code"); c != nullptr && c->is_string()) {
      part = *c->if_string();
    }
    if (const auto* m = e.Find("message"); m != nullptr && m->is_string()) {
      part += (part.empty() ? "" : ": ") + *m->if_string();
    }
    if (!part.empty()) {
      parts.push_back(part);
    }
  }
  return Join(parts, "; ");
}

Status StatusForHttp(const HttpResponse& r, const std::string& what) {
  std::string msg = what + ": registry returned HTTP " + std::to_string(r.status);
  if (const std::string detail = RegistryErrorDetail(r.body); !detail.empty()) {
    msg += " (" + detail + ")";
  }
  const long code = r.status;
  if (code == 401 || code == 403) {
    return UnauthorizedError(msg);
  }
  if (code == 404) {
    return NotFoundError(msg);
  }
  if (code == 429) {
    return RateLimitExceededError(msg);
  }
  if (code == 408 || code == 504) {
    return TimeoutError(msg);
  }
  if (code >= 500) {
    return UnavailableError(msg);
  }
  return InvalidRequestError(msg);
}

/// Resolves a Location header against the registry origin.
std::string ResolveLocation(const std::string& origin, const std::string& location) {
  if (location.find("://") != std::string::npos) {
    return location;
  }
  if (!location.empty() && location.front() == '/') {
    return origin + location;
  }
  return origin + "/" + location;
}

}  // namespace

bool IsRetryableHttpStatus(long status) {
  return status == 429 || (status >= 500 && status <= 599);
}

std::chrono::milliseconds BackoffDelay(std::chrono::milliseconds initial, int retry,
                                       double jitter) {
  jitter = std::clamp(jitter, -0.25, 0.25);
  double base = static_cast<double>(initial.count());
  for (int i = 1; i < retry && base < static_cast<double>(kMaxBackoff.count()); ++i) {
    base *= 2;
  }
  base = std::min(base, static_cast<double>(kMaxBackoff.count()));
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(base * (1.0 + jitter))));
}

// ---------------------------------------------------------------------------

struct RegistryClient::Impl {
  Reference ref;
  RegistryOptions options;
  std::string name;    // registry/repository
  std::string origin;  // scheme://registry
  std::string base;    // origin/v2/repository
  const CurlApi* api = nullptr;
  std::unique_ptr<CURL, EasyDeleter> handle{nullptr, EasyDeleter{nullptr}};
  bool credentials_loaded = false;
  std::optional<Credential> credential;
  std::string authorization;  // the Authorization header value in use
  std::optional<bool> referrers_api;
  std::uint64_t requests = 0;
  bool last_put_subject = false;
  std::mt19937_64 rng{std::random_device{}()};

  std::string What(std::string_view action) const {
    return std::string(action) + " (registry " + Quote(ref.registry) + ", repository " +
           Quote(ref.repository) + ")";
  }

  Status Init() {
    if (api != nullptr) {
      return OkStatus();
    }
    auto loaded = serialize::LoadCurl();
    if (!loaded.ok()) {
      return loaded.status();
    }
    api = *loaded;
    handle = std::unique_ptr<CURL, EasyDeleter>(api->easy_init(), EasyDeleter{api});
    if (!handle) {
      return InternalError("oci: cannot create a libcurl handle");
    }
    return OkStatus();
  }

  bool Canceled() const { return options.cancel != nullptr && options.cancel->IsCanceled(); }

  /// One HTTP exchange, no retry. Transport errors become TIMEOUT / UNAVAILABLE /
  /// CANCELED / INVALID_REQUEST (body too big).
  Result<HttpResponse> Perform(const HttpRequest& req, const std::string& what) {
    AICR_RETURN_IF_ERROR(Init());
    const CurlApi& a = *api;
    CURL* h = handle.get();
    ++requests;
    HttpResponse response;
    Attempt at;
    at.response = &response;
    at.max_body = req.max_body;
    at.cancel = options.cancel;
    char errbuf[CURL_ERROR_SIZE];
    errbuf[0] = '\0';
    HeaderList headers;
    headers.Add("Expect:");
    for (const std::string& line : req.headers) {
      headers.Add(line);
    }
    const std::string user_agent = "aicr/" + GetBuildInfo().version;
    SetOpt(a, h, CURLOPT_URL, req.url.c_str());
    SetOpt(a, h, CURLOPT_PROTOCOLS_STR, "http,https");
    SetOpt(a, h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SetOpt(a, h, CURLOPT_NOSIGNAL, 1L);
    SetOpt(a, h, CURLOPT_ERRORBUFFER, errbuf);
    SetOpt(a, h, CURLOPT_USERAGENT, user_agent.c_str());
    SetOpt(a, h, CURLOPT_HTTPHEADER, headers.get());
    SetOpt(a, h, CURLOPT_TIMEOUT_MS, static_cast<long>(options.per_attempt_timeout.count()));
    SetOpt(a, h, CURLOPT_CONNECTTIMEOUT_MS,
           static_cast<long>(std::min<std::int64_t>(options.per_attempt_timeout.count(), 30000)));
    SetOpt(a, h, CURLOPT_FOLLOWLOCATION, req.follow_redirects ? 1L : 0L);
    SetOpt(a, h, CURLOPT_MAXREDIRS, 10L);
    // Reset the method, then set it.
    SetOpt(a, h, CURLOPT_HTTPGET, 1L);
    SetOpt(a, h, CURLOPT_CUSTOMREQUEST, static_cast<const char*>(nullptr));
    if (req.method == "HEAD") {
      SetOpt(a, h, CURLOPT_NOBODY, 1L);
    } else if (req.method != "GET") {
      SetOpt(a, h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      SetOpt(a, h, CURLOPT_POSTFIELDS, req.body.data() != nullptr ? req.body.data() : "");
      SetOpt(a, h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    }
    SetOpt(a, h, CURLOPT_SSL_VERIFYPEER, options.insecure_tls ? 0L : 1L);
    SetOpt(a, h, CURLOPT_SSL_VERIFYHOST, options.insecure_tls ? 0L : 2L);
    SetOpt(a, h, CURLOPT_WRITEFUNCTION, OnWrite);
    SetOpt(a, h, CURLOPT_WRITEDATA, &at);
    SetOpt(a, h, CURLOPT_HEADERFUNCTION, OnHeader);
    SetOpt(a, h, CURLOPT_HEADERDATA, &at);
    SetOpt(a, h, CURLOPT_NOPROGRESS, 0L);
    SetOpt(a, h, CURLOPT_XFERINFOFUNCTION, OnProgress);
    SetOpt(a, h, CURLOPT_XFERINFODATA, &at);

    const CURLcode rc = a.easy_perform(h);
    SetOpt(a, h, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
    SetOpt(a, h, CURLOPT_ERRORBUFFER, static_cast<char*>(nullptr));
    if (rc != CURLE_OK) {
      const std::string detail = LowerFirst(errbuf[0] != '\0' ? errbuf : a.easy_strerror(rc));
      if (at.canceled || rc == CURLE_ABORTED_BY_CALLBACK) {
        return CanceledError(what + ": canceled");
      }
      if (at.too_big) {
        return InvalidRequestError(what + ": response body exceeds " +
                                   std::to_string(req.max_body) + " bytes");
      }
      switch (rc) {
        case CURLE_OPERATION_TIMEDOUT:
          return TimeoutError(what + ": timed out after " +
                              std::to_string(options.per_attempt_timeout.count()) + "ms (" +
                              detail + ")");
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
        case CURLE_TOO_MANY_REDIRECTS:
          return InvalidRequestError(what + ": " + detail);
        case CURLE_PEER_FAILED_VERIFICATION:
          return UnavailableError(what + ": TLS certificate verification failed: " + detail +
                                  " (use --insecure-tls only for test registries)");
        case CURLE_COULDNT_CONNECT:
          return UnavailableError(what + ": cannot connect: " + detail);
        default:
          return UnavailableError(what + ": " + detail);
      }
    }
    long code = 0;
    a.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    response.status = code;
    return response;
  }

  /// Perform with retries on 5xx/429/timeouts/connection errors.
  Result<HttpResponse> SendWithRetry(const HttpRequest& req, const std::string& what) {
    const int attempts = std::max(1, options.max_attempts);
    for (int attempt = 1;; ++attempt) {
      if (Canceled()) {
        return CanceledError(what + ": canceled");
      }
      auto r = Perform(req, what);
      bool retry = false;
      if (!r.ok()) {
        const ErrorCode c = r.status().code();
        retry = c == ErrorCode::kTimeout || c == ErrorCode::kUnavailable;
      } else {
        retry = IsRetryableHttpStatus(r->status);
      }
      if (!retry || attempt >= attempts) {
        if (r.ok() && retry) {
          return r;  // the caller maps the final status
        }
        if (!r.ok() && retry) {
          return Status(r.status().code(),
                        r.status().message() + " (after " + std::to_string(attempt) + " attempts)");
        }
        return r;
      }
      std::uniform_real_distribution<double> jitter(-0.25, 0.25);
      const auto delay = BackoffDelay(options.initial_backoff, attempt, jitter(rng));
      if (options.cancel != nullptr) {
        if (Status s = options.cancel->SleepFor(delay); !s.ok()) {
          return CanceledError(what + ": canceled");
        }
      } else {
        CancelToken::None().SleepFor(delay).ok();
      }
    }
  }

  Status LoadCredentials() {
    if (credentials_loaded) {
      return OkStatus();
    }
    const std::string path = ResolveDockerConfigPath(options.docker_config);
    auto c = LookupCredential(ref.registry, path, options.cancel);
    if (!c.ok()) {
      return c.status();
    }
    credential = *c;
    credentials_loaded = true;
    return OkStatus();
  }

  std::string DefaultScope(bool push) const {
    return "repository:" + ref.repository + (push ? ":pull,push" : ":pull");
  }

  /// Runs the Bearer token flow for `challenge`, setting `authorization`.
  Status FetchToken(const AuthChallenge& challenge, bool push, const std::string& what) {
    const auto realm_it = challenge.params.find("realm");
    if (realm_it == challenge.params.end() || realm_it->second.empty()) {
      return UnauthorizedError(what + ": bearer challenge without a realm");
    }
    const std::string& realm = realm_it->second;
    if (realm.rfind("https://", 0) != 0 && realm.rfind("http://", 0) != 0) {
      return UnauthorizedError(what + ": bearer realm " + Quote(realm) + " is not an http(s) URL");
    }
    std::string service;
    if (const auto it = challenge.params.find("service"); it != challenge.params.end()) {
      service = it->second;
    }
    std::string scope = DefaultScope(push);
    if (const auto it = challenge.params.find("scope");
        it != challenge.params.end() && !it->second.empty() && !push) {
      scope = it->second;
    }
    HttpRequest tr;
    tr.authenticate = false;
    tr.max_body = 1024 * 1024;
    tr.follow_redirects = true;
    std::string form;
    if (credential.has_value() && credential->username == "<token>") {
      // An identity (refresh) token: the OAuth2 POST flow.
      tr.method = "POST";
      tr.url = realm;
      form = "grant_type=refresh_token&client_id=aicr&refresh_token=" +
             PercentEncode(credential->password) + "&scope=" + PercentEncode(scope);
      if (!service.empty()) {
        form += "&service=" + PercentEncode(service);
      }
      tr.body = form;
      tr.headers.push_back("Content-Type: application/x-www-form-urlencoded");
    } else {
      tr.url = realm + (realm.find('?') == std::string::npos ? "?" : "&") +
               "scope=" + PercentEncode(scope);
      if (!service.empty()) {
        tr.url += "&service=" + PercentEncode(service);
      }
      if (credential.has_value()) {
        tr.headers.push_back("Authorization: Basic " +
                             EncodeBase64(credential->username + ":" + credential->password));
      }
    }
    AICR_ASSIGN_OR_RETURN(HttpResponse resp, SendWithRetry(tr, what + ": token request"));
    if (resp.status < 200 || resp.status > 299) {
      Status s = StatusForHttp(resp, what + ": token request to " + Quote(realm));
      if (resp.status == 400 || resp.status == 401 || resp.status == 403) {
        return UnauthorizedError(s.message() + (credential.has_value()
                                                    ? ""
                                                    : "; no credentials found in the docker "
                                                      "config"));
      }
      return s;
    }
    auto doc = serialize::ParseJson(resp.body);
    std::string token;
    if (doc.ok() && doc->is_mapping()) {
      for (const char* key : {"token", "access_token"}) {
        if (const auto* v = doc->Find(key);
            v != nullptr && v->is_string() && !v->if_string()->empty()) {
          token = *v->if_string();
          break;
        }
      }
    }
    if (token.empty()) {
      return UnauthorizedError(what + ": token response from " + Quote(realm) + " has no token");
    }
    authorization = "Bearer " + token;
    return OkStatus();
  }

  /// Handles a 401: sets `authorization` from the challenge. false when no retry helps.
  Status Authenticate(const HttpResponse& resp, bool push, const std::string& what) {
    const std::string header = resp.Header("www-authenticate");
    if (header.empty()) {
      return StatusForHttp(resp, what);
    }
    AICR_ASSIGN_OR_RETURN(const AuthChallenge challenge, ParseAuthChallenge(header));
    AICR_RETURN_IF_ERROR(LoadCredentials());
    if (challenge.scheme == "basic") {
      if (!credential.has_value() || credential->username == "<token>") {
        return UnauthorizedError(what +
                                 ": registry requires authentication and no credentials "
                                 "were found in the docker config");
      }
      authorization = "Basic " + EncodeBase64(credential->username + ":" + credential->password);
      return OkStatus();
    }
    if (challenge.scheme == "bearer") {
      return FetchToken(challenge, push, what);
    }
    return UnauthorizedError(what + ": unsupported authentication scheme " +
                             Quote(challenge.scheme));
  }

  /// Sends with the current authorization; on 401, authenticates once and resends.
  Result<HttpResponse> Send(HttpRequest req, const std::string& what) {
    const std::size_t base_headers = req.headers.size();
    for (int round = 0;; ++round) {
      req.headers.resize(base_headers);
      if (!authorization.empty()) {
        req.headers.push_back("Authorization: " + authorization);
      }
      AICR_ASSIGN_OR_RETURN(HttpResponse resp, SendWithRetry(req, what));
      if (resp.status != 401 || !req.authenticate || round > 0) {
        if (resp.status == 401 && round > 0) {
          Status s = StatusForHttp(resp, what);
          return UnauthorizedError(s.message() + (credential.has_value()
                                                      ? ": credentials rejected"
                                                      : ": no credentials found in the docker "
                                                        "config"));
        }
        return resp;
      }
      AICR_RETURN_IF_ERROR(Authenticate(resp, req.push, what));
    }
  }
};

RegistryClient::RegistryClient(const Reference& ref, RegistryOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->ref = ref;
  impl_->ref.tag.clear();
  impl_->ref.digest.clear();
  impl_->options = std::move(options);
  impl_->name = ref.Name();
  impl_->origin = std::string(impl_->options.plain_http ? "http://" : "https://") + ref.registry;
  impl_->base = impl_->origin + "/v2/" + ref.repository;
}

RegistryClient::~RegistryClient() = default;
RegistryClient::RegistryClient(RegistryClient&&) noexcept = default;
RegistryClient& RegistryClient::operator=(RegistryClient&&) noexcept = default;

const std::string& RegistryClient::name() const { return impl_->name; }
std::uint64_t RegistryClient::request_count() const { return impl_->requests; }
bool RegistryClient::last_put_processed_subject() const { return impl_->last_put_subject; }

Result<bool> RegistryClient::BlobExists(std::string_view digest) {
  try {
    const std::string what = impl_->What("check blob " + std::string(digest));
    if (!IsValidDigest(digest)) {
      return InvalidRequestError(what + ": invalid digest");
    }
    HttpRequest req;
    req.method = "HEAD";
    req.url = impl_->base + "/blobs/" + std::string(digest);
    req.follow_redirects = true;
    AICR_ASSIGN_OR_RETURN(HttpResponse resp, impl_->Send(req, what));
    if (resp.status >= 200 && resp.status <= 299) {
      return true;
    }
    if (resp.status == 404) {
      return false;
    }
    return StatusForHttp(resp, what);
  } catch (const std::exception& e) {
    return InternalError(std::string("oci: ") + e.what());
  }
}

Result<Descriptor> RegistryClient::PushBlob(std::string_view media_type, std::string_view bytes) {
  try {
    Descriptor d = DescriptorFor(media_type, bytes);
    const std::string what = impl_->What("push blob " + d.digest);
    AICR_ASSIGN_OR_RETURN(const bool exists, BlobExists(d.digest));
    if (exists) {
      return d;
    }
    HttpRequest start;
    start.method = "POST";
    start.url = impl_->base + "/blobs/uploads/";
    start.push = true;
    AICR_ASSIGN_OR_RETURN(HttpResponse started, impl_->Send(start, what));
    if (started.status != 202) {
      return StatusForHttp(started, what + ": start upload");
    }
    const std::string location = started.Header("location");
    if (location.empty()) {
      return UnavailableError(what + ": upload response has no Location header");
    }
    std::string url = ResolveLocation(impl_->origin, location);
    url += (url.find('?') == std::string::npos ? "?" : "&");
    url += "digest=" + PercentEncode(d.digest);
    HttpRequest put;
    put.method = "PUT";
    put.url = url;
    put.body = bytes;
    put.push = true;
    put.headers.push_back("Content-Type: application/octet-stream");
    AICR_ASSIGN_OR_RETURN(HttpResponse done, impl_->Send(put, what));
    if (done.status != 201 && done.status != 204 && done.status != 200) {
      return StatusForHttp(done, what + ": upload");
    }
    return d;
  } catch (const std::exception& e) {
    return InternalError(std::string("oci: ") + e.what());
  }
}

Result<std::string> RegistryClient::GetBlob(std::string_view digest, std::size_t max_bytes) {
  try {
    const std::string what = impl_->What("get blob " + std::string(digest));
    if (!IsValidDigest(digest)) {
      return InvalidRequestError(what + ": invalid digest");
    }
    HttpRequest req;
    req.url = impl_->base + "/blobs/" + std::string(digest);
    req.max_body = max_bytes;
    req.follow_redirects = true;
    AICR_ASSIGN_OR_RETURN(HttpResponse resp, impl_->Send(req, what));
    if (resp.status != 200) {
      return StatusForHttp(resp, what);
    }
    if (DigestOf(resp.body) != digest) {
      return InvalidRequestError(what + ": content does not match its digest");
    }
    return std::move(resp.body);
  } catch (const std::exception& e) {
    return InternalError(std::string("oci: ") + e.what());
  }
}

Result<std::string> RegistryClient::PutManifest(std::string_view reference,
                                                std::string_view media_type,
                                                std::string_view bytes) {
  try {
    const std::string digest = DigestOf(bytes);
    const std::string what = impl_->What("push manifest " + std::string(reference));
    if (!IsValidTag(reference) && !IsValidDigest(reference)) {
      return InvalidRequestError(what + ": invalid tag or digest");
    }
    if (IsValidDigest(reference) && reference != digest) {
      return InvalidRequestError(what + ": digest does not match the manifest");
    }
    HttpRequest req;
    req.method = "PUT";
    req.url = impl_->base + "/manifests/" + std::string(reference);
    req.body = bytes;
    req.push = true;
    req.headers.push_back("Content-Type: " + std::string(media_type));
    AICR_ASSIGN_OR_RETURN(HttpResponse resp, impl_->Send(req, what));
    if (resp.status != 201 && resp.status != 200 && resp.status != 204) {
      return StatusForHttp(resp, what);
    }
    const std::string got = resp.Header("docker-content-digest");
    if (!got.empty() && IsValidDigest(got) && got != digest) {
      return UnavailableError(what + ": registry stored digest " + got + ", expected " + digest);
    }
    impl_->last_put_subject = !resp.Header("oci-subject").empty();
    return digest;
  } catch (const std::exception& e) {
    return InternalError(std::string("oci: ") + e.what());
  }
}

Result<FetchedManifest> RegistryClient::GetManifest(std::string_view reference,
                                                    std::size_t max_bytes) {
  try {
    const std::string what = impl_->What("get manifest " + std::string(reference));
    if (!IsValidTag(reference) && !IsValidDigest(reference)) {
      return InvalidRequestError(what + ": invalid tag or digest");
    }
    HttpRequest req;
    req.url = impl_->base + "/manifests/" + std::string(reference);
    req.max_body = max_bytes;
    req.headers.push_back("Accept: " + std::string(kManifestAccept));
    AICR_ASSIGN_OR_RETURN(HttpResponse resp, impl_->Send(req, what));
    if (resp.status != 200) {
      return StatusForHttp(resp, what);
    }
    FetchedManifest out;
    out.digest = DigestOf(resp.body);
    if (IsValidDigest(reference) && out.digest != reference) {
      return InvalidRequestError(what + ": content does not match its digest");
    }
    const std::string header_digest = resp.Header("docker-content-digest");
    if (!header_digest.empty() && IsValidDigest(header_digest) && header_digest != out.digest) {
      return InvalidRequestError(what + ": content does not match Docker-Content-Digest " +
                                 header_digest);
    }
    out.media_type = resp.Header("content-type");
    if (const std::size_t semi = out.media_type.find(';'); semi != std::string::npos) {
      out.media_type = std::string(Trim(out.media_type.substr(0, semi)));
    }
    out.bytes = std::move(resp.body);
    return out;
  } catch (const std::exception& e) {
    return InternalError(std::string("oci: ") + e.what());
  }
}

Result<Descriptor> RegistryClient::HeadManifest(std::string_view reference) {
  try {
    const std::string what = impl_->What("check manifest " + std::string(reference));
    if (!IsValidTag(reference) && !IsValidDigest(reference)) {
      return InvalidRequestError(what + ": invalid tag or digest");
    }
    HttpRequest req;
    req.method = "HEAD";
    req.url = impl_->base + "/manifests/" + std::string(reference);
    req.headers.push_back("Accept: " + std::string(kManifestAccept));
    AICR_ASSIGN_OR_RETURN(HttpResponse resp, impl_->Send(req, what));
    if (resp.status != 200) {
      return StatusForHttp(resp, what);
    }
    Descriptor d;
    d.media_type = resp.Header("content-type");
    if (const std::size_t semi = d.media_type.find(';'); semi != std::string::npos) {
      d.media_type = std::string(Trim(d.media_type.substr(0, semi)));
    }
    d.digest = resp.Header("docker-content-digest");
    if (!IsValidDigest(d.digest)) {
      if (IsValidDigest(reference)) {
        d.digest = std::string(reference);
      } else {
        // No digest header: fetch the manifest to learn it.
        AICR_ASSIGN_OR_RETURN(FetchedManifest m, GetManifest(reference, kMaxSmallBody));
        d.digest = m.digest;
        d.media_type = m.media_type;
        d.size = static_cast<std::int64_t>(m.bytes.size());
        return d;
      }
    }
    const std::string length = resp.Header("content-length");
    d.size = length.empty() ? 0 : std::strtoll(length.c_str(), nullptr, 10);
    return d;
  } catch (const std::exception& e) {
    return InternalError(std::string("oci: ") + e.what());
  }
}

Result<std::vector<std::string>> RegistryClient::ListTags() {
  try {
    const std::string what = impl_->What("list tags");
    std::vector<std::string> tags;
    std::string url = impl_->base + "/tags/list?n=1000";
    for (int page = 0; page < 1000 && !url.empty(); ++page) {
      HttpRequest req;
      req.url = url;
      AICR_ASSIGN_OR_RETURN(HttpResponse resp, impl_->Send(req, what));
      if (resp.status != 200) {
        return StatusForHttp(resp, what);
      }
      auto doc = serialize::ParseJson(resp.body);
      if (!doc.ok() || !doc->is_mapping()) {
        return InvalidRequestError(what + ": invalid tag list");
      }
      if (const auto* list = doc->Find("tags"); list != nullptr && list->is_sequence()) {
        for (const auto& t : *list->if_sequence()) {
          if (t.is_string()) {
            tags.push_back(*t.if_string());
          }
        }
      }
      url.clear();
      const std::string link = resp.Header("link");
      const std::size_t lt = link.find('<');
      const std::size_t gt = link.find('>');
      if (lt != std::string::npos && gt != std::string::npos && gt > lt &&
          link.find("rel=\"next\"") != std::string::npos) {
        url = ResolveLocation(impl_->origin, link.substr(lt + 1, gt - lt - 1));
      }
    }
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
    return tags;
  } catch (const std::exception& e) {
    return InternalError(std::string("oci: ") + e.what());
  }
}

Result<bool> RegistryClient::HasReferrersApi(std::string_view subject_digest) {
  if (impl_->referrers_api.has_value()) {
    return *impl_->referrers_api;
  }
  const std::string what = impl_->What("probe referrers API");
  if (!IsValidDigest(subject_digest)) {
    return InvalidRequestError(what + ": invalid digest");
  }
  HttpRequest req;
  req.url = impl_->base + "/referrers/" + std::string(subject_digest);
  req.headers.push_back("Accept: " + std::string(kMediaTypeImageIndex));
  AICR_ASSIGN_OR_RETURN(HttpResponse resp, impl_->Send(req, what));
  if (resp.status == 200) {
    impl_->referrers_api = true;
  } else if (resp.status == 404 || resp.status == 400 || resp.status == 405) {
    impl_->referrers_api = false;
  } else {
    return StatusForHttp(resp, what);
  }
  return *impl_->referrers_api;
}

Result<std::vector<Descriptor>> RegistryClient::Referrers(std::string_view subject_digest,
                                                          std::string_view artifact_type) {
  try {
    const std::string what = impl_->What("list referrers of " + std::string(subject_digest));
    if (!IsValidDigest(subject_digest)) {
      return InvalidRequestError(what + ": invalid digest");
    }
    std::optional<Index> index;
    if (impl_->referrers_api.value_or(true)) {
      HttpRequest req;
      req.url = impl_->base + "/referrers/" + std::string(subject_digest);
      if (!artifact_type.empty()) {
        req.url += "?artifactType=" + PercentEncode(artifact_type);
      }
      req.headers.push_back("Accept: " + std::string(kMediaTypeImageIndex));
      AICR_ASSIGN_OR_RETURN(HttpResponse resp, impl_->Send(req, what));
      if (resp.status == 200) {
        impl_->referrers_api = true;
        auto decoded = DecodeIndex(resp.body);
        if (!decoded.ok()) {
          return decoded.status().WithContext(what);
        }
        index = std::move(*decoded);
      } else if (resp.status == 404 || resp.status == 400 || resp.status == 405) {
        impl_->referrers_api = false;
      } else {
        return StatusForHttp(resp, what);
      }
    }
    if (!index.has_value()) {
      // The tag-schema fallback: an index tagged sha256-<hex>.
      const std::string tag = "sha256-" + std::string(subject_digest.substr(7));
      auto fetched = GetManifest(tag, kMaxSmallBody);
      if (!fetched.ok()) {
        if (fetched.status().code() == ErrorCode::kNotFound) {
          return std::vector<Descriptor>();
        }
        return fetched.status();
      }
      auto decoded = DecodeIndex(fetched->bytes);
      if (!decoded.ok()) {
        return decoded.status().WithContext(what + ": referrers tag " + Quote(tag));
      }
      index = std::move(*decoded);
    }
    std::vector<Descriptor> out;
    for (Descriptor& d : index->manifests) {
      if (artifact_type.empty() || d.artifact_type == artifact_type) {
        out.push_back(std::move(d));
      }
    }
    std::sort(out.begin(), out.end(),
              [](const Descriptor& a, const Descriptor& b) { return a.digest < b.digest; });
    out.erase(
        std::unique(out.begin(), out.end(),
                    [](const Descriptor& a, const Descriptor& b) { return a.digest == b.digest; }),
        out.end());
    return out;
  } catch (const std::exception& e) {
    return InternalError(std::string("oci: ") + e.what());
  }
}

}  // namespace aicr::oci
