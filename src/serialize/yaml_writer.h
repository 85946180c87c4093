#pragma once

/// \file
/// The canonical YAML writer. Output is deterministic and reads back (with ParseYaml,
/// and with YAML 1.1 readers such as Helm's) as the same Value:
///
/// - keys sorted by byte order (unless `sort_keys` is false), 2-space indent, block
///   style, `\n` line ends and a final newline;
/// - sequences inside a mapping are indented under their key (`key:\n  - a`), a
///   mapping inside a sequence starts on the dash line (`- name: x\n  value: y`), a
///   sequence inside a sequence too (`- - a\n  - b`);
/// - empty collections are `{}` and `[]`, null is `null`;
/// - strings are plain unless NeedsQuoting (scalar.h) says otherwise, then
///   double-quoted; a multi-line string is a literal block (`|`, `|-`, `|+`, with an
///   indentation indicator when its first line starts with a space) unless it has
///   trailing spaces on a line, control or non-printable characters, or no non-empty
///   line, in which case it is double-quoted; invalid UTF-8 bytes become U+FFFD;
/// - floats use the shortest round-trip form and always look like floats (`1.0`,
///   `1e+300`, `.inf`, `-.inf`, `.nan`); ints are decimal;
/// - a key longer than 1000 bytes is written as an explicit `? key` entry.

#include <string>
#include <vector>

#include "serialize/value.h"

namespace aicr::serialize {

struct WriteOptions {
  /// Sort mapping keys by byte order; false keeps insertion order.
  bool sort_keys = true;
};

/// One document, ending in a newline.
std::string WriteYaml(const Value& value, const WriteOptions& options = {});

/// Documents joined by `---\n`; empty for no documents.
std::string WriteYamlDocuments(const std::vector<Value>& documents,
                               const WriteOptions& options = {});

}  // namespace aicr::serialize
