#include "evidence/redact.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "evidence/test_fixture.h"
#include "serialize/yaml_writer.h"

namespace aicr::evidence {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(RedactSnapshotTest, KeepsOnlyTheAllowlist) {
  const measurement::Snapshot raw = testing::Inputs().snapshot;
  const measurement::Snapshot red = RedactSnapshot(raw);
  EXPECT_EQ(red.metadata.count("source-node"), 0u);
  EXPECT_EQ(red.metadata.at("timestamp"), "2026-01-01T00:00:00Z");
  std::vector<std::string> kept;
  for (const auto& m : red.measurements) {
    for (const auto& s : m.subtypes) {
      kept.push_back(m.type + "." + s.name);
    }
  }
  EXPECT_THAT(kept, ElementsAre("K8s.server", "K8s.node", "OS.release", "GPU.hardware",
                                "NodeTopology.summary"));
  const measurement::Subtype* node = red.FindMeasurement("K8s")->FindSubtype("node");
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(node->data.size(), 3u);
  EXPECT_EQ(node->Find("internal-ip"), nullptr);
  EXPECT_NE(node->Find("os-image"), nullptr);
  EXPECT_EQ(red.FindMeasurement("SystemD"), nullptr);
  const std::string yaml = serialize::WriteYaml(measurement::EncodeSnapshot(red));
  EXPECT_THAT(yaml, Not(HasSubstr("secret-host")));
  EXPECT_THAT(yaml, Not(HasSubstr("10.0.0.12")));
  EXPECT_THAT(yaml, Not(HasSubstr("gpu.product")));
}

TEST(RedactSnapshotTest, DropsMeasurementsLeftEmpty) {
  measurement::Snapshot s;
  s.measurements.push_back({"SystemD", {{"x.service", {}, {}, {}}}});
  s.measurements.push_back({"K8s", {measurement::Subtype{"node", {}, {{"k", "v"}}, {}}}});
  EXPECT_TRUE(RedactSnapshot(s).measurements.empty());
}

TEST(RedactReportTest, DropsMessageAndStdoutOnly) {
  const validator::ctrf::Report raw = testing::PhaseReport(validator::Phase::kDeployment, 1, 1);
  const validator::ctrf::Report red = RedactReport(raw);
  ASSERT_EQ(red.tests.size(), 2u);
  for (std::size_t i = 0; i < red.tests.size(); ++i) {
    EXPECT_TRUE(red.tests[i].message.empty());
    EXPECT_TRUE(red.tests[i].stdout_lines.empty());
    EXPECT_EQ(red.tests[i].name, raw.tests[i].name);
    EXPECT_EQ(red.tests[i].status, raw.tests[i].status);
    EXPECT_EQ(red.tests[i].duration, raw.tests[i].duration);
    EXPECT_EQ(red.tests[i].suite, raw.tests[i].suite);
    EXPECT_EQ(red.tests[i].extra, raw.tests[i].extra);
  }
  EXPECT_EQ(red.summary, raw.summary);
}

TEST(RedactionRecordTest, ListsTheFourRulesSorted) {
  EXPECT_THAT(MinimalRedaction().applied,
              ElementsAre("ctrf.tests.omit:message", "ctrf.tests.omit:stdout",
                          "snapshot.header.drop:source-node", "snapshot.measurements.allowlist"));
  EXPECT_EQ(MinimalRedaction().policy, "minimal");
  EXPECT_EQ(MinimalRedaction().version, "v1");
}

}  // namespace
}  // namespace aicr::evidence
