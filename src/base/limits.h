#pragma once

/// \file
/// Size caps applied to every input. Readers take a cap; these are the defaults.

#include <cstddef>

namespace aicr::limits {

/// Any single document read from a file, stdin or URL unless a caller sets less.
inline constexpr std::size_t kMaxInputBytes = std::size_t{10} * 1024 * 1024;
/// `--config` files and cloud pool dumps.
inline constexpr std::size_t kMaxConfigBytes = std::size_t{1024} * 1024;
/// Each file under `--data`.
inline constexpr std::size_t kMaxDataFileBytes = std::size_t{10} * 1024 * 1024;
/// Nesting depth of a YAML or JSON document.
inline constexpr std::size_t kMaxDepth = 256;
/// Nodes a YAML document may produce once aliases are expanded (billion-laughs guard).
inline constexpr std::size_t kMaxYamlNodes = 1'000'000;

}  // namespace aicr::limits
