#pragma once

/// \file
/// The function table: Go's builtins and the Sprig/Helm functions raw manifests use.
///
/// Builtins: and, or, not, len, index, eq, ne, lt, le, gt, ge, print, println, printf.
/// Sprig/Helm: toYaml, toString, default, empty, coalesce, ternary, required, fail,
/// quote, squote, indent, nindent, trim, lower, upper, replace, trunc, trimPrefix,
/// trimSuffix, contains, hasPrefix, hasSuffix, hasKey, dict, list.
///
/// Arguments follow the functions' Go signatures: a string parameter takes only a
/// string (`wrong type for value; expected string; got int`), an int parameter only an
/// int, while `any` parameters take everything. Differences from Go/Sprig, all
/// deliberate: numbers compare across int and float (the data model keeps YAML ints
/// as ints where Helm has float64); lower/upper change ASCII letters only.

#include <cstddef>
#include <limits>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "gotemplate/datum.h"

namespace aicr::gotemplate::internal {

inline constexpr std::size_t kVariadic = std::numeric_limits<std::size_t>::max();

using FuncImpl = Result<Datum> (*)(const std::vector<Datum>& args, Budget& budget);

struct Function {
  std::string_view name;
  std::size_t min_args = 0;
  /// kVariadic for no maximum.
  std::size_t max_args = 0;
  /// nullptr for `and` and `or`, which the executor evaluates lazily.
  FuncImpl impl = nullptr;
  /// The error is the function's message alone (required, fail), not
  /// `error calling <name>: ...` at a node.
  bool bare_error = false;
};

/// The function named `name`, or nullptr.
const Function* FindFunction(std::string_view name);

/// Helm functions that are known but deliberately not supported (include, tpl, lookup).
bool IsUnsupportedFunction(std::string_view name);

/// Sprig's empty: true for nil, false, 0, 0.0 and empty strings and collections.
bool IsEmpty(const Datum& d);

}  // namespace aicr::gotemplate::internal
