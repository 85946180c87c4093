#include "constraints/snapshot_eval.h"

#include <gtest/gtest.h>

#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::constraints {
namespace {

measurement::Snapshot Load() {
  auto doc = serialize::ParseYaml(R"(kind: Snapshot
apiVersion: aicr.run/v1alpha2
measurements:
  - type: K8s
    subtypes:
      - subtype: server
        data: {version: v1.33.4-eks-3025e55}
  - type: OS
    subtypes:
      - subtype: release
        data: {ID: ubuntu, VERSION_ID: "24.04"}
      - subtype: sysctl
        data: {/proc/sys/kernel/osrelease: 6.8.0-1028-aws}
)");
  EXPECT_THAT(doc, IsOk());
  auto snap = measurement::DecodeSnapshot(*doc);
  EXPECT_THAT(snap, IsOk());
  return *snap;
}

TEST(SnapshotEvalTest, PassingAndFailingConstraints) {
  const measurement::Snapshot snap = Load();
  auto r = EvaluateAgainstSnapshot(snap, "K8s.server.version", ">= 1.32.4");
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->passed);
  EXPECT_EQ(r->actual, "v1.33.4-eks-3025e55");

  r = EvaluateAgainstSnapshot(snap, "K8s.server.version", ">= 1.34");
  ASSERT_THAT(r, IsOk());
  EXPECT_FALSE(r->passed);

  r = EvaluateAgainstSnapshot(snap, "OS.release.VERSION_ID", "24.04");
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->passed);

  r = EvaluateAgainstSnapshot(snap, "OS.sysctl./proc/sys/kernel/osrelease", ">= 6.8");
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->passed);
  EXPECT_EQ(r->actual, "6.8.0-1028-aws");
}

TEST(SnapshotEvalTest, AbsentReadingIsNotFound) {
  const measurement::Snapshot snap = Load();
  auto r = EvaluateAgainstSnapshot(snap, "GPU.hardware.model", "h100");
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound) << r.status().ToString();
}

TEST(SnapshotEvalTest, UnparsableVersionIsInvalid) {
  const measurement::Snapshot snap = Load();
  auto r = EvaluateAgainstSnapshot(snap, "OS.release.ID", ">= 1.2");
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidRequest) << r.status().ToString();
}

}  // namespace
}  // namespace aicr::constraints
