#pragma once

/// \file
/// The one in-memory document model shared by the YAML and JSON readers and
/// writers: null, bool, int64, float (double), string, sequence and mapping.
/// Mappings keep insertion order and have string keys; a float stays a float
/// (1.0 is never confused with 1).

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "base/limits.h"
#include "base/result.h"
#include "base/status.h"

namespace aicr::serialize {

/// Bounds applied by ParseYaml / ParseJson.
struct ParseOptions {
  /// Inputs longer than this are rejected before parsing.
  std::size_t max_bytes = limits::kMaxInputBytes;
  /// Deepest allowed nesting of sequences and mappings (the root collection is depth 1).
  std::size_t max_depth = limits::kMaxDepth;
  /// YAML only: nodes a document may produce, alias expansions and anchor copies included.
  std::size_t max_nodes = limits::kMaxYamlNodes;
};

/// The kind of a Value.
enum class ValueType { kNull, kBool, kInt, kFloat, kString, kSequence, kMapping };

/// `null`, `bool`, `int`, `float`, `string`, `sequence` or `mapping`.
std::string_view ValueTypeName(ValueType type);

class Value;

/// An ordered list of values.
using Sequence = std::vector<Value>;

/// String-keyed mapping that preserves insertion order and never holds a key twice.
class Mapping {
 public:
  using Entry = std::pair<std::string, Value>;

  Mapping();
  Mapping(const Mapping& other);
  Mapping(Mapping&& other) noexcept;
  Mapping& operator=(const Mapping& other);
  Mapping& operator=(Mapping&& other) noexcept;
  ~Mapping();

  std::size_t size() const;
  bool empty() const;

  /// The value stored under `key`, or nullptr.
  const Value* Find(std::string_view key) const;
  Value* Find(std::string_view key);
  bool Contains(std::string_view key) const { return Find(key) != nullptr; }

  /// Appends `key`; INVALID_REQUEST `duplicate key "<key>"` when it is already present.
  Status Insert(std::string key, Value value);
  /// Inserts or replaces `key` (a replaced key keeps its position); returns the stored value.
  Value& Set(std::string key, Value value);
  /// Removes `key`; returns whether it was present.
  bool Erase(std::string_view key);

  /// Entries in insertion order.
  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<Entry>::const_iterator begin() const;
  std::vector<Entry>::const_iterator end() const;
  /// The value of the i-th entry in insertion order (keys are not mutable).
  Value& value_at(std::size_t i);

  /// Entries ordered by key (byte order).
  std::vector<const Entry*> SortedEntries() const;

  /// Order-insensitive: the same keys mapped to equal values.
  friend bool operator==(const Mapping& a, const Mapping& b);

 private:
  void Reindex();
  std::size_t IndexOf(std::string_view key) const;  // size() when absent

  std::vector<Entry> entries_;
  // Built once the mapping grows past a few entries; maps key -> position.
  std::unique_ptr<std::unordered_map<std::string, std::size_t>> index_;
};

/// A document node.
class Value {
 public:
  /// Null.
  Value() = default;
  Value(std::nullptr_t) {}     // NOLINT(google-explicit-constructor)
  Value(bool b) : data_(b) {}  // NOLINT(google-explicit-constructor)
  /// Any integer type but bool and char. REQUIRES: the value fits an int64.
  template <typename T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool> &&
                                             !std::is_same_v<T, char>,
                                         int> = 0>
  Value(T i) : data_(static_cast<std::int64_t>(i)) {}   // NOLINT(google-explicit-constructor)
  Value(double d) : data_(d) {}                         // NOLINT(google-explicit-constructor)
  Value(std::string s) : data_(std::move(s)) {}         // NOLINT(google-explicit-constructor)
  Value(std::string_view s) : data_(std::string(s)) {}  // NOLINT(google-explicit-constructor)
  Value(const char* s) : data_(std::string(s)) {}       // NOLINT(google-explicit-constructor)
  Value(Sequence s) : data_(std::move(s)) {}            // NOLINT(google-explicit-constructor)
  Value(Mapping m) : data_(std::move(m)) {}             // NOLINT(google-explicit-constructor)

  static Value EmptySequence() { return Value(Sequence{}); }
  static Value EmptyMapping() { return Value(Mapping{}); }

  ValueType type() const { return static_cast<ValueType>(data_.index()); }
  bool is_null() const { return type() == ValueType::kNull; }
  bool is_bool() const { return type() == ValueType::kBool; }
  bool is_int() const { return type() == ValueType::kInt; }
  bool is_float() const { return type() == ValueType::kFloat; }
  bool is_string() const { return type() == ValueType::kString; }
  bool is_sequence() const { return type() == ValueType::kSequence; }
  bool is_mapping() const { return type() == ValueType::kMapping; }
  bool is_scalar() const { return !is_sequence() && !is_mapping(); }

  /// Pointer accessors: nullptr when the value has another type.
  const bool* if_bool() const { return std::get_if<bool>(&data_); }
  const std::int64_t* if_int() const { return std::get_if<std::int64_t>(&data_); }
  const double* if_float() const { return std::get_if<double>(&data_); }
  const std::string* if_string() const { return std::get_if<std::string>(&data_); }
  const Sequence* if_sequence() const { return std::get_if<Sequence>(&data_); }
  Sequence* if_sequence() { return std::get_if<Sequence>(&data_); }
  const Mapping* if_mapping() const { return std::get_if<Mapping>(&data_); }
  Mapping* if_mapping() { return std::get_if<Mapping>(&data_); }

  /// Checked accessors: INVALID_REQUEST `expected <type>, got <type>` on a mismatch.
  Result<bool> AsBool() const;
  Result<std::int64_t> AsInt() const;
  /// Accepts an int too (converted).
  Result<double> AsFloat() const;
  Result<std::string> AsString() const;

  /// Elements of a sequence or entries of a mapping; 0 for scalars.
  std::size_t size() const;

  /// Mapping lookup; nullptr when not a mapping or `key` is absent.
  const Value* Find(std::string_view key) const;
  Value* Find(std::string_view key);
  /// Dotted-path lookup, e.g. `spec.containers.0.name`: a segment selects a mapping key,
  /// or a decimal index in a sequence. An empty path is this value. nullptr when absent.
  const Value* FindPath(std::string_view path) const;

  /// Mapping builder (a null becomes an empty mapping first); INVALID_REQUEST
  /// `duplicate key "<key>"`, or `expected mapping, got <type>` for other types.
  Status Insert(std::string key, Value value);
  /// Inserts or replaces; turns any non-mapping into an empty mapping first.
  Value& Set(std::string key, Value value);
  /// Sequence builder; turns any non-sequence into an empty sequence first.
  Value& Append(Value value);

  /// Deep equality. Types must match (1 != 1.0); mappings compare regardless of key
  /// order; NaN equals NaN and -0.0 differs from 0.0, so equality is an equivalence.
  friend bool operator==(const Value& a, const Value& b);

  /// A compact one-line flow rendering for logs and test failures.
  std::string DebugString() const;

 private:
  std::variant<std::monostate, bool, std::int64_t, double, std::string, Sequence, Mapping> data_;
};

/// gtest printer.
void PrintTo(const Value& value, std::ostream* os);

/// Go text/template's (and so Helm's) truth rule: false for an absent value (null
/// pointer), null, false, 0, 0.0, "" and empty collections; true otherwise.
bool IsTruthy(const Value* value);

// Defined here, where Value is complete (clang instantiates them eagerly).
inline std::size_t Mapping::size() const { return entries_.size(); }
inline bool Mapping::empty() const { return entries_.empty(); }
inline std::vector<Mapping::Entry>::const_iterator Mapping::begin() const {
  return entries_.begin();
}
inline std::vector<Mapping::Entry>::const_iterator Mapping::end() const { return entries_.end(); }

}  // namespace aicr::serialize
