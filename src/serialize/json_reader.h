#pragma once

/// \file
/// JSON reader (RFC 8259, strict) into Value.
///
/// - Duplicate object keys are errors; nesting is bounded by `max_depth` and the input
///   by `max_bytes` (checked before parsing); trailing non-whitespace is an error.
/// - A number with a fraction or exponent is a float (`1.0` stays a float); an integer
///   is an int, and an integer beyond int64 (including uint64 values) becomes a float,
///   as Go's encoding/json reads numbers into interface{}.
/// - Strings must be valid UTF-8.
/// Errors are INVALID_REQUEST `json: line L, column C: <reason>` (1-based, column in bytes).

#include <string_view>

#include "base/result.h"
#include "serialize/value.h"

namespace aicr::serialize {

/// Parses one JSON text. `options.max_nodes` does not apply (JSON has no aliases).
Result<Value> ParseJson(std::string_view text, const ParseOptions& options = {});

}  // namespace aicr::serialize
