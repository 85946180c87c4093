#include "bundler/deployers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace aicr::bundler {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Status Resolve(const std::string& deployer, const BundleOptions& options,
               const std::map<std::string, std::string>& set = {},
               layout::GitOpsOptions* gitops = nullptr, std::vector<std::string>* notes = nullptr) {
  layout::GitOpsOptions local;
  std::vector<std::string> local_notes;
  const DeployerSpec* d = FindDeployer(deployer);
  EXPECT_NE(d, nullptr) << deployer;
  return ResolveDeployerOptions(*d, options, set, gitops != nullptr ? gitops : &local,
                                notes != nullptr ? notes : &local_notes);
}

TEST(DeployerTableTest, KnowsHelmAndHelmfile) {
  EXPECT_THAT(DeployerNames(), Contains("helm"));
  EXPECT_THAT(DeployerNames(), Contains("helmfile"));
  EXPECT_EQ(FindDeployer("helm")->entrypoint, "deploy.sh");
  EXPECT_EQ(FindDeployer("helmfile")->result_type, "helmfile-bundle");
  EXPECT_EQ(FindDeployer("nope"), nullptr);
}

TEST(ResolveDeployerOptionsTest, FlagsThatDoNotApplyAreRejected) {
  BundleOptions o;
  o.app_name = "stack";
  EXPECT_THAT(Resolve("helm", o),
              StatusIs(ErrorCode::kInvalidRequest,
                       "--app-name does not apply to the helm deployer (argocd and argocd-helm "
                       "only)"));
  o = BundleOptions();
  o.repo = "https://github.com/org/repo.git";
  EXPECT_THAT(Resolve("helmfile", o), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("--repo")));
  o = BundleOptions();
  o.flux_namespace = "flux";
  EXPECT_THAT(Resolve("helm", o),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("--flux-namespace does not apply")));
  o = BundleOptions();
  o.flux_oci_source_name = "x";
  EXPECT_THAT(Resolve("helmfile", o),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("--flux-oci-source-name")));
  o = BundleOptions();
  o.readiness_hooks = true;
  EXPECT_THAT(Resolve("helmfile", o),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("--readiness-hooks does not apply")));
  EXPECT_THAT(Resolve("helm", o), IsOk());
  EXPECT_THAT(Resolve("helm", BundleOptions(), {{"namePrefix", "x-"}}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("--set deployer:namePrefix")));
}

TEST(ResolveDeployerOptionsTest, PlainHelmHasNoNotes) {
  std::vector<std::string> notes;
  layout::GitOpsOptions gitops;
  EXPECT_THAT(Resolve("helm", BundleOptions(), {}, &gitops, &notes), IsOk());
  EXPECT_THAT(notes, IsEmpty());
  EXPECT_EQ(gitops.flux_namespace, "flux-system");
}

}  // namespace
}  // namespace aicr::bundler

namespace aicr::bundler {
namespace {

TEST(ResolveDeployerOptionsTest, GitOpsRows) {
  EXPECT_EQ(FindDeployer("argocd")->entrypoint, "app-of-apps.yaml");
  EXPECT_EQ(FindDeployer("argocd-helm")->result_type, "argocd-helm-chart");
  EXPECT_EQ(FindDeployer("flux")->entrypoint, "kustomization.yaml");

  BundleOptions o;
  o.dynamic = {"gpuoperator:driver.version"};
  EXPECT_THAT(Resolve("argocd", o),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("not supported by the argocd")));
  EXPECT_THAT(Resolve("argocd-helm", o), IsOk());

  std::vector<std::string> notes;
  layout::GitOpsOptions gitops;
  o = BundleOptions();
  o.repo = "https://github.com/org/bundles.git";
  ASSERT_THAT(Resolve("argocd-helm", o, {}, &gitops, &notes), IsOk());
  EXPECT_THAT(notes, Contains(HasSubstr("--repo is ignored by the argocd-helm deployer")));
  EXPECT_EQ(gitops.repo_url, "");

  notes.clear();
  ASSERT_THAT(Resolve("flux", BundleOptions(), {}, &gitops, &notes), IsOk());
  EXPECT_THAT(notes, Contains(HasSubstr("placeholder repository")));

  gitops = layout::GitOpsOptions();
  o = BundleOptions();
  o.app_name = "gpu-stack";
  o.flux_namespace = "";
  ASSERT_THAT(Resolve("argocd", o,
                      {{"namePrefix", "team-a-"},
                       {"destinationServer", "https://10.0.0.1:6443"},
                       {"project", "gpu.platform"},
                       {"cascadeDelete", "true"}},
                      &gitops),
              IsOk());
  EXPECT_EQ(gitops.app_name, "gpu-stack");
  EXPECT_EQ(gitops.name_prefix, "team-a-");
  EXPECT_EQ(gitops.destination_server, "https://10.0.0.1:6443");
  EXPECT_EQ(gitops.project, "gpu.platform");
  EXPECT_TRUE(gitops.cascade_delete);

  EXPECT_THAT(Resolve("argocd", BundleOptions(), {{"destinationServer", "http://x"}}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("https://")));
  EXPECT_THAT(Resolve("argocd", BundleOptions(), {{"project", "Bad_Project"}}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("DNS-1123")));
  EXPECT_THAT(Resolve("argocd", BundleOptions(), {{"cascadeDelete", "yes"}}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("true or false")));
  EXPECT_THAT(Resolve("argocd", BundleOptions(), {{"colour", "x"}}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("unknown deployer option")));
  o = BundleOptions();
  o.app_name = "Not_Valid";
  EXPECT_THAT(Resolve("argocd", o), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("DNS-1123")));
  o = BundleOptions();
  o.readiness_hooks = true;
  EXPECT_THAT(Resolve("flux", o),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("--readiness-hooks does not apply to the flux")));
  o = BundleOptions();
  o.flux_namespace = "gitops";
  ASSERT_THAT(Resolve("flux", o, {}, &gitops), IsOk());
  EXPECT_EQ(gitops.flux_namespace, "gitops");
}

}  // namespace
}  // namespace aicr::bundler
