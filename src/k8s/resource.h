#pragma once

/// \file
/// Resource descriptors (which REST collection an object lives in) and the URL
/// paths built from them: `/api/v1/namespaces/ns/configmaps/x` for the core group,
/// `/apis/batch/v1/namespaces/ns/jobs/x` for the others, without the namespace
/// segment for cluster-scoped resources.

#include <string>
#include <string_view>

namespace aicr::k8s {

/// One kind of object served by the API server.
struct Resource {
  std::string group;     ///< "" for the core group
  std::string version;   ///< v1, v1beta1, ...
  std::string resource;  ///< lower-case plural: configmaps
  std::string kind;      ///< ConfigMap
  bool namespaced = true;

  /// `v1` for the core group, `group/version` otherwise.
  std::string ApiVersion() const;
  /// `configmaps` or `clusterpolicies.nvidia.com`, for messages.
  std::string QualifiedName() const;
};

/// A custom (or any other) resource, e.g. Custom("nvidia.com", "v1", "clusterpolicies",
/// "ClusterPolicy", false).
Resource Custom(std::string group, std::string version, std::string resource, std::string kind,
                bool namespaced);

// Constants, though not constexpr (Resource holds std::strings).
// NOLINTBEGIN(readability-identifier-naming)
namespace resources {
extern const Resource kNamespaces;
extern const Resource kConfigMaps;
extern const Resource kSecrets;
extern const Resource kServiceAccounts;
extern const Resource kPods;
extern const Resource kNodes;
extern const Resource kEvents;
extern const Resource kJobs;
extern const Resource kRoles;
extern const Resource kRoleBindings;
extern const Resource kClusterRoles;
extern const Resource kClusterRoleBindings;
extern const Resource kCustomResourceDefinitions;
}  // namespace resources
// NOLINTEND(readability-identifier-naming)

/// The collection path: `/api/v1/namespaces/<ns>/pods`; `ns` is ignored for a
/// cluster-scoped resource and, when empty for a namespaced one, the path lists
/// across all namespaces (`/api/v1/pods`). Path segments are percent-escaped.
std::string CollectionPath(const Resource& r, std::string_view ns);

/// The object path: CollectionPath + `/<name>`, plus `/<subresource>` when given.
std::string ObjectPath(const Resource& r, std::string_view ns, std::string_view name,
                       std::string_view subresource = "");

/// How messages name an object: `configmaps "x" in namespace "ns"`, `nodes "n"`,
/// or just `configmaps in namespace "ns"` when `name` is empty.
std::string DescribeObject(const Resource& r, std::string_view ns, std::string_view name);

/// Percent-escapes everything but RFC 3986 unreserved characters.
std::string EscapeComponent(std::string_view s);

}  // namespace aicr::k8s
