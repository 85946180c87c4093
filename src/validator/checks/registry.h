#pragma once

/// \file
/// The named checks an `aicr-validator` image can run: names are unique, kept in
/// sorted order, and an unknown name is answered with the closest known one and
/// the full list. builtin.h fills one with the deployment-phase checks.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "validator/checks/check.h"

namespace aicr::validator::checks {

class CheckRegistry {
 public:
  /// INVALID_REQUEST `check name is empty`, `check "x" has no function` or
  /// `duplicate check "x"`.
  Status Add(std::string name, CheckFunc func);

  /// The check called `name`; NOT_FOUND `unknown check: x` (plus
  /// `, did you mean "y"?` when one is close) and `(available: a, b, c)`.
  Result<CheckFunc> Find(std::string_view name) const;

  /// The names, sorted.
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, CheckFunc, std::less<>> checks_;
};

}  // namespace aicr::validator::checks
