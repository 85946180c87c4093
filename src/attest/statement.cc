#include "attest/statement.h"

#include <string>
#include <utility>

#include "base/status_macros.h"
#include "checksum/sha256.h"
#include "serialize/json_reader.h"
#include "serialize/json_writer.h"

namespace aicr::attest {
namespace {

using serialize::Value;

Value DigestMap(const std::string& sha256) {
  Value digest;
  digest.Set("sha256", sha256);
  return digest;
}

void SetIfNotEmpty(Value& target, const std::string& key, const std::string& value) {
  if (!value.empty()) {
    target.Set(key, value);
  }
}

Status StatementError(std::string reason) {
  return InvalidRequestError("statement: " + std::move(reason));
}

// Reads an optional string field of `object` at `key` into `out`.
Status OptionalString(const Value* object, std::string_view key, std::string_view path,
                      std::string* out) {
  if (object == nullptr) {
    return OkStatus();
  }
  const Value* v = object->Find(key);
  if (v == nullptr || v->is_null()) {
    return OkStatus();
  }
  if (!v->is_string()) {
    return StatementError(std::string(path) + " must be a string");
  }
  *out = *v->if_string();
  return OkStatus();
}

Result<const Value*> OptionalMapping(const Value* object, std::string_view key,
                                     std::string_view path) {
  if (object == nullptr) {
    return static_cast<const Value*>(nullptr);
  }
  const Value* v = object->Find(key);
  if (v == nullptr || v->is_null()) {
    return static_cast<const Value*>(nullptr);
  }
  if (!v->is_mapping()) {
    return StatementError(std::string(path) + " must be an object");
  }
  return v;
}

}  // namespace

Result<std::string> MarshalBundleStatement(const Subject& subject,
                                           const BundleProvenance& provenance) {
  if (subject.name.empty()) {
    return StatementError("subject has no name");
  }
  if (!checksum::IsSha256Hex(subject.sha256)) {
    return StatementError("subject \"" + subject.name +
                          "\": sha256 digest must be 64 lowercase hex characters");
  }
  Value statement;
  statement.Set("_type", std::string(kStatementType));
  Value subject_entry;
  subject_entry.Set("name", subject.name);
  subject_entry.Set("digest", DigestMap(subject.sha256));
  Value subjects = Value::EmptySequence();
  subjects.Append(std::move(subject_entry));
  statement.Set("subject", std::move(subjects));
  statement.Set("predicateType", std::string(kSlsaProvenanceType));

  Value external = Value::EmptyMapping();
  SetIfNotEmpty(external, "recipe", provenance.recipe);
  SetIfNotEmpty(external, "recipeSource", provenance.recipe_source);

  Value internal = Value::EmptyMapping();
  if (!provenance.components.empty()) {
    Value components = Value::EmptySequence();
    for (const std::string& c : provenance.components) {
      components.Append(c);
    }
    internal.Set("components", std::move(components));
  }
  SetIfNotEmpty(internal, "outputDir", provenance.output_dir);
  SetIfNotEmpty(internal, "toolVersion", provenance.tool_version);

  Value build;
  build.Set("buildType", std::string(kBundleBuildType));
  build.Set("externalParameters", std::move(external));
  if (!internal.if_mapping()->empty()) {
    build.Set("internalParameters", std::move(internal));
  }
  if (!provenance.dependencies.empty()) {
    Value deps = Value::EmptySequence();
    for (const ResolvedDependency& d : provenance.dependencies) {
      if (d.uri.empty()) {
        return StatementError("resolved dependency has no uri");
      }
      if (!checksum::IsSha256Hex(d.sha256)) {
        return StatementError("resolved dependency \"" + d.uri +
                              "\": sha256 digest must be 64 lowercase hex characters");
      }
      Value dep;
      dep.Set("uri", d.uri);
      dep.Set("digest", DigestMap(d.sha256));
      deps.Append(std::move(dep));
    }
    build.Set("resolvedDependencies", std::move(deps));
  }

  Value builder;
  builder.Set("id", provenance.builder_id);
  Value run;
  run.Set("builder", std::move(builder));
  Value metadata = Value::EmptyMapping();
  SetIfNotEmpty(metadata, "invocationId", provenance.invocation_id);
  SetIfNotEmpty(metadata, "startedOn", provenance.started_on);
  if (!metadata.if_mapping()->empty()) {
    run.Set("metadata", std::move(metadata));
  }

  Value predicate;
  predicate.Set("buildDefinition", std::move(build));
  predicate.Set("runDetails", std::move(run));
  statement.Set("predicate", std::move(predicate));

  serialize::JsonWriteOptions options;
  options.compact = true;
  options.trailing_newline = false;
  return serialize::WriteJson(statement, options);
}

Result<Statement> ParseStatement(std::string_view json) {
  Result<Value> parsed = serialize::ParseJson(json);
  if (!parsed.ok()) {
    return StatementError(parsed.status().message());
  }
  const Value& root = *parsed;
  if (!root.is_mapping()) {
    return StatementError("expected a JSON object");
  }
  Statement out;
  const Value* type = root.Find("_type");
  if (type == nullptr || !type->is_string()) {
    return StatementError("missing _type");
  }
  out.type = *type->if_string();
  if (out.type != kStatementType) {
    return StatementError("unsupported _type \"" + out.type + "\" (expected " +
                          std::string(kStatementType) + ")");
  }
  const Value* predicate_type = root.Find("predicateType");
  if (predicate_type == nullptr || !predicate_type->is_string() ||
      predicate_type->if_string()->empty()) {
    return StatementError("missing predicateType");
  }
  out.predicate_type = *predicate_type->if_string();
  const Value* subjects = root.Find("subject");
  if (subjects == nullptr || !subjects->is_sequence() || subjects->size() == 0) {
    return StatementError("at least one subject is required");
  }
  std::size_t index = 0;
  for (const Value& s : *subjects->if_sequence()) {
    const std::string where = "subject[" + std::to_string(index++) + "]";
    if (!s.is_mapping()) {
      return StatementError(where + " must be an object");
    }
    Subject subject;
    const Value* name = s.Find("name");
    if (name == nullptr || !name->is_string() || name->if_string()->empty()) {
      return StatementError(where + " has no name");
    }
    subject.name = *name->if_string();
    const Value* digest = s.Find("digest");
    const Value* sha = digest != nullptr ? digest->Find("sha256") : nullptr;
    if (sha == nullptr || !sha->is_string()) {
      return StatementError(where + " \"" + subject.name + "\" has no sha256 digest");
    }
    if (!checksum::IsSha256Hex(*sha->if_string())) {
      return StatementError(where + " \"" + subject.name +
                            "\": sha256 digest must be 64 lowercase hex characters");
    }
    subject.sha256 = *sha->if_string();
    out.subjects.push_back(std::move(subject));
  }
  if (const Value* predicate = root.Find("predicate"); predicate != nullptr) {
    if (!predicate->is_mapping() && !predicate->is_null()) {
      return StatementError("predicate must be an object");
    }
    out.predicate = *predicate;
  }
  return out;
}

Result<BundleProvenance> ProvenanceFromStatement(const Statement& statement) {
  if (statement.predicate_type != kSlsaProvenanceType) {
    return StatementError("predicateType \"" + statement.predicate_type + "\" is not " +
                          std::string(kSlsaProvenanceType));
  }
  BundleProvenance out;
  const Value* predicate = statement.predicate.is_mapping() ? &statement.predicate : nullptr;
  AICR_ASSIGN_OR_RETURN(const Value* build,
                        OptionalMapping(predicate, "buildDefinition", "buildDefinition"));
  AICR_ASSIGN_OR_RETURN(
      const Value* external,
      OptionalMapping(build, "externalParameters", "buildDefinition.externalParameters"));
  AICR_RETURN_IF_ERROR(
      OptionalString(external, "recipe", "externalParameters.recipe", &out.recipe));
  AICR_RETURN_IF_ERROR(OptionalString(external, "recipeSource", "externalParameters.recipeSource",
                                      &out.recipe_source));
  AICR_ASSIGN_OR_RETURN(
      const Value* internal,
      OptionalMapping(build, "internalParameters", "buildDefinition.internalParameters"));
  AICR_RETURN_IF_ERROR(
      OptionalString(internal, "outputDir", "internalParameters.outputDir", &out.output_dir));
  AICR_RETURN_IF_ERROR(
      OptionalString(internal, "toolVersion", "internalParameters.toolVersion", &out.tool_version));
  if (internal != nullptr) {
    if (const Value* components = internal->Find("components");
        components != nullptr && !components->is_null()) {
      if (!components->is_sequence()) {
        return StatementError("internalParameters.components must be an array");
      }
      for (const Value& c : *components->if_sequence()) {
        if (!c.is_string()) {
          return StatementError("internalParameters.components must hold strings");
        }
        out.components.push_back(*c.if_string());
      }
    }
  }
  if (build != nullptr) {
    if (const Value* deps = build->Find("resolvedDependencies");
        deps != nullptr && !deps->is_null()) {
      if (!deps->is_sequence()) {
        return StatementError("buildDefinition.resolvedDependencies must be an array");
      }
      for (const Value& d : *deps->if_sequence()) {
        if (!d.is_mapping()) {
          return StatementError("resolvedDependencies entries must be objects");
        }
        ResolvedDependency dep;
        AICR_RETURN_IF_ERROR(OptionalString(&d, "uri", "resolvedDependencies.uri", &dep.uri));
        AICR_ASSIGN_OR_RETURN(const Value* digest,
                              OptionalMapping(&d, "digest", "resolvedDependencies.digest"));
        AICR_RETURN_IF_ERROR(
            OptionalString(digest, "sha256", "resolvedDependencies.digest.sha256", &dep.sha256));
        out.dependencies.push_back(std::move(dep));
      }
    }
  }
  AICR_ASSIGN_OR_RETURN(const Value* run, OptionalMapping(predicate, "runDetails", "runDetails"));
  AICR_ASSIGN_OR_RETURN(const Value* builder,
                        OptionalMapping(run, "builder", "runDetails.builder"));
  AICR_RETURN_IF_ERROR(OptionalString(builder, "id", "runDetails.builder.id", &out.builder_id));
  AICR_ASSIGN_OR_RETURN(const Value* metadata,
                        OptionalMapping(run, "metadata", "runDetails.metadata"));
  AICR_RETURN_IF_ERROR(OptionalString(metadata, "invocationId", "runDetails.metadata.invocationId",
                                      &out.invocation_id));
  AICR_RETURN_IF_ERROR(
      OptionalString(metadata, "startedOn", "runDetails.metadata.startedOn", &out.started_on));
  return out;
}

}  // namespace aicr::attest
