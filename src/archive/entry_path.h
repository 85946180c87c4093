#pragma once

/// \file
/// The one rule for entry names in the archives we write and read (ZIP, tar.gz): a
/// canonical, local, slash-separated path.

#include <cstddef>
#include <string>
#include <string_view>

namespace aicr::archive {

/// Why `path` is not a canonical local entry path, or "" when it is: empty, longer
/// than `max_bytes`, absolute, a backslash or an ASCII control byte, an empty
/// segment (`a//b`, trailing `/`), or a `.` or `..` segment. The reasons read
/// `empty path`, `path longer than N bytes`, `absolute path`, `backslash in path`,
/// `control character in path`, `empty path segment`, `"." path segment`,
/// `".." path segment`.
std::string EntryPathProblem(std::string_view path, std::size_t max_bytes);

}  // namespace aicr::archive
