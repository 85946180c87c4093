#include "mirror/helm_render.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "base/temp_dir.h"
#include "tests/testing/status_matchers.h"

namespace aicr::mirror {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<recipe::Constraint> K8s(std::string value) {
  recipe::Constraint os;
  os.name = "OS.release.ID";
  os.value = "ubuntu";
  recipe::Constraint k8s;
  k8s.name = std::string(kK8sVersionConstraint);
  k8s.value = std::move(value);
  return {os, k8s};
}

TEST(KubeVersionFromConstraintsTest, TakesTheConstraintVersion) {
  EXPECT_EQ(KubeVersionFromConstraints(K8s(">= 1.32.4")), "1.32.4");
  EXPECT_EQ(KubeVersionFromConstraints(K8s(">=1.30")), "1.30");
  EXPECT_EQ(KubeVersionFromConstraints(K8s("v1.34.1")), "1.34.1");
  EXPECT_EQ(KubeVersionFromConstraints(K8s("== 1.31.0 ")), "1.31.0");
  EXPECT_EQ(KubeVersionFromConstraints(K8s(">= 1.29.0 < 2.0")), "1.29.0");
}

TEST(KubeVersionFromConstraintsTest, DefaultsWithoutAUsableVersion) {
  EXPECT_EQ(KubeVersionFromConstraints({}), kDefaultKubeVersion);
  EXPECT_EQ(KubeVersionFromConstraints(K8s("")), kDefaultKubeVersion);
  EXPECT_EQ(KubeVersionFromConstraints(K8s(">= latest")), kDefaultKubeVersion);
  EXPECT_EQ(KubeVersionFromConstraints(K8s("1")), kDefaultKubeVersion);
  EXPECT_EQ(KubeVersionFromConstraints(K8s("1.2.3.4")), kDefaultKubeVersion);
  EXPECT_EQ(kDefaultKubeVersion, "1.33.0");
}

ChartInput Input(std::string repository) {
  return ChartInput{.release = "web",
                    .repository = std::move(repository),
                    .chart = "web-chart",
                    .version = "1.2.3",
                    .namespace_ = "web-system",
                    .values_yaml = "replicas: 2\n"};
}

TEST(HelmTemplateArgsTest, HttpsRepository) {
  HelmRenderOptions o;
  o.kube_version = "1.32.4";
  o.api_versions = {"resource.k8s.io/v1"};
  EXPECT_THAT(
      HelmTemplateArgs(Input("https://charts.example.com"), o),
      ElementsAre("helm", "template", "web", "web-chart", "--repo", "https://charts.example.com",
                  "--version", "1.2.3", "--namespace", "web-system", "--kube-version", "1.32.4",
                  "--api-versions", "resource.k8s.io/v1", "--values", "-"));
}

TEST(HelmTemplateArgsTest, OciRepository) {
  HelmRenderOptions o;
  o.api_versions = {};
  EXPECT_THAT(HelmTemplateArgs(Input("oci://registry.example.com/charts/"), o),
              ElementsAre("helm", "template", "web", "oci://registry.example.com/charts/web-chart",
                          "--version", "1.2.3", "--namespace", "web-system", "--kube-version",
                          "1.33.0", "--values", "-"));
}

// A stand-in `helm` script; the real one is exercised by the end-to-end test.
class FakeHelmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("aicr-mirror-helm-");
    ASSERT_THAT(dir, IsOk());
    dir_ = std::make_unique<TempDir>(std::move(dir).value());
  }
  std::string Script(const std::string& body) {
    const std::string path = dir_->path() + "/helm";
    std::ofstream(path) << "#!/bin/sh\n" << body;
    chmod(path.c_str(), 0755);
    return path;
  }
  std::unique_ptr<TempDir> dir_;
};

TEST_F(FakeHelmTest, PassesValuesOnStdinAndReturnsOutput) {
  HelmRenderOptions o;
  o.helm = Script("echo \"args: $*\"\ncat\n");
  auto out = RenderHelmChart(Input("https://charts.example.com"), o, CancelToken::None());
  ASSERT_THAT(out, IsOk());
  EXPECT_THAT(*out, HasSubstr("args: template web web-chart --repo https://charts.example.com"));
  EXPECT_THAT(*out, HasSubstr("replicas: 2"));
}

TEST_F(FakeHelmTest, FailureCarriesHelmsLastErrorLine) {
  HelmRenderOptions o;
  o.helm = Script(
      "echo 'some progress' >&2\necho 'Error: looks like \"x\" is not a valid chart "
      "repository' >&2\nexit 1\n");
  EXPECT_THAT(RenderHelmChart(Input("https://x"), o, CancelToken::None()),
              StatusIs(ErrorCode::kUnavailable,
                       "helm template: looks like \"x\" is not a valid chart repository"));
}

TEST_F(FakeHelmTest, OutputLimitAndTimeout) {
  HelmRenderOptions o;
  o.helm = Script("head -c 5000 /dev/zero\n");
  o.max_output_bytes = 100;
  EXPECT_THAT(RenderHelmChart(Input("https://x"), o, CancelToken::None()),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("exceeds 100 bytes")));
  o.helm = Script("exec sleep 30\n");
  o.timeout = std::chrono::milliseconds(200);
  EXPECT_THAT(RenderHelmChart(Input("https://x"), o, CancelToken::None()),
              StatusIs(ErrorCode::kTimeout, HasSubstr("timed out")));
}

TEST_F(FakeHelmTest, MissingHelmIsNotFound) {
  HelmRenderOptions o;
  o.helm = dir_->path() + "/absent-helm";
  EXPECT_THAT(RenderHelmChart(Input("https://x"), o, CancelToken::None()),
              StatusIs(ErrorCode::kNotFound, HasSubstr("helm binary not found")));
}

}  // namespace
}  // namespace aicr::mirror
