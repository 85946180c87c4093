#include "gotemplate/lexer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace aicr::gotemplate::internal {
namespace {

// "kind:text" per token, spaces shown as `_`.
std::vector<std::string> Kinds(std::string_view input) {
  std::vector<std::string> out;
  for (const Token& t : Lex(input)) {
    std::string text(t.text);
    switch (t.kind) {
      case TokenKind::kText:
        out.push_back("text:" + text);
        break;
      case TokenKind::kLeftDelim:
        out.push_back("{{");
        break;
      case TokenKind::kRightDelim:
        out.push_back("}}");
        break;
      case TokenKind::kSpace:
        out.push_back("_");
        break;
      case TokenKind::kIdentifier:
        out.push_back("id:" + text);
        break;
      case TokenKind::kKeyword:
        out.push_back("kw:" + text);
        break;
      case TokenKind::kField:
        out.push_back("field:" + text);
        break;
      case TokenKind::kVariable:
        out.push_back("var:" + text);
        break;
      case TokenKind::kDot:
        out.push_back("dot");
        break;
      case TokenKind::kString:
      case TokenKind::kRawString:
        out.push_back("str:" + text);
        break;
      case TokenKind::kChar:
        out.push_back("char:" + text);
        break;
      case TokenKind::kNumber:
        out.push_back("num:" + text);
        break;
      case TokenKind::kBool:
        out.push_back("bool:" + text);
        break;
      case TokenKind::kNil:
        out.push_back("nil");
        break;
      case TokenKind::kPipe:
        out.push_back("|");
        break;
      case TokenKind::kLeftParen:
        out.push_back("(");
        break;
      case TokenKind::kRightParen:
        out.push_back(")");
        break;
      case TokenKind::kDeclare:
        out.push_back(":=");
        break;
      case TokenKind::kAssign:
        out.push_back("=");
        break;
      case TokenKind::kComma:
        out.push_back(",");
        break;
      case TokenKind::kOtherChar:
        out.push_back("char?" + text);
        break;
      case TokenKind::kEof:
        out.push_back("EOF");
        break;
      case TokenKind::kError:
        out.push_back("error:" + t.error);
        break;
    }
  }
  return out;
}

using V = std::vector<std::string>;

TEST(LexerTest, TextAndActions) {
  EXPECT_EQ(Kinds(""), V({"EOF"}));
  EXPECT_EQ(Kinds("abc"), V({"text:abc", "EOF"}));
  EXPECT_EQ(Kinds("a{{.X}}b"), V({"text:a", "{{", "field:.X", "}}", "text:b", "EOF"}));
  EXPECT_EQ(Kinds("{{ $x := .A.b | f 1 \"s\" }}"),
            V({"{{", "_", "var:$x", "_", ":=", "_", "field:.A", "field:.b", "_", "|", "_", "id:f",
               "_", "num:1", "_", "str:\"s\"", "_", "}}", "EOF"}));
  EXPECT_EQ(Kinds("{{if true}}{{else}}{{end}}"), V({"{{", "kw:if", "_", "bool:true", "}}", "{{",
                                                    "kw:else", "}}", "{{", "kw:end", "}}", "EOF"}));
  EXPECT_EQ(Kinds("{{ range $i, $v = . }}"), V({"{{", "_", "kw:range", "_", "var:$i", ",", "_",
                                                "var:$v", "_", "=", "_", "dot", "_", "}}", "EOF"}));
  EXPECT_EQ(Kinds("{{ (x).y $ nil 'c' `r` -1.5e+3 }}"),
            V({"{{", "_", "(", "id:x", ")", "field:.y", "_", "var:$", "_", "nil", "_", "char:'c'",
               "_", "str:`r`", "_", "num:-1.5e+3", "_", "}}", "EOF"}));
}

TEST(LexerTest, TrimMarkers) {
  EXPECT_EQ(Kinds("a \n{{- 1 -}} \n b"), V({"text:a", "{{", "num:1", "}}", "text:b", "EOF"}));
  EXPECT_EQ(Kinds("a {{-1}} b"), V({"text:a ", "{{", "num:-1", "}}", "text: b", "EOF"}));
  EXPECT_EQ(Kinds("{{ 1  -}}x"), V({"{{", "_", "num:1", "_", "}}", "text:x", "EOF"}));
  EXPECT_EQ(Kinds(" \n {{- 1 }}"), V({"{{", "num:1", "_", "}}", "EOF"}));
}

TEST(LexerTest, CommentsProduceNoTokens) {
  EXPECT_EQ(Kinds("a{{/* x }} */}}b"), V({"text:a", "text:b", "EOF"}));
  EXPECT_EQ(Kinds("a {{- /* x */ -}} b"), V({"text:a", "text:b", "EOF"}));
}

TEST(LexerTest, LinesCountNewlines) {
  const std::vector<Token> tokens = Lex("a\nb{{ .x\n .y }}\n{{ `\n\n` }}{{ 1 }}");
  std::vector<int> lines;
  for (const Token& t : tokens) {
    if (t.kind != TokenKind::kSpace) {
      lines.push_back(t.line);
    }
  }
  // text a\nb, {{, .x, .y, }}, text \n, {{, raw, }}, {{, 1, }}, EOF
  EXPECT_EQ(lines, std::vector<int>({1, 2, 2, 3, 3, 3, 4, 4, 6, 6, 6, 6, 6}));
}

TEST(LexerTest, Errors) {
  EXPECT_EQ(Kinds("{{ .x").back(), "error:unclosed action");
  EXPECT_EQ(Kinds("{{ \"abc }}").back(), "error:unterminated quoted string");
  EXPECT_EQ(Kinds("{{ `abc }}").back(), "error:unterminated raw quoted string");
  EXPECT_EQ(Kinds("{{ 'a }}").back(), "error:unterminated character constant");
  EXPECT_EQ(Kinds("{{ (1 }}").back(), "error:unclosed left paren");
  EXPECT_EQ(Kinds("{{ 1) }}").back(), "error:unexpected right paren");
  EXPECT_EQ(Kinds("{{/* x }}").back(), "error:unclosed comment");
  EXPECT_EQ(Kinds("{{/* x */ 1 }}").back(), "error:comment ends before closing delimiter");
  EXPECT_EQ(Kinds("{{ : }}").back(), "error:expected :=");
  EXPECT_EQ(Kinds("{{ \x01 }}").back(), "error:unrecognized character in action: U+0001");
  EXPECT_EQ(Kinds("{{ .a-b }}").back(), "error:bad character U+002D '-'");
  EXPECT_EQ(Kinds("{{ $x# }}").back(), "error:bad character U+0023 '#'");
}

TEST(LexerTest, DescribeChar) {
  EXPECT_EQ(DescribeChar("#", 0), "U+0023 '#'");
  EXPECT_EQ(DescribeChar("\xc3\xa9", 0), "U+00E9 '\xc3\xa9'");
  EXPECT_EQ(DescribeChar("\x7f", 0), "U+007F");
}

}  // namespace
}  // namespace aicr::gotemplate::internal
