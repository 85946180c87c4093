// `/v1/query` (HEAD, GET, POST): resolve, hydrate, select.

#include "server/app.h"
#include "server/errors.h"
#include "server/handler_util.h"
#include "server/recipe_request.h"

namespace aicr::server {

void App::HandleQuery(HttpRequest& req, HttpResponse& res) {
  constexpr std::string_view kSummary = "Invalid query request";
  RecipeEnvelope env;
  std::string key;
  if (!PrepareRecipeRequest(req, res, true, kSummary, &env, &key)) {
    return;
  }
  recipe::ResolutionErrorDetails details;
  Result<serialize::Value> selected =
      MakeClient(req).Query(env.request, env.selector.value_or(""), &details);
  if (!selected.ok()) {
    const std::string_view summary = selected.status().code() == ErrorCode::kNotFound
                                         ? std::string_view("Selector not found")
                                         : std::string_view("Invalid query request");
    WriteError(req, ResolutionError(selected.status(), summary, details), res, clock_);
    return;
  }
  Result<std::string> json = JsonDocument(*selected);
  if (!json.ok()) {
    WriteError(req, ErrorFromStatus(json.status(), kSummary), res, clock_);
    return;
  }
  std::shared_ptr<const CachedResponse> answer =
      MakeCachedResponse(std::move(*json), kJsonContentType);
  cache_.Insert(key, answer);
  WriteCacheable(req, res, *answer);
}

}  // namespace aicr::server
