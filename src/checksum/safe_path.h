#pragma once

/// \file
/// Path safety for every path built from data: component, folder, manifest basename,
/// data and metadata paths (aicr-bundle §7). Purely lexical; callers that touch the
/// file system additionally refuse to follow symlinks (see verify.h).

#include <string>
#include <string_view>

#include "base/result.h"

namespace aicr::checksum {

/// Whether `name` may be used as one path segment: not empty, not `.` or `..`, and
/// without `/`, `\`, NUL or any other ASCII control character (U+0000–U+001F, U+007F).
bool IsSafePathComponent(std::string_view name);

/// Go's path.Clean on a slash-separated path: collapses `//`, removes `.` segments,
/// resolves `x/..` lexically, drops a trailing slash; "" becomes ".". A rooted path
/// stays rooted and `..` cannot climb above `/`.
std::string CleanPath(std::string_view path);

/// `base` joined with the relative path `rel`, lexically cleaned.
/// `rel` may contain inner `.`/`..` segments as long as the cleaned result stays
/// strictly below `base` (`a/../b` is fine, `..`, `a/../..` and `.` are not).
/// Errors (kInvalidRequest, naming `rel`): empty `base` or `rel`; `rel` absolute, with
/// a drive letter (`C:`), a backslash, or a NUL or other control character; a result
/// that is `base` itself or outside it.
Result<std::string> SafeJoin(std::string_view base, std::string_view rel);

/// `"s"` with `"`, `\` and ASCII control bytes escaped (`\n`, `\t`, `\xNN`) so a
/// hostile path cannot forge lines in an error message; other bytes are unchanged.
std::string QuotePath(std::string_view s);

}  // namespace aicr::checksum
