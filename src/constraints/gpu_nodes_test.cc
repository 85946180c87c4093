#include "constraints/gpu_nodes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "constraints/snapshot_eval.h"
#include "measurement/path.h"
#include "tests/testing/status_matchers.h"

namespace aicr::constraints {
namespace {

using ::testing::HasSubstr;

constexpr const char* kOptOut = "gke-no-default-nvidia-gpu-device-plugin";
constexpr const char* kAccel = "cloud.google.com/gke-accelerator";

std::string Key(const std::string& suffix = "") { return std::string(kOptOut) + suffix; }

// A snapshot whose NodeTopology `label` subtype has the folded data encoding.
measurement::Snapshot DataSnapshot(const std::map<std::string, std::string>& labels) {
  measurement::Subtype label;
  label.name = "label";
  for (const auto& [k, v] : labels) {
    label.data[k] = measurement::Reading::Str(v);
  }
  measurement::Snapshot s;
  s.measurements.push_back(measurement::Measurement{"NodeTopology", {label}});
  return s;
}

struct LabelItem {
  std::string key;
  std::string value;
  std::string nodes;
  bool truncated = false;
};

// The lossless item encoding (with a data map that would mislead if it were read).
measurement::Snapshot ItemSnapshot(const std::vector<LabelItem>& items) {
  measurement::Subtype label;
  label.name = "label";
  label.data[Key(".true")] = measurement::Reading::Str("other|system-a");
  for (const LabelItem& i : items) {
    measurement::Item item;
    item.context = {{"key", i.key}, {"value", i.value}};
    item.data["node-list"] = measurement::Reading::Str(i.nodes);
    item.data["truncated"] = measurement::Reading::Bool(i.truncated);
    item.data["node-count"] = measurement::Reading::Int(1);
    label.items.push_back(item);
  }
  measurement::Snapshot s;
  s.measurements.push_back(measurement::Measurement{"NodeTopology", {label}});
  return s;
}

enum class Want { kPass, kFail, kInvalid, kNotFound };

struct Case {
  std::string name;
  std::string value;
  std::map<std::string, std::string> labels;
  Want want;
  std::string actual_substr;
};

TEST(GpuNodesLabelTest, FoldedDataEncoding) {
  const std::string positive = Key("=true");
  const std::string negated = "!" + Key();
  const std::vector<Case> cases = {
      {"every GPU node labelled",
       positive,
       {{kAccel, "nvidia-h100-80gb|gpu-a,gpu-b"}, {Key(), "true|gpu-a,gpu-b"}},
       Want::kPass,
       "all 2 GPU node(s) carry " + positive},
      {"one GPU node unlabelled",
       positive,
       {{kAccel, "nvidia-h100-80gb|gpu-a,gpu-b,gpu-c"}, {Key(), "true|gpu-a,gpu-c"}},
       Want::kFail,
       "1 of 3 GPU node(s) missing " + positive + ": gpu-b"},
      {"label absent everywhere",
       positive,
       {{kAccel, "nvidia-h100-80gb|gpu-a"}},
       Want::kFail,
       "1 of 1 GPU node(s) missing"},
      {"mixed values via disambiguated keys",
       positive,
       {{kAccel, "nvidia-h100-80gb|gpu-a,gpu-b"},
        {Key(".true"), "true|gpu-a"},
        {Key(".false"), "false|gpu-b"}},
       Want::kFail,
       ": gpu-b"},
      {"several accelerator types form the universe",
       positive,
       {{std::string(kAccel) + ".nvidia-h100-80gb", "nvidia-h100-80gb|gpu-a"},
        {std::string(kAccel) + ".nvidia-l4", "nvidia-l4|gpu-b"},
        {Key(), "true|gpu-a,gpu-b"}},
       Want::kPass,
       "all 2 GPU node(s)"},
      {"non-GPU nodes are ignored",
       positive,
       {{kAccel, "nvidia-h100-80gb|gpu-a"}, {Key(), "true|gpu-a,system-b"}},
       Want::kPass,
       "all 1 GPU node(s)"},
      {"negated passes without the key",
       negated,
       {{kAccel, "nvidia-h100-80gb|gpu-a,gpu-b"}},
       Want::kPass,
       "none of 2 GPU node(s) carry label " + Key()},
      {"negated fails when a GPU node has the key",
       negated,
       {{kAccel, "nvidia-h100-80gb|gpu-a,gpu-b"}, {Key(), "true|gpu-b"}},
       Want::kFail,
       "1 of 2 GPU node(s) carry label " + Key() + ": gpu-b"},
      {"negated ignores non-GPU nodes",
       negated,
       {{kAccel, "nvidia-h100-80gb|gpu-a"}, {Key(), "true|system-b"}},
       Want::kPass,
       ""},
      {"empty universe, positive", positive, {{Key(), "true|node-a"}}, Want::kNotFound, ""},
      {"empty universe, negated",
       negated,
       {{"kubernetes.io/os", "linux|node-a"}},
       Want::kNotFound,
       ""},
      {"truncated universe",
       positive,
       {{kAccel, "nvidia-h100-80gb|gpu-a,gpu-b (+3 more)"}, {Key(), "true|gpu-a,gpu-b"}},
       Want::kInvalid,
       ""},
      {"truncated target, positive",
       positive,
       {{kAccel, "nvidia-h100-80gb|gpu-a,gpu-b"}, {Key(), "true|gpu-a (+1 more)"}},
       Want::kInvalid,
       ""},
      {"truncated target, negated",
       negated,
       {{kAccel, "nvidia-h100-80gb|gpu-a,gpu-b"}, {Key(), "true|gpu-a (+1 more)"}},
       Want::kInvalid,
       ""},
      {"dotted prefix of another key is not the target",
       negated,
       {{kAccel, "nvidia-h100-80gb|gpu-a"}, {Key(".mode"), "on|gpu-a"}},
       Want::kPass,
       ""},
      {"lone dotted entry without the plain key is ambiguous",
       positive,
       {{kAccel, "nvidia-h100-80gb|gpu-a"}, {Key(".true"), "true|gpu-a"}},
       Want::kInvalid,
       ""},
      {"collision remnant cannot pass the negated form",
       negated,
       {{kAccel, "nvidia-h100-80gb|gpu-a,gpu-b"},
        {Key(".true"), "other|system-a"},
        {Key(".false"), "false|gpu-b"}},
       Want::kInvalid,
       ""},
      {"no separator, negated",
       negated,
       {{kAccel, "nvidia-h100-80gb|gpu-a"}, {Key(), "true"}},
       Want::kInvalid,
       ""},
      {"no separator, positive",
       positive,
       {{kAccel, "nvidia-h100-80gb|gpu-a"}, {Key(), "true"}},
       Want::kInvalid,
       ""},
      {"empty node list",
       negated,
       {{kAccel, "nvidia-h100-80gb|gpu-a"}, {Key(), "true|"}},
       Want::kInvalid,
       ""},
      {"empty node name",
       positive,
       {{kAccel, "nvidia-h100-80gb|gpu-a"}, {Key(), "true|gpu-a,,gpu-b"}},
       Want::kInvalid,
       ""},
      {"two separators",
       negated,
       {{kAccel, "nvidia-h100-80gb|gpu-a"}, {Key(), "true|gpu-a|junk"}},
       Want::kInvalid,
       ""},
      {"whitespace in node name",
       negated,
       {{kAccel, "nvidia-h100-80gb|gpu-a"}, {Key(), "true| gpu-a"}},
       Want::kInvalid,
       ""},
      {"upper-case node name",
       positive,
       {{kAccel, "nvidia-h100-80gb|gpu-a"}, {Key(), "true|GPU-A"}},
       Want::kInvalid,
       ""},
      {"malformed universe reading",
       positive,
       {{kAccel, "nvidia-h100-80gb"}, {Key(), "true|gpu-a"}},
       Want::kInvalid,
       ""},
      {"plain key present: dotted entries are other labels",
       positive,
       {{kAccel, "nvidia-h100-80gb|gpu-a,gpu-b"},
        {Key(), "true|gpu-a"},
        {Key(".true"), "true|gpu-b"}},
       Want::kFail,
       "gpu-b"},
      {"lone dotted universe entry is ambiguous",
       positive,
       {{std::string(kAccel) + ".foo", "foo|node-a"}, {Key(), "true|node-a"}},
       Want::kInvalid,
       ""},
      {"overlapping node sets, positive",
       positive,
       {{kAccel, "nvidia-h100-80gb|gpu-a,gpu-b"},
        {Key(".true"), "true|gpu-a,gpu-b"},
        {Key(".false"), "false|gpu-b"}},
       Want::kInvalid,
       ""},
      {"overlapping node sets, negated",
       negated,
       {{kAccel, "nvidia-h100-80gb|gpu-a,gpu-b"},
        {Key(".true"), "true|gpu-a,gpu-b"},
        {Key(".false"), "false|gpu-b"}},
       Want::kInvalid,
       ""},
      {"dotted values through the disambiguated shape",
       Key("=a.b"),
       {{kAccel, "nvidia-h100-80gb|gpu-a,gpu-b"},
        {Key(".a.b"), "a.b|gpu-a"},
        {Key(".c.d"), "c.d|gpu-b"}},
       Want::kFail,
       "1 of 2 GPU node(s) missing " + Key("=a.b") + ": gpu-b"},
      {"truncated entry of another dotted key is skipped",
       positive,
       {{kAccel, "nvidia-h100-80gb|gpu-a"},
        {Key(), "true|gpu-a"},
        {Key(".mode"), "on|gpu-a,gpu-b (+3 more)"}},
       Want::kPass,
       ""},
      {"empty value form passes",
       Key("="),
       {{kAccel, "nvidia-h100-80gb|gpu-a,gpu-b"}, {Key(), "|gpu-a,gpu-b"}},
       Want::kPass,
       "all 2 GPU node(s)"},
      {"empty value form fails on mixed values",
       Key("="),
       {{kAccel, "nvidia-h100-80gb|gpu-a,gpu-b"},
        {Key("."), "|gpu-a"},
        {Key(".true"), "true|gpu-b"}},
       Want::kFail,
       "gpu-b"},
      {"empty value is not true",
       positive,
       {{kAccel, "nvidia-h100-80gb|gpu-a,gpu-b"}, {Key(), "|gpu-a,gpu-b"}},
       Want::kFail,
       ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const EvalResult r = EvaluateGpuNodesLabel(c.value, DataSnapshot(c.labels));
    switch (c.want) {
      case Want::kPass:
      case Want::kFail:
        ASSERT_THAT(r.error, IsOk());
        EXPECT_EQ(r.passed, c.want == Want::kPass) << r.actual;
        EXPECT_THAT(r.actual, HasSubstr(c.actual_substr));
        break;
      case Want::kInvalid:
        EXPECT_EQ(r.error.code(), ErrorCode::kInvalidRequest) << r.error.message();
        EXPECT_FALSE(r.passed);
        break;
      case Want::kNotFound:
        EXPECT_EQ(r.error.code(), ErrorCode::kNotFound) << r.error.message();
        EXPECT_THAT(r.error.message(), HasSubstr("GPU-node universe is empty"));
        EXPECT_FALSE(r.passed);
        break;
    }
  }
}

TEST(GpuNodesLabelTest, InvalidValues) {
  const measurement::Snapshot snap = DataSnapshot({{kAccel, "nvidia-h100-80gb|gpu-a"}});
  for (const std::string& value :
       {std::string("!invalid//label"), std::string("invalid//label=true"), std::string(">= true"),
        Key(), "!" + Key("=true"), Key("=bad value"), std::string("=true"), std::string("!"),
        std::string(""), std::string("-bad=x"), std::string("a/b/c=x")}) {
    SCOPED_TRACE(value);
    const EvalResult r = EvaluateGpuNodesLabel(value, snap);
    EXPECT_EQ(r.error.code(), ErrorCode::kInvalidRequest) << r.error.message();
    EXPECT_EQ(ValidateGpuNodesLabelValue(value).code(), ErrorCode::kInvalidRequest);
  }
  for (const std::string& value : {Key("=true"), "!" + Key(), Key("="), std::string(" ! a.b/c "),
                                   std::string("example.com/x_y.z=A-1")}) {
    SCOPED_TRACE(value);
    EXPECT_THAT(ValidateGpuNodesLabelValue(value), IsOk());
  }
}

TEST(GpuNodesLabelTest, MissingLabelReadingsAreNotFound) {
  measurement::Snapshot empty;
  measurement::Snapshot summary_only;
  measurement::Subtype summary;
  summary.name = "summary";
  summary_only.measurements.push_back(measurement::Measurement{"NodeTopology", {summary}});
  for (const measurement::Snapshot* s : {&empty, &summary_only}) {
    const EvalResult r = EvaluateGpuNodesLabel(Key("=true"), *s);
    EXPECT_THAT(r.error,
                StatusIs(ErrorCode::kNotFound, HasSubstr("no NodeTopology label readings")));
  }
}

TEST(GpuNodesLabelTest, LosslessItemsWinOverFoldedData) {
  // The data map holds a collision remnant that would fail closed; items decide.
  const measurement::Snapshot snap = ItemSnapshot({
      {kAccel, "nvidia-h100-80gb", "gpu-a,gpu-b"},
      {Key(), "false", "gpu-b"},
      {Key(), "true", "gpu-a"},
      {Key(".true"), "true", "gpu-a,gpu-b"},
  });
  EvalResult r = EvaluateGpuNodesLabel(Key("=true"), snap);
  ASSERT_THAT(r.error, IsOk());
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.actual, "1 of 2 GPU node(s) missing " + Key("=true") + ": gpu-b");

  r = EvaluateGpuNodesLabel("!" + Key(), snap);
  ASSERT_THAT(r.error, IsOk());
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.actual, "2 of 2 GPU node(s) carry label " + Key() + ": gpu-a,gpu-b");

  r = EvaluateGpuNodesLabel("!other", snap);
  ASSERT_THAT(r.error, IsOk());
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.actual, "none of 2 GPU node(s) carry label other");
}

TEST(GpuNodesLabelTest, TruncatedOrMalformedItemsFailClosed) {
  EvalResult r = EvaluateGpuNodesLabel(
      "!" + Key(), ItemSnapshot({{kAccel, "nvidia-h100-80gb", "gpu-a (+1 more)", true}}));
  EXPECT_THAT(r.error, StatusIs(ErrorCode::kInvalidRequest, HasSubstr("is truncated")));
  r = EvaluateGpuNodesLabel("!" + Key(), ItemSnapshot({{kAccel, "nvidia-h100-80gb", "gpu-a"},
                                                       {Key(), "true", "gpu-a (+2 more)"}}));
  EXPECT_THAT(r.error, StatusIs(ErrorCode::kInvalidRequest, HasSubstr("is truncated")));
  r = EvaluateGpuNodesLabel(Key("=true"), ItemSnapshot({{kAccel, "nvidia-h100-80gb", "gpu-a"},
                                                        {Key(), "true", "gpu-a,Bad Node"}}));
  EXPECT_THAT(r.error, StatusIs(ErrorCode::kInvalidRequest, HasSubstr("is malformed")));
  r = EvaluateGpuNodesLabel(Key("=true"), ItemSnapshot({{kAccel, "nvidia-h100-80gb", ""}}));
  EXPECT_THAT(r.error, StatusIs(ErrorCode::kInvalidRequest, HasSubstr("is malformed")));
}

TEST(GpuNodesLabelTest, SummaryCapsTheNodeList) {
  EXPECT_EQ(SummarizeNodes({"n1", "n2", "n3", "n4", "n5", "n6", "n7"}), "n1,n2,n3,n4,n5 (+2 more)");
  EXPECT_EQ(SummarizeNodes({"n1", "n2", "n3", "n4", "n5", "n6"}), "n1,n2,n3,n4,n5 (+1 more)");
  EXPECT_EQ(SummarizeNodes({"n1", "n2", "n3", "n4", "n5"}), "n1,n2,n3,n4,n5");
  EXPECT_EQ(SummarizeNodes({"n1"}), "n1");
  EXPECT_EQ(SummarizeNodes({}), "");
}

TEST(GpuNodesLabelTest, DispatchedByTheVirtualPath) {
  const measurement::Snapshot snap =
      DataSnapshot({{kAccel, "nvidia-h100-80gb|gpu-a,gpu-b"}, {Key(), "true|gpu-a,gpu-b"}});
  EvalResult r = EvaluateConstraint(snap, measurement::kPathGpuNodesLabel,
                                    "!gke-no-default-nvidia-gpu-device-plugin");
  ASSERT_THAT(r.error, IsOk());
  EXPECT_FALSE(r.passed);
  r = EvaluateConstraint(snap, measurement::kPathGpuNodesLabel,
                         "gke-no-default-nvidia-gpu-device-plugin=true");
  ASSERT_THAT(r.error, IsOk());
  EXPECT_TRUE(r.passed);
  // The scalar grammar's error for a bare `!` must not apply to the node-set form,
  // and any other gpu-nodes path is an ordinary (absent) reading.
  EXPECT_EQ(EvaluateConstraint(snap, "NodeTopology.gpu-nodes.taint", "x").error.code(),
            ErrorCode::kNotFound);
  auto wrapped = EvaluateAgainstSnapshot(snap, measurement::kPathGpuNodesLabel, "!other");
  ASSERT_THAT(wrapped, IsOk());
  EXPECT_TRUE(wrapped->passed);
  EXPECT_EQ(wrapped->actual, "none of 2 GPU node(s) carry label other");
}

}  // namespace
}  // namespace aicr::constraints
