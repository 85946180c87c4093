#include "recipe/store.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/log.h"
#include "base/status_macros.h"
#include "recipe/decode.h"
#include "serialize/json_reader.h"
#include "serialize/yaml_reader.h"

namespace aicr::recipe {
namespace {

using serialize::Value;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool Contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

std::string_view BaseName(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool IsKnownNonMetadataKind(std::string_view kind) {
  static constexpr std::string_view kKinds[] = {
      "AICRConfig",   "BundleProvenance", "ComponentRegistry", "RecipeCriteria", "RecipeMixin",
      "RecipeResult", "Recipe",           "Snapshot"};
  return std::find(std::begin(kKinds), std::end(kKinds), kind) != std::end(kKinds);
}

// Prefixes a failure with the data-relative file it came from.
Status InFile(const Status& s, std::string_view path) { return s.WithContext(path); }

struct StagedCriteria {
  Criteria criteria;
  ValueOrigin origin;
};

}  // namespace

class StoreBuilder {
 public:
  static Result<std::shared_ptr<const Store>> Build(const catalog::DataProvider& provider);
  static std::shared_ptr<const Store> Rebind(const Store& store,
                                             const catalog::DataProvider& provider) {
    auto copy = std::make_shared<Store>(store);
    copy->provider_ = &provider;
    return copy;
  }
  static const catalog::DataProvider* ProviderOf(const Store& store) { return store.provider_; }
};

Result<std::shared_ptr<const Store>> StoreBuilder::Build(const catalog::DataProvider& provider) {
  auto store = std::make_shared<Store>();
  store->provider_ = &provider;

  // A file's pre-parsed JSON (DataProvider::PreparsedJson), when the provider has one,
  // stands for its YAML: it is by construction exactly the one document the YAML
  // holds, and reads >10x faster. The decode after the parse is the same either way.

  // The component registry.
  if (provider.Has(catalog::kRegistryPath)) {
    const std::optional<std::string_view> json = provider.PreparsedJson(catalog::kRegistryPath);
    std::string bytes;
    if (!json.has_value()) {
      AICR_ASSIGN_OR_RETURN(bytes, provider.Read(catalog::kRegistryPath));
    }
    Result<Value> doc =
        json.has_value() ? serialize::ParseJson(*json) : serialize::ParseYaml(bytes);
    if (!doc.ok()) {
      return InFile(doc.status(), catalog::kRegistryPath);
    }
    Result<ComponentRegistry> reg = ComponentRegistry::FromValue(*doc);
    if (!reg.ok()) {
      return InFile(reg.status(), catalog::kRegistryPath);
    }
    store->registry_ = *std::move(reg);
  }

  bool have_base = false;
  std::vector<StagedCriteria> staged;
  for (const std::string& path : provider.Files()) {
    if (Contains(path, "checks/")) {
      continue;
    }
    if (StartsWith(path, "mixins/")) {
      if (!EndsWith(path, ".yaml")) {
        continue;
      }
      const std::optional<std::string_view> json = provider.PreparsedJson(path);
      std::string bytes;
      if (!json.has_value()) {
        AICR_ASSIGN_OR_RETURN(bytes, provider.Read(path));
      }
      Result<RecipeMixin> mixin = [&]() -> Result<RecipeMixin> {
        if (json.has_value()) {
          AICR_ASSIGN_OR_RETURN(Value doc, serialize::ParseJson(*json));
          return DecodeRecipeMixin(doc, path);  // ParseRecipeMixin's decode
        }
        return ParseRecipeMixin(bytes, path);
      }();
      if (!mixin.ok()) {
        return InFile(mixin.status(), path);
      }
      if (store->mixins_.count(mixin->name) != 0) {
        return InvalidRequestError(path + ": duplicate mixin name \"" + mixin->name +
                                   "\" (also in " + store->mixins_.at(mixin->name).path + ")");
      }
      Status paths = ValidateConstraintPaths(mixin->constraints, "spec.constraints");
      if (!paths.ok()) {
        return InFile(paths, path);
      }
      std::string name = mixin->name;
      store->mixins_.emplace(std::move(name), *std::move(mixin));
      continue;
    }
    if (Contains(path, "components/")) {
      AICR_ASSIGN_OR_RETURN(std::string bytes, provider.Read(path));
      store->values_files_[path] = std::move(bytes);
      continue;
    }
    const std::string_view file = BaseName(path);
    if (!EndsWith(file, ".yaml") || file == "registry.yaml" || file == "data-v1.yaml") {
      continue;
    }
    const std::optional<std::string_view> json = provider.PreparsedJson(path);
    std::string bytes;
    if (!json.has_value()) {
      AICR_ASSIGN_OR_RETURN(bytes, provider.Read(path));
    }
    Result<std::vector<Value>> docs = [&]() -> Result<std::vector<Value>> {
      if (json.has_value()) {
        AICR_ASSIGN_OR_RETURN(Value doc, serialize::ParseJson(*json));
        std::vector<Value> one;
        one.push_back(std::move(doc));
        return one;
      }
      return serialize::ParseYamlDocuments(bytes);
    }();
    if (!docs.ok()) {
      return InFile(docs.status(), path);
    }
    const Value first = docs->empty() ? Value() : docs->front();
    Result<DocumentHeader> header = DecodeHeader(first);
    if (!header.ok()) {
      return InFile(header.status(), path);
    }
    if (header->kind != kRecipeMetadataKind) {
      if (IsKnownNonMetadataKind(header->kind) || !StartsWith(header->api_version, "aicr.run/")) {
        log::Debug("skipping non-recipe YAML", {{"path", path}, {"kind", header->kind}});
        continue;
      }
      return InvalidRequestError(path + ": AICR catalog file has kind \"" + header->kind +
                                 "\", expected \"RecipeMetadata\"");
    }
    if (docs->size() > 1 && IsProfileApiVersion(header->api_version)) {
      return InvalidRequestError(path +
                                 ": profile RecipeMetadata contains multiple YAML documents");
    }
    Result<RecipeMetadata> md = DecodeRecipeMetadata(first, path);
    if (!md.ok()) {
      return InFile(md.status(), path);
    }
    Status paths = ValidateConstraintPaths(md->spec);
    if (!paths.ok()) {
      return InFile(paths, path);
    }
    if (file == "base.yaml" && Contains(path, "overlays/")) {
      store->base_ = *std::move(md);
      have_base = true;
      continue;
    }
    const std::string source(provider.Source(path));
    if (source == catalog::kSourceExternal && md->spec.criteria.has_value() &&
        md->spec.criteria->nodes != 0) {
      return InvalidRequestError(
          path + ": external overlay \"" + md->name +
          "\" sets criteria.nodes=" + std::to_string(md->spec.criteria->nodes) +
          ", which is not used for overlay selection: nodes is metadata-only and the overlay "
          "would silently match every query; remove or zero criteria.nodes in your --data "
          "catalog");
    }
    if (md->spec.criteria.has_value()) {
      staged.push_back({*md->spec.criteria, source == catalog::kSourceEmbedded
                                                ? ValueOrigin::kEmbedded
                                                : ValueOrigin::kExternal});
    }
    const std::string name = md->name;
    store->overlay_sources_[name] = source;
    store->overlays_.insert_or_assign(name, *std::move(md));
  }

  if (!have_base) {
    return InternalError("base.yaml not found");
  }
  Status deps = ValidateDependencies(store->base_.spec.component_refs);
  if (!deps.ok()) {
    return InFile(deps, store->base_.path);
  }
  // An inheritance cycle would otherwise go unnoticed: a cycle member is its own
  // ancestor, so it is never a maximal leaf. Reject it at load time instead.
  for (const auto& [name, overlay] : store->overlays_) {
    Result<std::vector<const RecipeMetadata*>> chain = store->Chain(name);
    if (!chain.ok() && chain.status().code() == ErrorCode::kInvalidRequest) {
      return InFile(chain.status(), overlay.path);
    }
  }
  for (const StagedCriteria& s : staged) {
    for (Dimension d : kDimensions) {
      store->criteria_registry_.Add(d, s.criteria.Get(d), s.origin);
    }
  }
  return std::shared_ptr<const Store>(std::move(store));
}

std::string_view Store::OverlaySource(std::string_view name) const {
  const auto it = overlay_sources_.find(std::string(name));
  return it == overlay_sources_.end() ? std::string_view() : std::string_view(it->second);
}

bool Store::IsLeaf(std::string_view name) const {
  const auto it = overlays_.find(std::string(name));
  if (it == overlays_.end() || !it->second.spec.criteria.has_value()) {
    return false;
  }
  for (const auto& [other, overlay] : overlays_) {
    if (overlay.spec.base == name) {
      return false;
    }
  }
  return true;
}

std::vector<std::string> Store::LeafNames() const {
  std::set<std::string> bases;
  for (const auto& [name, overlay] : overlays_) {
    bases.insert(overlay.spec.base);
  }
  std::vector<std::string> out;
  for (const auto& [name, overlay] : overlays_) {
    if (overlay.spec.criteria.has_value() && bases.count(name) == 0) {
      out.push_back(name);
    }
  }
  return out;
}

const RecipeMetadata* Store::Find(std::string_view name) const {
  if (name == "base") {
    return &base_;
  }
  const auto it = overlays_.find(std::string(name));
  return it == overlays_.end() ? nullptr : &it->second;
}

Result<std::vector<const RecipeMetadata*>> Store::Chain(std::string_view name) const {
  std::vector<const RecipeMetadata*> chain;
  std::set<std::string> visited;
  std::string current(name);
  while (!current.empty() && current != "base") {
    if (!visited.insert(current).second) {
      return InvalidRequestError("circular inheritance detected: recipe \"" + current +
                                 "\" references itself in inheritance chain");
    }
    const auto it = overlays_.find(current);
    if (it == overlays_.end()) {
      return NotFoundError("recipe \"" + current +
                           "\" not found (referenced in inheritance chain)");
    }
    chain.push_back(&it->second);
    current = it->second.spec.base;
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

Result<std::shared_ptr<const Store>> LoadStore(const catalog::DataProvider& provider) {
  return StoreBuilder::Build(provider);
}

Result<std::shared_ptr<const Store>> GetStore(const catalog::DataProvider& provider) {
  static std::mutex mu;
  static auto* cache = new std::map<std::string, std::shared_ptr<const Store>>();
  const std::lock_guard<std::mutex> lock(mu);
  const std::string key(provider.Identity());
  const auto it = cache->find(key);
  if (it != cache->end()) {
    if (StoreBuilder::ProviderOf(*it->second) != &provider) {
      // Same content behind another provider object: share the data, bind the caller's.
      it->second = StoreBuilder::Rebind(*it->second, provider);
    }
    return it->second;
  }
  AICR_ASSIGN_OR_RETURN(std::shared_ptr<const Store> store, LoadStore(provider));
  cache->emplace(key, store);
  return store;
}

}  // namespace aicr::recipe
