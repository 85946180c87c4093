#include "checksum/fold.h"

#include <cstdint>

namespace aicr::checksum {
namespace {

/// For a block where upper and lower case alternate (even, odd), the even one.
char32_t EvenOfPair(char32_t c) { return c & ~char32_t{1}; }
/// For a block where they alternate (odd, even), the odd one.
char32_t OddOfPair(char32_t c) { return (c & 1U) != 0 ? c : c - 1; }

/// Decodes one code point at `s[*i]`, advancing `*i`. Returns false on invalid UTF-8.
bool DecodeRune(std::string_view s, std::size_t* i, char32_t* out) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  const std::uint8_t b0 = byte(*i);
  if (b0 < 0x80) {
    *out = b0;
    *i += 1;
    return true;
  }
  std::size_t len = 0;
  char32_t min = 0;
  char32_t c = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    min = 0x80;
    c = b0 & 0x1FU;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    min = 0x800;
    c = b0 & 0x0FU;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    min = 0x10000;
    c = b0 & 0x07U;
  } else {
    return false;
  }
  if (s.size() - *i < len) {
    return false;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const std::uint8_t b = byte(*i + k);
    if ((b & 0xC0) != 0x80) {
      return false;
    }
    c = (c << 6) | (b & 0x3FU);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
    return false;
  }
  *out = c;
  *i += len;
  return true;
}

void EncodeRune(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

char32_t FoldLatin(char32_t c) {
  if (c >= 'A' && c <= 'Z') {
    return c + 0x20;
  }
  if (c == 0xB5) {
    return 0x3BC;  // micro sign -> greek small mu
  }
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) {
    return c + 0x20;
  }
  if (c == 0x178) {
    return 0xFF;  // Ÿ -> ÿ
  }
  if (c == 0x17F) {
    return 's';  // long s
  }
  if ((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) {
    return EvenOfPair(c) + 1;
  }
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) {
    return OddOfPair(c) + 1;
  }
  return c;
}

char32_t FoldGreek(char32_t c) {
  switch (c) {
    case 0x345:
    case 0x1FBE:
      return 0x3B9;  // ypogegrammeni, prosgegrammeni -> iota
    case 0x386:
      return 0x3AC;
    case 0x38C:
      return 0x3CC;
    case 0x38E:
      return 0x3CD;
    case 0x38F:
      return 0x3CE;
    case 0x3C2:
      return 0x3C3;  // final sigma -> sigma
    case 0x3D0:
      return 0x3B2;
    case 0x3D1:
    case 0x3F4:
      return 0x3B8;
    case 0x3D5:
      return 0x3C6;
    case 0x3D6:
      return 0x3C0;
    case 0x3F0:
      return 0x3BA;
    case 0x3F1:
      return 0x3C1;
    case 0x3F5:
      return 0x3B5;
    case 0x2126:
      return 0x3C9;  // ohm -> omega
    case 0x376:
      return 0x377;
    case 0x37F:
      return 0x3F3;
    case 0x3CF:
      return 0x3D7;
    case 0x3F7:
      return 0x3F8;
    case 0x3F9:
      return 0x3F2;
    case 0x3FA:
      return 0x3FB;
    default:
      break;
  }
  if (c >= 0x388 && c <= 0x38A) {
    return c + 0x25;
  }
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) {
    return c + 0x20;
  }
  if ((c >= 0x370 && c <= 0x373) || (c >= 0x3D8 && c <= 0x3EF)) {
    return EvenOfPair(c) + 1;
  }
  if (c >= 0x3FD && c <= 0x3FF) {
    return c - 0x82;  // Ͻ Ͼ Ͽ -> ͻ ͼ ͽ
  }
  return c;
}

char32_t FoldCyrillic(char32_t c) {
  if (c >= 0x400 && c <= 0x40F) {
    return c + 0x50;
  }
  if (c >= 0x410 && c <= 0x42F) {
    return c + 0x20;
  }
  if ((c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) || (c >= 0x4D0 && c <= 0x52F)) {
    return EvenOfPair(c) + 1;
  }
  if (c == 0x4C0) {
    return 0x4CF;
  }
  if (c >= 0x4C1 && c <= 0x4CE) {
    return OddOfPair(c) + 1;
  }
  switch (c) {
    case 0x1C80:
      return 0x432;
    case 0x1C81:
      return 0x434;
    case 0x1C82:
      return 0x43E;
    case 0x1C83:
      return 0x441;
    case 0x1C84:
    case 0x1C85:
      return 0x442;
    case 0x1C86:
      return 0x44A;
    case 0x1C87:
      return 0x463;
    case 0x1C88:
      return 0xA64B;
    default:
      return c;
  }
}

}  // namespace

char32_t FoldRune(char32_t c) {
  if (c < 0x80) {
    return (c >= 'A' && c <= 'Z') ? c + 0x20 : c;
  }
  if (c < 0x180) {
    return FoldLatin(c);
  }
  if ((c >= 0x345 && c < 0x400) || c == 0x1FBE || c == 0x2126) {
    return FoldGreek(c);
  }
  if ((c >= 0x400 && c <= 0x52F) || (c >= 0x1C80 && c <= 0x1C88)) {
    return FoldCyrillic(c);
  }
  if (c >= 0x531 && c <= 0x556) {
    return c + 0x30;  // Armenian
  }
  if (c == 0x1E9E) {
    return 0xDF;  // capital sharp s -> ß
  }
  if (c == 0x1E9B) {
    return 0x1E61;  // long s with dot above -> ṡ
  }
  if ((c >= 0x1E00 && c <= 0x1E95) || (c >= 0x1EA0 && c <= 0x1EFF)) {
    return EvenOfPair(c) + 1;
  }
  if (c == 0x212A) {
    return 'k';  // Kelvin sign
  }
  if (c == 0x212B) {
    return 0xE5;  // Ångström sign -> å
  }
  if (c >= 0x2160 && c <= 0x216F) {
    return c + 0x10;  // Roman numerals
  }
  if (c >= 0x24B6 && c <= 0x24CF) {
    return c + 0x1A;  // circled letters
  }
  if (c >= 0xFF21 && c <= 0xFF3A) {
    return c + 0x20;  // fullwidth letters
  }
  return c;
}

std::optional<std::string> FoldKey(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  std::size_t i = 0;
  while (i < utf8.size()) {
    char32_t c = 0;
    if (!DecodeRune(utf8, &i, &c)) {
      return std::nullopt;
    }
    EncodeRune(FoldRune(c), &out);
  }
  return out;
}

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    char32_t c = 0;
    if (!DecodeRune(s, &i, &c)) {
      return false;
    }
  }
  return true;
}

}  // namespace aicr::checksum
