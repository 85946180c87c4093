#include "measurement/snapshot.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "serialize/json_reader.h"
#include "serialize/json_writer.h"
#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"
#include "tests/testing/status_matchers.h"

namespace aicr::measurement {
namespace {

using serialize::ParseJson;
using serialize::ParseYaml;
using serialize::Value;

// The reference's abridged newest-shape snapshot.
constexpr std::string_view kExampleYaml = R"yaml(kind: Snapshot
apiVersion: aicr.run/v1alpha2
metadata: {timestamp: "2026-01-03T10:30:00Z", version: v0.19.0, source-node: gpu-node-01}
fingerprint:
  service: {value: eks, source: k8s.node.provider}
  accelerator: {value: h100, source: nodeTopology.label.nvidia.com/gpu.product}
  gpuModel: {value: h100, source: gpu.hardware.model}
  os: {value: ubuntu, version: "24.04", source: os.release}
  k8sVersion: {value: 1.33.4, source: k8s.server.version}
  nodeCount: {value: 8, source: nodeTopology.summary.node-count}
measurements:
  - type: K8s
    subtypes:
      - subtype: server
        data: {version: v1.33.4-eks-3025e55}
      - subtype: node
        data: {source-node: gpu-node-01, provider: eks, provider-id: "aws:///us-west-2a/i-0abc",
               kubelet-version: v1.33.4, kernel-version: 6.8.0-1028-aws, os-image: Ubuntu 24.04.2 LTS}
      - subtype: policy
        data: {driver.enabled: "true", driver.version: 570.133.20}
  - type: GPU
    subtypes:
      - subtype: hardware
        data: {gpu-present: true, gpu-count: 8, driver-loaded: true, detection-source: nfd, model: h100}
  - type: OS
    subtypes:
      - subtype: release
        data: {ID: ubuntu, VERSION_ID: "24.04", PRETTY_NAME: Ubuntu 24.04.2 LTS}
      - subtype: sysctl
        data: {/proc/sys/kernel/osrelease: 6.8.0-1028-aws}
      - subtype: kmod
        data: {nvidia: true}
  - type: SystemD
    subtypes:
      - subtype: containerd.service
        data: {ActiveState: active, SubState: running}
      - subtype: kubelet.service
        data: {ActiveState: inactive}
  - type: NodeTopology
    subtypes:
      - subtype: summary
        data: {node-count: 8, taint-count: 1, label-count: 1}
      - subtype: label
        data: {nvidia.com/gpu.product: "NVIDIA-H100-80GB-HBM3|gpu-node-01,gpu-node-02 (+2 more)"}
        items:
          - context: {key: nvidia.com/gpu.product, value: NVIDIA-H100-80GB-HBM3}
            data: {node-count: 4, node-list: "gpu-node-01,gpu-node-02 (+2 more)", truncated: true}
  - type: NetworkTopology
    subtypes:
      - subtype: pfs
        items:
          - context: {pciAddress: "0000:03:00.0", rdmaDevice: mlx5_0}
            data: {rail: 0, traffic: east-west}
          - context: {pciAddress: "0000:03:00.1", rdmaDevice: mlx5_1}
            data: {rail: 1, traffic: east-west}
          - context: {pciAddress: "0000:03:00.2", rdmaDevice: mlx5_2}
            data: {rail: 2, traffic: east-west}
      - subtype: capabilities
        data: {sriov: true, busbw: 8.0, ratio: 0.5}
)yaml";

Snapshot Example() {
  Result<Value> doc = ParseYaml(kExampleYaml);
  EXPECT_THAT(doc, IsOk());
  Result<Snapshot> snap = DecodeSnapshot(*doc);
  EXPECT_THAT(snap, IsOk());
  return snap.ok() ? *snap : Snapshot{};
}

Result<Snapshot> DecodeYaml(std::string_view yaml) {
  Result<Value> doc = ParseYaml(yaml);
  if (!doc.ok()) {
    return doc.status();
  }
  return DecodeSnapshot(*doc);
}

TEST(FormatGoFloatTest, MatchesGoPercentV) {
  struct Case {
    double in;
    std::string want;
  };
  const std::vector<Case> cases = {
      {8.0, "8"},
      {0.5, "0.5"},
      {1e21, "1e+21"},
      {1e6, "1e+06"},
      {123456.0, "123456"},
      {1234567.0, "1.234567e+06"},
      {0.0001, "0.0001"},
      {0.00001, "1e-05"},
      {1.5e-7, "1.5e-07"},
      {0.0, "0"},
      {-0.0, "-0"},
      {-2.5, "-2.5"},
      {100.0, "100"},
      {3.14159, "3.14159"},
      {0.1 + 0.2, "0.30000000000000004"},
      {1e100, "1e+100"},
      {-1e-100, "-1e-100"},
      {570.133, "570.133"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
      {std::nan(""), "NaN"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.want);
    EXPECT_EQ(FormatGoFloat(c.in), c.want);
  }
}

TEST(ReadingTest, StringIsGoPercentV) {
  EXPECT_EQ(Reading().String(), "");
  EXPECT_EQ(Reading::Int(-42).String(), "-42");
  EXPECT_EQ(Reading::Uint(18446744073709551615ULL).String(), "18446744073709551615");
  EXPECT_EQ(Reading::Float(8).String(), "8");
  EXPECT_EQ(Reading::Bool(true).String(), "true");
  EXPECT_EQ(Reading::Bool(false).String(), "false");
  EXPECT_EQ(Reading::Str("24.04").String(), "24.04");
}

TEST(ReadingTest, FromValueKeepsScalarKindsAndStringifiesTheRest) {
  EXPECT_EQ(Reading::FromValue(Value(7)), Reading::Int(7));
  EXPECT_EQ(Reading::FromValue(Value(7.0)), Reading::Float(7.0));
  EXPECT_EQ(Reading::FromValue(Value(true)), Reading::Bool(true));
  EXPECT_EQ(Reading::FromValue(Value("x")), Reading::Str("x"));
  EXPECT_EQ(Reading::FromValue(Value()), Reading::Str("<nil>"));
  Result<Value> seq = ParseYaml("[1, a, 2.5, null]");
  ASSERT_THAT(seq, IsOk());
  EXPECT_EQ(Reading::FromValue(*seq), Reading::Str("[1 a 2.5 <nil>]"));
  Result<Value> map = ParseYaml("{b: 1, a: [x, y], c: {d: true}}");
  ASSERT_THAT(map, IsOk());
  EXPECT_EQ(Reading::FromValue(*map), Reading::Str("map[a:[x y] b:1 c:map[d:true]]"));
}

TEST(ReadingTest, ToValue) {
  EXPECT_EQ(Reading::Int(3).ToValue(), Value(3));
  EXPECT_EQ(Reading::Uint(3).ToValue(), Value(3));
  EXPECT_EQ(Reading::Uint(18446744073709551615ULL).ToValue(), Value(18446744073709551615.0));
  EXPECT_EQ(Reading::Float(1.0).ToValue(), Value(1.0));
  EXPECT_EQ(Reading::Bool(false).ToValue(), Value(false));
  EXPECT_EQ(Reading::Str("v").ToValue(), Value("v"));
}

TEST(ReadingTest, AsIntegerAcceptsIntAndIntegralFloat) {
  EXPECT_EQ(Reading::Int(8).AsInteger(), 8);
  EXPECT_EQ(Reading::Uint(8).AsInteger(), 8);
  EXPECT_EQ(Reading::Float(8.0).AsInteger(), 8);
  EXPECT_EQ(Reading::Float(8.5).AsInteger(), std::nullopt);
  EXPECT_EQ(Reading::Float(1e300).AsInteger(), std::nullopt);
  EXPECT_EQ(Reading::Uint(18446744073709551615ULL).AsInteger(), std::nullopt);
  EXPECT_EQ(Reading::Str("8").AsInteger(), std::nullopt);
  EXPECT_EQ(Reading::Bool(true).AsInteger(), std::nullopt);
}

TEST(DecodeSnapshotTest, DecodesTheExample) {
  const Snapshot snap = Example();
  EXPECT_EQ(snap.kind, "Snapshot");
  EXPECT_EQ(snap.api_version, "aicr.run/v1alpha2");
  EXPECT_EQ(snap.metadata.at("source-node"), "gpu-node-01");
  EXPECT_EQ(snap.metadata.at("timestamp"), "2026-01-03T10:30:00Z");
  ASSERT_EQ(snap.measurements.size(), 6u);
  EXPECT_EQ(snap.measurements[0].type, "K8s");
  ASSERT_NE(snap.FindMeasurement("GPU"), nullptr);
  const Subtype* hw = snap.FindMeasurement("GPU")->FindSubtype("hardware");
  ASSERT_NE(hw, nullptr);
  EXPECT_EQ(*hw->Find("gpu-count"), Reading::Int(8));
  EXPECT_EQ(*hw->Find("gpu-present"), Reading::Bool(true));
  EXPECT_EQ(hw->GetString("model"), "h100");
  EXPECT_EQ(hw->GetString("gpu-count"), std::nullopt);
  const Subtype* label = snap.FindMeasurement("NodeTopology")->FindSubtype("label");
  ASSERT_NE(label, nullptr);
  ASSERT_EQ(label->items.size(), 1u);
  EXPECT_EQ(label->items[0].context.at("value"), "NVIDIA-H100-80GB-HBM3");
  EXPECT_EQ(label->items[0].data.at("truncated"), Reading::Bool(true));
  ASSERT_TRUE(snap.fingerprint.has_value());
  EXPECT_EQ(snap.fingerprint->os.version, "24.04");
  EXPECT_EQ(snap.fingerprint->node_count.value, 8);
}

TEST(DecodeSnapshotTest, LoaderGatesInOrder) {
  struct Case {
    std::string name;
    std::string yaml;
    std::string message;
  };
  const std::string kRecapture =
      " (supported: aicr.run/v1alpha2, aicr.run/v1); recapture the snapshot with this "
      "version of aicr";
  const std::string kNoUsable =
      "snapshot: no usable measurements (each needs a non-empty type); the document is not a "
      "snapshot or is empty";
  const std::vector<Case> cases = {
      {"wrong kind", "kind: Recipe\napiVersion: aicr.run/v1alpha2\nmeasurements: [{type: K8s}]\n",
       "snapshot: unexpected kind \"Recipe\" (want \"Snapshot\")"},
      {"kind is checked before apiVersion", "kind: RecipeResult\napiVersion: v9\n",
       "snapshot: unexpected kind \"RecipeResult\" (want \"Snapshot\")"},
      {"old apiVersion", "kind: Snapshot\napiVersion: aicr.nvidia.com/v1alpha1\n",
       "snapshot: unsupported apiVersion \"aicr.nvidia.com/v1alpha1\"" + kRecapture},
      {"apiVersion is checked before measurements",
       "kind: Snapshot\napiVersion: aicr.run/v2\nmeasurements: []\n",
       "snapshot: unsupported apiVersion \"aicr.run/v2\"" + kRecapture},
      {"no measurements key", "kind: Snapshot\napiVersion: aicr.run/v1\n", kNoUsable},
      {"empty measurements", "kind: Snapshot\nmeasurements: []\n", kNoUsable},
      {"only null and type-less measurements",
       "measurements:\n  - null\n  - type: \"\"\n    subtypes: []\n  - subtypes: []\n", kNoUsable},
      {"empty document", "", kNoUsable},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(DecodeYaml(c.yaml), StatusIs(ErrorCode::kInvalidRequest, c.message));
  }
}

TEST(DecodeSnapshotTest, ToleratesEmptyKindAndApiVersion) {
  Result<Snapshot> snap = DecodeYaml(
      "measurements:\n  - null\n  - type: OS\n    subtypes:\n      - subtype: release\n"
      "        data: {ID: ubuntu}\n");
  ASSERT_THAT(snap, IsOk());
  EXPECT_EQ(snap->kind, "");
  EXPECT_EQ(snap->api_version, "");
  ASSERT_EQ(snap->measurements.size(), 1u);
  EXPECT_THAT(snap->Extract("OS.release.ID"), IsOkAndHolds("ubuntu"));
  EXPECT_THAT(DecodeYaml("kind: \"\"\napiVersion: aicr.run/v1\nmeasurements: [{type: GPU}]\n"),
              IsOk());
}

TEST(DecodeSnapshotTest, ShapeErrorsNameTheField) {
  struct Case {
    std::string yaml;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"[1, 2]", "snapshot: document: expected mapping, got sequence"},
      {"measurements: {type: K8s}", "snapshot: measurements: expected sequence, got mapping"},
      {"measurements: [K8s]", "snapshot: measurements[0]: expected mapping, got string"},
      {"measurements: [{type: [a]}]",
       "snapshot: measurements[0].type: expected string, got sequence"},
      {"measurements: [{type: K8s, subtypes: [{subtype: server, data: [1]}]}]",
       "snapshot: measurements[0].subtypes[0].data: expected mapping, got sequence"},
      {"measurements: [{type: K8s, subtypes: [{subtype: s, context: {a: {b: c}}}]}]",
       "snapshot: measurements[0].subtypes[0].context.a: expected string, got mapping"},
      {"measurements: [{type: K8s, subtypes: [{subtype: s, items: [[1]]}]}]",
       "snapshot: measurements[0].subtypes[0].items[0]: expected mapping, got sequence"},
      {"metadata: [a]\nmeasurements: [{type: K8s}]",
       "snapshot: metadata: expected mapping, got sequence"},
      {"fingerprint: {service: eks}\nmeasurements: [{type: K8s}]",
       "snapshot: fingerprint.service: expected mapping, got string"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.yaml);
    EXPECT_THAT(DecodeYaml(c.yaml), StatusIs(ErrorCode::kInvalidRequest, c.message));
  }
}

TEST(DecodeSnapshotTest, NonScalarReadingsAreStringified) {
  Result<Snapshot> snap = DecodeYaml(
      "measurements:\n  - type: K8s\n    subtypes:\n      - subtype: image\n"
      "        data: {list: [a, b], nothing: null, num: 1.0, meta: 3}\n"
      "        context: {n: 5, f: 1.5, b: true, z: null}\n");
  ASSERT_THAT(snap, IsOk());
  const Subtype& st = snap->measurements[0].subtypes[0];
  EXPECT_EQ(st.data.at("list"), Reading::Str("[a b]"));
  EXPECT_EQ(st.data.at("nothing"), Reading::Str("<nil>"));
  EXPECT_EQ(st.data.at("num"), Reading::Float(1.0));
  EXPECT_EQ(st.data.at("meta"), Reading::Int(3));
  EXPECT_EQ(st.context, (std::map<std::string, std::string>{
                            {"n", "5"}, {"f", "1.5"}, {"b", "true"}, {"z", ""}}));
}

TEST(DecodeSnapshotTest, JsonNumbersStayTyped) {
  Result<Value> doc = ParseJson(
      R"({"kind":"Snapshot","apiVersion":"aicr.run/v1","measurements":[{"type":"GPU",)"
      R"("subtypes":[{"subtype":"hardware","data":{"gpu-count":8,"mem":80.5,"big":1e21}}]}]})");
  ASSERT_THAT(doc, IsOk());
  Result<Snapshot> snap = DecodeSnapshot(*doc);
  ASSERT_THAT(snap, IsOk());
  EXPECT_THAT(snap->Extract("GPU.hardware.gpu-count"), IsOkAndHolds("8"));
  EXPECT_THAT(snap->Extract("GPU.hardware.mem"), IsOkAndHolds("80.5"));
  EXPECT_THAT(snap->Extract("GPU.hardware.big"), IsOkAndHolds("1e+21"));
}

TEST(EncodeSnapshotTest, RoundTripsThroughYamlAndJson) {
  const Snapshot snap = Example();
  const Value encoded = EncodeSnapshot(snap);
  EXPECT_THAT(DecodeSnapshot(encoded), IsOkAndHolds(snap));

  Result<Value> yaml = ParseYaml(serialize::WriteYaml(encoded));
  ASSERT_THAT(yaml, IsOk());
  EXPECT_THAT(DecodeSnapshot(*yaml), IsOkAndHolds(snap));

  Result<std::string> json_text = serialize::WriteJson(encoded);
  ASSERT_THAT(json_text, IsOk());
  Result<Value> json = ParseJson(*json_text);
  ASSERT_THAT(json, IsOk());
  EXPECT_THAT(DecodeSnapshot(*json), IsOkAndHolds(snap));
}

TEST(EncodeSnapshotTest, FieldOrderAndOmissions) {
  Snapshot snap;
  snap.metadata["version"] = "v1.0.0";
  Measurement m;
  m.type = "NetworkTopology";
  Subtype items_only;
  items_only.name = "pfs";
  items_only.items.push_back(Item{{{"pci", "0000:03:00.0"}}, {{"rail", Reading::Int(0)}}});
  items_only.items.push_back(Item{});
  Subtype empty;
  empty.name = "empty";
  m.subtypes = {items_only, empty};
  snap.measurements.push_back(m);
  snap.measurements.push_back(Measurement{"GPU", {}});

  serialize::WriteOptions unsorted;
  unsorted.sort_keys = false;
  EXPECT_EQ(serialize::WriteYaml(EncodeSnapshot(snap), unsorted),
            "kind: Snapshot\n"
            "apiVersion: aicr.run/v1alpha2\n"
            "metadata:\n"
            "  version: v1.0.0\n"
            "measurements:\n"
            "  - type: NetworkTopology\n"
            "    subtypes:\n"
            "      - subtype: pfs\n"
            "        items:\n"
            "          - context:\n"
            "              pci: \"0000:03:00.0\"\n"
            "            data:\n"
            "              rail: 0\n"
            "          - {}\n"
            "      - subtype: empty\n"
            "        data: {}\n"
            "  - type: GPU\n");
}

// ---------------------------------------------------------------------------
// Extract

TEST(ExtractTest, ResolvesReadings) {
  const Snapshot snap = Example();
  struct Case {
    std::string path;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"K8s.server.version", "v1.33.4-eks-3025e55"},
      {"K8s.node.provider-id", "aws:///us-west-2a/i-0abc"},
      {"K8s.policy.driver.enabled", "true"},
      {"K8s.policy.driver.version", "570.133.20"},
      {"OS.release.ID", "ubuntu"},
      {"OS.release.VERSION_ID", "24.04"},
      {"OS.sysctl./proc/sys/kernel/osrelease", "6.8.0-1028-aws"},
      {"OS.kmod.nvidia", "true"},
      {"GPU.hardware.gpu-count", "8"},
      {"SystemD.containerd.service.ActiveState", "active"},
      {"SystemD.containerd.service.SubState", "running"},
      {"SystemD.kubelet.service.ActiveState", "inactive"},
      {"NodeTopology.summary.node-count", "8"},
      {"NodeTopology.label.nvidia.com/gpu.product",
       "NVIDIA-H100-80GB-HBM3|gpu-node-01,gpu-node-02 (+2 more)"},
      {"NodeTopology.label[0].truncated", "true"},
      {"NodeTopology.label[key=nvidia.com/gpu.product].node-count", "4"},
      {"NetworkTopology.capabilities.sriov", "true"},
      {"NetworkTopology.capabilities.busbw", "8"},
      {"NetworkTopology.capabilities.ratio", "0.5"},
      {"NetworkTopology.pfs[0].rail", "0"},
      {"NetworkTopology.pfs[1].rail", "1"},
      {"NetworkTopology.pfs[0].pciAddress", "0000:03:00.0"},
      {"NetworkTopology.pfs[2].rdmaDevice", "mlx5_2"},
      {"NetworkTopology.pfs[rail=1].pciAddress", "0000:03:00.1"},
      {"NetworkTopology.pfs[pciAddress=0000:03:00.2].rail", "2"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    EXPECT_THAT(snap.Extract(c.path), IsOkAndHolds(c.want));
  }
}

TEST(ExtractTest, MissingReadingsAreNotFound) {
  const Snapshot snap = Example();
  struct Case {
    std::string path;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"K8s.server.nonexistent",
       "reading \"K8s.server.nonexistent\": no key \"nonexistent\" in subtype \"server\""},
      {"K8s.nonexistent.version",
       "reading \"K8s.nonexistent.version\": no subtype \"nonexistent\" in the K8s measurement"},
      // A typo in a SystemD unit name still parses; it degrades to NOT_FOUND.
      {"SystemD.contaierd.service.ActiveState",
       "reading \"SystemD.contaierd.service.ActiveState\": no subtype \"contaierd.service\" in "
       "the SystemD measurement"},
      // `context` is never addressable without an item selector.
      {"NodeTopology.label.key",
       "reading \"NodeTopology.label.key\": no key \"key\" in subtype \"label\""},
      {"NetworkTopology.pfs[99].rail",
       "reading \"NetworkTopology.pfs[99].rail\": no item [99] in subtype \"pfs\" (3 items)"},
      {"NetworkTopology.pfs[99999999999999999999999].rail",
       "reading \"NetworkTopology.pfs[99999999999999999999999].rail\": no item "
       "[99999999999999999999999] in subtype \"pfs\" (3 items)"},
      {"NetworkTopology.pfs[rail=99].pciAddress",
       "reading \"NetworkTopology.pfs[rail=99].pciAddress\": no item of subtype \"pfs\" matches "
       "[rail=99]"},
      {"NetworkTopology.pfs[0].nonexistent",
       "reading \"NetworkTopology.pfs[0].nonexistent\": no key \"nonexistent\" in the selected "
       "item"},
      {"NetworkTopology.capabilities[0].sriov",
       "reading \"NetworkTopology.capabilities[0].sriov\": no item [0] in subtype "
       "\"capabilities\" (0 items)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    EXPECT_THAT(snap.Extract(c.path), StatusIs(ErrorCode::kNotFound, c.message));
  }
  Snapshot no_systemd = snap;
  no_systemd.measurements.erase(no_systemd.measurements.begin() + 3);
  EXPECT_THAT(no_systemd.Extract("SystemD.containerd.service.ActiveState"),
              StatusIs(ErrorCode::kNotFound,
                       "reading \"SystemD.containerd.service.ActiveState\": no SystemD "
                       "measurement in snapshot"));
}

TEST(ExtractTest, AmbiguousPredicateIsConflict) {
  const Snapshot snap = Example();
  EXPECT_THAT(snap.Extract("NetworkTopology.pfs[traffic=east-west].rail"),
              StatusIs(ErrorCode::kConflict,
                       "reading \"NetworkTopology.pfs[traffic=east-west].rail\": 3 items of "
                       "subtype \"pfs\" match [traffic=east-west], want exactly one"));
}

TEST(ExtractTest, FirstMeasurementAndSubtypeWin) {
  Snapshot snap;
  snap.measurements.push_back(
      Measurement{"OS",
                  {Subtype{"release", {{"ID", Reading::Str("ubuntu")}}, {}, {}},
                   Subtype{"release", {{"ID", Reading::Str("rhel")}}, {}, {}}}});
  snap.measurements.push_back(
      Measurement{"OS", {Subtype{"release", {{"ID", Reading::Str("cos")}}, {}, {}}}});
  EXPECT_THAT(snap.Extract("OS.release.ID"), IsOkAndHolds("ubuntu"));
}

TEST(ExtractTest, BadPathsAreInvalidRequest) {
  const Snapshot snap = Example();
  EXPECT_THAT(snap.Extract("not-a-path"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "invalid measurement path \"not-a-path\": expected format "
                       "{Type}.{Subtype}.{Key}"));
  // The free function validates selectors it is handed directly.
  Path path{"NetworkTopology", "pfs", "rail", "=3"};
  EXPECT_THAT(Extract(snap.measurements, path),
              StatusIs(ErrorCode::kInvalidRequest,
                       "reading \"NetworkTopology.pfs[=3].rail\": invalid item selector \"=3\": "
                       "expected an index or key=value"));
}

}  // namespace
}  // namespace aicr::measurement
