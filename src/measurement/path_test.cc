#include "measurement/path.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "measurement/snapshot.h"
#include "tests/testing/status_matchers.h"

namespace aicr::measurement {
namespace {

using ::testing::FieldsAre;
using ::testing::HasSubstr;

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

// Every row: the path, then either its parts (type, subtype, selector, key) or the
// reason of the INVALID_REQUEST (after `invalid measurement path "<path>": `).
struct PathRow {
  std::string path;
  std::string type;
  std::string subtype;
  std::string selector;
  std::string key;
  std::string error;
};

TEST(MeasurementPathTest, Table) {
  const std::vector<PathRow> rows = {
      {"K8s.server.version", "K8s", "server", "", "version", ""},
      {"K8s.node.kernel-version", "K8s", "node", "", "kernel-version", ""},
      {"K8s.image.gpu-operator", "K8s", "image", "", "gpu-operator", ""},
      {"K8s.policy.driver.version", "K8s", "policy", "", "driver.version", ""},
      {"GPU.hardware.gpu-count", "GPU", "hardware", "", "gpu-count", ""},
      {"OS.release.VERSION_ID", "OS", "release", "", "VERSION_ID", ""},
      {"OS.sysctl./proc/sys/kernel/osrelease", "OS", "sysctl", "", "/proc/sys/kernel/osrelease",
       ""},
      {"OS.grub.BOOT_IMAGE", "OS", "grub", "", "BOOT_IMAGE", ""},
      {"NodeTopology.label.nvidia.com/gpu.present", "NodeTopology", "label", "",
       "nvidia.com/gpu.present", ""},
      {"NodeTopology.gpu-nodes.label", "NodeTopology", "gpu-nodes", "", "label", ""},
      {"NodeTopology.taint.nvidia.com/gpu.NoSchedule", "NodeTopology", "taint", "",
       "nvidia.com/gpu.NoSchedule", ""},
      // SystemD: unit names carry dots, so the subtype ends at the LAST dot
      {"SystemD.containerd.service.ActiveState", "SystemD", "containerd.service", "", "ActiveState",
       ""},
      {"SystemD.kubelet.service.SubState", "SystemD", "kubelet.service", "", "SubState", ""},
      {"SystemD.docker.service.MainPID", "SystemD", "docker.service", "", "MainPID", ""},
      {"SystemD.sys-fs-fuse-connections.mount.ActiveState", "SystemD",
       "sys-fs-fuse-connections.mount", "", "ActiveState", ""},
      {"SystemD.a.b.c.d", "SystemD", "a.b.c", "", "d", ""},
      {"SystemD.containerd.ActiveState", "SystemD", "containerd", "", "ActiveState", ""},
      // item selectors
      {"NetworkTopology.pfs[0].rail", "NetworkTopology", "pfs", "0", "rail", ""},
      {"NetworkTopology.pfs[7].pciAddress", "NetworkTopology", "pfs", "7", "pciAddress", ""},
      {"NetworkTopology.pfs[rail=3].pciAddress", "NetworkTopology", "pfs", "rail=3", "pciAddress",
       ""},
      {"NetworkTopology.pfs[traffic=east-west].rdmaDevice", "NetworkTopology", "pfs",
       "traffic=east-west", "rdmaDevice", ""},
      {"NetworkTopology.pfs[pciAddress=0000:03:00.2].rail", "NetworkTopology", "pfs",
       "pciAddress=0000:03:00.2", "rail", ""},
      {"K8s.slinky-slurm[id=nodeset/slurm/workers].partition-enabled", "K8s", "slinky-slurm",
       "id=nodeset/slurm/workers", "partition-enabled", ""},
      {"NetworkTopology.pfs[0]./some/dotted/key", "NetworkTopology", "pfs", "0", "/some/dotted/key",
       ""},
      {"SystemD.containerd.service[0].ActiveState", "SystemD", "containerd.service", "0",
       "ActiveState", ""},
      // errors
      {"K8s", "", "", "", "", "expected format {Type}.{Subtype}.{Key}"},
      {"K8s.server", "", "", "", "", "expected format {Type}.{Subtype}.{Key}"},
      {"K8s..version", "", "", "", "", "empty subtype"},
      {"K8s.server.", "", "", "", "", "empty key"},
      {"SystemD..ActiveState", "", "", "", "", "empty subtype"},
      {"SystemD.containerd.service.", "", "", "", "", "empty key"},
      {"os.release.ID", "", "", "", "", "unknown measurement type \"os\""},
      {"GUP.hardware.model", "", "", "", "", "did you mean \"GPU\"?"},
      {"gpu.hardware.model", "", "", "", "", "unknown measurement type \"gpu\""},
      {"systemd.containerd.service.ActiveState", "", "", "", "", "unknown measurement type"},
      {"Network.pfs[0].rail", "", "", "", "", "unknown measurement type \"Network\""},
      {"NetworkTopology.pfs[0.rail", "", "", "", "", "unclosed item selector"},
      {"NetworkTopology.pfs[0]rail", "", "", "", "", "expected \".\" after item selector"},
      {"NetworkTopology.pfs[0]", "", "", "", "", "expected format {Type}.{Subtype}.{Key}"},
      {"NetworkTopology.pfs[0].", "", "", "", "", "empty key"},
      {"NetworkTopology.pfs[].rail", "", "", "", "", "empty item selector"},
      {"NetworkTopology.[0].rail", "", "", "", "", "empty subtype"},
      {"NetworkTopology.pfs[-1].rail", "", "", "", "", "invalid item selector \"-1\""},
      {"NetworkTopology.pfs[x].rail", "", "", "", "", "invalid item selector \"x\""},
      {"NetworkTopology.pfs[=3].rail", "", "", "", "", "invalid item selector \"=3\""},
      {"NetworkTopology.pfs[rail=].pciAddress", "", "", "", "", "invalid item selector"},
  };
  for (const PathRow& row : rows) {
    SCOPED_TRACE(row.path);
    Result<Path> p = ParseMeasurementPath(row.path);
    if (!row.error.empty()) {
      EXPECT_THAT(p, StatusIs(ErrorCode::kInvalidRequest,
                              ::testing::AllOf(::testing::StartsWith("invalid measurement path \"" +
                                                                     row.path + "\": "),
                                               HasSubstr(row.error))));
      continue;
    }
    ASSERT_THAT(p, IsOk());
    EXPECT_EQ(p->type, row.type);
    EXPECT_EQ(p->subtype, row.subtype);
    EXPECT_EQ(p->selector, row.selector);
    EXPECT_EQ(p->key, row.key);
    EXPECT_EQ(p->ToString(), row.path);
  }
}

// Parse, validate and extract on one input: a SystemD path must name the unit the
// collector emits, be accepted by the catalogue and then actually resolve.
TEST(MeasurementPathTest, SystemDParseValidateExtract) {
  Subtype containerd;
  containerd.name = "containerd.service";
  containerd.data["ActiveState"] = Reading::Str("active");
  containerd.data["SubState"] = Reading::Str("running");
  Subtype kubelet;
  kubelet.name = "kubelet.service";
  kubelet.data["ActiveState"] = Reading::Str("inactive");
  const std::vector<Measurement> ms = {Measurement{"SystemD", {containerd, kubelet}}};
  const struct {
    const char* path;
    const char* want;
  } cases[] = {{"SystemD.containerd.service.ActiveState", "active"},
               {"SystemD.containerd.service.SubState", "running"},
               {"SystemD.kubelet.service.ActiveState", "inactive"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    Result<Path> p = ParseSnapshotPath(c.path);
    ASSERT_THAT(p, IsOk());
    EXPECT_THAT(ValidatePath(c.path), IsOk());
    EXPECT_THAT(Extract(ms, *p), IsOkAndHolds(std::string(c.want)));
  }
  // A mistyped unit name cannot be caught (unit names are open): it validates and
  // then reads as absent.
  const char* typo = "SystemD.contaierd.service.ActiveState";
  EXPECT_THAT(ValidatePath(typo), IsOk());
  Result<Path> p = ParseSnapshotPath(typo);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(Extract(ms, *p).status().code(), ErrorCode::kNotFound);
}

TEST(ValidatePathTest, AcceptsAddressablePaths) {
  for (const char* path : {
           "K8s.server.version",
           "K8s.server.goVersion",
           "K8s.node.provider",
           "K8s.node.kernel-version",
           "K8s.image.gpu-operator",
           "K8s.policy.driver.version",
           "K8s.aks-gpu-pools.gpu-driver",
           "K8s.oke-addons.nvidia-gpu-plugin",
           "K8s.oke-legacy-plugin.nvidia-gpu-device-plugin",
           "K8s.gke-gpu-pools.gpu-driver-installation",
           "K8s.slinky-slurm.detected",
           "K8s.slinky-slurm[kind=NodeSet].controller-id",
           "K8s.mariadb-operator.collection-state",
           "K8s.default-storage-class.default-classes",
           "GPU.hardware.model",
           "GPU.hardware.gpu-present",
           "OS.release.ID",
           "OS.sysctl./proc/sys/kernel/osrelease",
           "OS.kmod.nvidia",
           "OS.grub.hugepages",
           "SystemD.containerd.service.ActiveState",
           "SystemD.anything.mount.Whatever",
           "NodeTopology.summary.node-count",
           "NodeTopology.label.nvidia.com/gpu.present",
           "NodeTopology.taint.nvidia.com/gpu",
           "NodeTopology.gpu-nodes.label",
           "NetworkTopology.identity.rail-count",
           "NetworkTopology.capabilities.rdma",
           "NetworkTopology.pfs[0].rail",
           "NetworkTopology.pfs[rail=3].pciAddress",
           "NetworkTopology.kernel-modules.storage.0",
       }) {
    SCOPED_TRACE(path);
    EXPECT_THAT(ValidatePath(path), IsOk());
  }
}

TEST(ValidatePathTest, RejectsUnaddressablePathsWithSuggestions) {
  const struct {
    const char* path;
    const char* message;
  } cases[] = {
      {"K8s.server.versionn",
       "unknown key \"versionn\" in subtype \"server\" of measurement type \"K8s\"; did you "
       "mean \"version\"?"},
      {"K8s.servr.version",
       "unknown subtype \"servr\" for measurement type \"K8s\"; did you mean \"server\"?"},
      {"K8s.node.kernel", "unknown key \"kernel\" in subtype \"node\" of measurement type \"K8s\""},
      {"GPU.smi.gpu.model", "unknown subtype \"smi\" for measurement type \"GPU\""},
      {"GPU.hardware.gpu-cont",
       "unknown key \"gpu-cont\" in subtype \"hardware\" of measurement type \"GPU\"; did you "
       "mean \"gpu-count\"?"},
      {"OS.relase.ID",
       "unknown subtype \"relase\" for measurement type \"OS\"; did you mean \"release\"?"},
      {"NodeTopology.summary.nodes",
       "unknown key \"nodes\" in subtype \"summary\" of measurement type \"NodeTopology\""},
      {"NodeTopology.labels.x",
       "unknown subtype \"labels\" for measurement type \"NodeTopology\"; did you mean "
       "\"label\"?"},
      {"NodeTopology.gpu-nodes.taint",
       "unknown subtype \"gpu-nodes\" for measurement type \"NodeTopology\""},
      {"NetworkTopology.pfs.rail",
       "subtype \"pfs\" of measurement type \"NetworkTopology\" exposes no scalar readings; it "
       "requires an item selector, e.g. NetworkTopology.pfs[0].rail"},
      {"NetworkTopology.capabilities[0].sriov",
       "subtype \"capabilities\" of measurement type \"NetworkTopology\" has no items; an item "
       "selector is not valid here"},
      {"NetworkTopology.pfs[rial=1].pciAddress",
       "unknown item predicate key \"rial\" in subtype \"pfs\" of measurement type "
       "\"NetworkTopology\"; did you mean \"rail\"?"},
      {"NetworkTopology.pfs[0].pciAdress",
       "unknown item key \"pciAdress\" in subtype \"pfs\" of measurement type "
       "\"NetworkTopology\"; did you mean \"pciAddress\"?"},
      {"SystemD.containerd.service[0].ActiveState",
       "subtype \"containerd.service\" of measurement type \"SystemD\" has no items; an item "
       "selector is not valid here"},
      {"K8s.image[0].x",
       "subtype \"image\" of measurement type \"K8s\" has no items; an item selector is not "
       "valid here"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    EXPECT_THAT(ValidatePath(c.path),
                StatusIs(ErrorCode::kInvalidRequest,
                         std::string("invalid measurement path \"") + c.path + "\": " + c.message));
  }
  // Grammar errors and the deployment pseudo type come from the parser unchanged.
  EXPECT_THAT(ValidatePath("K8s.server"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("expected format")));
  EXPECT_THAT(ValidatePath("Deployment.gpu-operator.version"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("deployment-phase")));
  EXPECT_THAT(ValidatePath("k8s.server.version"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("did you mean \"K8s\"?")));
}

TEST(ValidatePathTest, SuggestionsAreBoundedAndDeterministic) {
  EXPECT_EQ(SuggestPathPart("versio", {"version", "platform"}), "version");
  EXPECT_EQ(SuggestPathPart("xyz", {"version", "platform"}), "");
  EXPECT_EQ(SuggestPathPart("", {"a"}), "");
  // Equal distances: the lexically smaller wins, whatever the input order.
  EXPECT_EQ(SuggestPathPart("ab", {"ac", "aa"}), "aa");
  EXPECT_EQ(SuggestPathPart("ab", {"aa", "ac"}), "aa");
  // Distance 3 is too far even when it is the only candidate.
  EXPECT_EQ(SuggestPathPart("abc", {"xyz"}), "");
}

}  // namespace
}  // namespace aicr::measurement
