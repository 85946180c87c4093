#pragma once

/// \file
/// Request assembly shared by `/v1/recipe` and `/v1/query`.

#include <optional>
#include <string_view>

#include "server/errors.h"
#include "server/http.h"
#include "server/params.h"

namespace aicr::server {

/// Builds the recipe request of a GET/HEAD (query parameters) or POST (strict
/// envelope plus `profile` parameter) request; `query` adds the required
/// selector. Returns the error to send (`sent` when the body reader has already
/// answered, e.g. 413), or nullopt.
std::optional<ApiError> RecipeRequestFromHttp(HttpRequest& req, HttpResponse& res, bool query,
                                              std::string_view summary, RecipeEnvelope* out);

}  // namespace aicr::server
