#pragma once

/// \file
/// The code generator behind aicr_embed_tool: collects the files of a directory and
/// writes the C++ translation unit that defines the embedded table
/// (embedded_table.h), including the pre-parsed JSON of single-document YAML files
/// (PrepareJson, which needs aicr::serialize; the rest is standard library only).
/// Output is deterministic: paths in walk order, no timestamps, no absolute paths.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aicr::catalog::embed {

/// One file to embed.
struct InputFile {
  /// Relative path, forward slashes.
  std::string path;
  std::string bytes;
  /// The pre-parsed form (see embedded_table.h), set by PrepareJson.
  std::optional<std::string> json;
};

/// Whether `path` gets a pre-parsed form: it ends in `.yaml` and is not under
/// `components/` or `checks/` (matched anywhere in the path, as the recipe store
/// matches them).
bool WantsJson(std::string_view path);

/// For every file WantsJson accepts, parses the YAML (default serialize::ParseOptions,
/// as loaders use) and, when it holds exactly one document, sets `json` to its compact
/// JSON with keys in document order. A file that does not parse fails: returns false
/// with `*error` = `<path>: <parse error>`. A document JSON cannot carry (a non-finite
/// float), or one whose JSON would not read back to the same document (checked: same
/// value, same key order), gets no `json` and loaders parse its YAML. Files with zero
/// or several documents get none either; each file left without `json` for one of
/// the first two reasons is described in `*notes` when given.
bool PrepareJson(std::vector<InputFile>* files, std::string* error,
                 std::vector<std::string>* notes = nullptr);

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
/// path is a programming error and keeps the first). Each file's bytes, and its
/// `json` when set, are split into internal::kEmbedChunkBytes-byte literals.
std::string GenerateSource(std::vector<InputFile> files);

}  // namespace aicr::catalog::embed
