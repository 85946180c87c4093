#include "measurement/snapshot.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <ostream>
#include <string>
#include <system_error>
#include <utility>

#include "base/status_macros.h"
#include "base/strings.h"

namespace aicr::measurement {
namespace {

using serialize::Mapping;
using serialize::Sequence;
using serialize::Value;
using serialize::ValueTypeName;

Status FieldError(std::string_view field, std::string_view problem) {
  return InvalidRequestError("snapshot: " + std::string(field) + ": " + std::string(problem));
}

std::string Expected(std::string_view want, const Value& got) {
  return "expected " + std::string(want) + ", got " + std::string(ValueTypeName(got.type()));
}

// Go `%v` text of a decoded document value.
std::string GoText(const Value& value) {
  switch (value.type()) {
    case serialize::ValueType::kNull:
      return "<nil>";
    case serialize::ValueType::kSequence: {
      std::string out = "[";
      bool first = true;
      for (const Value& v : *value.if_sequence()) {
        if (!first) {
          out += ' ';
        }
        first = false;
        out += GoText(v);
      }
      return out + "]";
    }
    case serialize::ValueType::kMapping: {
      std::string out = "map[";
      bool first = true;
      for (const Mapping::Entry* e : value.if_mapping()->SortedEntries()) {
        if (!first) {
          out += ' ';
        }
        first = false;
        out += e->first + ":" + GoText(e->second);
      }
      return out + "]";
    }
    default:
      return Reading::FromValue(value).String();
  }
}

// A string field: a scalar's text, "" for null; collections are errors.
Result<std::string> DecodeText(const Value& value, std::string_view field) {
  if (const std::string* s = value.if_string()) {
    return *s;
  }
  if (value.is_null()) {
    return std::string();
  }
  if (!value.is_scalar()) {
    return FieldError(field, Expected("string", value));
  }
  return Reading::FromValue(value).String();
}

Result<const Mapping*> DecodeMapping(const Value& value, std::string_view field) {
  static const Mapping kEmpty;
  if (value.is_null()) {
    return &kEmpty;
  }
  if (const Mapping* m = value.if_mapping()) {
    return m;
  }
  return FieldError(field, Expected("mapping", value));
}

Result<const Sequence*> DecodeSequence(const Value& value, std::string_view field) {
  static const Sequence kEmpty;
  if (value.is_null()) {
    return &kEmpty;
  }
  if (const Sequence* s = value.if_sequence()) {
    return s;
  }
  return FieldError(field, Expected("sequence", value));
}

Result<std::map<std::string, std::string>> DecodeStringMap(const Value* value,
                                                           const std::string& field) {
  std::map<std::string, std::string> out;
  if (value == nullptr) {
    return out;
  }
  AICR_ASSIGN_OR_RETURN(const Mapping* m, DecodeMapping(*value, field));
  for (const auto& [key, v] : *m) {
    AICR_ASSIGN_OR_RETURN(std::string text, DecodeText(v, field + "." + key));
    out.emplace(key, std::move(text));
  }
  return out;
}

Result<std::map<std::string, Reading>> DecodeReadings(const Value* value,
                                                      const std::string& field) {
  std::map<std::string, Reading> out;
  if (value == nullptr) {
    return out;
  }
  AICR_ASSIGN_OR_RETURN(const Mapping* m, DecodeMapping(*value, field));
  for (const auto& [key, v] : *m) {
    out.emplace(key, Reading::FromValue(v));
  }
  return out;
}

Result<Subtype> DecodeSubtype(const Value& value, const std::string& field) {
  AICR_ASSIGN_OR_RETURN(const Mapping* m, DecodeMapping(value, field));
  Subtype st;
  if (const Value* name = m->Find("subtype")) {
    AICR_ASSIGN_OR_RETURN(st.name, DecodeText(*name, field + ".subtype"));
  }
  AICR_ASSIGN_OR_RETURN(st.data, DecodeReadings(m->Find("data"), field + ".data"));
  AICR_ASSIGN_OR_RETURN(st.context, DecodeStringMap(m->Find("context"), field + ".context"));
  if (const Value* items = m->Find("items")) {
    AICR_ASSIGN_OR_RETURN(const Sequence* seq, DecodeSequence(*items, field + ".items"));
    for (std::size_t i = 0; i < seq->size(); ++i) {
      const std::string item_field = field + ".items[" + std::to_string(i) + "]";
      AICR_ASSIGN_OR_RETURN(const Mapping* im, DecodeMapping((*seq)[i], item_field));
      Item item;
      AICR_ASSIGN_OR_RETURN(item.context,
                            DecodeStringMap(im->Find("context"), item_field + ".context"));
      AICR_ASSIGN_OR_RETURN(item.data, DecodeReadings(im->Find("data"), item_field + ".data"));
      st.items.push_back(std::move(item));
    }
  }
  return st;
}

Result<Measurement> DecodeMeasurement(const Mapping& m, const std::string& field) {
  Measurement out;
  if (const Value* type = m.Find("type")) {
    AICR_ASSIGN_OR_RETURN(out.type, DecodeText(*type, field + ".type"));
  }
  if (const Value* subtypes = m.Find("subtypes")) {
    AICR_ASSIGN_OR_RETURN(const Sequence* seq, DecodeSequence(*subtypes, field + ".subtypes"));
    for (std::size_t i = 0; i < seq->size(); ++i) {
      AICR_ASSIGN_OR_RETURN(
          Subtype st, DecodeSubtype((*seq)[i], field + ".subtypes[" + std::to_string(i) + "]"));
      out.subtypes.push_back(std::move(st));
    }
  }
  return out;
}

Value EncodeStringMap(const std::map<std::string, std::string>& m) {
  Mapping out;
  for (const auto& [k, v] : m) {
    out.Set(k, Value(v));
  }
  return Value(std::move(out));
}

Value EncodeReadings(const std::map<std::string, Reading>& m) {
  Mapping out;
  for (const auto& [k, v] : m) {
    out.Set(k, v.ToValue());
  }
  return Value(std::move(out));
}

Value EncodeSubtype(const Subtype& st) {
  Mapping out;
  if (!st.name.empty()) {
    out.Set("subtype", Value(st.name));
  }
  if (!st.data.empty() || st.items.empty()) {
    out.Set("data", EncodeReadings(st.data));
  }
  if (!st.context.empty()) {
    out.Set("context", EncodeStringMap(st.context));
  }
  if (!st.items.empty()) {
    Sequence items;
    for (const Item& item : st.items) {
      Mapping im;
      if (!item.context.empty()) {
        im.Set("context", EncodeStringMap(item.context));
      }
      if (!item.data.empty()) {
        im.Set("data", EncodeReadings(item.data));
      }
      items.push_back(Value(std::move(im)));
    }
    out.Set("items", Value(std::move(items)));
  }
  return Value(std::move(out));
}

bool AllDigits(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

// The value an item predicate compares: the item's data reading, else its context.
std::optional<std::string> ItemField(const Item& item, const std::string& key) {
  if (auto it = item.data.find(key); it != item.data.end()) {
    return it->second.String();
  }
  if (auto it = item.context.find(key); it != item.context.end()) {
    return it->second;
  }
  return std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------------------
// Reading

std::string FormatGoFloat(double d) {
  if (std::isnan(d)) {
    return "NaN";
  }
  if (std::isinf(d)) {
    return d > 0 ? "+Inf" : "-Inf";
  }
  // Shortest round-trip digits, in scientific form: [-]d[.ddd]e[+-]XX.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  if (ec != std::errc()) {
    return "NaN";  // unreachable: 64 bytes hold any double
  }
  std::string_view sci(buf, static_cast<std::size_t>(end - buf));
  std::string sign;
  if (!sci.empty() && sci.front() == '-') {
    sign = "-";
    sci.remove_prefix(1);
  }
  const std::size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') {
      digits += c;
    }
  }
  int exp = 0;
  std::string_view exp_text = sci.substr(e + 1);
  if (!exp_text.empty() && exp_text.front() == '+') {
    exp_text.remove_prefix(1);
  }
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp);

  const int nd = static_cast<int>(digits.size());
  if (exp < -4 || exp >= 6) {
    // %e: d.ddde±XX with at least two exponent digits.
    std::string out = sign + digits.substr(0, 1);
    if (nd > 1) {
      out += "." + digits.substr(1);
    }
    const int abs_exp = exp < 0 ? -exp : exp;
    out += exp < 0 ? "e-" : "e+";
    if (abs_exp < 10) {
      out += '0';
    }
    return out + std::to_string(abs_exp);
  }
  // %f with exactly the significant digits.
  const int dp = exp + 1;  // digits before the decimal point
  std::string out = sign;
  if (dp <= 0) {
    out += "0." + std::string(static_cast<std::size_t>(-dp), '0') + digits;
  } else if (dp >= nd) {
    out += digits + std::string(static_cast<std::size_t>(dp - nd), '0');
  } else {
    const auto split = static_cast<std::size_t>(dp);
    out += digits.substr(0, split) + "." + digits.substr(split);
  }
  return out;
}

std::optional<std::int64_t> Reading::AsInteger() const {
  if (const std::int64_t* i = if_int()) {
    return *i;
  }
  if (const std::uint64_t* u = if_uint()) {
    if (*u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return static_cast<std::int64_t>(*u);
    }
    return std::nullopt;
  }
  if (const double* f = if_float()) {
    // 2^63 is exactly representable; anything at or beyond it does not fit.
    if (std::isfinite(*f) && std::trunc(*f) == *f && *f >= -9223372036854775808.0 &&
        *f < 9223372036854775808.0) {
      return static_cast<std::int64_t>(*f);
    }
  }
  return std::nullopt;
}

std::string Reading::String() const {
  switch (kind()) {
    case Kind::kInt:
      return std::to_string(*if_int());
    case Kind::kUint:
      return std::to_string(*if_uint());
    case Kind::kFloat:
      return FormatGoFloat(*if_float());
    case Kind::kBool:
      return *if_bool() ? "true" : "false";
    case Kind::kString:
      return *if_string();
  }
  return std::string();
}

Value Reading::ToValue() const {
  switch (kind()) {
    case Kind::kInt:
      return Value(*if_int());
    case Kind::kUint:
      if (*if_uint() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return Value(static_cast<std::int64_t>(*if_uint()));
      }
      return Value(static_cast<double>(*if_uint()));
    case Kind::kFloat:
      return Value(*if_float());
    case Kind::kBool:
      return Value(*if_bool());
    case Kind::kString:
      return Value(*if_string());
  }
  return Value();
}

Reading Reading::FromValue(const Value& value) {
  if (const std::int64_t* i = value.if_int()) {
    return Int(*i);
  }
  if (const double* f = value.if_float()) {
    return Float(*f);
  }
  if (const bool* b = value.if_bool()) {
    return Bool(*b);
  }
  if (const std::string* s = value.if_string()) {
    return Str(*s);
  }
  return Str(GoText(value));
}

void PrintTo(const Reading& reading, std::ostream* os) {
  static constexpr const char* kKinds[] = {"int", "uint", "float", "bool", "string"};
  *os << kKinds[static_cast<int>(reading.kind())] << "(" << reading.String() << ")";
}

// ---------------------------------------------------------------------------
// Subtype, Measurement, Snapshot

const Reading* Subtype::Find(std::string_view key) const {
  auto it = data.find(std::string(key));
  return it == data.end() ? nullptr : &it->second;
}

std::optional<std::string> Subtype::GetString(std::string_view key) const {
  const Reading* r = Find(key);
  if (r == nullptr || r->if_string() == nullptr) {
    return std::nullopt;
  }
  return *r->if_string();
}

const Subtype* Measurement::FindSubtype(std::string_view name) const {
  for (const Subtype& st : subtypes) {
    if (st.name == name) {
      return &st;
    }
  }
  return nullptr;
}

bool IsSupportedSnapshotApiVersion(std::string_view api_version) {
  return api_version == "aicr.run/v1alpha2" || api_version == "aicr.run/v1";
}

const Measurement* Snapshot::FindMeasurement(std::string_view type) const {
  for (const Measurement& m : measurements) {
    if (m.type == type) {
      return &m;
    }
  }
  return nullptr;
}

Result<std::string> Snapshot::Extract(std::string_view path) const {
  AICR_ASSIGN_OR_RETURN(Path parsed, ParseSnapshotPath(path));
  return measurement::Extract(measurements, parsed);
}

Result<std::string> Extract(const std::vector<Measurement>& measurements, const Path& path) {
  const Measurement* m = nullptr;
  for (const Measurement& candidate : measurements) {
    if (candidate.type == path.type) {
      m = &candidate;
      break;
    }
  }
  if (m == nullptr) {
    return NotFoundError("reading " + Quote(path.ToString()) + ": no " + path.type +
                         " measurement in snapshot");
  }
  const Subtype* st = m->FindSubtype(path.subtype);
  if (st == nullptr) {
    return NotFoundError("reading " + Quote(path.ToString()) + ": no subtype " +
                         Quote(path.subtype) + " in the " + path.type + " measurement");
  }
  if (path.selector.empty()) {
    const Reading* r = st->Find(path.key);
    if (r == nullptr) {
      return NotFoundError("reading " + Quote(path.ToString()) + ": no key " + Quote(path.key) +
                           " in subtype " + Quote(path.subtype));
    }
    return r->String();
  }

  const std::string& sel = path.selector;
  const Item* item = nullptr;
  if (AllDigits(sel)) {
    std::size_t index = 0;
    auto [ptr, ec] = std::from_chars(sel.data(), sel.data() + sel.size(), index);
    if (ec != std::errc() || index >= st->items.size()) {
      return NotFoundError("reading " + Quote(path.ToString()) + ": no item [" + sel +
                           "] in subtype " + Quote(path.subtype) + " (" +
                           std::to_string(st->items.size()) + " items)");
    }
    item = &st->items[index];
  } else {
    const std::size_t eq = sel.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == sel.size()) {
      return InvalidRequestError("reading " + Quote(path.ToString()) + ": invalid item selector " +
                                 Quote(sel) + ": expected an index or key=value");
    }
    const std::string key = sel.substr(0, eq);
    const std::string want = sel.substr(eq + 1);
    std::size_t matches = 0;
    for (const Item& candidate : st->items) {
      if (ItemField(candidate, key) == want) {
        if (matches == 0) {
          item = &candidate;
        }
        ++matches;
      }
    }
    if (matches == 0) {
      return NotFoundError("reading " + Quote(path.ToString()) + ": no item of subtype " +
                           Quote(path.subtype) + " matches [" + sel + "]");
    }
    if (matches > 1) {
      return ConflictError("reading " + Quote(path.ToString()) + ": " + std::to_string(matches) +
                           " items of subtype " + Quote(path.subtype) + " match [" + sel +
                           "], want exactly one");
    }
  }
  std::optional<std::string> value = ItemField(*item, path.key);
  if (!value) {
    return NotFoundError("reading " + Quote(path.ToString()) + ": no key " + Quote(path.key) +
                         " in the selected item");
  }
  return *value;
}

Result<Snapshot> DecodeSnapshot(const Value& document) {
  AICR_ASSIGN_OR_RETURN(const Mapping* root, DecodeMapping(document, "document"));
  Snapshot snap;
  snap.kind.clear();
  snap.api_version.clear();
  if (const Value* kind = root->Find("kind")) {
    AICR_ASSIGN_OR_RETURN(snap.kind, DecodeText(*kind, "kind"));
  }
  if (!snap.kind.empty() && snap.kind != kSnapshotKind) {
    return InvalidRequestError("snapshot: unexpected kind " + Quote(snap.kind) + " (want " +
                               Quote(kSnapshotKind) + ")");
  }
  if (const Value* api = root->Find("apiVersion")) {
    AICR_ASSIGN_OR_RETURN(snap.api_version, DecodeText(*api, "apiVersion"));
  }
  if (!snap.api_version.empty() && !IsSupportedSnapshotApiVersion(snap.api_version)) {
    return InvalidRequestError("snapshot: unsupported apiVersion " + Quote(snap.api_version) +
                               " (supported: aicr.run/v1alpha2, aicr.run/v1); recapture the "
                               "snapshot with this version of aicr");
  }
  AICR_ASSIGN_OR_RETURN(snap.metadata, DecodeStringMap(root->Find("metadata"), "metadata"));
  if (const Value* fp = root->Find("fingerprint"); fp != nullptr && !fp->is_null()) {
    Result<Fingerprint> decoded = DecodeFingerprint(*fp);
    if (!decoded.ok()) {
      return decoded.status().WithContext("snapshot");
    }
    snap.fingerprint = std::move(decoded).value();
  }
  std::size_t usable = 0;
  if (const Value* ms = root->Find("measurements")) {
    AICR_ASSIGN_OR_RETURN(const Sequence* seq, DecodeSequence(*ms, "measurements"));
    for (std::size_t i = 0; i < seq->size(); ++i) {
      const Value& entry = (*seq)[i];
      if (entry.is_null()) {
        continue;
      }
      const std::string field = "measurements[" + std::to_string(i) + "]";
      AICR_ASSIGN_OR_RETURN(const Mapping* m, DecodeMapping(entry, field));
      AICR_ASSIGN_OR_RETURN(Measurement measurement, DecodeMeasurement(*m, field));
      if (!measurement.type.empty()) {
        ++usable;
      }
      snap.measurements.push_back(std::move(measurement));
    }
  }
  if (usable == 0) {
    return InvalidRequestError(
        "snapshot: no usable measurements (each needs a non-empty type); the document is "
        "not a snapshot or is empty");
  }
  return snap;
}

Value EncodeSnapshot(const Snapshot& snapshot) {
  Mapping out;
  if (!snapshot.kind.empty()) {
    out.Set("kind", Value(snapshot.kind));
  }
  if (!snapshot.api_version.empty()) {
    out.Set("apiVersion", Value(snapshot.api_version));
  }
  if (!snapshot.metadata.empty()) {
    out.Set("metadata", EncodeStringMap(snapshot.metadata));
  }
  if (snapshot.fingerprint) {
    out.Set("fingerprint", EncodeFingerprint(*snapshot.fingerprint));
  }
  Sequence measurements;
  for (const Measurement& m : snapshot.measurements) {
    Mapping mm;
    mm.Set("type", Value(m.type));
    if (!m.subtypes.empty()) {
      Sequence subtypes;
      for (const Subtype& st : m.subtypes) {
        subtypes.push_back(EncodeSubtype(st));
      }
      mm.Set("subtypes", Value(std::move(subtypes)));
    }
    measurements.push_back(Value(std::move(mm)));
  }
  out.Set("measurements", Value(std::move(measurements)));
  return Value(std::move(out));
}

}  // namespace aicr::measurement
