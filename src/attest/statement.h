#pragma once

/// \file
/// in-toto Statement v1 with a SLSA provenance v1 predicate describing a bundle build:
/// building the statement's canonical JSON and parsing statements back.

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "serialize/value.h"

namespace aicr::attest {

/// `_type` of an in-toto Statement v1.
inline constexpr std::string_view kStatementType = "https://in-toto.io/Statement/v1";
/// `predicateType` of a SLSA provenance v1 predicate.
inline constexpr std::string_view kSlsaProvenanceType = "https://slsa.dev/provenance/v1";
/// Our build type (we are a different producer than upstream, so a verifier can tell the two
/// apart).
inline constexpr std::string_view kBundleBuildType = "https://aicr.run/bundle-cpp/v1";

/// One attested artifact.
struct Subject {
  std::string name;
  /// Lowercase hex SHA-256.
  std::string sha256;

  friend bool operator==(const Subject&, const Subject&) = default;
};

/// One `resolvedDependencies` entry.
struct ResolvedDependency {
  std::string uri;
  /// Lowercase hex SHA-256.
  std::string sha256;

  friend bool operator==(const ResolvedDependency&, const ResolvedDependency&) = default;
};

/// What the SLSA provenance predicate of a bundle records.
struct BundleProvenance {
  /// externalParameters.recipe (criteria string).
  std::string recipe;
  /// externalParameters.recipeSource: "embedded" | "external".
  std::string recipe_source;
  /// internalParameters.components.
  std::vector<std::string> components;
  /// internalParameters.outputDir.
  std::string output_dir;
  /// internalParameters.toolVersion.
  std::string tool_version;
  /// resolvedDependencies (binary first, then data files).
  std::vector<ResolvedDependency> dependencies;
  /// runDetails.builder.id.
  std::string builder_id;
  /// runDetails.metadata.invocationId; empty = omitted (deterministic mode).
  std::string invocation_id;
  /// runDetails.metadata.startedOn, RFC 3339 UTC; empty = omitted (deterministic mode).
  std::string started_on;

  friend bool operator==(const BundleProvenance&, const BundleProvenance&) = default;
};

/// The statement's JSON bytes (our canonical JSON writer: sorted keys; empty optional fields
/// omitted). INVALID_REQUEST when the subject has no name or its digest is not 64 hex
/// characters, or a dependency digest is malformed.
Result<std::string> MarshalBundleStatement(const Subject& subject,
                                           const BundleProvenance& provenance);

/// A parsed in-toto statement.
struct Statement {
  std::string type;
  std::string predicate_type;
  std::vector<Subject> subjects;
  /// The predicate as parsed JSON (null when absent).
  serialize::Value predicate;
};

/// Parses and validates an in-toto Statement v1 (type, ≥1 subject each with name and sha256
/// digest, predicateType). INVALID_REQUEST `statement: <reason>` otherwise.
Result<Statement> ParseStatement(std::string_view json);

/// The BundleProvenance fields read back from a SLSA v1 predicate (missing optional fields stay
/// empty). INVALID_REQUEST when the predicate type is not SLSA provenance v1 or a present field
/// has the wrong JSON type.
Result<BundleProvenance> ProvenanceFromStatement(const Statement& statement);

}  // namespace aicr::attest
