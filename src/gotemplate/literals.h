#pragma once

/// \file
/// Go literals inside actions: numbers, quoted and raw strings, character constants.

#include <string_view>

#include "base/result.h"
#include "serialize/value.h"

namespace aicr::gotemplate::internal {

/// A number as written: decimal, `0x`, `0o`, `0b` and 0-prefixed octal integers (with
/// `_` between digits) are ints; decimal floats (`1.5`, `.5`, `1e3`) are floats, as in
/// Go's templates. INVALID_REQUEST `bad number syntax: "<text>"` or
/// `number out of range: "<text>"`.
Result<serialize::Value> NumberValue(std::string_view text);

/// A `"..."` string with Go's escapes (`\n`, `\x41`, `\101`, `\u00e9`, ...) or a raw
/// `` `...` `` string (carriage returns dropped), quotes included in `text`; invalid
/// UTF-8 becomes U+FFFD. INVALID_REQUEST `invalid syntax: <text>`.
Result<serialize::Value> UnquoteString(std::string_view text);

/// A `'x'` character constant, quotes included: its code point as an int.
Result<serialize::Value> CharValue(std::string_view text);

}  // namespace aicr::gotemplate::internal
