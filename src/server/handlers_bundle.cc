// `/v1/bundle` (POST): a RecipeResult body becomes the bundle as a ZIP.

#include <chrono>
#include <cstdio>

#include "archive/zip.h"
#include "base/log.h"
#include "server/app.h"
#include "server/errors.h"
#include "server/handler_util.h"
#include "server/params.h"

namespace aicr::server {

void App::HandleBundle(HttpRequest& req, HttpResponse& res) {
  constexpr std::string_view kSummary = "Invalid bundle request";
  const auto start = std::chrono::steady_clock::now();
  Result<std::vector<QueryParam>> raw = ParseQueryString(req.raw_query);
  if (!raw.ok()) {
    WriteError(req, ErrorFromStatus(raw.status(), kSummary), res, clock_);
    return;
  }
  Result<Params> params = Params::Make(*raw, BundleParamSpecs());
  if (!params.ok()) {
    WriteError(req, ErrorFromStatus(params.status(), kSummary), res, clock_);
    return;
  }
  Result<bundler::BundleOptions> options = BundleOptionsFromParams(*params);
  if (!options.ok()) {
    WriteError(req, ErrorFromStatus(options.status(), kSummary), res, clock_);
    return;
  }
  std::string body;
  if (!ReadBody(req, res, &body)) {
    return;
  }
  Result<serialize::Value> doc = ParseBody(body, req.Header("Content-Type"));
  if (!doc.ok()) {
    WriteError(req, ErrorFromStatus(doc.status(), kSummary), res, clock_);
    return;
  }
  if (std::optional<ApiError> denied =
          CheckAllowlists(config_.allow, CriteriaOfRecipeDocument(*doc))) {
    WriteError(req, *denied, res, clock_);
    return;
  }
  client::BundleRequest request;
  request.recipe_document = std::move(doc).value();
  request.options = std::move(*options);
  Result<bundler::BundleOutput> out = MakeClient(req).Bundle(request);
  if (!out.ok()) {
    WriteError(req, ErrorFromStatus(out.status(), kSummary), res, clock_);
    return;
  }
  for (const std::string& warning : out->warnings) {
    log::Warn(warning, {{"request_id", req.request_id}});
  }
  std::vector<archive::ZipEntry> entries;
  entries.reserve(out->tree.files().size());
  for (const auto& [path, f] : out->tree.files()) {
    entries.push_back(archive::ZipEntry{.path = path, .bytes = f.bytes, .mode = f.mode});
  }
  Result<std::string> zip = archive::WriteZip(entries);
  if (!zip.ok()) {
    WriteError(req, ErrorFromStatus(zip.status(), kSummary), res, clock_);
    return;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.3fs", seconds);
  res.status = 200;
  res.SetHeader("Content-Type", "application/zip");
  res.SetHeader("Content-Disposition", "attachment; filename=\"bundles.zip\"");
  res.SetHeader("X-Bundle-Files", std::to_string(out->tree.files().size()));
  res.SetHeader("X-Bundle-Size", std::to_string(out->tree.TotalBytes()));
  res.SetHeader("X-Bundle-Duration", duration);
  res.SetHeader("Cache-Control", "no-store");
  res.body = std::move(*zip);
}

}  // namespace aicr::server
