#pragma once

/// \file
/// Relative data paths: locality and the walk order shared by the embedded table,
/// the embed tool and the layered provider. Depends on the standard library only
/// (the embed tool compiles it without the rest of the project).

#include <string_view>

namespace aicr::catalog {

/// Whether `path` is a local relative path with forward slashes: not empty, not
/// absolute, and every component non-empty and neither `.` nor `..`; no NUL bytes.
bool IsLocalPath(std::string_view path);

/// Whether any component of `path` starts with `.` (editor junk, `.git`, ...).
/// Hidden files are neither embedded nor read from a `--data` directory.
bool IsHiddenPath(std::string_view path);

/// The order of a depth-first walk that visits each directory's entries sorted by
/// name (Go's fs.WalkDir): paths compare component by component, byte-wise, so
/// `a/b` sorts before `a-b` and `a.yaml`.
bool WalkOrderLess(std::string_view a, std::string_view b);

}  // namespace aicr::catalog
