#include "recipe/criteria_registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/testing/status_matchers.h"

namespace aicr::recipe {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Result<std::string> Parse(Dimension d, std::string_view raw,
                          const CriteriaRegistry* registry = nullptr, bool strict = false) {
  return ParseCriteriaValue(d, raw, registry, strict);
}

TEST(ParseCriteriaValueTest, BuiltinValues) {
  for (const char* v : {"aks", "bcm", "eks", "gke", "kind", "lke", "metal3", "ocp", "oke"}) {
    EXPECT_THAT(Parse(Dimension::kService, v), IsOkAndHolds(std::string(v)));
  }
  for (const char* v :
       {"a100", "b200", "gb200", "gb300", "h100", "h200", "l40", "l40s", "rtx-pro-6000"}) {
    EXPECT_THAT(Parse(Dimension::kAccelerator, v), IsOkAndHolds(std::string(v)));
  }
  for (const char* v : {"inference", "training"}) {
    EXPECT_THAT(Parse(Dimension::kIntent, v), IsOkAndHolds(std::string(v)));
  }
  for (const char* v : {"amazonlinux", "cos", "ol", "rhel", "sles", "talos", "ubuntu"}) {
    EXPECT_THAT(Parse(Dimension::kOs, v), IsOkAndHolds(std::string(v)));
  }
  for (const char* v : {"dynamo", "kubeflow", "nim", "runai", "slurm"}) {
    EXPECT_THAT(Parse(Dimension::kPlatform, v), IsOkAndHolds(std::string(v)));
  }
}

TEST(ParseCriteriaValueTest, EmptyAndAnyMeanAny) {
  for (Dimension d : kDimensions) {
    EXPECT_THAT(Parse(d, ""), IsOkAndHolds(std::string("any")));
    EXPECT_THAT(Parse(d, "any"), IsOkAndHolds(std::string("any")));
    EXPECT_THAT(Parse(d, "  ANY "), IsOkAndHolds(std::string("any")));
  }
}

TEST(ParseCriteriaValueTest, Aliases) {
  EXPECT_THAT(Parse(Dimension::kService, "self-managed"), IsOkAndHolds(std::string("any")));
  EXPECT_THAT(Parse(Dimension::kService, "self"), IsOkAndHolds(std::string("any")));
  EXPECT_THAT(Parse(Dimension::kService, "vanilla"), IsOkAndHolds(std::string("any")));
  EXPECT_THAT(Parse(Dimension::kService, "openshift"), IsOkAndHolds(std::string("ocp")));
  EXPECT_THAT(Parse(Dimension::kService, "OpenShift"), IsOkAndHolds(std::string("ocp")));
  EXPECT_THAT(Parse(Dimension::kOs, "al2"), IsOkAndHolds(std::string("amazonlinux")));
  EXPECT_THAT(Parse(Dimension::kOs, "AL2023"), IsOkAndHolds(std::string("amazonlinux")));
  // Aliases are per dimension.
  EXPECT_THAT(Parse(Dimension::kOs, "openshift"),
              StatusIs(ErrorCode::kInvalidRequest, "invalid os type: openshift"));
}

TEST(ParseCriteriaValueTest, CaseAndWhitespaceAreNormalised) {
  EXPECT_THAT(Parse(Dimension::kService, "EKS"), IsOkAndHolds(std::string("eks")));
  EXPECT_THAT(Parse(Dimension::kService, "  gke\t"), IsOkAndHolds(std::string("gke")));
  EXPECT_THAT(Parse(Dimension::kAccelerator, "H100"), IsOkAndHolds(std::string("h100")));
  EXPECT_THAT(Parse(Dimension::kAccelerator, " RTX-PRO-6000 "),
              IsOkAndHolds(std::string("rtx-pro-6000")));
  EXPECT_THAT(Parse(Dimension::kIntent, "Training"), IsOkAndHolds(std::string("training")));
  EXPECT_THAT(Parse(Dimension::kOs, "Ubuntu"), IsOkAndHolds(std::string("ubuntu")));
  EXPECT_THAT(Parse(Dimension::kPlatform, "KubeFlow"), IsOkAndHolds(std::string("kubeflow")));
}

TEST(ParseCriteriaValueTest, InvalidValuesNameTheDimensionAndRawInput) {
  EXPECT_THAT(Parse(Dimension::kService, "windows"),
              StatusIs(ErrorCode::kInvalidRequest, "invalid service type: windows"));
  EXPECT_THAT(Parse(Dimension::kAccelerator, " H900 "),
              StatusIs(ErrorCode::kInvalidRequest, "invalid accelerator type:  H900 "));
  EXPECT_THAT(Parse(Dimension::kIntent, "batch"),
              StatusIs(ErrorCode::kInvalidRequest, "invalid intent type: batch"));
  EXPECT_THAT(Parse(Dimension::kOs, "windows"),
              StatusIs(ErrorCode::kInvalidRequest, "invalid os type: windows"));
  EXPECT_THAT(Parse(Dimension::kPlatform, "ray"),
              StatusIs(ErrorCode::kInvalidRequest, "invalid platform type: ray"));
}

TEST(ParseCriteriaValueTest, RegistryFallback) {
  CriteriaRegistry reg;
  reg.Add(Dimension::kService, "rke2", ValueOrigin::kEmbedded);
  reg.Add(Dimension::kService, "acme", ValueOrigin::kExternal);
  EXPECT_THAT(Parse(Dimension::kService, "RKE2", &reg), IsOkAndHolds(std::string("rke2")));
  EXPECT_THAT(Parse(Dimension::kService, " acme ", &reg), IsOkAndHolds(std::string("acme")));
  // Strict mode hides external-only values.
  EXPECT_THAT(Parse(Dimension::kService, "rke2", &reg, true), IsOkAndHolds(std::string("rke2")));
  EXPECT_THAT(Parse(Dimension::kService, "acme", &reg, true),
              StatusIs(ErrorCode::kInvalidRequest, "invalid service type: acme"));
  // Registered values are per dimension.
  EXPECT_THAT(Parse(Dimension::kPlatform, "rke2", &reg),
              StatusIs(ErrorCode::kInvalidRequest, "invalid platform type: rke2"));
}

TEST(CriteriaRegistryTest, AddNormalisesAndIgnoresAny) {
  CriteriaRegistry reg;
  reg.Add(Dimension::kAccelerator, "  VR200 ", ValueOrigin::kEmbedded);
  reg.Add(Dimension::kAccelerator, "any", ValueOrigin::kEmbedded);
  reg.Add(Dimension::kAccelerator, "", ValueOrigin::kEmbedded);
  EXPECT_THAT(reg.Values(Dimension::kAccelerator, false), ElementsAre("vr200"));
  EXPECT_TRUE(reg.Has(Dimension::kAccelerator, "Vr200", false));
  EXPECT_FALSE(reg.Has(Dimension::kAccelerator, "any", false));
  EXPECT_FALSE(reg.Has(Dimension::kService, "vr200", false));
  EXPECT_THAT(reg.Values(Dimension::kService, false), IsEmpty());
}

TEST(CriteriaRegistryTest, EmbeddedOriginIsNeverDowngraded) {
  CriteriaRegistry reg;
  reg.Add(Dimension::kService, "rke2", ValueOrigin::kEmbedded);
  reg.Add(Dimension::kService, "rke2", ValueOrigin::kExternal);
  EXPECT_TRUE(reg.Has(Dimension::kService, "rke2", true));

  // External first, then embedded: upgraded.
  reg.Add(Dimension::kService, "k0s", ValueOrigin::kExternal);
  EXPECT_FALSE(reg.Has(Dimension::kService, "k0s", true));
  reg.Add(Dimension::kService, "k0s", ValueOrigin::kEmbedded);
  EXPECT_TRUE(reg.Has(Dimension::kService, "k0s", true));
}

TEST(CriteriaRegistryTest, StrictHidesExternalValues) {
  CriteriaRegistry reg;
  reg.Add(Dimension::kService, "rke2", ValueOrigin::kEmbedded);
  reg.Add(Dimension::kService, "acme", ValueOrigin::kExternal);
  reg.Add(Dimension::kService, "generic", ValueOrigin::kEmbedded);
  EXPECT_THAT(reg.Values(Dimension::kService, false), ElementsAre("acme", "generic", "rke2"));
  EXPECT_THAT(reg.Values(Dimension::kService, true), ElementsAre("generic", "rke2"));
  EXPECT_TRUE(reg.Has(Dimension::kService, "acme", false));
  EXPECT_FALSE(reg.Has(Dimension::kService, "acme", true));
}

TEST(CriteriaRegistryTest, AllValuesIsSortedUnion) {
  EXPECT_THAT(AllValues(Dimension::kIntent, nullptr, false), ElementsAre("inference", "training"));
  CriteriaRegistry reg;
  reg.Add(Dimension::kPlatform, "kueue", ValueOrigin::kEmbedded);
  reg.Add(Dimension::kPlatform, "slurm", ValueOrigin::kEmbedded);  // already built in
  reg.Add(Dimension::kPlatform, "acme", ValueOrigin::kExternal);
  EXPECT_THAT(AllValues(Dimension::kPlatform, &reg, false),
              ElementsAre("acme", "dynamo", "kubeflow", "kueue", "nim", "runai", "slurm"));
  EXPECT_THAT(AllValues(Dimension::kPlatform, &reg, true),
              ElementsAre("dynamo", "kubeflow", "kueue", "nim", "runai", "slurm"));
}

TEST(CriteriaRegistryTest, BuiltinValuesAreSorted) {
  for (Dimension d : kDimensions) {
    const std::vector<std::string>& v = BuiltinValues(d);
    EXPECT_TRUE(std::is_sorted(v.begin(), v.end())) << DimensionName(d);
  }
  EXPECT_THAT(BuiltinValues(Dimension::kOs),
              ElementsAre("amazonlinux", "cos", "ol", "rhel", "sles", "talos", "ubuntu"));
}

TEST(CriteriaRegistryTest, StrictFromEnv) {
  const char* old = std::getenv("AICR_CRITERIA_STRICT");
  const std::string saved = old == nullptr ? "" : old;
  for (const char* v : {"1", "true", "YES", "On"}) {
    setenv("AICR_CRITERIA_STRICT", v, 1);
    EXPECT_TRUE(CriteriaStrictFromEnv()) << v;
  }
  for (const char* v : {"0", "false", "", "strict"}) {
    setenv("AICR_CRITERIA_STRICT", v, 1);
    EXPECT_FALSE(CriteriaStrictFromEnv()) << v;
  }
  unsetenv("AICR_CRITERIA_STRICT");
  EXPECT_FALSE(CriteriaStrictFromEnv());
  if (old != nullptr) {
    setenv("AICR_CRITERIA_STRICT", saved.c_str(), 1);
  }
}

}  // namespace
}  // namespace aicr::recipe
