// Black-box tests of `aicr mirror list`: the real binary renders a chart served
// from a local Helm repository with the real `helm`, values from a `--data`
// overlay and `--set`, the kube version from the recipe's constraint; an
// unreachable repository is a warning (exit 0); bad flags exit 2.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "serialize/yaml_reader.h"
#include "tests/e2e/subprocess.h"
#include "tests/testing/chart_repo.h"
#include "tests/testing/tools.h"

namespace aicr {
namespace {

namespace fs = std::filesystem;
using ::aicr::testing::ChartRepo;
using ::aicr::testing::ChartSpec;
using ::aicr::testing::ProcessOptions;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::ReadFile;
using ::aicr::testing::RunProcess;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

constexpr const char* kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  template:
    spec:
      initContainers:
        - name: init
          image: example.com/init:2
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
        {{- if .Values.sidecar.enabled }}
        - name: sidecar
          image: example.com/sidecar:5
        {{- end }}
)";

constexpr const char* kCronJob = R"(apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ .Release.Name }}-probe
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: probe
              image: example.com/kube-probe:{{ .Capabilities.KubeVersion.Version }}
)";

class MirrorE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_TOOL("helm");
    helm_ = ::aicr::testing::ToolPath("helm");
    const std::string err = repo_.Start(
        helm_, {ChartSpec{.name = "web",
                          .version = "0.1.0",
                          .files = {{"values.yaml",
                                     "image:\n  repository: example.com/web\n  tag: \"0.9\"\n"
                                     "sidecar:\n  enabled: false\n"},
                                    {"templates/deployment.yaml", kDeployment},
                                    {"templates/cronjob.yaml", kCronJob}},
                          .kube_version = ">=1.32.0-0"}});
    ASSERT_EQ(err, "");
    // A repository that is gone: its server is stopped before the test runs.
    ASSERT_EQ(dead_.Start(helm_, {}), "");
    dead_.Stop();

    dir_ = repo_.scratch_dir() + "/work";
    data_ = dir_ + "/data";
    fs::create_directories(data_ + "/components/web/manifests");
    std::ofstream(data_ + "/registry.yaml") << "apiVersion: aicr.run/v1beta1\n"
                                               "kind: ComponentRegistry\n"
                                               "components:\n"
                                               "  - name: web\n"
                                               "    displayName: Web\n"
                                               "    valueOverrideKeys: [webapp]\n"
                                               "  - name: gone\n"
                                               "    displayName: Gone\n";
    std::ofstream(data_ + "/components/web/values.yaml")
        << "image:\n  tag: \"1.0\"\nextra:\n  image: example.com/extra:4\n";
    std::ofstream(data_ + "/components/web/manifests/extra.yaml")
        << "apiVersion: v1\nkind: Pod\nmetadata:\n  name: extra\nspec:\n  containers:\n"
           "    - name: extra\n      image: {{ index .Values \"web\" \"extra\" \"image\" }}\n";
    recipe_ = dir_ + "/recipe.yaml";
    std::ofstream(recipe_) << "apiVersion: aicr.run/v1\n"
                              "kind: RecipeResult\n"
                              "metadata:\n  version: v0.0.0-test\n"
                              "criteria:\n  service: eks\n  accelerator: h100\n"
                              "constraints:\n"
                              "  - name: K8s.server.version\n    value: \">= 1.32.4\"\n"
                              "componentRefs:\n"
                              "  - name: web\n    type: Helm\n    source: "
                           << repo_.url()
                           << "\n    chart: web\n    version: 0.1.0\n    namespace: web-system\n"
                              "    valuesFile: components/web/values.yaml\n"
                              "    manifestFiles:\n      - components/web/manifests/extra.yaml\n"
                              "  - name: gone\n    type: Helm\n    source: "
                           << dead_.url()
                           << "\n    chart: gone\n    version: 1.0.0\n    namespace: gone\n"
                              "deploymentOrder: [web, gone]\n";
  }

  ProcessResult Aicr(std::vector<std::string> args) {
    args.insert(args.begin(), AICR_BINARY);
    ProcessOptions options;
    options.env_unset = {"AICR_DEBUG", "AICR_LOG_JSON", "NO_COLOR", "KUBECONFIG"};
    options.env_set = repo_.helm_env();
    const char* path = std::getenv("PATH");
    options.env_set["PATH"] = ::aicr::testing::ToolsBinDir() + ":" + (path != nullptr ? path : "");
    return RunProcess(args, options);
  }

  std::vector<std::string> List(std::vector<std::string> extra) {
    std::vector<std::string> args = {"mirror", "list", "-r", recipe_, "--data", data_};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  std::string helm_;
  ChartRepo repo_;
  ChartRepo dead_;
  std::string dir_;
  std::string data_;
  std::string recipe_;
};

TEST_F(MirrorE2ETest, ListsRenderedImagesAndWarnsOnAnUnreachableRepository) {
  const ProcessResult r = Aicr(List({"-f", "json"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  const std::vector<std::string> web = {"example.com/extra:4", "example.com/init:2",
                                        "example.com/kube-probe:v1.32.4", "example.com/web:1.0"};
  EXPECT_EQ(doc["images"].get<std::vector<std::string>>(), web);
  ASSERT_THAT(doc["components"], SizeIs(2));
  EXPECT_EQ(doc["components"][0]["component"], "web");
  EXPECT_EQ(doc["components"][0]["type"], "helm");
  EXPECT_EQ(doc["components"][0]["images"].get<std::vector<std::string>>(), web);
  EXPECT_FALSE(doc["components"][0].contains("warnings"));
  EXPECT_EQ(doc["components"][1]["component"], "gone");
  EXPECT_THAT(doc["components"][1]["images"], IsEmpty());
  ASSERT_THAT(doc["components"][1]["warnings"], SizeIs(1));
  EXPECT_THAT(doc["components"][1]["warnings"][0].get<std::string>(),
              HasSubstr("helm template failed: "));
  EXPECT_THAT(doc["components"][1]["warnings"][0].get<std::string>(), HasSubstr(dead_.url()));
  ASSERT_THAT(doc["charts"], SizeIs(2));
  EXPECT_EQ(doc["charts"][0]["name"], "web");
  EXPECT_EQ(doc["charts"][0]["repository"], repo_.url());
  EXPECT_EQ(doc["charts"][0]["chart"], "web");
  EXPECT_EQ(doc["charts"][0]["version"], "0.1.0");
  EXPECT_EQ(doc["charts"][0]["namespace"], "web-system");
  EXPECT_EQ(doc["metadata"]["recipeVersion"], "v0.0.0-test");
  // Warnings are logged on stderr; stdout holds only the document.
  EXPECT_THAT(r.err, HasSubstr("component=gone"));
}

TEST_F(MirrorE2ETest, SetOverridesChangeTheImages) {
  const ProcessResult r =
      Aicr(List({"--set", "webapp:image.tag=v2", "--set", "web:sidecar.enabled=true"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = serialize::ParseYaml(r.out);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  std::vector<std::string> images;
  for (const auto& v : *doc->Find("images")->if_sequence()) {
    images.push_back(*v.if_string());
  }
  EXPECT_THAT(images, Contains("example.com/web:v2"));
  EXPECT_THAT(images, Contains("example.com/sidecar:5"));
  EXPECT_THAT(images, Not(Contains("example.com/web:1.0")));

  const ProcessResult dropped = Aicr(List({"--set", "gone:enabled=false", "-f", "json"}));
  ASSERT_EQ(dropped.exit_code, 0) << dropped.err;
  EXPECT_THAT(nlohmann::json::parse(dropped.out)["components"], SizeIs(1));
}

TEST_F(MirrorE2ETest, HaulerAndZarfToAFile) {
  const std::string hauler = dir_ + "/hauler.yaml";
  ProcessResult r = Aicr(List({"-f", "hauler", "-o", hauler}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  auto docs = serialize::ParseYamlDocuments(ReadFile(hauler));
  ASSERT_TRUE(docs.ok());
  ASSERT_THAT(*docs, SizeIs(2));
  EXPECT_EQ(*(*docs)[0].Find("kind")->if_string(), "Images");
  EXPECT_THAT(*(*docs)[0].FindPath("spec.images")->if_sequence(), SizeIs(4));
  EXPECT_EQ(*(*docs)[1].Find("kind")->if_string(), "Charts");
  EXPECT_EQ(*(*docs)[1].FindPath("spec.charts")->if_sequence()->at(0).Find("repoURL")->if_string(),
            repo_.url());

  r = Aicr(List({"--format", "zarf"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto zarf = serialize::ParseYaml(r.out);
  ASSERT_TRUE(zarf.ok());
  EXPECT_EQ(*zarf->Find("kind")->if_string(), "ZarfPackageConfig");
  const auto& component = zarf->Find("components")->if_sequence()->at(0);
  EXPECT_THAT(*component.Find("images")->if_sequence(), SizeIs(4));
  EXPECT_EQ(*component.Find("charts")->if_sequence()->at(0).Find("url")->if_string(), repo_.url());
}

TEST_F(MirrorE2ETest, OutputIsDeterministic) {
  const ProcessResult a = Aicr(List({}));
  const ProcessResult b = Aicr(List({}));
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
}

TEST_F(MirrorE2ETest, BadFlagsExitTwo) {
  ProcessResult r = Aicr(List({"-f", "table"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("invalid value \"table\" for flag -f"));
  EXPECT_EQ(r.out, "");

  r = Aicr(List({"--set", "no-colon"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("no-colon"));

  r = Aicr(List({"--set", "nosuch:a=b"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("nosuch"));

  r = Aicr(List({"--service", "eks"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--recipe cannot be combined with criteria flags"));

  r = Aicr(List({"--profile", "gpuStack=operator-managed"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--profile"));

  r = Aicr({"mirror", "list", "--no-such-flag"});
  EXPECT_EQ(r.exit_code, 2);

  r = Aicr({"mirror", "list"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("no criteria provided"));

  r = Aicr({"mirror", "list", "-r", dir_ + "/absent.yaml"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("absent.yaml"));
}

}  // namespace
}  // namespace aicr
