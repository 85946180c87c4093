// `/`, `/health`, `/ready`, `/metrics` and `/openapi.yaml`.

#include "base/version.h"
#include "server/app.h"
#include "server/errors.h"
#include "server/handler_util.h"
#include "server/openapi.h"

namespace aicr::server {
namespace {

void WriteJson(HttpResponse& res, int status, const serialize::Value& doc) {
  Result<std::string> json = JsonDocument(doc);
  res.status = status;
  res.SetHeader("Content-Type", std::string(kJsonContentType));
  res.SetHeader("Cache-Control", "no-store");
  res.body = json.ok() ? *json : "{}\n";
}

}  // namespace

void App::HandleRoot(HttpRequest& /*req*/, HttpResponse& res) {
  serialize::Mapping doc;
  doc.Set("service", "aicrd");
  doc.Set("version", GetBuildInfo().version);
  serialize::Sequence routes;
  for (const std::string& p : router_.Paths()) {
    routes.emplace_back(p);
  }
  doc.Set("routes", serialize::Value(std::move(routes)));
  WriteJson(res, 200, serialize::Value(std::move(doc)));
}

void App::HandleHealth(HttpRequest& /*req*/, HttpResponse& res) {
  serialize::Mapping doc;
  doc.Set("status", "healthy");
  doc.Set("timestamp", FormatRfc3339(clock_.Now()));
  WriteJson(res, 200, serialize::Value(std::move(doc)));
}

void App::HandleReady(HttpRequest& /*req*/, HttpResponse& res) {
  serialize::Mapping doc;
  const bool ready = ready_.load();
  doc.Set("status", ready ? "ready" : "not_ready");
  doc.Set("timestamp", FormatRfc3339(clock_.Now()));
  if (!ready) {
    std::lock_guard<std::mutex> lock(reason_mu_);
    doc.Set("reason", not_ready_reason_);
  }
  WriteJson(res, ready ? 200 : 503, serialize::Value(std::move(doc)));
}

void App::HandleMetrics(HttpRequest& /*req*/, HttpResponse& res) {
  res.status = 200;
  res.SetHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  res.SetHeader("Cache-Control", "no-store");
  res.body = metrics_.Render() + cache_.RenderMetrics();
}

void App::HandleOpenApi(HttpRequest& req, HttpResponse& res) {
  static const std::shared_ptr<const CachedResponse> kDocument =
      MakeCachedResponse(std::string(OpenApiYaml()), "application/yaml; charset=utf-8");
  WriteCacheable(req, res, *kDocument);
}

}  // namespace aicr::server
