#include "validator/checks/context_loader.h"

#include <filesystem>
#include <utility>

#include "base/status_macros.h"
#include "base/strings.h"
#include "measurement/snapshot.h"
#include "recipe/result.h"
#include "serialize/input.h"
#include "serialize/yaml_reader.h"

namespace aicr::validator::checks {
namespace {

std::string EnvOr(const EnvLookup& env, std::string_view name, std::string fallback) {
  std::optional<std::string> v = env(name);
  return v && !v->empty() ? *v : std::move(fallback);
}

Result<serialize::Value> ReadDocument(const std::string& path) {
  AICR_ASSIGN_OR_RETURN(std::string text, serialize::ReadLocalFile(path));
  return serialize::ParseYaml(text);
}

std::string ResolveNamespace(const EnvLookup& env, const std::string& in_cluster_root) {
  Result<std::string> file =
      serialize::ReadLocalFile((std::filesystem::path(in_cluster_root) / "namespace").string());
  if (file.ok()) {
    const std::string_view ns = Trim(*file);
    if (!ns.empty()) {
      return std::string(ns);
    }
  }
  return EnvOr(env, "AICR_NAMESPACE", "default");
}

}  // namespace

Result<LoadedContext> LoadCheckContext(const LoadOptions& options) {
  const EnvLookup env = options.env ? options.env : ProcessEnv();
  LoadedContext loaded;
  loaded.ctx.deadline = std::chrono::steady_clock::now() + options.timeout;
  loaded.ctx.cancel = options.cancel;

  k8s::ResolveOptions resolve;
  resolve.env = env;
  resolve.in_cluster_root = options.in_cluster_root;
  Result<k8s::RestConfig> config = k8s::ResolveRestConfig(resolve);
  if (!config.ok()) {
    return config.status().WithContext("failed to create kubernetes client");
  }
  Result<k8s::Client> client = k8s::Client::Connect(*config);
  if (!client.ok()) {
    return client.status().WithContext("failed to create kubernetes client");
  }
  loaded.client = std::make_unique<k8s::Client>(std::move(*client));
  loaded.ctx.client = loaded.client.get();

  loaded.ctx.ns = ResolveNamespace(env, options.in_cluster_root);

  const std::string snapshot_path = EnvOr(env, "AICR_SNAPSHOT_PATH", kDefaultSnapshotPath);
  Result<serialize::Value> snapshot_doc = ReadDocument(snapshot_path);
  if (!snapshot_doc.ok()) {
    return snapshot_doc.status().WithContext("failed to load snapshot");
  }
  Result<measurement::Snapshot> snapshot = measurement::DecodeSnapshot(*snapshot_doc);
  if (!snapshot.ok()) {
    return snapshot.status().WithContext("failed to load snapshot");
  }
  loaded.ctx.snapshot = std::move(*snapshot);

  const std::string recipe_path = EnvOr(env, "AICR_RECIPE_PATH", kDefaultRecipePath);
  std::error_code ec;
  if (std::filesystem::exists(recipe_path, ec)) {
    Result<serialize::Value> recipe_doc = ReadDocument(recipe_path);
    if (!recipe_doc.ok()) {
      return recipe_doc.status().WithContext("failed to load recipe");
    }
    Result<recipe::RecipeResult> recipe = recipe::RecipeResultFromValue(*recipe_doc);
    if (!recipe.ok()) {
      return recipe.status().WithContext("failed to load recipe");
    }
    loaded.ctx.recipe = std::move(*recipe);
  }
  return loaded;
}

}  // namespace aicr::validator::checks
