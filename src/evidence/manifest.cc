#include "evidence/manifest.h"

#include <utility>

#include "base/status_macros.h"
#include "checksum/sha256.h"
#include "serialize/json_reader.h"
#include "serialize/json_writer.h"
#include "serialize/value.h"

namespace aicr::evidence {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

Status ManifestError(const std::string& what) {
  return InvalidRequestError("manifest.json: " + what);
}

Result<std::string> StringField(const serialize::Value& entry, const char* key,
                                const std::string& where) {
  const serialize::Value* v = entry.Find(key);
  if (v == nullptr || !v->is_string()) {
    return ManifestError(where + "." + key + ": expected a string");
  }
  return *v->if_string();
}

}  // namespace

bool IsUnlistedFile(std::string_view path) {
  return path == kManifestFile || path == kStatementFile || path == kAttestationFile;
}

std::string MediaTypeFor(std::string_view path) {
  if (EndsWith(path, ".cdx.json")) {
    return "application/vnd.cyclonedx+json";
  }
  if (EndsWith(path, ".json")) {
    return "application/json";
  }
  if (EndsWith(path, ".yaml")) {
    return "application/yaml";
  }
  return "application/octet-stream";
}

std::string Sha256Ref(std::string_view bytes) { return "sha256:" + checksum::Sha256Hex(bytes); }

Manifest BuildManifest(const std::map<std::string, std::string>& files) {
  Manifest m;
  for (const auto& [path, bytes] : files) {
    if (IsUnlistedFile(path)) {
      continue;
    }
    m.files.push_back(ManifestFile{path, static_cast<std::int64_t>(bytes.size()), Sha256Ref(bytes),
                                   MediaTypeFor(path)});
  }
  return m;
}

Result<std::string> WriteManifestJson(const Manifest& manifest) {
  serialize::Value doc = serialize::Value::EmptyMapping();
  doc.Set("schemaVersion", manifest.schema_version);
  serialize::Value files = serialize::Value::EmptySequence();
  for (const ManifestFile& f : manifest.files) {
    serialize::Value e = serialize::Value::EmptyMapping();
    e.Set("path", f.path);
    e.Set("size", f.size);
    e.Set("sha256", f.sha256);
    e.Set("mediaType", f.media_type);
    files.Append(std::move(e));
  }
  doc.Set("files", std::move(files));
  return serialize::WriteJson(doc);
}

Result<Manifest> ParseManifestJson(std::string_view json) {
  Result<serialize::Value> doc = serialize::ParseJson(json);
  if (!doc.ok()) {
    return doc.status().WithContext("manifest.json");
  }
  const serialize::Value* version = doc->Find("schemaVersion");
  if (version == nullptr || !version->is_string() ||
      *version->if_string() != kManifestSchemaVersion) {
    return ManifestError("schemaVersion must be \"" + std::string(kManifestSchemaVersion) + "\"");
  }
  const serialize::Value* files = doc->Find("files");
  if (files == nullptr || !files->is_sequence()) {
    return ManifestError("files: expected a list");
  }
  Manifest m;
  for (std::size_t i = 0; i < files->if_sequence()->size(); ++i) {
    const serialize::Value& entry = (*files->if_sequence())[i];
    const std::string where = "files[" + std::to_string(i) + "]";
    ManifestFile f;
    AICR_ASSIGN_OR_RETURN(f.path, StringField(entry, "path", where));
    AICR_ASSIGN_OR_RETURN(f.sha256, StringField(entry, "sha256", where));
    const serialize::Value* media = entry.Find("mediaType");
    if (media != nullptr && media->is_string()) {
      f.media_type = *media->if_string();
    }
    const serialize::Value* size = entry.Find("size");
    if (size == nullptr || !size->is_int() || *size->if_int() < 0) {
      return ManifestError(where + ".size: expected a non-negative integer");
    }
    f.size = *size->if_int();
    if (f.sha256.rfind("sha256:", 0) != 0 || !checksum::IsSha256Hex(f.sha256.substr(7))) {
      return ManifestError(where + ".sha256: expected sha256:<64 hex>, got \"" + f.sha256 + "\"");
    }
    if (!m.files.empty() && m.files.back().path >= f.path) {
      return ManifestError(where + ".path \"" + f.path + "\": paths must be unique and sorted");
    }
    m.files.push_back(std::move(f));
  }
  return m;
}

}  // namespace aicr::evidence
