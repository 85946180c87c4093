#include "tests/k8s-apiserver/registry.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace aicr::testing::apiserver {
namespace {

using nlohmann::json;

const std::vector<std::string> kAllVerbs = {"create", "delete", "deletecollection", "get",
                                            "list",   "patch",  "update",           "watch"};

ResourceInfo Make(const std::string& group, const std::string& resource,
                  const std::string& singular, const std::string& kind, bool namespaced,
                  std::vector<std::string> short_names, std::vector<std::string> subresources = {},
                  std::vector<std::string> verbs = kAllVerbs) {
  ResourceInfo r;
  r.group = group;
  r.version = "v1";
  r.resource = resource;
  r.singular = singular;
  r.kind = kind;
  r.namespaced = namespaced;
  r.short_names = std::move(short_names);
  r.subresources = std::move(subresources);
  r.verbs = std::move(verbs);
  return r;
}

std::string GvPath(const std::string& group, const std::string& version) {
  return group.empty() ? "api/" + version : "apis/" + group + "/" + version;
}

}  // namespace

bool ResourceInfo::HasSubresource(const std::string& s) const {
  return std::find(subresources.begin(), subresources.end(), s) != subresources.end();
}

Registry::Registry() {
  const std::string rbac = "rbac.authorization.k8s.io";
  const std::string authz = "authorization.k8s.io";
  builtin_ = {
      Make("", "namespaces", "namespace", "Namespace", false, {"ns"}, {"status"},
           {"create", "delete", "get", "list", "patch", "update", "watch"}),
      Make("", "configmaps", "configmap", "ConfigMap", true, {"cm"}),
      Make("", "secrets", "secret", "Secret", true, {}),
      Make("", "serviceaccounts", "serviceaccount", "ServiceAccount", true, {"sa"}),
      Make("", "pods", "pod", "Pod", true, {"po"}, {"log", "status"}),
      Make("", "nodes", "node", "Node", false, {"no"}, {"status"}),
      Make("", "events", "event", "Event", true, {"ev"}),
      Make("batch", "jobs", "job", "Job", true, {}, {"status"}),
      Make(rbac, "roles", "role", "Role", true, {}),
      Make(rbac, "rolebindings", "rolebinding", "RoleBinding", true, {}),
      Make(rbac, "clusterroles", "clusterrole", "ClusterRole", false, {}),
      Make(rbac, "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false, {"crb"}),
      Make(authz, "selfsubjectaccessreviews", "selfsubjectaccessreview", "SelfSubjectAccessReview",
           false, {}, {}, {"create"}),
      Make(authz, "subjectaccessreviews", "subjectaccessreview", "SubjectAccessReview", false, {},
           {}, {"create"}),
      Make("apiextensions.k8s.io", "customresourcedefinitions", "customresourcedefinition",
           "CustomResourceDefinition", false, {"crd", "crds"}, {"status"}),
  };
}

std::vector<ResourceInfo> Registry::AllLocked() const {
  std::vector<ResourceInfo> all = builtin_;
  for (const auto& [name, infos] : crds_) {
    all.insert(all.end(), infos.begin(), infos.end());
  }
  return all;
}

std::optional<ResourceInfo> Registry::Find(const std::string& group, const std::string& version,
                                           const std::string& resource) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const ResourceInfo& r : AllLocked()) {
    if (r.group == group && r.version == version && r.resource == resource) {
      return r;
    }
  }
  return std::nullopt;
}

std::optional<ResourceInfo> Registry::FindKind(const std::string& api_version,
                                               const std::string& kind) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const ResourceInfo& r : AllLocked()) {
    if (r.ApiVersion() == api_version && r.kind == kind) {
      return r;
    }
  }
  return std::nullopt;
}

bool Registry::AddCrd(const json& crd, std::string* err) {
  const json spec = crd.value("spec", json::object());
  const json names = spec.value("names", json::object());
  const std::string group = spec.value("group", "");
  const std::string plural = names.value("plural", "");
  const std::string kind = names.value("kind", "");
  const std::string name = crd["metadata"].value("name", "");
  if (group.empty() || plural.empty() || kind.empty()) {
    *err = "spec.group, spec.names.plural and spec.names.kind are required";
    return false;
  }
  if (name != plural + "." + group) {
    *err = "metadata.name: Invalid value: \"" + name +
           "\": must be spec.names.plural+\".\"+spec.group";
    return false;
  }
  std::vector<ResourceInfo> infos;
  const json versions = spec.value("versions", json::array());
  for (const json& v : versions) {
    if (!v.value("served", true)) {
      continue;
    }
    ResourceInfo r;
    r.group = group;
    r.version = v.value("name", "");
    r.resource = plural;
    r.singular = names.value("singular", "");
    if (r.singular.empty()) {
      r.singular = kind;
      std::transform(r.singular.begin(), r.singular.end(), r.singular.begin(), ::tolower);
    }
    r.kind = kind;
    r.namespaced = spec.value("scope", "Namespaced") == "Namespaced";
    r.verbs = kAllVerbs;
    r.crd = true;
    for (const json& s : names.value("shortNames", json::array())) {
      r.short_names.push_back(s.get<std::string>());
    }
    if (v.contains("subresources") && v["subresources"].contains("status")) {
      r.subresources.push_back("status");
    }
    if (!r.version.empty()) {
      infos.push_back(std::move(r));
    }
  }
  if (infos.empty()) {
    *err = "spec.versions: Required value: must have exactly one version marked as served";
    return false;
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [n, served] : crds_) {
    if (n == name) {
      served = std::move(infos);
      return true;
    }
  }
  crds_.emplace_back(name, std::move(infos));
  return true;
}

void Registry::RemoveCrd(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  crds_.erase(std::remove_if(crds_.begin(), crds_.end(),
                             [&](const auto& entry) { return entry.first == name; }),
              crds_.end());
}

json Registry::ApiVersions(const std::string& server_address) const {
  return json{
      {"kind", "APIVersions"},
      {"versions", json::array({"v1"})},
      {"serverAddressByClientCIDRs",
       json::array({json{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", server_address}}})}};
}

json Registry::ApiGroupList() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::string>> versions;
  for (const ResourceInfo& r : AllLocked()) {
    if (r.group.empty()) {
      continue;
    }
    if (!versions.count(r.group)) {
      order.push_back(r.group);
    }
    auto& vs = versions[r.group];
    if (std::find(vs.begin(), vs.end(), r.version) == vs.end()) {
      vs.push_back(r.version);
    }
  }
  json groups = json::array();
  for (const std::string& g : order) {
    json vs = json::array();
    for (const std::string& v : versions[g]) {
      vs.push_back({{"groupVersion", g + "/" + v}, {"version", v}});
    }
    groups.push_back({{"name", g}, {"versions", vs}, {"preferredVersion", vs[0]}});
  }
  return json{{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

std::optional<json> Registry::ResourceList(const std::string& group,
                                           const std::string& version) const {
  std::lock_guard<std::mutex> lock(mu_);
  json resources = json::array();
  for (const ResourceInfo& r : AllLocked()) {
    if (r.group != group || r.version != version) {
      continue;
    }
    json entry = {{"name", r.resource},
                  {"singularName", r.singular},
                  {"namespaced", r.namespaced},
                  {"kind", r.kind},
                  {"verbs", r.verbs}};
    if (!r.short_names.empty()) {
      entry["shortNames"] = r.short_names;
    }
    if (r.crd) {
      entry["categories"] = json::array({"all"});
    }
    resources.push_back(entry);
    for (const std::string& sub : r.subresources) {
      json verbs = sub == "log" ? json::array({"get"}) : json::array({"get", "patch", "update"});
      resources.push_back({{"name", r.resource + "/" + sub},
                           {"singularName", ""},
                           {"namespaced", r.namespaced},
                           {"kind", r.kind},
                           {"verbs", verbs}});
    }
  }
  if (resources.empty()) {
    return std::nullopt;
  }
  return json{{"kind", "APIResourceList"},
              {"apiVersion", "v1"},
              {"groupVersion", group.empty() ? version : group + "/" + version},
              {"resources", resources}};
}

json Registry::OpenApiV3Root() const {
  std::lock_guard<std::mutex> lock(mu_);
  json paths = json::object();
  std::map<std::string, std::size_t> hashes;
  for (const ResourceInfo& r : AllLocked()) {
    hashes[GvPath(r.group, r.version)] ^= std::hash<std::string>{}(r.resource + r.kind);
  }
  for (const auto& [path, h] : hashes) {
    paths[path] = {{"serverRelativeURL", "/openapi/v3/" + path + "?hash=" + std::to_string(h)}};
  }
  return json{{"paths", paths}};
}

std::optional<json> Registry::OpenApiV3GroupVersion(const std::string& gv_path) const {
  std::lock_guard<std::mutex> lock(mu_);
  json paths = json::object();
  const json params = json::array(
      {json{{"name", "dryRun"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
       json{{"name", "fieldManager"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
       json{{"name", "fieldValidation"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
       json{{"name", "force"}, {"in", "query"}, {"schema", {{"type", "boolean"}}}}});
  bool found = false;
  for (const ResourceInfo& r : AllLocked()) {
    if (GvPath(r.group, r.version) != gv_path) {
      continue;
    }
    found = true;
    const json gvk = {{"group", r.group}, {"version", r.version}, {"kind", r.kind}};
    const std::string base =
        "/" + gv_path + (r.namespaced ? "/namespaces/{namespace}/" : "/") + r.resource;
    json op = {{"x-kubernetes-group-version-kind", gvk},
               {"parameters", params},
               {"responses", {{"200", {{"description", "OK"}}}}}};
    json item = json::object();
    item["get"] = op;
    if (std::find(r.verbs.begin(), r.verbs.end(), "patch") != r.verbs.end()) {
      item["patch"] = op;
      item["put"] = op;
      item["delete"] = op;
    }
    json collection = json::object();
    collection["post"] = op;
    collection["get"] = op;
    paths[base + "/{name}"] = item;
    paths[base] = collection;
  }
  if (!found) {
    return std::nullopt;
  }
  return json{{"openapi", "3.0.0"},
              {"info", {{"title", "Kubernetes"}, {"version", "v1.34.0"}}},
              {"paths", paths},
              {"components", {{"schemas", json::object()}}}};
}

}  // namespace aicr::testing::apiserver
