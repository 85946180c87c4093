// `/v1/recipe` (HEAD, GET, POST) and the request assembly `/v1/query` shares.

#include "recipe/result.h"
#include "server/app.h"
#include "server/errors.h"
#include "server/handler_util.h"
#include "server/params.h"
#include "server/recipe_request.h"

namespace aicr::server {

std::optional<ApiError> RecipeRequestFromHttp(HttpRequest& req, HttpResponse& res, bool query,
                                              std::string_view summary, RecipeEnvelope* out) {
  Result<std::vector<QueryParam>> raw = ParseQueryString(req.raw_query);
  if (!raw.ok()) {
    return ErrorFromStatus(raw.status(), summary);
  }
  const bool post = req.method == "POST";
  const std::vector<ParamSpec> specs =
      post ? PostParamSpecs() : (query ? QueryParamSpecs() : RecipeParamSpecs());
  Result<Params> params = Params::Make(*raw, specs);
  if (!params.ok()) {
    return ErrorFromStatus(params.status(), summary);
  }
  if (!post) {
    Result<client::RecipeRequest> request = RecipeRequestFromParams(*params);
    if (!request.ok()) {
      return ErrorFromStatus(request.status(), summary);
    }
    out->request = std::move(*request);
    if (query) {
      out->selector = params->Get("selector");
      if (!out->selector.has_value()) {
        return ErrorFromStatus(InvalidRequestError("query parameter \"selector\" is required"),
                               summary);
      }
    }
    return std::nullopt;
  }
  // POST: the strict envelope, plus the profile (and unsupported settings) as parameters.
  Result<client::RecipeRequest> from_params = RecipeRequestFromParams(*params);
  if (!from_params.ok()) {
    return ErrorFromStatus(from_params.status(), summary);
  }
  std::string body;
  if (!ReadBody(req, res, &body)) {
    return ApiError{.sent = true};
  }
  Result<serialize::Value> doc = ParseBody(body, req.Header("Content-Type"));
  if (!doc.ok()) {
    return ErrorFromStatus(doc.status(), summary);
  }
  Result<RecipeEnvelope> env = EnvelopeFromValue(*doc, query);
  if (!env.ok()) {
    return ErrorFromStatus(env.status(), summary);
  }
  if (!from_params->profile.empty()) {
    if (!env->request.profile.empty() && env->request.profile != from_params->profile) {
      return ErrorFromStatus(
          InvalidRequestError("profile conflict: query parameter \"" + from_params->profile +
                              "\" and body \"" + env->request.profile + "\" differ"),
          summary);
    }
    env->request.profile = from_params->profile;
  }
  *out = std::move(*env);
  return std::nullopt;
}

bool App::PrepareRecipeRequest(HttpRequest& req, HttpResponse& res, bool query,
                               std::string_view summary, RecipeEnvelope* env, std::string* key) {
  if (std::optional<ApiError> err = RecipeRequestFromHttp(req, res, query, summary, env)) {
    if (!err->sent) {
      WriteError(req, *err, res, clock_);
    }
    return false;
  }
  if (std::optional<ApiError> denied = CheckAllowlists(config_.allow, env->request.criteria)) {
    WriteError(req, *denied, res, clock_);
    return false;
  }
  *key = ResponseCacheKey(query ? "query" : "recipe", *env);
  if (std::shared_ptr<const CachedResponse> hit = cache_.Find(*key)) {
    WriteCacheable(req, res, *hit);
    return false;
  }
  return true;
}

void App::HandleRecipe(HttpRequest& req, HttpResponse& res) {
  constexpr std::string_view kSummary = "Invalid recipe request";
  RecipeEnvelope env;
  std::string key;
  if (!PrepareRecipeRequest(req, res, false, kSummary, &env, &key)) {
    return;
  }
  recipe::ResolutionErrorDetails details;
  Result<client::RecipeResponse> resolved = MakeClient(req).ResolveRecipe(env.request, &details);
  if (!resolved.ok()) {
    WriteError(req, ResolutionError(resolved.status(), "Invalid recipe criteria", details), res,
               clock_);
    return;
  }
  Result<std::string> json = JsonDocument(recipe::ToValue(resolved->result));
  if (!json.ok()) {
    WriteError(req, ErrorFromStatus(InternalError(json.status().message()), kSummary), res, clock_);
    return;
  }
  std::shared_ptr<const CachedResponse> answer =
      MakeCachedResponse(std::move(*json), kJsonContentType);
  cache_.Insert(key, answer);
  WriteCacheable(req, res, *answer);
}

}  // namespace aicr::server
