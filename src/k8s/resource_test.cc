#include "k8s/resource.h"

#include <gtest/gtest.h>

namespace aicr::k8s {
namespace {

TEST(ResourceTest, CorePaths) {
  EXPECT_EQ(CollectionPath(resources::kConfigMaps, "ns"), "/api/v1/namespaces/ns/configmaps");
  EXPECT_EQ(CollectionPath(resources::kConfigMaps, ""), "/api/v1/configmaps");
  EXPECT_EQ(ObjectPath(resources::kConfigMaps, "ns", "x"), "/api/v1/namespaces/ns/configmaps/x");
  EXPECT_EQ(ObjectPath(resources::kPods, "ns", "p", "log"), "/api/v1/namespaces/ns/pods/p/log");
}

TEST(ResourceTest, ClusterScopedIgnoresNamespace) {
  EXPECT_EQ(ObjectPath(resources::kNodes, "ns", "n1"), "/api/v1/nodes/n1");
  EXPECT_EQ(ObjectPath(resources::kNamespaces, "", "kube-system"),
            "/api/v1/namespaces/kube-system");
  EXPECT_EQ(CollectionPath(resources::kClusterRoles, "x"),
            "/apis/rbac.authorization.k8s.io/v1/clusterroles");
}

TEST(ResourceTest, GroupPaths) {
  EXPECT_EQ(ObjectPath(resources::kJobs, "a", "j"), "/apis/batch/v1/namespaces/a/jobs/j");
  EXPECT_EQ(CollectionPath(resources::kCustomResourceDefinitions, ""),
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions");
  const Resource cp = Custom("nvidia.com", "v1", "clusterpolicies", "ClusterPolicy", false);
  EXPECT_EQ(ObjectPath(cp, "", "cluster-policy"),
            "/apis/nvidia.com/v1/clusterpolicies/cluster-policy");
  EXPECT_EQ(cp.ApiVersion(), "nvidia.com/v1");
  EXPECT_EQ(resources::kPods.ApiVersion(), "v1");
}

TEST(ResourceTest, SegmentsAreEscaped) {
  EXPECT_EQ(ObjectPath(resources::kConfigMaps, "n s", "a/b?c"),
            "/api/v1/namespaces/n%20s/configmaps/a%2Fb%3Fc");
  EXPECT_EQ(EscapeComponent("a=b&c d~._-"), "a%3Db%26c%20d~._-");
  EXPECT_EQ(EscapeComponent("\xc3\xa9"), "%C3%A9");
}

TEST(ResourceTest, DescribeObject) {
  EXPECT_EQ(DescribeObject(resources::kConfigMaps, "ns", "x"),
            "configmaps \"x\" in namespace \"ns\"");
  EXPECT_EQ(DescribeObject(resources::kNodes, "ns", "n"), "nodes \"n\"");
  EXPECT_EQ(DescribeObject(resources::kJobs, "ns", ""), "jobs.batch in namespace \"ns\"");
}

}  // namespace
}  // namespace aicr::k8s
