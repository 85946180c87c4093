#include "oci/manifest.h"

#include <string>
#include <utility>

#include "base/status_macros.h"
#include "checksum/sha256.h"
#include "oci/reference.h"
#include "serialize/json_reader.h"
#include "serialize/json_writer.h"
#include "serialize/value.h"

namespace aicr::oci {
namespace {

using serialize::Mapping;
using serialize::Sequence;
using serialize::Value;

Value EncodeAnnotations(const std::map<std::string, std::string>& annotations) {
  Mapping m;
  for (const auto& [k, v] : annotations) {
    m.Set(k, Value(v));
  }
  return Value(std::move(m));
}

Value EncodeDescriptor(const Descriptor& d) {
  Mapping m;
  m.Set("mediaType", Value(d.media_type));
  m.Set("digest", Value(d.digest));
  m.Set("size", Value(d.size));
  if (!d.artifact_type.empty()) {
    m.Set("artifactType", Value(d.artifact_type));
  }
  if (!d.annotations.empty()) {
    m.Set("annotations", EncodeAnnotations(d.annotations));
  }
  return Value(std::move(m));
}

std::string Compact(const Value& v) {
  serialize::JsonWriteOptions o;
  o.compact = true;
  o.trailing_newline = false;
  auto out = serialize::WriteJson(v, o);
  return out.ok() ? *out : std::string();  // only non-finite floats fail; there are none
}

Result<std::string> StringField(const Value& j, std::string_view key, std::string_view what,
                                bool required) {
  const Value* v = j.Find(key);
  if (v == nullptr || v->is_null()) {
    if (required) {
      return InvalidRequestError(std::string(what) + ": missing \"" + std::string(key) + "\"");
    }
    return std::string();
  }
  if (!v->is_string()) {
    return InvalidRequestError(std::string(what) + ": \"" + std::string(key) +
                               "\" is not a string");
  }
  return *v->if_string();
}

Result<std::map<std::string, std::string>> Annotations(const Value& j, std::string_view what) {
  std::map<std::string, std::string> out;
  const Value* v = j.Find("annotations");
  if (v == nullptr || v->is_null()) {
    return out;
  }
  if (!v->is_mapping()) {
    return InvalidRequestError(std::string(what) + ": \"annotations\" is not an object");
  }
  for (const auto& [k, val] : *v->if_mapping()) {
    if (!val.is_string()) {
      return InvalidRequestError(std::string(what) + ": annotation \"" + k + "\" is not a string");
    }
    out[k] = *val.if_string();
  }
  return out;
}

Result<Descriptor> DecodeDescriptor(const Value& j, const std::string& what) {
  if (!j.is_mapping()) {
    return InvalidRequestError(what + ": not an object");
  }
  Descriptor d;
  AICR_ASSIGN_OR_RETURN(d.media_type, StringField(j, "mediaType", what, true));
  AICR_ASSIGN_OR_RETURN(d.digest, StringField(j, "digest", what, true));
  if (!IsValidDigest(d.digest)) {
    return InvalidRequestError(what + ": invalid digest \"" + d.digest + "\"");
  }
  const Value* size = j.Find("size");
  if (size == nullptr || !size->is_int() || *size->if_int() < 0) {
    return InvalidRequestError(what + ": missing or invalid \"size\"");
  }
  d.size = *size->if_int();
  AICR_ASSIGN_OR_RETURN(d.artifact_type, StringField(j, "artifactType", what, false));
  AICR_ASSIGN_OR_RETURN(d.annotations, Annotations(j, what));
  return d;
}

Result<Value> ParseObject(std::string_view text, std::string_view what) {
  auto parsed = serialize::ParseJson(text);
  if (!parsed.ok()) {
    return parsed.status().WithContext(what);
  }
  if (!parsed->is_mapping()) {
    return InvalidRequestError(std::string(what) + ": not a JSON object");
  }
  return parsed;
}

Status CheckSchemaVersion(const Value& j, std::string_view what) {
  const Value* v = j.Find("schemaVersion");
  if (v == nullptr || !v->is_int() || *v->if_int() != 2) {
    return InvalidRequestError(std::string(what) + ": schemaVersion must be 2");
  }
  return OkStatus();
}

}  // namespace

std::string DigestOf(std::string_view bytes) { return "sha256:" + checksum::Sha256Hex(bytes); }

Descriptor DescriptorFor(std::string_view media_type, std::string_view bytes) {
  Descriptor d;
  d.media_type = std::string(media_type);
  d.digest = DigestOf(bytes);
  d.size = static_cast<std::int64_t>(bytes.size());
  return d;
}

std::string EncodeManifest(const Manifest& m) {
  Mapping j;
  j.Set("schemaVersion", Value(2));
  j.Set("mediaType", Value(m.media_type));
  if (!m.artifact_type.empty()) {
    j.Set("artifactType", Value(m.artifact_type));
  }
  j.Set("config", EncodeDescriptor(m.config));
  Sequence layers;
  for (const Descriptor& l : m.layers) {
    layers.push_back(EncodeDescriptor(l));
  }
  j.Set("layers", Value(std::move(layers)));
  if (m.subject.has_value()) {
    j.Set("subject", EncodeDescriptor(*m.subject));
  }
  if (!m.annotations.empty()) {
    j.Set("annotations", EncodeAnnotations(m.annotations));
  }
  return Compact(Value(std::move(j)));
}

std::string EncodeIndex(const Index& index) {
  Mapping j;
  j.Set("schemaVersion", Value(2));
  j.Set("mediaType", Value(kMediaTypeImageIndex));
  Sequence manifests;
  for (const Descriptor& d : index.manifests) {
    manifests.push_back(EncodeDescriptor(d));
  }
  j.Set("manifests", Value(std::move(manifests)));
  return Compact(Value(std::move(j)));
}

Result<Manifest> DecodeManifest(std::string_view json) {
  AICR_ASSIGN_OR_RETURN(const Value j, ParseObject(json, "manifest"));
  AICR_RETURN_IF_ERROR(CheckSchemaVersion(j, "manifest"));
  Manifest m;
  AICR_ASSIGN_OR_RETURN(m.media_type, StringField(j, "mediaType", "manifest", false));
  AICR_ASSIGN_OR_RETURN(m.artifact_type, StringField(j, "artifactType", "manifest", false));
  const Value* config = j.Find("config");
  if (config == nullptr) {
    return InvalidRequestError("manifest: missing \"config\"");
  }
  AICR_ASSIGN_OR_RETURN(m.config, DecodeDescriptor(*config, "manifest config"));
  const Value* layers = j.Find("layers");
  if (layers == nullptr || !layers->is_sequence()) {
    return InvalidRequestError("manifest: missing or invalid \"layers\"");
  }
  for (std::size_t i = 0; i < layers->if_sequence()->size(); ++i) {
    AICR_ASSIGN_OR_RETURN(Descriptor l, DecodeDescriptor((*layers->if_sequence())[i],
                                                         "manifest layer " + std::to_string(i)));
    m.layers.push_back(std::move(l));
  }
  if (const Value* subject = j.Find("subject"); subject != nullptr && !subject->is_null()) {
    AICR_ASSIGN_OR_RETURN(Descriptor s, DecodeDescriptor(*subject, "manifest subject"));
    m.subject = std::move(s);
  }
  AICR_ASSIGN_OR_RETURN(m.annotations, Annotations(j, "manifest"));
  return m;
}

Result<Index> DecodeIndex(std::string_view json) {
  AICR_ASSIGN_OR_RETURN(const Value j, ParseObject(json, "index"));
  AICR_RETURN_IF_ERROR(CheckSchemaVersion(j, "index"));
  Index index;
  const Value* manifests = j.Find("manifests");
  if (manifests == nullptr || manifests->is_null()) {
    return index;
  }
  if (!manifests->is_sequence()) {
    return InvalidRequestError("index: \"manifests\" is not an array");
  }
  for (std::size_t i = 0; i < manifests->if_sequence()->size(); ++i) {
    AICR_ASSIGN_OR_RETURN(Descriptor d, DecodeDescriptor((*manifests->if_sequence())[i],
                                                         "index entry " + std::to_string(i)));
    index.manifests.push_back(std::move(d));
  }
  return index;
}

}  // namespace aicr::oci
