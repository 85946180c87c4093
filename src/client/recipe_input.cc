#include "client/recipe_input.h"

#include <utility>

#include "base/status_macros.h"
#include "base/strings.h"
#include "serialize/input.h"
#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"

namespace aicr::client {
namespace {

constexpr char kOverlayKind[] = "RecipeMetadata";

const std::string* StringAt(const serialize::Value& doc, std::string_view path) {
  const serialize::Value* v = doc.FindPath(path);
  return v != nullptr ? v->if_string() : nullptr;
}

// An overlay's spec.criteria as the flags would state them.
Result<CriteriaInput> OverlayCriteria(const serialize::Value& doc) {
  const serialize::Value* criteria = doc.FindPath("spec.criteria");
  if (criteria == nullptr || !criteria->is_mapping() || criteria->size() == 0) {
    return InvalidRequestError("overlay has no spec.criteria to resolve");
  }
  CriteriaInput in;
  auto take = [&](const char* key, std::optional<std::string>& field) {
    if (const std::string* s = StringAt(*criteria, key); s != nullptr && !s->empty()) {
      field = *s;
    }
  };
  take("service", in.service);
  take("accelerator", in.accelerator);
  take("intent", in.intent);
  take("os", in.os);
  take("platform", in.platform);
  if (const serialize::Value* nodes = criteria->Find("nodes");
      nodes != nullptr && nodes->if_int() != nullptr) {
    in.nodes = *nodes->if_int();
  }
  return in;
}

}  // namespace

Result<LoadedRecipe> LoadRecipeInput(const Client& client, const RecipeInputRequest& request) {
  if (request.source.empty()) {
    return InvalidRequestError("required flag --recipe not set");
  }
  serialize::InputOptions in;
  in.configmaps = client.configmaps();
  in.cancel = request.cancel;
  in.kind = "recipe";
  Result<std::string> bytes = serialize::ReadInput(request.source, in);
  if (!bytes.ok()) {
    return bytes.status().WithContext("recipe");
  }
  const std::string context = "recipe " + Quote(request.source);
  Result<serialize::Value> doc = serialize::ParseYaml(*bytes);
  if (!doc.ok()) {
    return doc.status().WithContext(context);
  }
  const std::string* kind = StringAt(*doc, "kind");
  if (kind != nullptr && *kind == kOverlayKind) {
    Result<CriteriaInput> criteria = OverlayCriteria(*doc);
    if (!criteria.ok()) {
      return criteria.status().WithContext(context);
    }
    RecipeRequest resolve;
    resolve.criteria = *criteria;
    resolve.profile = request.profile;
    resolve.data_dir = request.data_dir;
    Result<RecipeResponse> resolved = client.ResolveRecipe(resolve);
    if (!resolved.ok()) {
      return resolved.status().WithContext(context);
    }
    LoadedRecipe out;
    out.result = std::move(resolved->result);
    out.yaml = serialize::WriteYaml(recipe::ToValue(out.result));
    out.hydrated = true;
    return out;
  }
  Result<recipe::RecipeResult> result = recipe::RecipeResultFromValue(*doc);
  if (!result.ok()) {
    return result.status().WithContext(context);
  }
  if (!request.profile.empty()) {
    return InvalidRequestError(context + ": --profile applies to overlay inputs only; this " +
                               "RecipeResult already has its profile selection baked in");
  }
  return LoadedRecipe{std::move(result).value(), std::move(bytes).value(), false};
}

}  // namespace aicr::client
