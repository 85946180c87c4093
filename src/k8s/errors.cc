#include "k8s/errors.h"

#include <string>

#include "serialize/json_reader.h"
#include "serialize/value.h"

namespace aicr::k8s {
namespace {

constexpr std::size_t kMaxStatusBytes = std::size_t{1} << 20;
constexpr std::size_t kMaxQuotedBody = 200;
constexpr std::string_view kExpiredMarker = ", HTTP 410)";

std::string StringField(const serialize::Value& v, std::string_view key) {
  const serialize::Value* f = v.Find(key);
  if (f == nullptr || !f->is_string()) {
    return "";
  }
  return *f->if_string();
}

/// A body that is not a Status, made printable and short.
std::string Snippet(std::string_view body) {
  std::string out;
  for (const char c : body.substr(0, kMaxQuotedBody)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  if (body.size() > kMaxQuotedBody) {
    out += "...";
  }
  return out;
}

}  // namespace

std::optional<ApiStatus> ParseApiStatus(std::string_view body) {
  if (body.empty() || body.size() > kMaxStatusBytes) {
    return std::nullopt;
  }
  serialize::ParseOptions options;
  options.max_bytes = kMaxStatusBytes;
  options.max_depth = 32;
  auto parsed = serialize::ParseJson(body, options);
  if (!parsed.ok() || !parsed->is_mapping() || StringField(*parsed, "kind") != "Status") {
    return std::nullopt;
  }
  ApiStatus s;
  if (const serialize::Value* code = parsed->Find("code"); code != nullptr && code->is_int()) {
    s.code = static_cast<int>(*code->if_int());
  }
  s.status = StringField(*parsed, "status");
  s.reason = StringField(*parsed, "reason");
  s.message = StringField(*parsed, "message");
  return s;
}

Status StatusFromApiStatus(int http_status, const ApiStatus& api, std::string_view what) {
  const int code = http_status != 0 ? http_status : api.code;
  std::string detail = api.message.empty() ? "" : ": " + api.message;
  std::string reason = api.reason.empty() ? "" : "reason " + api.reason;
  const auto with = [&](std::string_view phrase, bool http_in_suffix = false) {
    std::string suffix = reason;
    if (http_in_suffix) {
      suffix += (suffix.empty() ? "" : ", ") + std::string("HTTP ") + std::to_string(code);
    }
    std::string msg = std::string(what) + ": " + std::string(phrase) + detail;
    if (!suffix.empty()) {
      msg += " (" + suffix + ")";
    }
    return msg;
  };
  switch (code) {
    case 400:
    case 422:
      return InvalidRequestError(with("invalid"));
    case 401:
      return UnauthorizedError(with("unauthorized"));
    case 403:
      return UnauthorizedError(with("forbidden"));
    case 404:
      return NotFoundError(std::string(what) + ": not found");
    case 405:
      return MethodNotAllowedError(with("method not allowed"));
    case 408:
    case 504:
      return TimeoutError(with("timed out", true));
    case 409:
      return ConflictError(with("conflict"));
    case 410:
      if (reason.empty()) {
        reason = "reason Expired";
      }
      return ConflictError(with("expired", true));
    case 413:
      return InvalidRequestError(with("request entity too large"));
    case 429:
      return RateLimitExceededError(with("too many requests"));
    default:
      break;
  }
  if (code >= 500 && code <= 599) {
    return UnavailableError(with("server error", true));
  }
  if (code >= 400 && code <= 499) {
    return InvalidRequestError(with("request rejected", true));
  }
  return UnavailableError(with("unexpected answer", true));
}

Status StatusFromHttp(int http_status, std::string_view body, std::string_view what) {
  if (std::optional<ApiStatus> api = ParseApiStatus(body)) {
    return StatusFromApiStatus(http_status, *api, what);
  }
  ApiStatus none;
  none.message = Snippet(body);
  return StatusFromApiStatus(http_status, none, what);
}

bool IsExpired(const Status& s) {
  const std::string& m = s.message();
  return s.code() == ErrorCode::kConflict && m.size() >= kExpiredMarker.size() &&
         m.compare(m.size() - kExpiredMarker.size(), kExpiredMarker.size(), kExpiredMarker) == 0;
}

}  // namespace aicr::k8s
