#pragma once

/// \file
/// The validator catalogue (`validators/catalog.yaml`, kind ValidatorCatalog): which
/// validator containers exist, the phase each belongs to and how its Job runs; and
/// the selection of the entries a recipe's `validation.<phase>.checks` names.
///
/// Every parse error is INVALID_REQUEST and names the offending entry, e.g.
/// `validator catalog: validators[3] "nccl": invalid phase "readiness", must be one
/// of: deployment, performance, conformance`.

#include <array>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/env.h"
#include "base/result.h"
#include "catalog/data_provider.h"
#include "recipe/model.h"
#include "serialize/value.h"

namespace aicr::validator {

/// The catalogue's apiVersion, and the older one still accepted.
inline constexpr std::string_view kCatalogApiVersion = "validator.nvidia.com/v1alpha1";
inline constexpr std::string_view kLegacyCatalogApiVersion = "aicr.nvidia.com/v1";
inline constexpr std::string_view kCatalogKind = "ValidatorCatalog";

/// The timeout of an entry whose timeout is absent or zero.
inline constexpr std::chrono::milliseconds kDefaultValidatorTimeout = std::chrono::minutes(5);
/// Resources of an entry without `resources` (requests equal limits).
inline constexpr std::string_view kDefaultValidatorCpu = "1";
inline constexpr std::string_view kDefaultValidatorMemory = "1Gi";

/// The registry prefix catalogue images are published under, and the environment
/// variable that replaces it.
inline constexpr std::string_view kDefaultImageRegistry = "ghcr.io/nvidia";
inline constexpr std::string_view kImageRegistryEnv = "AICR_VALIDATOR_IMAGE_REGISTRY";

/// A validation phase that runs validator Jobs (readiness runs inline and has no
/// catalogue entries).
enum class Phase { kDeployment, kPerformance, kConformance };

/// The phases in run order: deployment, performance, conformance.
inline constexpr std::array<Phase, 3> kPhases = {Phase::kDeployment, Phase::kPerformance,
                                                 Phase::kConformance};

/// `deployment`, `performance` or `conformance`.
std::string_view PhaseName(Phase phase);

/// The phase named `name` (exact, lower case); nullopt for anything else.
std::optional<Phase> ParsePhase(std::string_view name);

/// A container environment variable.
struct EnvVar {
  std::string name;
  std::string value;
  friend bool operator==(const EnvVar&, const EnvVar&) = default;
};

/// CPU and memory for the validator container; used as both requests and limits.
struct Resources {
  std::string cpu = std::string(kDefaultValidatorCpu);
  std::string memory = std::string(kDefaultValidatorMemory);
  friend bool operator==(const Resources&, const Resources&) = default;
};

/// Whether a dependency affinity must be honoured.
enum class AffinityRequirement { kPreferred, kRequired };

/// `preferred` or `required`.
std::string_view AffinityRequirementName(AffinityRequirement requirement);

/// Co-location of the validator pod with the pods of a recipe component.
struct DependencyAffinity {
  /// The recipe component (componentRefs[].name) whose pods to run beside.
  std::string component_ref;
  /// Labels selecting that component's pods; never empty.
  std::map<std::string, std::string> pod_label_selector;
  /// `required` fails the run when the component is absent; `preferred` (default)
  /// only warns.
  AffinityRequirement requirement = AffinityRequirement::kPreferred;
  friend bool operator==(const DependencyAffinity&, const DependencyAffinity&) = default;
};

/// One validator container.
struct ValidatorEntry {
  /// Unique across the catalogue; used in Job names and as the CTRF test name.
  std::string name;
  Phase phase = Phase::kDeployment;
  std::string description;
  /// Image reference after the load-time rewrites (LoadCatalog).
  std::string image;
  /// The Job deadline; kDefaultValidatorTimeout when the catalogue gives 0 or none.
  std::chrono::milliseconds timeout = kDefaultValidatorTimeout;
  /// Container arguments; the first selects the check inside the image.
  std::vector<std::string> args;
  std::vector<EnvVar> env;
  /// The entry's resources, or the defaults when it gives none.
  Resources resources;
  /// Whether the catalogue gave `resources` (false: the defaults apply).
  bool resources_set = false;
  std::vector<DependencyAffinity> dependency_affinity;
  friend bool operator==(const ValidatorEntry&, const ValidatorEntry&) = default;
};

/// The catalogue's `metadata`.
struct CatalogMetadata {
  std::string name;
  std::string version;
  friend bool operator==(const CatalogMetadata&, const CatalogMetadata&) = default;
};

/// A parsed catalogue; entries keep the file's order.
struct ValidatorCatalog {
  std::string api_version;
  CatalogMetadata metadata;
  std::vector<ValidatorEntry> validators;

  /// The entries of `phase`, in catalogue order.
  std::vector<ValidatorEntry> ForPhase(Phase phase) const;
  /// The entry named `name`, or nullptr.
  const ValidatorEntry* Find(std::string_view name) const;
};

/// Decodes a catalogue document. INVALID_REQUEST (prefixed `validator catalog: `)
/// for: a wrong apiVersion or kind, `validators` not a list, an entry with an empty
/// or duplicate name, an invalid phase, an empty image, a malformed timeout
/// (a Go duration such as `90s` or `2m30s`; a bare 0 means the default), or
/// mistyped fields (args, env, resources, dependencyAffinity). Unknown keys are
/// ignored, so a newer catalogue still loads.
Result<ValidatorCatalog> DecodeCatalog(const serialize::Value& doc);

/// Parses catalogue YAML (bad YAML is INVALID_REQUEST too) and decodes it.
Result<ValidatorCatalog> ParseCatalog(std::string_view yaml);

/// Parses a Go duration (`300ms`, `1.5h`, `2m30s`; units ns us µs ms s m h; `0`).
/// Negative durations are rejected. INVALID_REQUEST `invalid duration "<text>"`.
Result<std::chrono::milliseconds> ParseGoDuration(std::string_view text);

/// Renders a duration the way Go prints one (`2m0s`, `1h5m0s`, `1.5s`, `0s`).
std::string FormatGoDuration(std::chrono::milliseconds d);

/// Whether `version` is a release build: starts with `v`, is not `dev` and does
/// not contain `-next`.
bool IsReleaseVersion(std::string_view version);

/// `image` with a trailing `:latest` replaced by `:<version>`; any other image
/// (explicit tag, digest, no tag) unchanged.
std::string ReplaceLatestTag(std::string_view image, std::string_view version);

/// Replaces the registry part of `image` with `registry`: for `a/b/rest` the first
/// two segments (`ghcr.io/nvidia`), for `a/rest` the first; a single-segment image
/// is returned unchanged.
std::string ReplaceRegistry(std::string_view image, std::string_view registry);

/// How LoadCatalog rewrites image references.
struct LoadOptions {
  /// The CLI version (BuildInfo::version); a release version pins `:latest` tags.
  std::string cli_version;
  /// Where kImageRegistryEnv is read from; unset means the process environment.
  EnvLookup env;
};

/// Applies the load-time image rewrites to every entry: `:latest` -> `:<cli_version>`
/// for a release version, then the registry override when `registry` is non-empty.
void RewriteImages(ValidatorCatalog& catalog, std::string_view cli_version,
                   std::string_view registry);

/// Reads catalog::kValidatorCatalogPath from `data` (embedded, or layered with
/// `--data`), parses it and applies RewriteImages with the CLI version and
/// kImageRegistryEnv from `options.env` (empty means no override).
Result<ValidatorCatalog> LoadCatalog(const catalog::DataProvider& data, const LoadOptions& options);

/// A declared check name that matches no catalogue entry in its phase.
struct UnmatchedCheck {
  std::string name;
  Phase phase = Phase::kDeployment;
  /// Set when the name is a catalogue entry of another phase (a misplaced check
  /// rather than a typo).
  std::optional<Phase> other_phase;
  friend bool operator==(const UnmatchedCheck&, const UnmatchedCheck&) = default;
};

/// The check names a recipe declares for `phase` (`validation.<phase>.checks`), in
/// declaration order; empty when the phase or its checks are absent.
std::vector<std::string> DeclaredChecks(const recipe::ValidationConfig& validation, Phase phase);

/// The entries of `phase` whose names `checks` lists, in catalogue order (each at
/// most once). Empty `checks`: the phase runs nothing.
std::vector<ValidatorEntry> SelectEntries(const ValidatorCatalog& catalog, Phase phase,
                                          const std::vector<std::string>& checks);

/// The names in `checks` that match no entry of `phase`, each once, in
/// declaration order, noting when the name exists in another phase.
std::vector<UnmatchedCheck> UnmatchedChecks(const ValidatorCatalog& catalog, Phase phase,
                                            const std::vector<std::string>& checks);

/// The names listed more than once in `checks`, each once, in order of first
/// appearance.
std::vector<std::string> DuplicateChecks(const std::vector<std::string>& checks);

/// SelectEntries that fails instead of dropping names: INVALID_REQUEST naming the
/// phase and every duplicate (`validation.deployment.checks: duplicate check
/// "x"`) or unmatched name (`... unknown check "x" (it is a conformance check)`,
/// with a "did you mean" suggestion from the phase's entries for a typo).
Result<std::vector<ValidatorEntry>> ResolveChecks(const ValidatorCatalog& catalog, Phase phase,
                                                  const std::vector<std::string>& checks);

}  // namespace aicr::validator
