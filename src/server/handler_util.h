#pragma once

/// \file
/// Helpers the recipe, query and bundle handlers share: allowlists, body
/// reading under the route limit, resolution-error details, and cacheable JSON.

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "client/client.h"
#include "recipe/coverage.h"
#include "serialize/value.h"
#include "server/config.h"
#include "server/errors.h"
#include "server/http.h"
#include "server/response_cache.h"

namespace aicr::server {

/// INVALID_REQUEST `<dimension> type not allowed` with `details{requested, allowed}`
/// for the first stated value outside its allowlist; `any` always passes.
std::optional<ApiError> CheckAllowlists(const Allowlists& allow,
                                        const client::CriteriaInput& criteria);

/// Reads the body under `req.body_limit`. On failure writes the error (413 for
/// too large) into `res` and returns false.
bool ReadBody(HttpRequest& req, HttpResponse& res, std::string* body);

/// A failed resolution: `summary`, `details.error`, plus the structured context
/// (`uncovered`, `strictDimensions`, ...) for 4xx.
ApiError ResolutionError(const Status& status, std::string_view summary,
                         const recipe::ResolutionErrorDetails& details);

/// Canonical JSON of `value` (sorted keys, 2-space indent, final newline).
Result<std::string> JsonDocument(const serialize::Value& value);

/// A 200 that caches: strong `ETag` (SHA-256 of the bytes), `Cache-Control:
/// public, max-age=600`; 304 with no body when `If-None-Match` names the tag.
void WriteCacheable(const HttpRequest& req, HttpResponse& res, const CachedResponse& answer);

/// Whether an `If-None-Match` value matches `etag` (weak comparison, `*`).
bool IfNoneMatchHits(std::string_view header, std::string_view etag);

}  // namespace aicr::server
