#pragma once

/// \file
/// Catalogue documents <-> model: decoding overlays (RecipeMetadata), mixins and
/// their parts from the document model with upstream's YAML keys, and encoding the
/// model back with upstream's `omitempty` rules (for RecipeResult output).
///
/// Decoding follows go-yaml v3 into Go structs:
///  - a scalar where a string is expected gives its text (`version: 1.2` -> "1.2";
///    a float's original spelling is not kept, so `1.10` reads as "1.1"); null gives "";
///  - ints and bools must be YAML ints/bools (null gives 0/false);
///  - any other type mismatch is INVALID_REQUEST `<where>: expected <t>, got <t>`;
///  - strict mode (profile-track overlays, mixins) rejects unknown keys anywhere in the
///    known structure: `<where>: unknown field "<key>"` (override values are free-form).
/// `<where>` is a location such as `spec.componentRefs[2].version`; messages have no
/// file prefix (the store adds it).

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "recipe/model.h"
#include "serialize/value.h"

namespace aicr::recipe {

inline constexpr std::string_view kRecipeMetadataKind = "RecipeMetadata";
inline constexpr std::string_view kRecipeMixinKind = "RecipeMixin";
inline constexpr std::string_view kComponentRegistryKind = "ComponentRegistry";

/// aicr.run/v1alpha2 or aicr.run/v1beta1.
bool IsAuthoringApiVersion(std::string_view api_version);
/// aicr.run/v1alpha3 or aicr.run/v1beta2.
bool IsProfileApiVersion(std::string_view api_version);

/// `kind`, `apiVersion` and `metadata.name` of a document, read leniently (absent
/// fields are ""). INVALID_REQUEST when the document is not a mapping (null is fine)
/// or one of the three is not a scalar.
struct DocumentHeader {
  std::string kind;
  std::string api_version;
  std::string name;
};
Result<DocumentHeader> DecodeHeader(const serialize::Value& doc);

/// Decodes an overlay or base.yaml: kind `RecipeMetadata`; apiVersion on the
/// authoring track (lenient decode: unknown keys ignored) or the profile track (strict
/// decode); spec.profile present exactly on the profile track; metadata.name required
/// on the profile track; the profile contract (ValidateProfileDeclaration). `path` is
/// stored in the result. Errors are INVALID_REQUEST:
///  - `kind "<k>", expected "RecipeMetadata"`
///  - `apiVersion "<v>" is not supported, expected "aicr.run/v1beta1" or "aicr.run/v1beta2"`
///  - `spec.profile requires a profile-track apiVersion ("aicr.run/v1beta2"), got "<v>"`
///  - `apiVersion "<v>" requires spec.profile`
///  - `profile RecipeMetadata requires metadata.name`
///  - `spec.profile: <contract error>` and the field errors described above.
Result<RecipeMetadata> DecodeRecipeMetadata(const serialize::Value& doc, std::string path = "");

/// Parses YAML text and decodes it with DecodeRecipeMetadata. Authoring-track files
/// use their first document only; a profile-track file must hold exactly one
/// (`profile RecipeMetadata contains multiple YAML documents`).
Result<RecipeMetadata> ParseRecipeMetadata(std::string_view text, std::string path = "");

/// Decodes a mixin strictly: only kind, apiVersion, metadata.name, spec.constraints and
/// spec.componentRefs. INVALID_REQUEST `kind "<k>", expected "RecipeMixin"`,
/// `apiVersion "<v>" is not supported for RecipeMixin, expected "aicr.run/v1beta1"`,
/// `RecipeMixin requires metadata.name`, or a field error.
Result<RecipeMixin> DecodeRecipeMixin(const serialize::Value& doc, std::string path = "");
/// Parses YAML (first document) and decodes it with DecodeRecipeMixin.
Result<RecipeMixin> ParseRecipeMixin(std::string_view text, std::string path = "");

/// Part decoders (for other readers, e.g. RecipeResult); `where` prefixes errors.
Result<Criteria> DecodeCriteria(const serialize::Value& v, std::string_view where, bool strict);
Result<Constraint> DecodeConstraint(const serialize::Value& v, std::string_view where, bool strict);
Result<std::vector<Constraint>> DecodeConstraints(const serialize::Value& v, std::string_view where,
                                                  bool strict);
/// `type` is matched case-insensitively and canonicalised to Helm/Kustomize (any other
/// value is kept as written, for the coherence check to reject).
Result<ComponentRef> DecodeComponentRef(const serialize::Value& v, std::string_view where,
                                        bool strict);
Result<std::vector<ComponentRef>> DecodeComponentRefs(const serialize::Value& v,
                                                      std::string_view where, bool strict);
Result<ValidationConfig> DecodeValidationConfig(const serialize::Value& v, std::string_view where,
                                                bool strict);
Result<ProfileDeclaration> DecodeProfileDeclaration(const serialize::Value& v,
                                                    std::string_view where, bool strict);

/// "Helm" / "Kustomize" for a case-insensitive match, else `type` unchanged.
std::string CanonicalComponentType(std::string_view type);

/// Checks the closed profile contract and returns the declaration-wide owned paths
/// (per component: sorted flattened override paths plus the synthetic `enabled`).
/// INVALID_REQUEST, e.g. `profile name must match [A-Za-z0-9._-]+`,
/// `profile "p" default "x" is not a declared value`, `profile "p" values "A" and "a"
/// differ only by case; value names must be case-insensitively unique`,
/// `profile "p" value "v" component "c" may not assign overrides.enabled`,
/// `profile "p" violates union totality: value "v" assigns [..], expected [..]`.
Result<std::map<std::string, std::vector<std::string>>> ValidateProfileDeclaration(
    const ProfileDeclaration& decl);

/// Every dependencyRef names a component in `refs`, and the graph has no cycle.
/// INVALID_REQUEST `component "a" references unknown dependency "b"` or
/// `circular dependency detected: [a b a]`.
Status ValidateDependencies(const std::vector<ComponentRef>& refs);

/// Snapshot constraint names of `spec` are measurement paths (spec.constraints,
/// spec.validation.readiness.constraints, profile values' constraints and
/// readinessConstraints; deployment/performance/conformance phases are other name
/// spaces and are not checked). INVALID_REQUEST `<location>[i]: <path error>`, e.g.
/// `spec.constraints[0]: invalid measurement path "k8s.server.version": ...`.
Status ValidateConstraintPaths(const RecipeMetadataSpec& spec);
/// The same for a list at `location` (e.g. a mixin's `spec.constraints`).
Status ValidateConstraintPaths(const std::vector<Constraint>& constraints,
                               std::string_view location);

/// Encoders with upstream's omitempty rules (mapping keys in struct order).
/// Constraint: name, value always; severity, remediation, unit when set.
serialize::Value EncodeConstraint(const Constraint& c);
/// ComponentRef: name, type, source always; the rest when non-empty (overrides when a
/// non-empty mapping, cleanup/healthCheckSkip when true).
serialize::Value EncodeComponentRef(const ComponentRef& ref);
/// ValidationConfig: present phases only; per phase timeout, constraints, checks,
/// nodeSelection (when present), infrastructure, each when non-empty.
serialize::Value EncodeValidation(const ValidationConfig& v);
serialize::Value EncodeValidationPhase(const ValidationPhase& p);
/// Criteria: each string dimension when non-empty, nodes when non-zero.
serialize::Value EncodeCriteria(const Criteria& c);

}  // namespace aicr::recipe
