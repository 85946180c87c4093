#pragma once

/// \file
/// Label selectors (=, ==, !=, in, notin, exists, !key) and field selectors
/// (=, ==, != on dotted paths such as metadata.name or status.phase).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace aicr::testing::apiserver {

/// A parsed label or field selector; the empty selector matches everything.
class Selector {
 public:
  /// Parses a label selector; false with `err` on a syntax error.
  static bool ParseLabels(const std::string& text, Selector* out, std::string* err);
  /// Parses a field selector; false with `err` on a syntax error.
  static bool ParseFields(const std::string& text, Selector* out, std::string* err);

  /// Whether `obj` matches (labels from metadata.labels, fields by dotted path).
  bool Matches(const nlohmann::json& obj) const;
  bool empty() const { return reqs_.empty(); }

 private:
  enum class Op { kEq, kNotEq, kIn, kNotIn, kExists, kNotExists };
  struct Requirement {
    std::string key;
    Op op = Op::kEq;
    std::vector<std::string> values;
  };
  bool fields_ = false;
  std::vector<Requirement> reqs_;
};

/// The string value of the dotted `path` in `obj` ("" when absent; numbers and
/// booleans as their JSON text); `found` (may be null) says whether it exists.
std::string FieldValue(const nlohmann::json& obj, const std::string& path, bool* found);

}  // namespace aicr::testing::apiserver
