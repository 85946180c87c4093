// Parse and execution errors: INVALID_REQUEST `<name>:<line>: <what>`.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gotemplate/template.h"
#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::gotemplate {
namespace {

using serialize::Value;

Value Data() {
  auto v = serialize::ParseYaml(R"(
Values:
  str: hello
  list: [a, b]
  nuls: [null]
  nul: null
  t: true
)");
  EXPECT_THAT(v, IsOk());
  return v.ok() ? *v : Value();
}

struct Case {
  const char* text;
  const char* want;
};

void ExpectParseErrors(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    EXPECT_THAT(Template::Parse("dir/t.yaml", c.text),
                StatusIs(ErrorCode::kInvalidRequest, std::string(c.want)))
        << c.text;
  }
}

void ExpectExecErrors(const std::vector<Case>& cases) {
  const Value data = Data();
  for (const Case& c : cases) {
    auto t = Template::Parse("dir/t.yaml", c.text);
    ASSERT_THAT(t, IsOk()) << c.text;
    EXPECT_THAT(t->Execute(data), StatusIs(ErrorCode::kInvalidRequest, std::string(c.want)))
        << c.text;
  }
}

TEST(ErrorsTest, UnknownAndUnsupportedFunctions) {
  ExpectParseErrors({
      {"{{ foo }}", "dir/t.yaml:1: function \"foo\" not defined"},
      {"a\nb\n{{ print (foo 1) }}", "dir/t.yaml:3: function \"foo\" not defined"},
      {"{{ if false }}{{ foo }}{{ end }}", "dir/t.yaml:1: function \"foo\" not defined"},
      {"{{ include \"x\" . }}", "dir/t.yaml:1: function \"include\" is not supported"},
      {"{{ tpl \"x\" . }}", "dir/t.yaml:1: function \"tpl\" is not supported"},
      {"{{ lookup \"v1\" \"Pod\" \"\" \"\" }}",
       "dir/t.yaml:1: function \"lookup\" is not supported"},
  });
}

TEST(ErrorsTest, UnsupportedActions) {
  ExpectParseErrors({
      {"{{ define \"x\" }}y{{ end }}", "dir/t.yaml:1: {{define}} is not supported"},
      {"{{ template \"x\" }}", "dir/t.yaml:1: {{template}} is not supported"},
      {"{{ block \"x\" . }}y{{ end }}", "dir/t.yaml:1: {{block}} is not supported"},
      {"{{ range .x }}\n{{ break }}{{ end }}", "dir/t.yaml:2: {{break}} is not supported"},
      {"{{ range .x }}{{ continue }}{{ end }}", "dir/t.yaml:1: {{continue}} is not supported"},
  });
}

TEST(ErrorsTest, Structure) {
  ExpectParseErrors({
      {"{{ if true }}", "dir/t.yaml:1: unexpected EOF"},
      {"{{ if true }}\nx\n", "dir/t.yaml:3: unexpected EOF"},
      {"{{ if true }}{{ else }}", "dir/t.yaml:1: unexpected EOF"},
      {"{{ end }}", "dir/t.yaml:1: unexpected {{end}}"},
      {"a\n{{ else }}", "dir/t.yaml:2: unexpected {{else}}"},
      {"{{ if true }}{{ else }}{{ else }}{{ end }}", "dir/t.yaml:1: expected end; found {{else}}"},
      {"{{ range .x }}{{ else if true }}{{ end }}", "dir/t.yaml:1: unexpected <if> in input"},
      {"{{ if true }}{{ else with .x }}{{ end }}", "dir/t.yaml:1: unexpected <with> in input"},
      {"{{ end 1 }}", "dir/t.yaml:1: unexpected \"1\" in end"},
      {"{{ if }}{{ end }}", "dir/t.yaml:1: missing value for if"},
      {"{{ range }}{{ end }}", "dir/t.yaml:1: missing value for range"},
      {"{{ }}", "dir/t.yaml:1: missing value for command"},
      {"{{ $x := }}", "dir/t.yaml:1: missing value for command"},
      {"{{ ( ) }}", "dir/t.yaml:1: missing value for parenthesized pipeline"},
      {"{{ .a | \"x\" }}", "dir/t.yaml:1: non executable command in pipeline stage 2"},
      {"{{ .a | print | 1 }}", "dir/t.yaml:1: non executable command in pipeline stage 3"},
      {"{{ .a | }}", "dir/t.yaml:1: missing command after \"|\" in command"},
      {"{{ # }}", "dir/t.yaml:1: unexpected \"#\" in command"},
      {"{{ .a # }}", "dir/t.yaml:1: unexpected \"#\" in operand"},
      {"{{ .a\"x\" }}", "dir/t.yaml:1: bad character U+0022 '\"'"},
      {"{{ \"x\".y }}", "dir/t.yaml:1: unexpected . after term \"\\\"x\\\"\""},
      {"{{ print if }}", "dir/t.yaml:1: unexpected <if> in operand"},
      {"{{ $x, $y := 1 }}", "dir/t.yaml:1: too many declarations in command"},
      {"{{ range $a, $b, $c := .x }}{{ end }}", "dir/t.yaml:1: too many declarations in range"},
      {"{{ range $a, 1 }}{{ end }}", "dir/t.yaml:1: range can only initialize variables"},
  });
}

TEST(ErrorsTest, Variables) {
  ExpectParseErrors({
      {"{{ $x }}", "dir/t.yaml:1: undefined variable \"$x\""},
      {"{{ $x = 1 }}", "dir/t.yaml:1: undefined variable \"$x\""},
      {"{{ if true }}{{ $x := 1 }}{{ end }}\n{{ $x }}", "dir/t.yaml:2: undefined variable \"$x\""},
      {"{{ range $i, $v := .l }}{{ end }}{{ $v }}", "dir/t.yaml:1: undefined variable \"$v\""},
      {"{{ if true }}{{ $x := 1 }}{{ else }}{{ $x }}{{ end }}",
       "dir/t.yaml:1: undefined variable \"$x\""},
  });
}

TEST(ErrorsTest, Lexical) {
  ExpectParseErrors({
      {"{{ .a", "dir/t.yaml:1: unclosed action"},
      {"x\n{{ .a\n\n", "dir/t.yaml:2: unclosed action"},
      {"{{ \"abc }}", "dir/t.yaml:1: unterminated quoted string"},
      {"{{ 'ab' }}", "dir/t.yaml:1: malformed character constant: 'ab'"},
      {"{{ '' }}", "dir/t.yaml:1: invalid syntax: ''"},
      {"{{ \"\\q\" }}", "dir/t.yaml:1: invalid syntax: \"\\q\""},
      {"{{ \"\\'\" }}", "dir/t.yaml:1: invalid syntax: \"\\'\""},
      {"{{ \"\\ud800\" }}", "dir/t.yaml:1: invalid syntax: \"\\ud800\""},
      {"{{ 1x }}", "dir/t.yaml:1: bad number syntax: \"1x\""},
      {"{{ 1.2.3 }}", "dir/t.yaml:1: bad number syntax: \"1.2.3\""},
      {"{{ 09 }}", "dir/t.yaml:1: bad number syntax: \"09\""},
      {"{{ 1__0 }}", "dir/t.yaml:1: bad number syntax: \"1__0\""},
      {"{{ 0x1p-2 }}", "dir/t.yaml:1: bad number syntax: \"0x1p-2\""},
      {"{{ 99999999999999999999 }}", "dir/t.yaml:1: number out of range: \"99999999999999999999\""},
      {"{{ 1e999 }}", "dir/t.yaml:1: number out of range: \"1e999\""},
      {"{{ 3 - }}", "dir/t.yaml:1: bad number syntax: \"-\""},
      {"{{ (1 }}", "dir/t.yaml:1: unclosed left paren"},
      {"{{ 1) }}", "dir/t.yaml:1: unexpected right paren"},
      {"{{/* x }}", "dir/t.yaml:1: unclosed comment"},
      {"{{/* x */ .a }}", "dir/t.yaml:1: comment ends before closing delimiter"},
      {"{{ .a-b }}", "dir/t.yaml:1: bad character U+002D '-'"},
      {"\n\n{{ \x01 }}", "dir/t.yaml:3: unrecognized character in action: U+0001"},
  });
}

TEST(ErrorsTest, Execution) {
  ExpectExecErrors({
      {"{{ .Values.nul.x }}",
       "dir/t.yaml:1: at <.Values.nul.x>: nil pointer evaluating interface {}.x"},
      {"{{ .Values.str.x }}",
       "dir/t.yaml:1: at <.Values.str.x>: can't evaluate field x in type string"},
      {"a\nb\n{{ .Values.list.x.y }}",
       "dir/t.yaml:3: at <.Values.list.x.y>: can't evaluate field x in type []interface {}"},
      {"{{ $v := .Values }}{{ $v.t.x }}",
       "dir/t.yaml:1: at <$v.t.x>: can't evaluate field x in type bool"},
      {"{{ range .Values.list }}\n{{ .x }}{{ end }}",
       "dir/t.yaml:2: at <.x>: can't evaluate field x in type string"},
      {"{{ range .Values.nuls }}{{ .x }}{{ end }}",
       "dir/t.yaml:1: at <.x>: nil pointer evaluating interface {}.x"},
      {"{{ range .Values.str }}{{ end }}",
       "dir/t.yaml:1: at <.Values.str>: range can't iterate over hello"},
      {"{{ range .Values.t }}{{ end }}",
       "dir/t.yaml:1: at <.Values.t>: range can't iterate over true"},
      {"{{ range $i, $v := 3 }}{{ end }}",
       "dir/t.yaml:1: at <$i, $v := 3>: can't use 3 to iterate over more than one variable"},
      {"{{ .Values.str 1 }}",
       "dir/t.yaml:1: at <.Values.str>: str is not a method but has arguments"},
      {"{{ \"x\" | .Values.str }}",
       "dir/t.yaml:1: at <.Values.str>: str is not a method but has arguments"},
      {"{{ 1 2 }}", "dir/t.yaml:1: at <1 2>: can't give argument to non-function 1"},
      {"{{ $x := 1 }}{{ $x 2 }}",
       "dir/t.yaml:1: at <$x 2>: can't give argument to non-function $x"},
      {"{{ (1) 2 }}", "dir/t.yaml:1: at <(1) 2>: can't give argument to non-function (1)"},
      {"{{ nil }}", "dir/t.yaml:1: at <nil>: nil is not a command"},
      {"{{ $x := $x }}", "dir/t.yaml:1: at <$x>: undefined variable: $x"},
      {"{{ required \"the value is required\" .Values.missing }}",
       "dir/t.yaml:1: the value is required"},
      {"line1\n{{ fail \"stop\" }}", "dir/t.yaml:2: stop"},
  });
}

TEST(ErrorsTest, Limits) {
  const Value data = Data();
  Limits small;
  small.max_template_bytes = 10;
  EXPECT_THAT(Template::Parse("t.yaml", "01234567890", small),
              StatusIs(ErrorCode::kInvalidRequest, "t.yaml:1: template is 11 bytes, more than 10"));

  std::string deep;
  for (int i = 0; i < 101; ++i) {
    deep += "{{ if true }}";
  }
  for (int i = 0; i < 101; ++i) {
    deep += "{{ end }}";
  }
  EXPECT_THAT(Template::Parse("t.yaml", deep),
              StatusIs(ErrorCode::kInvalidRequest, "t.yaml:1: nesting exceeds 100 levels"));
  const std::string ok_depth = deep.substr(
      std::string("{{ if true }}").size(),
      deep.size() - std::string("{{ if true }}").size() - std::string("{{ end }}").size());
  EXPECT_THAT(Template::Parse("t.yaml", ok_depth), IsOk());
  EXPECT_THAT(Template::Parse("t.yaml",
                              "{{ " + std::string(101, '(') + "1" + std::string(101, ')') + " }}"),
              StatusIs(ErrorCode::kInvalidRequest, "t.yaml:1: nesting exceeds 100 levels"));

  Limits out;
  out.max_output_bytes = 10;
  auto t = Template::Parse("t.yaml", "{{ range 100 }}x{{ end }}", out);
  ASSERT_THAT(t, IsOk());
  EXPECT_THAT(t->Execute(data),
              StatusIs(ErrorCode::kInvalidRequest, "t.yaml:1: output exceeds 10 bytes"));

  Limits iterations;
  iterations.max_range_iterations = 5;
  t = Template::Parse("t.yaml", "{{ range 3 }}{{ range 3 }}{{ end }}{{ end }}", iterations);
  ASSERT_THAT(t, IsOk());
  EXPECT_THAT(t->Execute(data),
              StatusIs(ErrorCode::kInvalidRequest, "t.yaml:1: range iterations exceed 5"));

  Limits steps;
  steps.max_steps = 100;
  t = Template::Parse("t.yaml", "{{ range 1000 }}{{ . }}{{ end }}", steps);
  ASSERT_THAT(t, IsOk());
  EXPECT_THAT(t->Execute(data),
              StatusIs(ErrorCode::kInvalidRequest, "t.yaml:1: execution exceeds 100 steps"));

  // A range over a huge integer stops at the iteration limit.
  iterations.max_range_iterations = 1000;
  t = Template::Parse("t.yaml", "{{ range 9223372036854775807 }}{{ end }}", iterations);
  ASSERT_THAT(t, IsOk());
  EXPECT_THAT(t->Execute(data),
              StatusIs(ErrorCode::kInvalidRequest, "t.yaml:1: range iterations exceed 1000"));
}

}  // namespace
}  // namespace aicr::gotemplate
