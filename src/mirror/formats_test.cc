// The mirror list renderings: goldens under tests/golden/mirror/ (byte for byte;
// AICR_UPDATE_GOLDEN=1 rewrites them) and the shape each consumer reads.

#include "mirror/formats.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "serialize/json_reader.h"
#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::mirror {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::SizeIs;

MirrorList Sample() {
  MirrorList list;
  list.images = {"nvcr.io/nvidia/gpu-operator:v25.3.0", "quay.io/jetstack/cert-manager:v1.17.2",
                 "registry.k8s.io/pause:3.10"};
  list.charts = {
      ChartRef{.name = "cert-manager",
               .repository = "https://charts.jetstack.io",
               .chart = "cert-manager",
               .version = "v1.17.2",
               .namespace_ = "cert-manager"},
      ChartRef{.name = "kueue",
               .repository = "oci://registry.k8s.io/kueue/charts",
               .chart = "kueue",
               .version = "0.13.4",
               .namespace_ = ""},
  };
  list.components = {
      ComponentImages{.component = "cert-manager",
                      .type = "helm",
                      .images = {"quay.io/jetstack/cert-manager:v1.17.2"},
                      .warnings = {}},
      ComponentImages{.component = "kueue",
                      .type = "helm",
                      .images = {},
                      .warnings = {"helm template failed: helm template: connection refused"}},
      ComponentImages{
          .component = "driver",
          .type = "kustomize",
          .images = {"nvcr.io/nvidia/gpu-operator:v25.3.0", "registry.k8s.io/pause:3.10"},
          .warnings = {}},
  };
  list.recipe_version = "v1.0.0";
  list.criteria = "service=eks, accelerator=h100, intent=training";
  return list;
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void CheckGolden(const std::string& file, const std::string& actual) {
  const fs::path path = fs::path(AICR_SOURCE_DIR) / "tests" / "golden" / "mirror" / file;
  const char* update = std::getenv("AICR_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << actual;
  }
  ASSERT_TRUE(fs::exists(path)) << path << " missing; run with AICR_UPDATE_GOLDEN=1";
  EXPECT_EQ(actual, ReadAll(path)) << file;
}

TEST(MirrorFormatsTest, Goldens) {
  for (const std::string& format : SupportedFormats()) {
    auto out = Render(Sample(), format);
    ASSERT_THAT(out, IsOk()) << format;
    const std::string ext = format == "json" ? "json" : "yaml";
    CheckGolden(
        format == "yaml" || format == "json" ? "sample." + ext : "sample." + format + ".yaml",
        *out);
    // Deterministic: a second render is byte-identical.
    EXPECT_EQ(*out, *Render(Sample(), format));
  }
}

TEST(MirrorFormatsTest, YamlAndJsonCarryTheSameDocument) {
  auto yaml = serialize::ParseYaml(*Render(Sample(), "yaml"));
  auto json = serialize::ParseJson(*Render(Sample(), "json"));
  ASSERT_THAT(yaml, IsOk());
  ASSERT_THAT(json, IsOk());
  EXPECT_EQ(*yaml, *json);
  EXPECT_EQ(yaml->FindPath("charts")->if_sequence()->at(1).Find("namespace"), nullptr);
  const auto& components = *yaml->Find("components")->if_sequence();
  EXPECT_EQ(components[0].Find("warnings"), nullptr);
  EXPECT_THAT(*components[1].Find("warnings")->if_sequence(), SizeIs(1));
  EXPECT_EQ(*yaml->FindPath("metadata.recipeVersion")->if_string(), "v1.0.0");
}

TEST(MirrorFormatsTest, HaulerImagesThenCharts) {
  auto docs = serialize::ParseYamlDocuments(*Render(Sample(), "hauler"));
  ASSERT_THAT(docs, IsOk());
  ASSERT_THAT(*docs, SizeIs(2));
  EXPECT_EQ(*(*docs)[0].Find("apiVersion")->if_string(), "content.hauler.cattle.io/v1");
  EXPECT_EQ(*(*docs)[0].Find("kind")->if_string(), "Images");
  EXPECT_EQ(*(*docs)[0].FindPath("metadata.name")->if_string(), "aicr-images");
  EXPECT_THAT(*(*docs)[0].FindPath("spec.images")->if_sequence(), SizeIs(3));
  EXPECT_EQ(*(*docs)[1].Find("kind")->if_string(), "Charts");
  EXPECT_EQ(*(*docs)[1].FindPath("metadata.name")->if_string(), "aicr-charts");
  const auto& chart = (*docs)[1].FindPath("spec.charts")->if_sequence()->at(1);
  EXPECT_EQ(*chart.Find("name")->if_string(), "kueue");
  EXPECT_EQ(*chart.Find("repoURL")->if_string(), "oci://registry.k8s.io/kueue/charts");
  EXPECT_EQ(*chart.Find("version")->if_string(), "0.13.4");

  MirrorList no_charts = Sample();
  no_charts.charts.clear();
  auto one = serialize::ParseYamlDocuments(*Render(no_charts, "hauler"));
  ASSERT_THAT(one, IsOk());
  EXPECT_THAT(*one, SizeIs(1));
}

TEST(MirrorFormatsTest, ZarfPackageConfig) {
  auto doc = serialize::ParseYaml(*Render(Sample(), "zarf"));
  ASSERT_THAT(doc, IsOk());
  EXPECT_EQ(*doc->Find("kind")->if_string(), "ZarfPackageConfig");
  EXPECT_EQ(*doc->FindPath("metadata.name")->if_string(), "aicr");
  EXPECT_EQ(*doc->FindPath("metadata.version")->if_string(), "0.0.1");
  const auto& components = *doc->Find("components")->if_sequence();
  ASSERT_THAT(components, SizeIs(1));
  EXPECT_EQ(*components[0].Find("name")->if_string(), "aicr-images");
  EXPECT_TRUE(*components[0].Find("required")->if_bool());
  EXPECT_THAT(*components[0].Find("images")->if_sequence(), SizeIs(3));
  const auto& charts = *components[0].Find("charts")->if_sequence();
  EXPECT_EQ(*charts[0].Find("url")->if_string(), "https://charts.jetstack.io");
  EXPECT_EQ(*charts[0].Find("namespace")->if_string(), "cert-manager");
  EXPECT_EQ(*charts[1].Find("url")->if_string(), "oci://registry.k8s.io/kueue/charts/kueue");
  EXPECT_EQ(charts[1].Find("namespace"), nullptr);
}

TEST(MirrorFormatsTest, UnknownFormat) {
  EXPECT_THAT(Render(Sample(), "table"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "unknown output format \"table\" (supported: yaml, json, hauler, zarf)"));
}

TEST(MirrorFormatsTest, EmptyListStillHasEveryKey) {
  auto out = Render(MirrorList{}, "yaml");
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(*out, "images: []\ncharts: []\ncomponents: []\nmetadata: {}\n");
  EXPECT_THAT(*Render(MirrorList{}, "zarf"), HasSubstr("images: []"));
}

}  // namespace
}  // namespace aicr::mirror
