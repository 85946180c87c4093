#include "layout/argo.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::layout::argo {
namespace {

using ::testing::HasSubstr;

Folder MakeFolder(std::string release, FolderRole role, int index, int level) {
  Folder f;
  f.release = release;
  f.component = release;
  f.dir = "00" + std::to_string(index) + "-" + release;
  f.role = role;
  f.index = index;
  f.level = level;
  return f;
}

TEST(ArgoNamesTest, Dns1123LabelsAndSubdomains) {
  EXPECT_TRUE(IsDns1123Label("gpu-operator"));
  EXPECT_TRUE(IsDns1123Label("a"));
  EXPECT_FALSE(IsDns1123Label(""));
  EXPECT_FALSE(IsDns1123Label("-a"));
  EXPECT_FALSE(IsDns1123Label("a-"));
  EXPECT_FALSE(IsDns1123Label("A"));
  EXPECT_FALSE(IsDns1123Label("a.b"));
  EXPECT_TRUE(IsDns1123Label(std::string(63, 'a')));
  EXPECT_FALSE(IsDns1123Label(std::string(64, 'a')));

  EXPECT_TRUE(IsDns1123Subdomain("team-a.gpu"));
  EXPECT_FALSE(IsDns1123Subdomain("team-a..gpu"));
  EXPECT_FALSE(IsDns1123Subdomain(".a"));
  EXPECT_FALSE(IsDns1123Subdomain("a."));
  EXPECT_FALSE(IsDns1123Subdomain(std::string(64, 'a') + ".b"));
  std::string long_name;
  for (int i = 0; i < 4; ++i) {
    long_name += std::string(63, 'a') + ".";
  }
  long_name += "b";  // 257 characters, every label valid
  EXPECT_FALSE(IsDns1123Subdomain(long_name));
  EXPECT_TRUE(IsDns1123Subdomain(long_name.substr(0, 253 - 2) + ".b"));
}

TEST(ArgoOptionsTest, EmptyOptionsAreDefaults) { EXPECT_THAT(ValidateArgoOptions({}), IsOk()); }

TEST(ArgoOptionsTest, AcceptsValidOptions) {
  GitOpsOptions o;
  o.app_name = "tenant-a.stack";
  o.name_prefix = "tenant-a-";
  o.destination_server = "https://10.0.0.1:6443/path";
  o.project = "gpu.team-a";
  EXPECT_THAT(ValidateArgoOptions(o), IsOk());
}

TEST(ArgoOptionsTest, RejectsInvalidOptionsWithSpecificMessages) {
  GitOpsOptions o;
  o.app_name = "Stack";
  EXPECT_THAT(ValidateArgoOptions(o),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("invalid app name \"Stack\": must be a DNS-1123 subdomain")));

  o = {};
  o.name_prefix = "-x";
  EXPECT_THAT(ValidateArgoOptions(o), StatusIs(ErrorCode::kInvalidRequest,
                                               HasSubstr("invalid deployer namePrefix \"-x\"")));
  o.name_prefix = "Team-";
  EXPECT_THAT(ValidateArgoOptions(o),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("invalid deployer namePrefix")));

  for (const char* bad :
       {"http://cluster", "HTTPS://cluster", "https://", "https://:6443", "https:///path"}) {
    o = {};
    o.destination_server = bad;
    EXPECT_THAT(ValidateArgoOptions(o),
                StatusIs(ErrorCode::kInvalidRequest,
                         HasSubstr("must be an absolute https:// URL (lower-case scheme)")))
        << bad;
  }
  for (const char* bad : {"https://o'brien:6443", "https://a\"b", "https://a b",
                          "https://user:pw@host", "https://host\t"}) {
    o = {};
    o.destination_server = bad;
    EXPECT_THAT(ValidateArgoOptions(o),
                StatusIs(ErrorCode::kInvalidRequest,
                         HasSubstr("must not contain quotes, whitespace, control characters")))
        << bad;
  }

  o = {};
  o.project = std::string(64, 'p');
  EXPECT_THAT(ValidateArgoOptions(o),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("invalid deployer project \"" + std::string(64, 'p'))));
  o.project = "a_b";
  EXPECT_THAT(ValidateArgoOptions(o),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("must be a DNS-1123 subdomain")));
}

TEST(ArgoNamesTest, ChildApplicationName) {
  GitOpsOptions o;
  o.name_prefix = "tenant-a-";
  const Folder f = MakeFolder("gpu-operator-post", FolderRole::kPost, 2, 0);
  EXPECT_THAT(ChildApplicationName(o, f, "nvidia-stack"),
              IsOkAndHolds(std::string("tenant-a-gpu-operator-post")));

  o.name_prefix = std::string(40, 'x');  // 40 + 17 = 57 > 53
  EXPECT_THAT(ChildApplicationName(o, f, "nvidia-stack"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("57 characters long")));

  o.name_prefix = "";
  EXPECT_THAT(
      ChildApplicationName(o, MakeFolder("nvidia-stack", FolderRole::kPrimary, 1, 0),
                           "nvidia-stack"),
      StatusIs(ErrorCode::kInvalidRequest, HasSubstr("collides with the parent Application name")));
  EXPECT_THAT(ChildApplicationName(o, MakeFolder("Bad", FolderRole::kPrimary, 1, 0), "p"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("is not a DNS-1123 subdomain")));
}

TEST(ArgoSyncWaveTest, LevelBandsAndSerial) {
  Plan plan;
  EXPECT_EQ(SyncWave(plan, MakeFolder("a-pre", FolderRole::kPre, 1, 0)), 0);
  EXPECT_EQ(SyncWave(plan, MakeFolder("a", FolderRole::kPrimary, 2, 0)), 1);
  EXPECT_EQ(SyncWave(plan, MakeFolder("a-post", FolderRole::kPost, 3, 0)), 2);
  EXPECT_EQ(SyncWave(plan, MakeFolder("a-readiness", FolderRole::kReadiness, 4, 0)), 3);
  EXPECT_EQ(SyncWave(plan, MakeFolder("b-pre", FolderRole::kPre, 5, 1)), 4);
  EXPECT_EQ(SyncWave(plan, MakeFolder("b", FolderRole::kPrimary, 6, 2)), 9);
  plan.serial = true;
  EXPECT_EQ(SyncWave(plan, MakeFolder("a-pre", FolderRole::kPre, 1, 0)), 0);
  EXPECT_EQ(SyncWave(plan, MakeFolder("b", FolderRole::kPrimary, 6, 2)), 5);
}

TEST(ArgoChartTest, HttpsStripsVAndOciKeepsTagAndAppendsChart) {
  ComponentPlan c;
  c.name = "gpu-operator";
  c.repository = "https://helm.ngc.nvidia.com/nvidia";
  c.version = "v25.3.3";
  EXPECT_EQ(ChartName(c), "gpu-operator");
  EXPECT_EQ(ChartRepoURL(c), "https://helm.ngc.nvidia.com/nvidia");
  EXPECT_EQ(ChartTargetRevision(c), "25.3.3");

  c.repository = "oci://ghcr.io/nvidia/charts//";
  c.chart = "aibom";
  c.version = "v1.3.0";
  EXPECT_EQ(ChartName(c), "aibom");
  EXPECT_EQ(ChartRepoURL(c), "oci://ghcr.io/nvidia/charts/aibom");
  EXPECT_EQ(ChartTargetRevision(c), "v1.3.0");
}

TEST(ArgoComputeDomainsTest, GatedOnVersionDraDriverAndPrimaryFolder) {
  Plan plan;
  ComponentPlan gpu;
  gpu.name = "gpu-operator";
  gpu.version = "v26.7.0";
  plan.components.push_back(gpu);
  const Folder primary = MakeFolder("gpu-operator", FolderRole::kPrimary, 1, 0);
  EXPECT_FALSE(IgnoresComputeDomainDifferences(plan, primary)) << "no DRA driver";

  ComponentPlan dra;
  dra.name = "nvidia-dra-driver-gpu";
  plan.components.push_back(dra);
  EXPECT_TRUE(IgnoresComputeDomainDifferences(plan, primary));
  Folder post = MakeFolder("gpu-operator-post", FolderRole::kPost, 2, 0);
  post.component = "gpu-operator";
  EXPECT_FALSE(IgnoresComputeDomainDifferences(plan, post));

  plan.components[1].name = "nvidia-dra-driver-gpu-ocp";
  EXPECT_TRUE(IgnoresComputeDomainDifferences(plan, primary));
  plan.components[0].version = "v26.10.1-rc.1";
  EXPECT_TRUE(IgnoresComputeDomainDifferences(plan, primary));
  plan.components[0].version = "v26.3.3";
  EXPECT_FALSE(IgnoresComputeDomainDifferences(plan, primary));
  plan.components[0].version = "25.12.9";
  EXPECT_FALSE(IgnoresComputeDomainDifferences(plan, primary));
  plan.components[0].version = "latest";
  EXPECT_FALSE(IgnoresComputeDomainDifferences(plan, primary));
}

TEST(ArgoQuotingTest, ScalarsReadBackAsTheSameString) {
  EXPECT_EQ(SingleQuoted("https://github.com/o/r.git"), "'https://github.com/o/r.git'");
  EXPECT_EQ(SingleQuoted("it's"), "'it''s'");
  EXPECT_EQ(SingleQuoted("a\nb"), "\"a\\nb\"");
  EXPECT_EQ(Scalar("25.3.3"), "25.3.3");
  EXPECT_EQ(Scalar("main"), "main");
  for (const char* s :
       {"1.0", "true", "on", "it's", "a: b", "", "#x", "$values/001-x/values.yaml", "a\nb"}) {
    for (const std::string& quoted : {Scalar(s), SingleQuoted(s), DoubleQuoted(s)}) {
      auto parsed = serialize::ParseYaml("k: " + quoted + "\n");
      ASSERT_THAT(parsed, IsOk()) << quoted;
      const serialize::Value* v = parsed->Find("k");
      ASSERT_NE(v, nullptr);
      ASSERT_TRUE(v->is_string()) << quoted;
      EXPECT_EQ(*v->if_string(), s) << quoted;
    }
  }
}

}  // namespace
}  // namespace aicr::layout::argo
