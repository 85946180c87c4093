#include "tests/lint/catalog_rules.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "recipe/criteria.h"
#include "recipe/criteria_registry.h"
#include "recipe/model.h"
#include "recipe/registry.h"
#include "recipe/resolver.h"
#include "recipe/store.h"
#include "serialize/value.h"
#include "serialize/yaml_reader.h"

namespace aicr::lint {
namespace {

using StorePtr = std::shared_ptr<const recipe::Store>;

// The decoded catalogue of `data`, or nullptr with the load error in `problems`.
StorePtr StoreOf(const catalog::DataProvider& data, Problems& problems) {
  auto store = recipe::GetStore(data);
  if (!store.ok()) {
    problems.push_back("catalogue does not load: " + store.status().message());
    return nullptr;
  }
  return *store;
}

// Every component ref of base, every overlay and every mixin, with its file.
std::vector<std::pair<std::string, const recipe::ComponentRef*>> AllRefs(
    const recipe::Store& store) {
  std::vector<std::pair<std::string, const recipe::ComponentRef*>> out;
  for (const recipe::ComponentRef& r : store.base().spec.component_refs) {
    out.emplace_back(store.base().path, &r);
  }
  for (const auto& [name, o] : store.overlays()) {
    for (const recipe::ComponentRef& r : o.spec.component_refs) {
      out.emplace_back(o.path, &r);
    }
  }
  for (const auto& [name, m] : store.mixins()) {
    for (const recipe::ComponentRef& r : m.component_refs) {
      out.emplace_back(m.path, &r);
    }
  }
  return out;
}

// --- raw manifest scanning -------------------------------------------------
// Manifests are Go templates, so they are scanned as text (line by line, one YAML
// document at a time), never parsed.

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  return s;
}

std::string_view Trim(std::string_view s) {
  s = TrimLeft(s);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string_view Unquote(std::string_view s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    s = s.substr(1, s.size() - 2);
  }
  return s;
}

// The mapping key a line declares (quotes removed) and its value, when the line
// (indentation ignored) is `key: value` or `"key": value`.
std::optional<std::pair<std::string_view, std::string_view>> KeyOf(std::string_view line) {
  line = TrimLeft(line);
  if (line.empty() || line.front() == '#' || line.front() == '-') {
    return std::nullopt;
  }
  std::size_t colon = std::string_view::npos;
  if (line.front() == '"' || line.front() == '\'') {
    const std::size_t close = line.find(line.front(), 1);
    if (close == std::string_view::npos || close + 1 >= line.size() || line[close + 1] != ':') {
      return std::nullopt;
    }
    colon = close + 1;
    return std::make_pair(line.substr(1, close - 1), Trim(line.substr(colon + 1)));
  }
  colon = line.find(':');
  if (colon == std::string_view::npos) {
    return std::nullopt;
  }
  return std::make_pair(Trim(line.substr(0, colon)), Trim(line.substr(colon + 1)));
}

struct ManifestDoc {
  std::string path;
  int index = 0;              ///< 0-based document index in the file
  std::string api_version;    ///< first top-level apiVersion, "" when none
  bool hook = false;          ///< declares helm.sh/hook
  bool any_hook_key = false;  ///< declares any helm.sh/hook* key
  bool opted_out = false;     ///< aicr/skip-hook-validation: "true"
};

std::vector<ManifestDoc> ScanManifest(const std::string& path, std::string_view text) {
  std::vector<ManifestDoc> docs(1);
  docs.back().path = path;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.substr(0, 3) == "---") {
      docs.push_back(ManifestDoc{path, docs.back().index + 1, "", false, false, false});
      continue;
    }
    ManifestDoc& doc = docs.back();
    if (doc.api_version.empty() && line.substr(0, 11) == "apiVersion:") {
      doc.api_version = std::string(Unquote(Trim(line.substr(11))));
      continue;
    }
    const auto kv = KeyOf(line);
    if (!kv.has_value()) {
      continue;
    }
    const auto& [key, value] = *kv;
    if (key == "helm.sh/hook") {
      doc.hook = true;
    }
    if (key.substr(0, 12) == "helm.sh/hook") {
      doc.any_hook_key = true;
    }
    if (key == "aicr/skip-hook-validation" && Unquote(value) == "true") {
      doc.opted_out = true;
    }
  }
  return docs;
}

// Built-in Kubernetes API groups (client-go's scheme); their resources need no CRD.
bool IsCoreApiVersion(std::string_view api_version) {
  static const std::set<std::string_view> kGroups = {
      "admissionregistration.k8s.io",
      "apps",
      "authentication.k8s.io",
      "authorization.k8s.io",
      "autoscaling",
      "batch",
      "certificates.k8s.io",
      "coordination.k8s.io",
      "discovery.k8s.io",
      "events.k8s.io",
      "flowcontrol.apiserver.k8s.io",
      "internal.apiserver.k8s.io",
      "networking.k8s.io",
      "node.k8s.io",
      "policy",
      "rbac.authorization.k8s.io",
      "resource.k8s.io",
      "scheduling.k8s.io",
      "storage.k8s.io",
      "storagemigration.k8s.io",
  };
  const std::size_t slash = api_version.find('/');
  if (slash == std::string_view::npos) {
    return api_version == "v1";
  }
  return kGroups.count(api_version.substr(0, slash)) != 0;
}

std::vector<ManifestDoc> AllManifestDocs(const catalog::DataProvider& data, Problems& problems) {
  std::vector<ManifestDoc> out;
  for (const std::string& path : data.Files()) {
    const bool yaml = path.size() > 5 && (path.substr(path.size() - 5) == ".yaml" ||
                                          path.substr(path.size() - 4) == ".yml");
    if (path.rfind("components/", 0) != 0 || path.find("/manifests/") == std::string::npos ||
        !yaml) {
      continue;
    }
    auto bytes = data.Read(path);
    if (!bytes.ok()) {
      problems.push_back(path + ": " + bytes.status().message());
      continue;
    }
    for (ManifestDoc& d : ScanManifest(path, *bytes)) {
      out.push_back(std::move(d));
    }
  }
  return out;
}

std::string Where(const ManifestDoc& d) {
  return d.path + " (document " + std::to_string(d.index + 1) + ", " + d.api_version + ")";
}

// --- mixin composition ---------------------------------------------------------

// `inner` with some files replaced; everything else (pre-parsed forms included)
// is served by `inner`.
class PatchedProvider : public catalog::DataProvider {
 public:
  PatchedProvider(const catalog::DataProvider& inner, std::map<std::string, std::string> patches,
                  std::string identity)
      : inner_(inner), patches_(std::move(patches)), identity_(std::move(identity)) {}

  std::vector<std::string> Files() const override { return inner_.Files(); }
  Result<std::string> Read(std::string_view path) const override {
    const auto it = patches_.find(std::string(path));
    if (it != patches_.end()) {
      return it->second;
    }
    return inner_.Read(path);
  }
  std::string_view Source(std::string_view path) const override { return inner_.Source(path); }
  bool Has(std::string_view path) const override { return inner_.Has(path); }
  std::optional<std::string_view> PreparsedJson(std::string_view path) const override {
    if (patches_.count(std::string(path)) != 0) {
      return std::nullopt;
    }
    return inner_.PreparsedJson(path);
  }
  std::string_view Identity() const override { return identity_; }

 private:
  const catalog::DataProvider& inner_;
  std::map<std::string, std::string> patches_;
  std::string identity_;
};

// `overlay` text with `mixin` appended to spec.mixins (overlay files keep spec
// keys at two spaces and list items at four).
std::optional<std::string> WithMixin(std::string text, const std::string& mixin) {
  const std::string item = "    - " + mixin + "\n";
  const std::size_t at = text.find("\n  mixins:\n");
  if (at != std::string::npos) {
    std::size_t pos = at + std::string("\n  mixins:\n").size();
    while (text.compare(pos, 6, "    - ") == 0) {
      pos = text.find('\n', pos);
      if (pos == std::string::npos) {
        return std::nullopt;
      }
      ++pos;
    }
    text.insert(pos, item);
    return text;
  }
  const std::size_t spec = text.find("\nspec:\n");
  if (spec == std::string::npos) {
    return std::nullopt;
  }
  text.insert(spec + std::string("\nspec:\n").size(), "  mixins:\n" + item);
  return text;
}

// Whether `leaf`'s chain (base included) already composes `mixin`.
bool ChainComposes(const recipe::Store& store, const std::string& leaf, const std::string& mixin) {
  const auto has = [&](const recipe::RecipeMetadata& o) {
    return std::find(o.spec.mixins.begin(), o.spec.mixins.end(), mixin) != o.spec.mixins.end();
  };
  if (has(store.base())) {
    return true;
  }
  auto chain = store.Chain(leaf);
  if (!chain.ok()) {
    return false;
  }
  return std::any_of(chain->begin(), chain->end(),
                     [&](const recipe::RecipeMetadata* o) { return has(*o); });
}

// A catalogue where `mixin` is appended to every leaf not already composing it.
struct Composed {
  std::unique_ptr<PatchedProvider> provider;
  StorePtr store;
  std::vector<std::string> leaves;  ///< the patched leaves, by name
};

Result<Composed> ComposeOntoLeaves(const catalog::DataProvider& data, const recipe::Store& store,
                                   const std::string& mixin) {
  std::map<std::string, std::string> patches;
  Composed out;
  for (const std::string& leaf : store.LeafNames()) {
    if (ChainComposes(store, leaf, mixin)) {
      continue;
    }
    const recipe::RecipeMetadata* o = store.Find(leaf);
    auto text = data.Read(o->path);
    if (!text.ok()) {
      return text.status();
    }
    auto patched = WithMixin(*text, mixin);
    if (!patched.has_value()) {
      return InternalError(o->path + ": cannot append a mixin");
    }
    patches[o->path] = std::move(*patched);
    out.leaves.push_back(leaf);
  }
  out.provider = std::make_unique<PatchedProvider>(
      data, std::move(patches), std::string(data.Identity()) + "+mixin:" + mixin);
  auto loaded = recipe::LoadStore(*out.provider);
  if (!loaded.ok()) {
    return loaded.status();
  }
  out.store = *loaded;
  return out;
}

// Why `leaf` (composing `mixin`) fails, or "" when it resolves with the mixin's
// components and is applied.
std::string TryLeaf(const Composed& c, const recipe::RecipeMixin& mixin, const std::string& leaf) {
  const recipe::RecipeMetadata* o = c.store->Find(leaf);
  auto r = recipe::Resolve(*c.store, *o->spec.criteria, {});
  if (!r.ok()) {
    return r.status().message();
  }
  const auto& applied = r->metadata.applied_overlays;
  if (std::find(applied.begin(), applied.end(), leaf) == applied.end()) {
    return "not applied for its own criteria";
  }
  for (const recipe::ComponentRef& want : mixin.component_refs) {
    const bool present =
        std::any_of(r->component_refs.begin(), r->component_refs.end(),
                    [&](const recipe::ComponentRef& got) { return got.name == want.name; });
    if (!present) {
      return "component " + want.name + " missing from the result";
    }
  }
  return "";
}

}  // namespace

Problems ReferencedFilesExist(const catalog::DataProvider& data) {
  Problems missing;
  StorePtr store = StoreOf(data, missing);
  if (store == nullptr) {
    return missing;
  }
  for (const auto& [where, ref] : AllRefs(*store)) {
    std::vector<std::string> files = ref->manifest_files;
    files.insert(files.end(), ref->pre_manifest_files.begin(), ref->pre_manifest_files.end());
    if (!ref->values_file.empty()) {
      files.push_back(ref->values_file);
    }
    for (const std::string& f : files) {
      if (!data.Has(f)) {
        missing.push_back(where + ": " + ref->name + " -> " + f);
      }
    }
  }
  for (const recipe::RegistryComponent& c : store->registry().components()) {
    for (const std::string& f : c.manifest_files) {
      if (!data.Has(f)) {
        missing.push_back("registry.yaml: " + c.name + " -> " + f);
      }
    }
  }
  return missing;
}

Problems ComponentsAreRegistered(const catalog::DataProvider& data) {
  Problems unknown;
  StorePtr store = StoreOf(data, unknown);
  if (store == nullptr) {
    return unknown;
  }
  for (const auto& [where, ref] : AllRefs(*store)) {
    if (store->registry().Find(ref->name) == nullptr) {
      unknown.push_back(where + ": " + ref->name);
    }
  }
  return unknown;
}

Problems NoVersionPinsOutsideTheRegistry(const catalog::DataProvider& data) {
  Problems pinned;
  StorePtr store = StoreOf(data, pinned);
  if (store == nullptr) {
    return pinned;
  }
  for (const auto& [where, ref] : AllRefs(*store)) {
    if (!ref->version.empty() || !ref->tag.empty()) {
      pinned.push_back(where + ": " + ref->name);
    }
  }
  return pinned;
}

Problems EveryComponentHasAHealthCheck(const catalog::DataProvider& data) {
  Problems problems;
  StorePtr store = StoreOf(data, problems);
  if (store == nullptr) {
    return problems;
  }
  for (const recipe::RegistryComponent& c : store->registry().components()) {
    if (c.health_check_assert_file.empty()) {
      problems.push_back(c.name + ": no healthCheck.assertFile");
    } else if (!data.Has(c.health_check_assert_file)) {
      problems.push_back(c.name + ": missing " + c.health_check_assert_file);
    }
  }
  return problems;
}

Problems NoTwoOverlaysShareCriteria(const catalog::DataProvider& data) {
  Problems dupes;
  StorePtr store = StoreOf(data, dupes);
  if (store == nullptr) {
    return dupes;
  }
  std::map<std::string, std::string> seen;
  for (const auto& [name, o] : store->overlays()) {
    if (!o.spec.criteria.has_value()) {
      continue;
    }
    const std::string key = o.spec.criteria->ToString();
    const auto [it, inserted] = seen.emplace(key, name);
    if (!inserted) {
      dupes.push_back(it->second + " and " + name + ": " + key);
    }
  }
  return dupes;
}

Problems ChainsResolveAndStayShallow(const catalog::DataProvider& data) {
  Problems problems;
  StorePtr store = StoreOf(data, problems);
  if (store == nullptr) {
    return problems;
  }
  for (const auto& [name, o] : store->overlays()) {
    auto chain = store->Chain(name);
    if (!chain.ok()) {
      problems.push_back(name + ": " + chain.status().message());
    } else if (chain->size() > 10) {
      problems.push_back(name + ": chain depth " + std::to_string(chain->size()));
    }
    if (!o.spec.base.empty() && o.spec.base != "base" && !o.spec.criteria.has_value()) {
      problems.push_back(name + ": an overlay with a base needs criteria");
    }
  }
  return problems;
}

Problems EveryOverlayMergesWithBase(const catalog::DataProvider& data) {
  // The chain merges with base, mixins apply, dependencies exist and order without
  // cycles, and the result is coherent.
  Problems problems;
  StorePtr store = StoreOf(data, problems);
  if (store == nullptr) {
    return problems;
  }
  for (const auto& [name, o] : store->overlays()) {
    if (!o.spec.criteria.has_value()) {
      continue;
    }
    auto r = recipe::Resolve(*store, *o.spec.criteria, {});
    if (!r.ok()) {
      problems.push_back(name + ": " + r.status().message());
      continue;
    }
    const auto& applied = r->metadata.applied_overlays;
    if (std::find(applied.begin(), applied.end(), name) == applied.end()) {
      problems.push_back(name + ": not applied when its own criteria are requested");
    }
  }
  return problems;
}

Problems ResolvedHelmComponentsArePinned(const catalog::DataProvider& data) {
  Problems problems;
  StorePtr store = StoreOf(data, problems);
  if (store == nullptr) {
    return problems;
  }
  for (const auto& [name, o] : store->overlays()) {
    if (!o.spec.criteria.has_value()) {
      continue;
    }
    auto r = recipe::Resolve(*store, *o.spec.criteria, {});
    if (!r.ok()) {
      continue;  // reported by EveryOverlayMergesWithBase
    }
    for (const recipe::ComponentRef& ref : r->component_refs) {
      if (ref.IsEnabled() && ref.type == "Helm" && !ref.source.empty()) {
        const recipe::RegistryComponent* reg = store->registry().Find(ref.name);
        if (ref.version.empty()) {
          problems.push_back(name + ": " + ref.name + " has no version");
        } else if (reg != nullptr && reg->helm.has_value() &&
                   ref.version != reg->helm->default_version) {
          problems.push_back(name + ": " + ref.name + " " + ref.version + " != registry " +
                             reg->helm->default_version);
        }
      }
    }
  }
  return problems;
}

namespace {

// Validator name -> phase from validators/catalog.yaml (problems for malformed entries).
std::map<std::string, std::string> ValidatorPhases(const catalog::DataProvider& data,
                                                   Problems& problems) {
  std::map<std::string, std::string> phase_of;
  auto bytes = data.Read(catalog::kValidatorCatalogPath);
  if (!bytes.ok()) {
    problems.push_back(std::string(catalog::kValidatorCatalogPath) + ": " +
                       bytes.status().message());
    return phase_of;
  }
  auto doc = serialize::ParseYaml(*bytes);
  if (!doc.ok()) {
    problems.push_back(std::string(catalog::kValidatorCatalogPath) + ": " + doc.status().message());
    return phase_of;
  }
  const serialize::Value* list = doc->Find("validators");
  if (list == nullptr || !list->is_sequence()) {
    problems.push_back(std::string(catalog::kValidatorCatalogPath) + ": no validators list");
    return phase_of;
  }
  for (const serialize::Value& v : *list->if_sequence()) {
    const serialize::Value* name = v.Find("name");
    const serialize::Value* phase = v.Find("phase");
    if (name == nullptr || !name->is_string() || phase == nullptr || !phase->is_string()) {
      problems.push_back("validator without a name or phase: " + v.DebugString());
      continue;
    }
    if (!phase_of.emplace(*name->if_string(), *phase->if_string()).second) {
      problems.push_back("duplicate validator " + *name->if_string());
    }
  }
  return phase_of;
}

}  // namespace

std::size_t ValidatorCount(const catalog::DataProvider& data) {
  Problems ignored;
  return ValidatorPhases(data, ignored).size();
}

Problems DeclaredChecksResolveToOneValidator(const catalog::DataProvider& data) {
  Problems problems;
  StorePtr store = StoreOf(data, problems);
  if (store == nullptr) {
    return problems;
  }
  const std::map<std::string, std::string> phase_of = ValidatorPhases(data, problems);
  auto check_phase = [&](const std::string& where, const char* phase,
                         const std::optional<recipe::ValidationPhase>& p) {
    if (!p.has_value() || !p->checks.has_value()) {
      return;
    }
    for (const std::string& check : *p->checks) {
      const auto it = phase_of.find(check);
      if (it == phase_of.end()) {
        problems.push_back(where + ": no validator for " + phase + " check " + check);
      } else if (it->second != phase) {
        problems.push_back(where + ": " + check + " is a " + it->second + " validator, used in " +
                           phase);
      }
    }
  };
  auto check_config = [&](const std::string& where,
                          const std::optional<recipe::ValidationConfig>& v) {
    if (!v.has_value()) {
      return;
    }
    check_phase(where, "readiness", v->readiness);
    check_phase(where, "deployment", v->deployment);
    check_phase(where, "performance", v->performance);
    check_phase(where, "conformance", v->conformance);
  };
  check_config(store->base().path, store->base().spec.validation);
  for (const auto& [name, o] : store->overlays()) {
    check_config(o.path, o.spec.validation);
  }
  return problems;
}

Problems CriteriaValuesAreKnown(const catalog::DataProvider& data) {
  // Values this catalogue deliberately admits through the data-driven criteria
  // registry rather than the built-in lists.
  static const std::map<recipe::Dimension, std::set<std::string>> kAdmitted = {
      {recipe::Dimension::kService, {"generic", "k0s", "rke2", "togetherai"}},
      {recipe::Dimension::kAccelerator, {"vr200"}},
      {recipe::Dimension::kPlatform, {"kueue"}},
  };
  Problems problems;
  StorePtr store = StoreOf(data, problems);
  if (store == nullptr) {
    return problems;
  }
  for (const auto& [name, o] : store->overlays()) {
    if (!o.spec.criteria.has_value()) {
      continue;
    }
    for (recipe::Dimension d : recipe::kDimensions) {
      const std::string& v = o.spec.criteria->Get(d);
      if (v.empty() || v == recipe::kAny) {
        continue;
      }
      const std::vector<std::string>& builtin = recipe::BuiltinValues(d);
      if (std::binary_search(builtin.begin(), builtin.end(), v)) {
        continue;
      }
      const auto admitted = kAdmitted.find(d);
      if (admitted != kAdmitted.end() && admitted->second.count(v) != 0) {
        continue;
      }
      problems.push_back(o.path + ": " + std::string(recipe::DimensionName(d)) + " \"" + v +
                         "\" is neither a built-in value nor an admitted catalogue value");
    }
  }
  return problems;
}

Problems CustomResourceManifestsDeclareHooks(const catalog::DataProvider& data) {
  Problems problems;
  for (const ManifestDoc& d : AllManifestDocs(data, problems)) {
    if (d.api_version.empty() || IsCoreApiVersion(d.api_version) || d.hook || d.opted_out) {
      continue;
    }
    problems.push_back(Where(d) +
                       ": custom resource without a helm.sh/hook annotation; add the hook "
                       "(e.g. post-install,post-upgrade) or opt out with "
                       "aicr/skip-hook-validation: \"true\"");
  }
  return problems;
}

Problems HookOptOutManifestsCarryNoHooks(const catalog::DataProvider& data) {
  Problems problems;
  for (const ManifestDoc& d : AllManifestDocs(data, problems)) {
    if (d.opted_out && d.any_hook_key) {
      problems.push_back(Where(d) +
                         ": opts out of hook validation but carries helm.sh/hook annotations");
    }
  }
  return problems;
}

Problems EveryMixinComposesOntoALeaf(const catalog::DataProvider& data,
                                     std::vector<std::string>* used_leaves) {
  Problems problems;
  StorePtr store = StoreOf(data, problems);
  if (store == nullptr) {
    return problems;
  }
  for (const auto& [name, mixin] : store->mixins()) {
    auto composed = ComposeOntoLeaves(data, *store, name);
    if (!composed.ok()) {
      problems.push_back(mixin.path + ": " + composed.status().message());
      continue;
    }
    std::vector<std::string> failures;
    std::string used;
    for (const std::string& leaf : composed->leaves) {
      std::string why = TryLeaf(*composed, mixin, leaf);
      if (why.empty()) {
        used = leaf;
        break;
      }
      failures.push_back(leaf + ": " + why);
    }
    if (!used.empty()) {
      if (used_leaves != nullptr) {
        used_leaves->push_back(name + " -> " + used);
      }
      continue;
    }
    std::string msg = mixin.path + ": composes onto no leaf";
    for (std::size_t i = 0; i < failures.size() && i < 3; ++i) {
      msg += "; " + failures[i];
    }
    problems.push_back(msg);
  }
  return problems;
}

Problems MixinComposesOntoEveryLeafWith(const catalog::DataProvider& data, const std::string& mixin,
                                        const std::string& component) {
  Problems problems;
  StorePtr store = StoreOf(data, problems);
  if (store == nullptr) {
    return problems;
  }
  const auto m = store->mixins().find(mixin);
  if (m == store->mixins().end()) {
    return {"mixin " + mixin + " not found"};
  }
  auto composed = ComposeOntoLeaves(data, *store, mixin);
  if (!composed.ok()) {
    return {m->second.path + ": " + composed.status().message()};
  }
  std::size_t checked = 0;
  for (const std::string& leaf : composed->leaves) {
    // Only leaves whose own recipe deploys the component.
    const recipe::RecipeMetadata* o = store->Find(leaf);
    auto plain = recipe::Resolve(*store, *o->spec.criteria, {});
    if (!plain.ok()) {
      continue;  // reported by EveryOverlayMergesWithBase
    }
    const bool deploys = std::any_of(
        plain->component_refs.begin(), plain->component_refs.end(),
        [&](const recipe::ComponentRef& r) { return r.name == component && r.IsEnabled(); });
    if (!deploys) {
      continue;
    }
    ++checked;
    std::string why = TryLeaf(*composed, m->second, leaf);
    if (!why.empty()) {
      problems.push_back(leaf + " + " + mixin + ": " + why);
    }
  }
  if (checked == 0) {
    problems.push_back("no leaf deploys " + component + "; nothing was checked");
  }
  return problems;
}

}  // namespace aicr::lint
