#include "validator/catalog.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/data_provider.h"
#include "tests/testing/status_matchers.h"

namespace aicr::validator {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

std::string Catalog(const std::string& validators,
                    const std::string& api_version = std::string(kCatalogApiVersion),
                    const std::string& kind = "ValidatorCatalog") {
  return "apiVersion: " + api_version + "\nkind: " + kind +
         "\nmetadata:\n  name: test\n  version: \"1.0.0\"\nvalidators:\n" + validators;
}

const char kThree[] = R"(  - name: gpu-operator-health
    phase: deployment
    description: "Check GPU operator"
    image: ghcr.io/nvidia/aicr-validators/deployment:latest
    timeout: 2m
    args: [gpu-operator-health]
    env: []
  - name: nccl-bandwidth
    phase: performance
    description: "NCCL bandwidth"
    image: ghcr.io/nvidia/aicr-validators/performance:v1.2.3
    timeout: 10m
    args:
      - "--min-bw=100"
    env:
      - name: NCCL_DEBUG
        value: WARN
      - name: RETRIES
        value: 3
    resources: {cpu: "100m", memory: "128Mi"}
  - name: dra-support
    phase: conformance
    image: ghcr.io/nvidia/aicr-validators/conformance:latest
    timeout: 0
    dependencyAffinity:
      - componentRef: kube-prometheus-stack
        podLabelSelector:
          app.kubernetes.io/name: prometheus
        requirement: required
)";

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

TEST(CatalogTest, ParseValidCatalog) {
  auto cat = ParseCatalog(Catalog(kThree));
  ASSERT_THAT(cat, IsOk());
  EXPECT_EQ(cat->api_version, kCatalogApiVersion);
  EXPECT_EQ(cat->metadata.name, "test");
  EXPECT_EQ(cat->metadata.version, "1.0.0");
  ASSERT_EQ(cat->validators.size(), 3u);

  const ValidatorEntry& a = cat->validators[0];
  EXPECT_EQ(a.name, "gpu-operator-health");
  EXPECT_EQ(a.phase, Phase::kDeployment);
  EXPECT_EQ(a.description, "Check GPU operator");
  EXPECT_EQ(a.timeout, 2min);
  EXPECT_THAT(a.args, ElementsAre("gpu-operator-health"));
  EXPECT_TRUE(a.env.empty());
  EXPECT_FALSE(a.resources_set);
  EXPECT_EQ(a.resources.cpu, "1");
  EXPECT_EQ(a.resources.memory, "1Gi");

  const ValidatorEntry& b = cat->validators[1];
  EXPECT_EQ(b.phase, Phase::kPerformance);
  EXPECT_EQ(b.timeout, 10min);
  EXPECT_THAT(b.args, ElementsAre("--min-bw=100"));
  EXPECT_THAT(b.env, ElementsAre(EnvVar{"NCCL_DEBUG", "WARN"}, EnvVar{"RETRIES", "3"}));
  EXPECT_TRUE(b.resources_set);
  EXPECT_EQ(b.resources, (Resources{"100m", "128Mi"}));

  const ValidatorEntry& c = cat->validators[2];
  EXPECT_EQ(c.phase, Phase::kConformance);
  EXPECT_EQ(c.timeout, kDefaultValidatorTimeout) << "timeout 0 means the 5m default";
  EXPECT_EQ(c.timeout, 5min);
  ASSERT_EQ(c.dependency_affinity.size(), 1u);
  EXPECT_EQ(c.dependency_affinity[0].component_ref, "kube-prometheus-stack");
  EXPECT_EQ(c.dependency_affinity[0].pod_label_selector,
            (std::map<std::string, std::string>{{"app.kubernetes.io/name", "prometheus"}}));
  EXPECT_EQ(c.dependency_affinity[0].requirement, AffinityRequirement::kRequired);
}

TEST(CatalogTest, AcceptsTheLegacyApiVersion) {
  auto cat = ParseCatalog(Catalog(kThree, "aicr.nvidia.com/v1"));
  ASSERT_THAT(cat, IsOk());
  EXPECT_EQ(cat->api_version, "aicr.nvidia.com/v1");
}

TEST(CatalogTest, ParseInvalidAPIVersion) {
  EXPECT_THAT(ParseCatalog(Catalog("[]\n", "wrong/v1")),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("unsupported apiVersion \"wrong/v1\", expected "
                                 "\"validator.nvidia.com/v1alpha1\"")));
}

TEST(CatalogTest, ParseInvalidKind) {
  EXPECT_THAT(ParseCatalog(Catalog("[]\n", std::string(kCatalogApiVersion), "WrongKind")),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("unsupported kind \"WrongKind\"")));
}

TEST(CatalogTest, ParseDuplicateNames) {
  EXPECT_THAT(ParseCatalog(Catalog(R"(  - name: same-name
    phase: deployment
    image: img1:latest
  - name: same-name
    phase: conformance
    image: img2:latest
)")),
              StatusIs(ErrorCode::kInvalidRequest,
                       "validator catalog: validators[1]: duplicate name \"same-name\""));
}

TEST(CatalogTest, ParseEmptyName) {
  EXPECT_THAT(
      ParseCatalog(Catalog("  - name: \"\"\n    phase: deployment\n    image: x:1\n")),
      StatusIs(ErrorCode::kInvalidRequest, "validator catalog: validators[0]: name is required"));
  EXPECT_THAT(ParseCatalog(Catalog("  - phase: deployment\n    image: x:1\n")),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("name is required")));
}

TEST(CatalogTest, ParseInvalidPhase) {
  EXPECT_THAT(ParseCatalog(Catalog("  - name: v1\n    phase: readiness\n    image: img:latest\n")),
              StatusIs(ErrorCode::kInvalidRequest,
                       "validator catalog: validators[0] \"v1\": invalid phase \"readiness\", "
                       "must be one of: deployment, performance, conformance"));
  EXPECT_THAT(ParseCatalog(Catalog("  - name: v1\n    image: img:latest\n")),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("invalid phase \"\"")));
}

TEST(CatalogTest, ParseEmptyImage) {
  EXPECT_THAT(ParseCatalog(Catalog("  - name: v1\n    phase: deployment\n    image: \"\"\n")),
              StatusIs(ErrorCode::kInvalidRequest,
                       "validator catalog: validators[0] \"v1\": image is required"));
}

TEST(CatalogTest, ParseInvalidYAML) {
  auto r = ParseCatalog("not: valid: yaml: [");
  EXPECT_THAT(r, StatusIs(ErrorCode::kInvalidRequest, HasSubstr("validator catalog: yaml: ")));
}

TEST(CatalogTest, MalformedFieldsNameTheEntry) {
  const std::string head = "  - name: v1\n    phase: deployment\n    image: img:1\n";
  EXPECT_THAT(ParseCatalog(Catalog(head + "    timeout: soon\n")),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("validators[0] \"v1\": invalid timeout \"soon\"")));
  EXPECT_THAT(ParseCatalog(Catalog(head + "    timeout: 30\n")),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("validators[0] \"v1\": timeout 30 has no unit")));
  EXPECT_THAT(ParseCatalog(Catalog(head + "    timeout: -1m\n")),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("invalid timeout \"-1m\"")));
  EXPECT_THAT(ParseCatalog(Catalog(head + "    args: x\n")),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("validators[0] \"v1\": args: list expected, got string")));
  EXPECT_THAT(ParseCatalog(Catalog(head + "    env: [{value: x}]\n")),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("validators[0] \"v1\": env[0]: name is required")));
  EXPECT_THAT(ParseCatalog(Catalog(head + "    env: [{name: A}, {name: A}]\n")),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("env[1]: duplicate name \"A\"")));
  EXPECT_THAT(
      ParseCatalog(Catalog(head + "    resources: 2\n")),
      StatusIs(ErrorCode::kInvalidRequest, HasSubstr("resources: mapping expected, got int")));
  EXPECT_THAT(ParseCatalog(Catalog(head + "    dependencyAffinity:\n      - componentRef: x\n")),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("dependencyAffinity[0]: podLabelSelector is required")));
  EXPECT_THAT(ParseCatalog(
                  Catalog(head + "    dependencyAffinity:\n      - componentRef: x\n"
                                 "        podLabelSelector: {a: b}\n        requirement: maybe\n")),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("invalid requirement \"maybe\"")));
  EXPECT_THAT(ParseCatalog(Catalog("  - just-a-string\n")),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("validators[0]: mapping expected, got string")));
  EXPECT_THAT(ParseCatalog("apiVersion: validator.nvidia.com/v1alpha1\nkind: ValidatorCatalog\n"
                           "validators: {}\n"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("validators: list expected")));
}

TEST(CatalogTest, HalfSpecifiedResourcesKeepTheOtherDefault) {
  auto cat = ParseCatalog(
      Catalog("  - name: v1\n    phase: deployment\n    image: i:1\n    resources: {cpu: 2}\n"));
  ASSERT_THAT(cat, IsOk());
  EXPECT_EQ(cat->validators[0].resources, (Resources{"2", "1Gi"}));
}

TEST(CatalogTest, UnknownKeysAreIgnored) {
  auto cat = ParseCatalog(
      Catalog("  - name: v1\n    phase: deployment\n    image: i:1\n    futureField: 1\n"));
  ASSERT_THAT(cat, IsOk());
  EXPECT_EQ(cat->validators.size(), 1u);
}

TEST(CatalogTest, ForPhaseAndFind) {
  auto cat = ParseCatalog(Catalog(kThree));
  ASSERT_THAT(cat, IsOk());
  EXPECT_EQ(cat->ForPhase(Phase::kDeployment).size(), 1u);
  EXPECT_EQ(cat->ForPhase(Phase::kPerformance).size(), 1u);
  EXPECT_EQ(cat->ForPhase(Phase::kConformance)[0].name, "dra-support");
  ASSERT_NE(cat->Find("nccl-bandwidth"), nullptr);
  EXPECT_EQ(cat->Find("nccl-bandwidth")->phase, Phase::kPerformance);
  EXPECT_EQ(cat->Find("nope"), nullptr);
}

TEST(CatalogTest, PhaseNames) {
  EXPECT_EQ(PhaseName(Phase::kDeployment), "deployment");
  EXPECT_EQ(PhaseName(Phase::kPerformance), "performance");
  EXPECT_EQ(PhaseName(Phase::kConformance), "conformance");
  EXPECT_EQ(ParsePhase("conformance"), Phase::kConformance);
  EXPECT_EQ(ParsePhase("readiness"), std::nullopt);
  EXPECT_EQ(ParsePhase("Deployment"), std::nullopt);
}

TEST(CatalogTest, ParseGoDuration) {
  EXPECT_THAT(ParseGoDuration("2m"), IsOkAndHolds(2min));
  EXPECT_THAT(ParseGoDuration("90s"), IsOkAndHolds(90s));
  EXPECT_THAT(ParseGoDuration("1h5m30s"), IsOkAndHolds(1h + 5min + 30s));
  EXPECT_THAT(ParseGoDuration("1.5h"), IsOkAndHolds(90min));
  EXPECT_THAT(ParseGoDuration("250ms"), IsOkAndHolds(250ms));
  EXPECT_THAT(ParseGoDuration(".5s"), IsOkAndHolds(500ms));
  EXPECT_THAT(ParseGoDuration("0"), IsOkAndHolds(0ms));
  EXPECT_THAT(ParseGoDuration("0s"), IsOkAndHolds(0ms));
  EXPECT_THAT(ParseGoDuration("1500us"), IsOkAndHolds(1ms));
  for (const char* bad :
       {"", "5", "m", "1x", ".s", "1..5s", "-1s", "1 s", "s5", "99999999999999h"}) {
    EXPECT_THAT(ParseGoDuration(bad), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("invalid")))
        << bad;
  }
}

TEST(CatalogTest, FormatGoDuration) {
  EXPECT_EQ(FormatGoDuration(0ms), "0s");
  EXPECT_EQ(FormatGoDuration(250ms), "250ms");
  EXPECT_EQ(FormatGoDuration(2min), "2m0s");
  EXPECT_EQ(FormatGoDuration(1500ms), "1.5s");
  EXPECT_EQ(FormatGoDuration(65min), "1h5m0s");
}

TEST(CatalogTest, ReplaceRegistry) {
  struct Case {
    const char* image;
    const char* registry;
    const char* want;
  };
  const Case cases[] = {
      {"ghcr.io/nvidia/aicr-validators/deployment:latest", "localhost:5001",
       "localhost:5001/aicr-validators/deployment:latest"},
      {"registry.io/image:tag", "newregistry", "newregistry/image:tag"},
      {"image", "localhost:5001", "image"},
      {"ghcr.io/nvidia/aicr-validators/deployment:latest", "",
       "/aicr-validators/deployment:latest"},
      {"ghcr.io/nvidia/aicr-validators/sub/path:v1.0.0", "myregistry.io",
       "myregistry.io/aicr-validators/sub/path:v1.0.0"},
      {"registry.io/myimage@sha256:abc123", "other.io", "other.io/myimage@sha256:abc123"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ReplaceRegistry(c.image, c.registry), c.want) << c.image << " " << c.registry;
  }
}

TEST(CatalogTest, LatestTagRewriteOnlyForReleases) {
  EXPECT_TRUE(IsReleaseVersion("v0.13.0"));
  EXPECT_FALSE(IsReleaseVersion("dev"));
  EXPECT_FALSE(IsReleaseVersion(""));
  EXPECT_FALSE(IsReleaseVersion("0.13.0"));
  EXPECT_FALSE(IsReleaseVersion("v0.0.0-next"));
  EXPECT_EQ(ReplaceLatestTag("ghcr.io/nvidia/x:latest", "v1.2.3"), "ghcr.io/nvidia/x:v1.2.3");
  EXPECT_EQ(ReplaceLatestTag("ghcr.io/nvidia/x:v0.9.0", "v1.2.3"), "ghcr.io/nvidia/x:v0.9.0");
  EXPECT_EQ(ReplaceLatestTag("ghcr.io/nvidia/x", "v1.2.3"), "ghcr.io/nvidia/x");

  auto cat = ParseCatalog(Catalog(kThree));
  ASSERT_THAT(cat, IsOk());
  ValidatorCatalog release = *cat;
  RewriteImages(release, "v0.13.0", "");
  EXPECT_EQ(release.validators[0].image, "ghcr.io/nvidia/aicr-validators/deployment:v0.13.0");
  EXPECT_EQ(release.validators[1].image, "ghcr.io/nvidia/aicr-validators/performance:v1.2.3")
      << "explicit tags are untouched";
  ValidatorCatalog dev = *cat;
  RewriteImages(dev, "dev", "");
  EXPECT_EQ(dev.validators[0].image, "ghcr.io/nvidia/aicr-validators/deployment:latest");
}

TEST(CatalogTest, LoadEmbeddedCatalog) {
  auto cat = LoadCatalog(catalog::EmbeddedProvider(), {"dev", Env({})});
  ASSERT_THAT(cat, IsOk());
  EXPECT_EQ(cat->api_version, kCatalogApiVersion);
  EXPECT_EQ(cat->metadata.version, "1.0.0");
  ASSERT_FALSE(cat->validators.empty());
  EXPECT_EQ(cat->validators[0].name, "operator-health");
  for (Phase p : kPhases) {
    EXPECT_FALSE(cat->ForPhase(p).empty()) << PhaseName(p);
  }
  for (const ValidatorEntry& e : cat->validators) {
    EXPECT_EQ(e.image.rfind("ghcr.io/nvidia/", 0), 0u) << e.image;
    ASSERT_FALSE(e.args.empty()) << e.name;
    EXPECT_EQ(e.args[0], e.name) << "the first arg selects the check";
  }
}

TEST(CatalogTest, LoadWithRegistryOverride) {
  auto cat = LoadCatalog(catalog::EmbeddedProvider(),
                         {"v0.13.0", Env({{"AICR_VALIDATOR_IMAGE_REGISTRY", "localhost:5001"}})});
  ASSERT_THAT(cat, IsOk());
  for (const ValidatorEntry& e : cat->validators) {
    EXPECT_EQ(e.image.rfind("localhost:5001/aicr-validators/", 0), 0u) << e.image;
    EXPECT_EQ(e.image.substr(e.image.size() - 8), ":v0.13.0") << e.image;
  }
}

TEST(CatalogTest, LoadWithoutRegistryOverride) {
  auto cat = LoadCatalog(catalog::EmbeddedProvider(),
                         {"dev", Env({{"AICR_VALIDATOR_IMAGE_REGISTRY", ""}})});
  ASSERT_THAT(cat, IsOk());
  for (const ValidatorEntry& e : cat->validators) {
    EXPECT_EQ(e.image.find("localhost"), std::string::npos) << e.image;
    EXPECT_EQ(e.image.substr(e.image.size() - 7), ":latest") << e.image;
  }
}

TEST(CatalogTest, LoadFromAProviderReportsItsErrors) {
  auto missing = catalog::MakeMemoryProvider({{"registry.yaml", "x: 1\n"}});
  EXPECT_THAT(LoadCatalog(*missing, {"dev", Env({})}),
              StatusIs(ErrorCode::kNotFound, HasSubstr("validators/catalog.yaml")));
  auto broken = catalog::MakeMemoryProvider(
      {{"validators/catalog.yaml", Catalog("  - name: v1\n    phase: nope\n    image: i\n")}});
  EXPECT_THAT(LoadCatalog(*broken, {"dev", Env({})}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("invalid phase \"nope\"")));
  auto good = catalog::MakeMemoryProvider({{"validators/catalog.yaml", Catalog(kThree)}});
  auto cat = LoadCatalog(*good, {"v2.0.0", Env({{"AICR_VALIDATOR_IMAGE_REGISTRY", "r.example"}})});
  ASSERT_THAT(cat, IsOk());
  EXPECT_EQ(cat->validators[0].image, "r.example/aicr-validators/deployment:v2.0.0");
}

class SelectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cat = ParseCatalog(Catalog(R"(  - name: a
    phase: deployment
    image: i:1
  - name: b
    phase: deployment
    image: i:1
  - name: c
    phase: deployment
    image: i:1
  - name: nccl
    phase: performance
    image: i:1
  - name: dra
    phase: conformance
    image: i:1
)"));
    ASSERT_THAT(cat, IsOk());
    cat_ = *cat;
  }
  ValidatorCatalog cat_;
};

std::vector<std::string> Names(const std::vector<ValidatorEntry>& entries) {
  std::vector<std::string> out;
  for (const ValidatorEntry& e : entries) {
    out.push_back(e.name);
  }
  return out;
}

TEST_F(SelectionTest, OnlyNamedEntriesInCatalogueOrder) {
  EXPECT_THAT(Names(SelectEntries(cat_, Phase::kDeployment, {"c", "a"})), ElementsAre("a", "c"));
  EXPECT_TRUE(SelectEntries(cat_, Phase::kDeployment, {}).empty()) << "no checks: nothing runs";
  EXPECT_TRUE(SelectEntries(cat_, Phase::kDeployment, {"nccl"}).empty())
      << "a name from another phase does not select";
}

TEST_F(SelectionTest, UnmatchedChecksNoteTheOtherPhase) {
  EXPECT_THAT(UnmatchedChecks(cat_, Phase::kDeployment, {"a", "nccl", "typo", "typo"}),
              ElementsAre(UnmatchedCheck{"nccl", Phase::kDeployment, Phase::kPerformance},
                          UnmatchedCheck{"typo", Phase::kDeployment, std::nullopt}));
  EXPECT_TRUE(UnmatchedChecks(cat_, Phase::kDeployment, {"a", "b"}).empty());
}

TEST_F(SelectionTest, DuplicateChecksReportedOnceInOrder) {
  EXPECT_THAT(DuplicateChecks({"b", "a", "b", "a", "b", "c"}), ElementsAre("b", "a"));
  EXPECT_TRUE(DuplicateChecks({"a", "b"}).empty());
}

TEST_F(SelectionTest, ResolveChecksRejectsUnknownAndDuplicateNames) {
  EXPECT_THAT(ResolveChecks(cat_, Phase::kDeployment, {"b", "a"}),
              IsOkAndHolds(::testing::ResultOf(Names, ElementsAre("a", "b"))));
  EXPECT_THAT(ResolveChecks(cat_, Phase::kDeployment, {"a", "a"}),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("validation.deployment.checks: duplicate check \"a\"")));
  EXPECT_THAT(ResolveChecks(cat_, Phase::kConformance, {"nccl"}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "validation.conformance.checks: unknown check \"nccl\" (it is a "
                       "performance check); conformance checks are: dra"));
  EXPECT_THAT(ResolveChecks(cat_, Phase::kConformance, {"drb"}),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("unknown check \"drb\" (did you mean \"dra\"?)")));
  EXPECT_THAT(ResolveChecks(cat_, Phase::kPerformance, {}), IsOkAndHolds(::testing::IsEmpty()));
}

TEST(DeclaredChecksTest, ReadsThePhaseFromTheRecipe) {
  recipe::ValidationConfig v;
  EXPECT_TRUE(DeclaredChecks(v, Phase::kDeployment).empty());
  v.deployment = recipe::ValidationPhase{};
  EXPECT_TRUE(DeclaredChecks(v, Phase::kDeployment).empty());
  v.deployment->checks = std::vector<std::string>{"operator-health", "check-nvidia-smi"};
  v.conformance = recipe::ValidationPhase{};
  v.conformance->checks = std::vector<std::string>{"dra-support"};
  EXPECT_THAT(DeclaredChecks(v, Phase::kDeployment),
              ElementsAre("operator-health", "check-nvidia-smi"));
  EXPECT_TRUE(DeclaredChecks(v, Phase::kPerformance).empty());
  EXPECT_THAT(DeclaredChecks(v, Phase::kConformance), ElementsAre("dra-support"));
}

TEST(DeclaredChecksTest, EveryEmbeddedEntryResolvesInItsOwnPhase) {
  auto cat = LoadCatalog(catalog::EmbeddedProvider(), {"dev", Env({})});
  ASSERT_THAT(cat, IsOk());
  for (Phase p : kPhases) {
    std::vector<std::string> all;
    for (const ValidatorEntry& e : cat->ForPhase(p)) {
      all.push_back(e.name);
    }
    EXPECT_THAT(ResolveChecks(*cat, p, all), IsOk());
  }
}

}  // namespace
}  // namespace aicr::validator
