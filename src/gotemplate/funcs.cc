#include "gotemplate/funcs.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>

#include "base/status_macros.h"
#include "gotemplate/format.h"
#include "serialize/scalar.h"
#include "serialize/yaml_writer.h"

namespace aicr::gotemplate::internal {
namespace {

using serialize::Value;
using Args = std::vector<Datum>;

Status CallError(std::string_view name, std::string_view what) {
  return InvalidRequestError("error calling " + std::string(name) + ": " + std::string(what));
}

// A value passed to a parameter of Go type `type`, as Go's executor checks it.
Status WrongType(std::string_view type, const Datum& d) {
  if (d.missing()) {
    return InvalidRequestError("invalid value; expected " + std::string(type));
  }
  return InvalidRequestError("wrong type for value; expected " + std::string(type) + "; got " +
                             GoTypeName(d.value()));
}

Result<std::string_view> StringArg(const Datum& d) {
  if (const std::string* s = d.value().if_string(); s != nullptr && !d.missing()) {
    return std::string_view(*s);
  }
  return WrongType("string", d);
}

Result<std::int64_t> IntArg(const Datum& d) {
  if (const std::int64_t* i = d.value().if_int(); i != nullptr && !d.missing()) {
    return *i;
  }
  return WrongType("int", d);
}

Result<bool> BoolArg(const Datum& d) {
  if (const bool* b = d.value().if_bool(); b != nullptr && !d.missing()) {
    return *b;
  }
  return WrongType("bool", d);
}

// Sprig's strval: a string as is, anything else in %v (nil: `<nil>`).
std::string StrVal(const Datum& d) {
  if (const std::string* s = d.value().if_string(); s != nullptr) {
    return *s;
  }
  return ValueString(d.get());
}

Datum String(std::string s) { return Datum::Own(Value(std::move(s))); }
Datum Bool(bool b) { return Datum::Own(Value(b)); }

std::vector<const Value*> Pointers(const Args& args) {
  std::vector<const Value*> out;
  out.reserve(args.size());
  for (const Datum& d : args) {
    out.push_back(d.get());
  }
  return out;
}

// A copy of `d` for a built collection, checked against the value bounds.
Result<Value> CopyForCollection(const Datum& d, Budget& budget) {
  if (d.nil()) {
    return Value();
  }
  AICR_RETURN_IF_ERROR(budget.CheckValue(d.value(), 1));
  return d.value();
}

// ---- Builtins ----

Result<Datum> Index(const Args& args, Budget& /*budget*/) {
  if (args[0].nil()) {
    return CallError("index", "index of untyped nil");
  }
  Datum cur = args[0];
  for (std::size_t k = 1; k < args.size(); ++k) {
    const Value& item = cur.value();
    const Datum& key = args[k];
    if (item.is_null()) {
      return CallError("index", "index of nil pointer");
    }
    if (item.is_sequence() || item.is_string()) {
      if (key.nil()) {
        return CallError("index", "cannot index slice/array with nil");
      }
      const std::int64_t* i = key.value().if_int();
      if (i == nullptr) {
        return CallError("index", "cannot index slice/array with type " + GoTypeName(key.value()));
      }
      const std::size_t size =
          item.is_string() ? item.if_string()->size() : item.if_sequence()->size();
      if (*i < 0 || static_cast<std::uint64_t>(*i) >= size) {
        return CallError("index", "index out of range: " + std::to_string(*i));
      }
      const auto pos = static_cast<std::size_t>(*i);
      if (item.is_string()) {
        cur = Datum::Own(
            Value(static_cast<std::int64_t>(static_cast<unsigned char>((*item.if_string())[pos]))));
      } else {
        cur = cur.Child(&(*item.if_sequence())[pos]);
      }
      continue;
    }
    if (const serialize::Mapping* map = item.if_mapping(); map != nullptr) {
      if (key.nil()) {
        return CallError("index", "value is nil; should be of type string");
      }
      const std::string* name = key.value().if_string();
      if (name == nullptr) {
        return CallError("index",
                         "value has type " + GoTypeName(key.value()) + "; should be string");
      }
      const Value* found = map->Find(*name);
      cur = found == nullptr ? Datum::Null() : cur.Child(found);
      continue;
    }
    return CallError("index", "can't index item of type " + GoTypeName(item));
  }
  return cur;
}

Result<Datum> Len(const Args& args, Budget& /*budget*/) {
  const Datum& d = args[0];
  if (d.nil()) {
    return CallError("len", "len of nil pointer");
  }
  const Value& v = d.value();
  if (v.is_string()) {
    return Datum::Own(Value(v.if_string()->size()));
  }
  if (v.is_sequence() || v.is_mapping()) {
    return Datum::Own(Value(v.size()));
  }
  return CallError("len", "len of type " + GoTypeName(v));
}

Result<Datum> Not(const Args& args, Budget& /*budget*/) { return Bool(!IsTrue(args[0])); }

enum class Kind { kNil, kBool, kNumber, kString, kOther };

Kind KindOf(const Datum& d) {
  if (d.nil()) {
    return Kind::kNil;
  }
  switch (d.value().type()) {
    case serialize::ValueType::kBool:
      return Kind::kBool;
    case serialize::ValueType::kInt:
    case serialize::ValueType::kFloat:
      return Kind::kNumber;
    case serialize::ValueType::kString:
      return Kind::kString;
    default:
      return Kind::kOther;
  }
}

// -1, 0 or 1 for two numbers.
int CompareNumbers(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) {
    return *a.if_int() < *b.if_int() ? -1 : (*a.if_int() > *b.if_int() ? 1 : 0);
  }
  const double x = a.is_int() ? static_cast<double>(*a.if_int()) : *a.if_float();
  const double y = b.is_int() ? static_cast<double>(*b.if_int()) : *b.if_float();
  return x < y ? -1 : (x > y ? 1 : 0);
}

Result<bool> Equal(std::string_view name, const Datum& a, const Datum& b) {
  const Kind ka = KindOf(a);
  const Kind kb = KindOf(b);
  if (ka != kb) {
    if (ka != Kind::kNil && kb != Kind::kNil) {
      return CallError(name, "incompatible types for comparison");
    }
    return false;
  }
  switch (ka) {
    case Kind::kNil:
      return true;
    case Kind::kBool:
      return *a.value().if_bool() == *b.value().if_bool();
    case Kind::kNumber: {
      const Value& x = a.value();
      const Value& y = b.value();
      if (x.is_float() || y.is_float()) {
        const double fx = x.is_int() ? static_cast<double>(*x.if_int()) : *x.if_float();
        const double fy = y.is_int() ? static_cast<double>(*y.if_int()) : *y.if_float();
        return fx == fy;
      }
      return *x.if_int() == *y.if_int();
    }
    case Kind::kString:
      return *a.value().if_string() == *b.value().if_string();
    case Kind::kOther:
      break;
  }
  return CallError(name, "non-comparable type " + GoTypeName(a.value()));
}

Result<Datum> Eq(const Args& args, Budget& /*budget*/) {
  if (args.size() < 2) {
    return CallError("eq", "missing argument for comparison");
  }
  for (std::size_t i = 1; i < args.size(); ++i) {
    AICR_ASSIGN_OR_RETURN(const bool equal, Equal("eq", args[0], args[i]));
    if (equal) {
      return Bool(true);
    }
  }
  return Bool(false);
}

Result<Datum> Ne(const Args& args, Budget& /*budget*/) {
  AICR_ASSIGN_OR_RETURN(const bool equal, Equal("ne", args[0], args[1]));
  return Bool(!equal);
}

Result<bool> Less(std::string_view name, const Datum& a, const Datum& b) {
  const Kind ka = KindOf(a);
  const Kind kb = KindOf(b);
  if (ka == Kind::kNil || ka == Kind::kBool || ka == Kind::kOther || kb == Kind::kNil ||
      kb == Kind::kBool || kb == Kind::kOther) {
    return CallError(name, "invalid type for comparison");
  }
  if (ka != kb) {
    return CallError(name, "incompatible types for comparison");
  }
  if (ka == Kind::kString) {
    return *a.value().if_string() < *b.value().if_string();
  }
  return CompareNumbers(a.value(), b.value()) < 0;
}

Result<bool> LessOrEqual(std::string_view name, const Datum& a, const Datum& b) {
  AICR_ASSIGN_OR_RETURN(const bool less, Less(name, a, b));
  if (less) {
    return true;
  }
  return Equal(name, a, b);
}

Result<Datum> Lt(const Args& args, Budget& /*budget*/) {
  AICR_ASSIGN_OR_RETURN(const bool r, Less("lt", args[0], args[1]));
  return Bool(r);
}
Result<Datum> Le(const Args& args, Budget& /*budget*/) {
  AICR_ASSIGN_OR_RETURN(const bool r, LessOrEqual("le", args[0], args[1]));
  return Bool(r);
}
Result<Datum> Gt(const Args& args, Budget& /*budget*/) {
  AICR_ASSIGN_OR_RETURN(const bool r, LessOrEqual("gt", args[0], args[1]));
  return Bool(!r);
}
Result<Datum> Ge(const Args& args, Budget& /*budget*/) {
  AICR_ASSIGN_OR_RETURN(const bool r, Less("ge", args[0], args[1]));
  return Bool(!r);
}

// A string being built must stay within the output size.
Status CheckSize(std::string_view name, const std::string& s, const Budget& budget) {
  if (s.size() > budget.limits().max_output_bytes) {
    return CallError(
        name, "result exceeds " + std::to_string(budget.limits().max_output_bytes) + " bytes");
  }
  return OkStatus();
}

Result<Datum> BuiltString(std::string s, Budget& budget) {
  AICR_RETURN_IF_ERROR(budget.Build(s.size()));
  return String(std::move(s));
}

Result<Datum> Print(const Args& args, Budget& budget) {
  auto out = Sprint(Pointers(args), budget.limits().max_output_bytes);
  if (!out.ok()) {
    return CallError("print", out.status().message());
  }
  return BuiltString(std::move(out).value(), budget);
}

Result<Datum> Println(const Args& args, Budget& budget) {
  auto out = Sprintln(Pointers(args), budget.limits().max_output_bytes);
  if (!out.ok()) {
    return CallError("println", out.status().message());
  }
  return BuiltString(std::move(out).value(), budget);
}

Result<Datum> Printf(const Args& args, Budget& budget) {
  AICR_ASSIGN_OR_RETURN(const std::string_view format, StringArg(args[0]));
  std::vector<const Value*> rest = Pointers(args);
  rest.erase(rest.begin());
  auto out = Sprintf(format, rest, budget.limits().max_output_bytes);
  if (!out.ok()) {
    return CallError("printf", out.status().message());
  }
  return BuiltString(std::move(out).value(), budget);
}

// ---- Sprig and Helm ----

Result<Datum> ToYaml(const Args& args, Budget& budget) {
  std::string out = serialize::WriteYaml(args[0].value());
  if (!out.empty() && out.back() == '\n') {
    out.pop_back();
  }
  return BuiltString(std::move(out), budget);
}

Result<Datum> ToString(const Args& args, Budget& budget) {
  return BuiltString(StrVal(args[0]), budget);
}

Result<Datum> Default(const Args& args, Budget& /*budget*/) {
  if (args.size() < 2 || IsEmpty(args[1])) {
    return args[0];
  }
  return args[1];
}

Result<Datum> Empty(const Args& args, Budget& /*budget*/) { return Bool(IsEmpty(args[0])); }

Result<Datum> Coalesce(const Args& args, Budget& /*budget*/) {
  for (const Datum& d : args) {
    if (!IsEmpty(d)) {
      return d;
    }
  }
  return Datum();
}

Result<Datum> Ternary(const Args& args, Budget& /*budget*/) {
  AICR_ASSIGN_OR_RETURN(const bool cond, BoolArg(args[2]));
  return cond ? args[0] : args[1];
}

Result<Datum> Required(const Args& args, Budget& /*budget*/) {
  AICR_ASSIGN_OR_RETURN(const std::string_view message, StringArg(args[0]));
  const Datum& v = args[1];
  const std::string* s = v.value().if_string();
  if (v.nil() || (s != nullptr && s->empty())) {
    return InvalidRequestError(std::string(message));
  }
  return v;
}

Result<Datum> Fail(const Args& args, Budget& /*budget*/) {
  AICR_ASSIGN_OR_RETURN(const std::string_view message, StringArg(args[0]));
  return InvalidRequestError(std::string(message));
}

Result<Datum> QuoteFn(const Args& args, Budget& budget) {
  std::string out;
  bool first = true;
  for (const Datum& d : args) {
    if (d.nil()) {
      continue;
    }
    if (!first) {
      out += ' ';
    }
    first = false;
    out += GoQuote(StrVal(d));
    AICR_RETURN_IF_ERROR(CheckSize("quote", out, budget));
  }
  return BuiltString(std::move(out), budget);
}

Result<Datum> SQuote(const Args& args, Budget& budget) {
  std::string out;
  bool first = true;
  for (const Datum& d : args) {
    if (d.nil()) {
      continue;
    }
    if (!first) {
      out += ' ';
    }
    first = false;
    out += '\'';
    out += StrVal(d);
    out += '\'';
    AICR_RETURN_IF_ERROR(CheckSize("squote", out, budget));
  }
  return BuiltString(std::move(out), budget);
}

Result<std::string> IndentText(std::string_view name, const Args& args, Budget& budget,
                               std::size_t extra) {
  AICR_ASSIGN_OR_RETURN(const std::int64_t spaces, IntArg(args[0]));
  AICR_ASSIGN_OR_RETURN(const std::string_view text, StringArg(args[1]));
  if (spaces < 0) {
    return CallError(name, "strings: negative Repeat count");
  }
  const auto lines = static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  const auto pad = static_cast<std::uint64_t>(spaces);
  if (pad > budget.limits().max_output_bytes ||
      lines * pad + text.size() + extra > budget.limits().max_output_bytes) {
    return CallError(
        name, "result exceeds " + std::to_string(budget.limits().max_output_bytes) + " bytes");
  }
  const std::string padding(static_cast<std::size_t>(pad), ' ');
  std::string out = extra > 0 ? "\n" : "";
  out += padding;
  for (const char c : text) {
    out += c;
    if (c == '\n') {
      out += padding;
    }
  }
  return out;
}

Result<Datum> Indent(const Args& args, Budget& budget) {
  AICR_ASSIGN_OR_RETURN(std::string out, IndentText("indent", args, budget, 0));
  return BuiltString(std::move(out), budget);
}

Result<Datum> NIndent(const Args& args, Budget& budget) {
  AICR_ASSIGN_OR_RETURN(std::string out, IndentText("nindent", args, budget, 1));
  return BuiltString(std::move(out), budget);
}

// unicode.IsSpace.
bool IsUnicodeSpace(char32_t cp) {
  return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 || cp == 0xa0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f ||
         cp == 0x205f || cp == 0x3000;
}

Result<Datum> Trim(const Args& args, Budget& budget) {
  AICR_ASSIGN_OR_RETURN(std::string_view s, StringArg(args[0]));
  // Leading spaces.
  while (!s.empty()) {
    char32_t cp = 0;
    const std::size_t len = serialize::DecodeUtf8(s, 0, cp);
    if (len == 0 || !IsUnicodeSpace(cp)) {
      break;
    }
    s.remove_prefix(len);
  }
  // Trailing spaces: find the start of the last character.
  while (!s.empty()) {
    std::size_t start = s.size() - 1;
    while (start > 0 && s.size() - start < 4 &&
           (static_cast<unsigned char>(s[start]) & 0xc0) == 0x80) {
      --start;
    }
    char32_t cp = 0;
    const std::size_t len = serialize::DecodeUtf8(s, start, cp);
    if (len != s.size() - start || !IsUnicodeSpace(cp)) {
      break;
    }
    s.remove_suffix(len);
  }
  return BuiltString(std::string(s), budget);
}

Result<Datum> Lower(const Args& args, Budget& budget) {
  AICR_ASSIGN_OR_RETURN(const std::string_view s, StringArg(args[0]));
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return BuiltString(std::move(out), budget);
}

Result<Datum> Upper(const Args& args, Budget& budget) {
  AICR_ASSIGN_OR_RETURN(const std::string_view s, StringArg(args[0]));
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return BuiltString(std::move(out), budget);
}

Result<Datum> Replace(const Args& args, Budget& budget) {
  AICR_ASSIGN_OR_RETURN(const std::string_view from, StringArg(args[0]));
  AICR_ASSIGN_OR_RETURN(const std::string_view to, StringArg(args[1]));
  AICR_ASSIGN_OR_RETURN(const std::string_view src, StringArg(args[2]));
  std::string out;
  if (from.empty()) {
    // Go inserts `to` before every character and at the end.
    std::size_t runes = 0;
    for (const char c : src) {
      runes += (static_cast<unsigned char>(c) & 0xc0) != 0x80 ? 1 : 0;
    }
    AICR_RETURN_IF_ERROR(budget.Build(src.size() + (runes + 1) * to.size()));
    for (std::size_t i = 0; i < src.size(); ++i) {
      if ((static_cast<unsigned char>(src[i]) & 0xc0) != 0x80) {
        out += to;
      }
      out += src[i];
    }
    out += to;
    return String(std::move(out));
  }
  std::size_t count = 0;
  for (std::size_t p = src.find(from); p != std::string_view::npos;
       p = src.find(from, p + from.size())) {
    ++count;
  }
  AICR_RETURN_IF_ERROR(budget.Build(src.size() - count * from.size() + count * to.size()));
  std::size_t pos = 0;
  for (std::size_t p = src.find(from); p != std::string_view::npos;
       p = src.find(from, p + from.size())) {
    out += src.substr(pos, p - pos);
    out += to;
    pos = p + from.size();
  }
  out += src.substr(pos);
  return String(std::move(out));
}

Result<Datum> Trunc(const Args& args, Budget& budget) {
  AICR_ASSIGN_OR_RETURN(const std::int64_t n, IntArg(args[0]));
  AICR_ASSIGN_OR_RETURN(const std::string_view s, StringArg(args[1]));
  const auto size = static_cast<std::int64_t>(s.size());
  if (n < 0 && size + n > 0) {
    return BuiltString(std::string(s.substr(static_cast<std::size_t>(size + n))), budget);
  }
  if (n >= 0 && size > n) {
    return BuiltString(std::string(s.substr(0, static_cast<std::size_t>(n))), budget);
  }
  return BuiltString(std::string(s), budget);
}

Result<Datum> TrimPrefix(const Args& args, Budget& budget) {
  AICR_ASSIGN_OR_RETURN(const std::string_view prefix, StringArg(args[0]));
  AICR_ASSIGN_OR_RETURN(std::string_view s, StringArg(args[1]));
  if (s.substr(0, prefix.size()) == prefix) {
    s.remove_prefix(prefix.size());
  }
  return BuiltString(std::string(s), budget);
}

Result<Datum> TrimSuffix(const Args& args, Budget& budget) {
  AICR_ASSIGN_OR_RETURN(const std::string_view suffix, StringArg(args[0]));
  AICR_ASSIGN_OR_RETURN(std::string_view s, StringArg(args[1]));
  if (s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix) {
    s.remove_suffix(suffix.size());
  }
  return BuiltString(std::string(s), budget);
}

Result<Datum> Contains(const Args& args, Budget& /*budget*/) {
  AICR_ASSIGN_OR_RETURN(const std::string_view sub, StringArg(args[0]));
  AICR_ASSIGN_OR_RETURN(const std::string_view s, StringArg(args[1]));
  return Bool(s.find(sub) != std::string_view::npos);
}

Result<Datum> HasPrefix(const Args& args, Budget& /*budget*/) {
  AICR_ASSIGN_OR_RETURN(const std::string_view prefix, StringArg(args[0]));
  AICR_ASSIGN_OR_RETURN(const std::string_view s, StringArg(args[1]));
  return Bool(s.substr(0, prefix.size()) == prefix);
}

Result<Datum> HasSuffix(const Args& args, Budget& /*budget*/) {
  AICR_ASSIGN_OR_RETURN(const std::string_view suffix, StringArg(args[0]));
  AICR_ASSIGN_OR_RETURN(const std::string_view s, StringArg(args[1]));
  return Bool(s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix);
}

Result<Datum> HasKey(const Args& args, Budget& /*budget*/) {
  const Datum& m = args[0];
  AICR_ASSIGN_OR_RETURN(const std::string_view key, StringArg(args[1]));
  if (m.missing()) {
    return Bool(false);  // Go passes a nil map
  }
  const serialize::Mapping* map = m.value().if_mapping();
  if (map == nullptr) {
    return WrongType("map[string]interface {}", m);
  }
  return Bool(map->Contains(key));
}

Result<Datum> Dict(const Args& args, Budget& budget) {
  Value out = Value::EmptyMapping();
  for (std::size_t i = 0; i < args.size(); i += 2) {
    std::string key = StrVal(args[i]);
    AICR_RETURN_IF_ERROR(budget.Build(key.size()));
    if (i + 1 >= args.size()) {
      out.Set(std::move(key), Value(""));
      continue;
    }
    AICR_ASSIGN_OR_RETURN(Value v, CopyForCollection(args[i + 1], budget));
    out.Set(std::move(key), std::move(v));
  }
  return Datum::Own(std::move(out));
}

Result<Datum> List(const Args& args, Budget& budget) {
  Value out = Value::EmptySequence();
  for (const Datum& d : args) {
    AICR_ASSIGN_OR_RETURN(Value v, CopyForCollection(d, budget));
    out.Append(std::move(v));
  }
  return Datum::Own(std::move(out));
}

// Sorted by name.
constexpr Function kFunctions[] = {
    {"and", 1, kVariadic, nullptr, false},
    {"coalesce", 0, kVariadic, &Coalesce, false},
    {"contains", 2, 2, &Contains, false},
    {"default", 1, kVariadic, &Default, false},
    {"dict", 0, kVariadic, &Dict, false},
    {"empty", 1, 1, &Empty, false},
    {"eq", 1, kVariadic, &Eq, false},
    {"fail", 1, 1, &Fail, true},
    {"ge", 2, 2, &Ge, false},
    {"gt", 2, 2, &Gt, false},
    {"hasKey", 2, 2, &HasKey, false},
    {"hasPrefix", 2, 2, &HasPrefix, false},
    {"hasSuffix", 2, 2, &HasSuffix, false},
    {"indent", 2, 2, &Indent, false},
    {"index", 1, kVariadic, &Index, false},
    {"le", 2, 2, &Le, false},
    {"len", 1, 1, &Len, false},
    {"list", 0, kVariadic, &List, false},
    {"lower", 1, 1, &Lower, false},
    {"lt", 2, 2, &Lt, false},
    {"ne", 2, 2, &Ne, false},
    {"nindent", 2, 2, &NIndent, false},
    {"not", 1, 1, &Not, false},
    {"or", 1, kVariadic, nullptr, false},
    {"print", 0, kVariadic, &Print, false},
    {"printf", 1, kVariadic, &Printf, false},
    {"println", 0, kVariadic, &Println, false},
    {"quote", 0, kVariadic, &QuoteFn, false},
    {"replace", 3, 3, &Replace, false},
    {"required", 2, 2, &Required, true},
    {"squote", 0, kVariadic, &SQuote, false},
    {"ternary", 3, 3, &Ternary, false},
    {"toString", 1, 1, &ToString, false},
    {"toYaml", 1, 1, &ToYaml, false},
    {"trim", 1, 1, &Trim, false},
    {"trimPrefix", 2, 2, &TrimPrefix, false},
    {"trimSuffix", 2, 2, &TrimSuffix, false},
    {"trunc", 2, 2, &Trunc, false},
    {"upper", 1, 1, &Upper, false},
};
static_assert(std::is_sorted(std::begin(kFunctions), std::end(kFunctions),
                             [](const Function& a, const Function& b) { return a.name < b.name; }));

}  // namespace

const Function* FindFunction(std::string_view name) {
  const auto* it =
      std::lower_bound(std::begin(kFunctions), std::end(kFunctions), name,
                       [](const Function& f, std::string_view n) { return f.name < n; });
  if (it == std::end(kFunctions) || it->name != name) {
    return nullptr;
  }
  return it;
}

bool IsUnsupportedFunction(std::string_view name) {
  return name == "include" || name == "tpl" || name == "lookup";
}

bool IsEmpty(const Datum& d) { return !IsTrue(d); }

}  // namespace aicr::gotemplate::internal
