#include "recipe/coverage.h"

#include <algorithm>
#include <set>

#include "recipe/store.h"

namespace aicr::recipe {
namespace {

using serialize::Mapping;
using serialize::Sequence;
using serialize::Value;

constexpr std::string_view kBaseName = "base";

// The only strict dimension (see the joint-sufficiency rule).
bool IsStrict(Dimension d) { return d == Dimension::kOs; }

bool IsSpecified(std::string_view v) { return !IsAny(v); }

// The overlay and its ancestors (leaf first), stopping at base, a missing name or a
// repeat.
std::vector<std::string> ChainNames(const OverlayIndex& index, const RecipeMetadata& overlay) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  const RecipeMetadata* cur = &overlay;
  while (cur != nullptr && seen.insert(cur->name).second) {
    names.push_back(cur->name);
    const std::string& parent = cur->spec.base;
    if (parent.empty() || parent == kBaseName) {
      break;
    }
    cur = index.Find(parent);
  }
  return names;
}

bool CarriesAllStated(const Criteria& query, const Criteria& overlay) {
  for (Dimension d : kDimensions) {
    const std::string& want = query.Get(d);
    if (IsSpecified(want) && overlay.Get(d) != want) {
      return false;
    }
  }
  return true;
}

// The constraint-excluded overlays that would have provided `want` for `dim`.
std::vector<std::string> ExcludedOverlaysProviding(const OverlayIndex& index, Dimension dim,
                                                   std::string_view want,
                                                   const std::vector<ExcludedOverlay>& excluded) {
  std::vector<std::string> names;
  for (const auto& ex : excluded) {
    const RecipeMetadata* meta = index.Find(ex.name);
    if (meta == nullptr || !meta->spec.criteria.has_value()) {
      continue;
    }
    if (meta->spec.criteria->Get(dim) == want) {
      names.push_back(ex.name);
    }
  }
  return names;
}

std::string JoinStrings(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out += sep;
    }
    out += items[i];
  }
  return out;
}

// Every tuple holds exactly one entry and all share one key: that key and the
// sorted values.
bool SameDimensionSingletons(const std::vector<CompletionTuple>& tuples, std::string* key,
                             std::vector<std::string>* values) {
  key->clear();
  values->clear();
  for (const auto& t : tuples) {
    if (t.size() != 1) {
      return false;
    }
    const auto& [k, v] = *t.begin();
    if (key->empty()) {
      *key = k;
    }
    if (k != *key) {
      return false;
    }
    values->push_back(v);
  }
  std::sort(values->begin(), values->end());
  return true;
}

std::string CompletionClause(const Criteria& query, std::string_view dim, std::string_view want,
                             const std::vector<CompletionTuple>& tuples,
                             const std::vector<std::string>& excluded_providers) {
  const std::string stated = query.ToString();
  const std::string d(dim);
  const std::string w(want);
  // Overlays that would have provided the value but failed their constraints: the
  // completions below are alternatives, the exclusion is the cause.
  const std::string excluded_note =
      excluded_providers.empty()
          ? std::string()
          : " (" + JoinStrings(excluded_providers, ", ") +
                " would provide it but failed constraints; see excludedOverlays)";
  if (tuples.empty()) {
    if (!excluded_providers.empty()) {
      return d + " '" + w + "' for " + stated +
             " is provided only by overlays excluded by failing constraints (see "
             "excludedOverlays)";
    }
    return "no recipe provides " + d + " '" + w + "' for " + stated;
  }
  std::string key;
  std::vector<std::string> values;
  if (SameDimensionSingletons(tuples, &key, &values)) {
    return d + " '" + w + "' for " + stated + " requires " + key +
           " (valid: " + JoinStrings(values, ", ") + ")" + excluded_note;
  }
  std::vector<std::string> rendered;
  for (const auto& t : tuples) {
    rendered.push_back("(" + TupleKey(t) + ")");
  }
  return d + " '" + w +
         "' requires additional criteria; supported combinations: " + JoinStrings(rendered, ", ") +
         excluded_note;
}

bool IsProperSubset(const CompletionTuple& sub, const CompletionTuple& super) {
  if (sub.size() >= super.size()) {
    return false;
  }
  for (const auto& [k, v] : sub) {
    auto it = super.find(k);
    if (it == super.end() || it->second != v) {
      return false;
    }
  }
  return true;
}

Value StringsValue(const std::vector<std::string>& items) {
  Sequence seq;
  for (const auto& s : items) {
    seq.emplace_back(s);
  }
  return Value(std::move(seq));
}

}  // namespace

// ---- OverlayIndex -------------------------------------------------------------------

OverlayIndex::OverlayIndex(const RecipeMetadata& base,
                           const std::map<std::string, RecipeMetadata>& overlays)
    : base_(&base), overlays_(&overlays) {}

OverlayIndex::OverlayIndex(const Store& store) : OverlayIndex(store.base(), store.overlays()) {}

const RecipeMetadata* OverlayIndex::Find(std::string_view name) const {
  if (name.empty() || name == kBaseName) {
    return base_;
  }
  auto it = overlays_->find(std::string(name));
  return it == overlays_->end() ? nullptr : &it->second;
}

Result<std::vector<const RecipeMetadata*>> OverlayIndex::Chain(std::string_view name) const {
  std::vector<const RecipeMetadata*> chain;
  std::set<std::string> visited;
  std::string current(name);
  while (!current.empty() && current != kBaseName) {
    if (!visited.insert(current).second) {
      return InvalidRequestError("circular inheritance detected: recipe " + Quoted(current) +
                                 " references itself in inheritance chain");
    }
    const RecipeMetadata* meta = Find(current);
    if (meta == nullptr) {
      return NotFoundError("recipe " + Quoted(current) +
                           " not found (referenced in inheritance chain)");
    }
    chain.push_back(meta);
    current = meta->spec.base;
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

std::vector<const RecipeMetadata*> OverlayIndex::FindMatchingOverlays(const Criteria& query) const {
  std::vector<const RecipeMetadata*> matches;
  for (const auto& [name, overlay] : *overlays_) {
    if (overlay.spec.criteria.has_value() && Matches(*overlay.spec.criteria, query)) {
      matches.push_back(&overlay);
    }
  }
  std::set<std::string> ancestors;
  for (const RecipeMetadata* m : matches) {
    std::set<std::string> visited;
    std::string parent = m->spec.base;
    while (!parent.empty() && parent != kBaseName) {
      if (!visited.insert(parent).second) {
        break;
      }
      ancestors.insert(parent);
      const RecipeMetadata* p = Find(parent);
      if (p == nullptr) {
        break;
      }
      parent = p->spec.base;
    }
  }
  std::vector<const RecipeMetadata*> leaves;
  for (const RecipeMetadata* m : matches) {
    if (ancestors.count(m->name) == 0) {
      leaves.push_back(m);
    }
  }
  std::stable_sort(leaves.begin(), leaves.end(),
                   [](const RecipeMetadata* a, const RecipeMetadata* b) {
                     const int sa = a->spec.criteria->Specificity();
                     const int sb = b->spec.criteria->Specificity();
                     if (sa != sb) {
                       return sa < sb;
                     }
                     return a->name < b->name;
                   });
  return leaves;
}

// ---- coverage -----------------------------------------------------------------------

Value ResolutionErrorDetails::ToValue() const {
  Mapping m;
  if (!uncovered.empty()) {
    Sequence seq;
    for (const auto& u : uncovered) {
      Mapping e;
      e.Set("dimension", Value(u.dimension));
      e.Set("requestedValue", Value(u.requested_value));
      Sequence completions;
      for (const auto& t : u.valid_completions) {
        Mapping tm;
        for (const auto& [k, v] : t) {
          tm.Set(k, Value(v));
        }
        completions.emplace_back(std::move(tm));
      }
      e.Set("validCompletions", Value(std::move(completions)));
      e.Set("constraintExcluded", Value(u.constraint_excluded));
      seq.emplace_back(std::move(e));
    }
    m.Set("uncovered", Value(std::move(seq)));
  }
  if (!strict_dimensions.empty()) {
    Sequence seq;
    for (const auto& g : strict_dimensions) {
      Mapping e;
      e.Set("dimension", Value(g.dimension));
      e.Set("validValues", StringsValue(g.valid_values));
      seq.emplace_back(std::move(e));
    }
    m.Set("strictDimensions", Value(std::move(seq)));
  }
  if (!excluded_overlays.empty()) {
    Sequence seq;
    for (const auto& e : excluded_overlays) {
      seq.push_back(recipe::ToValue(e));
    }
    m.Set("excludedOverlays", Value(std::move(seq)));
  }
  if (!constraint_warnings.empty()) {
    Sequence seq;
    for (const auto& w : constraint_warnings) {
      seq.push_back(recipe::ToValue(w));
    }
    m.Set("constraintWarnings", Value(std::move(seq)));
  }
  return Value(std::move(m));
}

std::vector<std::string> CoverageDimensionNames() {
  std::vector<std::string> names;
  for (Dimension d : kDimensions) {
    names.emplace_back(DimensionName(d));
  }
  return names;
}

std::vector<std::string> UncoveredDimensions(const OverlayIndex& index, const Criteria& query,
                                             const std::vector<std::string>& applied) {
  std::vector<std::string> uncovered;
  for (Dimension d : kDimensions) {
    const std::string& want = query.Get(d);
    if (!IsSpecified(want)) {
      continue;
    }
    bool covered = false;
    for (const auto& name : applied) {
      const RecipeMetadata* meta = index.Find(name);
      if (meta == nullptr || !meta->spec.criteria.has_value()) {
        continue;
      }
      if (meta->spec.criteria->Get(d) == want) {
        covered = true;
        break;
      }
    }
    if (!covered) {
      uncovered.emplace_back(DimensionName(d));
    }
  }
  return uncovered;
}

std::string TupleKey(const CompletionTuple& tuple) {
  std::vector<std::string> parts;
  for (Dimension d : kDimensions) {
    auto it = tuple.find(std::string(DimensionName(d)));
    if (it != tuple.end()) {
      parts.push_back(it->first + "=" + it->second);
    }
  }
  return JoinStrings(parts, ", ");
}

std::vector<CompletionTuple> MinimalTuples(const std::vector<CompletionTuple>& in) {
  std::map<std::string, CompletionTuple> unique;
  for (const auto& t : in) {
    if (t.empty()) {
      continue;
    }
    unique.emplace(TupleKey(t), t);
  }
  std::vector<CompletionTuple> out;
  for (const auto& [key, t] : unique) {
    bool minimal = true;
    for (const auto& [other_key, u] : unique) {
      if (other_key != key && IsProperSubset(u, t)) {
        minimal = false;
        break;
      }
    }
    if (minimal) {
      out.push_back(t);
    }
  }
  std::sort(out.begin(), out.end(), [](const CompletionTuple& a, const CompletionTuple& b) {
    if (a.size() != b.size()) {
      return a.size() < b.size();
    }
    return TupleKey(a) < TupleKey(b);
  });
  return out;
}

std::vector<CompletionTuple> CompletionTuplesFor(const OverlayIndex& index, const Criteria& query,
                                                 Dimension dim, std::string_view want) {
  std::vector<CompletionTuple> candidates;
  for (const auto& [name, overlay] : index.overlays()) {
    if (!overlay.spec.criteria.has_value()) {
      continue;
    }
    const Criteria& oc = *overlay.spec.criteria;
    if (oc.Get(dim) != want) {
      continue;
    }
    CompletionTuple tuple;
    bool conflict = false;
    for (Dimension d : kDimensions) {
      if (d == dim) {
        continue;
      }
      const std::string& ov = oc.Get(d);
      if (!IsSpecified(ov)) {
        continue;
      }
      const std::string& qv = query.Get(d);
      if (IsSpecified(qv)) {
        if (qv != ov) {
          conflict = true;
          break;
        }
        continue;
      }
      tuple[std::string(DimensionName(d))] = ov;
    }
    if (!conflict) {
      candidates.push_back(std::move(tuple));
    }
  }
  return MinimalTuples(candidates);
}

std::vector<StrictDimensionGap> StrictDimensionGaps(const OverlayIndex& index,
                                                    const Criteria& query,
                                                    const std::vector<std::string>& applied) {
  for (const auto& name : applied) {
    const RecipeMetadata* meta = index.Find(name);
    if (meta == nullptr || !meta->spec.criteria.has_value()) {
      continue;
    }
    if (CarriesAllStated(query, *meta->spec.criteria)) {
      return {};
    }
  }
  const std::set<std::string> applied_set(applied.begin(), applied.end());
  std::vector<StrictDimensionGap> gaps;
  for (Dimension d : kDimensions) {
    if (!IsStrict(d) || IsSpecified(query.Get(d))) {
      continue;
    }
    std::set<std::string> declared;
    for (const auto& [name, overlay] : index.overlays()) {
      if (!overlay.spec.criteria.has_value()) {
        continue;
      }
      const std::string& v = overlay.spec.criteria->Get(d);
      if (IsSpecified(v)) {
        declared.insert(v);
      }
    }
    std::vector<std::string> reachable;
    for (const auto& value : declared) {
      Criteria probe = query;
      probe.Get(d) = value;
      bool reaches = false;
      for (const RecipeMetadata* match : index.FindMatchingOverlays(probe)) {
        for (const auto& n : ChainNames(index, *match)) {
          if (applied_set.count(n) == 0) {
            reaches = true;
            break;
          }
        }
        if (reaches) {
          break;
        }
      }
      if (reaches) {
        reachable.push_back(value);
      }
    }
    if (!reachable.empty()) {
      gaps.push_back(StrictDimensionGap{std::string(DimensionName(d)), std::move(reachable)});
    }
  }
  return gaps;
}

Status VerifyCriteriaCoverage(const OverlayIndex& index, const Criteria& query,
                              const std::vector<std::string>& applied,
                              const std::vector<ExcludedOverlay>& excluded,
                              const std::vector<ConstraintWarning>& warnings,
                              ResolutionErrorDetails* details) {
  const std::vector<std::string> uncovered = UncoveredDimensions(index, query, applied);
  ResolutionErrorDetails ctx;
  ctx.excluded_overlays = excluded;
  ctx.constraint_warnings = warnings;
  if (uncovered.empty()) {
    std::vector<StrictDimensionGap> gaps = StrictDimensionGaps(index, query, applied);
    if (gaps.empty()) {
      return OkStatus();
    }
    std::vector<std::string> clauses;
    for (const auto& g : gaps) {
      clauses.push_back(g.dimension + " (valid: " + JoinStrings(g.valid_values, ", ") + ")");
    }
    ctx.strict_dimensions = std::move(gaps);
    if (details != nullptr) {
      *details = std::move(ctx);
    }
    return InvalidRequestError(query.ToString() +
                               " has no recipe covering that combination; specify " +
                               JoinStrings(clauses, ", "));
  }
  std::vector<std::string> clauses;
  for (const auto& dim_name : uncovered) {
    Dimension dim = Dimension::kService;
    for (Dimension d : kDimensions) {
      if (DimensionName(d) == dim_name) {
        dim = d;
      }
    }
    const std::string& want = query.Get(dim);
    std::vector<CompletionTuple> tuples = CompletionTuplesFor(index, query, dim, want);
    const std::vector<std::string> excluded_providers =
        ExcludedOverlaysProviding(index, dim, want, excluded);
    const bool constraint_excluded = !excluded_providers.empty();
    clauses.push_back(CompletionClause(query, dim_name, want, tuples, excluded_providers));
    ctx.uncovered.push_back(
        UncoveredDimension{dim_name, want, std::move(tuples), constraint_excluded});
  }
  if (details != nullptr) {
    *details = std::move(ctx);
  }
  return InvalidRequestError(JoinStrings(clauses, "; "));
}

}  // namespace aicr::recipe
