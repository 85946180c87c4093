#pragma once

/// \file
/// The snapshot document model: a Snapshot holds Measurements (one per type:
/// K8s, GPU, OS, SystemD, NodeTopology, NetworkTopology), each a list of Subtypes
/// whose `data` maps keys to typed scalar Readings. Decoding applies the loader
/// gates; Extract resolves a measurement path to the reading's text.

#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/result.h"
#include "measurement/fingerprint.h"
#include "measurement/path.h"
#include "serialize/value.h"

namespace aicr::measurement {

/// A typed scalar reading. All constraint evaluation works on String().
class Reading {
 public:
  enum class Kind { kInt, kUint, kFloat, kBool, kString };

  /// The empty string.
  Reading() : value_(std::string()) {}
  static Reading Int(std::int64_t v) { return Reading(v); }
  static Reading Uint(std::uint64_t v) { return Reading(v); }
  static Reading Float(double v) { return Reading(v); }
  static Reading Bool(bool v) { return Reading(v); }
  static Reading Str(std::string v) { return Reading(std::move(v)); }

  Kind kind() const { return static_cast<Kind>(value_.index()); }
  const std::int64_t* if_int() const { return std::get_if<std::int64_t>(&value_); }
  const std::uint64_t* if_uint() const { return std::get_if<std::uint64_t>(&value_); }
  const double* if_float() const { return std::get_if<double>(&value_); }
  const bool* if_bool() const { return std::get_if<bool>(&value_); }
  const std::string* if_string() const { return std::get_if<std::string>(&value_); }

  /// An integer reading: an int, a uint that fits, or a float with an integral value
  /// (JSON documents may carry counts as floats). nullopt otherwise.
  std::optional<std::int64_t> AsInteger() const;

  /// Go `%v` text: ints in decimal, bools `true`/`false`, floats in the shortest
  /// `%g` form (`8`, `0.5`, `1e+06`, `1.5e-07`, `NaN`, `+Inf`), strings verbatim.
  std::string String() const;

  /// The bare scalar (a uint beyond int64 becomes a float).
  serialize::Value ToValue() const;
  /// int, float, bool and string map to their kinds; anything else becomes a string
  /// of its Go `%v` text (null -> `<nil>`, `[a b]`, `map[k:v]`).
  static Reading FromValue(const serialize::Value& value);

  friend bool operator==(const Reading&, const Reading&) = default;

 private:
  explicit Reading(std::int64_t v) : value_(v) {}
  explicit Reading(std::uint64_t v) : value_(v) {}
  explicit Reading(double v) : value_(v) {}
  explicit Reading(bool v) : value_(v) {}
  explicit Reading(std::string v) : value_(std::move(v)) {}

  std::variant<std::int64_t, std::uint64_t, double, bool, std::string> value_;
};

/// Go `%v` text of a float64 (shortest round-trip digits, `%g` layout).
std::string FormatGoFloat(double d);

/// gtest printer.
void PrintTo(const Reading& reading, std::ostream* os);

/// One element of a subtype's `items` list.
struct Item {
  std::map<std::string, std::string> context;
  std::map<std::string, Reading> data;

  friend bool operator==(const Item&, const Item&) = default;
};

/// A named group of readings (YAML/JSON key `subtype` for the name).
struct Subtype {
  std::string name;
  std::map<std::string, Reading> data;
  /// Descriptive only; constraints never read it.
  std::map<std::string, std::string> context;
  std::vector<Item> items;

  /// The reading under `key` in `data`, or nullptr.
  const Reading* Find(std::string_view key) const;
  /// The string reading under `key`; nullopt when absent or not a string.
  std::optional<std::string> GetString(std::string_view key) const;

  friend bool operator==(const Subtype&, const Subtype&) = default;
};

/// All readings of one type.
struct Measurement {
  std::string type;
  std::vector<Subtype> subtypes;

  /// The first subtype named `name`, or nullptr.
  const Subtype* FindSubtype(std::string_view name) const;

  friend bool operator==(const Measurement&, const Measurement&) = default;
};

/// `Snapshot`.
inline constexpr std::string_view kSnapshotKind = "Snapshot";
/// The apiVersion written by this implementation.
inline constexpr std::string_view kSnapshotApiVersion = "aicr.run/v1alpha2";
/// Exactly `aicr.run/v1alpha2` and `aicr.run/v1`.
bool IsSupportedSnapshotApiVersion(std::string_view api_version);

/// A snapshot document.
struct Snapshot {
  std::string kind = std::string(kSnapshotKind);
  std::string api_version = std::string(kSnapshotApiVersion);
  /// `timestamp`, `version`, `source-node`, ...
  std::map<std::string, std::string> metadata;
  std::optional<Fingerprint> fingerprint;
  std::vector<Measurement> measurements;

  /// The first measurement of `type`, or nullptr.
  const Measurement* FindMeasurement(std::string_view type) const;

  /// Parses `path` (ParseSnapshotPath: INVALID_REQUEST on a bad path) and extracts it.
  Result<std::string> Extract(std::string_view path) const;

  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

/// Resolves `path` against `measurements`: first measurement of the type, first
/// subtype of the name, then `data[key].String()`. With an item selector, `[N]` picks
/// item N and `[k=v]` the single item whose `k` (looked up in its data via String(),
/// then its context) equals `v`; the key is then read from the item's data, then its
/// context. NOT_FOUND when the type, subtype, item or key is missing (also for a
/// selector on a subtype without items); CONFLICT when a predicate matches several
/// items; INVALID_REQUEST for a malformed selector.
Result<std::string> Extract(const std::vector<Measurement>& measurements, const Path& path);

/// Decodes a snapshot document with the loader gates, in order: a non-empty `kind`
/// other than `Snapshot`, then a non-empty unsupported `apiVersion`, then no usable
/// measurement (non-null with a non-empty `type`) -> INVALID_REQUEST. Empty kind and
/// apiVersion are accepted (older snapshots). Unknown keys are ignored; a wrongly
/// shaped field is INVALID_REQUEST naming it (`snapshot: measurements[0].subtypes: ...`).
Result<Snapshot> DecodeSnapshot(const serialize::Value& document);

/// Encodes in field order kind, apiVersion, metadata, fingerprint, measurements.
serialize::Value EncodeSnapshot(const Snapshot& snapshot);

}  // namespace aicr::measurement
