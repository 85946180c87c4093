#include "serialize/scalar.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <system_error>

namespace aicr::serialize {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsOctal(char c) { return c >= '0' && c <= '7'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
unsigned HexValue(char c) {
  if (IsDigit(c)) {
    return static_cast<unsigned>(c - '0');
  }
  if (c >= 'a' && c <= 'f') {
    return static_cast<unsigned>(c - 'a' + 10);
  }
  return static_cast<unsigned>(c - 'A' + 10);
}

bool AllOf(std::string_view s, bool (*pred)(char)) {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if (!pred(c)) {
      return false;
    }
  }
  return true;
}

// Accumulates digits in `base`; false on overflow of uint64.
bool ParseUnsigned(std::string_view digits, unsigned base, std::uint64_t& out) {
  std::uint64_t v = 0;
  for (char c : digits) {
    std::uint64_t d = HexValue(c);
    if (v > (std::numeric_limits<std::uint64_t>::max() - d) / base) {
      return false;
    }
    v = v * base + d;
  }
  out = v;
  return true;
}

// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
bool MatchesCoreFloatSyntax(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
    ++i;
  }
  std::size_t int_digits = 0;
  while (i < s.size() && IsDigit(s[i])) {
    ++i;
    ++int_digits;
  }
  if (int_digits == 0) {
    if (i >= s.size() || s[i] != '.') {
      return false;
    }
    ++i;
    std::size_t frac = 0;
    while (i < s.size() && IsDigit(s[i])) {
      ++i;
      ++frac;
    }
    if (frac == 0) {
      return false;
    }
  } else if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) {
      ++i;
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
      ++i;
    }
    std::size_t exp = 0;
    while (i < s.size() && IsDigit(s[i])) {
      ++i;
      ++exp;
    }
    if (exp == 0) {
      return false;
    }
  }
  return i == s.size();
}

// YAML 1.1 integer syntax after underscores are removed, as Go's ParseInt(s, 0, 64)
// (go-yaml v2) reads it: `[-+]?(0b[01]+|0o[0-7]+|0x[0-9a-f]+|[0-9]+)`, any case.
bool MatchesYaml11Int(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    s.remove_prefix(1);
  }
  if (s.size() > 2 && s[0] == '0') {
    char p = s[1];
    std::string_view rest = s.substr(2);
    if (p == 'b' || p == 'B') {
      return AllOf(rest, [](char c) { return c == '0' || c == '1'; });
    }
    if (p == 'o' || p == 'O') {
      return AllOf(rest, IsOctal);
    }
    if (p == 'x' || p == 'X') {
      return AllOf(rest, IsHex);
    }
  }
  return AllOf(s, IsDigit);
}

// YAML 1.1 sexagesimal: `[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?` (underscores removed).
bool MatchesYaml11Sexagesimal(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    s.remove_prefix(1);
  }
  std::size_t i = 0;
  while (i < s.size() && IsDigit(s[i])) {
    ++i;
  }
  if (i == 0) {
    return false;
  }
  std::size_t groups = 0;
  while (i < s.size() && s[i] == ':') {
    ++i;
    std::size_t start = i;
    while (i < s.size() && IsDigit(s[i]) && i - start < 2) {
      ++i;
    }
    std::size_t n = i - start;
    if (n == 0 || (n == 2 && s[start] > '5')) {
      return false;
    }
    ++groups;
  }
  if (groups == 0) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) {
      ++i;
    }
  }
  return i == s.size();
}

// `YYYY-M-D` optionally followed by a time part: YAML 1.1 timestamps (go-yaml v2 turns
// them into time values).
bool LooksLikeTimestamp(std::string_view s) {
  if (s.size() < 8 || !IsDigit(s[0]) || !IsDigit(s[1]) || !IsDigit(s[2]) || !IsDigit(s[3]) ||
      s[4] != '-') {
    return false;
  }
  std::size_t i = 5;
  std::size_t n = 0;
  while (i < s.size() && IsDigit(s[i]) && n < 2) {
    ++i;
    ++n;
  }
  if (n == 0 || i >= s.size() || s[i] != '-') {
    return false;
  }
  ++i;
  n = 0;
  while (i < s.size() && IsDigit(s[i]) && n < 2) {
    ++i;
    ++n;
  }
  if (n == 0) {
    return false;
  }
  return i == s.size() || s[i] == 'T' || s[i] == 't' || s[i] == ' ' || s[i] == '\t';
}

// Whether a YAML 1.1 reader (go-yaml v2, Helm) would resolve plain `s` to a non-string.
bool Yaml11NonString(std::string_view s) {
  static constexpr std::array<std::string_view, 28> kWords = {
      "y",    "Y",    "yes",  "Yes",   "YES",   "n",     "N",  "no", "No", "NO",
      "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off",
      "Off",  "OFF",  "~",    "null",  "Null",  "NULL",  "<<", "="};
  for (std::string_view w : kWords) {
    if (s == w) {
      return true;
    }
  }
  char c = s.empty() ? '\0' : s[0];
  if (!(IsDigit(c) || c == '-' || c == '+' || c == '.')) {
    return false;
  }
  if (LooksLikeTimestamp(s)) {
    return true;
  }
  std::string plain;
  plain.reserve(s.size());
  for (char ch : s) {
    if (ch != '_') {
      plain.push_back(ch);
    }
  }
  return MatchesYaml11Int(plain) || MatchesCoreFloatSyntax(plain) ||
         MatchesYaml11Sexagesimal(plain) || ParseCoreFloat(plain).has_value();
}

bool IsIndicator(char c) {
  switch (c) {
    case '-':
    case '?':
    case ':':
    case ',':
    case '[':
    case ']':
    case '{':
    case '}':
    case '#':
    case '&':
    case '*':
    case '!':
    case '|':
    case '>':
    case '\'':
    case '"':
    case '%':
    case '@':
    case '`':
      return true;
    default:
      return false;
  }
}

// Characters the writer never leaves unescaped: C0/C1 controls, DEL, line and paragraph
// separators, the BOM and the non-characters U+FFFE/U+FFFF.
bool IsUnsafeCodePoint(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF ||
         cp == 0xFFFE || cp == 0xFFFF;
}

void AppendHex(std::string& out, char prefix, std::uint32_t v, int digits) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '\\';
  out += prefix;
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
    out += kHex[(v >> static_cast<unsigned>(shift)) & 0xFu];
  }
}

}  // namespace

bool IsCoreNull(std::string_view text) {
  return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

std::optional<bool> ParseCoreBool(std::string_view text) {
  if (text == "true" || text == "True" || text == "TRUE") {
    return true;
  }
  if (text == "false" || text == "False" || text == "FALSE") {
    return false;
  }
  return std::nullopt;
}

std::optional<std::int64_t> ParseCoreInt(std::string_view text) {
  constexpr std::uint64_t kMax =
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'o' || text[1] == 'x')) {
    std::string_view digits = text.substr(2);
    bool hex = text[1] == 'x';
    if (!AllOf(digits, hex ? IsHex : IsOctal)) {
      return std::nullopt;
    }
    std::uint64_t v = 0;
    if (!ParseUnsigned(digits, hex ? 16 : 8, v) || v > kMax) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(v);
  }
  bool negative = false;
  std::string_view digits = text;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (!AllOf(digits, IsDigit)) {
    return std::nullopt;
  }
  std::uint64_t v = 0;
  if (!ParseUnsigned(digits, 10, v)) {
    return std::nullopt;
  }
  if (negative) {
    if (v > kMax + 1) {
      return std::nullopt;
    }
    // -(v) computed in unsigned arithmetic, which is well defined for v == 2^63.
    return static_cast<std::int64_t>(~v + 1);
  }
  if (v > kMax) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(v);
}

std::optional<double> ParseCoreFloat(std::string_view text) {
  if (text == ".inf" || text == ".Inf" || text == ".INF" || text == "+.inf" || text == "+.Inf" ||
      text == "+.INF") {
    return std::numeric_limits<double>::infinity();
  }
  if (text == "-.inf" || text == "-.Inf" || text == "-.INF") {
    return -std::numeric_limits<double>::infinity();
  }
  if (text == ".nan" || text == ".NaN" || text == ".NAN") {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (!MatchesCoreFloatSyntax(text)) {
    return std::nullopt;
  }
  std::string_view body = text;
  if (body[0] == '+') {
    body.remove_prefix(1);
  }
  double d = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), d);
  if (ec == std::errc() && ptr == body.data() + body.size()) {
    return d;
  }
  if (ec == std::errc::result_out_of_range) {
    // Overflow stays a string (go-yaml v3); underflow rounds towards zero like strtod.
    std::string copy(body);
    double r = std::strtod(copy.c_str(), nullptr);
    if (std::isinf(r)) {
      return std::nullopt;
    }
    return r;
  }
  return std::nullopt;
}

Value ResolvePlainScalar(std::string_view text) {
  if (IsCoreNull(text)) {
    return Value();
  }
  if (std::optional<bool> b = ParseCoreBool(text)) {
    return Value(*b);
  }
  if (std::optional<std::int64_t> i = ParseCoreInt(text)) {
    return Value(*i);
  }
  if (std::optional<double> d = ParseCoreFloat(text)) {
    return Value(*d);
  }
  return Value(std::string(text));
}

std::size_t DecodeUtf8(std::string_view s, std::size_t pos, char32_t& cp) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char b0 = byte(pos);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t len = 0;
  char32_t v = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    v = b0 & 0x1Fu;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    v = b0 & 0x0Fu;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    v = b0 & 0x07u;
    min = 0x10000;
  } else {
    return 0;
  }
  if (pos + len > s.size()) {
    return 0;
  }
  for (std::size_t i = 1; i < len; ++i) {
    unsigned char b = byte(pos + i);
    if ((b & 0xC0) != 0x80) {
      return 0;
    }
    v = (v << 6) | (b & 0x3Fu);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
    return 0;
  }
  cp = v;
  return len;
}

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    char32_t cp = 0;
    std::size_t n = DecodeUtf8(s, i, cp);
    if (n == 0) {
      return false;
    }
    i += n;
  }
  return true;
}

bool NeedsQuoting(std::string_view s) {
  if (s.empty()) {
    return true;
  }
  // Characters: valid UTF-8, nothing unsafe.
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    std::size_t n = DecodeUtf8(s, i, cp);
    if (n == 0 || IsUnsafeCodePoint(cp)) {
      return true;
    }
    i += n;
  }
  // Shape of a single-line plain scalar in block context.
  if (s.front() == ' ' || s.back() == ' ') {
    return true;
  }
  char first = s[0];
  if (first == '-' || first == '?' || first == ':') {
    if (s.size() == 1 || s[1] == ' ') {
      return true;
    }
  } else if (IsIndicator(first)) {
    return true;
  }
  if (s.back() == ':' || s.find(": ") != std::string_view::npos ||
      s.find(" #") != std::string_view::npos) {
    return true;
  }
  if ((s.substr(0, 3) == "---" || s.substr(0, 3) == "...") && (s.size() == 3 || s[3] == ' ')) {
    return true;
  }
  // Type: it must read back as a string in YAML 1.2 and YAML 1.1.
  if (!ResolvePlainScalar(s).is_string()) {
    return true;
  }
  return Yaml11NonString(s);
}

std::string DoubleQuote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    std::size_t n = DecodeUtf8(s, i, cp);
    if (n == 0) {
      out += "\\uFFFD";
      ++i;
      continue;
    }
    switch (cp) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case 0x00:
        out += "\\0";
        break;
      case 0x07:
        out += "\\a";
        break;
      case 0x08:
        out += "\\b";
        break;
      case 0x09:
        out += "\\t";
        break;
      case 0x0A:
        out += "\\n";
        break;
      case 0x0B:
        out += "\\v";
        break;
      case 0x0C:
        out += "\\f";
        break;
      case 0x0D:
        out += "\\r";
        break;
      case 0x1B:
        out += "\\e";
        break;
      case 0x2028:
        out += "\\L";
        break;
      case 0x2029:
        out += "\\P";
        break;
      default:
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
          AppendHex(out, 'x', static_cast<std::uint32_t>(cp), 2);
        } else if (IsUnsafeCodePoint(cp)) {
          AppendHex(out, 'u', static_cast<std::uint32_t>(cp), 4);
        } else {
          out.append(s.substr(i, n));
        }
    }
    i += n;
  }
  out += '"';
  return out;
}

std::string FormatFloatShortest(double d) {
  std::array<char, 64> buf{};
  auto [ptr, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), d);
  std::string out(buf.data(), ec == std::errc() ? ptr : buf.data());
  if (out.find_first_of(".eEni") == std::string::npos) {
    out += ".0";
  }
  return out;
}

std::string FormatYamlFloat(double d) {
  if (std::isnan(d)) {
    return ".nan";
  }
  if (std::isinf(d)) {
    return d > 0 ? ".inf" : "-.inf";
  }
  return FormatFloatShortest(d);
}

}  // namespace aicr::serialize
