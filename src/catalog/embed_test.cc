#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "catalog/data_provider.h"
#include "catalog/embed_encode.h"
#include "catalog/embedded_table.h"
#include "catalog/path.h"
#include "catalog/temp_dir_for_test.h"

namespace aicr::catalog {
namespace {

namespace fs = std::filesystem;
using embed::InputFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

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

// Reassembles every file of a generated translation unit: path -> bytes.
std::map<std::string, std::string> FilesOf(const std::string& source) {
  std::map<std::string, std::string> chunks;  // "N_M" -> bytes
  std::size_t pos = 0;
  while ((pos = source.find("constexpr char kFile", pos)) != std::string::npos) {
    pos += std::string("constexpr char kFile").size();
    const std::size_t bracket = source.find("[] =", pos);
    const std::string id = source.substr(pos, bracket - pos);
    pos = bracket + 4;
    chunks[id] = DecodeLiterals(source, &pos);
    EXPECT_EQ(source.at(pos), ';');
  }
  std::map<std::string, std::string> files;
  pos = source.find("constexpr EmbeddedFile kFiles[] = {");
  if (pos == std::string::npos) {
    return files;
  }
  std::size_t index = 0;
  while ((pos = source.find("    {\"", pos)) != std::string::npos) {
    pos += 5;
    const std::string path = DecodeLiterals(source, &pos);
    std::size_t size = 0;
    std::size_t count = 0;
    char name[64] = {};
    const std::string line = source.substr(pos, source.find('\n', pos) - pos);
    EXPECT_EQ(std::sscanf(line.c_str(), ", %zuu, %63[^,], %zuu},", &size, name, &count), 3) << line;
    std::string bytes;
    for (std::size_t c = 0; c < count; ++c) {
      bytes += chunks.at(std::to_string(index) + "_" + std::to_string(c));
    }
    EXPECT_EQ(bytes.size(), size) << path;
    EXPECT_EQ(std::string(name), count == 0 ? "nullptr" : "kFile" + std::to_string(index));
    files[path] = bytes;
    ++index;
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
      {"b.yaml", "b: 1\n"},
      {"a/big.txt", big},
      {"a-b/empty", ""},
      {"a/bin.dat", binary},
      {"a/exact", std::string(internal::kEmbedChunkBytes, 'e')},
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
  const std::size_t p4 = source.find("{\"a-b/empty\", 0u, nullptr, 0u}");
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
  std::vector<InputFile> files = {{"stale", "x"}};
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

}  // namespace
}  // namespace aicr::catalog
