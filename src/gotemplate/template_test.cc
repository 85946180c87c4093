#include "gotemplate/template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::gotemplate {
namespace {

using serialize::Value;

constexpr const char* kData = R"(
Values:
  str: hello
  empty: ""
  zero: 0
  one: 1
  float: 1.5
  big: 1000000.0
  t: true
  f: false
  nul: null
  list: [a, b, c]
  nuls: [null]
  emptyList: []
  map: {b: 2, a: 1, c: 3}
  emptyMap: {}
  nested: {inner: {leaf: value}}
  gpu-operator: {driver: {enabled: true, version: "550"}}
Release: {Namespace: ns, Service: Helm}
Chart: {Name: chart, Version: 1.2.3}
)";

Value Data() {
  auto v = serialize::ParseYaml(kData);
  EXPECT_THAT(v, IsOk());
  return v.ok() ? *v : Value();
}

struct Case {
  const char* name;
  const char* text;
  const char* want;
};

void RunCases(const std::vector<Case>& cases) {
  const Value data = Data();
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(Render("t.yaml", c.text, data), IsOkAndHolds(std::string(c.want))) << c.text;
  }
}

TEST(TemplateTest, TextAndTrimMarkers) {
  RunCases({
      {"empty", "", ""},
      {"plain", "plain text\n", "plain text\n"},
      {"single braces", "a { b } c", "a { b } c"},
      {"both sides", "a  {{- \"b\" -}}  c", "abc"},
      {"left trims newlines and tabs", "a \n\t {{- \"b\" }} \n c", "ab \n c"},
      {"right trims newlines", "a {{ \"b\" -}} \n\n c", "a bc"},
      {"trim marker after newline", "a {{-\n\"b\"\n-}} c", "abc"},
      {"only space tab cr lf are trimmed", "a\v{{- \"b\" -}}\fc", "a\vb\fc"},
      {"minus without space is a number", "{{-3}}", "-3"},
      {"number then right trim", "{{ 3 -}}  x", "3x"},
      {"comment", "a{{/* comment */}}b", "ab"},
      {"multi-line comment", "a{{/* one\ntwo */}}b", "ab"},
      {"comment trims left", "x\n{{- /* c */}}\ny", "x\ny"},
      {"comment trims both", "x\n{{- /* c */ -}}\ny", "xy"},
      {"if block lines", "a:\n{{- if true }}\n  b: 1\n{{- end }}\n", "a:\n  b: 1\n"},
      {"false block leaves nothing", "a:\n{{- if false }}\n  b: 1\n{{- end }}\n", "a:\n"},
      {"adjacent actions", "{{ \"a\" }}\n{{- \" b\" }}", "a b"},
      {"newlines inside an action", "{{ printf\n  \"%s-%s\"\n  \"a\" \"b\" }}", "a-b"},
      {"trailing text", "{{ 1 }}\n", "1\n"},
  });
}

TEST(TemplateTest, FieldsAndRoot) {
  RunCases({
      {"field chain", "{{ .Release.Namespace }}", "ns"},
      {"deep chain", "{{ .Values.nested.inner.leaf }}", "value"},
      {"missing key prints nothing", "[{{ .Values.missing }}]", "[]"},
      {"field of a missing key is missing", "[{{ .Values.missing.deeper.still }}]", "[]"},
      {"null prints nothing", "[{{ .Values.nul }}]", "[]"},
      {"dollar is the root", "{{ $.Chart.Name }}", "chart"},
      {"dot", "{{ .Chart.Version }}", "1.2.3"},
      {"dot as a map", "{{ .Release }}", "map[Namespace:ns Service:Helm]"},
      {"parenthesized chain", "{{ (index .Values \"gpu-operator\").driver.version }}", "550"},
      {"variable chain", "{{ $v := index .Values \"gpu-operator\" }}{{ $v.driver.enabled }}",
       "true"},
      {"variable holding nothing", "{{ $v := index .Values \"nope\" }}[{{ $v.driver.enabled }}]",
       "[]"},
      {"function result chain", "{{ (dict \"a\" (dict \"b\" \"c\")).a.b }}", "c"},
  });
}

TEST(TemplateTest, PrintingMatchesGo) {
  RunCases({
      {"int", "{{ .Values.one }}", "1"},
      {"float", "{{ .Values.float }}", "1.5"},
      {"big float", "{{ .Values.big }}", "1e+06"},
      {"bools", "{{ .Values.t }} {{ .Values.f }}", "true false"},
      {"string", "{{ .Values.str }}", "hello"},
      {"list", "{{ .Values.list }}", "[a b c]"},
      {"map sorted", "{{ .Values.map }}", "map[a:1 b:2 c:3]"},
      {"empty collections", "{{ .Values.emptyMap }} {{ .Values.emptyList }}", "map[] []"},
      {"nested", "{{ .Values.nested }}", "map[inner:map[leaf:value]]"},
      {"null in a list", "{{ .Values.nuls }}", "[<nil>]"},
      {"float literal exponent", "{{ 1e6 }}", "1e+06"},
      {"float literal below exponent", "{{ 100000.0 }}", "100000"},
      {"small float", "{{ 0.0001 }} {{ 0.00001 }}", "0.0001 1e-05"},
      {"integral float literal", "{{ 1.0 }}", "1"},
      {"leading dot float", "{{ .5 }}", "0.5"},
      {"negative", "{{ -2 }} {{ -2.5 }}", "-2 -2.5"},
      {"plus sign", "{{ +3 }}", "3"},
      {"hex octal binary", "{{ 0x1F }} {{ 0o17 }} {{ 017 }} {{ 0b101 }}", "31 15 15 5"},
      {"underscores", "{{ 1_000 }}", "1000"},
      {"char constants", "{{ 'a' }} {{ '\\n' }} {{ '\\x41' }} {{ 'é' }}", "97 10 65 233"},
      {"bool literals", "{{ true }} {{ false }}", "true false"},
      {"string escapes", "{{ \"a\\tb\\\"c\\\\\" }}", "a\tb\"c\\"},
      {"unicode escapes", "{{ \"\\u00e9\\U0001F600\" }}", "\xc3\xa9\xf0\x9f\x98\x80"},
      {"byte escapes", "{{ \"\\x41\\101\" }}", "AA"},
      {"raw string", "{{ `raw\\n \"q\"` }}", "raw\\n \"q\""},
      {"raw string spanning lines", "{{ `a\nb` }}", "a\nb"},
      {"literal braces", "'{{ \"{{\" }} x {{ \"}}\" }}'", "'{{ x }}'"},
  });
}

TEST(TemplateTest, Variables) {
  RunCases({
      {"declare", "{{ $x := .Values.str }}{{ $x }}", "hello"},
      {"declaration prints nothing", "[{{ $x := 1 }}]", "[]"},
      {"assign", "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}", "2"},
      {"assign inside if reaches out", "{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}",
       "2"},
      {"shadowing inside if", "{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}",
       "21"},
      {"assign in range", "{{ $x := 0 }}{{ range .Values.list }}{{ $x = . }}{{ end }}{{ $x }}",
       "c"},
      {"declare in if pipeline", "{{ if $x := .Values.str }}{{ $x }}{{ end }}", "hello"},
      {"if variable visible in else", "{{ if $x := .Values.empty }}a{{ else }}[{{ $x }}]{{ end }}",
       "[]"},
      {"declare in with", "{{ with $x := .Values.str }}{{ $x }}{{ . }}{{ end }}", "hellohello"},
      {"dollar inside range", "{{ range .Values.list }}{{ $.Release.Namespace }}{{ end }}",
       "nsnsns"},
      {"declare in parentheses", "{{ print ($x := 5) }}{{ $x }}", "55"},
  });
}

TEST(TemplateTest, IfElse) {
  RunCases({
      {"true", "{{ if .Values.t }}yes{{ else }}no{{ end }}", "yes"},
      {"false", "{{ if .Values.f }}yes{{ else }}no{{ end }}", "no"},
      {"zero", "{{ if .Values.zero }}yes{{ else }}no{{ end }}", "no"},
      {"empty string", "{{ if .Values.empty }}yes{{ else }}no{{ end }}", "no"},
      {"empty list", "{{ if .Values.emptyList }}yes{{ else }}no{{ end }}", "no"},
      {"empty map", "{{ if .Values.emptyMap }}yes{{ else }}no{{ end }}", "no"},
      {"null", "{{ if .Values.nul }}yes{{ else }}no{{ end }}", "no"},
      {"missing", "{{ if .Values.missing }}yes{{ else }}no{{ end }}", "no"},
      {"float zero", "{{ if 0.0 }}yes{{ else }}no{{ end }}", "no"},
      {"one", "{{ if .Values.one }}yes{{ end }}", "yes"},
      {"string", "{{ if .Values.str }}yes{{ end }}", "yes"},
      {"list", "{{ if .Values.list }}yes{{ end }}", "yes"},
      {"map", "{{ if .Values.map }}yes{{ end }}", "yes"},
      {"float", "{{ if .Values.float }}yes{{ end }}", "yes"},
      {"no else", "[{{ if false }}yes{{ end }}]", "[]"},
      {"else if chain",
       "{{ if .Values.f }}a{{ else if .Values.zero }}b{{ else if .Values.one }}c{{ else }}d{{ end "
       "}}",
       "c"},
      {"else if falls to else", "{{ if false }}a{{ else if false }}b{{ else }}d{{ end }}", "d"},
      {"else if without else", "[{{ if false }}a{{ else if false }}b{{ end }}]", "[]"},
      {"nested", "{{ if true }}{{ if false }}x{{ else }}y{{ end }}{{ end }}", "y"},
      {"trimmed else", "{{ if false -}} a {{- else -}} b {{- end }}", "b"},
  });
}

TEST(TemplateTest, With) {
  RunCases({
      {"sets dot", "{{ with .Values.nested }}{{ .inner.leaf }}{{ end }}", "value"},
      {"skips empty", "{{ with .Values.empty }}x{{ else }}y{{ end }}", "y"},
      {"else keeps outer dot", "{{ with .Values.missing }}x{{ else }}{{ .Chart.Name }}{{ end }}",
       "chart"},
      {"else with", "{{ with .Values.missing }}x{{ else with .Values.str }}{{ . }}{{ end }}",
       "hello"},
      {"else with then else",
       "{{ with .Values.missing }}x{{ else with .Values.empty }}y{{ else }}z{{ end }}", "z"},
      {"with a list", "{{ with .Values.list }}{{ len . }}{{ end }}", "3"},
  });
}

TEST(TemplateTest, Range) {
  RunCases({
      {"sequence", "{{ range .Values.list }}{{ . }}{{ end }}", "abc"},
      {"index and value", "{{ range $i, $v := .Values.list }}{{ $i }}={{ $v }};{{ end }}",
       "0=a;1=b;2=c;"},
      {"value only", "{{ range $v := .Values.list }}{{ $v }}{{ end }}", "abc"},
      {"mapping sorted keys", "{{ range $k, $v := .Values.map }}{{ $k }}={{ $v }};{{ end }}",
       "a=1;b=2;c=3;"},
      {"mapping dot is the value", "{{ range .Values.map }}{{ . }}{{ end }}", "123"},
      {"empty else", "{{ range .Values.emptyList }}x{{ else }}empty{{ end }}", "empty"},
      {"empty map else", "{{ range .Values.emptyMap }}x{{ else }}empty{{ end }}", "empty"},
      {"missing else", "{{ range .Values.missing }}x{{ else }}none{{ end }}", "none"},
      {"missing without else", "[{{ range .Values.missing }}x{{ end }}]", "[]"},
      {"integer", "{{ range 3 }}{{ . }}{{ end }}", "012"},
      {"integer variable", "{{ range $i := 2 }}{{ $i }}{{ end }}", "01"},
      {"zero integer else", "{{ range 0 }}x{{ else }}none{{ end }}", "none"},
      {"nested",
       "{{ range $a := list 1 2 }}{{ range $b := list \"x\" \"y\" }}{{ $a }}{{ $b }} "
       "{{ end }}{{ end }}",
       "1x 1y 2x 2y "},
      {"body variables reset per iteration",
       "{{ range .Values.list }}{{ $x := . }}{{ $x }}{{ end }}", "abc"},
      {"range assign form",
       "{{ $i := 0 }}{{ $v := 0 }}{{ range $i, $v = .Values.list }}{{ end }}"
       "{{ $i }}{{ $v }}",
       "2c"},
      {"lines", "items:\n{{- range .Values.list }}\n  - {{ . }}\n{{- end }}\n",
       "items:\n  - a\n  - b\n  - c\n"},
  });
}

TEST(TemplateTest, Pipelines) {
  RunCases({
      {"pipe", "{{ .Values.str | upper }}", "HELLO"},
      {"piped value is the last argument", "{{ \"a\" | printf \"%s-%s\" \"b\" }}", "b-a"},
      {"three stages", "{{ .Values.str | printf \"%s!\" | upper }}", "HELLO!"},
      {"parentheses", "{{ (printf \"%d\" 5) }}", "5"},
      {"nested parentheses", "{{ len (list 1 2 (list 3 4)) }}", "3"},
      {"parenthesized stage", "{{ (list 1 2) | len }}", "2"},
      {"function without arguments as an argument", "{{ print list }}", "[]"},
      {"default in a chain", "{{ .Values.missing | default \"x\" | quote }}", "\"x\""},
  });
}

TEST(TemplateTest, RealisticManifest) {
  const char* text = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Chart.Name }}-cfg
  namespace: {{ .Release.Namespace }}
{{- $v := index .Values "gpu-operator" }}
{{- if $v.driver.enabled }}
data:
  cfg: {{ toYaml $v.driver | nindent 4 }}
{{- end }}
)";
  const std::string want = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: chart-cfg
  namespace: ns
data:
  cfg: 
    enabled: true
    version: "550"
)";
  auto out = Render("cm.yaml", text, Data());
  ASSERT_THAT(out, IsOkAndHolds(want));
  auto doc = serialize::ParseYaml(*out);
  ASSERT_THAT(doc, IsOk());
  const Value* version = doc->FindPath("data.cfg.version");
  ASSERT_NE(version, nullptr);
  EXPECT_EQ(*version, Value("550"));
}

TEST(TemplateTest, ParseOnceExecuteMany) {
  auto t = Template::Parse("t.yaml", "{{ .a }}-{{ .b | default \"none\" }}");
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(t->name(), "t.yaml");
  auto one = serialize::ParseYaml("{a: 1, b: x}");
  auto two = serialize::ParseYaml("{a: 2}");
  ASSERT_THAT(one, IsOk());
  ASSERT_THAT(two, IsOk());
  EXPECT_THAT(t->Execute(*one), IsOkAndHolds(std::string("1-x")));
  EXPECT_THAT(t->Execute(*two), IsOkAndHolds(std::string("2-none")));
  const Template copy = *t;
  EXPECT_THAT(copy.Execute(*one), IsOkAndHolds(std::string("1-x")));
}

TEST(TemplateTest, NullDotHasNoFields) {
  EXPECT_THAT(Render("t.yaml", "[{{ .a.b }}]", Value()), IsOkAndHolds(std::string("[]")));
}

TEST(TemplateTest, HelmRemovesNoValueEverywhere) {
  // Helm removes "<no value>" from the whole output, literal text included.
  EXPECT_THAT(Render("t.yaml", "a<no value>b{{ \"<no value>\" }}c", Data()),
              IsOkAndHolds(std::string("abc")));
}

}  // namespace
}  // namespace aicr::gotemplate
