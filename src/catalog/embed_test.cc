#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/data_provider.h"
#include "catalog/embed_encode.h"
#include "catalog/embedded_table.h"
#include "catalog/path.h"
#include "catalog/temp_dir_for_test.h"
#include "serialize/json_reader.h"
#include "serialize/json_writer.h"
#include "serialize/value.h"
#include "serialize/yaml_reader.h"

namespace aicr::catalog {
namespace {

namespace fs = std::filesystem;
using embed::InputFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Decodes adjacent C++ string literals starting at `*pos` (whitespace between them
// allowed); stops at the first other character and leaves `*pos` there.
std::string DecodeLiterals(const std::string& text, std::size_t* pos) {
  std::string out;
  std::size_t i = *pos;
  while (true) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n')) {
      ++i;
    }
    if (i >= text.size() || text[i] != '"') {
      break;
    }
    ++i;
    while (text.at(i) != '"') {
      const char c = text[i++];
      EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "raw byte " << static_cast<int>(c);
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      const char e = text.at(i++);
      switch (e) {
        case '\\':
        case '"':
        case '?':
          out.push_back(e);
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 't':
          out.push_back('\t');
          break;
        default: {
          EXPECT_TRUE(e >= '0' && e <= '7') << "escape " << e;
          const int v = (e - '0') * 64 + (text.at(i) - '0') * 8 + (text.at(i + 1) - '0');
          i += 2;
          out.push_back(static_cast<char>(v));
        }
      }
    }
    ++i;
  }
  *pos = i;
  return out;
}

std::string Decode(const std::string& literal) {
  std::size_t pos = 0;
  std::string out = DecodeLiterals(literal, &pos);
  EXPECT_EQ(pos, literal.size()) << literal;
  return out;
}

// One file of a generated translation unit.
struct Decoded {
  std::string bytes;
  std::optional<std::string> json;
  friend bool operator==(const Decoded&, const Decoded&) = default;
};

// Decodes every `constexpr char <prefix>N_M[] = "...";` literal: "N_M" -> bytes.
std::map<std::string, std::string> ChunksOf(const std::string& source, const std::string& prefix) {
  std::map<std::string, std::string> chunks;
  const std::string marker = "constexpr char " + prefix;
  std::size_t pos = 0;
  while ((pos = source.find(marker, pos)) != std::string::npos) {
    pos += marker.size();
    const std::size_t bracket = source.find("[] =", pos);
    const std::string id = source.substr(pos, bracket - pos);
    pos = bracket + 4;
    chunks[id] = DecodeLiterals(source, &pos);
    EXPECT_EQ(source.at(pos), ';');
  }
  return chunks;
}

std::string Join(const std::map<std::string, std::string>& chunks, std::size_t index,
                 std::size_t count) {
  std::string out;
  for (std::size_t c = 0; c < count; ++c) {
    out += chunks.at(std::to_string(index) + "_" + std::to_string(c));
  }
  return out;
}

// Reassembles every file of a generated translation unit: path -> bytes and JSON.
std::map<std::string, Decoded> DecodedFilesOf(const std::string& source) {
  const std::map<std::string, std::string> chunks = ChunksOf(source, "kFile");
  const std::map<std::string, std::string> json_chunks = ChunksOf(source, "kJson");
  std::map<std::string, Decoded> files;
  std::size_t pos = source.find("constexpr EmbeddedFile kFiles[] = {");
  if (pos == std::string::npos) {
    return files;
  }
  std::size_t index = 0;
  while ((pos = source.find("    {\"", pos)) != std::string::npos) {
    pos += 5;
    const std::string path = DecodeLiterals(source, &pos);
    std::size_t size = 0;
    std::size_t count = 0;
    std::size_t json_size = 0;
    std::size_t json_count = 0;
    char name[64] = {};
    char json_name[64] = {};
    const std::string line = source.substr(pos, source.find('\n', pos) - pos);
    EXPECT_EQ(std::sscanf(line.c_str(), ", %zuu, %63[^,], %zuu, %zuu, %63[^,], %zuu},", &size, name,
                          &count, &json_size, json_name, &json_count),
              6)
        << line;
    const std::string id = std::to_string(index);
    Decoded file;
    file.bytes = Join(chunks, index, count);
    EXPECT_EQ(file.bytes.size(), size) << path;
    EXPECT_EQ(std::string(name), count == 0 ? "nullptr" : "kFile" + id);
    EXPECT_EQ(std::string(json_name), json_count == 0 ? "nullptr" : "kJson" + id);
    if (json_count > 0) {
      file.json = Join(json_chunks, index, json_count);
      EXPECT_EQ(file.json->size(), json_size) << path;
    } else {
      EXPECT_EQ(json_size, 0u) << path;
    }
    files[path] = file;
    ++index;
  }
  return files;
}

// Bytes only (every file checked to have no JSON).
std::map<std::string, std::string> FilesOf(const std::string& source) {
  std::map<std::string, std::string> files;
  for (const auto& [path, file] : DecodedFilesOf(source)) {
    EXPECT_FALSE(file.json.has_value()) << path;
    files[path] = file.bytes;
  }
  return files;
}

std::string AllBytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) {
    s.push_back(static_cast<char>(i));
  }
  return s;
}

TEST(EncodeStringLiteralTest, RoundTripsEveryByte) {
  const std::string all = AllBytes();
  EXPECT_EQ(Decode(embed::EncodeStringLiteral(all)), all);
  EXPECT_EQ(Decode(embed::EncodeStringLiteral(all + all + all)), all + all + all);
}

TEST(EncodeStringLiteralTest, TrickyNeighbours) {
  // An escape followed by a digit, trigraph starts, quotes, NULs.
  std::string tricky(
      "\0"
      "1",
      2);
  tricky +=
      "\001"
      "2\x7f"
      "7?";
  tricky += "?=?";
  tricky += "?/\"\\\"\n\n\r\n";
  const std::string literal = embed::EncodeStringLiteral(tricky);
  EXPECT_EQ(Decode(literal), tricky);
  EXPECT_THAT(literal, HasSubstr("\\0001"));  // octal escapes always have three digits
  EXPECT_EQ(literal.find("??"), std::string::npos);
}

TEST(EncodeStringLiteralTest, EmptyAndLineSplitting) {
  EXPECT_EQ(embed::EncodeStringLiteral(""), "\"\"");
  const std::string text = "line one\nline two\n" + std::string(500, 'x');
  const std::string literal = embed::EncodeStringLiteral(text);
  EXPECT_EQ(Decode(literal), text);
  std::istringstream lines(literal);
  std::string line;
  std::size_t count = 0;
  while (std::getline(lines, line)) {
    EXPECT_LE(line.size(), 90u) << line;
    ++count;
  }
  EXPECT_GE(count, 8u);
}

TEST(EncodeStringLiteralTest, RandomBinaryRoundTrips) {
  std::mt19937 rng(42);
  for (int round = 0; round < 20; ++round) {
    std::string data(rng() % 3000, '\0');
    for (char& c : data) {
      c = static_cast<char>(rng() & 0xff);
    }
    ASSERT_EQ(Decode(embed::EncodeStringLiteral(data)), data);
  }
}

TEST(GenerateSourceTest, EmptyTable) {
  const std::string source = embed::GenerateSource({});
  EXPECT_THAT(source, HasSubstr("std::span<const EmbeddedFile> EmbeddedFiles() { return {}; }"));
  EXPECT_THAT(source, HasSubstr("#include \"catalog/embedded_table.h\""));
  EXPECT_TRUE(FilesOf(source).empty());
}

TEST(GenerateSourceTest, SortedChunkedAndDeterministic) {
  const std::string big(internal::kEmbedChunkBytes * 2 + 5, 'q');
  std::string binary = AllBytes();
  binary += "\"quoted\" \\ ?";
  binary += std::string("? \0 end", 7);
  std::vector<InputFile> files = {
      {"b.yaml", "b: 1\n", {}},
      {"a/big.txt", big, {}},
      {"a-b/empty", "", {}},
      {"a/bin.dat", binary, {}},
      {"a/exact", std::string(internal::kEmbedChunkBytes, 'e'), {}},
  };
  const std::string source = embed::GenerateSource(files);
  std::reverse(files.begin(), files.end());
  EXPECT_EQ(embed::GenerateSource(files), source);
  std::shuffle(files.begin(), files.end(), std::mt19937(7));
  EXPECT_EQ(embed::GenerateSource(files), source);

  // Walk order: a/big.txt, a/bin.dat, a/exact, a-b/empty, b.yaml.
  const std::size_t p1 = source.find("{\"a/big.txt\"");
  const std::size_t p2 = source.find("{\"a/bin.dat\"");
  const std::size_t p3 = source.find("{\"a/exact\"");
  const std::size_t p4 = source.find("{\"a-b/empty\", 0u, nullptr, 0u, 0u, nullptr, 0u}");
  const std::size_t p5 = source.find("{\"b.yaml\"");
  ASSERT_NE(p4, std::string::npos);
  EXPECT_TRUE(p1 < p2 && p2 < p3 && p3 < p4 && p4 < p5) << source.substr(source.find("kFiles[]"));
  EXPECT_THAT(source, HasSubstr("kFile0_2[]"));       // three chunks for the big file
  EXPECT_THAT(source, Not(HasSubstr("kFile2_1[]")));  // exactly one chunk

  const std::map<std::string, std::string> decoded = FilesOf(source);
  EXPECT_EQ(decoded, (std::map<std::string, std::string>{
                         {"b.yaml", "b: 1\n"},
                         {"a/big.txt", big},
                         {"a-b/empty", ""},
                         {"a/bin.dat", binary},
                         {"a/exact", std::string(internal::kEmbedChunkBytes, 'e')},
                     }));
}

TEST(GenerateSourceTest, CarriesJsonChunkedAndDeterministic) {
  std::string big_json = "\"";
  big_json += std::string(internal::kEmbedChunkBytes * 2, 'j');
  big_json += "\"";
  std::vector<InputFile> files = {
      {"overlays/b.yaml", "b: 1\n", std::string("{\"b\":1}")},
      {"registry.yaml", "big\n", big_json},
      {"components/x/values.yaml", "x: \"?\"\n", std::nullopt},
      {"empty.yaml", "", std::nullopt},
  };
  const std::string source = embed::GenerateSource(files);
  std::reverse(files.begin(), files.end());
  EXPECT_EQ(embed::GenerateSource(files), source);

  // Walk order: components/x/values.yaml, empty.yaml, overlays/b.yaml, registry.yaml.
  EXPECT_THAT(source, HasSubstr("kJson3_2[]"));    // three chunks for the big JSON
  EXPECT_THAT(source, Not(HasSubstr("kJson0_")));  // components/...: none
  EXPECT_THAT(source, Not(HasSubstr("kJson1_")));
  EXPECT_THAT(source, HasSubstr("{\"empty.yaml\", 0u, nullptr, 0u, 0u, nullptr, 0u}"));
  const std::map<std::string, Decoded> decoded = DecodedFilesOf(source);
  EXPECT_EQ(decoded, (std::map<std::string, Decoded>{
                         {"components/x/values.yaml", {"x: \"?\"\n", std::nullopt}},
                         {"empty.yaml", {"", std::nullopt}},
                         {"overlays/b.yaml", {"b: 1\n", std::string("{\"b\":1}")}},
                         {"registry.yaml", {"big\n", big_json}},
                     }));
}

TEST(WantsJsonTest, YamlOutsideComponentsAndChecks) {
  EXPECT_TRUE(embed::WantsJson("registry.yaml"));
  EXPECT_TRUE(embed::WantsJson("overlays/base.yaml"));
  EXPECT_TRUE(embed::WantsJson("mixins/os-ubuntu.yaml"));
  EXPECT_TRUE(embed::WantsJson("validators/catalog.yaml"));
  EXPECT_FALSE(embed::WantsJson("components/gpu-operator/values.yaml"));
  EXPECT_FALSE(embed::WantsJson("checks/nfd/health-check.yaml"));
  EXPECT_FALSE(embed::WantsJson("overlays/base.yml"));
  EXPECT_FALSE(embed::WantsJson("overlays/notes.txt"));
  EXPECT_FALSE(embed::WantsJson("yaml"));
}

// The JSON embed::PrepareJson gave `path`, or nullopt.
std::optional<std::string> JsonOf(const std::vector<InputFile>& files, std::string_view path) {
  for (const InputFile& f : files) {
    if (f.path == path) {
      return f.json;
    }
  }
  ADD_FAILURE() << "no file " << path;
  return std::nullopt;
}

TEST(PrepareJsonTest, SingleDocumentsGetCompactJsonInDocumentOrder) {
  std::vector<InputFile> files = {
      {"registry.yaml", "kind: ComponentRegistry\ncomponents:\n  - name: b\n  - name: a\n", {}},
      {"overlays/o.yaml",
       "---\nz: 1\na: 1.0\nlist: [x, {k: v}, null, true, '2']\nlit: |\n  <a & b>\n",
       {}},
      {"overlays/anchors.yaml", "a: &x {p: 1}\nb: *x\nc:\n  <<: *x\n  q: 2\n", {}},
  };
  std::string error;
  std::vector<std::string> notes;
  ASSERT_TRUE(embed::PrepareJson(&files, &error, &notes)) << error;
  EXPECT_TRUE(notes.empty());
  EXPECT_EQ(JsonOf(files, "registry.yaml"),
            R"({"kind":"ComponentRegistry","components":[{"name":"b"},{"name":"a"}]})");
  EXPECT_EQ(
      JsonOf(files, "overlays/o.yaml"),
      R"({"z":1,"a":1.0,"list":["x",{"k":"v"},null,true,"2"],"lit":"\u003ca \u0026 b\u003e\n"})");
  EXPECT_EQ(JsonOf(files, "overlays/anchors.yaml"),
            R"({"a":{"p":1},"b":{"p":1},"c":{"q":2,"p":1}})");
  for (const InputFile& f : files) {
    ASSERT_TRUE(f.json.has_value()) << f.path;
    const Result<serialize::Value> yaml = serialize::ParseYaml(f.bytes);
    const Result<serialize::Value> json = serialize::ParseJson(*f.json);
    ASSERT_TRUE(yaml.ok() && json.ok()) << f.path;
    EXPECT_EQ(*json, *yaml) << f.path;
  }
}

TEST(PrepareJsonTest, NoJsonForOtherFiles) {
  std::vector<InputFile> files = {
      {"overlays/multi.yaml", "a: 1\n---\nb: 2\n", {}},
      {"overlays/empty.yaml", "", {}},
      {"overlays/comments.yaml", "# nothing\n", {}},
      {"overlays/notes.txt", "a: 1\n", std::string("stale")},
      {"overlays/short.yml", "a: 1\n", {}},
      // Raw bytes nobody parses at load: never parsed here either.
      {"components/x/values.yaml", "a: [unclosed\n", {}},
      {"checks/x/check.yaml", "{{ template }}: [\n", {}},
  };
  std::string error;
  ASSERT_TRUE(embed::PrepareJson(&files, &error)) << error;
  for (const InputFile& f : files) {
    EXPECT_FALSE(f.json.has_value()) << f.path;
  }
}

TEST(PrepareJsonTest, ParseErrorFailsNamingTheFile) {
  std::vector<InputFile> files = {
      {"overlays/good.yaml", "a: 1\n", {}},
      {"overlays/bad.yaml", "a: [1, 2\n", {}},
  };
  std::string error;
  EXPECT_FALSE(embed::PrepareJson(&files, &error));
  EXPECT_THAT(error, StartsWith("overlays/bad.yaml: yaml: "));

  files = {{"mixins/dup.yaml", "a: 1\na: 2\n", {}}};
  EXPECT_FALSE(embed::PrepareJson(&files, &error));
  EXPECT_THAT(error, StartsWith("mixins/dup.yaml: yaml: "));
  EXPECT_THAT(error, HasSubstr("duplicate key \"a\""));

  // A broken later document of a multi-document file fails too.
  files = {{"overlays/multi.yaml", "a: 1\n---\nb: [\n", {}}};
  EXPECT_FALSE(embed::PrepareJson(&files, &error));
  EXPECT_THAT(error, StartsWith("overlays/multi.yaml: yaml: "));
}

TEST(PrepareJsonTest, DocumentJsonCannotCarryKeepsYamlOnlyWithANote) {
  std::vector<InputFile> files = {{"overlays/inf.yaml", "x: .inf\n", {}}};
  std::string error;
  std::vector<std::string> notes;
  ASSERT_TRUE(embed::PrepareJson(&files, &error, &notes)) << error;
  EXPECT_FALSE(files[0].json.has_value());
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_THAT(notes[0], StartsWith("overlays/inf.yaml: no pre-parsed JSON ("));
}

TEST(CollectFilesTest, WalksSkipsHiddenAndReadsBytes) {
  testing::TempDir dir;
  dir.Write("registry.yaml", "kind: ComponentRegistry\n");
  dir.Write("overlays/base.yaml", std::string("x\0y", 3));
  dir.Write("overlays/.base.yaml.swp", "junk");
  dir.Write(".git/HEAD", "ref");
  dir.Write("components/a/values.yaml", "a: 1\n");
  std::vector<InputFile> files;
  std::string error;
  ASSERT_TRUE(embed::CollectFiles(dir.path(), &files, &error)) << error;
  std::vector<std::string> paths;
  for (const InputFile& f : files) {
    paths.push_back(f.path);
  }
  EXPECT_THAT(paths,
              ElementsAre("components/a/values.yaml", "overlays/base.yaml", "registry.yaml"));
  EXPECT_EQ(files[1].bytes, std::string("x\0y", 3));
}

TEST(CollectFilesTest, MissingRootIsEmpty) {
  testing::TempDir dir;
  std::vector<InputFile> files = {{"stale", "x", {}}};
  std::string error;
  ASSERT_TRUE(embed::CollectFiles(dir.path() / "recipes", &files, &error)) << error;
  EXPECT_TRUE(files.empty());
}

TEST(CollectFilesTest, SymlinkedDirectoryIsAnError) {
  testing::TempDir dir;
  dir.Write("real/a.yaml", "a");
  fs::create_directory_symlink(dir.path() / "real", dir.path() / "link");
  std::vector<InputFile> files;
  std::string error;
  EXPECT_FALSE(embed::CollectFiles(dir.path(), &files, &error));
  EXPECT_THAT(error, HasSubstr("link: not a regular file or directory"));
}

// The table compiled into this binary holds exactly the non-hidden files of the
// source tree's recipes/, byte for byte (an absent recipes/ gives an empty table).
TEST(EmbeddedTableTest, MatchesRecipesTree) {
  const fs::path root = fs::path(AICR_SOURCE_DIR) / "recipes";
  std::map<std::string, std::string> expected;
  if (fs::exists(root)) {
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
         ++it) {
      const std::string rel = fs::relative(it->path(), root).generic_string();
      if (it->path().filename().string().front() == '.') {
        if (it->is_directory()) {
          it.disable_recursion_pending();
        }
        continue;
      }
      if (!it->is_regular_file()) {
        continue;
      }
      std::ifstream in(it->path(), std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      expected[rel] = ss.str();
    }
  }

  const DataProvider& provider = EmbeddedProvider();
  const std::vector<std::string> files = provider.Files();
  EXPECT_TRUE(std::is_sorted(files.begin(), files.end(),
                             [](const auto& a, const auto& b) { return WalkOrderLess(a, b); }));
  std::map<std::string, std::string> actual;
  for (const std::string& path : files) {
    EXPECT_FALSE(IsHiddenPath(path)) << path;
    EXPECT_TRUE(IsLocalPath(path)) << path;
    const Result<std::string> bytes = provider.Read(path);
    ASSERT_TRUE(bytes.ok()) << path;
    actual[path] = *bytes;
  }
  EXPECT_EQ(actual.size(), expected.size());
  for (const auto& [path, bytes] : expected) {
    const auto it = actual.find(path);
    if (it == actual.end()) {
      ADD_FAILURE() << "not embedded: " << path << " (rebuild after adding recipes)";
      continue;
    }
    EXPECT_TRUE(it->second == bytes) << "bytes differ: " << path;
  }
  for (const auto& [path, bytes] : actual) {
    EXPECT_TRUE(expected.contains(path)) << "embedded but not in recipes/: " << path;
  }
}

// Keys in document order (value equality ignores it).
std::string OrderedJson(const serialize::Value& v) {
  serialize::JsonWriteOptions options;
  options.sort_keys = false;
  const Result<std::string> json = serialize::WriteJson(v, options);
  EXPECT_TRUE(json.ok()) << json.status().ToString();
  return json.ok() ? *json : std::string();
}

// Every single-document YAML file the loaders parse carries its pre-parsed JSON, and
// that JSON reads to exactly the document the YAML does; raw files carry none.
TEST(EmbeddedTableTest, PreparsedJsonMatchesYaml) {
  const DataProvider& provider = EmbeddedProvider();
  std::size_t with_json = 0;
  for (const std::string& path : provider.Files()) {
    const std::optional<std::string_view> json = provider.PreparsedJson(path);
    if (!embed::WantsJson(path)) {
      EXPECT_FALSE(json.has_value()) << path;
      continue;
    }
    const Result<std::string> bytes = provider.Read(path);
    ASSERT_TRUE(bytes.ok()) << path;
    const Result<std::vector<serialize::Value>> docs = serialize::ParseYamlDocuments(*bytes);
    ASSERT_TRUE(docs.ok()) << path << ": " << docs.status().ToString();
    if (docs->size() != 1) {
      EXPECT_FALSE(json.has_value()) << path;
      continue;
    }
    ASSERT_TRUE(json.has_value()) << "no JSON for single-document " << path;
    ++with_json;
    const Result<serialize::Value> yaml = serialize::ParseYaml(*bytes);
    const Result<serialize::Value> from_json = serialize::ParseJson(*json);
    ASSERT_TRUE(yaml.ok()) << path;
    ASSERT_TRUE(from_json.ok()) << path << ": " << from_json.status().ToString();
    EXPECT_EQ(*from_json, *yaml) << path;
    EXPECT_EQ(OrderedJson(*from_json), OrderedJson(*yaml)) << path;
    EXPECT_EQ(json->find('\n'), std::string_view::npos) << path << " (compact)";
  }
  for (const std::string& path : provider.Files()) {
    if (path.find("components/") != std::string::npos ||
        path.find("checks/") != std::string::npos) {
      EXPECT_FALSE(provider.PreparsedJson(path).has_value()) << path;
    }
  }
  EXPECT_FALSE(provider.PreparsedJson("no/such/file.yaml").has_value());
  if (provider.Has(std::string(kRegistryPath))) {
    EXPECT_TRUE(provider.PreparsedJson(kRegistryPath).has_value());
    EXPECT_GT(with_json, 1u);
  }
}

}  // namespace
}  // namespace aicr::catalog
