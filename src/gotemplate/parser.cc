#include "gotemplate/parser.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status_macros.h"
#include "base/strings.h"
#include "gotemplate/format.h"
#include "gotemplate/funcs.h"
#include "gotemplate/lexer.h"
#include "gotemplate/literals.h"

namespace aicr::gotemplate::internal {
namespace {

using serialize::Value;

// Operand and command texts kept for error messages are cut to this many bytes.
constexpr std::size_t kMaxContext = 80;

std::string Context(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                           text.back() == '\n')) {
    text.remove_suffix(1);
  }
  if (text.size() > kMaxContext) {
    return std::string(text.substr(0, kMaxContext)) + "...";
  }
  return std::string(text);
}

// How a list of nodes ended.
struct Terminator {
  enum Kind { kEof, kEnd, kElse } kind = kEof;
  int line = 1;
  // `{{else if` / `{{else with`: the keyword is the next token.
  bool chained = false;
};

class Parser {
 public:
  Parser(std::string_view name, std::string_view input, const Limits& limits)
      : name_(name), input_(input), limits_(limits) {}

  Result<Tree> Run() {
    if (input_.size() > limits_.max_template_bytes) {
      return Error(1, "template is " + std::to_string(input_.size()) + " bytes, more than " +
                          std::to_string(limits_.max_template_bytes));
    }
    tokens_ = Lex(input_);
    Tree tree;
    Terminator term;
    AICR_RETURN_IF_ERROR(ParseList(&tree.root, &term));
    if (term.kind == Terminator::kEnd) {
      return Error(term.line, "unexpected {{end}}");
    }
    if (term.kind == Terminator::kElse) {
      return Error(term.line, "unexpected {{else}}");
    }
    return tree;
  }

 private:
  const Token& Peek() const { return tokens_[std::min(pos_, tokens_.size() - 1)]; }
  const Token& Next() {
    const Token& t = Peek();
    ++pos_;
    return t;
  }
  void Backup() { --pos_; }
  const Token& PeekNonSpace() {
    while (Peek().kind == TokenKind::kSpace) {
      ++pos_;
    }
    return Peek();
  }
  const Token& NextNonSpace() {
    PeekNonSpace();
    return Next();
  }
  // End offset of the last consumed token.
  std::size_t ConsumedEnd() const {
    const Token& t = tokens_[std::min(pos_, tokens_.size()) - 1];
    return t.offset + t.text.size();
  }
  std::string Span(std::size_t start) const {
    const std::size_t end = ConsumedEnd();
    return Context(input_.substr(start, end > start ? end - start : 0));
  }

  Status Error(int line, std::string_view what) const {
    return InvalidRequestError(std::string(name_) + ":" + std::to_string(line) + ": " +
                               std::string(what));
  }

  static std::string Describe(const Token& t) {
    switch (t.kind) {
      case TokenKind::kEof:
        return "EOF";
      case TokenKind::kKeyword:
        return "<" + std::string(t.text) + ">";
      case TokenKind::kRightDelim:
        return "\"}}\"";
      default:
        break;
    }
    if (t.text.size() > 10) {
      return GoQuote(t.text.substr(0, 10)) + "...";
    }
    return GoQuote(t.text);
  }

  Status Unexpected(const Token& t, std::string_view context) const {
    if (t.kind == TokenKind::kError) {
      return Error(t.line, t.error);
    }
    return Error(t.line, "unexpected " + Describe(t) + " in " + std::string(context));
  }

  Status Expect(TokenKind kind, std::string_view context) {
    const Token& t = NextNonSpace();
    if (t.kind != kind) {
      return Unexpected(t, context);
    }
    return OkStatus();
  }

  bool IsDefined(std::string_view var) const {
    for (const std::string& v : vars_) {
      if (v == var) {
        return true;
      }
    }
    return false;
  }

  Status Enter(int line) {
    if (++depth_ > limits_.max_depth) {
      return Error(line, "nesting exceeds " + std::to_string(limits_.max_depth) + " levels");
    }
    return OkStatus();
  }

  Status ParseList(std::vector<Node>* out, Terminator* term) {
    while (true) {
      const Token& t = Next();
      switch (t.kind) {
        case TokenKind::kText: {
          Node n;
          n.kind = NodeKind::kText;
          n.line = t.line;
          n.text = std::string(t.text);
          out->push_back(std::move(n));
          break;
        }
        case TokenKind::kEof:
          term->kind = Terminator::kEof;
          term->line = t.line;
          return OkStatus();
        case TokenKind::kLeftDelim: {
          Node n;
          bool is_node = true;
          AICR_RETURN_IF_ERROR(ParseAction(&n, &is_node, term));
          if (!is_node) {
            return OkStatus();
          }
          out->push_back(std::move(n));
          break;
        }
        default:
          return Unexpected(t, "input");
      }
    }
  }

  Status ParseAction(Node* node, bool* is_node, Terminator* term) {
    const Token& t = PeekNonSpace();
    if (t.kind == TokenKind::kKeyword) {
      const int line = t.line;
      const std::string_view word = NextNonSpace().text;
      if (word == "if" || word == "with" || word == "range") {
        return ParseControl(
            word == "if" ? NodeKind::kIf : (word == "with" ? NodeKind::kWith : NodeKind::kRange),
            node);
      }
      if (word == "end") {
        AICR_RETURN_IF_ERROR(Expect(TokenKind::kRightDelim, "end"));
        *is_node = false;
        *term = Terminator{Terminator::kEnd, line, false};
        return OkStatus();
      }
      if (word == "else") {
        *is_node = false;
        const Token& next = PeekNonSpace();
        if (next.kind == TokenKind::kKeyword && (next.text == "if" || next.text == "with")) {
          *term = Terminator{Terminator::kElse, line, true};
          return OkStatus();
        }
        AICR_RETURN_IF_ERROR(Expect(TokenKind::kRightDelim, "else"));
        *term = Terminator{Terminator::kElse, line, false};
        return OkStatus();
      }
      return Error(line, "{{" + std::string(word) + "}} is not supported");
    }
    node->kind = NodeKind::kAction;
    node->line = t.line;
    AICR_ASSIGN_OR_RETURN(node->pipeline, ParsePipeline("command", TokenKind::kRightDelim));
    return OkStatus();
  }

  Status ParseControl(NodeKind kind, Node* node) {
    const std::string_view context =
        kind == NodeKind::kIf ? "if" : (kind == NodeKind::kWith ? "with" : "range");
    node->kind = kind;
    node->line = PeekNonSpace().line;
    AICR_RETURN_IF_ERROR(Enter(node->line));
    const std::size_t vars_mark = vars_.size();
    AICR_ASSIGN_OR_RETURN(node->pipeline, ParsePipeline(context, TokenKind::kRightDelim));
    const std::size_t body_mark = vars_.size();
    Terminator term;
    AICR_RETURN_IF_ERROR(ParseList(&node->body, &term));
    if (term.kind == Terminator::kEof) {
      return Error(term.line, "unexpected EOF");
    }
    vars_.resize(body_mark);
    if (term.kind == Terminator::kElse) {
      if (term.chained) {
        const Token& keyword = NextNonSpace();
        const bool same = (kind == NodeKind::kIf && keyword.text == "if") ||
                          (kind == NodeKind::kWith && keyword.text == "with");
        if (!same) {
          return Unexpected(keyword, "input");
        }
        Node nested;
        AICR_RETURN_IF_ERROR(ParseControl(kind, &nested));
        node->else_body.push_back(std::move(nested));
      } else {
        Terminator end;
        AICR_RETURN_IF_ERROR(ParseList(&node->else_body, &end));
        if (end.kind == Terminator::kEof) {
          return Error(end.line, "unexpected EOF");
        }
        if (end.kind == Terminator::kElse) {
          return Error(end.line, "expected end; found {{else}}");
        }
      }
    }
    vars_.resize(vars_mark);
    --depth_;
    return OkStatus();
  }

  static bool StartsOperand(TokenKind kind) {
    switch (kind) {
      case TokenKind::kBool:
      case TokenKind::kChar:
      case TokenKind::kDot:
      case TokenKind::kField:
      case TokenKind::kIdentifier:
      case TokenKind::kNumber:
      case TokenKind::kNil:
      case TokenKind::kRawString:
      case TokenKind::kString:
      case TokenKind::kVariable:
      case TokenKind::kLeftParen:
        return true;
      default:
        return false;
    }
  }

  Status ParseDeclarations(Pipeline* pipe, std::string_view context) {
    while (PeekNonSpace().kind == TokenKind::kVariable) {
      const std::size_t save = pos_;
      const Token& var = Next();
      const Token& next = PeekNonSpace();
      if (next.kind == TokenKind::kDeclare || next.kind == TokenKind::kAssign) {
        Next();
        pipe->is_assign = next.kind == TokenKind::kAssign;
        pipe->decl.emplace_back(var.text);
        if (pipe->is_assign) {
          for (const std::string& name : pipe->decl) {
            if (!IsDefined(name)) {
              return Error(var.line, "undefined variable " + Quote(name));
            }
          }
        } else {
          // Visible at once, as in Go.
          for (const std::string& name : pipe->decl) {
            vars_.push_back(name);
          }
        }
        return OkStatus();
      }
      if (next.kind == TokenKind::kComma) {
        Next();
        pipe->decl.emplace_back(var.text);
        if (context != "range" || pipe->decl.size() >= 2) {
          return Error(next.line, "too many declarations in " + std::string(context));
        }
        if (PeekNonSpace().kind != TokenKind::kVariable) {
          return Error(next.line, "range can only initialize variables");
        }
        continue;
      }
      if (!pipe->decl.empty()) {
        return Error(var.line, "range can only initialize variables");
      }
      pos_ = save;
      return OkStatus();
    }
    return OkStatus();
  }

  Result<std::unique_ptr<Pipeline>> ParsePipeline(std::string_view context, TokenKind end) {
    auto pipe = std::make_unique<Pipeline>();
    const Token& first = PeekNonSpace();
    pipe->line = first.line;
    const std::size_t start = first.offset;
    AICR_RETURN_IF_ERROR(ParseDeclarations(pipe.get(), context));
    bool after_pipe = false;
    while (true) {
      const Token& t = NextNonSpace();
      if (t.kind == end) {
        if (pipe->commands.empty()) {
          return Error(t.line, "missing value for " + std::string(context));
        }
        if (after_pipe) {
          return Error(t.line, "missing command after \"|\" in " + std::string(context));
        }
        for (std::size_t i = 1; i < pipe->commands.size(); ++i) {
          const OperandKind k = pipe->commands[i].args[0].kind;
          if (k == OperandKind::kLiteral || k == OperandKind::kDot || k == OperandKind::kNil) {
            return Error(pipe->commands[i].line,
                         "non executable command in pipeline stage " + std::to_string(i + 1));
          }
        }
        pipe->text = Context(input_.substr(start, t.offset > start ? t.offset - start : 0));
        return pipe;
      }
      if (!StartsOperand(t.kind)) {
        return Unexpected(t, context);
      }
      Backup();
      Command cmd;
      AICR_RETURN_IF_ERROR(ParseCommand(&cmd, &after_pipe));
      pipe->commands.push_back(std::move(cmd));
    }
  }

  Status ParseCommand(Command* cmd, bool* piped) {
    const Token& first = PeekNonSpace();
    cmd->line = first.line;
    const std::size_t start = first.offset;
    std::size_t end = start;
    *piped = false;
    while (true) {
      PeekNonSpace();
      std::optional<Operand> op;
      AICR_RETURN_IF_ERROR(ParseOperand(&op));
      if (op.has_value()) {
        cmd->args.push_back(std::move(*op));
        end = ConsumedEnd();
      }
      const Token& t = Next();
      if (t.kind == TokenKind::kSpace) {
        continue;
      }
      if (t.kind == TokenKind::kRightDelim || t.kind == TokenKind::kRightParen) {
        Backup();
      } else if (t.kind == TokenKind::kPipe) {
        *piped = true;
      } else {
        return Unexpected(t, "operand");
      }
      break;
    }
    if (cmd->args.empty()) {
      return Error(cmd->line, "empty command");
    }
    cmd->text = Context(input_.substr(start, end - start));
    return OkStatus();
  }

  Status ParseOperand(std::optional<Operand>* out) {
    const std::size_t start = PeekNonSpace().offset;
    AICR_RETURN_IF_ERROR(ParseTerm(out));
    if (!out->has_value() || Peek().kind != TokenKind::kField) {
      return OkStatus();
    }
    std::vector<std::string> fields;
    while (Peek().kind == TokenKind::kField) {
      fields.emplace_back(Next().text.substr(1));
    }
    Operand& term = **out;
    switch (term.kind) {
      case OperandKind::kField:
      case OperandKind::kVariable:
        term.fields.insert(term.fields.end(), fields.begin(), fields.end());
        break;
      case OperandKind::kLiteral:
      case OperandKind::kNil:
      case OperandKind::kDot:
        return Error(term.line, "unexpected . after term " + GoQuote(term.text));
      default: {
        Operand chain;
        chain.kind = OperandKind::kChain;
        chain.line = term.line;
        chain.fields = std::move(fields);
        chain.base = std::make_unique<Operand>(std::move(term));
        *out = std::move(chain);
        break;
      }
    }
    (*out)->text = Span(start);
    return OkStatus();
  }

  Status ParseTerm(std::optional<Operand>* out) {
    const Token& t = NextNonSpace();
    Operand op;
    op.line = t.line;
    op.text = Context(t.text);
    switch (t.kind) {
      case TokenKind::kIdentifier:
        if (IsUnsupportedFunction(t.text)) {
          return Error(t.line, "function " + Quote(t.text) + " is not supported");
        }
        op.function = FindFunction(t.text);
        if (op.function == nullptr) {
          return Error(t.line, "function " + Quote(t.text) + " not defined");
        }
        op.kind = OperandKind::kFunction;
        op.name = std::string(t.text);
        break;
      case TokenKind::kDot:
        op.kind = OperandKind::kDot;
        break;
      case TokenKind::kNil:
        op.kind = OperandKind::kNil;
        break;
      case TokenKind::kVariable:
        if (!IsDefined(t.text)) {
          return Error(t.line, "undefined variable " + Quote(t.text));
        }
        op.kind = OperandKind::kVariable;
        op.name = std::string(t.text);
        break;
      case TokenKind::kField:
        op.kind = OperandKind::kField;
        op.fields.emplace_back(t.text.substr(1));
        break;
      case TokenKind::kBool:
        op.kind = OperandKind::kLiteral;
        op.literal = Value(t.text == "true");
        break;
      case TokenKind::kNumber: {
        op.kind = OperandKind::kLiteral;
        auto v = NumberValue(t.text);
        if (!v.ok()) {
          return Error(t.line, v.status().message());
        }
        op.literal = std::move(v).value();
        break;
      }
      case TokenKind::kChar: {
        op.kind = OperandKind::kLiteral;
        auto v = CharValue(t.text);
        if (!v.ok()) {
          return Error(t.line, v.status().message());
        }
        op.literal = std::move(v).value();
        break;
      }
      case TokenKind::kString:
      case TokenKind::kRawString: {
        op.kind = OperandKind::kLiteral;
        auto v = UnquoteString(t.text);
        if (!v.ok()) {
          return Error(t.line, v.status().message());
        }
        op.literal = std::move(v).value();
        break;
      }
      case TokenKind::kLeftParen: {
        AICR_RETURN_IF_ERROR(Enter(t.line));
        op.kind = OperandKind::kPipeline;
        AICR_ASSIGN_OR_RETURN(op.pipeline,
                              ParsePipeline("parenthesized pipeline", TokenKind::kRightParen));
        --depth_;
        op.text = Span(t.offset);
        break;
      }
      default:
        Backup();
        return OkStatus();
    }
    *out = std::move(op);
    return OkStatus();
  }

  std::string_view name_;
  std::string_view input_;
  const Limits& limits_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  std::size_t depth_ = 0;
  std::vector<std::string> vars_ = {"$"};
};

}  // namespace

Result<Tree> ParseTree(std::string_view name, std::string_view text, const Limits& limits) {
  return Parser(name, text, limits).Run();
}

}  // namespace aicr::gotemplate::internal
