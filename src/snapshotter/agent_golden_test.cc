// Golden tests for the snapshot agent's objects: each case renders to
// tests/golden/agent/<case>/NN-<kind>.yaml byte for byte (rendered twice, with
// the config's lists given in a different order the second time where order
// must not matter), and every golden file passes the independent Kubernetes
// schema validator. AICR_UPDATE_GOLDEN=1 rewrites the expected files.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "serialize/yaml_writer.h"
#include "snapshotter/agent.h"
#include "tests/testing/k8s_validate.h"
#include "tests/testing/status_matchers.h"

namespace aicr::snapshotter {
namespace {

namespace fs = std::filesystem;

constexpr char kRunId[] = "20260101-000000-0123456789abcdef";
constexpr char kImage[] = "registry.example/aicr:test";

bool UpdateGolden() {
  const char* v = std::getenv("AICR_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

fs::path GoldenDir() { return fs::path(AICR_SOURCE_DIR) / "tests" / "golden" / "agent"; }

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Case {
  std::string name;
  AgentConfig config;
  bool existing_sa = false;
};

AgentConfig Custom(bool reversed) {
  AgentConfig c;
  c.image = kImage;
  c.ns = "gpu-ops";
  c.job_name = "snap";
  c.service_account_name = "snap-agent";
  c.service_account_name_set = true;
  c.image_pull_secrets = {"regcred", "mirror-cred"};
  // Map inputs in a different insertion order each time: output must not care.
  std::map<std::string, std::string> selector;
  if (reversed) {
    selector.emplace("pool", "h100");
    selector.emplace("kubernetes.io/os", "linux");
  } else {
    selector.emplace("kubernetes.io/os", "linux");
    selector.emplace("pool", "h100");
  }
  c.node_selector = selector;
  c.tolerations = std::vector<Toleration>{ParseToleration("dedicated=gpu:NoSchedule").value(),
                                          ParseToleration("nvidia.com/gpu:NoExecute").value()};
  c.runtime_class = "nvidia";
  c.requests = ParseResourceList(reversed ? "memory=2Gi,cpu=500m" : "cpu=500m,memory=2Gi").value();
  c.limits = ParseResourceList("cpu=2,memory=4Gi").value();
  c.os = "talos";
  c.debug = true;
  c.log_json = true;
  c.max_nodes_per_entry = 25;
  c.output_configmap = "cm://gpu-ops/cluster-snapshot";
  c.format = "json";
  return c;
}

std::vector<Case> Cases(bool reversed) {
  std::vector<Case> out;
  AgentConfig privileged;
  privileged.image = kImage;
  out.push_back({"privileged", privileged, false});
  AgentConfig restricted = privileged;
  restricted.privileged = false;
  out.push_back({"restricted", restricted, false});
  out.push_back({"custom", Custom(reversed), false});
  AgentConfig existing = privileged;
  existing.service_account_name = "aicr-agent";
  existing.service_account_name_set = true;
  existing.require_gpu = true;
  out.push_back({"existing-sa", existing, true});
  return out;
}

std::vector<std::pair<std::string, std::string>> Render(const Case& c) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& [name, object] :
       AgentObjectFiles(RenderAgentObjects(c.config, kRunId, c.existing_sa))) {
    files.emplace_back(name, serialize::WriteYaml(object));
  }
  return files;
}

TEST(AgentGoldenTest, ObjectsMatchGoldenFiles) {
  const std::vector<Case> first = Cases(false);
  const std::vector<Case> second = Cases(true);
  for (std::size_t i = 0; i < first.size(); ++i) {
    const Case& c = first[i];
    SCOPED_TRACE(c.name);
    const auto files = Render(c);
    EXPECT_EQ(files, Render(second[i])) << "rendering depends on input order";
    const fs::path dir = GoldenDir() / c.name;
    std::set<std::string> expected;
    for (const auto& [name, text] : files) {
      expected.insert(name);
      const fs::path path = dir / name;
      if (UpdateGolden()) {
        fs::create_directories(dir);
        std::ofstream(path, std::ios::binary) << text;
        continue;
      }
      ASSERT_TRUE(fs::exists(path)) << path << " missing; run with AICR_UPDATE_GOLDEN=1";
      EXPECT_EQ(ReadFile(path), text)
          << "golden " << c.name << "/" << name << " differs; review and rerun with "
          << "AICR_UPDATE_GOLDEN=1";
    }
    for (const auto& entry : fs::directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      if (expected.count(name) == 0) {
        if (UpdateGolden()) {
          fs::remove(entry.path());
        } else {
          ADD_FAILURE() << "stale golden " << c.name << "/" << name;
        }
      }
    }
  }
}

TEST(AgentGoldenTest, FileNamesFollowKinds) {
  const auto files = Render(Cases(false)[0]);
  std::vector<std::string> names;
  for (const auto& f : files) {
    names.push_back(f.first);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"01-serviceaccount.yaml", "02-role.yaml",
                                             "03-rolebinding.yaml", "04-clusterrole.yaml",
                                             "05-clusterrolebinding.yaml", "06-job.yaml"}));
  const auto existing = Render(Cases(false)[3]);
  ASSERT_EQ(existing.size(), 1u);
  EXPECT_EQ(existing[0].first, "01-job.yaml");
}

TEST(AgentGoldenTest, GoldenFilesAreValidKubernetesObjects) {
  REQUIRE_K8S_VALIDATOR();
  std::vector<std::string> paths;
  for (const Case& c : Cases(false)) {
    for (const auto& entry : fs::directory_iterator(GoldenDir() / c.name)) {
      paths.push_back(entry.path().string());
    }
  }
  ASSERT_GE(paths.size(), 19u);
  const auto v = ::aicr::testing::ValidateK8sFiles(paths, /*strict=*/true);
  EXPECT_EQ(v.exit_code, 0) << v.output;
}

TEST(AgentGoldenTest, ValidatorRejectsABrokenJob) {
  // The validator check above can fail: a Job with a wrongly typed field is refused.
  REQUIRE_K8S_VALIDATOR();
  serialize::Value job = RenderAgentObjects(Cases(false)[0].config, kRunId, false).job;
  job.Find("spec")->Set("backoffLimit", "zero");
  const auto v = ::aicr::testing::ValidateK8sYaml(serialize::WriteYaml(job), true);
  EXPECT_NE(v.exit_code, 0) << v.output;
}

}  // namespace
}  // namespace aicr::snapshotter
