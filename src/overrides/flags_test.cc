#include "overrides/flags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::overrides {
namespace {

using serialize::Value;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

Value Yaml(std::string_view text) {
  Result<Value> v = serialize::ParseYaml(text);
  EXPECT_THAT(v, IsOk());
  return v.ok() ? *v : Value();
}

TEST(ParseComponentPathTest, SplitsAtFirstColonThenFirstEquals) {
  EXPECT_THAT(ParseComponentPath("gpuoperator:driver.version=580:1=2", "--set"),
              IsOkAndHolds(ComponentPath{"gpuoperator", "driver.version", "580:1=2"}));
  EXPECT_THAT(ParseComponentPath("gpu-operator:a_b.c-d.E9", "--dynamic"),
              IsOkAndHolds(ComponentPath{"gpu-operator", "a_b.c-d.E9", std::nullopt}));
}

TEST(ParseComponentPathTest, Errors) {
  struct Case {
    std::string_view input;
    std::string_view flag;
    std::string message;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"nocolon", "--set", "invalid --set \"nocolon\": expected component:path=value"},
           {"nocolon", "--dynamic", "invalid --dynamic \"nocolon\": expected component:path"},
           {":path=v", "--set", "invalid --set \":path=v\": component and path cannot be empty"},
           {"comp:=v", "--set", "invalid --set \"comp:=v\": component and path cannot be empty"},
           {"comp:", "--dynamic",
            "invalid --dynamic \"comp:\": component and path cannot be empty"},
           {"comp:a=", "--set", "invalid --set \"comp:a=\": value cannot be empty"},
           {"comp:a..b=1", "--set",
            "invalid --set \"comp:a..b=1\": invalid path segment \"\": a segment starts with a "
            "letter or digit and contains only letters, digits, '.', '-' or '_'"},
           {"comp:{{evil}}=1", "--set-json",
            "invalid --set-json \"comp:{{evil}}=1\": invalid path segment \"{{evil}}\": a "
            "segment starts with a letter or digit and contains only letters, digits, '.', '-' "
            "or '_'"},
           {"comp:_a=1", "--set",
            "invalid --set \"comp:_a=1\": invalid path segment \"_a\": a "
            "segment starts with a letter or digit and contains only "
            "letters, digits, '.', '-' or '_'"},
           {"comp:a/b=1", "--set",
            "invalid --set \"comp:a/b=1\": invalid path segment \"a/b\": a "
            "segment starts with a letter or digit and contains only "
            "letters, digits, '.', '-' or '_'"},
       }) {
    EXPECT_THAT(ParseComponentPath(c.input, c.flag),
                StatusIs(ErrorCode::kInvalidRequest, c.message))
        << c.input;
  }
}

TEST(ParseComponentPathTest, QuotesControlCharacters) {
  EXPECT_THAT(ParseComponentPath("a\nb", "--set"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "invalid --set \"a\\nb\": expected component:path=value"));
}

TEST(ParseSetFlagsTest, KeepsOrderAndRequiresValue) {
  EXPECT_THAT(ParseSetFlags({"gpuoperator:a=1", "deployer:syncWave=2", "nfd:enabled=false"}),
              IsOkAndHolds(ElementsAre(ComponentPath{"gpuoperator", "a", "1"},
                                       ComponentPath{"deployer", "syncWave", "2"},
                                       ComponentPath{"nfd", "enabled", "false"})));
  EXPECT_THAT(ParseSetFlags({"ok:a=1", "comp:path"}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "invalid --set \"comp:path\": expected component:path=value"));
  EXPECT_THAT(ParseSetFlags({}), IsOkAndHolds(IsEmpty()));
}

TEST(ParseDynamicFlagsTest, RejectsValue) {
  EXPECT_THAT(ParseDynamicFlags({"gpuoperator:daemonsets.tolerations"}),
              IsOkAndHolds(ElementsAre(
                  ComponentPath{"gpuoperator", "daemonsets.tolerations", std::nullopt})));
  EXPECT_THAT(ParseDynamicFlags({"comp:path=1"}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "invalid --dynamic \"comp:path=1\": a dynamic declaration does not "
                       "accept =value"));
}

TEST(ParseSetJsonFlagsTest, DecodesJsonValues) {
  auto parsed = ParseSetJsonFlags({R"(agentgateway:allowedSourceRanges=["10.0.0.0/8"])",
                                   R"(gpuoperator:driver.env={"A":"b","N":null})", "c:x=1.0",
                                   "c:y=null", R"(c:z="s=t")"});
  ASSERT_THAT(parsed, IsOk());
  ASSERT_EQ(parsed->size(), 5u);
  EXPECT_EQ((*parsed)[0],
            (TypedComponentPath{"agentgateway", "allowedSourceRanges", Yaml("[\"10.0.0.0/8\"]")}));
  EXPECT_EQ((*parsed)[1].value, Yaml("{A: b, N: ~}"));
  EXPECT_EQ((*parsed)[2].value, Value(1.0));
  EXPECT_TRUE((*parsed)[3].value.is_null());
  EXPECT_EQ((*parsed)[4].value, Value("s=t"));
}

TEST(ParseSetJsonFlagsTest, Errors) {
  EXPECT_THAT(
      ParseSetJsonFlags({"c:x=[1,"}),
      StatusIs(ErrorCode::kInvalidRequest, HasSubstr("invalid --set-json \"c:x=[1,\": json: ")));
  EXPECT_THAT(ParseSetJsonFlags({"c:x"}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "invalid --set-json \"c:x\": expected component:path=value"));
  EXPECT_THAT(ParseSetJsonFlags({"gpuoperator:enabled=false"}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "invalid --set-json \"gpuoperator:enabled=false\": \"enabled\" is the "
                       "component enable/disable toggle and must be set with --set (e.g. --set "
                       "gpuoperator:enabled=false), not --set-json/--set-file"));
  EXPECT_THAT(ParseSetJsonFlags({"deployer:syncWave=1"}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "invalid --set-json \"deployer:syncWave=1\": deployer options do not "
                       "support --set-json/--set-file; use --set deployer:<key>=<value>"));
  // A nested "enabled" is an ordinary chart value.
  EXPECT_THAT(ParseSetJsonFlags({"gpuoperator:gds.enabled=true"}), IsOk());
}

TEST(ParseSetFileFlagsTest, UsesReaderAndParsesYaml) {
  std::vector<std::string> asked;
  ValueFileReader reader = [&asked](const std::string& path) -> Result<std::string> {
    asked.push_back(path);
    if (path == "ranges.yaml") {
      return std::string("- 10.0.0.0/8\n- 192.168.0.0/16\n");
    }
    if (path == "obj.json") {
      return std::string(R"({"a": {"b": 1}})");
    }
    if (path == "bad.yaml") {
      return std::string("a: [\n");
    }
    if (path == "big") {
      return std::string(kMaxSetFileBytes + 1, 'x');
    }
    return NotFoundError("read " + path + ": no such file");
  };
  auto parsed =
      ParseSetFileFlags({"agentgateway:allowedSourceRanges=ranges.yaml", "c:o=obj.json"}, reader);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_THAT(asked, ElementsAre("ranges.yaml", "obj.json"));
  EXPECT_EQ((*parsed)[0].value, Yaml("[10.0.0.0/8, 192.168.0.0/16]"));
  EXPECT_EQ((*parsed)[1].value, Yaml("a: {b: 1}"));

  EXPECT_THAT(ParseSetFileFlags({"c:o=missing"}, reader),
              StatusIs(ErrorCode::kNotFound,
                       "invalid --set-file \"c:o=missing\": read missing: no such file"));
  EXPECT_THAT(ParseSetFileFlags({"c:o=bad.yaml"}, reader),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("invalid --set-file \"c:o=bad.yaml\": yaml: ")));
  EXPECT_THAT(ParseSetFileFlags({"c:o=big"}, reader),
              StatusIs(ErrorCode::kInvalidRequest,
                       "invalid --set-file \"c:o=big\": value file \"big\" exceeds 1048576 bytes"));
  // Scalar-only keys are rejected before the file is read.
  asked.clear();
  EXPECT_THAT(ParseSetFileFlags({"nfd:enabled=ranges.yaml"}, reader),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("enable/disable toggle")));
  EXPECT_THAT(ParseSetFileFlags({"deployer:x=ranges.yaml"}, reader),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("deployer options")));
  EXPECT_THAT(asked, IsEmpty());
}

class SetFileOnDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("aicr_overrides_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& content) {
    const std::filesystem::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::filesystem::path dir_;
};

TEST_F(SetFileOnDiskTest, DefaultReaderReadsRegularFilesWithCap) {
  const std::string ok = Write("v.yaml", "key: value\n");
  auto parsed = ParseSetFileFlags({"c:p=" + ok});
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ((*parsed)[0].value, Yaml("key: value"));

  const std::string big = Write("big.yaml", std::string(kMaxSetFileBytes + 1, 'a'));
  EXPECT_THAT(ParseSetFileFlags({"c:p=" + big}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("exceeds")));
  EXPECT_THAT(ParseSetFileFlags({"c:p=" + (dir_ / "absent").string()}),
              StatusIs(ErrorCode::kNotFound, HasSubstr("invalid --set-file")));
  EXPECT_THAT(ParseSetFileFlags({"c:p=" + dir_.string()}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("invalid --set-file")));
  EXPECT_THAT(ReadSetFile(ok), IsOkAndHolds(std::string("key: value\n")));
}

TEST(ParseTypedFlagsTest, FilesFirstThenJson) {
  ValueFileReader reader = [](const std::string&) -> Result<std::string> {
    return std::string("[from-file]");
  };
  auto parsed = ParseTypedFlags({"c:p=f"}, {R"(c:p=["from-json"])"}, reader);
  ASSERT_THAT(parsed, IsOk());
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].value, Yaml("[from-file]"));
  EXPECT_EQ((*parsed)[1].value, Yaml("[from-json]"));
  EXPECT_THAT(ParseTypedFlags({"bad"}, {}, reader),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("invalid --set-file \"bad\"")));
  EXPECT_THAT(ParseTypedFlags({}, {"bad"}, reader),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("invalid --set-json \"bad\"")));
}

TEST(ParseNodeSelectorsTest, ParsesAndLastWins) {
  EXPECT_THAT(
      ParseNodeSelectors({"nodeGroup=system", "a=b=c", "empty=", "nodeGroup=gpu"},
                         "--system-node-selector"),
      IsOkAndHolds(ElementsAre(Pair("a", "b=c"), Pair("empty", ""), Pair("nodeGroup", "gpu"))));
  EXPECT_THAT(ParseNodeSelectors({"novalue"}, "--system-node-selector"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "invalid --system-node-selector \"novalue\": expected key=value"));
  EXPECT_THAT(ParseNodeSelectors({"=v"}, "--workload-selector"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "invalid --workload-selector \"=v\": key cannot be empty"));
}

TEST(TolerationTest, ToValueOmitsEmptyFieldsInOrder) {
  Toleration t{"nvidia.com/gpu", "Equal", "present", "NoSchedule", 30};
  const Value v = t.ToValue();
  ASSERT_TRUE(v.is_mapping());
  std::vector<std::string> keys;
  for (const auto& [k, unused] : *v.if_mapping()) {
    keys.push_back(k);
  }
  EXPECT_THAT(keys, ElementsAre("key", "operator", "value", "effect", "tolerationSeconds"));
  EXPECT_EQ(v, Yaml("{key: nvidia.com/gpu, operator: Equal, value: present, effect: NoSchedule, "
                    "tolerationSeconds: 30}"));
  EXPECT_EQ(Toleration({"", "Exists", "", "", std::nullopt}).ToValue(), Yaml("{operator: Exists}"));
  EXPECT_EQ(Toleration().ToValue(), Value::EmptyMapping());
}

TEST(TolerationTest, DefaultIsWildcardExists) {
  EXPECT_THAT(DefaultTolerations(), ElementsAre(Toleration{"", "Exists", "", "", std::nullopt}));
}

TEST(ParseTolerationsTest, Forms) {
  auto parsed = ParseTolerations({"nvidia.com/gpu=present:NoSchedule", "dedicated:NoExecute", "*",
                                  "k=v=w:PreferNoSchedule", ":NoSchedule"},
                                 "--accelerated-node-toleration");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_THAT(*parsed,
              ElementsAre(Toleration{"nvidia.com/gpu", "Equal", "present", "NoSchedule", {}},
                          Toleration{"dedicated", "Exists", "", "NoExecute", {}},
                          Toleration{"", "Exists", "", "", {}},
                          Toleration{"k", "Equal", "v=w", "PreferNoSchedule", {}},
                          Toleration{"", "Exists", "", "NoSchedule", {}}));
  EXPECT_THAT(ParseTolerations({}, "--system-node-toleration"), IsOkAndHolds(IsEmpty()));
}

TEST(ParseTolerationsTest, Errors) {
  struct Case {
    std::string_view in;
    std::string message;
  };
  const std::string flag = "--system-node-toleration";
  for (const Case& c : std::initializer_list<Case>{
           {"key=value",
            "invalid --system-node-toleration \"key=value\": expected "
            "key=value:effect or key:effect"},
           {"key",
            "invalid --system-node-toleration \"key\": expected key=value:effect or "
            "key:effect"},
           {"k=a:b:NoSchedule",
            "invalid --system-node-toleration \"k=a:b:NoSchedule\": "
            "expected key=value:effect or key:effect"},
           {"k=v:noschedule",
            "invalid --system-node-toleration \"k=v:noschedule\": invalid "
            "taint effect \"noschedule\", expected NoSchedule, "
            "PreferNoSchedule, or NoExecute"},
           {"k=v:",
            "invalid --system-node-toleration \"k=v:\": invalid taint effect \"\", "
            "expected NoSchedule, PreferNoSchedule, or NoExecute"},
       }) {
    EXPECT_THAT(ParseTolerations({std::string(c.in)}, flag),
                StatusIs(ErrorCode::kInvalidRequest, c.message))
        << c.in;
  }
}

TEST(ParseTaintTest, FormsAndToString) {
  auto t = ParseTaint("skyhook.nvidia.com=runtime-required:NoSchedule");
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(*t, (Taint{"skyhook.nvidia.com", "runtime-required", "NoSchedule"}));
  EXPECT_EQ(t->ToString(), "skyhook.nvidia.com=runtime-required:NoSchedule");
  auto bare = ParseTaint("gate:NoExecute");
  ASSERT_THAT(bare, IsOk());
  EXPECT_EQ(bare->ToString(), "gate:NoExecute");
}

TEST(ParseTaintTest, Errors) {
  EXPECT_THAT(ParseTaint(""), StatusIs(ErrorCode::kInvalidRequest,
                                       "invalid --workload-gate: taint cannot be empty"));
  EXPECT_THAT(ParseTaint("gate"), StatusIs(ErrorCode::kInvalidRequest,
                                           "invalid --workload-gate \"gate\": expected "
                                           "key=value:effect or key:effect"));
  EXPECT_THAT(ParseTaint("=v:NoSchedule"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "invalid --workload-gate \"=v:NoSchedule\": key cannot be empty"));
  EXPECT_THAT(ParseTaint("k:Bad"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("invalid taint effect \"Bad\"")));
  EXPECT_THAT(ParseTaint("a:b:NoSchedule"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("expected key=value:effect")));
}

TEST(ParseNodeLabelTest, ValidLabels) {
  EXPECT_EQ(DefaultDraEvictionNodeLabel().ToString(), "nvidia.com/dra-kubelet-plugin=true");
  EXPECT_THAT(ParseNodeLabel("nvidia.com/dra-kubelet-plugin=true"),
              IsOkAndHolds(NodeLabel{"nvidia.com/dra-kubelet-plugin", "true"}));
  EXPECT_THAT(ParseNodeLabel("gpu=yes"), IsOkAndHolds(NodeLabel{"gpu", "yes"}));
  EXPECT_THAT(ParseNodeLabel("a.b-c/My_Name.x=v-1.2_3"), IsOk());
  EXPECT_THAT(ParseNodeLabel("k="), IsOkAndHolds(NodeLabel{"k", ""}));
  EXPECT_THAT(ParseNodeLabel(std::string(63, 'a') + "=" + std::string(63, 'b')), IsOk());
}

TEST(ParseNodeLabelTest, InvalidLabels) {
  EXPECT_THAT(ParseNodeLabel("novalue"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "invalid --dra-eviction-node-label \"novalue\": expected key=value"));
  for (const std::string& key :
       {std::string(""), std::string("-a"), std::string("a-"), std::string(64, 'a'),
        std::string("UPPER.com/x"), std::string("/x"), std::string("a/"), std::string("a/b/c"),
        std::string("a..b/x"), std::string("a b")}) {
    EXPECT_THAT(ParseNodeLabel(key + "=v"),
                StatusIs(ErrorCode::kInvalidRequest, HasSubstr("invalid node label key")))
        << key;
  }
  for (const std::string& value : {std::string("-v"), std::string("v_"), std::string(64, 'v'),
                                   std::string("a/b"), std::string("a b")}) {
    EXPECT_THAT(ParseNodeLabel("k=" + value),
                StatusIs(ErrorCode::kInvalidRequest, HasSubstr("invalid node label value")))
        << value;
  }
}

}  // namespace
}  // namespace aicr::overrides
