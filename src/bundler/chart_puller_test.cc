#include "bundler/chart_puller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "bundler/helm_chart_puller.h"
#include "checksum/sha256.h"

namespace aicr::bundler {
namespace {

using ::testing::HasSubstr;

TEST(ValidateChartCoordinatesTest, AcceptsHttpAndOciWithExactVersions) {
  EXPECT_TRUE(
      ValidateChartCoordinates({"https://charts.jetstack.io", "cert-manager", "v1.17.2"}).ok());
  EXPECT_TRUE(ValidateChartCoordinates({"http://127.0.0.1:8080", "web", "0.1.0+build.7"}).ok());
  EXPECT_TRUE(ValidateChartCoordinates({"oci://ghcr.io/nvidia/charts", "k8s-aibom", "0.3.1"}).ok());
}

TEST(ValidateChartCoordinatesTest, RejectsOptionShapedOrOddValues) {
  for (const ChartCoordinates& bad : std::vector<ChartCoordinates>{
           {"ftp://example.com", "web", "1.0.0"},
           {"https://example.com", "--insecure-skip-tls-verify", "1.0.0"},
           {"https://example.com", "web", "-1"},
           {"https://example.com", "web", ">=1.0.0"},
           {"https://example.com", "web", ""},
           {"https://exa mple.com", "web", "1.0.0"},
       }) {
    const Status st = ValidateChartCoordinates(bad);
    EXPECT_EQ(st.code(), ErrorCode::kInvalidRequest) << bad.repository << " " << bad.chart;
    EXPECT_THAT(st.message(), HasSubstr("--vendor-charts"));
  }
}

TEST(HelmChartPullerTest, MissingHelmIsUnavailableAndNamesTheFlag) {
  HelmChartPuller puller("aicr-test-no-such-helm-binary");
  auto r = puller.Pull({"https://example.com", "web", "1.0.0"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(r.status().message(), HasSubstr("--vendor-charts needs the helm CLI"));
}

TEST(HelmChartPullerTest, BadCoordinatesNeverRunHelm) {
  HelmChartPuller puller("aicr-test-no-such-helm-binary");
  auto r = puller.Pull({"https://example.com", "--help", "1.0.0"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidRequest);
}

class StubPuller : public ChartPuller {
 public:
  Result<PulledChart> Pull(const ChartCoordinates& c) const override {
    return PulledChart{c.chart + "-" + c.version + ".tgz", "bytes of " + c.chart, "stub v1"};
  }
};

TEST(VendorChartsTest, PullsUpstreamChartsOnlyAndRendersSortedProvenance) {
  layout::Plan plan;
  layout::ComponentPlan zeta;
  zeta.name = "zeta";
  zeta.repository = "oci://registry.example.com/charts/";
  zeta.chart = "zeta-chart";
  zeta.version = "1.2.3";
  layout::ComponentPlan manifests;
  manifests.name = "manifests-only";
  layout::ComponentPlan alpha;
  alpha.name = "alpha";
  alpha.repository = "https://charts.example.com";
  alpha.chart = "alpha";
  alpha.version = "v0.1.0";
  plan.components = {zeta, manifests, alpha};
  ASSERT_TRUE(VendorCharts(StubPuller(), &plan).ok());
  EXPECT_TRUE(plan.components[0].IsVendored());
  EXPECT_FALSE(plan.components[1].IsVendored());
  EXPECT_EQ(plan.components[2].vendored->sha256, checksum::Sha256Hex("bytes of alpha"));
  EXPECT_EQ(RenderProvenance(plan),
            "apiVersion: aicr.run/v1\n"
            "kind: BundleProvenance\n"
            "vendoredCharts:\n"
            "  - chart: alpha\n"
            "    name: alpha\n"
            "    pullerVersion: stub v1\n"
            "    repository: https://charts.example.com\n"
            "    sha256: " +
                checksum::Sha256Hex("bytes of alpha") +
                "\n"
                "    tarballName: alpha-v0.1.0.tgz\n"
                "    version: v0.1.0\n"
                "  - chart: zeta-chart\n"
                "    name: zeta\n"
                "    pullerVersion: stub v1\n"
                "    repository: oci://registry.example.com/charts/\n"
                "    sha256: " +
                checksum::Sha256Hex("bytes of zeta-chart") +
                "\n"
                "    tarballName: zeta-chart-1.2.3.tgz\n"
                "    version: 1.2.3\n");
}

TEST(VendorChartsTest, NoUpstreamChartsMeansNoProvenance) {
  layout::Plan plan;
  layout::ComponentPlan manifests;
  manifests.name = "manifests-only";
  plan.components = {manifests};
  ASSERT_TRUE(VendorCharts(StubPuller(), &plan).ok());
  EXPECT_EQ(RenderProvenance(plan), "");
}

}  // namespace
}  // namespace aicr::bundler
