#pragma once

/// \file
/// The line-oriented file reader the host collectors share: a size cap (1 MiB by
/// default), strict UTF-8, lines split on `\n` and trimmed, empty lines dropped
/// and `#` comment lines skipped.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace aicr::collector {

/// The default cap on one parsed file.
inline constexpr std::size_t kMaxParsedFileBytes = std::size_t{1024} * 1024;

/// Reads the whole file at `path`. NOT_FOUND when it does not exist, UNAUTHORIZED
/// when permission is denied, INVALID_REQUEST when it holds more than `max_bytes`
/// bytes, INTERNAL for other read errors. Works for files whose size is not known
/// in advance (procfs reports 0).
Result<std::string> ReadFileCapped(const std::string& path,
                                   std::size_t max_bytes = kMaxParsedFileBytes);

/// Splits `content` on `\n`, trims each line, drops empty lines and lines starting
/// with `#`.
std::vector<std::string> SplitParsedLines(std::string_view content);

/// ReadFileCapped, then INVALID_REQUEST unless the content is valid UTF-8, then
/// SplitParsedLines.
Result<std::vector<std::string>> ReadParsedLines(const std::string& path,
                                                 std::size_t max_bytes = kMaxParsedFileBytes);

}  // namespace aicr::collector
