#include "catalog/embed_encode.h"

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

#include "base/result.h"
#include "catalog/embedded_table.h"
#include "catalog/path.h"
#include "serialize/json_reader.h"
#include "serialize/json_writer.h"
#include "serialize/value.h"
#include "serialize/yaml_reader.h"

namespace aicr::catalog::embed {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kLineChars = 76;

bool ReadWholeFile(const fs::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    return false;
  }
  *out = std::move(ss).str();
  return true;
}

bool Walk(const fs::path& dir, const std::string& prefix, std::vector<InputFile>* files,
          std::string* error) {
  std::error_code ec;
  std::vector<fs::directory_entry> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    entries.push_back(*it);
  }
  if (ec) {
    *error = "cannot list " + dir.string() + ": " + ec.message();
    return false;
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return a.path().filename().string() < b.path().filename().string();
  });
  for (const fs::directory_entry& entry : entries) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.front() == '.') {
      continue;
    }
    const std::string rel = prefix.empty() ? name : prefix + "/" + name;
    const fs::file_status link = entry.symlink_status(ec);
    if (ec) {
      *error = "cannot stat " + entry.path().string() + ": " + ec.message();
      return false;
    }
    if (fs::is_directory(link)) {
      if (!Walk(entry.path(), rel, files, error)) {
        return false;
      }
      continue;
    }
    const fs::file_status target = entry.status(ec);
    if (ec || !fs::is_regular_file(target)) {
      *error = entry.path().string() + ": not a regular file or directory" +
               (fs::is_symlink(link) ? " (symlinks may only point at files)" : "");
      return false;
    }
    InputFile file;
    file.path = rel;
    if (!ReadWholeFile(entry.path(), &file.bytes)) {
      *error = "cannot read " + entry.path().string();
      return false;
    }
    files->push_back(std::move(file));
  }
  return true;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Compact, keys in document order (a Mapping's order is part of the document: the
// store keeps e.g. component and values order), no newline.
serialize::JsonWriteOptions CompactJson() {
  serialize::JsonWriteOptions options;
  options.sort_keys = false;
  options.compact = true;
  options.trailing_newline = false;
  return options;
}

// `bytes` as kEmbedChunkBytes-byte literals named `<prefix><id>_<n>` plus the
// `<prefix><id>[]` array of them (nothing for empty input).
void AppendChunks(std::string_view bytes, std::string_view prefix, const std::string& id,
                  std::string* out) {
  std::size_t chunks = 0;
  for (std::size_t off = 0; off < bytes.size(); off += internal::kEmbedChunkBytes, ++chunks) {
    const std::string_view piece = bytes.substr(off, internal::kEmbedChunkBytes);
    *out +=
        "constexpr char " + std::string(prefix) + id + "_" + std::to_string(chunks) + "[] =\n    ";
    *out += EncodeStringLiteral(piece);
    *out += ";\n";
  }
  if (chunks > 0) {
    *out += "constexpr const char* " + std::string(prefix) + id + "[] = {";
    for (std::size_t c = 0; c < chunks; ++c) {
      *out += (c == 0 ? "" : ", ");
      *out += std::string(prefix) + id + "_" + std::to_string(c);
    }
    *out += "};\n";
  }
}

std::size_t ChunkCount(std::size_t size) {
  return (size + internal::kEmbedChunkBytes - 1) / internal::kEmbedChunkBytes;
}

void AppendOctal(unsigned char c, std::string* out) {
  out->push_back('\\');
  out->push_back(static_cast<char>('0' + ((c >> 6) & 7)));
  out->push_back(static_cast<char>('0' + ((c >> 3) & 7)));
  out->push_back(static_cast<char>('0' + (c & 7)));
}

}  // namespace

bool WantsJson(std::string_view path) {
  return EndsWith(path, ".yaml") && path.find("components/") == std::string_view::npos &&
         path.find("checks/") == std::string_view::npos;
}

bool PrepareJson(std::vector<InputFile>* files, std::string* error,
                 std::vector<std::string>* notes) {
  const auto note = [notes](const InputFile& file, std::string_view why) {
    if (notes != nullptr) {
      notes->push_back(file.path + ": no pre-parsed JSON (" + std::string(why) + ")");
    }
  };
  for (InputFile& file : *files) {
    file.json.reset();
    if (!WantsJson(file.path)) {
      continue;
    }
    Result<std::vector<serialize::Value>> docs = serialize::ParseYamlDocuments(file.bytes);
    if (!docs.ok()) {
      *error = file.path + ": " + docs.status().message();
      return false;
    }
    if (docs->size() != 1) {
      continue;
    }
    const serialize::Value& doc = docs->front();
    Result<std::string> json = serialize::WriteJson(doc, CompactJson());
    if (!json.ok()) {
      note(file, json.status().message());
      continue;
    }
    // Loaders trust the JSON blindly, so prove here that it reads back to the same
    // document (value equality ignores key order; the re-written text does not).
    Result<serialize::Value> back = serialize::ParseJson(*json);
    if (!back.ok()) {
      note(file, "it does not read back: " + back.status().message());
      continue;
    }
    Result<std::string> again = serialize::WriteJson(*back, CompactJson());
    if (!(*back == doc) || !again.ok() || *again != *json) {
      note(file, "it does not read back to the same document");
      continue;
    }
    file.json = *std::move(json);
  }
  return true;
}

bool CollectFiles(const fs::path& root, std::vector<InputFile>* files, std::string* error) {
  files->clear();
  std::error_code ec;
  const fs::file_status st = fs::status(root, ec);
  if (ec || !fs::exists(st)) {
    return true;  // no recipes/ yet: an empty table
  }
  if (!fs::is_directory(st)) {
    *error = root.string() + ": not a directory";
    return false;
  }
  return Walk(root, "", files, error);
}

std::string EncodeStringLiteral(std::string_view bytes, std::string_view separator) {
  std::string out = "\"";
  std::size_t line = 1;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    const std::size_t before = out.size();
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '?':
        out += "\\?";  // never forms a trigraph
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out.push_back(static_cast<char>(c));
        } else {
          AppendOctal(c, &out);
        }
    }
    line += out.size() - before;
    if (i + 1 < bytes.size() && (c == '\n' || line >= kLineChars)) {
      out += '"';
      out += separator;
      out += '"';
      line = 1;
    }
  }
  out += '"';
  return out;
}

std::string GenerateSource(std::vector<InputFile> files) {
  std::stable_sort(files.begin(), files.end(), [](const InputFile& a, const InputFile& b) {
    return WalkOrderLess(a.path, b.path);
  });
  files.erase(std::unique(files.begin(), files.end(),
                          [](const InputFile& a, const InputFile& b) { return a.path == b.path; }),
              files.end());

  std::string out;
  out +=
      "// Generated by aicr_embed_tool from recipes/. Do not edit.\n"
      "// NOLINTBEGIN\n"
      "#include <span>\n"
      "\n"
      "#include \"catalog/embedded_table.h\"\n"
      "\n"
      "namespace aicr::catalog::internal {\n";
  if (files.empty()) {
    out +=
        "\n"
        "std::span<const EmbeddedFile> EmbeddedFiles() { return {}; }\n"
        "\n"
        "}  // namespace aicr::catalog::internal\n"
        "// NOLINTEND\n";
    return out;
  }
  out += "namespace {\n";
  for (std::size_t f = 0; f < files.size(); ++f) {
    const std::string id = std::to_string(f);
    out += "\n// " + id + ": " + std::to_string(files[f].bytes.size()) + " bytes";
    if (files[f].json.has_value()) {
      out += ", " + std::to_string(files[f].json->size()) + " bytes of JSON";
    }
    out += "\n";
    AppendChunks(files[f].bytes, "kFile", id, &out);
    if (files[f].json.has_value()) {
      AppendChunks(*files[f].json, "kJson", id, &out);
    }
  }
  out += "\nconstexpr EmbeddedFile kFiles[] = {\n";
  for (std::size_t f = 0; f < files.size(); ++f) {
    const std::string id = std::to_string(f);
    const std::size_t size = files[f].bytes.size();
    const std::size_t json_size = files[f].json.has_value() ? files[f].json->size() : 0;
    out += "    {" + EncodeStringLiteral(files[f].path, " ") + ", " + std::to_string(size) + "u, " +
           (size == 0 ? std::string("nullptr") : "kFile" + id) + ", " +
           std::to_string(ChunkCount(size)) + "u, " + std::to_string(json_size) + "u, " +
           (json_size == 0 ? std::string("nullptr") : "kJson" + id) + ", " +
           std::to_string(ChunkCount(json_size)) + "u},\n";
  }
  out +=
      "};\n"
      "\n"
      "}  // namespace\n"
      "\n"
      "std::span<const EmbeddedFile> EmbeddedFiles() { return kFiles; }\n"
      "\n"
      "}  // namespace aicr::catalog::internal\n"
      "// NOLINTEND\n";
  return out;
}

}  // namespace aicr::catalog::embed
