#include "k8s/resource.h"

#include <utility>

#include "base/strings.h"

namespace aicr::k8s {

std::string Resource::ApiVersion() const { return group.empty() ? version : group + "/" + version; }

std::string Resource::QualifiedName() const {
  return group.empty() ? resource : resource + "." + group;
}

Resource Custom(std::string group, std::string version, std::string resource, std::string kind,
                bool namespaced) {
  return Resource{std::move(group), std::move(version), std::move(resource), std::move(kind),
                  namespaced};
}

// NOLINTBEGIN(readability-identifier-naming)
namespace resources {
const Resource kNamespaces{"", "v1", "namespaces", "Namespace", false};
const Resource kConfigMaps{"", "v1", "configmaps", "ConfigMap", true};
const Resource kSecrets{"", "v1", "secrets", "Secret", true};
const Resource kServiceAccounts{"", "v1", "serviceaccounts", "ServiceAccount", true};
const Resource kPods{"", "v1", "pods", "Pod", true};
const Resource kNodes{"", "v1", "nodes", "Node", false};
const Resource kEvents{"", "v1", "events", "Event", true};
const Resource kJobs{"batch", "v1", "jobs", "Job", true};
const Resource kRoles{"rbac.authorization.k8s.io", "v1", "roles", "Role", true};
const Resource kRoleBindings{"rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding",
                             true};
const Resource kClusterRoles{"rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole",
                             false};
const Resource kClusterRoleBindings{"rbac.authorization.k8s.io", "v1", "clusterrolebindings",
                                    "ClusterRoleBinding", false};
const Resource kCustomResourceDefinitions{"apiextensions.k8s.io", "v1", "customresourcedefinitions",
                                          "CustomResourceDefinition", false};
}  // namespace resources
// NOLINTEND(readability-identifier-naming)

std::string EscapeComponent(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

std::string CollectionPath(const Resource& r, std::string_view ns) {
  std::string path = r.group.empty()
                         ? "/api/" + EscapeComponent(r.version)
                         : "/apis/" + EscapeComponent(r.group) + "/" + EscapeComponent(r.version);
  if (r.namespaced && !ns.empty()) {
    path += "/namespaces/" + EscapeComponent(ns);
  }
  path += "/" + EscapeComponent(r.resource);
  return path;
}

std::string ObjectPath(const Resource& r, std::string_view ns, std::string_view name,
                       std::string_view subresource) {
  std::string path = CollectionPath(r, ns) + "/" + EscapeComponent(name);
  if (!subresource.empty()) {
    path += "/" + EscapeComponent(subresource);
  }
  return path;
}

std::string DescribeObject(const Resource& r, std::string_view ns, std::string_view name) {
  std::string out = r.QualifiedName();
  if (!name.empty()) {
    out += " " + Quote(name);
  }
  if (r.namespaced && !ns.empty()) {
    out += " in namespace " + Quote(ns);
  }
  return out;
}

}  // namespace aicr::k8s
