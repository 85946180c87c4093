#include "gotemplate/literals.h"

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>

#include "base/strings.h"
#include "gotemplate/format.h"
#include "serialize/scalar.h"

namespace aicr::gotemplate::internal {
namespace {

using serialize::Value;

// Literal texts quoted in messages are cut to this many bytes.
constexpr std::size_t kMaxQuoted = 80;

std::string Shorten(std::string_view text) {
  if (text.size() > kMaxQuoted) {
    return std::string(text.substr(0, kMaxQuoted)) + "...";
  }
  return std::string(text);
}

bool IsDigitIn(char c, int base) {
  int v = 0;
  if (c >= '0' && c <= '9') {
    v = c - '0';
  } else if (c >= 'a' && c <= 'f') {
    v = c - 'a' + 10;
  } else if (c >= 'A' && c <= 'F') {
    v = c - 'A' + 10;
  } else {
    return false;
  }
  return v < base;
}

// `s` without its underscores, when each one sits between two digits (or right after
// a base prefix, marked by `after_prefix`).
std::optional<std::string> StripUnderscores(std::string_view s, int base, bool after_prefix) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '_') {
      out += s[i];
      continue;
    }
    const bool before_ok = i > 0 ? IsDigitIn(s[i - 1], base) : after_prefix;
    const bool after_ok = i + 1 < s.size() && IsDigitIn(s[i + 1], base);
    if (!before_ok || !after_ok) {
      return std::nullopt;
    }
  }
  return out;
}

// A Go number literal: decimal, 0x, 0o, 0b or 0-prefixed octal integers, and decimal
// floats (`1.5`, `.5`, `1e3`). Integers are ints; anything with `.` or an exponent is
// a float, as in Go's templates.
}  // namespace

Result<Value> NumberValue(std::string_view text) {
  const Status bad = InvalidRequestError("bad number syntax: " + GoQuote(text));
  std::string_view s = text;
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) {
    return bad;
  }
  int base = 10;
  std::string_view digits = s;
  bool prefixed = false;
  if (s.size() > 1 && s[0] == '0') {
    const char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x' || p == 'o' || p == 'b') {
      base = p == 'x' ? 16 : (p == 'o' ? 8 : 2);
      digits = s.substr(2);
      prefixed = true;
    } else if (s.find_first_not_of("01234567_") == std::string_view::npos) {
      base = 8;
      digits = s.substr(1);
      prefixed = true;
    }
  }
  const bool integral = !digits.empty() && [&] {
    for (const char c : digits) {
      if (c != '_' && !IsDigitIn(c, base)) {
        return false;
      }
    }
    return true;
  }();
  if (integral && base == 10 && s.size() > 1 && s[0] == '0') {
    return bad;  // a leading zero with a non-octal digit, as `09`
  }
  if (integral) {
    const auto clean = StripUnderscores(digits, base, prefixed);
    if (!clean.has_value()) {
      return bad;
    }
    std::uint64_t u = 0;
    const auto res = std::from_chars(clean->data(), clean->data() + clean->size(), u, base);
    constexpr auto kMaxPositive = static_cast<std::uint64_t>(INT64_MAX);
    if (res.ec != std::errc() || u > kMaxPositive + (neg ? 1 : 0)) {
      return InvalidRequestError("number out of range: " + GoQuote(text));
    }
    if (neg) {
      return Value(u == kMaxPositive + 1 ? INT64_MIN : -static_cast<std::int64_t>(u));
    }
    return Value(static_cast<std::int64_t>(u));
  }
  if (prefixed && base != 8) {
    return bad;  // hexadecimal floats are not supported
  }
  // Decimal float: digits [. digits] [e [+-] digits], at least one mantissa digit.
  std::size_t i = 0;
  std::size_t mantissa = 0;
  auto scan_digits = [&](std::size_t* count) {
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_')) {
      *count += s[i] == '_' ? 0U : 1U;
      ++i;
    }
  };
  scan_digits(&mantissa);
  if (i < s.size() && s[i] == '.') {
    ++i;
    scan_digits(&mantissa);
  }
  if (mantissa == 0) {
    return bad;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      ++i;
    }
    std::size_t exp_digits = 0;
    scan_digits(&exp_digits);
    if (exp_digits == 0) {
      return bad;
    }
  }
  if (i != s.size()) {
    return bad;
  }
  std::string clean;
  for (const char c : s) {
    if (c != '_') {
      clean += c;
    }
  }
  double d = 0;
  const auto res = std::from_chars(clean.data(), clean.data() + clean.size(), d);
  if (res.ec != std::errc() || res.ptr != clean.data() + clean.size()) {
    return InvalidRequestError("number out of range: " + GoQuote(text));
  }
  return Value(neg ? -d : d);
}

namespace {

// One character of a quoted literal at `*i` (Go's strconv.UnquoteChar). Sets `*cp`
// and `*is_byte` (a \x or octal escape: one raw byte). False on a syntax error.
bool UnquoteChar(std::string_view s, std::size_t* i, char quote, char32_t* cp, bool* is_byte) {
  *is_byte = false;
  const char c = s[*i];
  if (c == quote && quote == '\'') {
    return false;
  }
  if (static_cast<unsigned char>(c) >= 0x80) {
    const std::size_t len = serialize::DecodeUtf8(s, *i, *cp);
    if (len == 0) {
      *cp = 0xfffd;
      ++*i;
    } else {
      *i += len;
    }
    return true;
  }
  if (c != '\\') {
    *cp = static_cast<unsigned char>(c);
    ++*i;
    return true;
  }
  if (*i + 1 >= s.size()) {
    return false;
  }
  const char e = s[*i + 1];
  *i += 2;
  switch (e) {
    case 'a':
      *cp = '\a';
      return true;
    case 'b':
      *cp = '\b';
      return true;
    case 'f':
      *cp = '\f';
      return true;
    case 'n':
      *cp = '\n';
      return true;
    case 'r':
      *cp = '\r';
      return true;
    case 't':
      *cp = '\t';
      return true;
    case 'v':
      *cp = '\v';
      return true;
    case '\\':
      *cp = '\\';
      return true;
    case '\'':
    case '"':
      *cp = static_cast<unsigned char>(e);
      return e == quote;
    case 'x':
    case 'u':
    case 'U': {
      const std::size_t n = e == 'x' ? 2 : (e == 'u' ? 4 : 8);
      if (*i + n > s.size()) {
        return false;
      }
      std::uint32_t v = 0;
      for (std::size_t k = 0; k < n; ++k) {
        const int h = HexDigitValue(s[*i + k]);
        if (h < 0) {
          return false;
        }
        v = v * 16 + static_cast<std::uint32_t>(h);
      }
      *i += n;
      if (e == 'x') {
        *cp = v;
        *is_byte = true;
        return true;
      }
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
        return false;
      }
      *cp = v;
      return true;
    }
    default:
      break;
  }
  if (e >= '0' && e <= '7') {
    if (*i + 2 > s.size()) {
      return false;
    }
    std::uint32_t v = static_cast<std::uint32_t>(e - '0');
    for (std::size_t k = 0; k < 2; ++k) {
      const char o = s[*i + k];
      if (o < '0' || o > '7') {
        return false;
      }
      v = v * 8 + static_cast<std::uint32_t>(o - '0');
    }
    *i += 2;
    if (v > 255) {
      return false;
    }
    *cp = v;
    *is_byte = true;
    return true;
  }
  return false;
}

}  // namespace

Result<Value> UnquoteString(std::string_view text) {
  const std::string_view inner = text.substr(1, text.size() - 2);
  std::string out;
  if (text.front() == '`') {
    for (const char c : inner) {
      if (c != '\r') {
        out += c;
      }
    }
    return Value(std::move(out));
  }
  std::size_t i = 0;
  while (i < inner.size()) {
    char32_t cp = 0;
    bool is_byte = false;
    if (!UnquoteChar(inner, &i, '"', &cp, &is_byte)) {
      return InvalidRequestError("invalid syntax: " + Shorten(text));
    }
    if (is_byte) {
      out.push_back(static_cast<char>(cp));
    } else {
      AppendUtf8(cp, &out);
    }
  }
  return Value(std::move(out));
}

Result<Value> CharValue(std::string_view text) {
  const std::string_view inner = text.substr(1, text.size() - 2);
  if (inner.empty()) {
    return InvalidRequestError("invalid syntax: " + Shorten(text));
  }
  std::size_t i = 0;
  char32_t cp = 0;
  bool is_byte = false;
  if (!UnquoteChar(inner, &i, '\'', &cp, &is_byte)) {
    return InvalidRequestError("invalid syntax: " + Shorten(text));
  }
  if (i != inner.size()) {
    return InvalidRequestError("malformed character constant: " + Shorten(text));
  }
  return Value(static_cast<std::int64_t>(cp));
}

}  // namespace aicr::gotemplate::internal
