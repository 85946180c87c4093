#pragma once

/// \file
/// Builds a recipe evidence bundle in memory: the `summary-bundle/` files
/// (statement.intoto.json, recipe.yaml, snapshot.yaml, bom.cdx.json,
/// ctrf/<phase>.json, manifest.json) and `pointer.yaml`.
///
/// The statement is an in-toto Statement v1 whose subject is
/// `recipe:<name>` with the SHA-256 of the canonical recipe, and whose predicate
/// (`https://aicr.run/recipe-evidence/v1`, or `/v2` with a `profile` block when
/// the recipe has `metadata.selectedProfile`) records: schemaVersion, attestedAt,
/// aicrVersion, validatorCatalogVersion, validatorImages, recipe{name, digest},
/// fingerprint (from the raw snapshot), criteriaMatch, phases, bom, manifest and,
/// unless the bundle is full, redaction.
///
/// The CycloneDX 1.6 BOM lists the validator images of the run (type `container`,
/// the image name with its tag or digest as version) and the recipe's enabled
/// components (type `application`, chart version or tag, with namespace, chart and
/// source as `aicr:` properties); its serialNumber is derived from its content.

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "measurement/fingerprint.h"
#include "measurement/snapshot.h"
#include "recipe/result.h"
#include "serialize/value.h"
#include "validator/catalog.h"
#include "validator/ctrf.h"
#include "validator/run.h"

namespace aicr::evidence {

inline constexpr std::string_view kPredicateTypeV1 = "https://aicr.run/recipe-evidence/v1";
inline constexpr std::string_view kPredicateTypeV2 = "https://aicr.run/recipe-evidence/v2";
inline constexpr std::string_view kPredicateSchemaVersion = "1.0.0";
inline constexpr std::string_view kPointerSchemaVersion = "1.0.0";
inline constexpr std::string_view kCycloneDxVersion = "1.6";
inline constexpr std::string_view kSubjectPrefix = "recipe:";

/// One validator image of the run.
struct ValidatorImage {
  std::string image;
  /// `sha256:<hex>` when the reference pins a digest, else empty.
  std::string digest;
};

/// The images of `plan`'s entries, unique and sorted by image.
std::vector<ValidatorImage> ImagesOf(const std::vector<validator::PhasePlan>& plan);

/// Everything a bundle is built from.
struct EvidenceInputs {
  std::string recipe_yaml;  ///< the recipe document as read
  recipe::RecipeResult recipe;
  measurement::Snapshot snapshot;  ///< raw (redacted here unless `full`)
  /// The phases that ran, each with its own CTRF report.
  std::vector<std::pair<validator::Phase, validator::ctrf::Report>> phase_reports;
  std::string aicr_version;
  std::string catalog_version;
  std::vector<ValidatorImage> validator_images;
  std::chrono::system_clock::time_point attested_at;
  /// `--full`: no redaction.
  bool full = false;
};

/// The built bundle.
struct EvidenceBundle {
  /// summary-bundle relative path -> bytes (statement and manifest included).
  std::map<std::string, std::string> files;
  std::string pointer_yaml;
  std::string recipe_name;
  std::string subject_digest;  ///< hex
  std::string predicate_type;
  serialize::Value predicate;
};

/// The `criteriaMatch` block: per dimension (service, accelerator, os, intent,
/// platform, nodes) `{match, recipeRequires, fingerprintProvides?}` with match
/// `matched` (recipe empty or `any`; nodes 0), `unknown` (not captured; intent and
/// platform always) or `mismatched`; `matched` is true when none mismatched.
serialize::Value MatchCriteria(const measurement::Fingerprint& fp,
                               const recipe::Criteria& criteria);

/// The CycloneDX JSON (see the file comment) and the number of container entries.
Result<std::pair<std::string, int>> BuildBom(const std::string& recipe_name,
                                             const recipe::RecipeResult& recipe,
                                             const std::vector<ValidatorImage>& images,
                                             const std::string& aicr_version);

/// Builds the bundle. INVALID_REQUEST for an unparsable recipe document.
Result<EvidenceBundle> BuildEvidence(const EvidenceInputs& inputs);

}  // namespace aicr::evidence
