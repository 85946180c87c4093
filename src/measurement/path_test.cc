#include "measurement/path.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace aicr::measurement {
namespace {

using ::testing::FieldsAre;

TEST(MeasurementPathTest, ParsesSimplePaths) {
  EXPECT_THAT(ParseMeasurementPath("K8s.server.version"),
              IsOkAndHolds(FieldsAre("K8s", "server", "version", "")));
  EXPECT_THAT(ParseMeasurementPath("OS.release.ID"),
              IsOkAndHolds(FieldsAre("OS", "release", "ID", "")));
  EXPECT_THAT(ParseMeasurementPath("OS.release.VERSION_ID"),
              IsOkAndHolds(FieldsAre("OS", "release", "VERSION_ID", "")));
  EXPECT_THAT(ParseMeasurementPath("GPU.info.type"),
              IsOkAndHolds(FieldsAre("GPU", "info", "type", "")));
  EXPECT_THAT(ParseMeasurementPath("Deployment.gpu-operator.version"),
              IsOkAndHolds(FieldsAre("Deployment", "gpu-operator", "version", "")));
}

TEST(MeasurementPathTest, KeyKeepsDotsAndSlashes) {
  EXPECT_THAT(ParseMeasurementPath("OS.sysctl./proc/sys/kernel/osrelease"),
              IsOkAndHolds(FieldsAre("OS", "sysctl", "/proc/sys/kernel/osrelease", "")));
  EXPECT_THAT(ParseMeasurementPath("NodeTopology.label.nvidia.com/gpu.present"),
              IsOkAndHolds(FieldsAre("NodeTopology", "label", "nvidia.com/gpu.present", "")));
}

TEST(MeasurementPathTest, SystemDSplitsAtLastDot) {
  EXPECT_THAT(ParseMeasurementPath("SystemD.containerd.service.ActiveState"),
              IsOkAndHolds(FieldsAre("SystemD", "containerd.service", "ActiveState", "")));
  EXPECT_THAT(ParseMeasurementPath("SystemD.kubelet.service.SubState"),
              IsOkAndHolds(FieldsAre("SystemD", "kubelet.service", "SubState", "")));
}

TEST(MeasurementPathTest, ItemSelectors) {
  EXPECT_THAT(ParseMeasurementPath("NetworkTopology.pfs[0].rail"),
              IsOkAndHolds(FieldsAre("NetworkTopology", "pfs", "rail", "0")));
  EXPECT_THAT(ParseMeasurementPath("NetworkTopology.pfs[rail=3].pciAddress"),
              IsOkAndHolds(FieldsAre("NetworkTopology", "pfs", "pciAddress", "rail=3")));
  EXPECT_THAT(ParseMeasurementPath("NetworkTopology.pfs[0]./some/dotted/key"),
              IsOkAndHolds(FieldsAre("NetworkTopology", "pfs", "/some/dotted/key", "0")));
}

TEST(MeasurementPathTest, ToStringRoundTrips) {
  for (const char* p :
       {"K8s.server.version", "OS.sysctl./proc/sys/kernel/osrelease",
        "SystemD.containerd.service.ActiveState", "NetworkTopology.pfs[rail=3].pciAddress"}) {
    auto parsed = ParseMeasurementPath(p);
    ASSERT_THAT(parsed, IsOk());
    EXPECT_EQ(parsed->ToString(), p);
  }
}

TEST(MeasurementPathTest, MalformedPaths) {
  EXPECT_THAT(ParseMeasurementPath(""),
              StatusIs(ErrorCode::kInvalidRequest, "measurement path cannot be empty"));
  EXPECT_THAT(ParseMeasurementPath("K8s"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "invalid measurement path \"K8s\": expected format {Type}.{Subtype}.{Key}"));
  EXPECT_THAT(
      ParseMeasurementPath("K8s.server"),
      StatusIs(ErrorCode::kInvalidRequest,
               "invalid measurement path \"K8s.server\": expected format {Type}.{Subtype}.{Key}"));
  EXPECT_THAT(ParseMeasurementPath("K8s..version"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "invalid measurement path \"K8s..version\": empty subtype"));
  EXPECT_THAT(
      ParseMeasurementPath("K8s.server."),
      StatusIs(ErrorCode::kInvalidRequest, "invalid measurement path \"K8s.server.\": empty key"));
}

TEST(MeasurementPathTest, TypeIsCaseSensitive) {
  EXPECT_THAT(ParseMeasurementPath("k8s.server.version"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "invalid measurement path \"k8s.server.version\": unknown measurement type "
                       "\"k8s\" (valid: K8s, GPU, OS, SystemD, NodeTopology, NetworkTopology, "
                       "Deployment); did you mean \"K8s\"?"));
  EXPECT_THAT(ParseMeasurementPath("InvalidType.subtype.key"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "invalid measurement path \"InvalidType.subtype.key\": unknown measurement "
                       "type \"InvalidType\" (valid: K8s, GPU, OS, SystemD, NodeTopology, "
                       "NetworkTopology, Deployment)"));
}

TEST(MeasurementPathTest, MalformedSelectors) {
  const ErrorCode kInvalid = ErrorCode::kInvalidRequest;
  EXPECT_THAT(ParseMeasurementPath("NetworkTopology.pfs[0.rail"),
              StatusIs(kInvalid,
                       "invalid measurement path \"NetworkTopology.pfs[0.rail\": "
                       "unclosed item selector"));
  EXPECT_THAT(ParseMeasurementPath("NetworkTopology.pfs[0]rail"),
              StatusIs(kInvalid,
                       "invalid measurement path \"NetworkTopology.pfs[0]rail\": "
                       "expected \".\" after item selector"));
  EXPECT_THAT(ParseMeasurementPath("NetworkTopology.pfs[0]"),
              StatusIs(kInvalid,
                       "invalid measurement path \"NetworkTopology.pfs[0]\": "
                       "expected format {Type}.{Subtype}.{Key}"));
  EXPECT_THAT(
      ParseMeasurementPath("NetworkTopology.pfs[0]."),
      StatusIs(kInvalid, "invalid measurement path \"NetworkTopology.pfs[0].\": empty key"));
  EXPECT_THAT(ParseMeasurementPath("NetworkTopology.pfs[].rail"),
              StatusIs(kInvalid,
                       "invalid measurement path \"NetworkTopology.pfs[].rail\": "
                       "empty item selector"));
  EXPECT_THAT(ParseMeasurementPath("NetworkTopology.[0].rail"),
              StatusIs(kInvalid,
                       "invalid measurement path \"NetworkTopology.[0].rail\": "
                       "empty subtype"));
  for (const char* sel : {"-1", "notnumber", "=3", "rail="}) {
    const std::string p = std::string("NetworkTopology.pfs[") + sel + "].rail";
    EXPECT_THAT(
        ParseMeasurementPath(p),
        StatusIs(kInvalid, "invalid measurement path \"" + p + "\": invalid item selector \"" +
                               sel + "\": expected an index or key=value"));
  }
}

TEST(MeasurementPathTest, SnapshotPathRejectsDeployment) {
  EXPECT_THAT(ParseSnapshotPath("K8s.server.version"), IsOk());
  EXPECT_THAT(ParseSnapshotPath("Deployment.gpu-operator.version"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "invalid measurement path \"Deployment.gpu-operator.version\": measurement "
                       "type \"Deployment\" is only valid in deployment-phase validation "
                       "constraints"));
  EXPECT_TRUE(IsSnapshotType("NetworkTopology"));
  EXPECT_FALSE(IsSnapshotType("Deployment"));
}

}  // namespace
}  // namespace aicr::measurement
