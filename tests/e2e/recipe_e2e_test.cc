// Black-box tests of `aicr recipe`, `aicr recipe list` and `aicr query` against
// the embedded catalogue: the two EKS journeys, output targets and formats, and bad
// input that must exit 2 with a specific message and leave no output behind.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <set>

#include "serialize/json_reader.h"
#include "serialize/yaml_reader.h"
#include "tests/e2e/subprocess.h"

namespace aicr {
namespace {

using ::aicr::testing::ProcessOptions;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::RunProcess;
using ::aicr::testing::TestTempDir;
using ::aicr::testing::WriteTempFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;

ProcessResult Aicr(std::vector<std::string> args) {
  args.insert(args.begin(), AICR_BINARY);
  ProcessOptions options;
  options.env_unset = {"AICR_DEBUG", "AICR_LOG_JSON", "NO_COLOR", "AICR_CRITERIA_STRICT"};
  return RunProcess(args, options);
}

const std::vector<std::string> kTraining = {"recipe",   "--service",  "eks",     "--accelerator",
                                            "h100",     "--os",       "ubuntu",  "--intent",
                                            "training", "--platform", "kubeflow"};

serialize::Value ParseYamlOrDie(const std::string& text) {
  auto v = serialize::ParseYaml(text);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? *v : serialize::Value();
}

std::vector<std::string> Strings(const serialize::Value* seq) {
  std::vector<std::string> out;
  if (seq != nullptr && seq->if_sequence() != nullptr) {
    for (const serialize::Value& v : *seq->if_sequence()) {
      out.push_back(v.if_string() != nullptr ? *v.if_string() : v.DebugString());
    }
  }
  return out;
}

std::vector<std::string> ComponentNames(const serialize::Value& recipe) {
  std::vector<std::string> out;
  for (const serialize::Value& ref : *recipe.Find("componentRefs")->if_sequence()) {
    out.push_back(*ref.Find("name")->if_string());
  }
  return out;
}

std::size_t IndexOf(const std::vector<std::string>& v, const std::string& s) {
  return static_cast<std::size_t>(std::find(v.begin(), v.end(), s) - v.begin());
}

TEST(RecipeE2ETest, EksKubeflowTrainingJourney) {
  const ProcessResult r = Aicr(kTraining);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const serialize::Value recipe = ParseYamlOrDie(r.out);
  EXPECT_EQ(*recipe.Find("kind")->if_string(), "RecipeResult");
  EXPECT_EQ(*recipe.Find("apiVersion")->if_string(), "aicr.run/v1");
  EXPECT_THAT(
      ComponentNames(recipe),
      IsSupersetOf({"aws-ebs-csi-driver", "aws-efa", "cert-manager", "gpu-operator",
                    "k8s-ephemeral-storage-metrics", "kai-scheduler", "kube-prometheus-stack",
                    "kubeflow-trainer", "nodewright-customizations", "nodewright-operator",
                    "nvidia-dra-driver-gpu", "nvsentinel", "prometheus-adapter"}));
  // Constraints, with the OS version kept a string.
  std::map<std::string, serialize::Value> constraints;
  for (const serialize::Value& c : *recipe.Find("constraints")->if_sequence()) {
    constraints[*c.Find("name")->if_string()] = *c.Find("value");
  }
  EXPECT_EQ(constraints["K8s.server.version"], serialize::Value(">= 1.32.4"));
  EXPECT_EQ(constraints["OS.release.ID"], serialize::Value("ubuntu"));
  EXPECT_EQ(constraints["OS.release.VERSION_ID"], serialize::Value("24.04"));
  EXPECT_EQ(constraints["OS.sysctl./proc/sys/kernel/osrelease"], serialize::Value(">= 6.8"));
  EXPECT_THAT(r.out, HasSubstr("value: \"24.04\"\n"));
  // Deployment order: the GPU operator after its prerequisites, before its dependants.
  const std::vector<std::string> order = Strings(recipe.Find("deploymentOrder"));
  EXPECT_EQ(order.size(), ComponentNames(recipe).size());
  EXPECT_LT(IndexOf(order, "cert-manager"), IndexOf(order, "gpu-operator"));
  EXPECT_LT(IndexOf(order, "kube-prometheus-stack"), IndexOf(order, "gpu-operator"));
  EXPECT_LT(IndexOf(order, "nodewright-customizations"), IndexOf(order, "gpu-operator"));
  EXPECT_LT(IndexOf(order, "gpu-operator"), IndexOf(order, "nvsentinel"));
  EXPECT_LT(IndexOf(order, "gpu-operator"), IndexOf(order, "kubeflow-trainer"));
  EXPECT_THAT(Strings(recipe.Find("metadata")->Find("appliedOverlays")),
              ElementsAre("base", "monitoring-hpa", "h100-any", "eks", "eks-ubuntu", "eks-training",
                          "h100-eks-training", "h100-eks-ubuntu-training",
                          "h100-eks-ubuntu-training-kubeflow"));
}

TEST(RecipeE2ETest, EksDynamoInferenceJourney) {
  const ProcessResult r = Aicr({"recipe", "--service", "eks", "--gpu", "H100", "--os", "ubuntu",
                                "--intent", "inference", "--platform", "dynamo", "-t", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto recipe = serialize::ParseJson(r.out);
  ASSERT_TRUE(recipe.ok()) << recipe.status().ToString();
  EXPECT_THAT(ComponentNames(*recipe),
              IsSupersetOf({"dynamo-platform", "agentgateway", "agentgateway-crds", "grove",
                            "gpu-operator", "kai-scheduler"}));
  bool found = false;
  for (const serialize::Value& c : *recipe->Find("constraints")->if_sequence()) {
    if (*c.Find("name")->if_string() == "K8s.server.version") {
      EXPECT_EQ(*c.Find("value")->if_string(), ">= 1.34");
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST(RecipeE2ETest, OutputFileIsWrittenAndIdenticalAcrossRuns) {
  const std::string path = TestTempDir() + "/recipe-out.yaml";
  std::vector<std::string> args = kTraining;
  args.insert(args.end(), {"-o", path});
  const ProcessResult r = Aicr(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  const ProcessResult again = Aicr(kTraining);
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), again.out);
}

TEST(RecipeE2ETest, QueryPrintsScalarsPlainAndMapsAsYaml) {
  std::vector<std::string> args = kTraining;
  args[0] = "query";
  args.insert(args.end(), {"--selector", "components.gpu-operator.chart"});
  ProcessResult r = Aicr(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "gpu-operator\n");

  args.back() = ".criteria";
  r = Aicr(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "accelerator: h100\nintent: training\nnodes: 0\nos: ubuntu\nplatform: kubeflow\n"
            "service: eks\n");

  args.back() = "components.nope";
  r = Aicr(args);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("selector \"components.nope\": key \"nope\" not found"));
}

TEST(RecipeE2ETest, QueryRequiresSelector) {
  const ProcessResult r = Aicr({"query", "--service", "eks"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "Error: required flag --selector not set\n");
}

TEST(RecipeE2ETest, RecipeListShowsLeafHealthAndCoverage) {
  const ProcessResult r = Aicr({"recipe", "list", "--service", "eks"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::StartsWith("NAME "));
  EXPECT_THAT(r.out, HasSubstr("COVERAGE"));
  std::map<std::string, std::string> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    lines[line.substr(0, line.find(' '))] = line;
  }
  // Coverage as catalogued for these leaves (checks per phase R/D/P/C).
  EXPECT_THAT(lines["h100-eks-ubuntu-training-kubeflow"],
              ::testing::ContainsRegex(" true +pass +R:0 D:4 P:1 C:10 +embedded$"));
  EXPECT_THAT(lines["h100-eks-ubuntu-inference-dynamo"],
              ::testing::ContainsRegex(" true +pass +R:0 D:4 P:1 C:11 +embedded$"));
  EXPECT_THAT(lines["eks"], HasSubstr("false"));
  EXPECT_EQ(lines.count("h100-any"), 0u);  // filtered out: service any

  const ProcessResult y = Aicr({"recipe", "list", "-t", "yaml", "--no-health"});
  ASSERT_EQ(y.exit_code, 0) << y.err;
  const serialize::Value items = ParseYamlOrDie(y.out);
  ASSERT_TRUE(items.is_sequence());
  EXPECT_EQ(items.if_sequence()->front().Find("health"), nullptr);
}

TEST(RecipeE2ETest, CatalogPageIsCurrent) {
  const ProcessResult r = Aicr({"recipe", "list", "-t", "markdown"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(std::string(AICR_SOURCE_DIR) + "/docs/catalog.md");
  std::stringstream page;
  page << in.rdbuf();
  EXPECT_EQ(page.str(), r.out)
      << "docs/catalog.md is stale; regenerate with: cmake --build <build-dir> --target docs";
}

// Bad input: exit 2, a specific message, nothing on stdout and no output file.
struct BadCase {
  std::string name;
  std::vector<std::string> args;
  std::string message;
};

std::string DataDir(const std::string& name, const std::map<std::string, std::string>& files) {
  const std::string dir = TestTempDir() + "/" + name;
  for (const auto& [path, text] : files) {
    std::filesystem::create_directories(std::filesystem::path(dir + "/" + path).parent_path());
    std::ofstream(dir + "/" + path, std::ios::binary) << text;
  }
  return dir;
}

constexpr char kEmptyRegistry[] =
    "apiVersion: aicr.run/v1beta1\nkind: ComponentRegistry\ncomponents: []\n";

TEST(RecipeE2ETest, BadInputExitsTwoAndWritesNothing) {
  const std::string cycle = DataDir(
      "cycle", {{"registry.yaml", kEmptyRegistry},
                {"overlays/a.yaml",
                 "kind: RecipeMetadata\napiVersion: aicr.run/v1beta1\nmetadata: {name: cyc-a}\n"
                 "spec:\n  base: cyc-b\n  criteria: {service: eks, intent: training}\n"},
                {"overlays/b.yaml",
                 "kind: RecipeMetadata\napiVersion: aicr.run/v1beta1\nmetadata: {name: cyc-b}\n"
                 "spec:\n  base: cyc-a\n"}});
  const std::string malformed =
      DataDir("malformed", {{"registry.yaml", "apiVersion: aicr.run/v1beta1\nkind: [\n"}});
  const std::string big = DataDir("big", {{"registry.yaml", kEmptyRegistry}});
  {
    std::filesystem::create_directories(big + "/components/x");
    std::ofstream out(big + "/components/x/values.yaml", std::ios::binary);
    const std::string chunk(1 << 20, 'a');
    for (int i = 0; i < 50; ++i) {
      out << chunk;
    }
  }
  const std::string traversal = DataDir("traversal", {{"registry.yaml", kEmptyRegistry}});
  const std::string dotdot = DataDir(
      "dotdot", {{"registry.yaml", kEmptyRegistry},
                 {"overlays/t.yaml",
                  "kind: RecipeMetadata\napiVersion: aicr.run/v1beta1\nmetadata: {name: trav}\n"
                  "spec:\n  criteria: {service: eks}\n  componentRefs:\n"
                  "    - name: gpu-operator\n      valuesFile: ../../etc/passwd\n"}});
  std::filesystem::create_symlink("/etc/passwd", traversal + "/escape.yaml");

  const std::vector<BadCase> cases = {
      {"unknown criterion value", {"--service", "windows"}, "invalid service type: windows"},
      {"unknown profile",
       {"--service", "eks", "--profile", "gpuStack=nope"},
       "profile \"gpuStack\" was selected, but the resolved composition declares no profile"},
      {"malformed data file",
       {"--service", "eks", "--data", malformed},
       "data file \"registry.yaml\": yaml: line 3, column 1: end of sequence flow not found"},
      {"base cycle",
       {"--service", "eks", "--intent", "training", "--data", cycle},
       "overlays/a.yaml: circular inheritance detected: recipe \"cyc-a\" references itself in "
       "inheritance chain"},
      {"50 MB values file",
       {"--service", "eks", "--data", big},
       "data file \"components/x/values.yaml\": exceeds 10485760 bytes"},
      {"path traversal through a symlink",
       {"--service", "eks", "--data", traversal},
       "data file \"escape.yaml\": symlinks are not allowed"},
      {"no criteria",
       {},
       "no criteria provided: specify at least one of service, "
       "accelerator, intent, os, platform, nodes"},
      {"uncovered dimension",
       {"--service", "eks", "--platform", "kubeflow"},
       "platform 'kubeflow' requires additional criteria; supported combinations: "
       "(accelerator=h200, intent=training), (accelerator=a100, intent=training, os=ubuntu), "
       "(accelerator=gb200, intent=training, os=ubuntu), (accelerator=gb300, intent=training, "
       "os=ubuntu), (accelerator=h100, intent=training, os=ubuntu), (accelerator=rtx-pro-6000, "
       "intent=training, os=ubuntu)"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string out = TestTempDir() + "/bad-output.yaml";
    std::vector<std::string> args = {"recipe"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    args.insert(args.end(), {"-o", out});
    const ProcessResult r = Aicr(args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "Error: " + c.message + "\n");
    EXPECT_FALSE(std::filesystem::exists(out));
  }
}

}  // namespace
}  // namespace aicr
