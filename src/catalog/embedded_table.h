#pragma once

/// \file
/// The table the generated translation unit (embedded_recipes.cc, written by
/// aicr_embed_tool at build time) defines. Internal to the catalog module: use
/// EmbeddedProvider() instead. Standard library only.

#include <cstddef>
#include <span>

namespace aicr::catalog::internal {

/// Each file's bytes are stored as string literals of this many bytes (the last one
/// shorter), well inside the 65536-byte literal length every C++ compiler supports.
inline constexpr std::size_t kEmbedChunkBytes = 16384;

/// One embedded file.
struct EmbeddedFile {
  /// Relative to recipes/, forward slashes.
  const char* path;
  /// Total bytes.
  std::size_t size;
  /// ceil(size / kEmbedChunkBytes) literals; null for an empty file.
  const char* const* chunks;
  std::size_t chunk_count;
};

/// Every embedded file, ordered by WalkOrderLess on the path (no duplicates).
std::span<const EmbeddedFile> EmbeddedFiles();

}  // namespace aicr::catalog::internal
