#include "serialize/yaml_writer.h"

#include <charconv>
#include <cstdint>
#include <string_view>

#include "serialize/scalar.h"

namespace aicr::serialize {
namespace {

constexpr std::size_t kIndentStep = 2;
// Implicit keys are limited to 1024 characters by YAML readers; longer ones are explicit.
constexpr std::size_t kMaxImplicitKeyBytes = 1000;

std::string FormatInt(std::int64_t i) {
  char buf[24];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), i);
  return std::string(buf, ec == std::errc() ? ptr : buf);
}

std::string QuoteIfNeeded(std::string_view s) {
  return NeedsQuoting(s) ? DoubleQuote(s) : std::string(s);
}

// How a multi-line string is written as a literal block, when it can be.
struct Literal {
  bool ok = false;
  bool indicator = false;  // the first non-empty line starts with a space
  char chomp = '-';        // '-', '\0' (clip) or '+'
};

Literal PlanLiteral(std::string_view s, bool top_level) {
  Literal plan;
  if (s.find('\n') == std::string_view::npos) {
    return plan;
  }
  bool any_content = false;
  bool first_content_seen = false;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find('\n', start);
    if (end == std::string_view::npos) {
      end = s.size();
    }
    std::string_view line = s.substr(start, end - start);
    if (!line.empty()) {
      if (line.back() == ' ') {
        return plan;  // trailing spaces do not survive editors; quote instead
      }
      for (std::size_t i = 0; i < line.size();) {
        char32_t cp = 0;
        std::size_t n = DecodeUtf8(line, i, cp);
        if (n == 0 || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
            cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF) {
          return plan;
        }
        i += n;
      }
      if (!first_content_seen) {
        first_content_seen = true;
        plan.indicator = line.front() == ' ';
      }
      any_content = true;
    }
    start = end + 1;
  }
  if (!any_content || (plan.indicator && top_level)) {
    return plan;
  }
  std::size_t trailing = 0;
  while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') {
    ++trailing;
  }
  plan.chomp = trailing == 0 ? '-' : (trailing == 1 ? '\0' : '+');
  plan.ok = true;
  return plan;
}

class Writer {
 public:
  explicit Writer(const WriteOptions& options) : options_(options) {}

  std::string Take() { return std::move(out_); }

  void WriteDocument(const Value& v) {
    if (const Mapping* m = v.if_mapping(); m != nullptr && !m->empty()) {
      WriteMapping(*m, 0, /*inline_first=*/false);
      return;
    }
    if (const Sequence* s = v.if_sequence(); s != nullptr && !s->empty()) {
      WriteSequence(*s, 0, /*inline_first=*/false);
      return;
    }
    if (const std::string* s = v.if_string()) {
      Literal plan = PlanLiteral(*s, /*top_level=*/true);
      if (plan.ok) {
        WriteLiteral(*s, plan, 0);
        return;
      }
    }
    out_ += Scalar(v);
    out_ += '\n';
  }

 private:
  void Indent(std::size_t n) { out_.append(n, ' '); }

  std::string Scalar(const Value& v) const {
    switch (v.type()) {
      case ValueType::kNull:
        return "null";
      case ValueType::kBool:
        return *v.if_bool() ? "true" : "false";
      case ValueType::kInt:
        return FormatInt(*v.if_int());
      case ValueType::kFloat:
        return FormatYamlFloat(*v.if_float());
      case ValueType::kString:
        return QuoteIfNeeded(*v.if_string());
      case ValueType::kSequence:
        return "[]";
      case ValueType::kMapping:
        return "{}";
    }
    return "null";
  }

  // Writes the header (after `key: ` or `- `) and the body at `indent` + 2.
  void WriteLiteral(std::string_view s, const Literal& plan, std::size_t indent) {
    out_ += '|';
    if (plan.indicator) {
      out_ += static_cast<char>('0' + kIndentStep);
    }
    if (plan.chomp != '\0') {
      out_ += plan.chomp;
    }
    out_ += '\n';
    std::size_t body_end = s.size();
    while (body_end > 0 && s[body_end - 1] == '\n') {
      --body_end;
    }
    std::string_view body = s.substr(0, body_end);
    std::size_t start = 0;
    while (start <= body.size()) {
      std::size_t end = body.find('\n', start);
      if (end == std::string_view::npos) {
        end = body.size();
      }
      std::string_view line = body.substr(start, end - start);
      if (!line.empty()) {
        Indent(indent + kIndentStep);
        out_.append(line);
      }
      out_ += '\n';
      start = end + 1;
    }
    if (plan.chomp == '+') {
      out_.append(s.size() - body_end - 1, '\n');
    }
  }

  // The cursor is right after `key:` (no space yet).
  void WriteAfterKey(const Value& v, std::size_t indent) {
    if (const Mapping* m = v.if_mapping(); m != nullptr && !m->empty()) {
      out_ += '\n';
      WriteMapping(*m, indent + kIndentStep, /*inline_first=*/false);
      return;
    }
    if (const Sequence* s = v.if_sequence(); s != nullptr && !s->empty()) {
      out_ += '\n';
      WriteSequence(*s, indent + kIndentStep, /*inline_first=*/false);
      return;
    }
    out_ += ' ';
    WriteInline(v, indent);
  }

  // The cursor is right after `- ` written at column `indent`.
  void WriteAfterDash(const Value& v, std::size_t indent) {
    if (const Mapping* m = v.if_mapping(); m != nullptr && !m->empty()) {
      WriteMapping(*m, indent + kIndentStep, /*inline_first=*/true);
      return;
    }
    if (const Sequence* s = v.if_sequence(); s != nullptr && !s->empty()) {
      WriteSequence(*s, indent + kIndentStep, /*inline_first=*/true);
      return;
    }
    WriteInline(v, indent);
  }

  // A scalar, empty collection or literal block whose parent sits at column `indent`.
  void WriteInline(const Value& v, std::size_t indent) {
    if (const std::string* s = v.if_string()) {
      Literal plan = PlanLiteral(*s, /*top_level=*/false);
      if (plan.ok) {
        WriteLiteral(*s, plan, indent);
        return;
      }
    }
    out_ += Scalar(v);
    out_ += '\n';
  }

  void WriteEntry(const std::string& key, const Value& v, std::size_t indent, bool indent_line) {
    if (indent_line) {
      Indent(indent);
    }
    std::string k = QuoteIfNeeded(key);
    if (k.size() > kMaxImplicitKeyBytes) {
      out_ += "? ";
      out_ += k;
      out_ += '\n';
      Indent(indent);
      out_ += ':';
    } else {
      out_ += k;
      out_ += ':';
    }
    WriteAfterKey(v, indent);
  }

  void WriteMapping(const Mapping& m, std::size_t indent, bool inline_first) {
    bool first = true;
    if (options_.sort_keys) {
      for (const Mapping::Entry* e : m.SortedEntries()) {
        WriteEntry(e->first, e->second, indent, !(first && inline_first));
        first = false;
      }
      return;
    }
    for (const auto& [key, value] : m) {
      WriteEntry(key, value, indent, !(first && inline_first));
      first = false;
    }
  }

  void WriteSequence(const Sequence& s, std::size_t indent, bool inline_first) {
    bool first = true;
    for (const Value& item : s) {
      if (!(first && inline_first)) {
        Indent(indent);
      }
      first = false;
      out_ += "- ";
      WriteAfterDash(item, indent);
    }
  }

  const WriteOptions& options_;
  std::string out_;
};

}  // namespace

std::string WriteYaml(const Value& value, const WriteOptions& options) {
  Writer w(options);
  w.WriteDocument(value);
  return w.Take();
}

std::string WriteYamlDocuments(const std::vector<Value>& documents, const WriteOptions& options) {
  std::string out;
  bool first = true;
  for (const Value& doc : documents) {
    if (!first) {
      out += "---\n";
    }
    first = false;
    out += WriteYaml(doc, options);
  }
  return out;
}

}  // namespace aicr::serialize
