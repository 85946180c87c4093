#include "recipe/result.h"

#include <utility>

#include "base/status_macros.h"
#include "recipe/decode.h"
#include "serialize/scalar.h"

namespace aicr::recipe {
namespace {

using serialize::Mapping;
using serialize::Sequence;
using serialize::Value;

void SetIfNotEmpty(Mapping& m, std::string key, const std::string& value) {
  if (!value.empty()) {
    m.Set(std::move(key), Value(value));
  }
}

Value Strings(const std::vector<std::string>& items) {
  Sequence seq;
  seq.reserve(items.size());
  for (const auto& s : items) {
    seq.emplace_back(s);
  }
  return Value(std::move(seq));
}

void SetListIfNotEmpty(Mapping& m, std::string key, const std::vector<std::string>& items) {
  if (!items.empty()) {
    m.Set(std::move(key), Strings(items));
  }
}

// ---- decoding -------------------------------------------------------------------

Status FieldError(std::string_view field, const Status& s) {
  return InvalidRequestError("recipe field " + Quoted(field) + ": " + s.message());
}

Result<std::string> GetString(const Value& m, std::string_view key, std::string_view path) {
  const Value* v = m.Find(key);
  if (v == nullptr || v->is_null()) {
    return std::string();
  }
  if (!v->is_string()) {
    return FieldError(path, InvalidRequestError("expected string, got " +
                                                std::string(serialize::ValueTypeName(v->type()))));
  }
  return *v->if_string();
}

Result<int> GetInt(const Value& m, std::string_view key, std::string_view path) {
  const Value* v = m.Find(key);
  if (v == nullptr || v->is_null()) {
    return 0;
  }
  auto i = v->AsInt();
  if (!i.ok()) {
    return FieldError(path, i.status());
  }
  return static_cast<int>(*i);
}

Result<const Sequence*> GetSequence(const Value& m, std::string_view key, std::string_view path) {
  const Value* v = m.Find(key);
  if (v == nullptr || v->is_null()) {
    return static_cast<const Sequence*>(nullptr);
  }
  if (!v->is_sequence()) {
    return FieldError(path, InvalidRequestError("expected sequence, got " +
                                                std::string(serialize::ValueTypeName(v->type()))));
  }
  return v->if_sequence();
}

Status RequireMapping(const Value& v, std::string_view path) {
  if (!v.is_mapping()) {
    return FieldError(path, InvalidRequestError("expected mapping, got " +
                                                std::string(serialize::ValueTypeName(v.type()))));
  }
  return OkStatus();
}

Result<std::vector<std::string>> GetStrings(const Value& m, std::string_view key,
                                            std::string_view path) {
  AICR_ASSIGN_OR_RETURN(const Sequence* seq, GetSequence(m, key, path));
  std::vector<std::string> out;
  if (seq == nullptr) {
    return out;
  }
  for (const auto& item : *seq) {
    if (!item.is_string()) {
      return FieldError(path,
                        InvalidRequestError("expected string, got " +
                                            std::string(serialize::ValueTypeName(item.type()))));
    }
    out.push_back(*item.if_string());
  }
  return out;
}

Result<Criteria> DecodeResultCriteria(const Value& v) {
  AICR_RETURN_IF_ERROR(RequireMapping(v, "criteria"));
  Criteria c;
  for (Dimension d : kDimensions) {
    std::string key(DimensionName(d));
    AICR_ASSIGN_OR_RETURN(std::string s, GetString(v, key, "criteria." + key));
    c.Get(d) = s.empty() ? std::string(kAny) : s;
  }
  AICR_ASSIGN_OR_RETURN(c.nodes, GetInt(v, "nodes", "criteria.nodes"));
  return c;
}

Result<RecipeResultMetadata> DecodeMetadata(const Value& v) {
  RecipeResultMetadata md;
  if (v.is_null()) {
    return md;
  }
  AICR_RETURN_IF_ERROR(RequireMapping(v, "metadata"));
  AICR_ASSIGN_OR_RETURN(md.version, GetString(v, "version", "metadata.version"));
  AICR_ASSIGN_OR_RETURN(md.applied_overlays,
                        GetStrings(v, "appliedOverlays", "metadata.appliedOverlays"));
  AICR_ASSIGN_OR_RETURN(const Sequence* ex,
                        GetSequence(v, "excludedOverlays", "metadata.excludedOverlays"));
  if (ex != nullptr) {
    for (std::size_t i = 0; i < ex->size(); ++i) {
      std::string p = "metadata.excludedOverlays[" + std::to_string(i) + "]";
      const Value& item = (*ex)[i];
      ExcludedOverlay e;
      if (item.is_string()) {
        e.name = *item.if_string();
      } else if (item.is_mapping()) {
        AICR_ASSIGN_OR_RETURN(e.name, GetString(item, "name", p + ".name"));
        AICR_ASSIGN_OR_RETURN(e.reason, GetString(item, "reason", p + ".reason"));
        if (e.name.empty()) {
          return InvalidRequestError("excluded overlay object requires a non-empty name");
        }
      } else {
        return InvalidRequestError("excluded overlay must be a string or object");
      }
      md.excluded_overlays.push_back(std::move(e));
    }
  }
  AICR_ASSIGN_OR_RETURN(const Sequence* cw,
                        GetSequence(v, "constraintWarnings", "metadata.constraintWarnings"));
  if (cw != nullptr) {
    for (std::size_t i = 0; i < cw->size(); ++i) {
      std::string p = "metadata.constraintWarnings[" + std::to_string(i) + "]";
      const Value& item = (*cw)[i];
      AICR_RETURN_IF_ERROR(RequireMapping(item, p));
      ConstraintWarning w;
      AICR_ASSIGN_OR_RETURN(w.overlay, GetString(item, "overlay", p + ".overlay"));
      AICR_ASSIGN_OR_RETURN(w.constraint, GetString(item, "constraint", p + ".constraint"));
      AICR_ASSIGN_OR_RETURN(w.expected, GetString(item, "expected", p + ".expected"));
      AICR_ASSIGN_OR_RETURN(w.actual, GetString(item, "actual", p + ".actual"));
      AICR_ASSIGN_OR_RETURN(w.reason, GetString(item, "reason", p + ".reason"));
      md.constraint_warnings.push_back(std::move(w));
    }
  }
  AICR_ASSIGN_OR_RETURN(md.gpu_driver_state,
                        GetString(v, "gpuDriverState", "metadata.gpuDriverState"));
  AICR_ASSIGN_OR_RETURN(md.mariadb_operator_state,
                        GetString(v, "mariaDBOperatorState", "metadata.mariaDBOperatorState"));
  if (const Value* sp = v.Find("selectedProfile"); sp != nullptr && !sp->is_null()) {
    std::string p = "metadata.selectedProfile";
    AICR_RETURN_IF_ERROR(RequireMapping(*sp, p));
    SelectedProfile sel;
    AICR_ASSIGN_OR_RETURN(sel.name, GetString(*sp, "name", p + ".name"));
    AICR_ASSIGN_OR_RETURN(sel.value, GetString(*sp, "value", p + ".value"));
    AICR_ASSIGN_OR_RETURN(sel.advertiser, GetString(*sp, "advertiser", p + ".advertiser"));
    if (const Value* op = sp->Find("ownedPaths"); op != nullptr && !op->is_null()) {
      AICR_RETURN_IF_ERROR(RequireMapping(*op, p + ".ownedPaths"));
      for (const auto& [component, paths] : *op->if_mapping()) {
        AICR_ASSIGN_OR_RETURN(sel.owned_paths[component],
                              GetStrings(*op, component, p + ".ownedPaths." + component));
      }
    }
    md.selected_profile = std::move(sel);
  }
  return md;
}

}  // namespace

std::string Quoted(std::string_view s) { return serialize::DoubleQuote(s); }

bool IsSupportedRecipeResultApiVersion(std::string_view api_version) {
  return api_version == kApiV1 || api_version == kApiV1Beta2 || api_version == kApiV1Alpha2 ||
         api_version == kApiV1Alpha3;
}

Value ToValue(const Constraint& c) { return EncodeConstraint(c); }

Value ToValue(const ComponentRef& r) { return EncodeComponentRef(r); }

Value ToValue(const ValidationConfig& v) { return EncodeValidation(v); }

Value ToValue(const Criteria& c) { return EncodeCriteria(c); }

Value ToValue(const ExcludedOverlay& e) {
  Mapping m;
  m.Set("name", Value(e.name));
  SetIfNotEmpty(m, "reason", e.reason);
  return Value(std::move(m));
}

Value ToValue(const ConstraintWarning& w) {
  Mapping m;
  m.Set("overlay", Value(w.overlay));
  m.Set("constraint", Value(w.constraint));
  m.Set("expected", Value(w.expected));
  SetIfNotEmpty(m, "actual", w.actual);
  m.Set("reason", Value(w.reason));
  return Value(std::move(m));
}

Value ToValue(const SelectedProfile& s) {
  Mapping m;
  m.Set("name", Value(s.name));
  m.Set("value", Value(s.value));
  SetIfNotEmpty(m, "advertiser", s.advertiser);
  Mapping owned;
  for (const auto& [component, paths] : s.owned_paths) {
    owned.Set(component, Strings(paths));
  }
  m.Set("ownedPaths", Value(std::move(owned)));
  return Value(std::move(m));
}

Value ToValue(const RecipeResult& r) {
  Mapping out;
  out.Set("kind", Value(r.kind));
  out.Set("apiVersion", Value(r.api_version));

  Mapping md;
  SetIfNotEmpty(md, "version", r.metadata.version);
  SetListIfNotEmpty(md, "appliedOverlays", r.metadata.applied_overlays);
  if (!r.metadata.excluded_overlays.empty()) {
    Sequence seq;
    for (const auto& e : r.metadata.excluded_overlays) {
      seq.push_back(ToValue(e));
    }
    md.Set("excludedOverlays", Value(std::move(seq)));
  }
  if (!r.metadata.constraint_warnings.empty()) {
    Sequence seq;
    for (const auto& w : r.metadata.constraint_warnings) {
      seq.push_back(ToValue(w));
    }
    md.Set("constraintWarnings", Value(std::move(seq)));
  }
  SetIfNotEmpty(md, "gpuDriverState", r.metadata.gpu_driver_state);
  if (r.metadata.selected_profile.has_value()) {
    md.Set("selectedProfile", ToValue(*r.metadata.selected_profile));
  }
  SetIfNotEmpty(md, "mariaDBOperatorState", r.metadata.mariadb_operator_state);
  out.Set("metadata", Value(std::move(md)));

  out.Set("criteria", r.criteria.has_value() ? ToValue(*r.criteria) : Value());
  if (!r.configuration.is_null()) {
    out.Set("configuration", r.configuration);
  }
  if (!r.constraints.empty()) {
    Sequence seq;
    for (const auto& c : r.constraints) {
      seq.push_back(ToValue(c));
    }
    out.Set("constraints", Value(std::move(seq)));
  }
  Sequence refs;
  for (const auto& ref : r.component_refs) {
    refs.push_back(ToValue(ref));
  }
  out.Set("componentRefs", Value(std::move(refs)));
  out.Set("deploymentOrder", Strings(r.deployment_order));
  if (r.validation.has_value()) {
    out.Set("validation", ToValue(*r.validation));
  }
  return Value(std::move(out));
}

Result<RecipeResult> RecipeResultFromValue(const Value& doc) {
  if (!doc.is_mapping()) {
    return InvalidRequestError("recipe must be a mapping, got " +
                               std::string(serialize::ValueTypeName(doc.type())));
  }
  RecipeResult r;
  AICR_ASSIGN_OR_RETURN(std::string kind, GetString(doc, "kind", "kind"));
  if (!kind.empty() && kind != kRecipeResultKind && kind != kLegacyRecipeKind) {
    return InvalidRequestError("recipe has kind " + Quoted(kind) + ", but " +
                               Quoted(kRecipeResultKind) +
                               " is required; an absent kind and the legacy " +
                               Quoted(kLegacyRecipeKind) + " value are accepted and normalized");
  }
  r.kind = std::string(kRecipeResultKind);
  AICR_ASSIGN_OR_RETURN(r.api_version, GetString(doc, "apiVersion", "apiVersion"));
  if (!r.api_version.empty() && !IsSupportedRecipeResultApiVersion(r.api_version)) {
    return InvalidRequestError("RecipeResult apiVersion " + Quoted(r.api_version) +
                               " is not supported");
  }
  if (const Value* md = doc.Find("metadata"); md != nullptr) {
    AICR_ASSIGN_OR_RETURN(r.metadata, DecodeMetadata(*md));
  }
  if (const Value* c = doc.Find("criteria"); c != nullptr && !c->is_null()) {
    AICR_ASSIGN_OR_RETURN(r.criteria, DecodeResultCriteria(*c));
  }
  if (const Value* cfg = doc.Find("configuration"); cfg != nullptr && !cfg->is_null()) {
    AICR_RETURN_IF_ERROR(RequireMapping(*cfg, "configuration"));
    r.configuration = *cfg;
  }
  if (const Value* cs = doc.Find("constraints"); cs != nullptr && !cs->is_null()) {
    AICR_ASSIGN_OR_RETURN(r.constraints, DecodeConstraints(*cs, "constraints", false));
  }
  if (const Value* refs = doc.Find("componentRefs"); refs != nullptr && !refs->is_null()) {
    AICR_ASSIGN_OR_RETURN(r.component_refs, DecodeComponentRefs(*refs, "componentRefs", false));
  }
  AICR_ASSIGN_OR_RETURN(r.deployment_order, GetStrings(doc, "deploymentOrder", "deploymentOrder"));
  if (const Value* v = doc.Find("validation"); v != nullptr && !v->is_null()) {
    AICR_ASSIGN_OR_RETURN(r.validation, DecodeValidationConfig(*v, "validation", false));
  }
  return r;
}

}  // namespace aicr::recipe
