// `--vendor-charts` through the whole pipeline with a fake chart puller: the
// upstream primary becomes a wrapper chart carrying the tarball, every deployer
// points at that folder instead of the chart repository, provenance.yaml and
// bundle-info record the pulls, checksums cover the tarballs, and a failed pull
// fails the bundle.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "checksum/sha256.h"
#include "serialize/yaml_reader.h"
#include "tests/bundle/fake_chart_puller.h"
#include "tests/bundle/scenario.h"

namespace aicr::bundle_testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

const Scenario& MixedWithPre() {
  static const Scenario s = [] {
    for (auto& sc : LoadScenarios()) {
      if (sc.name == "mixed_with_pre") {
        return sc;
      }
    }
    return Scenario{};
  }();
  return s;
}

struct Built {
  bundler::BundleOutput out;
  std::shared_ptr<FakeChartPuller> puller;
};

Built Make(const std::string& deployer, std::vector<std::string> dynamic = {}) {
  const auto store = TestCatalogue();
  bundler::BundleOptions o = MixedWithPre().options;
  o.deployer = deployer;
  o.dynamic = std::move(dynamic);
  if (deployer == "argocd" || deployer == "flux") {
    o.repo = "https://github.com/example/aicr-bundles.git";
  }
  auto puller = std::make_shared<FakeChartPuller>();
  o.vendor_charts = true;
  o.chart_puller = puller;
  auto out = bundler::MakeBundle(MixedWithPre().recipe, *store, o);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return Built{out.ok() ? std::move(out).value() : bundler::BundleOutput{}, puller};
}

std::string Text(const bundler::BundleOutput& b, const std::string& path) {
  const layout::File* f = b.tree.Find(path);
  EXPECT_NE(f, nullptr) << path;
  return f == nullptr ? "" : f->bytes;
}

serialize::Value Doc(const bundler::BundleOutput& b, const std::string& path) {
  auto v = serialize::ParseYaml(Text(b, path));
  EXPECT_TRUE(v.ok()) << path;
  return v.ok() ? *v : serialize::Value();
}

std::string At(const serialize::Value& doc, const char* path) {
  const serialize::Value* v = doc.FindPath(path);
  return v != nullptr && v->if_string() != nullptr ? *v->if_string() : "<missing>";
}

TEST(BundleVendorTest, HelmWrapsTheChartAndRecordsProvenance) {
  Built b = Make("helm", {"gpuoperator:driver.version"});
  const auto& out = b.out;
  EXPECT_THAT(b.puller->pulls(),
              ElementsAre("https://charts.jetstack.io cert-manager v1.17.2",
                          "https://helm.ngc.nvidia.com/nvidia gpu-operator v25.3.3"));
  // Folder shapes: the wrapper replaces upstream.env; -pre and -post stay.
  EXPECT_EQ(out.tree.Find("003-gpu-operator/upstream.env"), nullptr);
  const layout::File* tgz = out.tree.Find("003-gpu-operator/charts/gpu-operator-v25.3.3.tgz");
  ASSERT_NE(tgz, nullptr);
  EXPECT_EQ(tgz->mode, 0644u);
  EXPECT_NE(out.tree.Find("002-gpu-operator-pre/Chart.yaml"), nullptr);
  EXPECT_NE(out.tree.Find("004-gpu-operator-post/Chart.yaml"), nullptr);
  const serialize::Value chart = Doc(out, "003-gpu-operator/Chart.yaml");
  EXPECT_EQ(At(chart, "name"), "gpu-operator");
  EXPECT_EQ(At(chart, "appVersion"), "v25.3.3");
  ASSERT_NE(chart.Find("dependencies"), nullptr);
  const serialize::Value& dep = (*chart.Find("dependencies")->if_sequence())[0];
  EXPECT_EQ(At(dep, "name"), "gpu-operator");
  EXPECT_EQ(At(dep, "version"), "25.3.3");
  EXPECT_EQ(At(dep, "repository"), "");
  // Values nested under the subchart; the dynamic path moved to cluster-values.
  const serialize::Value values = Doc(out, "003-gpu-operator/values.yaml");
  ASSERT_NE(values.Find("gpu-operator"), nullptr);
  EXPECT_EQ(values.size(), 1u);
  EXPECT_EQ(values.FindPath("gpu-operator.driver.version"), nullptr);
  EXPECT_NE(
      Doc(out, "003-gpu-operator/cluster-values.yaml").FindPath("gpu-operator.driver.version"),
      nullptr);
  EXPECT_THAT(Text(out, "003-gpu-operator/install.sh"), Not(HasSubstr("upstream.env")));
  EXPECT_THAT(Text(out, "003-gpu-operator/install.sh"), HasSubstr(" ./ "));

  // provenance.yaml, sorted by name, 0644.
  const layout::File* prov = out.tree.Find("provenance.yaml");
  ASSERT_NE(prov, nullptr);
  EXPECT_EQ(prov->mode, 0644u);
  const serialize::Value p = Doc(out, "provenance.yaml");
  EXPECT_EQ(At(p, "apiVersion"), "aicr.run/v1");
  EXPECT_EQ(At(p, "kind"), "BundleProvenance");
  const auto& entries = *p.Find("vendoredCharts")->if_sequence();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(At(entries[0], "name"), "cert-manager");
  EXPECT_EQ(At(entries[1], "name"), "gpu-operator");
  EXPECT_EQ(At(entries[1], "chart"), "gpu-operator");
  EXPECT_EQ(At(entries[1], "version"), "v25.3.3");
  EXPECT_EQ(At(entries[1], "repository"), "https://helm.ngc.nvidia.com/nvidia");
  EXPECT_EQ(At(entries[1], "sha256"), checksum::Sha256Hex(tgz->bytes));
  EXPECT_EQ(At(entries[1], "tarballName"), "gpu-operator-v25.3.3.tgz");
  EXPECT_EQ(At(entries[1], "pullerVersion"), "fake-puller v1.0.0");

  const serialize::Value info = Doc(out, "bundle-info.yaml");
  EXPECT_EQ(*info.FindPath("build.settings.vendorCharts"), serialize::Value(true));
  EXPECT_EQ(At(info, "layout.provenance"), "provenance.yaml");
  const std::string sums = Text(out, "checksums.txt");
  EXPECT_THAT(sums, HasSubstr(checksum::Sha256Hex(tgz->bytes) +
                              "  003-gpu-operator/charts/gpu-operator-v25.3.3.tgz\n"));
  EXPECT_THAT(sums, HasSubstr("  provenance.yaml\n"));
}

TEST(BundleVendorTest, WithoutTheFlagNothingIsPulled) {
  const auto store = TestCatalogue();
  bundler::BundleOptions o = MixedWithPre().options;
  auto puller = std::make_shared<FakeChartPuller>();
  o.chart_puller = puller;
  auto out = bundler::MakeBundle(MixedWithPre().recipe, *store, o);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE(puller->pulls().empty());
  EXPECT_EQ(out->tree.Find("provenance.yaml"), nullptr);
  EXPECT_NE(out->tree.Find("003-gpu-operator/upstream.env"), nullptr);
  EXPECT_EQ(*serialize::ParseYaml(out->tree.Find("bundle-info.yaml")->bytes)
                 ->FindPath("build.settings.vendorCharts"),
            serialize::Value(false));
}

TEST(BundleVendorTest, HelmfileUsesTheLocalFolder) {
  Built b = Make("helmfile");
  // Two dependency levels: helmfile.yaml lists one file per level.
  const std::string helmfile = Text(b.out, "level-0.yaml") + Text(b.out, "level-1.yaml");
  EXPECT_THAT(helmfile, HasSubstr("chart: ./003-gpu-operator\n"));
  EXPECT_THAT(helmfile, HasSubstr("chart: ./001-cert-manager\n"));
  EXPECT_THAT(helmfile, Not(HasSubstr("repositories:")));
  EXPECT_NE(b.out.tree.Find("provenance.yaml"), nullptr);
}

TEST(BundleVendorTest, ArgoCDApplicationsArePathBased) {
  Built b = Make("argocd");
  const serialize::Value app = Doc(b.out, "003-gpu-operator/application.yaml");
  EXPECT_EQ(At(app, "spec.source.path"), "003-gpu-operator");
  EXPECT_EQ(At(app, "spec.source.repoURL"), "https://github.com/example/aicr-bundles.git");
  EXPECT_EQ(app.FindPath("spec.source.chart"), nullptr);
  EXPECT_EQ(app.FindPath("spec.sources"), nullptr);
  EXPECT_NE(b.out.tree.Find("003-gpu-operator/charts/gpu-operator-v25.3.3.tgz"), nullptr);
  EXPECT_NE(b.out.tree.Find("provenance.yaml"), nullptr);
}

TEST(BundleVendorTest, ArgoCDHelmChildNestsInstallTimeValues) {
  Built b = Make("argocd-helm", {"gpuoperator:driver.version"});
  const std::string child = Text(b.out, "templates/gpu-operator.yaml");
  EXPECT_THAT(child, HasSubstr("path: 003-gpu-operator\n"));
  EXPECT_THAT(child, HasSubstr("dict \"gpu-operator\" (index .Values \"gpuoperator\""));
  EXPECT_THAT(child, Not(HasSubstr("chart:")));
  EXPECT_EQ(b.out.tree.Find("static/gpu-operator.yaml"), nullptr);
  EXPECT_NE(b.out.tree.Find("003-gpu-operator/charts/gpu-operator-v25.3.3.tgz"), nullptr);
}

TEST(BundleVendorTest, FluxReleasesUseTheGitRepository) {
  Built b = Make("flux");
  const serialize::Value hr = Doc(b.out, "gpu-operator/helmrelease.yaml");
  EXPECT_EQ(At(hr, "spec.chart.spec.chart"), "./gpu-operator");
  EXPECT_EQ(At(hr, "spec.chart.spec.sourceRef.kind"), "GitRepository");
  EXPECT_NE(b.out.tree.Find("gpu-operator/charts/gpu-operator-v25.3.3.tgz"), nullptr);
  for (const auto& [path, file] : b.out.tree.files()) {
    EXPECT_THAT(path, Not(HasSubstr("helmrepo-"))) << "no chart repository source is needed";
  }
  EXPECT_NE(b.out.tree.Find("provenance.yaml"), nullptr);
}

TEST(BundleVendorTest, AFailedPullFailsTheBundle) {
  const auto store = TestCatalogue();
  bundler::BundleOptions o = MixedWithPre().options;
  o.vendor_charts = true;
  o.chart_puller = std::make_shared<FakeChartPuller>(std::set<std::string>{"gpu-operator"});
  auto out = bundler::MakeBundle(MixedWithPre().recipe, *store, o);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(out.status().message(), HasSubstr("gpu-operator"));
  EXPECT_THAT(out.status().message(), HasSubstr("connection refused"));
}

TEST(BundleVendorTest, VendoringWithoutAPullerIsAnInternalError) {
  const auto store = TestCatalogue();
  bundler::BundleOptions o = MixedWithPre().options;
  o.vendor_charts = true;
  auto out = bundler::MakeBundle(MixedWithPre().recipe, *store, o);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), ErrorCode::kInternal);
}

}  // namespace
}  // namespace aicr::bundle_testing
