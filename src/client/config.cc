#include "client/config.h"

#include <set>

#include "base/limits.h"
#include "base/status_macros.h"
#include "serialize/cm_uri.h"
#include "serialize/json_reader.h"
#include "serialize/yaml_reader.h"

namespace aicr::client {
namespace {

using serialize::Value;

// Rejects keys of `m` outside `allowed`, naming `path.key`.
Status CheckKeys(const Value& v, std::string_view path, const std::set<std::string>& allowed) {
  const serialize::Mapping* m = v.if_mapping();
  if (m == nullptr) {
    return InvalidRequestError("config " + std::string(path) + ": expected a mapping, got " +
                               std::string(serialize::ValueTypeName(v.type())));
  }
  for (const auto& [key, unused] : *m) {
    if (allowed.count(key) == 0) {
      return InvalidRequestError("config " + std::string(path) + ": unknown field \"" + key + "\"");
    }
  }
  return OkStatus();
}

// A scalar as text (YAML may type `24.04` or `8` as numbers); empty when absent.
Result<std::string> GetText(const Value& parent, std::string_view key, std::string_view path) {
  const Value* v = parent.Find(key);
  if (v == nullptr || v->is_null()) {
    return std::string();
  }
  if (const std::string* s = v->if_string()) {
    return *s;
  }
  if (const std::int64_t* i = v->if_int()) {
    return std::to_string(*i);
  }
  return InvalidRequestError("config " + std::string(path) + "." + std::string(key) +
                             ": expected a string, got " +
                             std::string(serialize::ValueTypeName(v->type())));
}

Result<RecipeConfig> DecodeRecipe(const Value& v) {
  const std::string p = "spec.recipe";
  AICR_RETURN_IF_ERROR(CheckKeys(
      v, p, {"criteria", "profile", "configuration", "input", "output", "data", "criteriaStrict"}));
  RecipeConfig out;
  if (const Value* c = v.Find("criteria"); c != nullptr && !c->is_null()) {
    const std::string cp = p + ".criteria";
    AICR_RETURN_IF_ERROR(
        CheckKeys(*c, cp, {"service", "accelerator", "intent", "os", "platform", "nodes"}));
    RecipeConfig::Criteria crit;
    AICR_ASSIGN_OR_RETURN(crit.service, GetText(*c, "service", cp));
    AICR_ASSIGN_OR_RETURN(crit.accelerator, GetText(*c, "accelerator", cp));
    AICR_ASSIGN_OR_RETURN(crit.intent, GetText(*c, "intent", cp));
    AICR_ASSIGN_OR_RETURN(crit.os, GetText(*c, "os", cp));
    AICR_ASSIGN_OR_RETURN(crit.platform, GetText(*c, "platform", cp));
    if (const Value* n = c->Find("nodes"); n != nullptr && !n->is_null()) {
      const std::int64_t* i = n->if_int();
      if (i == nullptr || *i < 0) {
        return InvalidRequestError("config " + cp + ".nodes: expected a non-negative integer");
      }
      crit.nodes = *i;
    }
    out.criteria = crit;
  }
  AICR_ASSIGN_OR_RETURN(out.profile, GetText(v, "profile", p));
  AICR_ASSIGN_OR_RETURN(out.data, GetText(v, "data", p));
  if (const Value* cfg = v.Find("configuration"); cfg != nullptr && !cfg->is_null()) {
    AICR_RETURN_IF_ERROR(CheckKeys(*cfg, p + ".configuration", {"slurm"}));
    if (const Value* slurm = cfg->Find("slurm"); slurm != nullptr && !slurm->is_null()) {
      AICR_RETURN_IF_ERROR(CheckKeys(*slurm, p + ".configuration.slurm", {"accounting"}));
      if (const Value* acc = slurm->Find("accounting"); acc != nullptr && !acc->is_null()) {
        const std::string ap = p + ".configuration.slurm.accounting";
        AICR_RETURN_IF_ERROR(CheckKeys(*acc, ap, {"mode"}));
        AICR_ASSIGN_OR_RETURN(out.slurm_accounting_mode, GetText(*acc, "mode", ap));
      }
    }
  }
  if (const Value* in = v.Find("input"); in != nullptr && !in->is_null()) {
    AICR_RETURN_IF_ERROR(CheckKeys(*in, p + ".input", {"snapshot"}));
    AICR_ASSIGN_OR_RETURN(out.input_snapshot, GetText(*in, "snapshot", p + ".input"));
  }
  if (const Value* o = v.Find("output"); o != nullptr && !o->is_null()) {
    AICR_RETURN_IF_ERROR(CheckKeys(*o, p + ".output", {"path", "format"}));
    AICR_ASSIGN_OR_RETURN(out.output_path, GetText(*o, "path", p + ".output"));
    AICR_ASSIGN_OR_RETURN(out.output_format, GetText(*o, "format", p + ".output"));
    if (!out.output_format.empty() && out.output_format != "yaml" && out.output_format != "json" &&
        out.output_format != "table") {
      return InvalidRequestError("invalid " + p + ".output.format: \"" + out.output_format +
                                 "\" (valid: json, table, yaml)");
    }
  }
  if (const Value* s = v.Find("criteriaStrict"); s != nullptr && !s->is_null()) {
    const bool* b = s->if_bool();
    if (b == nullptr) {
      return InvalidRequestError("config " + p + ".criteriaStrict: expected a bool, got " +
                                 std::string(serialize::ValueTypeName(s->type())));
    }
    out.criteria_strict = *b;
  }
  if (out.criteria.has_value() && !out.input_snapshot.empty()) {
    return InvalidRequestError("config " + p +
                               ": criteria and input.snapshot are mutually exclusive");
  }
  return out;
}

}  // namespace

Result<AicrConfig> DecodeConfig(const Value& doc) {
  AICR_RETURN_IF_ERROR(CheckKeys(doc, "document", {"kind", "apiVersion", "metadata", "spec"}));
  AICR_ASSIGN_OR_RETURN(const std::string kind, GetText(doc, "kind", "document"));
  if (kind != kConfigKind) {
    return InvalidRequestError("config: kind must be " + std::string(kConfigKind) + ", got \"" +
                               kind + "\"");
  }
  AICR_ASSIGN_OR_RETURN(const std::string api, GetText(doc, "apiVersion", "document"));
  if (api != kConfigApiVersion) {
    return InvalidRequestError("config: apiVersion must be " + std::string(kConfigApiVersion) +
                               ", got \"" + api + "\"");
  }
  AicrConfig out;
  if (const Value* md = doc.Find("metadata"); md != nullptr && !md->is_null()) {
    AICR_RETURN_IF_ERROR(CheckKeys(*md, "metadata", {"name"}));
    AICR_ASSIGN_OR_RETURN(out.name, GetText(*md, "name", "metadata"));
  }
  const Value* spec = doc.Find("spec");
  if (spec == nullptr || spec->is_null()) {
    return InvalidRequestError(
        "config: spec must set at least one of snapshot, recipe, bundle, validate, verify");
  }
  AICR_RETURN_IF_ERROR(
      CheckKeys(*spec, "spec", {"snapshot", "recipe", "bundle", "validate", "verify"}));
  if (spec->size() == 0) {
    return InvalidRequestError(
        "config: spec must set at least one of snapshot, recipe, bundle, validate, verify");
  }
  if (const Value* r = spec->Find("recipe"); r != nullptr && !r->is_null()) {
    AICR_ASSIGN_OR_RETURN(out.recipe, DecodeRecipe(*r));
  }
  for (const auto& [key, field] :
       {std::pair{"snapshot", &out.snapshot}, std::pair{"bundle", &out.bundle},
        std::pair{"validate", &out.validate}, std::pair{"verify", &out.verify}}) {
    if (const Value* v = spec->Find(key)) {
      *field = *v;
    }
  }
  return out;
}

Result<AicrConfig> LoadConfig(std::string_view source, const serialize::InputOptions& input) {
  if (serialize::IsConfigMapUri(source)) {
    return InvalidRequestError("config \"" + std::string(source) +
                               "\": cm:// is not supported for --config; use a file or URL");
  }
  serialize::InputOptions opts = input;
  opts.max_bytes = limits::kMaxConfigBytes;
  AICR_ASSIGN_OR_RETURN(const std::string bytes, serialize::ReadInput(source, opts));
  const bool json = source.size() >= 5 && source.substr(source.size() - 5) == ".json";
  Result<Value> doc = json ? serialize::ParseJson(bytes) : serialize::ParseYaml(bytes);
  if (!doc.ok()) {
    return doc.status().WithContext("config \"" + std::string(source) + "\"");
  }
  Result<AicrConfig> cfg = DecodeConfig(*doc);
  if (!cfg.ok()) {
    return cfg.status().WithContext("config \"" + std::string(source) + "\"");
  }
  return cfg;
}

}  // namespace aicr::client
