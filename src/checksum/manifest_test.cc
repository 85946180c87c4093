#include "checksum/manifest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "checksum/sha256.h"
#include "tests/testing/status_matchers.h"

namespace aicr::checksum {
namespace {

using ::testing::HasSubstr;

constexpr char kA[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
constexpr char kB[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
constexpr char kC[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
static_assert(sizeof(kA) == 65 && sizeof(kB) == 65 && sizeof(kC) == 65);

std::string Line(const std::string& digest, const std::string& path) {
  return digest + "  " + path + "\n";
}

TEST(ParseManifestTest, AcceptsWellFormedManifests) {
  struct Case {
    const char* name;
    std::string text;
    std::vector<Entry> want;
  };
  const std::vector<Case> cases = {
      {"single", Line(kA, "recipe.yaml"), {{kA, "recipe.yaml"}}},
      {"no final newline", std::string(kA) + "  recipe.yaml", {{kA, "recipe.yaml"}}},
      {"nested and sorted",
       Line(kA, "001-cert-manager/values.yaml") + Line(kB, "README.md"),
       {{kA, "001-cert-manager/values.yaml"}, {kB, "README.md"}}},
      {"unsorted (older bundles) kept in file order",
       Line(kB, "z.txt") + Line(kA, "a.txt"),
       {{kB, "z.txt"}, {kA, "a.txt"}}},
      {"all hex digits", Line(kC, "x"), {{kC, "x"}}},
      {"space inside and at end of path", Line(kA, "my file.txt "), {{kA, "my file.txt "}}},
      {"star at start of path (not a binary marker)", Line(kA, "*x"), {{kA, "*x"}}},
      {"dot files and dots inside names",
       Line(kA, ".helmignore") + Line(kB, "a/..b/c.d"),
       {{kA, ".helmignore"}, {kB, "a/..b/c.d"}}},
      {"colon not at a drive position", Line(kA, "ab:c/d:e"), {{kA, "ab:c/d:e"}}},
      {"unicode names", Line(kA, "données/ſ.txt"), {{kA, "données/ſ.txt"}}},
      {"checksums.txt below the root", Line(kA, "sub/checksums.txt"), {{kA, "sub/checksums.txt"}}},
      {"other attestation names are ordinary files",
       Line(kA, "attestation/notes.txt"),
       {{kA, "attestation/notes.txt"}}},
      {"sibling prefixes are not parents",
       Line(kA, "a") + Line(kB, "ab/c") + Line(kC, "a.b"),
       {{kA, "a"}, {kB, "ab/c"}, {kC, "a.b"}}},
      {"same digest twice is fine", Line(kA, "x") + Line(kA, "y"), {{kA, "x"}, {kA, "y"}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(ParseManifest(c.text), IsOkAndHolds(c.want));
  }
}

TEST(ParseManifestTest, RejectsEverySection4Violation) {
  struct Case {
    const char* name;
    std::string text;
    std::string message;  // exact message
  };
  const std::string p = "checksums.txt line ";
  const std::vector<Case> cases = {
      {"empty", "", "checksums.txt: empty manifest"},
      {"whitespace only", " \n\t\n  \n", "checksums.txt: empty manifest"},
      {"newline only", "\n", "checksums.txt: empty manifest"},
      {"blank interior line", Line(kA, "a") + "\n" + Line(kB, "b"), p + "2: blank line"},
      {"whitespace interior line", Line(kA, "a") + "   \n" + Line(kB, "b"), p + "2: blank line"},
      {"two final newlines", Line(kA, "a") + "\n", p + "2: blank line"},
      {"leading blank line", "\n" + Line(kA, "a"), p + "1: blank line"},
      {"uppercase digest", Line(std::string(64, 'A'), "a"), p + "1: digest must be lowercase hex"},
      {"mixed case digest", Line(std::string(63, 'a') + "F", "a"),
       p + "1: digest must be lowercase hex"},
      {"short digest", Line(std::string(63, 'a'), "a"), p + "1: digest has 63 characters, want 64"},
      {"long digest", Line(std::string(65, 'a'), "a"), p + "1: digest has 65 characters, want 64"},
      {"sha512-length digest", Line(std::string(128, 'a'), "a"),
       p + "1: digest has 128 characters, want 64"},
      {"non-hex digest", Line(std::string(63, 'a') + "g", "a"),
       p + "1: digest contains a non-hex character"},
      {"tagged BSD format", "SHA256 (a) = " + std::string(kA) + "\n",
       p + "1: digest has 6 characters, want 64"},
      {"digest only", std::string(kA) + "\n", p + "1: missing separator and path"},
      {"one space", std::string(kA) + " a\n",
       p + "1: separator between digest and path must be exactly two spaces"},
      {"binary marker", std::string(kA) + " *a\n",
       p + "1: separator between digest and path must be exactly two spaces"},
      {"three spaces", std::string(kA) + "   a\n",
       p + "1: separator between digest and path must be exactly two spaces"},
      {"tab separator", std::string(kA) + "\ta\n",
       p + "1: separator between digest and path must be exactly two spaces"},
      {"space and tab", std::string(kA) + " \ta\n",
       p + "1: separator between digest and path must be exactly two spaces"},
      {"separator without path", std::string(kA) + "  \n", p + "1: missing path"},
      {"second line bad", Line(kA, "a") + std::string(kB) + " b\n",
       p + "2: separator between digest and path must be exactly two spaces"},
      {"absolute", Line(kA, "/etc/passwd"), p + "1: path \"/etc/passwd\" is absolute"},
      {"dot slash", Line(kA, "./a"), p + "1: path \"./a\" has a \".\" segment"},
      {"dot", Line(kA, "."), p + "1: path \".\" has a \".\" segment"},
      {"inner dot", Line(kA, "a/./b"), p + "1: path \"a/./b\" has a \".\" segment"},
      {"dotdot", Line(kA, ".."), p + "1: path \"..\" has a \"..\" segment"},
      {"leading traversal", Line(kA, "../x"), p + "1: path \"../x\" has a \"..\" segment"},
      {"interior traversal", Line(kA, "a/../b"), p + "1: path \"a/../b\" has a \"..\" segment"},
      {"trailing traversal", Line(kA, "a/.."), p + "1: path \"a/..\" has a \"..\" segment"},
      {"double slash", Line(kA, "a//b"), p + "1: path \"a//b\" has an empty segment"},
      {"trailing slash", Line(kA, "a/"), p + "1: path \"a/\" has an empty segment"},
      {"backslash", Line(kA, "a\\b"), p + "1: path \"a\\\\b\" contains a backslash"},
      {"windows traversal", Line(kA, "..\\x"), p + "1: path \"..\\\\x\" contains a backslash"},
      {"drive letter", Line(kA, "C:/x"), p + "1: path \"C:/x\" starts with a drive letter"},
      {"drive letter relative", Line(kA, "c:x"), p + "1: path \"c:x\" starts with a drive letter"},
      {"nul", std::string(kA) + "  a" + std::string(1, '\0') + "b\n",
       p + "1: path \"a\\x00b\" contains a NUL byte"},
      {"tab in path", Line(kA, "a\tb"), p + "1: path \"a\\tb\" contains a tab"},
      {"CRLF line", std::string(kA) + "  a\r\n", p + "1: path \"a\\r\" contains a carriage return"},
      {"other control", Line(kA, "a\x1b[0m"),
       p + "1: path \"a\\x1b[0m\" contains a control character"},
      {"invalid utf-8", Line(kA, "a\xff"), p + "1: path \"a\xff\" is not valid UTF-8"},
      {"overlong utf-8 slash",
       Line(kA,
            "a\xc0\xaf"
            "b"),
       p + "1: path \"a\xc0\xaf"
           "b\" is not valid UTF-8"},
      {"duplicate", Line(kA, "a") + Line(kB, "a"), p + "2: duplicate path \"a\" (also on line 1)"},
      {"ascii case fold duplicate", Line(kA, "Values.yaml") + Line(kB, "values.yaml"),
       p + "2: path \"values.yaml\" duplicates \"Values.yaml\" on line 1 under case folding"},
      {"directory case fold duplicate", Line(kA, "Dir/a") + Line(kB, "dir/a"),
       p + "2: path \"dir/a\" duplicates \"Dir/a\" on line 1 under case folding"},
      {"long s fold duplicate", Line(kA, "s.txt") + Line(kB, "ſ.txt"),
       p + "2: path \"ſ.txt\" duplicates \"s.txt\" on line 1 under case folding"},
      {"kelvin fold duplicate", Line(kA, "k") + Line(kB, "\u212a"),
       p + "2: path \"\u212a\" duplicates \"k\" on line 1 under case folding"},
      {"greek final sigma duplicate", Line(kA, "σ") + Line(kB, "ς"),
       p + "2: path \"ς\" duplicates \"σ\" on line 1 under case folding"},
      {"cyrillic duplicate", Line(kA, "Ж") + Line(kB, "ж"),
       p + "2: path \"ж\" duplicates \"Ж\" on line 1 under case folding"},
      {"file is a directory of another", Line(kA, "a/b") + Line(kB, "a"),
       p + "2: path \"a\" is a directory of \"a/b\" on line 1"},
      {"file below another file", Line(kA, "a") + Line(kB, "a/b"),
       p + "2: path \"a/b\" is below the file \"a\" on line 1"},
      {"folded directory conflict", Line(kA, "A") + Line(kB, "a/b"),
       p + "2: path \"a/b\" is below the file \"A\" on line 1"},
      {"lists itself", Line(kA, "checksums.txt"),
       p + "1: path \"checksums.txt\": the manifest must not list itself"},
      {"lists itself upper case", Line(kA, "CHECKSUMS.TXT"),
       p + "1: path \"CHECKSUMS.TXT\": the manifest must not list itself"},
      {"lists itself long s", Line(kA, "checkſums.txt"),
       p + "1: path \"checkſums.txt\": the manifest must not list itself"},
      {"below itself", Line(kA, "checksums.txt/x"),
       p + "1: path \"checksums.txt/x\": the manifest must not list itself"},
      {"bundle attestation", Line(kA, "attestation/bundle-attestation.sigstore.json"),
       p + "1: path \"attestation/bundle-attestation.sigstore.json\" is reserved for "
           "attestation metadata"},
      {"binary attestation", Line(kA, "attestation/aicr-attestation.sigstore.json"),
       p + "1: path \"attestation/aicr-attestation.sigstore.json\" is reserved for "
           "attestation metadata"},
      {"attestation case fold", Line(kA, "Attestation/AICR-attestation.sigstore.json"),
       p + "1: path \"Attestation/AICR-attestation.sigstore.json\" is reserved for "
           "attestation metadata"},
      {"path too long", Line(kA, std::string(kMaxPathBytes + 1, 'a')),
       p + "1: path longer than 4096 bytes"},
      {"segment too long", Line(kA, "a/" + std::string(kMaxSegmentBytes + 1, 'b')),
       p + "1: path \"a/" + std::string(kMaxSegmentBytes + 1, 'b') +
           "\" has a segment longer than 255 bytes"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(ParseManifest(c.text), StatusIs(ErrorCode::kInvalidRequest, c.message));
  }
}

TEST(ParseManifestTest, RejectsOversizedText) {
  const std::string big(kMaxManifestBytes + 1, 'a');
  EXPECT_THAT(ParseManifest(big),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("manifest larger than")));
}

TEST(MarshalManifestTest, SortsByPathBytesWithOneTrailingNewline) {
  auto text = MarshalManifest({{kA, "b/x"}, {kB, "C"}, {kC, "a"}, {kA, "b.txt"}});
  // Byte order: upper case before lower case, '.' (0x2e) before '/' (0x2f).
  EXPECT_THAT(text,
              IsOkAndHolds(Line(kB, "C") + Line(kC, "a") + Line(kA, "b.txt") + Line(kA, "b/x")));
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->back(), '\n');
  EXPECT_NE(text->substr(text->size() - 2), "\n\n");
}

TEST(MarshalManifestTest, ValidatesLikeTheParser) {
  EXPECT_THAT(MarshalManifest({}),
              StatusIs(ErrorCode::kInvalidRequest, "checksums.txt: empty manifest"));
  EXPECT_THAT(
      MarshalManifest({{kA, "a"}, {std::string(64, 'E'), "b"}}),
      StatusIs(ErrorCode::kInvalidRequest, "checksums.txt line 2: digest must be lowercase hex"));
  EXPECT_THAT(MarshalManifest({{kA, "a\nb"}}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "checksums.txt line 1: path \"a\\nb\" contains a newline"));
  EXPECT_THAT(MarshalManifest({{kA, " lead"}}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "checksums.txt line 1: path \" lead\" starts with a space"));
  EXPECT_THAT(MarshalManifest({{kA, "z"}, {kB, "a/../z"}}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("has a \"..\" segment")));
  EXPECT_THAT(MarshalManifest({{kA, "x"}, {kB, "x"}}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "checksums.txt line 2: duplicate path \"x\" (also on line 1)"));
  EXPECT_THAT(MarshalManifest({{kA, "checksums.txt"}}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("must not list itself")));
  EXPECT_THAT(MarshalManifest({{kA, std::string(kBundleAttestationPath)}}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("reserved for attestation")));
  EXPECT_THAT(MarshalManifest({{kA, ""}}),
              StatusIs(ErrorCode::kInvalidRequest, "checksums.txt line 1: missing path"));
}

TEST(MarshalManifestTest, RoundTripsThroughParse) {
  const std::vector<Entry> entries = {
      {kC, "zeta/ſ.yaml"}, {kA, "001-cert-manager/values.yaml"}, {kB, "my file.txt"},
      {kA, "recipe.yaml"}, {kB, "data/overlays/base.yaml"},      {kC, "K"},
  };
  auto text = MarshalManifest(entries);
  ASSERT_THAT(text, IsOk());
  auto parsed = ParseManifest(*text);
  ASSERT_THAT(parsed, IsOk());
  std::vector<Entry> sorted = entries;
  std::sort(sorted.begin(), sorted.end(),
            [](const Entry& a, const Entry& b) { return a.path < b.path; });
  EXPECT_EQ(*parsed, sorted);
  EXPECT_THAT(MarshalManifest(*parsed), IsOkAndHolds(*text));
}

TEST(BuildManifestTest, DigestsBytesAndSorts) {
  const std::string recipe = "kind: Recipe\n";
  auto text = BuildManifest({{"recipe.yaml", recipe}, {"empty.txt", ""}});
  EXPECT_THAT(
      text,
      IsOkAndHolds("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  empty.txt\n" +
                   Sha256Hex(recipe) + "  recipe.yaml\n"));
  EXPECT_THAT(BuildManifest({{"../escape", "x"}}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("has a \"..\" segment")));
  EXPECT_THAT(BuildManifest({}), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("empty")));
}

TEST(ManifestTest, ReservedMetadataPathsAreExact) {
  EXPECT_TRUE(IsReservedMetadataPath("attestation/bundle-attestation.sigstore.json"));
  EXPECT_TRUE(IsReservedMetadataPath("attestation/aicr-attestation.sigstore.json"));
  EXPECT_FALSE(IsReservedMetadataPath("attestation/bundle-attestation.sigstore.json.bak"));
  EXPECT_FALSE(IsReservedMetadataPath("bundle-attestation.sigstore.json"));
  EXPECT_FALSE(IsReservedMetadataPath("Attestation/aicr-attestation.sigstore.json"));
}

}  // namespace
}  // namespace aicr::checksum
