#include "client/mirror.h"

#include <memory>
#include <utility>

#include "base/status_macros.h"
#include "client/recipe_input.h"
#include "mirror/discover.h"
#include "recipe/store.h"

namespace aicr::client {
namespace {

bool HasCriteria(const CriteriaInput& c) {
  return c.service.has_value() || c.accelerator.has_value() || c.intent.has_value() ||
         c.os.has_value() || c.platform.has_value();
}

}  // namespace

Result<mirror::MirrorList> ListMirror(const Client& client, const MirrorRequest& request,
                                      const std::string& version,
                                      recipe::ResolutionErrorDetails* details) {
  recipe::RecipeResult result;
  std::shared_ptr<const recipe::Store> store;
  if (!request.recipe.empty()) {
    if (HasCriteria(request.resolve.criteria) || !request.resolve.snapshot.empty()) {
      return InvalidRequestError(
          "--recipe cannot be combined with criteria flags or --snapshot: give a recipe or the "
          "criteria to resolve one");
    }
    if (!request.resolve.profile.empty()) {
      return InvalidRequestError(
          "--profile selects during criteria resolution and cannot be combined with --recipe");
    }
    RecipeInputRequest input;
    input.source = request.recipe;
    input.data_dir = request.resolve.data_dir;
    input.cancel = request.cancel;
    AICR_ASSIGN_OR_RETURN(LoadedRecipe loaded, LoadRecipeInput(client, input));
    result = std::move(loaded.result);
    AICR_ASSIGN_OR_RETURN(const catalog::DataProvider* provider,
                          client.Provider(request.resolve.data_dir));
    AICR_ASSIGN_OR_RETURN(store, recipe::GetStore(*provider));
  } else {
    AICR_ASSIGN_OR_RETURN(RecipeResponse resolved, client.ResolveRecipe(request.resolve, details));
    result = std::move(resolved.result);
    store = std::move(resolved.store);
  }
  mirror::DiscoverOptions options;
  options.set = request.set;
  options.version = version;
  options.cancel = request.cancel;
  return mirror::Discover(result, *store, options);
}

}  // namespace aicr::client
