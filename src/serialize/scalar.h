#pragma once

/// \file
/// YAML scalar rules: YAML 1.2 core-schema resolution of plain scalars, the writer's
/// quoting predicate (safe for YAML 1.2 and YAML 1.1 readers such as Helm), float
/// formatting and the small UTF-8 helpers the writers share.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "serialize/value.h"

namespace aicr::serialize {

/// `null`, `Null`, `NULL`, `~` or empty.
bool IsCoreNull(std::string_view text);
/// `true|True|TRUE|false|False|FALSE`; nullopt otherwise (`yes`/`on` are strings in 1.2).
std::optional<bool> ParseCoreBool(std::string_view text);
/// `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`; nullopt on another syntax or when the
/// value does not fit an int64.
std::optional<std::int64_t> ParseCoreInt(std::string_view text);
/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` (so decimal ints too),
/// `[-+]?.inf` and `.nan` in their three spellings; nullopt on another syntax or when a
/// finite spelling overflows a double (the scalar then stays a string, as in go-yaml v3).
std::optional<double> ParseCoreFloat(std::string_view text);

/// Resolves a plain (unquoted, untagged) scalar under the YAML 1.2 core schema:
/// null, bool, int, float, else string. A decimal integer beyond int64 becomes a float
/// (it matches the float pattern, as in go-yaml v3); an out-of-range `0x`/`0o` stays a string.
Value ResolvePlainScalar(std::string_view text);

/// Whether the canonical YAML writer must quote `s`: writing it plain would not read
/// back as this string under the YAML 1.2 core schema or under YAML 1.1 (Helm and
/// go-yaml v2: `yes`/`on`/`y`, `0777`, `0b101`, `1_000`, `1:20`, dates, `<<`, `=`), or it
/// is not a valid single-line plain scalar (empty, leading/trailing space, indicator
/// first, `: `, ` #`, trailing `:`, document markers, control or non-printable
/// characters, invalid UTF-8).
bool NeedsQuoting(std::string_view s);

/// `s` as a YAML double-quoted scalar (also valid to read as a quoted string in
/// messages): escapes `"`, `\`, control and non-printable characters; invalid UTF-8
/// bytes become `\uFFFD`.
std::string DoubleQuote(std::string_view s);

/// Shortest round-trip decimal form of a finite double that always reads back as a
/// float: `1.0`, `0.1`, `1e+300`, `-0.0`.
std::string FormatFloatShortest(double d);
/// FormatFloatShortest, or `.inf`, `-.inf`, `.nan`.
std::string FormatYamlFloat(double d);

/// Decodes one UTF-8 sequence at `pos` (strict: no overlongs, surrogates or values past
/// U+10FFFF). Returns its length and sets `cp`, or 0 when the bytes there are invalid.
std::size_t DecodeUtf8(std::string_view s, std::size_t pos, char32_t& cp);
/// Whether `s` is entirely valid UTF-8.
bool IsValidUtf8(std::string_view s);

}  // namespace aicr::serialize
