#include "recipe/profile.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "base/status_macros.h"
#include "recipe/decode.h"
#include "recipe/merge.h"
#include "recipe/resolver.h"

namespace aicr::recipe {
namespace {

using serialize::Value;

bool ValidIdentifier(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

std::string GoList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out += " ";
    }
    out += items[i];
  }
  return out + "]";
}

// ---- version ranges -------------------------------------------------------------------

struct Bound {
  std::string op;    // ">=", ">", "<=", "<"
  std::string text;  // the version as written
  std::vector<long long> parts;
  bool from_existing = false;
};

struct Range {
  std::optional<Bound> lower;
  std::optional<Bound> upper;
};

bool ParseVersion(std::string_view text, std::vector<long long>* parts) {
  std::string_view v = text;
  if (!v.empty() && (v.front() == 'v' || v.front() == 'V')) {
    v.remove_prefix(1);
  }
  if (v.empty()) {
    return false;
  }
  parts->clear();
  std::size_t start = 0;
  while (start <= v.size()) {
    const std::size_t dot = v.find('.', start);
    std::string_view seg = v.substr(start, dot == std::string_view::npos ? v.npos : dot - start);
    if (seg.empty() || seg.size() > 15) {
      return false;
    }
    long long n = 0;
    for (char c : seg) {
      if (c < '0' || c > '9') {
        return false;
      }
      n = n * 10 + (c - '0');
    }
    parts->push_back(n);
    if (dot == std::string_view::npos) {
      break;
    }
    start = dot + 1;
  }
  return true;
}

// A version range: one or two bounds, each an operator and a version, optionally
// separated by spaces (`>= 1.34`, `>=1.34 <1.36`).
std::optional<Range> ParseRange(std::string_view expr) {
  Range r;
  std::size_t i = 0;
  auto skip_ws = [&] {
    while (i < expr.size() && std::isspace(static_cast<unsigned char>(expr[i]))) {
      ++i;
    }
  };
  skip_ws();
  if (i == expr.size()) {
    return std::nullopt;
  }
  while (i < expr.size()) {
    Bound b;
    if (expr.compare(i, 2, ">=") == 0 || expr.compare(i, 2, "<=") == 0) {
      b.op = std::string(expr.substr(i, 2));
      i += 2;
    } else if (expr[i] == '>' || expr[i] == '<') {
      b.op = std::string(1, expr[i]);
      i += 1;
    } else {
      return std::nullopt;
    }
    skip_ws();
    const std::size_t start = i;
    while (i < expr.size() && !std::isspace(static_cast<unsigned char>(expr[i])) &&
           expr[i] != '<' && expr[i] != '>') {
      ++i;
    }
    b.text = std::string(expr.substr(start, i - start));
    if (!ParseVersion(b.text, &b.parts)) {
      return std::nullopt;
    }
    std::optional<Bound>& slot = b.op[0] == '>' ? r.lower : r.upper;
    if (slot.has_value()) {
      return std::nullopt;
    }
    slot = std::move(b);
    skip_ws();
  }
  return r;
}

// Compares at the lower precision; `*precision_differs` when the lengths differ.
int CompareVersions(const std::vector<long long>& a, const std::vector<long long>& b,
                    bool* precision_differs) {
  const std::size_t n = std::min(a.size(), b.size());
  *precision_differs = a.size() != b.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) {
      return a[i] < b[i] ? -1 : 1;
    }
  }
  return 0;
}

enum class Tighten { kNarrowed, kUnchanged, kUnsatisfiable, kPrecisionMismatch, kIncomparable };

// The stricter of two same-direction bounds (ties prefer `a`, the existing bound).
Tighten Stricter(const Bound& a, const Bound& b, bool lower, Bound* out) {
  bool precision_differs = false;
  const int cmp = CompareVersions(a.parts, b.parts, &precision_differs);
  if (cmp == 0 && precision_differs) {
    return Tighten::kPrecisionMismatch;
  }
  if (cmp == 0) {
    const bool a_exclusive = a.op.size() == 1;
    const bool b_exclusive = b.op.size() == 1;
    *out = (b_exclusive && !a_exclusive) ? b : a;
    return Tighten::kNarrowed;
  }
  const bool a_wins = lower ? cmp > 0 : cmp < 0;
  *out = a_wins ? a : b;
  return Tighten::kNarrowed;
}

Tighten TightenRanges(std::string_view existing, std::string_view candidate, std::string* out) {
  if (existing == candidate) {
    *out = std::string(existing);
    return Tighten::kUnchanged;
  }
  std::optional<Range> e = ParseRange(existing);
  std::optional<Range> c = ParseRange(candidate);
  if (!e || !c) {
    return Tighten::kIncomparable;
  }
  if (e->lower) {
    e->lower->from_existing = true;
  }
  if (e->upper) {
    e->upper->from_existing = true;
  }
  Range r;
  for (int side = 0; side < 2; ++side) {
    const bool lower = side == 0;
    const std::optional<Bound>& eb = lower ? e->lower : e->upper;
    const std::optional<Bound>& cb = lower ? c->lower : c->upper;
    std::optional<Bound>& rb = lower ? r.lower : r.upper;
    if (eb && cb) {
      Bound chosen;
      const Tighten t = Stricter(*eb, *cb, lower, &chosen);
      if (t != Tighten::kNarrowed) {
        return t;
      }
      rb = std::move(chosen);
    } else if (eb) {
      rb = eb;
    } else if (cb) {
      rb = cb;
    }
  }
  if (r.lower && r.upper) {
    bool precision_differs = false;
    const int cmp = CompareVersions(r.lower->parts, r.upper->parts, &precision_differs);
    if (cmp > 0 || (cmp == 0 && (r.lower->op.size() == 1 || r.upper->op.size() == 1))) {
      return Tighten::kUnsatisfiable;
    }
  }
  const bool unchanged =
      (!r.lower || r.lower->from_existing) && (!r.upper || r.upper->from_existing);
  if (unchanged) {
    *out = std::string(existing);
    return Tighten::kUnchanged;
  }
  std::string rendered;
  if (r.lower) {
    rendered = r.lower->op + " " + r.lower->text;
  }
  if (r.upper) {
    if (!rendered.empty()) {
      rendered += " ";
    }
    rendered += r.upper->op + " " + r.upper->text;
  }
  *out = std::move(rendered);
  return Tighten::kNarrowed;
}

}  // namespace

Result<std::optional<ProfileSelection>> ParseProfileSelection(std::string_view raw) {
  if (raw.empty()) {
    return std::optional<ProfileSelection>();
  }
  const bool padded = std::isspace(static_cast<unsigned char>(raw.front())) ||
                      std::isspace(static_cast<unsigned char>(raw.back()));
  if (padded || std::count(raw.begin(), raw.end(), '=') != 1) {
    return InvalidRequestError("profile must use the exact name=value form");
  }
  const std::size_t eq = raw.find('=');
  ProfileSelection sel{std::string(raw.substr(0, eq)), std::string(raw.substr(eq + 1))};
  if (!ValidIdentifier(sel.name) || !ValidIdentifier(sel.value)) {
    return InvalidRequestError("profile name and value must match [A-Za-z0-9._-]+");
  }
  return std::optional<ProfileSelection>(std::move(sel));
}

Result<std::optional<EffectiveProfile>> ResolveProfileDeclaration(
    const OverlayIndex& index, const std::vector<const RecipeMetadata*>& candidates) {
  std::map<std::string, const ProfileDeclaration*> found;
  if (index.base().spec.profile.has_value()) {
    found["base"] = &*index.base().spec.profile;
  }
  for (const RecipeMetadata* candidate : candidates) {
    auto chain = index.Chain(candidate->name);
    if (!chain.ok()) {
      return Status(chain.status().code(), "failed to resolve profile declaration for overlay " +
                                               Quoted(candidate->name) + ": " +
                                               chain.status().message());
    }
    for (const RecipeMetadata* member : *chain) {
      if (member->spec.profile.has_value()) {
        found[member->name.empty() ? "base" : member->name] = &*member->spec.profile;
      }
    }
  }
  if (found.empty()) {
    return std::optional<EffectiveProfile>();
  }
  if (found.size() > 1) {
    std::vector<std::string> sources;
    for (const auto& [source, decl] : found) {
      sources.push_back(source);
    }
    return InvalidRequestError("resolved composition has multiple profile declarations from " +
                               GoList(sources));
  }
  return std::optional<EffectiveProfile>(
      EffectiveProfile{found.begin()->first, *found.begin()->second});
}

Result<Constraint> TightenProfileConstraint(std::string_view profile, std::string_view value,
                                            const Constraint& existing,
                                            const Constraint& candidate) {
  std::string tightened;
  const std::string p = Quoted(profile);
  const std::string v = Quoted(value);
  switch (TightenRanges(existing.value, candidate.value, &tightened)) {
    case Tighten::kNarrowed: {
      Constraint merged = existing;
      merged.value = tightened;
      if (!candidate.remediation.empty()) {
        merged.remediation = candidate.remediation;
      }
      if (!candidate.severity.empty()) {
        merged.severity = candidate.severity;
      }
      if (!candidate.unit.empty()) {
        merged.unit = candidate.unit;
      }
      return merged;
    }
    case Tighten::kUnchanged:
      return existing;
    case Tighten::kUnsatisfiable:
      return InvalidRequestError("profile " + p + " value " + v + " constraint " +
                                 Quoted(candidate.name) + " requires " + Quoted(candidate.value) +
                                 ", which no version can satisfy alongside the composed "
                                 "recipe's " +
                                 Quoted(existing.value));
    case Tighten::kPrecisionMismatch:
      return InvalidRequestError(
          "profile " + p + " value " + v + " constraint " + Quoted(candidate.name) + " states " +
          Quoted(candidate.value) + " against the composed recipe's " + Quoted(existing.value) +
          "; same-direction bounds written at different precisions cannot be ordered (versions "
          "compare at the lower precision, so 1.34 and 1.34.1 read as equal). Restate one of "
          "them at the other's precision");
    case Tighten::kIncomparable:
      break;
  }
  return InvalidRequestError(
      "profile " + p + " value " + v + " constraint " + Quoted(candidate.name) +
      " collides with the composed recipe: " + Quoted(candidate.value) + " and " +
      Quoted(existing.value) + " are not both version ranges, so there is no intersection to take");
}

Result<std::optional<SelectedProfile>> ApplyEffectiveProfile(
    RecipeMetadataSpec& spec, const std::optional<EffectiveProfile>& effective,
    std::string_view raw_selection, const ConstraintEvaluator* evaluator) {
  AICR_ASSIGN_OR_RETURN(std::optional<ProfileSelection> selection,
                        ParseProfileSelection(raw_selection));
  if (!effective.has_value()) {
    if (selection.has_value()) {
      return InvalidRequestError("profile " + Quoted(selection->name) +
                                 " was selected, but the resolved composition declares no "
                                 "profile");
    }
    return std::optional<SelectedProfile>();
  }
  const ProfileDeclaration& decl = effective->declaration;
  AICR_ASSIGN_OR_RETURN(auto owned, ValidateProfileDeclaration(decl));
  std::string value_name = decl.default_value;
  if (selection.has_value()) {
    if (selection->name != decl.name) {
      return InvalidRequestError("resolved composition declares profile " + Quoted(decl.name) +
                                 ", not " + Quoted(selection->name));
    }
    value_name = selection->value;
  }
  const ProfileValue* value = nullptr;
  std::vector<std::string> names;
  for (const auto& [name, v] : decl.values) {
    names.push_back(name);
    if (name == value_name) {
      value = &v;
    }
  }
  if (value == nullptr) {
    std::sort(names.begin(), names.end());
    return InvalidRequestError("profile " + Quoted(decl.name) + " has no value " +
                               Quoted(value_name) + "; valid values: " + GoList(names));
  }

  std::map<std::string, std::size_t> component_index;
  for (std::size_t i = 0; i < spec.component_refs.size(); ++i) {
    component_index[spec.component_refs[i].name] = i;
  }
  for (const auto& [component, paths] : owned) {
    auto it = component_index.find(component);
    if (it == component_index.end() || !spec.component_refs[it->second].IsEnabled()) {
      return InvalidRequestError("profile " + Quoted(decl.name) + " references component " +
                                 Quoted(component) +
                                 ", which is not enabled in the surviving composition");
    }
  }

  for (const auto& declared : value->constraints) {
    auto existing = std::find_if(spec.constraints.begin(), spec.constraints.end(),
                                 [&](const Constraint& c) { return c.name == declared.name; });
    Constraint constraint = declared;
    if (existing != spec.constraints.end()) {
      AICR_ASSIGN_OR_RETURN(constraint,
                            TightenProfileConstraint(decl.name, value_name, *existing, declared));
    }
    if (evaluator != nullptr) {
      auto outcome = evaluator->Evaluate(constraint);
      const std::string selected = decl.name + "=" + value_name;
      if (!outcome.ok()) {
        if (outcome.status().code() == ErrorCode::kNotFound) {
          return InvalidRequestError("profile " + selected +
                                     " cannot be validated because reading " +
                                     Quoted(constraint.name) + " is unavailable");
        }
        return Status(outcome.status().code(), "failed to evaluate profile constraint " +
                                                   Quoted(constraint.name) + ": " +
                                                   outcome.status().message());
      }
      if (!outcome->passed) {
        return InvalidRequestError("profile " + selected + " constraint " +
                                   Quoted(constraint.name) + " failed");
      }
    }
    if (existing != spec.constraints.end()) {
      *existing = std::move(constraint);
    } else {
      spec.constraints.push_back(std::move(constraint));
    }
  }
  std::stable_sort(spec.constraints.begin(), spec.constraints.end(),
                   [](const Constraint& a, const Constraint& b) { return a.name < b.name; });

  if (!value->readiness_constraints.empty()) {
    if (!spec.validation.has_value()) {
      spec.validation = ValidationConfig{};
    }
    if (!spec.validation->readiness.has_value()) {
      spec.validation->readiness = ValidationPhase{};
    }
    ValidationPhase& readiness = *spec.validation->readiness;
    if (!readiness.constraints.has_value()) {
      readiness.constraints = std::vector<Constraint>{};
    }
    std::set<std::string> names_in_use;
    for (const auto& c : *readiness.constraints) {
      names_in_use.insert(c.name);
    }
    for (const auto& c : value->readiness_constraints) {
      if (!names_in_use.insert(c.name).second) {
        return InvalidRequestError("profile " + Quoted(decl.name) + " value " + Quoted(value_name) +
                                   " readiness constraint " + Quoted(c.name) +
                                   " collides with the composed recipe's readiness constraints");
      }
      readiness.constraints->push_back(c);
    }
  }

  for (const auto& fragment : value->component_refs) {
    ComponentRef& ref = spec.component_refs[component_index.at(fragment.name)];
    DeepMergeMap(ref.overrides, fragment.overrides);
    if (!ref.overrides.is_mapping()) {
      ref.overrides = Value::EmptyMapping();
    }
  }

  return std::optional<SelectedProfile>(
      SelectedProfile{decl.name, value_name, value->advertiser, std::move(owned)});
}

}  // namespace aicr::recipe
