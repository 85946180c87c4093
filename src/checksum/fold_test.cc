#include "checksum/fold.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace aicr::checksum {
namespace {

TEST(FoldTest, FoldsOrbitsToOneKey) {
  struct Case {
    const char* a;
    const char* b;
  };
  const Case same[] = {
      {"Values.YAML", "values.yaml"},
      {"s", "\u017f"},  // long s
      {"K", "\u212a"},  // Kelvin sign
      {"k", "\u212a"},
      {"\u00c5", "\u212b"},  // Å vs Ångström sign
      {"\u00e5", "\u212b"},
      {"\u00b5", "\u039c"},  // micro sign vs capital mu
      {"\u03c2", "\u03a3"},  // final sigma vs capital sigma
      {"\u03d1", "\u0398"},  // theta symbol
      {"\u03f4", "\u03b8"},
      {"\u1fbe", "\u0399"},  // prosgegrammeni vs capital iota
      {"\u2126", "\u03c9"},  // ohm vs omega
      {"\u1e9e", "\u00df"},  // capital sharp s
      {"\u0178", "\u00ff"},  // Ÿ ÿ
      {"\u00c9T\u00c9", "\u00e9t\u00e9"},
      {"\u0130", "\u0130"},
      {"\u0401\u0416", "\u0451\u0436"},  // Ё Ж
      {"\u1c80", "\u0432"},              // historic Cyrillic be
      {"\u0531", "\u0561"},              // Armenian
      {"\u1e00", "\u1e01"},
      {"\u1e9b", "\u1e60"},  // ẛ and Ṡ
      {"\u2160", "\u2170"},  // Roman numeral one
      {"\u24b6", "\u24d0"},  // circled A
      {"\uff21", "\uff41"},  // fullwidth A
      {"\u0100\u0139\u017d", "\u0101\u013a\u017e"},
  };
  for (const Case& c : same) {
    SCOPED_TRACE(std::string(c.a) + " vs " + c.b);
    ASSERT_TRUE(FoldKey(c.a).has_value());
    EXPECT_EQ(FoldKey(c.a), FoldKey(c.b));
  }
  const Case different[] = {
      {"i", "\u0130"},        // dotted capital I has no simple fold to i
      {"i", "\u0131"},        // dotless i
      {"ss", "\u00df"},       // no full folding
      {"\u00e9", "e\u0301"},  // no normalisation
      {"a", "b"},
      {"\u00d7", "\u00f7"},  // × is not a letter
  };
  for (const Case& c : different) {
    SCOPED_TRACE(std::string(c.a) + " vs " + c.b);
    EXPECT_NE(FoldKey(c.a), FoldKey(c.b));
  }
}

TEST(FoldTest, FoldIsIdempotentAndKeepsValidCodePoints) {
  for (char32_t c = 0; c < 0x20000; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) {
      continue;
    }
    const char32_t f = FoldRune(c);
    ASSERT_EQ(FoldRune(f), f) << std::hex << static_cast<unsigned>(c);
    ASSERT_FALSE(f >= 0xD800 && f <= 0xDFFF);
  }
  EXPECT_EQ(FoldRune(U'A'), U'a');
  EXPECT_EQ(FoldRune(U'/'), U'/');
  EXPECT_EQ(FoldRune(0x212A), U'k');
}

TEST(FoldTest, RejectsInvalidUtf8) {
  const std::string bad[] = {
      "\xff",
      "a\x80",
      "\xc0\xaf",  // overlong '/'
      "\xe0\x80\xaf",
      "\xed\xa0\x80",      // overlong, surrogate
      "\xf4\x90\x80\x80",  // above U+10FFFF
      "\xe2\x84",          // truncated
  };
  for (const std::string& s : bad) {
    EXPECT_FALSE(IsValidUtf8(s));
    EXPECT_EQ(FoldKey(s), std::nullopt);
  }
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain/ascii.txt"));
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80"));  // U+1F600
  EXPECT_EQ(FoldKey("\xf0\x9f\x98\x80"), std::optional<std::string>("\xf0\x9f\x98\x80"));
}

}  // namespace
}  // namespace aicr::checksum
