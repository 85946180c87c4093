#include "measurement/fingerprint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "measurement/snapshot.h"
#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"
#include "tests/testing/status_matchers.h"

namespace aicr::measurement {
namespace {

using serialize::Value;

Measurement K8s(const std::string& version, const std::string& provider) {
  Measurement m{"K8s", {}};
  if (!version.empty()) {
    m.subtypes.push_back(Subtype{"server", {{"version", Reading::Str(version)}}, {}, {}});
  }
  if (!provider.empty()) {
    m.subtypes.push_back(Subtype{"node", {{"provider", Reading::Str(provider)}}, {}, {}});
  }
  return m;
}

Measurement GpuHardware(const std::string& model) {
  Subtype hw{"hardware",
             {{"gpu-present", Reading::Bool(true)},
              {"gpu-count", Reading::Int(1)},
              {"detection-source", Reading::Str("nfd")}},
             {},
             {}};
  if (!model.empty()) {
    hw.data["model"] = Reading::Str(model);
  }
  return Measurement{"GPU", {hw}};
}

Measurement Os(const std::string& id, const std::string& version_id) {
  Subtype release{"release", {}, {}, {}};
  if (!id.empty()) {
    release.data["ID"] = Reading::Str(id);
  }
  if (!version_id.empty()) {
    release.data["VERSION_ID"] = Reading::Str(version_id);
  }
  return Measurement{"OS", {release}};
}

Measurement Topology(Reading node_count, const std::map<std::string, std::string>& labels,
                     bool with_label_subtype = true) {
  Measurement m{"NodeTopology", {Subtype{"summary", {{"node-count", node_count}}, {}, {}}}};
  if (with_label_subtype) {
    Subtype label{"label", {}, {}, {}};
    for (const auto& [k, v] : labels) {
      label.data[k] = Reading::Str(v);
    }
    m.subtypes.push_back(label);
  }
  return m;
}

Measurement Topology(std::int64_t node_count, const std::map<std::string, std::string>& labels) {
  return Topology(Reading::Int(node_count), labels, !labels.empty());
}

TEST(ParseGpuSkuTest, RecognisesSupportedSkus) {
  struct Case {
    std::string product;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"NVIDIA H100 80GB HBM3", "h100"},
      {"NVIDIA H100 PCIe", "h100"},
      {"NVIDIA H100 NVL", "h100"},
      {"NVIDIA H200", "h200"},
      {"NVIDIA H200 141GB HBM3e", "h200"},
      {"NVIDIA A100-SXM4-40GB", "a100"},
      {"NVIDIA A100 80GB PCIe", "a100"},
      {"NVIDIA B200", "b200"},
      {"NVIDIA HGX B200", "b200"},
      {"NVIDIA GB200", "gb200"},
      {"NVIDIA GB200 NVL72", "gb200"},
      {"NVIDIA GB200 Grace Blackwell Superchip", "gb200"},
      {"NVIDIA GB300", "gb300"},
      {"NVIDIA-GB300-NVL72", "gb300"},
      {"NVIDIA L40", "l40"},
      {"NVIDIA L40S", "l40s"},
      {"NVIDIA-L40S", "l40s"},
      {"NVIDIA RTX PRO 6000 Blackwell", "rtx-pro-6000"},
      {"NVIDIA RTX PRO 6000 Blackwell Server Edition", "rtx-pro-6000"},
      {"NVIDIA-RTX-PRO-6000-Blackwell-Server-Edition", "rtx-pro-6000"},
      {"NVIDIA-H100-80GB-HBM3", "h100"},
      {"NVIDIA-H200", "h200"},
      {"NVIDIA-A100-SXM4-80GB", "a100"},
      {"NVIDIA-B200", "b200"},
      {"NVIDIA-GB200-NVL72", "gb200"},
      {"NVIDIA-L40", "l40"},
      {"nvidia h100 80gb hbm3", "h100"},
      {"  NVIDIA H100  ", "h100"},
      {"NVIDIA  H100", "h100"},
      {"NVIDIA\tH100", "h100"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.product);
    EXPECT_EQ(ParseGpuSku(c.product), c.want);
  }
}

TEST(ParseGpuSkuTest, DoesNotCollapseLookalikes) {
  for (const char* product : {"NVIDIA GH200 480GB",
                              "NVIDIA GH200",
                              "NVIDIA-GH200-480GB",
                              "NVIDIA L4",
                              "NVIDIA L20",
                              "NVIDIA L2",
                              "NVIDIA A800 80GB PCIe",
                              "NVIDIA A800-SXM4-80GB",
                              "NVIDIA A40",
                              "NVIDIA A30",
                              "NVIDIA A16",
                              "NVIDIA A10",
                              "NVIDIA A2",
                              "NVIDIA H800",
                              "NVIDIA H20",
                              "NVIDIA B100",
                              "NVIDIA RTX A1000",
                              "NVIDIA RTX A6000",
                              "NVIDIA RTX 6000 Ada Generation",
                              "Quadro RTX 6000",
                              "NVIDIA GeForce RTX 4090",
                              "Tesla V100-SXM2-16GB",
                              "Tesla T4",
                              "NVIDIA Grace",
                              "",
                              "   ",
                              "AMD MI300X",
                              "Intel Gaudi 2",
                              "not-a-gpu",
                              "NVIDIA H100X"}) {
    SCOPED_TRACE(product);
    EXPECT_EQ(ParseGpuSku(product), "");
  }
}

TEST(SupportedAcceleratorsTest, SortedEnum) {
  EXPECT_EQ(SupportedAccelerators(),
            (std::vector<std::string>{"a100", "b200", "gb200", "gb300", "h100", "h200", "l40",
                                      "l40s", "rtx-pro-6000"}));
  EXPECT_TRUE(IsSupportedAccelerator("rtx-pro-6000"));
  EXPECT_FALSE(IsSupportedAccelerator("a10"));
  EXPECT_FALSE(IsSupportedAccelerator("H100"));
}

TEST(NormalizeOsIdTest, Kinds) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"ubuntu", "ubuntu"},
      {"Ubuntu", "ubuntu"},
      {" ubuntu ", "ubuntu"},
      {"rhel", "rhel"},
      {"redhat", "rhel"},
      {"redhatenterpriselinux", "rhel"},
      {"cos", "cos"},
      {"amzn", "amazonlinux"},
      {"amazon", "amazonlinux"},
      {"al2", "amazonlinux"},
      {"al2023", "amazonlinux"},
      {"amazonlinux", "amazonlinux"},
      {"ol", "ol"},
      {"talos", "talos"},
      {"freebsd", ""},
      {"debian", ""},
      {"", ""},
  };
  for (const auto& [id, want] : cases) {
    SCOPED_TRACE(id);
    EXPECT_EQ(NormalizeOsId(id), want);
  }
}

TEST(FromMeasurementsTest, Empty) { EXPECT_EQ(FromMeasurements({}), Fingerprint{}); }

TEST(FromMeasurementsTest, FullSnapshot) {
  const Fingerprint fp = FromMeasurements(
      {K8s("v1.33.4-eks-3025e55", "eks"), GpuHardware("h100"), Os("ubuntu", "22.04"),
       Topology(12, {{"topology.kubernetes.io/region", "us-west-2|node1,node2"},
                     {"nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3|node1,node2"}})});
  Fingerprint want;
  want.service = {"eks", "k8s.node.provider", ""};
  want.accelerator = {"h100", "nodeTopology.label.nvidia.com/gpu.product", ""};
  want.gpu_model = {"h100", "gpu.hardware.model", ""};
  want.os = {"ubuntu", "22.04", "os.release"};
  want.k8s_version = {"1.33.4-eks-3025e55", "k8s.server.version", ""};
  want.region = {"us-west-2", "nodeTopology.label.topology.kubernetes.io/region", ""};
  want.node_count = {12, "nodeTopology.summary.node-count"};
  want.gpu_node_count = {2, "nodeTopology.label.nvidia.com/gpu.product"};
  EXPECT_EQ(fp, want);

  const FingerprintCriteria c = ToCriteria(fp);
  EXPECT_EQ(c, (FingerprintCriteria{"eks", "h100", "ubuntu", "22.04", "1.33.4-eks-3025e55",
                                    "us-west-2", 12, 2}));
}

TEST(FromMeasurementsTest, K8sVersionStripsOneLeadingV) {
  EXPECT_EQ(FromMeasurements({K8s("v1.30.0", "")}).k8s_version.value, "1.30.0");
  EXPECT_EQ(FromMeasurements({K8s("1.30.0", "")}).k8s_version.value, "1.30.0");
}

TEST(FromMeasurementsTest, ServiceFromProvider) {
  for (const char* provider : {"eks", "gke", "aks", "oke", "kind"}) {
    EXPECT_EQ(FromMeasurements({K8s("", provider)}).service,
              (Dimension{provider, "k8s.node.provider", ""}));
  }
  EXPECT_EQ(FromMeasurements({K8s("", "")}).service, Dimension{});
}

TEST(FromMeasurementsTest, OsDetection) {
  struct Case {
    std::string id;
    std::string version_id;
    OsDimension want;
  };
  const std::vector<Case> cases = {
      {"ubuntu", "22.04", {"ubuntu", "22.04", "os.release"}},
      {"rhel", "9.4", {"rhel", "9.4", "os.release"}},
      {"redhat", "9.4", {"rhel", "9.4", "os.release"}},
      {"cos", "117", {"cos", "117", "os.release"}},
      {"amzn", "2023", {"amazonlinux", "2023", "os.release"}},
      {"al2", "2", {"amazonlinux", "2", "os.release"}},
      {"talos", "1.7.6", {"talos", "1.7.6", "os.release"}},
      {"ol", "8.10", {"ol", "8.10", "os.release"}},
      {"freebsd", "13", {}},
      {"", "", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.id);
    EXPECT_EQ(FromMeasurements({Os(c.id, c.version_id)}).os, c.want);
  }
}

TEST(FromMeasurementsTest, AcceleratorFromTopologyLabel) {
  struct Case {
    std::string name;
    std::map<std::string, std::string> labels;
    Dimension want;
  };
  const std::string kSource = "nodeTopology.label.nvidia.com/gpu.product";
  const std::vector<Case> cases = {
      {"single label",
       {{"nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3|node1,node2"}},
       {"h100", kSource, ""}},
      {"gb200", {{"nvidia.com/gpu.product", "NVIDIA-GB200|node1,node2"}}, {"gb200", kSource, ""}},
      {"no node list", {{"nvidia.com/gpu.product", "NVIDIA-L40S"}}, {"l40s", kSource, ""}},
      {"heterogeneous",
       {{"nvidia.com/gpu.product.NVIDIA-H100-80GB-HBM3", "NVIDIA-H100-80GB-HBM3|node1"},
        {"nvidia.com/gpu.product.NVIDIA-L40", "NVIDIA-L40|node2"}},
       {"", kSource, "multi-gpu"}},
      {"unrecognised",
       {{"nvidia.com/gpu.product", "NVIDIA-T4|node1"}},
       {"", kSource, "unknown-sku"}},
      {"no gpu label", {{"kubernetes.io/arch", "amd64|node1"}}, {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(FromMeasurements({Topology(2, c.labels)}).accelerator, c.want);
  }
}

TEST(FromMeasurementsTest, AcceleratorFallsBackToGpuHardware) {
  const std::string kPci = "gpu.hardware.model";
  const std::string kLabel = "nodeTopology.label.nvidia.com/gpu.product";
  // Supported model, no label: backfills.
  Fingerprint fp = FromMeasurements({GpuHardware("h100")});
  EXPECT_EQ(fp.accelerator, (Dimension{"h100", kPci, ""}));
  EXPECT_EQ(fp.gpu_model, (Dimension{"h100", kPci, ""}));
  // Unsupported model: descriptive gpuModel, unknown-sku note, no accelerator value.
  fp = FromMeasurements({GpuHardware("a10")});
  EXPECT_EQ(fp.accelerator, (Dimension{"", kPci, "unknown-sku"}));
  EXPECT_EQ(fp.gpu_model, (Dimension{"a10", kPci, ""}));
  // No model at all.
  fp = FromMeasurements({GpuHardware("")});
  EXPECT_EQ(fp.accelerator, Dimension{});
  EXPECT_EQ(fp.gpu_model, Dimension{});
  // A GPU measurement without the hardware subtype.
  fp = FromMeasurements({Measurement{"GPU", {}}});
  EXPECT_EQ(fp.accelerator, Dimension{});
  // The label wins over the hardware model, whatever the order.
  fp = FromMeasurements(
      {GpuHardware("h100"), Topology(1, {{"nvidia.com/gpu.product", "NVIDIA L40"}})});
  EXPECT_EQ(fp.accelerator, (Dimension{"l40", kLabel, ""}));
  EXPECT_EQ(fp.gpu_model.value, "h100");
  // A supported label with an unsupported hardware model.
  fp = FromMeasurements(
      {GpuHardware("t4"), Topology(1, {{"nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3|n1"}})});
  EXPECT_EQ(fp.accelerator, (Dimension{"h100", kLabel, ""}));
  EXPECT_EQ(fp.gpu_model.value, "t4");
  // An unrecognised label is refined by a supported hardware model.
  fp = FromMeasurements(
      {Topology(1, {{"nvidia.com/gpu.product", "NVIDIA-T4|n1"}}), GpuHardware("h200")});
  EXPECT_EQ(fp.accelerator, (Dimension{"h200", kPci, ""}));
  // An unrecognised label keeps its own note over an unsupported hardware model.
  fp = FromMeasurements(
      {Topology(1, {{"nvidia.com/gpu.product", "NVIDIA-T4|n1"}}), GpuHardware("t4")});
  EXPECT_EQ(fp.accelerator, (Dimension{"", kLabel, "unknown-sku"}));
  // multi-gpu is never overridden by the hardware model.
  fp = FromMeasurements({Topology(2, {{"nvidia.com/gpu.product.NVIDIA-H100", "NVIDIA-H100|n1"},
                                      {"nvidia.com/gpu.product.NVIDIA-L40", "NVIDIA-L40|n2"}}),
                         GpuHardware("h100")});
  EXPECT_EQ(fp.accelerator, (Dimension{"", kLabel, "multi-gpu"}));
}

TEST(FromMeasurementsTest, GpuNodeCount) {
  struct Case {
    std::string name;
    std::map<std::string, std::string> labels;
    std::int64_t want;
  };
  const std::vector<Case> cases = {
      {"all nodes", {{"nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3|n1,n2,n3"}}, 3},
      {"workers only", {{"nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3|worker1,worker2"}}, 2},
      {"union across values",
       {{"nvidia.com/gpu.product.NVIDIA-H100-80GB-HBM3", "NVIDIA-H100-80GB-HBM3|n1,n2"},
        {"nvidia.com/gpu.product.NVIDIA-L40", "NVIDIA-L40|n3"}},
       3},
      {"duplicates deduped",
       {{"nvidia.com/gpu.product.NVIDIA-H100-80GB-HBM3", "NVIDIA-H100-80GB-HBM3|n1,n2"},
        {"nvidia.com/gpu.product.NVIDIA-L40", "NVIDIA-L40|n2, n3,"}},
       3},
      {"no gpu label", {{"kubernetes.io/arch", "amd64|n1,n2"}}, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(FromMeasurements({Topology(5, c.labels)}).gpu_node_count,
              (IntDimension{c.want, "nodeTopology.label.nvidia.com/gpu.product"}));
  }
  EXPECT_EQ(FromMeasurements({Topology(5, {})}).gpu_node_count, IntDimension{});
}

TEST(FromMeasurementsTest, Region) {
  const std::string kSource = "nodeTopology.label.topology.kubernetes.io/region";
  EXPECT_EQ(
      FromMeasurements({Topology(1, {{"topology.kubernetes.io/region", "us-west-2|node1,node2"}})})
          .region,
      (Dimension{"us-west-2", kSource, ""}));
  EXPECT_EQ(
      FromMeasurements({Topology(1, {{"topology.kubernetes.io/region", "us-west-2"}})}).region,
      (Dimension{"us-west-2", kSource, ""}));
  EXPECT_EQ(FromMeasurements(
                {Topology(1, {{"topology.kubernetes.io/region.us-west-2", "us-west-2|node1"},
                              {"topology.kubernetes.io/region.us-east-1", "us-east-1|node2"}})})
                .region,
            (Dimension{"", kSource, "multi-region"}));
  EXPECT_EQ(FromMeasurements({Topology(1, {{"kubernetes.io/arch", "amd64|node1"}})}).region,
            Dimension{});
}

TEST(FromMeasurementsTest, NodeCountAcceptsIntegralFloats) {
  EXPECT_EQ(FromMeasurements({Topology(Reading::Int(8), {}, false)}).node_count,
            (IntDimension{8, "nodeTopology.summary.node-count"}));
  EXPECT_EQ(FromMeasurements({Topology(Reading::Float(8.0), {}, false)}).node_count.value, 8);
  EXPECT_EQ(FromMeasurements({Topology(Reading::Float(8.5), {}, false)}).node_count,
            IntDimension{});
  EXPECT_EQ(FromMeasurements({Topology(Reading::Str("8"), {}, false)}).node_count, IntDimension{});
}

TEST(FromMeasurementsTest, IgnoresOtherTypesAndNonStringReadings) {
  Measurement k8s{"K8s", {Subtype{"server", {{"version", Reading::Int(133)}}, {}, {}}}};
  const Fingerprint fp =
      FromMeasurements({k8s, Measurement{"SystemD", {}}, Measurement{"NetworkTopology", {}}});
  EXPECT_EQ(fp, Fingerprint{});
}

TEST(FingerprintEncodingTest, EncodeWritesUpstreamShape) {
  Fingerprint fp;
  fp.service = {"eks", "k8s.node.provider", ""};
  fp.accelerator = {"", "nodeTopology.label.nvidia.com/gpu.product", "multi-gpu"};
  fp.os = {"ubuntu", "24.04", "os.release"};
  fp.k8s_version = {"1.33.4", "k8s.server.version", ""};
  fp.node_count = {8, "nodeTopology.summary.node-count"};
  serialize::WriteOptions unsorted;
  unsorted.sort_keys = false;
  EXPECT_EQ(serialize::WriteYaml(EncodeFingerprint(fp), unsorted),
            "service:\n"
            "  value: eks\n"
            "  source: k8s.node.provider\n"
            "accelerator:\n"
            "  value: \"\"\n"
            "  source: nodeTopology.label.nvidia.com/gpu.product\n"
            "  note: multi-gpu\n"
            "os:\n"
            "  value: ubuntu\n"
            "  version: \"24.04\"\n"
            "  source: os.release\n"
            "k8sVersion:\n"
            "  value: 1.33.4\n"
            "  source: k8s.server.version\n"
            "nodeCount:\n"
            "  value: 8\n"
            "  source: nodeTopology.summary.node-count\n"
            "gpuNodeCount:\n"
            "  value: 0\n");
}

TEST(FingerprintEncodingTest, RoundTrips) {
  const Fingerprint fp =
      FromMeasurements({K8s("v1.33.4", "gke"), GpuHardware("t4"), Os("cos", "117"),
                        Topology(3, {{"topology.kubernetes.io/region.a", "a|n1"},
                                     {"topology.kubernetes.io/region.b", "b|n2"},
                                     {"nvidia.com/gpu.product", "NVIDIA-GB300|n1,n2"}})});
  EXPECT_EQ(fp.region.note, "multi-region");
  EXPECT_EQ(fp.accelerator.value, "gb300");
  EXPECT_THAT(DecodeFingerprint(EncodeFingerprint(fp)), IsOkAndHolds(fp));
  Result<Value> yaml = serialize::ParseYaml(serialize::WriteYaml(EncodeFingerprint(fp)));
  ASSERT_THAT(yaml, IsOk());
  EXPECT_THAT(DecodeFingerprint(*yaml), IsOkAndHolds(fp));
  EXPECT_THAT(DecodeFingerprint(EncodeFingerprint(Fingerprint{})), IsOkAndHolds(Fingerprint{}));
}

TEST(FingerprintEncodingTest, DecodeIsTolerantButTyped) {
  Result<Value> doc = serialize::ParseYaml(
      "service: {value: eks}\nos: {value: ubuntu, version: 24.04}\nnodeCount: {value: 8.0}\n"
      "future: {value: x}\n");
  ASSERT_THAT(doc, IsOk());
  Result<Fingerprint> fp = DecodeFingerprint(*doc);
  ASSERT_THAT(fp, IsOk());
  EXPECT_EQ(fp->service, (Dimension{"eks", "", ""}));
  EXPECT_EQ(fp->os, (OsDimension{"ubuntu", "24.04", ""}));
  EXPECT_EQ(fp->node_count.value, 8);

  struct Case {
    std::string yaml;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"[]", "fingerprint: expected mapping, got sequence"},
      {"service: eks", "fingerprint.service: expected mapping, got string"},
      {"os: {value: [a]}", "fingerprint.os.value: expected string, got sequence"},
      {"nodeCount: {value: eight}", "fingerprint.nodeCount.value: expected integer, got eight"},
      {"gpuNodeCount: {value: 1.5}", "fingerprint.gpuNodeCount.value: expected integer, got 1.5"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.yaml);
    Result<Value> v = serialize::ParseYaml(c.yaml);
    ASSERT_THAT(v, IsOk());
    EXPECT_THAT(DecodeFingerprint(*v), StatusIs(ErrorCode::kInvalidRequest, c.message));
  }
}

}  // namespace
}  // namespace aicr::measurement
