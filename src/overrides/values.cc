#include "overrides/values.h"

#include <locale.h>
#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <limits>
#include <set>

#include "base/strings.h"

namespace aicr::overrides {
namespace {

using serialize::Mapping;
using serialize::Value;

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexLetter(char c) { return Lower(c) >= 'a' && Lower(c) <= 'f'; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) {
      return false;
    }
  }
  return true;
}

// Go's strconv underscoreOK: underscores only between digits, or between a base prefix
// and a digit.
bool UnderscoreOk(std::string_view s) {
  char saw = '^';
  std::size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    s.remove_prefix(1);
  }
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = Lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    if (IsDigit(s[i]) || (hex && IsHexLetter(s[i]))) {
      saw = '0';
      continue;
    }
    if (s[i] == '_') {
      if (saw != '0') {
        return false;
      }
      saw = '_';
      continue;
    }
    if (saw == '_') {
      return false;
    }
    saw = '!';
  }
  return saw != '_';
}

// Go's strconv.special over the whole string: [+-]?(inf|infinity) or nan.
std::optional<double> ParseSpecial(std::string_view s) {
  if (s.empty()) {
    return std::nullopt;
  }
  double sign = 1.0;
  std::string_view rest = s;
  if (s[0] == '+' || s[0] == '-') {
    sign = s[0] == '-' ? -1.0 : 1.0;
    rest.remove_prefix(1);
  } else if (EqualsIgnoreCase(s, "nan")) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (EqualsIgnoreCase(rest, "inf") || EqualsIgnoreCase(rest, "infinity")) {
    return sign * std::numeric_limits<double>::infinity();
  }
  return std::nullopt;
}

// Go's strconv.readFloat syntax check over the whole string.
bool IsGoFloatSyntax(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) {
    ++i;
  }
  bool hex = false;
  if (i + 2 < n && s[i] == '0' && Lower(s[i + 1]) == 'x') {
    hex = true;
    i += 2;
  }
  bool underscores = false;
  bool saw_dot = false;
  bool saw_digits = false;
  for (; i < n; ++i) {
    const char c = s[i];
    if (c == '_') {
      underscores = true;
      continue;
    }
    if (c == '.') {
      if (saw_dot) {
        break;
      }
      saw_dot = true;
      continue;
    }
    if (IsDigit(c) || (hex && IsHexLetter(c))) {
      saw_digits = true;
      continue;
    }
    break;
  }
  if (!saw_digits) {
    return false;
  }
  if (i < n && Lower(s[i]) == (hex ? 'p' : 'e')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
      ++i;
    }
    if (i >= n || !IsDigit(s[i])) {
      return false;
    }
    for (; i < n && (IsDigit(s[i]) || s[i] == '_'); ++i) {
      if (s[i] == '_') {
        underscores = true;
      }
    }
  } else if (hex) {
    return false;  // a hexadecimal float needs its p exponent
  }
  if (underscores && !UnderscoreOk(s.substr(0, i))) {
    return false;
  }
  return i == n;
}

locale_t CLocale() {
  static const locale_t locale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
  return locale;
}

Status NotAMap(std::string_view segment, std::string_view path, const Value& got) {
  return InvalidRequestError("path segment " + Quote(segment) + " of " + Quote(path) +
                             " exists but is not a map (" +
                             std::string(serialize::ValueTypeName(got.type())) + ")");
}

// Walks to the mapping that holds the last segment, creating missing mappings. Strict mode
// fails on an existing non-mapping intermediate; permissive mode replaces it.
Result<Mapping*> ParentMapping(Value* root, const std::vector<std::string>& segments,
                               std::string_view path, bool strict) {
  if (root->is_null()) {
    *root = Value::EmptyMapping();
  }
  Mapping* current = root->if_mapping();
  if (current == nullptr) {
    if (strict) {
      return InvalidRequestError("values are not a map (" +
                                 std::string(serialize::ValueTypeName(root->type())) + ")");
    }
    *root = Value::EmptyMapping();
    current = root->if_mapping();
  }
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    Value* next = current->Find(segments[i]);
    if (next == nullptr) {
      next = &current->Set(segments[i], Value::EmptyMapping());
    } else if (!next->is_mapping()) {
      if (strict) {
        return NotAMap(segments[i], path, *next);
      }
      *next = Value::EmptyMapping();
    }
    current = next->if_mapping();
  }
  return current;
}

// Deep merge with null-deletes (upstream mergeAnyMap).
void MergeMapping(Mapping& dst, const Mapping& src) {
  for (const auto& [key, sv] : src) {
    if (sv.is_null()) {
      dst.Erase(key);
      continue;
    }
    if (const Mapping* src_map = sv.if_mapping()) {
      Value* dv = dst.Find(key);
      if (dv != nullptr && dv->is_mapping()) {
        MergeMapping(*dv->if_mapping(), *src_map);
        continue;
      }
      Mapping clean;
      MergeMapping(clean, *src_map);
      dst.Set(key, Value(std::move(clean)));
      continue;
    }
    dst.Set(key, sv);
  }
}

template <typename V>
std::vector<std::string> SortedPaths(const std::map<std::string, V>& overrides) {
  std::vector<std::string> paths;
  paths.reserve(overrides.size());
  for (const auto& entry : overrides) {
    paths.push_back(entry.first);
  }
  std::stable_sort(paths.begin(), paths.end(),
                   [](const std::string& a, const std::string& b) { return ShallowerPath(a, b); });
  return paths;
}

}  // namespace

Result<std::vector<std::string>> SplitPath(std::string_view path) {
  if (path.empty()) {
    return InvalidRequestError("invalid value path \"\": empty path");
  }
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    const std::string_view segment =
        path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (segment.empty()) {
      return InvalidRequestError("invalid value path " + Quote(path) + ": empty segment");
    }
    segments.emplace_back(segment);
    if (dot == std::string_view::npos) {
      break;
    }
    start = dot + 1;
  }
  return segments;
}

bool ShallowerPath(std::string_view a, std::string_view b) {
  const auto da = std::count(a.begin(), a.end(), '.');
  const auto db = std::count(b.begin(), b.end(), '.');
  if (da != db) {
    return da < db;
  }
  return a < b;
}

bool PathsIntersect(std::string_view a, std::string_view b) {
  if (a == b) {
    return true;
  }
  const std::string_view shorter = a.size() < b.size() ? a : b;
  const std::string_view longer = a.size() < b.size() ? b : a;
  return longer.size() > shorter.size() && longer.substr(0, shorter.size()) == shorter &&
         longer[shorter.size()] == '.';
}

const Value* GetValueByPath(const Value& root, std::string_view path) {
  Result<std::vector<std::string>> segments = SplitPath(path);
  if (!segments.ok()) {
    return nullptr;
  }
  const Value* current = &root;
  for (const std::string& segment : *segments) {
    const Mapping* m = current->if_mapping();
    if (m == nullptr) {
      return nullptr;
    }
    current = m->Find(segment);
    if (current == nullptr) {
      return nullptr;
    }
  }
  return current;
}

bool RemoveValueByPath(Value* root, std::string_view path) {
  Result<std::vector<std::string>> segments = SplitPath(path);
  if (!segments.ok()) {
    return false;
  }
  Value* current = root;
  for (std::size_t i = 0; i + 1 < segments->size(); ++i) {
    current = current->Find((*segments)[i]);
    if (current == nullptr) {
      return false;
    }
  }
  Mapping* parent = current->if_mapping();
  return parent != nullptr && parent->Erase(segments->back());
}

Status SetValueByPath(Value* root, std::string_view path, Value value) {
  Result<std::vector<std::string>> segments = SplitPath(path);
  if (!segments.ok()) {
    return segments.status();
  }
  Result<Mapping*> parent = ParentMapping(root, *segments, path, /*strict=*/false);
  if (!parent.ok()) {
    return parent.status();
  }
  (*parent)->Set(segments->back(), std::move(value));
  return OkStatus();
}

std::optional<bool> ParseGoBool(std::string_view s) {
  if (s == "1" || s == "t" || s == "T" || s == "true" || s == "TRUE" || s == "True") {
    return true;
  }
  if (s == "0" || s == "f" || s == "F" || s == "false" || s == "FALSE" || s == "False") {
    return false;
  }
  return std::nullopt;
}

std::optional<std::int64_t> ParseGoInt(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) {
    return std::nullopt;
  }
  // Accumulate the magnitude as unsigned so INT64_MIN fits.
  constexpr std::uint64_t kLimit = std::uint64_t{1} << 63;
  std::uint64_t magnitude = 0;
  for (const char c : s) {
    if (!IsDigit(c)) {
      return std::nullopt;
    }
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (magnitude > (kLimit - digit) / 10) {
      return std::nullopt;
    }
    magnitude = magnitude * 10 + digit;
  }
  if (negative) {
    return magnitude == kLimit ? std::numeric_limits<std::int64_t>::min()
                               : -static_cast<std::int64_t>(magnitude);
  }
  if (magnitude == kLimit) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(magnitude);
}

std::optional<double> ParseGoFloat(std::string_view s) {
  if (std::optional<double> special = ParseSpecial(s)) {
    return special;
  }
  if (!IsGoFloatSyntax(s)) {
    return std::nullopt;
  }
  std::string clean;
  clean.reserve(s.size());
  for (const char c : s) {
    if (c != '_') {
      clean.push_back(c);
    }
  }
  char* end = nullptr;
  errno = 0;
  const double d = strtod_l(clean.c_str(), &end, CLocale());
  if (end != clean.c_str() + clean.size()) {
    return std::nullopt;
  }
  if (errno == ERANGE && std::isinf(d)) {
    return std::nullopt;  // overflow is Go's ErrRange; underflow is accepted
  }
  return d;
}

Value ConvertMapValue(std::string_view raw) {
  if (raw == "true") {
    return Value(true);
  }
  if (raw == "false") {
    return Value(false);
  }
  if (std::optional<std::int64_t> i = ParseGoInt(raw)) {
    return Value(*i);
  }
  if (std::optional<double> d = ParseGoFloat(raw)) {
    return Value(*d);
  }
  return Value(raw);
}

Status ApplyMapOverrides(Value* values, const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> errors;
  for (const std::string& path : SortedPaths(overrides)) {
    const std::string& raw = overrides.at(path);
    Status status = [&]() -> Status {
      Result<std::vector<std::string>> segments = SplitPath(path);
      if (!segments.ok()) {
        return segments.status();
      }
      Result<Mapping*> parent = ParentMapping(values, *segments, path, /*strict=*/true);
      if (!parent.ok()) {
        return parent.status();
      }
      (*parent)->Set(segments->back(), ConvertMapValue(raw));
      return OkStatus();
    }();
    if (!status.ok()) {
      errors.push_back(path + "=" + raw + ": " + status.message());
    }
  }
  if (!errors.empty()) {
    std::sort(errors.begin(), errors.end());
    return InvalidRequestError("failed to apply map overrides: " + Join(errors, "; "));
  }
  return OkStatus();
}

Status ApplyTypedOverrides(Value* values, std::string_view path, const Value& value) {
  Result<std::vector<std::string>> segments = SplitPath(path);
  if (!segments.ok()) {
    return segments.status();
  }
  Result<Mapping*> parent = ParentMapping(values, *segments, path, /*strict=*/true);
  if (!parent.ok()) {
    return parent.status();
  }
  const std::string& key = segments->back();
  if (const Mapping* src = value.if_mapping()) {
    Value* existing = (*parent)->Find(key);
    if (existing != nullptr && existing->is_mapping()) {
      MergeMapping(*existing->if_mapping(), *src);
      return OkStatus();
    }
    Mapping clean;
    MergeMapping(clean, *src);
    (*parent)->Set(key, Value(std::move(clean)));
    return OkStatus();
  }
  (*parent)->Set(key, value);
  return OkStatus();
}

Status ApplyTypedOverrides(Value* values, const std::map<std::string, Value>& overrides) {
  std::vector<std::string> errors;
  for (const std::string& path : SortedPaths(overrides)) {
    Status status = ApplyTypedOverrides(values, path, overrides.at(path));
    if (!status.ok()) {
      errors.push_back(path + ": " + status.message());
    }
  }
  if (!errors.empty()) {
    std::sort(errors.begin(), errors.end());
    return InvalidRequestError("failed to apply typed overrides: " + Join(errors, "; "));
  }
  return OkStatus();
}

Result<std::pair<Value, Value>> SplitDynamicPaths(const Value& values,
                                                  const std::vector<std::string>& paths) {
  Value static_values = values.is_null() ? Value::EmptyMapping() : values;
  Value cluster_values = Value::EmptyMapping();
  std::set<std::string> seen;
  for (const std::string& path : paths) {
    if (!seen.insert(path).second) {
      continue;
    }
    Result<std::vector<std::string>> segments = SplitPath(path);
    if (!segments.ok()) {
      return segments.status();
    }
    Value moved("");
    if (const Value* found = GetValueByPath(static_values, path)) {
      moved = *found;
      RemoveValueByPath(&static_values, path);
    }
    Status status = SetValueByPath(&cluster_values, path, std::move(moved));
    if (!status.ok()) {
      return status;
    }
  }
  return std::make_pair(std::move(static_values), std::move(cluster_values));
}

}  // namespace aicr::overrides
