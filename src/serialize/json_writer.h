#pragma once

/// \file
/// The canonical JSON writer: keys sorted by byte order (unless `sort_keys` is false),
/// 2-space indent (or compact), `\n` line ends, a final newline, `{}`/`[]` for empty
/// collections. Strings are escaped as Go's encoding/json does: `"` `\` `\b` `\f` `\n`
/// `\r` `\t`, other control characters, `<`, `>`, `&`, U+2028 and U+2029 as `\u00XX`
/// forms; invalid UTF-8 bytes become `\ufffd`. Floats use the shortest round-trip form
/// and keep a fraction when integral (`1.0`); ints are decimal.

#include <string>

#include "base/result.h"
#include "serialize/value.h"

namespace aicr::serialize {

struct JsonWriteOptions {
  /// Sort object keys by byte order; false keeps insertion order.
  bool sort_keys = true;
  /// One line with no spaces instead of the indented form.
  bool compact = false;
  /// End the output with `\n`.
  bool trailing_newline = true;
};

/// INVALID_REQUEST `json: cannot encode <.inf|-.inf|.nan> at <path>` for a non-finite float.
Result<std::string> WriteJson(const Value& value, const JsonWriteOptions& options = {});

}  // namespace aicr::serialize
