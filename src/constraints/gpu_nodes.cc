#include "constraints/gpu_nodes.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "measurement/path.h"

namespace aicr::constraints {
namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// A DNS-1123 subdomain: at most 253 characters, dot-separated labels of lower-case
// alphanumerics and `-`, each starting and ending alphanumeric.
bool IsDns1123Subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) {
    return false;
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    const std::string_view label =
        s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return false;
      }
    }
    if (dot == std::string_view::npos) {
      return true;
    }
    start = dot + 1;
  }
}

// A label name or value body: at most 63 characters of alphanumerics, `-`, `_`,
// `.`, starting and ending alphanumeric (emptiness is the caller's call).
bool IsLabelToken(std::string_view s) {
  if (s.empty() || s.size() > 63 || !IsAlnum(s.front()) || !IsAlnum(s.back())) {
    return false;
  }
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return IsAlnum(c) || c == '-' || c == '_' || c == '.'; });
}

// A Kubernetes label key: `[prefix/]name`, prefix a DNS-1123 subdomain.
bool IsLabelKey(std::string_view key) {
  const std::size_t slash = key.find('/');
  if (slash == std::string_view::npos) {
    return IsLabelToken(key);
  }
  return IsDns1123Subdomain(key.substr(0, slash)) && IsLabelToken(key.substr(slash + 1));
}

bool IsLabelValue(std::string_view value) { return value.empty() || IsLabelToken(value); }

struct NodeSetValue {
  std::string key;
  std::string want;
  bool negated = false;
};

Status InvalidValue(std::string_view raw, std::string_view why) {
  return InvalidRequestError("invalid node-set constraint value " + Quote(raw) + ": " +
                             std::string(why));
}

Result<NodeSetValue> ParseValue(std::string_view raw) {
  const std::string_view v = Trim(raw);
  NodeSetValue out;
  if (!v.empty() && v.front() == '!') {
    out.negated = true;
    out.key = std::string(Trim(v.substr(1)));
    if (!IsLabelKey(out.key)) {
      return InvalidValue(raw,
                          "the negated form is \"!<label-key>\" with a valid label key and "
                          "no value");
    }
    return out;
  }
  const std::size_t eq = v.find('=');
  if (eq == std::string_view::npos) {
    return InvalidValue(raw, "expected \"<label-key>=<value>\" or \"!<label-key>\"");
  }
  out.key = std::string(v.substr(0, eq));
  out.want = std::string(v.substr(eq + 1));
  if (!IsLabelKey(out.key) || !IsLabelValue(out.want)) {
    return InvalidValue(raw, "the label key or value is not valid");
  }
  return out;
}

// One decoded label entry: a value and the nodes carrying it.
struct LabelNodeSet {
  std::string value;
  std::vector<std::string> nodes;
  std::string raw;  // the data key or item key it came from
  bool truncated = false;
};

// `a,b (+3 more)`: the collector's truncation tail.
bool IsTruncatedNodeList(std::string_view list) {
  constexpr std::string_view kOpen = " (+";
  constexpr std::string_view kClose = " more)";
  if (list.size() < kClose.size() || list.substr(list.size() - kClose.size()) != kClose) {
    return false;
  }
  const std::size_t open = list.rfind(kOpen);
  if (open == std::string_view::npos) {
    return false;
  }
  const std::string_view count =
      list.substr(open + kOpen.size(), list.size() - kClose.size() - open - kOpen.size());
  return !count.empty() &&
         std::all_of(count.begin(), count.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Splits a comma-joined node list; nullopt when empty or any name is not canonical
// (such a token never equals a real node, so the negated form would pass vacuously).
std::optional<std::vector<std::string>> SplitNodes(std::string_view list) {
  if (list.empty()) {
    return std::nullopt;
  }
  std::vector<std::string> nodes;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = list.find(',', start);
    const std::string_view node = list.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (!IsDns1123Subdomain(node)) {
      return std::nullopt;
    }
    nodes.emplace_back(node);
    if (comma == std::string_view::npos) {
      return nodes;
    }
    start = comma + 1;
  }
}

Status TruncatedError(std::string_view raw) {
  return InvalidRequestError("label reading " + Quote(raw) +
                             " is truncated: node-set constraints cannot be evaluated on a "
                             "partial node list; regenerate the snapshot without "
                             "--max-nodes-per-entry");
}

Status MalformedError(std::string_view raw, std::string_view text) {
  return InvalidRequestError("label reading " + Quote(raw) + " is malformed (" + Quote(text) +
                             "): expected \"<value>|<node1,node2,...>\" with canonical node "
                             "names; regenerate the snapshot with a current aicr build");
}

// Items carry key and value apart, so only an exact key matches.
Result<std::vector<LabelNodeSet>> DecodeFromItems(const measurement::Subtype& labels,
                                                  std::string_view key) {
  std::vector<LabelNodeSet> entries;
  for (std::size_t i = 0; i < labels.items.size(); ++i) {
    const measurement::Item& item = labels.items[i];
    const auto key_it = item.context.find("key");
    if (key_it == item.context.end()) {
      return InvalidRequestError("NodeTopology label item " + std::to_string(i) +
                                 " has no context key");
    }
    if (key_it->second != key) {
      continue;
    }
    const auto value_it = item.context.find("value");
    const std::string value = value_it == item.context.end() ? "" : value_it->second;
    const std::string raw = key_it->second + "=" + value;
    const auto list_it = item.data.find("node-list");
    const std::string list = list_it == item.data.end() ? "" : list_it->second.String();
    const auto truncated_it = item.data.find("truncated");
    if ((truncated_it != item.data.end() && truncated_it->second.String() == "true") ||
        IsTruncatedNodeList(list)) {
      return TruncatedError(raw);
    }
    std::optional<std::vector<std::string>> nodes = SplitNodes(list);
    if (!nodes) {
      return MalformedError(raw, list);
    }
    entries.push_back(LabelNodeSet{value, std::move(*nodes), raw, false});
  }
  return entries;
}

// The folded `data` encoding: `<key>` -> `<value>|<nodes>`, or `<key>.<value>` ->
// `<value>|<nodes>` when the key has several values. A distinct label literally
// named `<key>.<v>` with value `<v>` looks the same, so prefixed entries count only
// when the plain key is absent and at least two match (genuine disambiguation
// always yields two or more); one lone prefixed entry is ambiguous, and prefixed
// node sets that overlap prove a collision. Both fail closed.
Result<std::vector<LabelNodeSet>> DecodeFromData(const measurement::Subtype& labels,
                                                 std::string_view key) {
  const std::string prefix = std::string(key) + ".";
  std::vector<LabelNodeSet> plain;
  std::vector<LabelNodeSet> prefixed;
  for (const auto& [k, reading] : labels.data) {
    const bool is_plain = k == key;
    const bool has_prefix = k.size() >= prefix.size() && k.compare(0, prefix.size(), prefix) == 0;
    if (!is_plain && !has_prefix) {
      continue;
    }
    const std::string text = reading.String();
    const std::size_t bar = text.find('|');
    const std::string value = bar == std::string::npos ? text : text.substr(0, bar);
    const std::string list = bar == std::string::npos ? "" : text.substr(bar + 1);
    if (!is_plain && value != std::string_view(k).substr(prefix.size())) {
      continue;  // another label key sharing the dotted prefix
    }
    const bool truncated = IsTruncatedNodeList(list);
    bool ok = bar != std::string::npos && std::count(text.begin(), text.end(), '|') == 1;
    std::vector<std::string> nodes;
    if (ok && !truncated) {
      std::optional<std::vector<std::string>> split = SplitNodes(list);
      ok = split.has_value();
      if (ok) {
        nodes = std::move(*split);
      }
    }
    if (!ok) {
      return MalformedError(k, text);
    }
    LabelNodeSet entry{value, std::move(nodes), k, truncated};
    (is_plain ? plain : prefixed).push_back(std::move(entry));
  }

  std::vector<LabelNodeSet> entries = std::move(plain);
  if (entries.empty() && prefixed.size() == 1) {
    return InvalidRequestError(
        "label readings for " + Quote(key) + " are ambiguous: a single disambiguated-shape entry " +
        Quote(prefixed[0].raw) +
        " exists without the plain key (a distinct label sharing the dotted name, or what is left "
        "of an encoding collision); rename the conflicting label or use a lossless snapshot");
  }
  if (entries.empty() && prefixed.size() >= 2) {
    std::set<std::string> seen;
    for (const LabelNodeSet& e : prefixed) {
      for (const std::string& node : e.nodes) {
        if (!seen.insert(node).second) {
          return InvalidRequestError(
              "label readings for " + Quote(key) + " are ambiguous: node " + Quote(node) +
              " appears under two values, so a distinct dotted label collided with the "
              "disambiguated encoding (reading " +
              Quote(e.raw) + "); rename the conflicting label or use a lossless snapshot");
        }
      }
    }
    entries = std::move(prefixed);
  }
  for (const LabelNodeSet& e : entries) {
    if (e.truncated) {
      return TruncatedError(e.raw);
    }
  }
  return entries;
}

Result<std::vector<LabelNodeSet>> DecodeLabelEntries(const measurement::Subtype& labels,
                                                     std::string_view key) {
  if (!labels.items.empty()) {
    return DecodeFromItems(labels, key);
  }
  return DecodeFromData(labels, key);
}

const measurement::Subtype* FindLabels(const measurement::Snapshot& snapshot) {
  const measurement::Measurement* m = snapshot.FindMeasurement("NodeTopology");
  return m == nullptr ? nullptr : m->FindSubtype("label");
}

EvalResult Fail(Status status) {
  EvalResult r;
  r.error = std::move(status);
  return r;
}

}  // namespace

std::string SummarizeNodes(const std::vector<std::string>& sorted_nodes) {
  std::string out;
  const std::size_t shown = std::min(sorted_nodes.size(), kMaxReportedNodes);
  for (std::size_t i = 0; i < shown; ++i) {
    out += (i == 0 ? "" : ",") + sorted_nodes[i];
  }
  if (sorted_nodes.size() > shown) {
    out += " (+" + std::to_string(sorted_nodes.size() - shown) + " more)";
  }
  return out;
}

Status ValidateGpuNodesLabelValue(std::string_view value) { return ParseValue(value).status(); }

EvalResult EvaluateGpuNodesLabel(std::string_view value, const measurement::Snapshot& snapshot) {
  Result<NodeSetValue> parsed = ParseValue(value);
  if (!parsed.ok()) {
    return Fail(parsed.status());
  }
  const measurement::Subtype* labels = FindLabels(snapshot);
  if (labels == nullptr) {
    return Fail(NotFoundError(std::string(measurement::kPathGpuNodesLabel) +
                              ": snapshot carries no NodeTopology label readings; re-capture "
                              "with a current aicr build and check that the snapshot agent can "
                              "list nodes"));
  }
  Result<std::vector<LabelNodeSet>> universe_entries =
      DecodeLabelEntries(*labels, kGpuNodeUniverseLabel);
  if (!universe_entries.ok()) {
    return Fail(universe_entries.status());
  }
  std::set<std::string> universe;
  for (const LabelNodeSet& e : *universe_entries) {
    universe.insert(e.nodes.begin(), e.nodes.end());
  }
  if (universe.empty()) {
    // Never satisfy either predicate vacuously.
    return Fail(NotFoundError(std::string(measurement::kPathGpuNodesLabel) +
                              ": GPU-node universe is empty: the snapshot has no " +
                              Quote(kGpuNodeUniverseLabel) +
                              " label readings, so the constraint cannot be evaluated on a "
                              "cluster without identifiable GPU nodes"));
  }
  Result<std::vector<LabelNodeSet>> target = DecodeLabelEntries(*labels, parsed->key);
  if (!target.ok()) {
    return Fail(target.status());
  }

  EvalResult r;
  const std::string total = std::to_string(universe.size());
  if (parsed->negated) {
    std::set<std::string> offenders;
    for (const LabelNodeSet& e : *target) {
      for (const std::string& node : e.nodes) {
        if (universe.count(node) != 0) {
          offenders.insert(node);
        }
      }
    }
    r.passed = offenders.empty();
    r.actual = r.passed ? "none of " + total + " GPU node(s) carry label " + parsed->key
                        : std::to_string(offenders.size()) + " of " + total +
                              " GPU node(s) carry label " + parsed->key + ": " +
                              SummarizeNodes({offenders.begin(), offenders.end()});
    return r;
  }
  std::set<std::string> matched;
  for (const LabelNodeSet& e : *target) {
    if (e.value == parsed->want) {
      matched.insert(e.nodes.begin(), e.nodes.end());
    }
  }
  std::vector<std::string> missing;
  std::set_difference(universe.begin(), universe.end(), matched.begin(), matched.end(),
                      std::back_inserter(missing));
  const std::string label = parsed->key + "=" + parsed->want;
  r.passed = missing.empty();
  r.actual = r.passed ? "all " + total + " GPU node(s) carry " + label
                      : std::to_string(missing.size()) + " of " + total + " GPU node(s) missing " +
                            label + ": " + SummarizeNodes(missing);
  return r;
}

}  // namespace aicr::constraints
