#include "mirror/discover.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>

#include "catalog/data_provider.h"
#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::mirror {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr std::string_view kRegistry = R"(apiVersion: aicr.run/v1beta1
kind: ComponentRegistry
components:
  - name: web
    displayName: Web
    valueOverrideKeys: [webapp]
  - name: broken
    displayName: Broken
  - name: local
    displayName: Local manifests
  - name: kust
    displayName: Kustomized
  - name: off
    displayName: Disabled
)";

constexpr std::string_view kBase = R"(kind: RecipeMetadata
apiVersion: aicr.run/v1beta1
metadata:
  name: base
spec:
  componentRefs:
    - name: web
      type: Helm
)";

recipe::ComponentRef Ref(std::string name, std::string type, std::string source) {
  recipe::ComponentRef ref;
  ref.name = std::move(name);
  ref.type = std::move(type);
  ref.source = std::move(source);
  return ref;
}

class DiscoverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    provider_ = catalog::MakeMemoryProvider({
        {"registry.yaml", std::string(kRegistry)},
        {"overlays/base.yaml", std::string(kBase)},
        {"components/web/values.yaml", "image:\n  ref: example.com/web:1.0\nsidecar: true\n"},
        {"components/local/manifests/job.yaml",
         "apiVersion: batch/v1\nkind: Job\nspec:\n  template:\n    spec:\n      containers:\n"
         "        - image: {{ index .Values \"local\" \"tool\" }}\n"
         "---\nkind: ConfigMap\ndata:\n  image: example.com/not-in-a-container:1\n"},
        {"components/local/values.yaml", "tool: example.com/tool:3\n"},
        {"components/kust/manifests/bad.yaml", "{{ .Values.x | nosuchfunc }}\n"},
    });
    auto store = recipe::GetStore(*provider_);
    ASSERT_THAT(store, IsOk());
    store_ = std::move(store).value();

    recipe_.metadata.version = "v1.2.3";
    recipe::Constraint k8s;
    k8s.name = "K8s.server.version";
    k8s.value = ">= 1.32.4";
    recipe_.constraints = {k8s};
    recipe::ComponentRef web = Ref("web", "Helm", "https://charts.example.com");
    web.namespace_ = "web-ns";
    web.chart = "web-chart";
    web.version = "1.0.0";
    web.values_file = "components/web/values.yaml";
    recipe::ComponentRef broken = Ref("broken", "Helm", "oci://registry.example.com/charts");
    broken.chart = "broken";
    broken.version = "0.1.0";
    recipe::ComponentRef local = Ref("local", "Helm", "");
    local.values_file = "components/local/values.yaml";
    local.manifest_files = {"components/local/manifests/job.yaml"};
    local.pre_manifest_files = {"components/local/manifests/missing.yaml"};
    recipe::ComponentRef kust = Ref("kust", "Kustomize", "https://github.com/example/kust");
    kust.manifest_files = {"components/kust/manifests/bad.yaml"};
    recipe::ComponentRef off = Ref("off", "Helm", "https://off.example.com");
    off.overrides = serialize::ParseYaml("enabled: false").value();
    recipe_.component_refs = {web, broken, local, kust, off};
    recipe_.deployment_order = {"local", "web", "broken", "kust", "off"};
  }

  // Renders a Deployment whose image is the values' `image.ref`, plus a sidecar
  // when `sidecar` is true; the "broken" chart fails.
  DiscoverOptions Options() {
    DiscoverOptions o;
    o.version = "v9.9.9";
    o.renderer = [this](const ChartInput& in, const CancelToken&) -> Result<std::string> {
      {
        std::lock_guard<std::mutex> lock(mu_);
        inputs_.push_back(in);
      }
      if (in.release == "broken") {
        return UnavailableError("helm template: chart \"broken\" version \"0.1.0\" not found");
      }
      auto values = serialize::ParseYaml(in.values_yaml);
      if (!values.ok()) {
        return values.status();
      }
      std::string out =
          "---\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
          "        - image: " +
          *values->FindPath("image.ref")->if_string() + "\n";
      if (*values->Find("sidecar")->if_bool()) {
        out += "        - image: example.com/sidecar:2\n";
      }
      return out;
    };
    return o;
  }

  std::unique_ptr<catalog::DataProvider> provider_;
  std::shared_ptr<const recipe::Store> store_;
  recipe::RecipeResult recipe_;
  std::mutex mu_;
  std::vector<ChartInput> inputs_;
};

TEST_F(DiscoverTest, ImagesChartsAndWarningsInDeploymentOrder) {
  auto list = Discover(recipe_, *store_, Options());
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(list->images, ElementsAre("example.com/not-in-a-container:1", "example.com/sidecar:2",
                                        "example.com/tool:3", "example.com/web:1.0"));
  EXPECT_EQ(list->recipe_version, "v1.2.3");
  ASSERT_THAT(list->components, SizeIs(4));  // "off" is disabled

  EXPECT_EQ(list->components[0].component, "local");
  EXPECT_EQ(list->components[0].type, "helm");
  EXPECT_THAT(list->components[0].images,
              ElementsAre("example.com/not-in-a-container:1", "example.com/tool:3"));
  EXPECT_THAT(
      list->components[0].warnings,
      ElementsAre(HasSubstr("manifest read failed components/local/manifests/missing.yaml")));

  EXPECT_EQ(list->components[1].component, "web");
  EXPECT_THAT(list->components[1].images,
              ElementsAre("example.com/sidecar:2", "example.com/web:1.0"));
  EXPECT_THAT(list->components[1].warnings, IsEmpty());

  EXPECT_EQ(list->components[2].component, "broken");
  EXPECT_THAT(list->components[2].images, IsEmpty());
  EXPECT_THAT(list->components[2].warnings,
              ElementsAre("helm template failed: helm template: chart \"broken\" version "
                          "\"0.1.0\" not found"));

  EXPECT_EQ(list->components[3].component, "kust");
  EXPECT_EQ(list->components[3].type, "kustomize");
  EXPECT_THAT(list->components[3].warnings,
              ElementsAre(HasSubstr("manifest render failed components/kust/manifests/bad.yaml")));

  ASSERT_THAT(list->charts, SizeIs(2));
  EXPECT_EQ(list->charts[0].name, "web");
  EXPECT_EQ(list->charts[0].repository, "https://charts.example.com");
  EXPECT_EQ(list->charts[0].chart, "web-chart");
  EXPECT_EQ(list->charts[0].version, "1.0.0");
  EXPECT_EQ(list->charts[0].namespace_, "web-ns");
  EXPECT_EQ(list->charts[1].name, "broken");
  EXPECT_EQ(list->charts[1].repository, "oci://registry.example.com/charts");

  // Only components with a chart reach helm, with their merged values.
  ASSERT_THAT(inputs_, SizeIs(2));
}

TEST_F(DiscoverTest, ComponentRefOrderDoesNotChangeTheList) {
  auto first = Discover(recipe_, *store_, Options());
  ASSERT_THAT(first, IsOk());
  std::reverse(recipe_.component_refs.begin(), recipe_.component_refs.end());
  auto second = Discover(recipe_, *store_, Options());
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(*first, *second);
}

TEST_F(DiscoverTest, SetOverridesReachTheRenderByNameOrAlias) {
  DiscoverOptions o = Options();
  o.set = {"webapp:image.ref=example.com/web:2.0", "web:sidecar=false"};
  auto list = Discover(recipe_, *store_, o);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(list->components[1].images, ElementsAre("example.com/web:2.0"));
}

TEST_F(DiscoverTest, EnabledFalseDropsAComponent) {
  DiscoverOptions o = Options();
  o.set = {"web:enabled=false"};
  auto list = Discover(recipe_, *store_, o);
  ASSERT_THAT(list, IsOk());
  ASSERT_THAT(list->components, SizeIs(3));
  EXPECT_EQ(list->components[1].component, "broken");
  EXPECT_THAT(list->images, ElementsAre("example.com/not-in-a-container:1", "example.com/tool:3"));
}

TEST_F(DiscoverTest, BadSetIsAnError) {
  DiscoverOptions o = Options();
  o.set = {"no-colon"};
  EXPECT_THAT(Discover(recipe_, *store_, o), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("")));
  o.set = {"nosuch:a=b"};
  EXPECT_THAT(Discover(recipe_, *store_, o), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("")));
}

TEST_F(DiscoverTest, CancellationIsFatal) {
  DiscoverOptions o = Options();
  CancelToken token;
  o.cancel = token;
  o.renderer = [token](const ChartInput&, const CancelToken& cancel) -> Result<std::string> {
    token.Cancel();
    return cancel.Check();
  };
  EXPECT_THAT(Discover(recipe_, *store_, o), StatusIs(ErrorCode::kCanceled, HasSubstr("")));
}

TEST_F(DiscoverTest, RecipeVersionFallsBackToTheTool) {
  recipe_.metadata.version.clear();
  auto list = Discover(recipe_, *store_, Options());
  ASSERT_THAT(list, IsOk());
  EXPECT_EQ(list->recipe_version, "v9.9.9");
}

TEST_F(DiscoverTest, EmptyRecipeIsAnError) {
  recipe_.component_refs.clear();
  EXPECT_THAT(Discover(recipe_, *store_, Options()),
              StatusIs(ErrorCode::kInvalidRequest, "recipe has no component references"));
}

}  // namespace
}  // namespace aicr::mirror
