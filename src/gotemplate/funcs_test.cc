#include "gotemplate/funcs.h"

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
using ::testing::HasSubstr;

constexpr const char* kData = R"(
Values:
  str: hello
  empty: ""
  zero: 0
  one: 1
  float: 1.5
  t: true
  f: false
  nul: null
  list: [a, b, c]
  emptyList: []
  map: {b: 2, a: 1, c: 3}
  emptyMap: {}
  nested: {inner: {leaf: value}}
Release: {Namespace: ns, Service: Helm}
Chart: {Name: chart, Version: 1.2.3}
)";

Value Data() {
  auto v = serialize::ParseYaml(kData);
  EXPECT_THAT(v, IsOk());
  return v.ok() ? *v : Value();
}

struct Case {
  const char* text;
  const char* want;
};

void RunCases(const std::vector<Case>& cases) {
  const Value data = Data();
  for (const Case& c : cases) {
    EXPECT_THAT(Render("f.yaml", c.text, data), IsOkAndHolds(std::string(c.want))) << c.text;
  }
}

struct ErrorCase {
  const char* text;
  const char* want;  // the whole message
};

void RunErrors(const std::vector<ErrorCase>& cases) {
  const Value data = Data();
  for (const ErrorCase& c : cases) {
    EXPECT_THAT(Render("f.yaml", c.text, data),
                StatusIs(ErrorCode::kInvalidRequest, std::string(c.want)))
        << c.text;
  }
}

TEST(FuncsTest, TableIsComplete) {
  for (const char* name :
       {"and",       "or",       "not",     "len",        "index",      "eq",       "ne",
        "lt",        "le",       "gt",      "ge",         "print",      "println",  "printf",
        "toYaml",    "toString", "default", "empty",      "coalesce",   "ternary",  "required",
        "fail",      "quote",    "squote",  "indent",     "nindent",    "trim",     "lower",
        "upper",     "replace",  "trunc",   "trimPrefix", "trimSuffix", "contains", "hasPrefix",
        "hasSuffix", "hasKey",   "dict",    "list"}) {
    EXPECT_NE(internal::FindFunction(name), nullptr) << name;
  }
  EXPECT_EQ(internal::FindFunction("include"), nullptr);
  EXPECT_TRUE(internal::IsUnsupportedFunction("include"));
  EXPECT_TRUE(internal::IsUnsupportedFunction("tpl"));
  EXPECT_FALSE(internal::IsUnsupportedFunction("quote"));
}

TEST(FuncsTest, AndOrNot) {
  RunCases({
      {"{{ and 1 \"x\" }}", "x"},
      {"{{ and 0 \"x\" }}", "0"},
      {"{{ and true false }}", "false"},
      {"{{ or 0 \"\" }}", ""},
      {"{{ or 0 \"y\" }}", "y"},
      {"{{ or .Values.missing .Values.str }}", "hello"},
      {"{{ and false (fail \"not evaluated\") }}", "false"},
      {"{{ or true (fail \"not evaluated\") }}", "true"},
      {"{{ \"x\" | and true }}", "x"},
      {"{{ \"x\" | and false }}", "false"},
      {"{{ not 0 }} {{ not \"a\" }} {{ not .Values.missing }}", "true false true"},
      {"{{ not .Values.emptyMap }}", "true"},
  });
}

TEST(FuncsTest, LenAndIndex) {
  RunCases({
      {"{{ len \"h\xc3\xa9llo\" }}", "6"},
      {"{{ len .Values.list }} {{ len .Values.map }} {{ len .Values.emptyMap }}", "3 3 0"},
      {"{{ index .Values.list 1 }}", "b"},
      {"{{ index .Values \"nested\" \"inner\" \"leaf\" }}", "value"},
      {"[{{ index .Values.map \"zz\" }}]", "[]"},
      {"{{ index \"abc\" 1 }}", "98"},
      {"{{ index .Values.list }}", "[a b c]"},
      {"{{ index (list (list 1 2) (list 3 4)) 1 0 }}", "3"},
  });
  RunErrors({
      {"{{ index .Values.list 5 }}",
       "f.yaml:1: at <index .Values.list 5>: error calling index: index out of range: 5"},
      {"{{ index .Values.list -1 }}",
       "f.yaml:1: at <index .Values.list -1>: error calling index: index out of range: -1"},
      {"{{ index .Values.list \"a\" }}",
       "f.yaml:1: at <index .Values.list \"a\">: error calling index: cannot index slice/array "
       "with type string"},
      {"{{ index .Values.missing \"a\" }}",
       "f.yaml:1: at <index .Values.missing \"a\">: error calling index: index of untyped nil"},
      {"{{ index .Values \"missing\" \"a\" }}",
       "f.yaml:1: at <index .Values \"missing\" \"a\">: error calling index: index of nil "
       "pointer"},
      {"{{ index .Values.map 1 }}",
       "f.yaml:1: at <index .Values.map 1>: error calling index: value has type int; should be "
       "string"},
      {"{{ index 5 1 }}",
       "f.yaml:1: at <index 5 1>: error calling index: can't index item of "
       "type int"},
      {"{{ len 5 }}", "f.yaml:1: at <len 5>: error calling len: len of type int"},
      {"{{ len .Values.missing }}",
       "f.yaml:1: at <len .Values.missing>: error calling len: len of nil pointer"},
  });
}

TEST(FuncsTest, Comparisons) {
  RunCases({
      {"{{ eq 1 1 }} {{ eq 1 2 }}", "true false"},
      {"{{ eq \"a\" \"b\" \"a\" }}", "true"},
      {"{{ eq .Values.str \"hello\" }}", "true"},
      {"{{ eq .Values.missing \"x\" }}", "false"},
      {"{{ eq .Values.missing .Values.nul }}", "true"},
      {"{{ eq .Values.t true }}", "true"},
      {"{{ eq 1 1.0 }}", "true"},
      {"{{ ne 1 2 }} {{ ne \"a\" \"a\" }}", "true false"},
      {"{{ lt 1 2 }} {{ lt 2 1 }} {{ lt \"a\" \"b\" }}", "true false true"},
      {"{{ le 2 2 }} {{ le 3 2 }}", "true false"},
      {"{{ gt 1.5 1 }} {{ gt 1 1 }}", "true false"},
      {"{{ ge 1 2 }} {{ ge 2 2 }}", "false true"},
  });
  RunErrors({
      {"{{ eq 1 \"a\" }}",
       "f.yaml:1: at <eq 1 \"a\">: error calling eq: incompatible types for comparison"},
      {"{{ lt true false }}",
       "f.yaml:1: at <lt true false>: error calling lt: invalid type for comparison"},
      {"{{ lt 1 \"a\" }}",
       "f.yaml:1: at <lt 1 \"a\">: error calling lt: incompatible types for comparison"},
      {"{{ eq .Values.list .Values.list }}",
       "f.yaml:1: at <eq .Values.list .Values.list>: error calling eq: non-comparable type "
       "[]interface {}"},
      {"{{ eq 1 }}", "f.yaml:1: at <eq 1>: error calling eq: missing argument for comparison"},
  });
}

TEST(FuncsTest, PrintFamily) {
  RunCases({
      {"{{ print \"a\" \"b\" }}", "ab"},
      {"{{ print 1 2 }}", "1 2"},
      {"{{ print 1 2 \"c\" 3 4 }}", "1 2c3 4"},
      {"{{ print .Values.missing }}", "<nil>"},
      {"{{ print }}", ""},
      {"{{ println \"a\" 1 }}", "a 1\n"},
      {"{{ printf \"%s-%d\" \"a\" 5 }}", "a-5"},
      {"{{ printf \"%s-%s\" .Chart.Name .Chart.Version }}", "chart-1.2.3"},
      {"{{ printf \"%v\" .Values.map }}", "map[a:1 b:2 c:3]"},
      {"{{ printf \"%q\" \"a\\\"b\" }}", "\"a\\\"b\""},
      {"{{ printf \"%d\" \"x\" }}", "%!d(string=x)"},
      {"{{ printf \"%s %s\" \"a\" }}", "a %!s(MISSING)"},
      {"{{ printf \"%s\" \"a\" \"b\" }}", "a%!(EXTRA string=b)"},
      {"{{ printf \"%d%%\" 50 }}", "50%"},
  });
  RunErrors({
      {"{{ printf }}",
       "f.yaml:1: at <printf>: wrong number of args for printf: want at least 1 "
       "got 0"},
      {"{{ printf 1 }}", "f.yaml:1: at <printf 1>: wrong type for value; expected string; got int"},
      {"{{ printf \"%#v\" 1 }}",
       "f.yaml:1: at <printf \"%#v\" 1>: error calling printf: printf: the # flag is not "
       "supported"},
  });
}

TEST(FuncsTest, ToYaml) {
  RunCases({
      {"{{ toYaml .Values.nested }}", "inner:\n  leaf: value"},
      {"{{ toYaml .Values.emptyMap }}", "{}"},
      {"{{ toYaml .Values.emptyList }}", "[]"},
      {"{{ toYaml .Values.list }}", "- a\n- b\n- c"},
      {"{{ toYaml .Values.map }}", "a: 1\nb: 2\nc: 3"},
      {"{{ toYaml .Values.missing }}", "null"},
      {"{{ toYaml \"s\" }}", "s"},
      {"{{ toYaml \"123\" }}", "\"123\""},
      {"{{ toYaml (dict \"b\" (list 1 2) \"a\" true) }}", "a: true\nb:\n  - 1\n  - 2"},
      {"x:\n  {{- toYaml .Values.nested | nindent 2 }}", "x:\n  inner:\n    leaf: value"},
  });
}

TEST(FuncsTest, IndentNindent) {
  RunCases({
      {"{{ \"a\\nb\" | indent 2 }}", "  a\n  b"},
      {"{{ \"a\\nb\" | nindent 2 }}", "\n  a\n  b"},
      {"{{ \"\" | indent 2 }}", "  "},
      {"{{ \"a\\n\" | indent 1 }}", " a\n "},
      {"{{ indent 0 \"a\" }}", "a"},
  });
  RunErrors({
      {"{{ nindent -1 \"x\" }}",
       "f.yaml:1: at <nindent -1 \"x\">: error calling nindent: strings: negative Repeat count"},
      {"{{ indent \"2\" \"x\" }}",
       "f.yaml:1: at <indent \"2\" \"x\">: wrong type for value; expected int; got string"},
      {"{{ .Values.one | nindent 2 }}",
       "f.yaml:1: at <nindent 2>: wrong type for value; expected string; got int"},
  });
}

TEST(FuncsTest, StringConversions) {
  RunCases({
      {"{{ toString 5 }} {{ toString .Values.float }} {{ toString .Values.t }}", "5 1.5 true"},
      {"{{ toString .Values.missing }}", "<nil>"},
      {"{{ toString .Values.list }}", "[a b c]"},
      {"{{ quote \"a\" }}", "\"a\""},
      {"{{ .Values.one | quote }}", "\"1\""},
      {"[{{ quote .Values.missing }}]", "[]"},
      {"{{ quote \"a\" 2 }}", "\"a\" \"2\""},
      {"{{ quote \"tab\\there\\n\" }}", "\"tab\\there\\n\""},
      {"{{ quote \"\xc3\xa9\" }}", "\"\xc3\xa9\""},
      {"{{ quote \"\\u00a0\\x01\" }}", "\"\\u00a0\\x01\""},
      {"{{ squote \"a\" }} {{ squote 1 }}", "'a' '1'"},
      {"{{ squote \"a\" .Values.missing \"b\" }}", "'a' 'b'"},
  });
}

TEST(FuncsTest, DefaultEmptyCoalesceTernary) {
  RunCases({
      {"{{ default \"d\" .Values.missing }}", "d"},
      {"{{ default \"d\" .Values.empty }}", "d"},
      {"{{ default \"d\" .Values.str }}", "hello"},
      {"{{ .Values.zero | default 5 }}", "5"},
      {"{{ .Values.f | default true }}", "true"},
      {"{{ .Values.emptyList | default \"none\" }}", "none"},
      {"{{ .Values.list | default \"x\" }}", "[a b c]"},
      {"{{ default \"d\" }}", "d"},
      {"{{ empty .Values.emptyMap }} {{ empty .Values.one }} {{ empty .Values.missing }}",
       "true false true"},
      {"{{ coalesce .Values.missing .Values.empty \"c\" }}", "c"},
      {"[{{ coalesce .Values.missing 0 }}]", "[]"},
      {"{{ ternary \"y\" \"n\" true }} {{ false | ternary \"y\" \"n\" }}", "y n"},
  });
  RunErrors({
      {"{{ ternary 1 2 \"x\" }}",
       "f.yaml:1: at <ternary 1 2 \"x\">: wrong type for value; expected bool; got string"},
  });
}

TEST(FuncsTest, RequiredAndFail) {
  RunCases({
      {"{{ required \"need str\" .Values.str }}", "hello"},
      {"{{ .Values.zero | required \"need zero\" }}", "0"},
      {"{{ .Values.f | required \"need f\" }}", "false"},
  });
  RunErrors({
      {"\n{{ required \"x is required\" .Values.missing }}", "f.yaml:2: x is required"},
      {"{{ .Values.empty | required \"empty is not enough\" }}", "f.yaml:1: empty is not enough"},
      {"{{ .Values.nul | required \"null is not enough\" }}", "f.yaml:1: null is not enough"},
      {"{{ fail \"stop here\" }}", "f.yaml:1: stop here"},
  });
}

TEST(FuncsTest, StringFunctions) {
  RunCases({
      {"[{{ trim \"  a b \\n\\t\" }}]", "[a b]"},
      {"[{{ trim \"\\u00a0x\\u3000\" }}]", "[x]"},
      {"{{ lower \"AbC\" }} {{ upper \"abc\" }}", "abc ABC"},
      {"{{ \"a+b+c\" | replace \"+\" \"_\" }}", "a_b_c"},
      {"{{ replace \"\" \"-\" \"ab\" }}", "-a-b-"},
      {"{{ replace \"aa\" \"b\" \"aaa\" }}", "ba"},
      {"{{ trunc 3 \"abcdef\" }} {{ trunc -2 \"abcdef\" }} {{ trunc 10 \"abc\" }}", "abc ef abc"},
      {"[{{ trunc 0 \"abc\" }}] [{{ trunc -5 \"abc\" }}]", "[] [abc]"},
      {"{{ \"abc-\" | trimSuffix \"-\" }} {{ trimPrefix \"ab\" \"abc\" }}", "abc c"},
      {"{{ trimSuffix \"x\" \"abc\" }}", "abc"},
      {"{{ contains \"ell\" \"hello\" }} {{ contains \"z\" \"hello\" }}", "true false"},
      {"{{ hasPrefix \"he\" \"hello\" }} {{ hasSuffix \"x\" \"hello\" }}", "true false"},
      {"{{ \"hello\" | hasSuffix \"lo\" }}", "true"},
      {"{{ printf \"%s-%s\" \"chart\" \"1.2.3+build\" | replace \"+\" \"_\" | trunc 63 | "
       "trimSuffix \"-\" }}",
       "chart-1.2.3_build"},
  });
  RunErrors({
      {"{{ upper 5 }}", "f.yaml:1: at <upper 5>: wrong type for value; expected string; got int"},
      {"{{ .Values.missing | upper }}", "f.yaml:1: at <upper>: invalid value; expected string"},
      {"{{ upper .Values.nul }}",
       "f.yaml:1: at <upper .Values.nul>: wrong type for value; expected string; got interface "
       "{}"},
      {"{{ replace \"a\" \"b\" }}",
       "f.yaml:1: at <replace \"a\" \"b\">: wrong number of args for replace: want 3 got 2"},
      {"{{ not 1 2 }}", "f.yaml:1: at <not 1 2>: wrong number of args for not: want 1 got 2"},
  });
}

TEST(FuncsTest, DictListHasKey) {
  RunCases({
      {"{{ dict \"a\" 1 \"b\" \"x\" }}", "map[a:1 b:x]"},
      {"{{ dict \"k\" }}", "map[k:]"},
      {"{{ dict 1 2 }}", "map[1:2]"},
      {"{{ dict }}", "map[]"},
      {"{{ list 1 \"a\" .Values.missing }}", "[1 a <nil>]"},
      {"{{ list }}", "[]"},
      {"{{ hasKey .Values \"str\" }} {{ hasKey .Values \"nope\" }}", "true false"},
      {"{{ hasKey .Values.map \"a\" }}", "true"},
      {"{{ hasKey .Values.missing \"a\" }}", "false"},
      {"{{ hasKey (dict \"k\" .Values.missing) \"k\" }}", "true"},
  });
  RunErrors({
      {"{{ hasKey .Values.str \"a\" }}",
       "f.yaml:1: at <hasKey .Values.str \"a\">: wrong type for value; expected "
       "map[string]interface {}; got string"},
      {"{{ hasKey .Values.nul \"a\" }}",
       "f.yaml:1: at <hasKey .Values.nul \"a\">: wrong type for value; expected "
       "map[string]interface {}; got interface {}"},
  });
}

TEST(FuncsTest, BuiltValuesAreBounded) {
  const Value data = Data();
  // Doubling a list: the node budget stops it long before memory does.
  EXPECT_THAT(
      Render("f.yaml", "{{ $x := list 1 }}{{ range 64 }}{{ $x = list $x $x }}{{ end }}{{ len $x }}",
             data),
      StatusIs(ErrorCode::kInvalidRequest, HasSubstr("execution builds more than")));
  // Nesting deeper than any document may be.
  EXPECT_THAT(Render("f.yaml", "{{ $x := list }}{{ range 400 }}{{ $x = list $x }}{{ end }}", data),
              StatusIs(ErrorCode::kInvalidRequest,
                       "f.yaml:1: at <list $x>: value nesting exceeds 256 levels"));
  // Functions that join their operands stop as soon as the result is too large.
  Limits small;
  small.max_output_bytes = 1000;
  std::string many = "{{ $s := printf \"%100s\" \"x\" }}{{ $t := print";
  for (int i = 0; i < 20; ++i) {
    many += " $s";
  }
  many += " }}";
  auto t = Template::Parse("f.yaml", many, small);
  ASSERT_THAT(t, IsOk());
  EXPECT_THAT(t->Execute(data),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("error calling print: print output exceeds 1000 bytes")));
  many.replace(many.rfind("print"), 5, "quote");
  t = Template::Parse("f.yaml", many, small);
  ASSERT_THAT(t, IsOk());
  EXPECT_THAT(t->Execute(data),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("error calling quote: result exceeds 1000 bytes")));
  EXPECT_THAT(Render("f.yaml", "{{ indent 20000000 \"x\" }}", data),
              StatusIs(ErrorCode::kInvalidRequest,
                       "f.yaml:1: at <indent 20000000 \"x\">: error calling indent: result "
                       "exceeds 16777216 bytes"));
}

}  // namespace
}  // namespace aicr::gotemplate
