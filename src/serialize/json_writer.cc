#include "serialize/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include "serialize/scalar.h"

namespace aicr::serialize {
namespace {

void AppendU(std::string& out, std::uint32_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) {
    out += kHex[(v >> static_cast<unsigned>(shift)) & 0xFu];
  }
}

void AppendString(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b >= 0x80) {
      char32_t cp = 0;
      std::size_t n = DecodeUtf8(s, i, cp);
      if (n == 0) {
        out += "\\ufffd";
        ++i;
      } else if (cp == 0x2028 || cp == 0x2029) {
        AppendU(out, static_cast<std::uint32_t>(cp));
        i += n;
      } else {
        out.append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (b) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '<':
      case '>':
      case '&':
        AppendU(out, b);
        break;
      default:
        if (b < 0x20) {
          AppendU(out, b);
        } else {
          out += static_cast<char>(b);
        }
    }
    ++i;
  }
  out += '"';
}

class JsonWriter {
 public:
  explicit JsonWriter(const JsonWriteOptions& options) : options_(options) {}

  Status Write(const Value& v, std::size_t indent) {
    switch (v.type()) {
      case ValueType::kNull:
        out_ += "null";
        return OkStatus();
      case ValueType::kBool:
        out_ += *v.if_bool() ? "true" : "false";
        return OkStatus();
      case ValueType::kInt: {
        char buf[24];
        auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), *v.if_int());
        out_.append(buf, ec == std::errc() ? ptr : buf);
        return OkStatus();
      }
      case ValueType::kFloat: {
        double d = *v.if_float();
        if (!std::isfinite(d)) {
          return InvalidRequestError("json: cannot encode " + FormatYamlFloat(d) + " at " + Path());
        }
        out_ += FormatFloatShortest(d);
        return OkStatus();
      }
      case ValueType::kString:
        AppendString(out_, *v.if_string());
        return OkStatus();
      case ValueType::kSequence:
        return WriteSequence(*v.if_sequence(), indent);
      case ValueType::kMapping:
        return WriteMapping(*v.if_mapping(), indent);
    }
    return OkStatus();
  }

  std::string Take() { return std::move(out_); }

 private:
  void Newline(std::size_t indent) {
    if (!options_.compact) {
      out_ += '\n';
      out_.append(indent, ' ');
    }
  }

  Status WriteSequence(const Sequence& s, std::size_t indent) {
    if (s.empty()) {
      out_ += "[]";
      return OkStatus();
    }
    out_ += '[';
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (i > 0) {
        out_ += ',';
      }
      Newline(indent + 2);
      path_.push_back(Segment{nullptr, i});
      Status st = Write(s[i], indent + 2);
      path_.pop_back();
      if (!st.ok()) {
        return st;
      }
    }
    Newline(indent);
    out_ += ']';
    return OkStatus();
  }

  Status WriteEntry(const std::string& key, const Value& value, std::size_t indent, bool first) {
    if (!first) {
      out_ += ',';
    }
    Newline(indent + 2);
    AppendString(out_, key);
    out_ += options_.compact ? ":" : ": ";
    path_.push_back(Segment{&key, 0});
    Status st = Write(value, indent + 2);
    path_.pop_back();
    return st;
  }

  Status WriteMapping(const Mapping& m, std::size_t indent) {
    if (m.empty()) {
      out_ += "{}";
      return OkStatus();
    }
    out_ += '{';
    bool first = true;
    if (options_.sort_keys) {
      for (const Mapping::Entry* e : m.SortedEntries()) {
        Status st = WriteEntry(e->first, e->second, indent, first);
        if (!st.ok()) {
          return st;
        }
        first = false;
      }
    } else {
      for (const auto& [key, value] : m) {
        Status st = WriteEntry(key, value, indent, first);
        if (!st.ok()) {
          return st;
        }
        first = false;
      }
    }
    Newline(indent);
    out_ += '}';
    return OkStatus();
  }

  // `a.b[0]`, or `(root)`.
  std::string Path() const {
    if (path_.empty()) {
      return "(root)";
    }
    std::string p;
    for (const Segment& seg : path_) {
      if (seg.key == nullptr) {
        p += "[" + std::to_string(seg.index) + "]";
      } else {
        if (!p.empty()) {
          p += '.';
        }
        p += *seg.key;
      }
    }
    return p;
  }

  struct Segment {
    const std::string* key;  // nullptr for a sequence index
    std::size_t index;
  };

  const JsonWriteOptions& options_;
  std::string out_;
  std::vector<Segment> path_;
};

}  // namespace

Result<std::string> WriteJson(const Value& value, const JsonWriteOptions& options) {
  JsonWriter w(options);
  Status st = w.Write(value, 0);
  if (!st.ok()) {
    return st;
  }
  std::string out = w.Take();
  if (options.trailing_newline) {
    out += '\n';
  }
  return out;
}

}  // namespace aicr::serialize
