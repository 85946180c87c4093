#include "serialize/value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ostream>

#include "serialize/scalar.h"

namespace aicr::serialize {
namespace {

// Mappings this small are searched linearly; larger ones get a hash index.
constexpr std::size_t kIndexThreshold = 8;

std::string TypeMismatch(std::string_view want, ValueType got) {
  return "expected " + std::string(want) + ", got " + std::string(ValueTypeName(got));
}

bool FloatEqual(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) {
    return std::isnan(a) && std::isnan(b);
  }
  return a == b && std::signbit(a) == std::signbit(b);
}

void AppendDebug(const Value& v, std::string& out) {
  switch (v.type()) {
    case ValueType::kNull:
      out += "null";
      return;
    case ValueType::kBool:
      out += *v.if_bool() ? "true" : "false";
      return;
    case ValueType::kInt:
      out += std::to_string(*v.if_int());
      return;
    case ValueType::kFloat:
      out += FormatYamlFloat(*v.if_float());
      return;
    case ValueType::kString:
      out += DoubleQuote(*v.if_string());
      return;
    case ValueType::kSequence: {
      out += '[';
      bool first = true;
      for (const Value& item : *v.if_sequence()) {
        if (!first) {
          out += ", ";
        }
        first = false;
        AppendDebug(item, out);
      }
      out += ']';
      return;
    }
    case ValueType::kMapping: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : *v.if_mapping()) {
        if (!first) {
          out += ", ";
        }
        first = false;
        out += DoubleQuote(key);
        out += ": ";
        AppendDebug(item, out);
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

std::string_view ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kNull:
      return "null";
    case ValueType::kBool:
      return "bool";
    case ValueType::kInt:
      return "int";
    case ValueType::kFloat:
      return "float";
    case ValueType::kString:
      return "string";
    case ValueType::kSequence:
      return "sequence";
    case ValueType::kMapping:
      return "mapping";
  }
  return "unknown";
}

// ---- Mapping ----

Mapping::Mapping() = default;
Mapping::Mapping(const Mapping& other) : entries_(other.entries_) {
  if (other.index_ != nullptr) {
    index_ = std::make_unique<std::unordered_map<std::string, std::size_t>>(*other.index_);
  }
}
Mapping::Mapping(Mapping&& other) noexcept = default;
Mapping& Mapping::operator=(const Mapping& other) {
  if (this != &other) {
    Mapping copy(other);
    *this = std::move(copy);
  }
  return *this;
}
Mapping& Mapping::operator=(Mapping&& other) noexcept = default;
Mapping::~Mapping() = default;

void Mapping::Reindex() {
  if (entries_.size() <= kIndexThreshold) {
    index_.reset();
    return;
  }
  index_ = std::make_unique<std::unordered_map<std::string, std::size_t>>();
  index_->reserve(entries_.size() * 2);
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    index_->emplace(entries_[i].first, i);
  }
}

std::size_t Mapping::IndexOf(std::string_view key) const {
  if (index_ != nullptr) {
    // Heterogeneous lookup needs C++20 transparent hashing; a temporary key is fine here.
    auto it = index_->find(std::string(key));
    return it == index_->end() ? entries_.size() : it->second;
  }
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].first == key) {
      return i;
    }
  }
  return entries_.size();
}

const Value* Mapping::Find(std::string_view key) const {
  std::size_t i = IndexOf(key);
  return i == entries_.size() ? nullptr : &entries_[i].second;
}

Value* Mapping::Find(std::string_view key) {
  std::size_t i = IndexOf(key);
  return i == entries_.size() ? nullptr : &entries_[i].second;
}

Status Mapping::Insert(std::string key, Value value) {
  if (Contains(key)) {
    return InvalidRequestError("duplicate key " + DoubleQuote(key));
  }
  entries_.emplace_back(std::move(key), std::move(value));
  if (index_ != nullptr) {
    index_->emplace(entries_.back().first, entries_.size() - 1);
  } else if (entries_.size() > kIndexThreshold) {
    Reindex();
  }
  return OkStatus();
}

Value& Mapping::Set(std::string key, Value value) {
  if (Value* existing = Find(key)) {
    *existing = std::move(value);
    return *existing;
  }
  entries_.emplace_back(std::move(key), std::move(value));
  if (index_ != nullptr) {
    index_->emplace(entries_.back().first, entries_.size() - 1);
  } else if (entries_.size() > kIndexThreshold) {
    Reindex();
  }
  return entries_.back().second;
}

bool Mapping::Erase(std::string_view key) {
  std::size_t i = IndexOf(key);
  if (i == entries_.size()) {
    return false;
  }
  entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
  Reindex();
  return true;
}

Value& Mapping::value_at(std::size_t i) { return entries_.at(i).second; }

std::vector<const Mapping::Entry*> Mapping::SortedEntries() const {
  std::vector<const Entry*> out;
  out.reserve(entries_.size());
  for (const Entry& e : entries_) {
    out.push_back(&e);
  }
  std::sort(out.begin(), out.end(),
            [](const Entry* a, const Entry* b) { return a->first < b->first; });
  return out;
}

bool operator==(const Mapping& a, const Mapping& b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (const auto& [key, value] : a.entries_) {
    const Value* other = b.Find(key);
    if (other == nullptr || !(value == *other)) {
      return false;
    }
  }
  return true;
}

// ---- Value ----

Result<bool> Value::AsBool() const {
  if (const bool* b = if_bool()) {
    return *b;
  }
  return InvalidRequestError(TypeMismatch("bool", type()));
}

Result<std::int64_t> Value::AsInt() const {
  if (const std::int64_t* i = if_int()) {
    return *i;
  }
  return InvalidRequestError(TypeMismatch("int", type()));
}

Result<double> Value::AsFloat() const {
  if (const double* d = if_float()) {
    return *d;
  }
  if (const std::int64_t* i = if_int()) {
    return static_cast<double>(*i);
  }
  return InvalidRequestError(TypeMismatch("float", type()));
}

Result<std::string> Value::AsString() const {
  if (const std::string* s = if_string()) {
    return *s;
  }
  return InvalidRequestError(TypeMismatch("string", type()));
}

std::size_t Value::size() const {
  if (const Sequence* s = if_sequence()) {
    return s->size();
  }
  if (const Mapping* m = if_mapping()) {
    return m->size();
  }
  return 0;
}

const Value* Value::Find(std::string_view key) const {
  const Mapping* m = if_mapping();
  return m == nullptr ? nullptr : m->Find(key);
}

Value* Value::Find(std::string_view key) {
  Mapping* m = if_mapping();
  return m == nullptr ? nullptr : m->Find(key);
}

const Value* Value::FindPath(std::string_view path) const {
  const Value* cur = this;
  while (!path.empty() && cur != nullptr) {
    std::size_t dot = path.find('.');
    std::string_view segment = path.substr(0, dot);
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    if (const Mapping* m = cur->if_mapping()) {
      cur = m->Find(segment);
    } else if (const Sequence* s = cur->if_sequence()) {
      std::size_t index = 0;
      auto [ptr, ec] = std::from_chars(segment.data(), segment.data() + segment.size(), index);
      if (segment.empty() || ec != std::errc() || ptr != segment.data() + segment.size() ||
          index >= s->size()) {
        return nullptr;
      }
      cur = &(*s)[index];
    } else {
      return nullptr;
    }
  }
  return cur;
}

Status Value::Insert(std::string key, Value value) {
  if (is_null()) {
    data_ = Mapping();
  }
  Mapping* m = if_mapping();
  if (m == nullptr) {
    return InvalidRequestError(TypeMismatch("mapping", type()));
  }
  return m->Insert(std::move(key), std::move(value));
}

Value& Value::Set(std::string key, Value value) {
  if (!is_mapping()) {
    data_ = Mapping();
  }
  return std::get<Mapping>(data_).Set(std::move(key), std::move(value));
}

Value& Value::Append(Value value) {
  if (!is_sequence()) {
    data_ = Sequence();
  }
  Sequence& s = std::get<Sequence>(data_);
  s.push_back(std::move(value));
  return s.back();
}

bool operator==(const Value& a, const Value& b) {
  if (a.type() != b.type()) {
    return false;
  }
  switch (a.type()) {
    case ValueType::kNull:
      return true;
    case ValueType::kBool:
      return *a.if_bool() == *b.if_bool();
    case ValueType::kInt:
      return *a.if_int() == *b.if_int();
    case ValueType::kFloat:
      return FloatEqual(*a.if_float(), *b.if_float());
    case ValueType::kString:
      return *a.if_string() == *b.if_string();
    case ValueType::kSequence:
      return *a.if_sequence() == *b.if_sequence();
    case ValueType::kMapping:
      return *a.if_mapping() == *b.if_mapping();
  }
  return false;
}

std::string Value::DebugString() const {
  std::string out;
  AppendDebug(*this, out);
  return out;
}

void PrintTo(const Value& value, std::ostream* os) { *os << value.DebugString(); }

bool IsTruthy(const Value* v) {
  if (v == nullptr) {
    return false;
  }
  switch (v->type()) {
    case ValueType::kNull:
      return false;
    case ValueType::kBool:
      return *v->if_bool();
    case ValueType::kInt:
      return *v->if_int() != 0;
    case ValueType::kFloat:
      return *v->if_float() != 0.0;
    case ValueType::kString:
      return !v->if_string()->empty();
    case ValueType::kSequence:
    case ValueType::kMapping:
      return v->size() > 0;
  }
  return false;
}

}  // namespace aicr::serialize
