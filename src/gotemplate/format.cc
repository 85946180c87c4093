#include "gotemplate/format.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <system_error>

#include "serialize/scalar.h"

namespace aicr::gotemplate::internal {
namespace {

using serialize::Value;

// Go's fmt rejects widths and precisions above this.
constexpr int kMaxWidth = 1'000'000;

constexpr char kLowerHex[] = "0123456789abcdef";
constexpr char kUpperHex[] = "0123456789ABCDEF";

// Shortest round-trip digits of a finite, non-zero |d|: DIGITS[0].DIGITS[1:] x 10^exp.
struct Decimal {
  std::string digits;
  int exp = 0;
};

Decimal ShortestDigits(double d) {
  char buf[64];
  const auto res =
      std::to_chars(buf, buf + sizeof(buf), std::fabs(d), std::chars_format::scientific);
  const std::string_view text(buf, static_cast<std::size_t>(res.ptr - buf));
  Decimal out;
  const std::size_t e = text.find('e');
  for (std::size_t i = 0; i < e; ++i) {
    if (text[i] != '.') {
      out.digits += text[i];
    }
  }
  out.exp = std::atoi(std::string(text.substr(e + 1)).c_str());
  return out;
}

void AppendExponent(int exp, char e, std::string* out) {
  out->push_back(e);
  out->push_back(exp < 0 ? '-' : '+');
  const int a = std::abs(exp);
  if (a < 10) {
    out->push_back('0');
  }
  *out += std::to_string(a);
}

// Go's strconv 'g' with the shortest precision, of a finite |d|.
std::string ShortestG(double d, char e) {
  if (d == 0) {
    return "0";
  }
  const Decimal dec = ShortestDigits(d);
  const int nd = static_cast<int>(dec.digits.size());
  std::string out;
  if (dec.exp < -4 || dec.exp >= 6) {
    out += dec.digits[0];
    if (nd > 1) {
      out += '.';
      out.append(dec.digits, 1);
    }
    AppendExponent(dec.exp, e, &out);
    return out;
  }
  if (dec.exp < 0) {
    out = "0.";
    const int zeros = -dec.exp - 1;
    out.append(static_cast<std::size_t>(zeros), '0');
    out += dec.digits;
    return out;
  }
  const int int_count = dec.exp + 1;
  const auto int_digits = static_cast<std::size_t>(int_count);
  if (dec.digits.size() <= int_digits) {
    out = dec.digits;
    out.append(int_digits - dec.digits.size(), '0');
    return out;
  }
  out = dec.digits.substr(0, int_digits);
  out += '.';
  out.append(dec.digits, int_digits);
  return out;
}

// Go's unicode.IsPrint for a valid code point at or above U+0080, without the
// Unicode tables: controls, format characters, separators, private use, surrogates
// and non-characters are not printable; everything else is taken as printable.
bool IsPrintRune(char32_t cp) {
  if (cp < 0xa0 || cp == 0xad) {
    return false;
  }
  if (cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200f) ||
      (cp >= 0x2028 && cp <= 0x202f) || (cp >= 0x205f && cp <= 0x206f) || cp == 0x3000 ||
      cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb)) {
    return false;
  }
  if ((cp >= 0x600 && cp <= 0x605) || cp == 0x61c || cp == 0x6dd || cp == 0x70f || cp == 0x180e) {
    return false;
  }
  if ((cp >= 0xd800 && cp <= 0xf8ff) || cp >= 0xf0000 || (cp >= 0xe0000 && cp <= 0xe007f)) {
    return false;
  }
  if ((cp & 0xfffe) == 0xfffe || (cp >= 0xfdd0 && cp <= 0xfdef)) {
    return false;
  }
  return true;
}

void AppendHex(std::uint32_t v, int digits, std::string* out) {
  for (int i = digits - 1; i >= 0; --i) {
    out->push_back(kLowerHex[(v >> (4 * i)) & 0xf]);
  }
}

// One character of a quoted literal delimited by `quote`.
void AppendQuotedRune(char32_t cp, char quote, bool ascii_only, std::string* out) {
  if (cp == static_cast<char32_t>(quote) || cp == '\\') {
    out->push_back('\\');
    out->push_back(static_cast<char>(cp));
    return;
  }
  if (cp >= 0x20 && cp < 0x7f) {
    out->push_back(static_cast<char>(cp));
    return;
  }
  if (cp >= 0x80 && !ascii_only && IsPrintRune(cp)) {
    AppendUtf8(cp, out);
    return;
  }
  switch (cp) {
    case '\a':
      *out += "\\a";
      return;
    case '\b':
      *out += "\\b";
      return;
    case '\f':
      *out += "\\f";
      return;
    case '\n':
      *out += "\\n";
      return;
    case '\r':
      *out += "\\r";
      return;
    case '\t':
      *out += "\\t";
      return;
    case '\v':
      *out += "\\v";
      return;
    default:
      break;
  }
  if (cp < 0x20 || cp == 0x7f) {
    *out += "\\x";
    AppendHex(static_cast<std::uint32_t>(cp), 2, out);
  } else if (cp < 0x10000) {
    *out += "\\u";
    AppendHex(static_cast<std::uint32_t>(cp), 4, out);
  } else {
    *out += "\\U";
    AppendHex(static_cast<std::uint32_t>(cp), 8, out);
  }
}

// strconv.QuoteRune (invalid code points become U+FFFD).
std::string GoQuoteRune(std::int64_t r, bool ascii_only) {
  char32_t cp = 0xfffd;
  if (r >= 0 && r <= 0x10ffff && !(r >= 0xd800 && r <= 0xdfff)) {
    cp = static_cast<char32_t>(r);
  }
  std::string out = "'";
  AppendQuotedRune(cp, '\'', ascii_only, &out);
  out += '\'';
  return out;
}

std::size_t RuneCount(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) {
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) {
      ++n;
    }
  }
  return n;
}

// The first `n` runes of `s`.
std::string_view TruncateRunes(std::string_view s, std::size_t n) {
  std::size_t runes = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xc0) != 0x80) {
      if (runes == n) {
        return s.substr(0, i);
      }
      ++runes;
    }
  }
  return s;
}

// A parsed verb: flags, width, precision.
struct Spec {
  bool minus = false;
  bool plus = false;
  bool space = false;
  bool zero = false;
  bool has_width = false;
  bool has_prec = false;
  int width = 0;
  int prec = 0;
};

void Pad(std::string_view s, const Spec& spec, bool zero_ok, std::string* out) {
  const std::size_t n = RuneCount(s);
  const auto width = static_cast<std::size_t>(spec.has_width ? spec.width : 0);
  if (n >= width) {
    *out += s;
    return;
  }
  const std::size_t fill = width - n;
  if (spec.minus) {
    *out += s;
    out->append(fill, ' ');
  } else {
    out->append(fill, zero_ok && spec.zero ? '0' : ' ');
    *out += s;
  }
}

void BadVerb(char32_t verb, const Value* v, std::string* out) {
  *out += "%!";
  AppendUtf8(verb, out);
  *out += '(';
  if (v == nullptr) {
    *out += "<nil>";
  } else {
    *out += GoTypeName(*v);
    *out += '=';
    AppendValue(v, out);
  }
  *out += ')';
}

void FormatInt(std::int64_t v, char32_t verb, const Spec& spec, std::string* out) {
  unsigned base = 10;
  const char* digits = kLowerHex;
  switch (verb) {
    case 'b':
      base = 2;
      break;
    case 'o':
      base = 8;
      break;
    case 'x':
      base = 16;
      break;
    case 'X':
      base = 16;
      digits = kUpperHex;
      break;
    default:
      break;
  }
  const bool neg = v < 0;
  std::uint64_t u = neg ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  std::string body;
  while (u > 0) {
    body.insert(body.begin(), digits[u % base]);
    u /= base;
  }
  std::size_t min_digits = 1;
  if (spec.has_prec) {
    min_digits = static_cast<std::size_t>(spec.prec);
  } else if (spec.zero && spec.has_width && !spec.minus) {
    min_digits = static_cast<std::size_t>(spec.width);
    if (neg || spec.plus || spec.space) {
      min_digits = min_digits > 0 ? min_digits - 1 : 0;
    }
  }
  if (body.size() < min_digits) {
    body.insert(0, min_digits - body.size(), '0');
  }
  std::string s;
  if (neg) {
    s = "-";
  } else if (spec.plus) {
    s = "+";
  } else if (spec.space) {
    s = " ";
  }
  s += body;
  Pad(s, spec, false, out);
}

std::string PrintfFloat(char verb, int prec, double d) {
  const int n = [&] {
    switch (verb) {
      case 'e':
        return std::snprintf(nullptr, 0, "%.*e", prec, d);
      case 'E':
        return std::snprintf(nullptr, 0, "%.*E", prec, d);
      case 'f':
        return std::snprintf(nullptr, 0, "%.*f", prec, d);
      case 'g':
        return std::snprintf(nullptr, 0, "%.*g", prec, d);
      default:
        return std::snprintf(nullptr, 0, "%.*G", prec, d);
    }
  }();
  std::string buf(static_cast<std::size_t>(n) + 1, '\0');
  switch (verb) {
    case 'e':
      std::snprintf(buf.data(), buf.size(), "%.*e", prec, d);
      break;
    case 'E':
      std::snprintf(buf.data(), buf.size(), "%.*E", prec, d);
      break;
    case 'f':
      std::snprintf(buf.data(), buf.size(), "%.*f", prec, d);
      break;
    case 'g':
      std::snprintf(buf.data(), buf.size(), "%.*g", prec, d);
      break;
    default:
      std::snprintf(buf.data(), buf.size(), "%.*G", prec, d);
      break;
  }
  buf.resize(static_cast<std::size_t>(n));
  return buf;
}

void FormatFloatVerb(double d, char32_t verb, const Spec& spec, std::string* out) {
  std::string sign;
  if (std::signbit(d) && !std::isnan(d)) {
    sign = "-";
  } else if (spec.plus) {
    sign = "+";
  } else if (spec.space) {
    sign = " ";
  }
  if (std::isnan(d) || std::isinf(d)) {
    if (std::isinf(d) && sign.empty()) {
      sign = "+";
    }
    Pad(sign + (std::isnan(d) ? "NaN" : "Inf"), spec, false, out);
    return;
  }
  const double a = std::fabs(d);
  std::string num;
  switch (verb) {
    case 'v':
    case 'g':
    case 'G':
      if (spec.has_prec) {
        num = PrintfFloat(verb == 'G' ? 'G' : 'g', spec.prec == 0 ? 1 : spec.prec, a);
      } else {
        num = ShortestG(a, verb == 'G' ? 'E' : 'e');
      }
      break;
    case 'e':
    case 'E':
      num = PrintfFloat(static_cast<char>(verb), spec.has_prec ? spec.prec : 6, a);
      break;
    default:  // f, F
      num = PrintfFloat('f', spec.has_prec ? spec.prec : 6, a);
      break;
  }
  if (spec.zero && spec.has_width && !spec.minus &&
      static_cast<std::size_t>(spec.width) > sign.size() + num.size()) {
    num.insert(0, static_cast<std::size_t>(spec.width) - sign.size() - num.size(), '0');
  }
  Pad(sign + num, spec, false, out);
}

void FormatString(std::string_view s, char32_t verb, const Spec& spec, std::string* out) {
  switch (verb) {
    case 'v':
    case 's':
      Pad(spec.has_prec ? TruncateRunes(s, static_cast<std::size_t>(spec.prec)) : s, spec, true,
          out);
      return;
    case 'q':
      Pad(GoQuote(spec.has_prec ? TruncateRunes(s, static_cast<std::size_t>(spec.prec)) : s,
                  spec.plus),
          spec, true, out);
      return;
    default: {  // x, X
      const char* digits = verb == 'x' ? kLowerHex : kUpperHex;
      std::string_view in = s;
      if (spec.has_prec && static_cast<std::size_t>(spec.prec) < in.size()) {
        in = in.substr(0, static_cast<std::size_t>(spec.prec));
      }
      std::string hex;
      for (std::size_t i = 0; i < in.size(); ++i) {
        if (spec.space && i > 0) {
          hex += ' ';
        }
        const auto b = static_cast<unsigned char>(in[i]);
        hex += digits[b >> 4];
        hex += digits[b & 0xf];
      }
      Pad(hex, spec, true, out);
      return;
    }
  }
}

// Formats one operand; false when the verb is one this subset does not implement.
bool FormatArg(const Value* v, char32_t verb, const Spec& spec, std::string* out) {
  if (v == nullptr || v->is_null()) {
    if (verb == 'v') {
      Pad("<nil>", spec, false, out);
    } else {
      BadVerb(verb, nullptr, out);
    }
    return true;
  }
  switch (v->type()) {
    case serialize::ValueType::kNull:
      return true;
    case serialize::ValueType::kSequence: {
      *out += '[';
      bool first = true;
      for (const Value& item : *v->if_sequence()) {
        if (!first) {
          *out += ' ';
        }
        first = false;
        if (item.is_null()) {
          Pad("<nil>", spec, false, out);
        } else if (!FormatArg(&item, verb, spec, out)) {
          return false;
        }
      }
      *out += ']';
      return true;
    }
    case serialize::ValueType::kMapping: {
      *out += "map[";
      bool first = true;
      for (const auto* entry : v->if_mapping()->SortedEntries()) {
        if (!first) {
          *out += ' ';
        }
        first = false;
        const Value key(entry->first);
        FormatArg(&key, verb, spec, out);
        *out += ':';
        if (entry->second.is_null()) {
          Pad("<nil>", spec, false, out);
        } else if (!FormatArg(&entry->second, verb, spec, out)) {
          return false;
        }
      }
      *out += ']';
      return true;
    }
    case serialize::ValueType::kBool:
      if (verb == 'v' || verb == 't') {
        Pad(*v->if_bool() ? "true" : "false", spec, false, out);
      } else {
        BadVerb(verb, v, out);
      }
      return true;
    case serialize::ValueType::kInt: {
      const std::int64_t i = *v->if_int();
      switch (verb) {
        case 'v':
        case 'd':
        case 'b':
        case 'o':
        case 'x':
        case 'X':
          FormatInt(i, verb, spec, out);
          return true;
        case 'c': {
          std::string s;
          const bool valid = i >= 0 && i <= 0x10ffff && !(i >= 0xd800 && i <= 0xdfff);
          AppendUtf8(valid ? static_cast<char32_t>(i) : 0xfffd, &s);
          Pad(s, spec, false, out);
          return true;
        }
        case 'q':
          Pad(GoQuoteRune(i, spec.plus), spec, false, out);
          return true;
        case 'U': {
          if (i < 0) {
            return false;
          }
          std::string s = "U+";
          char buf[24];
          std::snprintf(buf, sizeof(buf), "%04llX", static_cast<unsigned long long>(i));
          s += buf;
          Pad(s, spec, false, out);
          return true;
        }
        default:
          BadVerb(verb, v, out);
          return true;
      }
    }
    case serialize::ValueType::kFloat:
      switch (verb) {
        case 'v':
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
          FormatFloatVerb(*v->if_float(), verb, spec, out);
          return true;
        case 'x':
        case 'X':
        case 'b':
          return false;
        default:
          BadVerb(verb, v, out);
          return true;
      }
    case serialize::ValueType::kString:
      switch (verb) {
        case 'v':
        case 's':
        case 'q':
        case 'x':
        case 'X':
          FormatString(*v->if_string(), verb, spec, out);
          return true;
        default:
          BadVerb(verb, v, out);
          return true;
      }
  }
  return true;
}

// A decimal number at `*i`, Go's parsenum: false when it is too large.
bool ParseNum(std::string_view f, std::size_t* i, int* num, bool* present) {
  *num = 0;
  *present = false;
  while (*i < f.size() && f[*i] >= '0' && f[*i] <= '9') {
    if (*num > kMaxWidth) {
      return false;
    }
    *num = *num * 10 + (f[*i] - '0');
    *present = true;
    ++*i;
  }
  return true;
}

}  // namespace

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

std::string GoTypeName(const Value& v) {
  switch (v.type()) {
    case serialize::ValueType::kNull:
      return "interface {}";
    case serialize::ValueType::kBool:
      return "bool";
    case serialize::ValueType::kInt:
      return "int";
    case serialize::ValueType::kFloat:
      return "float64";
    case serialize::ValueType::kString:
      return "string";
    case serialize::ValueType::kSequence:
      return "[]interface {}";
    case serialize::ValueType::kMapping:
      return "map[string]interface {}";
  }
  return "interface {}";
}

std::string FormatFloat(double d) {
  if (std::isnan(d)) {
    return "NaN";
  }
  if (std::isinf(d)) {
    return d > 0 ? "+Inf" : "-Inf";
  }
  std::string out = std::signbit(d) ? "-" : "";
  out += ShortestG(d, 'e');
  return out;
}

void AppendValue(const Value* v, std::string* out) {
  if (v == nullptr || v->is_null()) {
    *out += "<nil>";
    return;
  }
  switch (v->type()) {
    case serialize::ValueType::kNull:
      break;
    case serialize::ValueType::kBool:
      *out += *v->if_bool() ? "true" : "false";
      break;
    case serialize::ValueType::kInt:
      *out += std::to_string(*v->if_int());
      break;
    case serialize::ValueType::kFloat:
      *out += FormatFloat(*v->if_float());
      break;
    case serialize::ValueType::kString:
      *out += *v->if_string();
      break;
    case serialize::ValueType::kSequence: {
      *out += '[';
      bool first = true;
      for (const Value& item : *v->if_sequence()) {
        if (!first) {
          *out += ' ';
        }
        first = false;
        AppendValue(&item, out);
      }
      *out += ']';
      break;
    }
    case serialize::ValueType::kMapping: {
      *out += "map[";
      bool first = true;
      for (const auto* entry : v->if_mapping()->SortedEntries()) {
        if (!first) {
          *out += ' ';
        }
        first = false;
        *out += entry->first;
        *out += ':';
        AppendValue(&entry->second, out);
      }
      *out += ']';
      break;
    }
  }
}

std::string ValueString(const Value* v) {
  std::string out;
  AppendValue(v, &out);
  return out;
}

std::string GoQuote(std::string_view s, bool ascii_only) {
  std::string out = "\"";
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      AppendQuotedRune(c, '"', ascii_only, &out);
      ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t len = serialize::DecodeUtf8(s, i, cp);
    if (len == 0) {
      out += "\\x";
      AppendHex(c, 2, &out);
      ++i;
      continue;
    }
    AppendQuotedRune(cp, '"', ascii_only, &out);
    i += len;
  }
  out += '"';
  return out;
}

Result<std::string> Sprint(const std::vector<const Value*>& args, std::size_t max_bytes) {
  std::string out;
  bool prev_string = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const bool is_string = args[i] != nullptr && args[i]->is_string();
    if (i > 0 && !is_string && !prev_string) {
      out += ' ';
    }
    AppendValue(args[i], &out);
    prev_string = is_string;
    if (out.size() > max_bytes) {
      return InvalidRequestError("print output exceeds " + std::to_string(max_bytes) + " bytes");
    }
  }
  return out;
}

Result<std::string> Sprintln(const std::vector<const Value*>& args, std::size_t max_bytes) {
  std::string out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i > 0) {
      out += ' ';
    }
    AppendValue(args[i], &out);
    if (out.size() > max_bytes) {
      return InvalidRequestError("println output exceeds " + std::to_string(max_bytes) + " bytes");
    }
  }
  out += '\n';
  return out;
}

Result<std::string> Sprintf(std::string_view f, const std::vector<const Value*>& args,
                            std::size_t max_bytes) {
  std::string out;
  std::size_t arg = 0;
  std::size_t i = 0;
  while (i < f.size()) {
    if (out.size() > max_bytes) {
      return InvalidRequestError("printf output exceeds " + std::to_string(max_bytes) + " bytes");
    }
    const std::size_t pct = f.find('%', i);
    if (pct == std::string_view::npos) {
      out += f.substr(i);
      break;
    }
    out += f.substr(i, pct - i);
    i = pct + 1;
    Spec spec;
    for (; i < f.size(); ++i) {
      const char c = f[i];
      if (c == '-') {
        spec.minus = true;
        spec.zero = false;
      } else if (c == '+') {
        spec.plus = true;
      } else if (c == ' ') {
        spec.space = true;
      } else if (c == '0') {
        spec.zero = !spec.minus;
      } else if (c == '#') {
        return InvalidRequestError("printf: the # flag is not supported");
      } else {
        break;
      }
    }
    if (i < f.size() && (f[i] == '*' || f[i] == '[')) {
      return InvalidRequestError(std::string("printf: ") + f[i] + " in a verb is not supported");
    }
    if (!ParseNum(f, &i, &spec.width, &spec.has_width)) {
      out += "%!(NOVERB)";
      break;
    }
    if (i < f.size() && f[i] == '.') {
      ++i;
      if (i < f.size() && (f[i] == '*' || f[i] == '[')) {
        return InvalidRequestError(std::string("printf: ") + f[i] + " in a verb is not supported");
      }
      bool present = false;
      if (!ParseNum(f, &i, &spec.prec, &present)) {
        out += "%!(NOVERB)";
        break;
      }
      spec.has_prec = true;
    }
    if (i >= f.size()) {
      out += "%!(NOVERB)";
      break;
    }
    char32_t verb = static_cast<unsigned char>(f[i]);
    std::size_t verb_len = 1;
    if (verb >= 0x80) {
      verb_len = serialize::DecodeUtf8(f, i, verb);
      if (verb_len == 0) {
        verb = 0xfffd;
        verb_len = 1;
      }
    }
    i += verb_len;
    if (verb == '%') {
      out += '%';
      continue;
    }
    if (arg >= args.size()) {
      out += "%!";
      AppendUtf8(verb, &out);
      out += "(MISSING)";
      continue;
    }
    if (verb == 'v') {
      spec.plus = false;  // %+v only matters for structs
    }
    const Value* v = args[arg++];
    if (!FormatArg(v, verb, spec, &out)) {
      std::string verb_text;
      AppendUtf8(verb, &verb_text);
      return InvalidRequestError(
          "printf: verb %" + verb_text + " is not supported for " +
          (v == nullptr ? std::string("nil") : std::string(ValueTypeName(v->type()))));
    }
  }
  if (arg < args.size()) {
    out += "%!(EXTRA ";
    for (std::size_t k = arg; k < args.size(); ++k) {
      if (k > arg) {
        out += ", ";
      }
      if (args[k] == nullptr || args[k]->is_null()) {
        out += "<nil>";
        continue;
      }
      out += GoTypeName(*args[k]);
      out += '=';
      AppendValue(args[k], &out);
    }
    out += ')';
  }
  if (out.size() > max_bytes) {
    return InvalidRequestError("printf output exceeds " + std::to_string(max_bytes) + " bytes");
  }
  return out;
}

}  // namespace aicr::gotemplate::internal
