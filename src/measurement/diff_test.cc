#include "measurement/diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "measurement/snapshot.h"
#include "serialize/json_writer.h"
#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"

namespace aicr::measurement {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Snapshot Decode(const std::string& yaml) {
  Result<serialize::Value> doc = serialize::ParseYaml(yaml);
  EXPECT_TRUE(doc.ok()) << doc.status().ToString();
  Result<Snapshot> snap = DecodeSnapshot(*doc);
  EXPECT_TRUE(snap.ok()) << snap.status().ToString();
  return snap.ok() ? *snap : Snapshot{};
}

Snapshot Of(std::vector<Measurement> measurements) {
  Snapshot s;
  s.measurements = std::move(measurements);
  return s;
}

Subtype Data(std::string name, std::map<std::string, Reading> data) {
  return Subtype{std::move(name), std::move(data), {}, {}};
}

std::vector<std::string> Paths(const DiffResult& r) {
  std::vector<std::string> out;
  for (const Change& c : r.changes) {
    out.push_back(c.path);
  }
  return out;
}

Change Mod(std::string path, std::string b, std::string t) {
  return Change{ChangeKind::kModified, std::move(path), std::move(b), std::move(t)};
}
Change Added(std::string path, std::string t) {
  return Change{ChangeKind::kAdded, std::move(path), std::nullopt, std::move(t)};
}
Change Removed(std::string path, std::string b) {
  return Change{ChangeKind::kRemoved, std::move(path), std::move(b), std::nullopt};
}

TEST(DiffTest, IdenticalSnapshotsHaveNoChangesAndMetadataIsIgnored) {
  Snapshot a = Decode(R"(kind: Snapshot
apiVersion: aicr.run/v1alpha2
metadata: {timestamp: "2026-01-01T00:00:00Z", version: v1, source-node: n1}
measurements:
  - type: K8s
    subtypes:
      - subtype: server
        data: {version: v1.33.4}
        context: {source: api}
)");
  Snapshot b = a;
  b.metadata = {{"timestamp", "2026-02-02T00:00:00Z"}, {"version", "v2"}, {"source-node", "n2"}};
  const DiffResult r = DiffSnapshots(a, b);
  EXPECT_FALSE(r.HasDrift());
  EXPECT_THAT(r.changes, IsEmpty());
  EXPECT_EQ(r.summary, DiffSummary{});
}

TEST(DiffTest, DataReadingsAddedRemovedModified) {
  Snapshot a = Of({Measurement{"OS",
                               {Data("release", {{"ID", Reading::Str("ubuntu")},
                                                 {"VERSION_ID", Reading::Str("22.04")},
                                                 {"OLD", Reading::Str("x")}})}}});
  Snapshot b = Of({Measurement{"OS",
                               {Data("release", {{"ID", Reading::Str("ubuntu")},
                                                 {"VERSION_ID", Reading::Str("24.04")},
                                                 {"NEW", Reading::Int(3)}})}}});
  const DiffResult r = DiffSnapshots(a, b);
  EXPECT_THAT(r.changes, ElementsAre(Added("OS.release.NEW", "3"), Removed("OS.release.OLD", "x"),
                                     Mod("OS.release.VERSION_ID", "22.04", "24.04")));
  EXPECT_EQ(r.summary, (DiffSummary{1, 1, 1, 3}));
}

TEST(DiffTest, ReadingsCompareByTheirText) {
  // An int 8 and a float 8.0 print the same (`8`): no change. 0.5 vs "0.5" neither.
  Snapshot a = Of({Measurement{
      "GPU", {Data("hardware", {{"gpu-count", Reading::Int(8)}, {"r", Reading::Float(0.5)}})}}});
  Snapshot b = Of({Measurement{
      "GPU",
      {Data("hardware", {{"gpu-count", Reading::Float(8.0)}, {"r", Reading::Str("0.5")}})}}});
  EXPECT_FALSE(DiffSnapshots(a, b).HasDrift());
  // An explicit empty string is a modification, not a removal.
  Snapshot c = Of({Measurement{"GPU", {Data("hardware", {{"gpu-count", Reading::Str("")}})}}});
  Snapshot d = Of({Measurement{"GPU", {Data("hardware", {{"gpu-count", Reading::Int(8)}})}}});
  EXPECT_THAT(DiffSnapshots(d, c).changes, ElementsAre(Mod("GPU.hardware.gpu-count", "8", "")));
}

TEST(DiffTest, WholeMeasurementsAndSubtypesAddedOrRemoved) {
  Snapshot a =
      Of({Measurement{"K8s", {Data("server", {{"version", Reading::Str("1.33")}})}},
          Measurement{"SystemD",
                      {Data("containerd.service", {{"ActiveState", Reading::Str("active")}}),
                       Data("kubelet.service", {{"ActiveState", Reading::Str("active")}})}}});
  Snapshot b = Of({Measurement{"GPU", {Data("hardware", {{"model", Reading::Str("h100")}})}},
                   Measurement{"K8s",
                               {Data("server", {{"version", Reading::Str("1.33")}}),
                                Data("node", {{"provider", Reading::Str("eks")}})}}});
  const DiffResult r = DiffSnapshots(a, b);
  EXPECT_THAT(r.changes,
              ElementsAre(Added("GPU.hardware.model", "h100"), Added("K8s.node.provider", "eks"),
                          Removed("SystemD.containerd.service.ActiveState", "active"),
                          Removed("SystemD.kubelet.service.ActiveState", "active")));
  EXPECT_EQ(r.summary, (DiffSummary{2, 2, 0, 4}));
}

TEST(DiffTest, ContextEntriesUseTheContextPath) {
  Snapshot a = Decode(R"(measurements:
  - type: K8s
    subtypes:
      - subtype: node
        data: {provider: eks}
        context: {node: a, zone: z1}
)");
  Snapshot b = Decode(R"(measurements:
  - type: K8s
    subtypes:
      - subtype: node
        data: {provider: eks}
        context: {node: b, region: r1}
)");
  EXPECT_THAT(DiffSnapshots(a, b).changes, ElementsAre(Mod("K8s.node.context.node", "a", "b"),
                                                       Added("K8s.node.context.region", "r1"),
                                                       Removed("K8s.node.context.zone", "z1")));
}

TEST(DiffTest, DataKeysThatCollideWithPathWordsAreQuoted) {
  EXPECT_EQ(DataKeyPath("K8s.node", "provider"), "K8s.node.provider");
  EXPECT_EQ(DataKeyPath("K8s.node", "context.node"), "K8s.node[\"context.node\"]");
  EXPECT_EQ(DataKeyPath("K8s.node", "context"), "K8s.node[\"context\"]");
  EXPECT_EQ(DataKeyPath("K8s.node", "items"), "K8s.node[\"items\"]");
  EXPECT_EQ(DataKeyPath("K8s.node", "items.length"), "K8s.node[\"items.length\"]");
  EXPECT_EQ(DataKeyPath("K8s.node", "items[0]"), "K8s.node[\"items[0]\"]");
  EXPECT_EQ(DataKeyPath("K8s.node", "context.\"q\"\\"), "K8s.node[\"context.\\\"q\\\"\\\\\"]");
  // Words that only start like one stay plain.
  EXPECT_EQ(DataKeyPath("K8s.node", "contexts"), "K8s.node.contexts");
  EXPECT_EQ(DataKeyPath("K8s.node", "itemsx"), "K8s.node.itemsx");
  EXPECT_EQ(DataKeyPath("OS.sysctl", "/proc/sys/kernel/osrelease"),
            "OS.sysctl./proc/sys/kernel/osrelease");

  // A data key `context.node` and a context key `node` stay apart.
  Snapshot a = Of({Measurement{
      "K8s", {Subtype{"node", {{"context.node", Reading::Str("d1")}}, {{"node", "c1"}}, {}}}}});
  Snapshot b = Of({Measurement{
      "K8s", {Subtype{"node", {{"context.node", Reading::Str("d2")}}, {{"node", "c2"}}, {}}}}});
  EXPECT_THAT(DiffSnapshots(a, b).changes,
              ElementsAre(Mod("K8s.node.context.node", "c1", "c2"),
                          Mod("K8s.node[\"context.node\"]", "d1", "d2")));
}

TEST(DiffTest, ItemsCompareByPositionWithLengthChanges) {
  Snapshot a = Decode(R"(measurements:
  - type: NodeTopology
    subtypes:
      - subtype: custom
        items:
          - context: {key: gpu, value: h100}
            data: {node-count: 4, truncated: false}
          - context: {key: zone, value: a}
            data: {node-count: 1}
)");
  Snapshot b = Decode(R"(measurements:
  - type: NodeTopology
    subtypes:
      - subtype: custom
        items:
          - context: {key: gpu, value: h200}
            data: {node-count: 4, truncated: true, extra: x}
          - context: {key: zone, value: a}
            data: {node-count: 1}
          - context: {key: zone, value: b}
            data: {node-count: 2}
)");
  const DiffResult r = DiffSnapshots(a, b);
  EXPECT_THAT(r.changes,
              ElementsAre(Mod("NodeTopology.custom.items.length", "2", "3"),
                          Mod("NodeTopology.custom.items[0].context.value", "h100", "h200"),
                          Added("NodeTopology.custom.items[0].data.extra", "x"),
                          Mod("NodeTopology.custom.items[0].data.truncated", "false", "true"),
                          Added("NodeTopology.custom.items[2].context.key", "zone"),
                          Added("NodeTopology.custom.items[2].context.value", "b"),
                          Added("NodeTopology.custom.items[2].data.node-count", "2")));
  EXPECT_EQ(r.summary, (DiffSummary{4, 0, 3, 7}));

  // The reverse removes the third item.
  const DiffResult back = DiffSnapshots(b, a);
  EXPECT_EQ(back.summary, (DiffSummary{0, 4, 3, 7}));
  EXPECT_EQ(back.changes[0], Mod("NodeTopology.custom.items.length", "3", "2"));
}

TEST(DiffTest, ItemsOfAnAddedOrRemovedSubtypeCarryTheirLength) {
  Snapshot a =
      Of({Measurement{"NodeTopology", {Data("summary", {{"node-count", Reading::Int(1)}})}}});
  Snapshot b = a;
  b.measurements[0].subtypes.push_back(
      Subtype{"pfs", {}, {}, {Item{{{"name", "eth0"}}, {{"mtu", Reading::Int(9000)}}}}});
  EXPECT_THAT(DiffSnapshots(a, b).changes,
              ElementsAre(Added("NodeTopology.pfs.items.length", "1"),
                          Added("NodeTopology.pfs.items[0].context.name", "eth0"),
                          Added("NodeTopology.pfs.items[0].data.mtu", "9000")));
  EXPECT_THAT(DiffSnapshots(b, a).changes,
              ElementsAre(Removed("NodeTopology.pfs.items.length", "1"),
                          Removed("NodeTopology.pfs.items[0].context.name", "eth0"),
                          Removed("NodeTopology.pfs.items[0].data.mtu", "9000")));
  // Both subtypes present, one without items: the zero count is stated.
  Snapshot c = b;
  c.measurements[0].subtypes[1].items.clear();
  c.measurements[0].subtypes[1].data = {{"k", Reading::Str("v")}};
  Snapshot d = c;
  d.measurements[0].subtypes[1].items = b.measurements[0].subtypes[1].items;
  EXPECT_EQ(DiffSnapshots(c, d).changes.front(), Mod("NodeTopology.pfs.items.length", "0", "1"));
}

TEST(DiffTest, NullReadingsPrintNil) {
  Snapshot a = Decode(R"(measurements:
  - type: K8s
    subtypes:
      - subtype: server
        data: {version: v1.33.4, missing: null, gone: ~}
)");
  Snapshot b = Decode(R"(measurements:
  - type: K8s
    subtypes:
      - subtype: server
        data: {version: v1.33.4, missing: now-present, fresh: null}
)");
  EXPECT_THAT(DiffSnapshots(a, b).changes,
              ElementsAre(Added("K8s.server.fresh", "<nil>"), Removed("K8s.server.gone", "<nil>"),
                          Mod("K8s.server.missing", "<nil>", "now-present")));
}

TEST(DiffTest, ChangesAreSortedByPathInByteOrder) {
  Snapshot a = Of({});
  Snapshot b = Of({Measurement{"OS", {Data("release", {{"ID", Reading::Str("u")}})}},
                   Measurement{"K8s",
                               {Subtype{"node",
                                        {{"b", Reading::Str("1")},
                                         {"A", Reading::Str("1")},
                                         {"items", Reading::Str("1")}},
                                        {{"z", "1"}},
                                        {}}}},
                   Measurement{"GPU", {Data("hardware", {{"model", Reading::Str("h100")}})}}});
  const DiffResult r = DiffSnapshots(a, b);
  EXPECT_THAT(Paths(r), ElementsAre("GPU.hardware.model", "K8s.node.A", "K8s.node.b",
                                    "K8s.node.context.z", "K8s.node[\"items\"]", "OS.release.ID"));
  EXPECT_EQ(r.summary, (DiffSummary{6, 0, 0, 6}));
  // The same result whatever the input order.
  Snapshot shuffled = b;
  std::swap(shuffled.measurements[0], shuffled.measurements[2]);
  EXPECT_EQ(Paths(DiffSnapshots(a, shuffled)), Paths(r));
}

TEST(DiffTest, TopologyComparesItemsOnlyWhenBothSidesHaveThem) {
  const std::string both_a = R"(measurements:
  - type: NodeTopology
    subtypes:
      - subtype: summary
        data: {node-count: 2, label-count: 1, taint-count: 0}
      - subtype: label
        data: {nvidia.com/gpu.product: "H100|n1,n2"}
        items:
          - context: {key: nvidia.com/gpu.product, value: H100}
            data: {node-count: 2, node-list: "n1,n2", truncated: false}
)";
  std::string both_b = both_a;
  both_b.replace(both_b.find("\"H100|n1,n2\""), 12, "\"H100|n1,n3\"");
  both_b.replace(both_b.find("\"n1,n2\""), 7, "\"n1,n3\"");
  EXPECT_THAT(DiffSnapshots(Decode(both_a), Decode(both_b)).changes,
              ElementsAre(Mod("NodeTopology.label.items[0].data.node-list", "n1,n2", "n1,n3")));

  // An older capture without items: only the folded data is compared, and the
  // summary count is restated over it on both sides.
  const std::string old = R"(measurements:
  - type: NodeTopology
    subtypes:
      - subtype: summary
        data: {node-count: 2, label-count: 1, taint-count: 0}
      - subtype: label
        data: {nvidia.com/gpu.product: "H100|n1,n2"}
)";
  EXPECT_FALSE(DiffSnapshots(Decode(old), Decode(both_a)).HasDrift());
  EXPECT_THAT(
      DiffSnapshots(Decode(old), Decode(both_b)).changes,
      ElementsAre(Mod("NodeTopology.label.nvidia.com/gpu.product", "H100|n1,n2", "H100|n1,n3")));
  // Other types keep both halves.
  std::string other_a = both_a;
  std::string other_b = both_b;
  other_a.replace(other_a.find("NodeTopology"), 12, "K8s");
  other_b.replace(other_b.find("NodeTopology"), 12, "K8s");
  EXPECT_EQ(DiffSnapshots(Decode(other_a), Decode(other_b)).summary.total, 2);
}

TEST(DiffTest, DocumentShape) {
  DiffResult r;
  r.baseline_source = "before.yaml";
  r.target_source = "cm://ns/after";
  r.changes = {Added("GPU.hardware.model", "h100"), Mod("K8s.server.version", "1.32", ""),
               Removed("OS.release.ID", "ubuntu")};
  r.summary = {1, 1, 1, 3};
  EXPECT_EQ(serialize::WriteYaml(DiffResultToValue(r)),
            "baselineSource: before.yaml\n"
            "changes:\n"
            "  - kind: added\n"
            "    path: GPU.hardware.model\n"
            "    severity: info\n"
            "    target: h100\n"
            "  - baseline: \"1.32\"\n"
            "    kind: modified\n"
            "    path: K8s.server.version\n"
            "    severity: info\n"
            "    target: \"\"\n"
            "  - baseline: ubuntu\n"
            "    kind: removed\n"
            "    path: OS.release.ID\n"
            "    severity: info\n"
            "summary:\n"
            "  added: 1\n"
            "  modified: 1\n"
            "  removed: 1\n"
            "  total: 3\n"
            "targetSource: cm://ns/after\n");
  DiffResult empty;
  Result<std::string> json = serialize::WriteJson(DiffResultToValue(empty));
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json,
            "{\n  \"changes\": [],\n  \"summary\": {\n    \"added\": 0,\n    \"modified\": 0,\n"
            "    \"removed\": 0,\n    \"total\": 0\n  }\n}\n");
}

}  // namespace
}  // namespace aicr::measurement
