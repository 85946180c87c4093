#pragma once

/// \file
/// `manifest.json` of an evidence bundle: the integrity inventory of every bundle
/// file except the statement files and the manifest itself.
/// Layout: `{"files":[{"mediaType","path","sha256":"sha256:<hex>","size"}],
/// "schemaVersion":"1.0.0"}`, files sorted by path, canonical JSON.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace aicr::evidence {

inline constexpr std::string_view kManifestSchemaVersion = "1.0.0";
inline constexpr std::string_view kManifestFile = "manifest.json";
inline constexpr std::string_view kStatementFile = "statement.intoto.json";
inline constexpr std::string_view kAttestationFile = "attestation.intoto.jsonl";
inline constexpr std::string_view kRecipeFile = "recipe.yaml";
inline constexpr std::string_view kSnapshotFile = "snapshot.yaml";
inline constexpr std::string_view kBomFile = "bom.cdx.json";
inline constexpr std::string_view kSummaryBundleDir = "summary-bundle";
inline constexpr std::string_view kPointerFile = "pointer.yaml";

/// One inventory entry.
struct ManifestFile {
  std::string path;  ///< bundle-relative, `/`-separated
  std::int64_t size = 0;
  std::string sha256;  ///< `sha256:<hex>`
  std::string media_type;
  friend bool operator==(const ManifestFile&, const ManifestFile&) = default;
};

/// The inventory.
struct Manifest {
  std::string schema_version = std::string(kManifestSchemaVersion);
  std::vector<ManifestFile> files;  ///< sorted by path
};

/// Whether `path` is left out of the manifest (manifest, statement, attestation).
bool IsUnlistedFile(std::string_view path);

/// The media type recorded for a bundle path: `application/vnd.cyclonedx+json` for
/// `*.cdx.json`, `application/json` for other `*.json`, `application/yaml` for
/// `*.yaml`, else `application/octet-stream`.
std::string MediaTypeFor(std::string_view path);

/// `sha256:<hex>` of `bytes`.
std::string Sha256Ref(std::string_view bytes);

/// The manifest of `files` (path -> bytes); unlisted files are skipped.
Manifest BuildManifest(const std::map<std::string, std::string>& files);

/// The canonical JSON bytes.
Result<std::string> WriteManifestJson(const Manifest& manifest);

/// Parses manifest bytes. INVALID_REQUEST `manifest.json: ...` for malformed JSON,
/// a wrong schemaVersion, a missing or mistyped field, a digest that is not
/// `sha256:<64 hex>`, or a duplicate or unsorted path.
Result<Manifest> ParseManifestJson(std::string_view json);

}  // namespace aicr::evidence
