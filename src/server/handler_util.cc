#include "server/handler_util.h"

#include <algorithm>

#include "base/strings.h"
#include "serialize/json_writer.h"

namespace aicr::server {
namespace {}  // namespace

std::optional<ApiError> CheckAllowlists(const Allowlists& allow,
                                        const client::CriteriaInput& criteria) {
  struct Dim {
    const char* name;
    const std::vector<std::string>* allowed;
    const std::optional<std::string>* value;
  };
  for (const Dim& d :
       {Dim{"accelerator", &allow.accelerators, &criteria.accelerator},
        Dim{"service", &allow.services, &criteria.service},
        Dim{"intent", &allow.intents, &criteria.intent}, Dim{"os", &allow.os, &criteria.os}}) {
    if (d.allowed->empty() || !d.value->has_value()) {
      continue;
    }
    const std::string v = AsciiLower(Trim(**d.value));
    if (v.empty() || v == "any" ||
        std::find(d.allowed->begin(), d.allowed->end(), v) != d.allowed->end()) {
      continue;
    }
    serialize::Mapping details;
    details.Set("requested", **d.value);
    serialize::Sequence allowed;
    for (const std::string& a : *d.allowed) {
      allowed.emplace_back(a);
    }
    details.Set("allowed", serialize::Value(std::move(allowed)));
    return ApiError{.code = ErrorCode::kInvalidRequest,
                    .message = std::string(d.name) + " type not allowed",
                    .details = serialize::Value(std::move(details))};
  }
  return std::nullopt;
}

bool ReadBody(HttpRequest& req, HttpResponse& res, std::string* body) {
  if (!req.read_body) {
    body->clear();
    return true;
  }
  BodyRead read = req.read_body(req.body_limit);
  if (read.too_large) {
    serialize::Mapping details;
    details.Set("limit", static_cast<std::int64_t>(req.body_limit));
    details.Set("error",
                "request body exceeds the limit of " + std::to_string(req.body_limit) + " bytes");
    WriteError(req,
               ApiError{.code = ErrorCode::kInvalidRequest,
                        .message = "Request body too large",
                        .details = serialize::Value(std::move(details)),
                        .http_status = 413},
               res);
    return false;
  }
  if (read.failed) {
    WriteError(
        req,
        ErrorFromStatus(InvalidRequestError("incomplete request body"), "Invalid request body"),
        res);
    return false;
  }
  *body = std::move(read.bytes);
  return true;
}

ApiError ResolutionError(const Status& status, std::string_view summary,
                         const recipe::ResolutionErrorDetails& details) {
  serialize::Value extra;
  if (!details.empty()) {
    extra = details.ToValue();
  }
  return ErrorFromStatus(status, summary, std::move(extra));
}

Result<std::string> JsonDocument(const serialize::Value& value) {
  return serialize::WriteJson(value);
}

bool IfNoneMatchHits(std::string_view header, std::string_view etag) {
  auto strip_weak = [](std::string_view t) {
    if (t.size() >= 2 && (t.substr(0, 2) == "W/" || t.substr(0, 2) == "w/")) {
      t.remove_prefix(2);
    }
    return t;
  };
  std::string_view rest = header;
  while (!rest.empty()) {
    const std::size_t comma = std::min(rest.find(','), rest.size());
    const std::string_view tag = Trim(rest.substr(0, comma));
    if (tag == "*" || (!tag.empty() && strip_weak(tag) == strip_weak(etag))) {
      return true;
    }
    rest.remove_prefix(std::min(comma + 1, rest.size()));
  }
  return false;
}

void WriteCacheable(const HttpRequest& req, HttpResponse& res, const CachedResponse& answer) {
  res.SetHeader("ETag", answer.etag);
  res.SetHeader("Cache-Control", "public, max-age=600");
  res.SetHeader("Vary", "Accept-Encoding");
  const std::string inm = req.Header("If-None-Match");
  if (!inm.empty() && IfNoneMatchHits(inm, answer.etag)) {
    res.status = 304;
    res.body.clear();
    return;
  }
  res.status = 200;
  res.SetHeader("Content-Type", answer.content_type);
  res.body = answer.body;
}

}  // namespace aicr::server
