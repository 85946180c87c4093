#pragma once

/// \file
/// Dot-path value manipulation for the bundle pipeline: the `--set` scalar conversion
/// and application, typed (`--set-json` / `--set-file`) merges, and the `--dynamic`
/// split into values and cluster values.
///
/// A dot path (`driver.env.HTTP_PROXY`) names nested mapping keys; there is no
/// sequence-index syntax. A path is non-empty and has no empty segment.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "serialize/value.h"

namespace aicr::overrides {

/// The segments of `path`. INVALID_REQUEST `invalid value path "<path>": empty segment`
/// (or `: empty path`).
Result<std::vector<std::string>> SplitPath(std::string_view path);

/// The order overrides are applied in: fewer segments first, then bytewise. A path is
/// therefore always applied before any path it is a dot-prefix of.
bool ShallowerPath(std::string_view a, std::string_view b);

/// Whether `a` equals `b` or one is a dot-prefix of the other (`a.b` and `a.b.c`, not
/// `a.b` and `a.bc`).
bool PathsIntersect(std::string_view a, std::string_view b);

/// The value at `path`, walking mappings only; nullptr when a key is missing or an
/// intermediate value is not a mapping (or `path` is invalid).
const serialize::Value* GetValueByPath(const serialize::Value& root, std::string_view path);

/// Removes the value at `path`; returns whether one was there.
bool RemoveValueByPath(serialize::Value* root, std::string_view path);

/// Sets the value at `path` in permissive mode: missing mappings are created and a
/// non-mapping intermediate (or root) is replaced by an empty mapping. Used for values the
/// bundler injects. Fails only on an invalid path.
Status SetValueByPath(serialize::Value* root, std::string_view path, serialize::Value value);

/// Go `strconv.ParseBool`: `1 t T TRUE true True` and `0 f F FALSE false False`.
std::optional<bool> ParseGoBool(std::string_view s);

/// Go `strconv.ParseInt(s, 10, 64)`: `[+-]?[0-9]+` within int64 (no underscores, no
/// base prefix); nullopt otherwise.
std::optional<std::int64_t> ParseGoInt(std::string_view s);

/// Go `strconv.ParseFloat(s, 64)` when it returns no error:
///  - decimal `[+-]?(digits[.digits]|.digits)([eE][+-]?digits)?` and hexadecimal
///    `[+-]?0x hexmantissa p[+-]?digits` (the `p` exponent is mandatory);
///  - `_` only between digits, or between a `0x` prefix and a digit (`1_000` is 1000,
///    `1__0`, `_1`, `1_` and `1_.5` are rejected);
///  - `inf`, `infinity` with an optional sign and `nan` without one, case-insensitively;
///  - a finite spelling that overflows a double is rejected (Go's ErrRange), while an
///    underflow rounds to zero or a subnormal and is accepted, as in Go.
std::optional<double> ParseGoFloat(std::string_view s);

/// The typed value of a `--set` string (upstream `ConvertMapValue`): exactly `true` or
/// `false` become a bool, then ParseGoInt gives an int, then ParseGoFloat a float (so
/// `1e3`, `.5`, `Inf` and `NaN` are floats), and anything else stays the string.
serialize::Value ConvertMapValue(std::string_view raw);

/// Applies `--set` overrides (dot path -> raw string, converted with ConvertMapValue) to
/// `values` (a mapping; null is treated as an empty one). Paths are applied shallowest
/// first (ShallowerPath); missing intermediate mappings are created. Every failing path
/// is reported, sorted, in one INVALID_REQUEST: `failed to apply map overrides: <path>=<raw>:
/// path segment "<seg>" of "<path>" exists but is not a map (<type>)[; ...]`. Paths that
/// do not fail are applied even when another one fails.
Status ApplyMapOverrides(serialize::Value* values,
                         const std::map<std::string, std::string>& overrides);

/// Applies one typed override at `path`: a mapping deep-merges into the mapping already
/// there (nested mappings merge key by key, anything else replaces, and a null anywhere
/// inside the mapping deletes that key, also where nothing existed); any other value,
/// null included, replaces what is at `path`. Intermediate mappings are created; an
/// existing non-mapping intermediate is INVALID_REQUEST `path segment "<seg>" of "<path>"
/// exists but is not a map (<type>)`.
Status ApplyTypedOverrides(serialize::Value* values, std::string_view path,
                           const serialize::Value& value);

/// Applies every typed override shallowest first (so `driver.env` merges before
/// `driver.env.HTTP_PROXY` lands). Failures are collected, sorted, in one INVALID_REQUEST
/// `failed to apply typed overrides: <path>: <reason>[; ...]`.
Status ApplyTypedOverrides(serialize::Value* values,
                           const std::map<std::string, serialize::Value>& overrides);

/// Splits a component's final values for `--dynamic`: returns (static values, cluster
/// values), both deep copies. Each dynamic path (duplicates ignored) is moved out of the
/// static values into the same path of the cluster values; a path absent from `values`
/// is seeded with "" there so the cluster values list every key to fill in at install
/// time. Later paths below an earlier moved path write into the moved subtree, as
/// upstream does. `values` null gives an empty static mapping. INVALID_REQUEST on an
/// invalid path.
Result<std::pair<serialize::Value, serialize::Value>> SplitDynamicPaths(
    const serialize::Value& values, const std::vector<std::string>& paths);

}  // namespace aicr::overrides
