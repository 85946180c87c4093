#include "gotemplate/lexer.h"

#include <cstdint>
#include <cstdio>

#include "serialize/scalar.h"

namespace aicr::gotemplate::internal {
namespace {

constexpr std::string_view kLeftDelim = "{{";
constexpr std::string_view kRightDelim = "}}";

bool IsActionSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsAlphaNumeric(char c) {
  const auto u = static_cast<unsigned char>(c);
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         u >= 0x80;
}

bool IsKeyword(std::string_view word) {
  return word == "if" || word == "else" || word == "end" || word == "range" || word == "with" ||
         word == "define" || word == "template" || word == "block" || word == "break" ||
         word == "continue";
}

class Lexer {
 public:
  explicit Lexer(std::string_view input) : input_(input) {}

  std::vector<Token> Run() {
    while (LexText() && LexAction()) {
    }
    return std::move(tokens_);
  }

 private:
  char At(std::size_t pos) const { return pos < input_.size() ? input_[pos] : '\0'; }
  bool StartsWith(std::size_t pos, std::string_view s) const {
    return pos <= input_.size() && input_.substr(pos).substr(0, s.size()) == s;
  }
  // `-` and a space right after a left delimiter.
  bool HasLeftTrimMarker(std::size_t pos) const {
    return pos + 1 < input_.size() && input_[pos] == '-' && IsActionSpace(input_[pos + 1]);
  }
  // A space, `-` and the right delimiter.
  bool HasRightTrim(std::size_t pos) const {
    return pos + 1 < input_.size() && IsActionSpace(input_[pos]) && input_[pos + 1] == '-' &&
           StartsWith(pos + 2, kRightDelim);
  }

  // Moves to `to`, counting newlines.
  void Advance(std::size_t to) {
    for (; pos_ < to; ++pos_) {
      if (input_[pos_] == '\n') {
        ++line_;
      }
    }
  }

  void Emit(TokenKind kind, std::size_t start, std::size_t end, int line) {
    Token t;
    t.kind = kind;
    t.text = input_.substr(start, end - start);
    t.line = line;
    t.offset = start;
    tokens_.push_back(std::move(t));
  }

  bool Fail(std::string message) {
    Token t;
    t.kind = TokenKind::kError;
    t.line = line_;
    t.offset = pos_;
    t.error = std::move(message);
    tokens_.push_back(std::move(t));
    return false;
  }

  // Text up to the next left delimiter; false at the end of the input.
  bool LexText() {
    const std::size_t start = pos_;
    const int start_line = line_;
    const std::size_t delim = input_.find(kLeftDelim, pos_);
    const std::size_t end = delim == std::string_view::npos ? input_.size() : delim;
    std::size_t text_end = end;
    if (delim != std::string_view::npos && HasLeftTrimMarker(delim + kLeftDelim.size())) {
      while (text_end > start && IsActionSpace(input_[text_end - 1])) {
        --text_end;
      }
    }
    if (text_end > start) {
      Emit(TokenKind::kText, start, text_end, start_line);
    }
    Advance(end);
    if (delim == std::string_view::npos) {
      Emit(TokenKind::kEof, pos_, pos_, line_);
      return false;
    }
    return true;
  }

  // After a right delimiter with a trim marker: drops the following spaces.
  void TrimAfterAction(bool trim) {
    if (trim) {
      std::size_t p = pos_;
      while (p < input_.size() && IsActionSpace(input_[p])) {
        ++p;
      }
      Advance(p);
    }
  }

  // At a right delimiter (plain or trimmed): its length and whether it trims.
  std::size_t AtRightDelim(bool* trim) const {
    if (HasRightTrim(pos_)) {
      *trim = true;
      return 2 + kRightDelim.size();
    }
    *trim = false;
    return StartsWith(pos_, kRightDelim) ? kRightDelim.size() : 0;
  }

  // An action starting at pos_ (on `{{`); false after an error.
  bool LexAction() {
    const int action_line = line_;
    const std::size_t start = pos_;
    std::size_t after = pos_ + kLeftDelim.size();
    if (HasLeftTrimMarker(after)) {
      after += 2;
    }
    if (StartsWith(after, "/*")) {
      return LexComment(after, action_line);
    }
    Emit(TokenKind::kLeftDelim, start, after, action_line);
    Advance(after);
    int paren_depth = 0;
    while (true) {
      bool trim = false;
      if (const std::size_t n = AtRightDelim(&trim); n > 0) {
        if (paren_depth != 0) {
          return Fail("unclosed left paren");
        }
        Emit(TokenKind::kRightDelim, pos_, pos_ + n, line_);
        Advance(pos_ + n);
        TrimAfterAction(trim);
        return true;
      }
      if (pos_ >= input_.size()) {
        line_ = action_line;
        return Fail("unclosed action");
      }
      if (!LexInsideAction(&paren_depth)) {
        return false;
      }
    }
  }

  bool LexComment(std::size_t after, int action_line) {
    const std::size_t close = input_.find("*/", after + 2);
    if (close == std::string_view::npos) {
      line_ = action_line;
      return Fail("unclosed comment");
    }
    Advance(close + 2);
    bool trim = false;
    const std::size_t n = AtRightDelim(&trim);
    if (n == 0) {
      return Fail("comment ends before closing delimiter");
    }
    Advance(pos_ + n);
    TrimAfterAction(trim);
    return true;
  }

  // Whether the character at `p` ends a word.
  bool AtTerminator(std::size_t p) const {
    if (p >= input_.size()) {
      return true;
    }
    const char c = input_[p];
    if (IsActionSpace(c)) {
      return true;
    }
    switch (c) {
      case '.':
      case ',':
      case '|':
      case ':':
      case ')':
      case '(':
      case '=':
        return true;
      default:
        return StartsWith(p, kRightDelim);
    }
  }

  std::size_t ScanAlphaNumeric(std::size_t p) const {
    while (p < input_.size() && IsAlphaNumeric(input_[p])) {
      ++p;
    }
    return p;
  }

  bool LexInsideAction(int* paren_depth) {
    const std::size_t start = pos_;
    const char c = input_[pos_];
    if (IsActionSpace(c)) {
      std::size_t p = pos_;
      while (p < input_.size() && IsActionSpace(input_[p])) {
        ++p;
      }
      // The last space of ` -}}` belongs to the delimiter.
      if (HasRightTrim(p - 1)) {
        --p;
      }
      if (p > start) {
        const int line = line_;
        Advance(p);
        Emit(TokenKind::kSpace, start, p, line);
      }
      return true;
    }
    switch (c) {
      case '=':
        return Simple(TokenKind::kAssign, 1);
      case ':':
        if (At(pos_ + 1) != '=') {
          return Fail("expected :=");
        }
        return Simple(TokenKind::kDeclare, 2);
      case '|':
        return Simple(TokenKind::kPipe, 1);
      case ',':
        return Simple(TokenKind::kComma, 1);
      case '(':
        ++*paren_depth;
        return Simple(TokenKind::kLeftParen, 1);
      case ')':
        --*paren_depth;
        if (*paren_depth < 0) {
          return Fail("unexpected right paren");
        }
        return Simple(TokenKind::kRightParen, 1);
      case '"':
        return LexQuote();
      case '`':
        return LexRawQuote();
      case '\'':
        return LexChar();
      case '$':
        return LexFieldOrVariable(TokenKind::kVariable);
      case '.':
        if (At(pos_ + 1) < '0' || At(pos_ + 1) > '9') {
          return LexFieldOrVariable(TokenKind::kField);
        }
        return LexNumber();
      default:
        break;
    }
    if (c == '+' || c == '-' || (c >= '0' && c <= '9')) {
      return LexNumber();
    }
    if (IsAlphaNumeric(c)) {
      return LexIdentifier();
    }
    if (c > ' ' && c < 0x7f) {
      return Simple(TokenKind::kOtherChar, 1);
    }
    return Fail("unrecognized character in action: " + DescribeChar(input_, pos_));
  }

  bool Simple(TokenKind kind, std::size_t n) {
    Emit(kind, pos_, pos_ + n, line_);
    Advance(pos_ + n);
    return true;
  }

  bool LexQuote() {
    std::size_t p = pos_ + 1;
    while (true) {
      if (p >= input_.size() || input_[p] == '\n') {
        return Fail("unterminated quoted string");
      }
      if (input_[p] == '\\') {
        if (p + 1 >= input_.size() || input_[p + 1] == '\n') {
          return Fail("unterminated quoted string");
        }
        p += 2;
        continue;
      }
      if (input_[p] == '"') {
        break;
      }
      ++p;
    }
    return Simple(TokenKind::kString, p + 1 - pos_);
  }

  bool LexRawQuote() {
    const std::size_t close = input_.find('`', pos_ + 1);
    if (close == std::string_view::npos) {
      return Fail("unterminated raw quoted string");
    }
    const int line = line_;
    const std::size_t start = pos_;
    Advance(close + 1);
    Emit(TokenKind::kRawString, start, close + 1, line);
    return true;
  }

  bool LexChar() {
    std::size_t p = pos_ + 1;
    while (true) {
      if (p >= input_.size() || input_[p] == '\n') {
        return Fail("unterminated character constant");
      }
      if (input_[p] == '\\') {
        if (p + 1 >= input_.size() || input_[p + 1] == '\n') {
          return Fail("unterminated character constant");
        }
        p += 2;
        continue;
      }
      if (input_[p] == '\'') {
        break;
      }
      ++p;
    }
    return Simple(TokenKind::kChar, p + 1 - pos_);
  }

  bool LexFieldOrVariable(TokenKind kind) {
    if (AtTerminator(pos_ + 1)) {
      return Simple(kind == TokenKind::kVariable ? TokenKind::kVariable : TokenKind::kDot, 1);
    }
    const std::size_t end = ScanAlphaNumeric(pos_ + 1);
    if (!AtTerminator(end)) {
      Advance(end);
      return Fail("bad character " + DescribeChar(input_, end));
    }
    return Simple(kind, end - pos_);
  }

  bool LexNumber() {
    std::size_t p = pos_;
    if (input_[p] == '+' || input_[p] == '-') {
      ++p;
    }
    while (p < input_.size()) {
      const char c = input_[p];
      if (IsAlphaNumeric(c) || c == '.') {
        ++p;
        continue;
      }
      // An exponent sign: `1e-3`, `0x1p+2`.
      const char prev = input_[p - 1];
      if ((c == '+' || c == '-') && (prev == 'e' || prev == 'E' || prev == 'p' || prev == 'P')) {
        ++p;
        continue;
      }
      break;
    }
    return Simple(TokenKind::kNumber, p - pos_);
  }

  bool LexIdentifier() {
    const std::size_t end = ScanAlphaNumeric(pos_);
    if (!AtTerminator(end)) {
      Advance(end);
      return Fail("bad character " + DescribeChar(input_, end));
    }
    const std::string_view word = input_.substr(pos_, end - pos_);
    TokenKind kind = TokenKind::kIdentifier;
    if (IsKeyword(word)) {
      kind = TokenKind::kKeyword;
    } else if (word == "true" || word == "false") {
      kind = TokenKind::kBool;
    } else if (word == "nil") {
      kind = TokenKind::kNil;
    }
    return Simple(kind, end - pos_);
  }

  std::string_view input_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> Lex(std::string_view input) { return Lexer(input).Run(); }

std::string DescribeChar(std::string_view input, std::size_t pos) {
  char32_t cp = 0;
  std::size_t len = serialize::DecodeUtf8(input, pos, cp);
  if (len == 0) {
    cp = static_cast<unsigned char>(input[pos]);
    len = 1;
  }
  char buf[16];
  std::snprintf(buf, sizeof(buf), "U+%04X", static_cast<std::uint32_t>(cp));
  std::string out = buf;
  const bool printable = cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0);
  if (printable) {
    out += " '";
    out += input.substr(pos, len);
    out += "'";
  }
  return out;
}

}  // namespace aicr::gotemplate::internal
