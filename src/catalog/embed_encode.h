#pragma once

/// \file
/// The code generator behind aicr_embed_tool: collects the files of a directory and
/// writes the C++ translation unit that defines the embedded table
/// (embedded_table.h). Standard library only: the tool links nothing else.
/// Output is deterministic: paths in walk order, no timestamps, no absolute paths.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace aicr::catalog::embed {

/// One file to embed.
struct InputFile {
  /// Relative path, forward slashes.
  std::string path;
  std::string bytes;
};

/// Reads every regular file under `root` (symlinks to files are followed); hidden
/// files and directories (a name starting with `.`) are skipped. A missing `root`
/// gives no files. Returns false with `*error` set when an entry cannot be read or
/// is a symlink to a directory, a broken symlink or a special file.
bool CollectFiles(const std::filesystem::path& root, std::vector<InputFile>* files,
                  std::string* error);

/// `bytes` as one or more adjacent C++ narrow string literals (`"..." "..."`), split
/// after newlines and every ~76 source characters, joined by `separator`. Every byte
/// round-trips: quotes, backslashes, `?`, NUL and non-ASCII bytes are escaped
/// (octal escapes always use three digits). Empty input gives `""`.
std::string EncodeStringLiteral(std::string_view bytes, std::string_view separator = "\n    ");

/// The whole translation unit for `files` (sorted here by walk order; a duplicate
/// path is a programming error and keeps the first). Each file's bytes are split
/// into internal::kEmbedChunkBytes-byte literals.
std::string GenerateSource(std::vector<InputFile> files);

}  // namespace aicr::catalog::embed
