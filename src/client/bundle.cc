// Client::Bundle: the `aicr bundle` entry of the facade.

#include <utility>

#include "base/status_macros.h"
#include "bundler/output_dir.h"
#include "client/client.h"
#include "serialize/input.h"
#include "serialize/yaml_reader.h"

namespace aicr::client {

Result<bundler::BundleOutput> Client::Bundle(const BundleRequest& request) const {
  serialize::Value doc;
  std::string context = "recipe (request body)";
  if (request.recipe_document.has_value()) {
    doc = *request.recipe_document;
  } else {
    if (request.recipe.empty()) {
      return InvalidRequestError("required flag --recipe not set");
    }
    serialize::InputOptions in;
    in.configmaps = options_.configmaps;
    in.cancel = options_.cancel;
    in.kind = "recipe";
    Result<std::string> bytes = serialize::ReadInput(request.recipe, in);
    if (!bytes.ok()) {
      return bytes.status().WithContext("recipe");
    }
    context = "recipe \"" + request.recipe + "\"";
    Result<serialize::Value> parsed = serialize::ParseYaml(*bytes);
    if (!parsed.ok()) {
      return parsed.status().WithContext(context);
    }
    doc = std::move(parsed).value();
  }
  Result<recipe::RecipeResult> result = recipe::RecipeResultFromValue(doc);
  if (!result.ok()) {
    return result.status().WithContext(context);
  }
  AICR_ASSIGN_OR_RETURN(const catalog::DataProvider* provider, Provider(request.data_dir));
  AICR_ASSIGN_OR_RETURN(std::shared_ptr<const recipe::Store> store, recipe::GetStore(*provider));
  bundler::BundleOptions options = request.options;
  if (options.aicr_version.empty()) {
    options.aicr_version = options_.version;
  }
  return bundler::MakeBundle(*result, *store, options);
}

Status Client::PublishBundle(const bundler::BundleOutput& bundle,
                             const std::string& output_dir) const {
  return bundler::PublishBundle(bundle.tree, output_dir);
}

}  // namespace aicr::client
