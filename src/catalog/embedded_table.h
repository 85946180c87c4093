#pragma once

/// \file
/// The table the generated translation unit (embedded_recipes.cc, written by
/// aicr_embed_tool at build time) defines. Internal to the catalog module: use
/// EmbeddedProvider() instead. Standard library only.
///
/// Besides its bytes, a `.yaml` file that holds exactly one YAML document (outside
/// `components/` and `checks/`, which are raw bytes nobody parses at load) carries a
/// pre-parsed form: serialize::WriteJson(ParseYaml(bytes)) in compact form with keys
/// in document order, checked at build time to read back (serialize::ParseJson) to
/// the same document. JSON reads >10x faster than YAML, so loaders prefer it
/// (DataProvider::PreparsedJson).

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
  /// The pre-parsed JSON's total bytes; 0 when the file has none (a JSON text is
  /// never empty).
  std::size_t json_size;
  /// ceil(json_size / kEmbedChunkBytes) literals; null when the file has none.
  const char* const* json_chunks;
  std::size_t json_chunk_count;
};

/// Every embedded file, ordered by WalkOrderLess on the path (no duplicates).
std::span<const EmbeddedFile> EmbeddedFiles();

}  // namespace aicr::catalog::internal
