// Black-box tests of `aicr diff` with the real binary: identical snapshots,
// drift with and without --fail-on-drift (the report is written before the
// CONFLICT exit), output formats and files, bad input, and a cm:// target
// served by the test API server.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "serialize/json_reader.h"
#include "serialize/yaml_reader.h"
#include "tests/e2e/subprocess.h"
#include "tests/k8s-apiserver/test_apiserver.h"

namespace aicr {
namespace {

using ::aicr::testing::ProcessOptions;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::ReadFile;
using ::aicr::testing::RunProcess;
using ::aicr::testing::TestApiServer;
using ::aicr::testing::TestTempDir;
using ::aicr::testing::WriteTempFile;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kBaseline[] = R"(kind: Snapshot
apiVersion: aicr.run/v1alpha2
metadata: {timestamp: "2026-01-03T10:30:00Z", version: v1.0.0, source-node: gpu-node-01}
measurements:
  - type: K8s
    subtypes:
      - subtype: server
        data: {version: v1.33.4-eks-3025e55}
      - subtype: node
        data: {provider: eks, context.node: x}
        context: {node: gpu-node-01}
  - type: OS
    subtypes:
      - subtype: release
        data: {ID: ubuntu, VERSION_ID: "24.04"}
  - type: NodeTopology
    subtypes:
      - subtype: taint
        data: {}
        items:
          - context: {key: nvidia.com/gpu, value: "", effect: NoSchedule}
            data: {node-count: 4, node-list: "a,b,c,d", truncated: false}
)";

// The same cluster captured later on another node: only metadata differs.
constexpr char kSameLater[] = R"(kind: Snapshot
apiVersion: aicr.run/v1alpha2
metadata: {timestamp: "2026-02-01T00:00:00Z", version: v1.0.1, source-node: gpu-node-07}
measurements:
  - type: OS
    subtypes:
      - subtype: release
        data: {VERSION_ID: "24.04", ID: ubuntu}
  - type: NodeTopology
    subtypes:
      - subtype: taint
        data: {}
        items:
          - context: {key: nvidia.com/gpu, value: "", effect: NoSchedule}
            data: {node-count: 4, node-list: "a,b,c,d", truncated: false}
  - type: K8s
    subtypes:
      - subtype: node
        data: {provider: eks, context.node: x}
        context: {node: gpu-node-01}
      - subtype: server
        data: {version: v1.33.4-eks-3025e55}
)";

// Drift: a Kubernetes upgrade, a new OS reading, a changed context entry, a
// quoted data key, a second taint item and a missing reading (null).
constexpr char kDrifted[] = R"(kind: Snapshot
apiVersion: aicr.run/v1alpha2
metadata: {timestamp: "2026-02-01T00:00:00Z"}
measurements:
  - type: K8s
    subtypes:
      - subtype: server
        data: {version: v1.34.1-eks-1a2b3c4}
      - subtype: node
        data: {provider: eks, context.node: y}
        context: {node: gpu-node-02}
  - type: OS
    subtypes:
      - subtype: release
        data: {ID: ubuntu, VERSION_ID: null, PRETTY_NAME: Ubuntu 24.04.2 LTS}
  - type: NodeTopology
    subtypes:
      - subtype: taint
        data: {}
        items:
          - context: {key: nvidia.com/gpu, value: "", effect: NoSchedule}
            data: {node-count: 4, node-list: "a,b,c,d", truncated: false}
          - context: {key: dedicated, value: ml, effect: NoExecute}
            data: {node-count: 1, node-list: "e", truncated: false}
)";

ProcessOptions CleanEnv(const std::string& home = "") {
  ProcessOptions options;
  options.env_unset = {"AICR_DEBUG", "AICR_LOG_JSON",           "NO_COLOR",
                       "KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"};
  if (!home.empty()) {
    options.env_set["HOME"] = home;
  }
  return options;
}

ProcessResult Aicr(std::vector<std::string> args, const std::string& home = "") {
  args.insert(args.begin(), AICR_BINARY);
  return RunProcess(args, CleanEnv(home));
}

serialize::Value Yaml(const std::string& text) {
  auto v = serialize::ParseYaml(text);
  EXPECT_TRUE(v.ok()) << v.status().ToString() << "\n" << text;
  return v.ok() ? *v : serialize::Value();
}

std::string Str(const serialize::Value& doc, std::string_view path) {
  const serialize::Value* v = doc.FindPath(path);
  if (v == nullptr) {
    return "<absent>";
  }
  return v->if_string() != nullptr ? *v->if_string() : v->DebugString();
}

std::int64_t Int(const serialize::Value& doc, std::string_view path) {
  const serialize::Value* v = doc.FindPath(path);
  return v != nullptr && v->if_int() != nullptr ? *v->if_int() : -1;
}

// path -> "kind baseline target" (absent sides as `_`).
std::map<std::string, std::string> Changes(const serialize::Value& doc) {
  std::map<std::string, std::string> out;
  const serialize::Value* changes = doc.Find("changes");
  if (changes == nullptr || changes->if_sequence() == nullptr) {
    ADD_FAILURE() << "no changes list";
    return out;
  }
  for (const serialize::Value& c : *changes->if_sequence()) {
    const serialize::Value* b = c.Find("baseline");
    const serialize::Value* t = c.Find("target");
    out[*c.Find("path")->if_string()] = *c.Find("kind")->if_string() + " " +
                                        (b ? *b->if_string() : std::string("_")) + " " +
                                        (t ? *t->if_string() : std::string("_"));
    EXPECT_EQ(Str(c, "severity"), "info");
  }
  return out;
}

TEST(DiffE2eTest, IdenticalSnapshotsExitZeroWithNoChanges) {
  const std::string a = WriteTempFile("identical-a.yaml", kBaseline);
  const std::string b = WriteTempFile("identical-b.yaml", kSameLater);
  ProcessResult r = Aicr({"diff", "--baseline", a, "--target", b, "--fail-on-drift"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const serialize::Value doc = Yaml(r.out);
  EXPECT_EQ(Str(doc, "baselineSource"), a);
  EXPECT_EQ(Str(doc, "targetSource"), b);
  ASSERT_NE(doc.Find("changes"), nullptr);
  EXPECT_THAT(*doc.Find("changes")->if_sequence(), IsEmpty());
  EXPECT_EQ(Int(doc, "summary.total"), 0);
  EXPECT_EQ(Int(doc, "summary.added"), 0);

  ProcessResult table = Aicr({"diff", "-b", a, "--target", b, "-t", "table"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out, "NO CHANGES\n");
}

TEST(DiffE2eTest, DriftIsReportedAndExitsZeroWithoutTheFlag) {
  const std::string a = WriteTempFile("drift-a.yaml", kBaseline);
  const std::string b = WriteTempFile("drift-b.yaml", kDrifted);
  ProcessResult r = Aicr({"diff", "-b", a, "--target", b});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const serialize::Value doc = Yaml(r.out);
  const std::map<std::string, std::string> want = {
      {"K8s.node.context.node", "modified gpu-node-01 gpu-node-02"},
      {"K8s.node[\"context.node\"]", "modified x y"},
      {"K8s.server.version", "modified v1.33.4-eks-3025e55 v1.34.1-eks-1a2b3c4"},
      {"NodeTopology.taint.items.length", "modified 1 2"},
      {"NodeTopology.taint.items[1].context.effect", "added _ NoExecute"},
      {"NodeTopology.taint.items[1].context.key", "added _ dedicated"},
      {"NodeTopology.taint.items[1].context.value", "added _ ml"},
      {"NodeTopology.taint.items[1].data.node-count", "added _ 1"},
      {"NodeTopology.taint.items[1].data.node-list", "added _ e"},
      {"NodeTopology.taint.items[1].data.truncated", "added _ false"},
      {"OS.release.PRETTY_NAME", "added _ Ubuntu 24.04.2 LTS"},
      {"OS.release.VERSION_ID", "modified 24.04 <nil>"},
  };
  EXPECT_EQ(Changes(doc), want);
  // The list itself is in path order.
  std::vector<std::string> paths;
  for (const serialize::Value& c : *doc.Find("changes")->if_sequence()) {
    paths.push_back(*c.Find("path")->if_string());
  }
  EXPECT_TRUE(std::is_sorted(paths.begin(), paths.end()));
  EXPECT_EQ(Int(doc, "summary.added"), 7);
  EXPECT_EQ(Int(doc, "summary.removed"), 0);
  EXPECT_EQ(Int(doc, "summary.modified"), 5);
  EXPECT_EQ(Int(doc, "summary.total"), 12);

  // JSON carries the same document.
  ProcessResult json = Aicr({"diff", "-b", a, "--target", b, "-t", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto parsed = serialize::ParseJson(json.out);
  ASSERT_TRUE(parsed.ok()) << json.out;
  EXPECT_EQ(Changes(*parsed), want);

  // Swapping the sides swaps added and removed.
  ProcessResult back = Aicr({"diff", "-b", b, "--target", a});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  const serialize::Value back_doc = Yaml(back.out);
  EXPECT_EQ(Int(back_doc, "summary.removed"), 7);
  EXPECT_EQ(Int(back_doc, "summary.added"), 0);
}

TEST(DiffE2eTest, FailOnDriftExitsTwoAfterWritingTheReport) {
  const std::string a = WriteTempFile("fail-a.yaml", kBaseline);
  const std::string b = WriteTempFile("fail-b.yaml", kDrifted);
  ProcessResult r = Aicr({"diff", "-b", a, "--target", b, "--fail-on-drift"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("drift detected: 12 change(s) found"));
  EXPECT_EQ(Int(Yaml(r.out), "summary.total"), 12);

  const std::string out = TestTempDir() + "/report.json";
  ProcessResult to_file =
      Aicr({"diff", "-b", a, "--target", b, "--fail-on-drift", "-o", out, "-t", "json"});
  EXPECT_EQ(to_file.exit_code, 2);
  EXPECT_TRUE(to_file.out.empty());
  auto parsed = serialize::ParseJson(ReadFile(out));
  ASSERT_TRUE(parsed.ok()) << ReadFile(out);
  EXPECT_EQ(Int(*parsed, "summary.total"), 12);

  ProcessResult table = Aicr({"diff", "-b", a, "--target", b, "--fail-on-drift", "-t", "table"});
  EXPECT_EQ(table.exit_code, 2);
  EXPECT_THAT(table.out, HasSubstr("CHANGES (7 added, 0 removed, 5 modified)\n"));
  EXPECT_THAT(table.out, HasSubstr("KIND"));
  EXPECT_THAT(table.out, HasSubstr("MODIFIED"));
  EXPECT_THAT(table.out, HasSubstr("OS.release.VERSION_ID"));
  EXPECT_THAT(table.out, HasSubstr("\nDRIFT DETECTED\n"));
}

TEST(DiffE2eTest, BadInputExitsTwo) {
  const std::string a = WriteTempFile("bad-a.yaml", kBaseline);
  ProcessResult no_target = Aicr({"diff", "-b", a});
  EXPECT_EQ(no_target.exit_code, 2);
  EXPECT_THAT(no_target.err, HasSubstr("required flag --target not set"));

  ProcessResult no_baseline = Aicr({"diff", "--target", a});
  EXPECT_EQ(no_baseline.exit_code, 2);
  EXPECT_THAT(no_baseline.err, HasSubstr("required flag --baseline not set"));

  const std::string recipe =
      WriteTempFile("not-a-snapshot.yaml", "kind: RecipeResult\napiVersion: aicr.run/v1\n");
  ProcessResult wrong_kind = Aicr({"diff", "-b", a, "--target", recipe});
  EXPECT_EQ(wrong_kind.exit_code, 2);
  EXPECT_THAT(wrong_kind.err, HasSubstr("target"));

  const std::string broken = WriteTempFile("broken.yaml", "measurements: [\n");
  ProcessResult unparsable = Aicr({"diff", "-b", broken, "--target", a});
  EXPECT_EQ(unparsable.exit_code, 2);
  EXPECT_THAT(unparsable.err, HasSubstr("baseline"));

  ProcessResult bad_format = Aicr({"diff", "-b", a, "--target", a, "-t", "xml"});
  EXPECT_EQ(bad_format.exit_code, 2);

  // A failed run leaves no output file behind.
  const std::string out = TestTempDir() + "/never.yaml";
  ProcessResult missing =
      Aicr({"diff", "-b", a, "--target", TestTempDir() + "/absent.yaml", "-o", out});
  EXPECT_EQ(missing.exit_code, 3) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(DiffE2eTest, TargetFromAConfigMapAndReportToOne) {
  std::string seed =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: current\n  namespace: default\n"
      "data:\n  format: yaml\n  snapshot.yaml: |\n";
  std::string text = kDrifted;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t nl = text.find('\n', pos);
    seed += "    " + text.substr(pos, nl - pos) + "\n";
    pos = nl + 1;
  }
  std::unique_ptr<TestApiServer> server = TestApiServer::Start({.seeds = {seed}});
  ASSERT_NE(server, nullptr);
  const std::string home = server->dir() + "/home";
  std::filesystem::create_directories(home);
  const std::string kubeconfig = server->WriteKubeconfig(home);
  const std::string a = WriteTempFile("cm-a.yaml", kBaseline);

  ProcessResult r =
      Aicr({"diff", "-b", a, "--target", "cm://default/current", "-k", kubeconfig}, home);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const serialize::Value doc = Yaml(r.out);
  EXPECT_EQ(Str(doc, "targetSource"), "cm://default/current");
  EXPECT_EQ(Int(doc, "summary.total"), 12);

  // The report itself can go to a ConfigMap.
  ProcessResult to_cm = Aicr({"diff", "-b", a, "--target", "cm://default/current", "-k", kubeconfig,
                              "-o", "cm://default/drift-report", "--fail-on-drift"},
                             home);
  EXPECT_EQ(to_cm.exit_code, 2) << to_cm.err;
  auto res = server->Request("GET", "/api/v1/namespaces/default/configmaps/drift-report");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const auto cm = nlohmann::json::parse(res->body);
  EXPECT_EQ(cm["metadata"]["labels"]["app.kubernetes.io/component"], "DiffResult");
  EXPECT_EQ(Int(Yaml(cm["data"]["diffresult.yaml"].get<std::string>()), "summary.total"), 12);

  ProcessResult missing =
      Aicr({"diff", "-b", a, "--target", "cm://default/absent", "-k", kubeconfig}, home);
  EXPECT_EQ(missing.exit_code, 3) << missing.err;
  EXPECT_THAT(missing.err, HasSubstr("cm://default/absent"));
}

}  // namespace
}  // namespace aicr
