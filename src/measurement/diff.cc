#include "measurement/diff.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <ostream>
#include <set>
#include <utility>

#include "base/strings.h"

namespace aicr::measurement {
namespace {

constexpr std::string_view kTopologyType = "NodeTopology";
constexpr std::string_view kTopologySummary = "summary";

// The NodeTopology subtypes that carry folded data beside items, with the
// summary key that counts them.
constexpr std::pair<std::string_view, std::string_view> kTopologyCounted[] = {
    {"label", "label-count"},
    {"taint", "taint-count"},
};

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

class Differ {
 public:
  std::vector<Change> Take() { return std::move(changes_); }

  void Add(std::string path, std::optional<std::string> baseline,
           std::optional<std::string> target) {
    if (baseline == target) {
      return;  // equal text (or absent on both sides): no change
    }
    ChangeKind kind = ChangeKind::kModified;
    if (!baseline.has_value()) {
      kind = ChangeKind::kAdded;
    } else if (!target.has_value()) {
      kind = ChangeKind::kRemoved;
    }
    changes_.push_back(Change{kind, std::move(path), std::move(baseline), std::move(target)});
  }

  // Readings under `prefix`; a null map stands for an absent side.
  void Readings(std::string_view prefix, const std::map<std::string, Reading>* base,
                const std::map<std::string, Reading>* target) {
    for (const std::string& key : Keys(base, target)) {
      Add(DataKeyPath(prefix, key), Text(base, key), Text(target, key));
    }
  }

  // Context entries under `prefix` (`….context`); keys are not quoted.
  void Strings(std::string_view prefix, const std::map<std::string, std::string>* base,
               const std::map<std::string, std::string>* target) {
    for (const std::string& key : Keys(base, target)) {
      Add(std::string(prefix) + "." + key, Text(base, key), Text(target, key));
    }
  }

  void Item(const std::string& prefix, const measurement::Item* base,
            const measurement::Item* target) {
    Strings(prefix + ".context", base ? &base->context : nullptr,
            target ? &target->context : nullptr);
    Readings(prefix + ".data", base ? &base->data : nullptr, target ? &target->data : nullptr);
  }

  // Items by position, with a length change when the counts differ. An absent
  // side (null) counts as no items.
  void Items(const std::string& prefix, const std::vector<measurement::Item>* base,
             const std::vector<measurement::Item>* target) {
    const std::size_t nb = base ? base->size() : 0;
    const std::size_t nt = target ? target->size() : 0;
    if (nb != nt) {
      // Both subtypes present: the counts, zero included; one side absent: only
      // that side's count is missing.
      Add(prefix + ".items.length",
          base ? std::optional<std::string>(std::to_string(nb)) : std::nullopt,
          target ? std::optional<std::string>(std::to_string(nt)) : std::nullopt);
    }
    const std::size_t n = std::max(nb, nt);
    for (std::size_t i = 0; i < n; ++i) {
      Item(prefix + ".items[" + std::to_string(i) + "]", i < nb ? &(*base)[i] : nullptr,
           i < nt ? &(*target)[i] : nullptr);
    }
  }

  void SubtypePair(const std::string& type, const Subtype* base, const Subtype* target) {
    const std::string prefix = type + "." + (base ? base->name : target->name);
    Readings(prefix, base ? &base->data : nullptr, target ? &target->data : nullptr);
    Strings(prefix + ".context", base ? &base->context : nullptr,
            target ? &target->context : nullptr);
    Items(prefix, base ? &base->items : nullptr, target ? &target->items : nullptr);
  }

  void MeasurementPair(const Measurement* base, const Measurement* target) {
    const std::string& type = base ? base->type : target->type;
    std::map<std::string, std::pair<const Subtype*, const Subtype*>> by_name;
    if (base != nullptr) {
      for (const Subtype& st : base->subtypes) {
        auto& slot = by_name[st.name].first;
        if (slot == nullptr) {
          slot = &st;
        }
      }
    }
    if (target != nullptr) {
      for (const Subtype& st : target->subtypes) {
        auto& slot = by_name[st.name].second;
        if (slot == nullptr) {
          slot = &st;
        }
      }
    }
    for (const auto& [name, pair] : by_name) {
      SubtypePair(type, pair.first, pair.second);
    }
  }

 private:
  template <typename V>
  static std::set<std::string> Keys(const std::map<std::string, V>* a,
                                    const std::map<std::string, V>* b) {
    std::set<std::string> keys;
    for (const auto* m : {a, b}) {
      if (m != nullptr) {
        for (const auto& [k, v] : *m) {
          keys.insert(k);
        }
      }
    }
    return keys;
  }

  static std::optional<std::string> Text(const std::map<std::string, Reading>* m,
                                         const std::string& key) {
    if (m == nullptr) {
      return std::nullopt;
    }
    auto it = m->find(key);
    if (it == m->end()) {
      return std::nullopt;
    }
    return it->second.String();
  }

  static std::optional<std::string> Text(const std::map<std::string, std::string>* m,
                                         const std::string& key) {
    if (m == nullptr) {
      return std::nullopt;
    }
    auto it = m->find(key);
    if (it == m->end()) {
      return std::nullopt;
    }
    return it->second;
  }

  std::vector<Change> changes_;
};

Subtype* FindMutableSubtype(Measurement& m, std::string_view name) {
  for (Subtype& st : m.subtypes) {
    if (st.name == name) {
      return &st;
    }
  }
  return nullptr;
}

// Reduces two NodeTopology measurements to the encoding both carry (see
// DiffSnapshots). Both are copies owned by the caller.
void AlignTopology(Measurement& base, Measurement& target) {
  for (const auto& [subtype, count_key] : kTopologyCounted) {
    Subtype* b = FindMutableSubtype(base, subtype);
    Subtype* t = FindMutableSubtype(target, subtype);
    if (b == nullptr || t == nullptr) {
      continue;
    }
    const bool base_items = !b->items.empty();
    const bool target_items = !t->items.empty();
    if (base_items && target_items) {
      // Items are lossless and stable; the folded map adds nothing.
      b->data.clear();
      t->data.clear();
      continue;
    }
    if (base_items == target_items) {
      continue;  // Neither has items: one encoding, nothing to reconcile.
    }
    for (auto [m, st] : {std::pair{&base, b}, std::pair{&target, t}}) {
      st->items.clear();
      Subtype* summary = FindMutableSubtype(*m, kTopologySummary);
      if (summary == nullptr) {
        continue;
      }
      auto it = summary->data.find(std::string(count_key));
      if (it != summary->data.end()) {
        it->second = Reading::Int(static_cast<std::int64_t>(st->data.size()));
      }
    }
  }
}

const Measurement* FirstOfType(const Snapshot& s, const std::string& type) {
  return s.FindMeasurement(type);
}

}  // namespace

std::string_view ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kAdded:
      return "added";
    case ChangeKind::kRemoved:
      return "removed";
    case ChangeKind::kModified:
      return "modified";
  }
  return "modified";
}

void PrintTo(const Change& change, std::ostream* os) {
  auto side = [](const std::optional<std::string>& v) {
    return v ? EscapedQuote(*v) : std::string("_");
  };
  *os << ChangeKindName(change.kind) << " " << change.path << " " << side(change.baseline) << " -> "
      << side(change.target);
}

std::string DataKeyPath(std::string_view prefix, std::string_view key) {
  if (key == "context" || StartsWith(key, "context.") || key == "items" ||
      StartsWith(key, "items.") || StartsWith(key, "items[")) {
    return std::string(prefix) + "[" + EscapedQuote(key) + "]";
  }
  return std::string(prefix) + "." + std::string(key);
}

DiffResult DiffSnapshots(const Snapshot& baseline, const Snapshot& target) {
  std::set<std::string> types;
  for (const Snapshot* s : {&baseline, &target}) {
    for (const Measurement& m : s->measurements) {
      if (!m.type.empty()) {
        types.insert(m.type);
      }
    }
  }
  Differ differ;
  for (const std::string& type : types) {
    const Measurement* b = FirstOfType(baseline, type);
    const Measurement* t = FirstOfType(target, type);
    if (b != nullptr && t != nullptr && type == kTopologyType) {
      Measurement bc = *b;
      Measurement tc = *t;
      AlignTopology(bc, tc);
      differ.MeasurementPair(&bc, &tc);
      continue;
    }
    differ.MeasurementPair(b, t);
  }

  DiffResult result;
  result.changes = differ.Take();
  std::stable_sort(result.changes.begin(), result.changes.end(),
                   [](const Change& a, const Change& b) { return a.path < b.path; });
  for (const Change& c : result.changes) {
    switch (c.kind) {
      case ChangeKind::kAdded:
        ++result.summary.added;
        break;
      case ChangeKind::kRemoved:
        ++result.summary.removed;
        break;
      case ChangeKind::kModified:
        ++result.summary.modified;
        break;
    }
  }
  result.summary.total = static_cast<std::int64_t>(result.changes.size());
  return result;
}

serialize::Value DiffResultToValue(const DiffResult& result) {
  serialize::Value doc = serialize::Value::EmptyMapping();
  if (!result.baseline_source.empty()) {
    doc.Set("baselineSource", result.baseline_source);
  }
  if (!result.target_source.empty()) {
    doc.Set("targetSource", result.target_source);
  }
  serialize::Value changes = serialize::Value::EmptySequence();
  for (const Change& c : result.changes) {
    serialize::Value entry = serialize::Value::EmptyMapping();
    entry.Set("kind", ChangeKindName(c.kind));
    entry.Set("severity", kChangeSeverityInfo);
    entry.Set("path", c.path);
    if (c.baseline.has_value()) {
      entry.Set("baseline", *c.baseline);
    }
    if (c.target.has_value()) {
      entry.Set("target", *c.target);
    }
    changes.Append(std::move(entry));
  }
  doc.Set("changes", std::move(changes));
  serialize::Value summary = serialize::Value::EmptyMapping();
  summary.Set("added", result.summary.added);
  summary.Set("removed", result.summary.removed);
  summary.Set("modified", result.summary.modified);
  summary.Set("total", result.summary.total);
  doc.Set("summary", std::move(summary));
  return doc;
}

}  // namespace aicr::measurement
