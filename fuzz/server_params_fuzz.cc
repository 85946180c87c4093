// libFuzzer target for aicrd request parsing: the query string (decode, strict
// parameter validation, criteria and bundle options) and POST bodies (JSON and
// YAML, strict envelope). Nothing may crash, hang or leak; every accepted query
// string must survive re-validation with the same outcome.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "server/handler_util.h"
#include "server/params.h"

namespace {

using aicr::server::Params;

void FuzzQuery(std::string_view raw) {
  aicr::Result<std::vector<aicr::server::QueryParam>> q = aicr::server::ParseQueryString(raw);
  if (!q.ok()) {
    return;
  }
  for (const auto& specs : {aicr::server::RecipeParamSpecs(), aicr::server::QueryParamSpecs(),
                            aicr::server::BundleParamSpecs()}) {
    aicr::Result<Params> p = Params::Make(*q, specs);
    // Validation is a pure function of its input.
    if (p.ok() != Params::Make(*q, specs).ok()) {
      std::abort();
    }
    if (!p.ok()) {
      continue;
    }
    (void)aicr::server::RecipeRequestFromParams(*p);
    (void)aicr::server::BundleOptionsFromParams(*p);
  }
  (void)aicr::server::IfNoneMatchHits(raw, "\"abc\"");
}

void FuzzBody(std::string_view body, std::string_view type) {
  aicr::Result<aicr::serialize::Value> doc = aicr::server::ParseBody(body, type);
  if (!doc.ok()) {
    return;
  }
  (void)aicr::server::EnvelopeFromValue(*doc, false);
  (void)aicr::server::EnvelopeFromValue(*doc, true);
  (void)aicr::server::CriteriaOfRecipeDocument(*doc);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > (std::size_t{1} << 16)) {
    return 0;
  }
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      FuzzQuery(rest);
      break;
    case 1:
      FuzzBody(rest, "application/json");
      break;
    default:
      FuzzBody(rest, "application/x-yaml");
      break;
  }
  return 0;
}
