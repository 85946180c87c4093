#pragma once

/// \file
/// The facade: the one API the `aicr` CLI and the `aicrd` server call, and a C++
/// SDK. It assembles inputs (flags, `--config`, `--snapshot`, `--data`) into engine
/// calls and returns documents; adapters only parse and format.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/cancel.h"
#include "base/result.h"
#include "bundler/bundler.h"
#include "catalog/data_provider.h"
#include "client/bundle_attest.h"
#include "client/bundle_publish.h"
#include "recipe/coverage.h"
#include "recipe/result.h"
#include "recipe/store.h"
#include "serialize/cm_uri.h"
#include "serialize/value.h"

namespace aicr::client {

/// Criteria as the user typed them; nullopt = not given.
struct CriteriaInput {
  std::optional<std::string> service{}, accelerator{}, intent{}, os{}, platform{};
  std::optional<std::int64_t> nodes{};
};

struct RecipeRequest {
  CriteriaInput criteria;
  std::string profile;           ///< `name=value`
  std::string snapshot;          ///< file, URL or cm://
  std::string config;            ///< AICRConfig file or URL
  std::string data_dir;          ///< `--data`
  bool criteria_strict = false;  ///< flag or AICR_CRITERIA_STRICT
};

/// A resolved recipe plus what the adapters need to render it.
struct RecipeResponse {
  recipe::RecipeResult result;
  std::shared_ptr<const recipe::Store> store;
  /// spec.recipe.output from --config (flags win in the adapter).
  std::string config_output_path;
  std::string config_output_format;
};

struct ListRequest {
  CriteriaInput filters;  ///< AND of the given dimensions (exact overlay values)
  std::string data_dir;
  bool criteria_strict = false;
  bool skip_health = false;
};

struct PhaseCoverage {
  bool declared = false;
  std::vector<std::string> checks;
  std::size_t constraints = 0;
};

struct LeafHealth {
  std::string status;        ///< pass | warn | fail | unknown
  std::string resolves;      ///< pass | fail
  std::string chart_pinned;  ///< pass | fail | unknown
  std::string error;         ///< resolution error, when resolves fails
  PhaseCoverage readiness, deployment, performance, conformance;
};

struct ListItem {
  std::string name;
  recipe::Criteria criteria;
  bool is_leaf = false;
  std::string source;
  std::optional<recipe::ProfileDeclaration> profile;
  std::optional<LeafHealth> health;  ///< leaves only, unless skipped
};

/// A registry component as catalogue documentation shows it.
struct ComponentInfo {
  std::string name;
  std::string display_name;
  std::string type;     ///< Helm or Kustomize
  std::string version;  ///< chart version or Kustomize tag; empty for manifest-only
  std::string namespace_;
  std::string source;  ///< repository, OCI location or Kustomize source
};

/// `aicr bundle` input.
struct BundleRequest {
  std::string recipe;  ///< RecipeResult source: file, http(s) URL, cm://ns/name or `-`
  /// The RecipeResult as an already-parsed document (the REST body); when set,
  /// `recipe` is not read and errors name `recipe (request body)`.
  std::optional<serialize::Value> recipe_document;
  std::string data_dir;  ///< --data
  bundler::BundleOptions options;
  /// Signing settings (`--attest` and friends); used by BundleAndPublish only.
  BundleAttestRequest attestation;
  /// Output target and OCI settings; used by BundleAndPublish only.
  BundlePublishRequest publish;
};

/// What BundleAndPublish produced.
struct BundleRunResult {
  bundler::BundleOutput bundle;
  std::string output_dir;                  ///< where the bundle was written
  bool attested = false;                   ///< the attestation files were added
  std::optional<OciPublishResult> pushed;  ///< oci:// outputs
};

class Client {
 public:
  struct Options {
    const catalog::DataProvider* embedded = nullptr;  ///< default: catalog::EmbeddedProvider()
    /// cm:// access. Null: a Kubernetes-backed store when `cluster_access`, else
    /// cm:// is unavailable.
    serialize::ConfigMapStore* configmaps = nullptr;
    /// Whether cm:// may reach a cluster (the CLI; not the stateless server). The
    /// connection is resolved on first use: `kubeconfig`, KUBECONFIG, in-cluster,
    /// ~/.kube/config.
    bool cluster_access = false;
    std::string kubeconfig;  ///< --kubeconfig; "" = discover
    CancelToken cancel;
    std::string version;  ///< metadata.version of produced recipes
  };

  explicit Client(Options options);

  /// The cm:// store inputs and outputs of this client use (null: unavailable).
  serialize::ConfigMapStore* configmaps() const { return options_.configmaps; }

  /// Resolves a recipe. Precedence: flags > --config > --snapshot detection.
  /// Dimensions detected from a snapshot that no overlay covers are dropped once
  /// (with a warning) before the request fails. INVALID_REQUEST
  /// `no criteria provided: specify at least one of service, accelerator, intent, os,
  /// platform, nodes` when nothing is stated. `details` receives the structured
  /// context of a coverage failure.
  Result<RecipeResponse> ResolveRecipe(const RecipeRequest& request,
                                       recipe::ResolutionErrorDetails* details = nullptr) const;

  /// Resolves, hydrates and selects (`aicr query`).
  Result<serialize::Value> Query(const RecipeRequest& request, std::string_view selector,
                                 recipe::ResolutionErrorDetails* details = nullptr) const;

  /// Overlays matching the filters, sorted by name, with per-leaf health.
  Result<std::vector<ListItem>> ListRecipes(const ListRequest& request) const;

  /// Every registry component, sorted by name.
  Result<std::vector<ComponentInfo>> ListComponents(const std::string& data_dir) const;

  /// Reads the recipe, loads the catalogue of `data_dir` and runs the bundle
  /// pipeline in memory (nothing is written; see bundler::PublishBundle).
  /// INVALID_REQUEST `required flag --recipe not set` without a recipe; the
  /// recipe's read and decode errors carry `recipe "<source>"` context.
  Result<bundler::BundleOutput> Bundle(const BundleRequest& request) const;

  /// Writes a bundle to `output_dir` through a verified staging directory; the
  /// previous content is kept on any failure (bundler::PublishBundle).
  Status PublishBundle(const bundler::BundleOutput& bundle, const std::string& output_dir) const;

  /// The whole `aicr bundle`: every signing and OCI precondition is checked first
  /// (PrepareBundleSigner, PrepareOciPublish), before the recipe is read; then the
  /// bundle is built in memory, attested when asked, written to
  /// `request.publish.output` (or, for an oci:// output, to
  /// `request.publish.local_dir`) and pushed. Errors keep their codes; on a failure
  /// before the write nothing is written.
  Result<BundleRunResult> BundleAndPublish(const BundleRequest& request) const;

  /// The provider for `data_dir` (the embedded one when empty), cached per process.
  Result<const catalog::DataProvider*> Provider(const std::string& data_dir) const;

 private:
  /// Loads the catalogue of `request.data_dir` and runs the bundle pipeline.
  Result<bundler::BundleOutput> MakeBundle(const BundleRequest& request,
                                           const recipe::RecipeResult& result) const;

  Options options_;
  std::shared_ptr<serialize::ConfigMapStore> owned_configmaps_;
};

/// A list item as a document: name, criteria (set dimensions only), is_leaf,
/// source, profile?, health? {status, dimensions {resolves, chart_pinned},
/// coverage {readiness|deployment|performance|conformance: {declared, checks,
/// constraints}}}.
serialize::Value ListItemToValue(const ListItem& item);

/// `R:n D:n P:n C:n` (declared check counts per phase).
std::string CoverageSummary(const LeafHealth& health);

}  // namespace aicr::client
