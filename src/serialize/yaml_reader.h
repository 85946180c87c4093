#pragma once

/// \file
/// YAML reader: YAML 1.2 core schema into Value, with the bounds untrusted input needs.
///
/// - Plain scalars resolve as in scalar.h; quoted and block scalars are strings.
/// - Explicit core tags are honoured (`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`,
///   `!!map`, `!!seq`); a value that does not fit its tag, or a collection tag on the
///   wrong kind, is an error. Any other tag (`!foo`, `!!binary`, `!!timestamp`) is
///   ignored: a scalar carrying it is a string, a collection keeps its kind (go-yaml v3).
/// - Mapping keys are strings: a scalar key is its source text (`1:` gives "1", `~:`
///   gives "~", an empty key gives ""); a collection key is an error.
/// - Duplicate keys are errors (`yaml: line 3: duplicate key "foo"`).
/// - `<<` merges a mapping or a sequence of mappings: explicit keys win, earlier merged
///   mappings win over later ones, merged keys are appended after the explicit ones.
/// - Aliases are expanded by copying; every produced node, and every node an anchor
///   retains, counts against `max_nodes`, so alias bombs fail before allocating much.
/// - Scalars must be valid UTF-8.
/// Every error is INVALID_REQUEST with a message starting `yaml: `, usually
/// `yaml: line L, column C: <reason>` (1-based).

#include <string_view>
#include <vector>

#include "base/result.h"
#include "serialize/value.h"

namespace aicr::serialize {

/// Parses exactly one document; an input with no document (empty, comments only) is
/// null. More than one document is an error.
Result<Value> ParseYaml(std::string_view text, const ParseOptions& options = {});

/// Parses a `---` separated stream; an empty input has no documents.
Result<std::vector<Value>> ParseYamlDocuments(std::string_view text,
                                              const ParseOptions& options = {});

}  // namespace aicr::serialize
