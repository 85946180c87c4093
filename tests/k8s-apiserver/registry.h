#pragma once

/// \file
/// The test API server's resource registry: the built-in kinds it serves, the
/// custom resources that CustomResourceDefinitions add, and the discovery and
/// OpenAPI documents derived from both.

#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace aicr::testing::apiserver {

/// One served resource of one group/version.
struct ResourceInfo {
  std::string group;     ///< "" = core
  std::string version;   ///< e.g. "v1"
  std::string resource;  ///< plural, e.g. "configmaps"
  std::string singular;
  std::string kind;
  bool namespaced = true;
  std::vector<std::string> verbs;
  std::vector<std::string> short_names;
  std::vector<std::string> subresources;  ///< "status", "log"
  bool crd = false;

  /// "v1" or "group/version".
  std::string ApiVersion() const { return group.empty() ? version : group + "/" + version; }
  /// "configmaps" or "jobs.batch": the key the store files objects under.
  std::string GroupResource() const { return group.empty() ? resource : resource + "." + group; }
  bool HasSubresource(const std::string& s) const;
};

/// Thread-safe set of served resources.
class Registry {
 public:
  Registry();

  /// The resource `resource` of `group`/`version`, if served.
  std::optional<ResourceInfo> Find(const std::string& group, const std::string& version,
                                   const std::string& resource) const;
  /// The resource whose kind is `kind` in `api_version` ("v1", "batch/v1").
  std::optional<ResourceInfo> FindKind(const std::string& api_version,
                                       const std::string& kind) const;

  /// Serves the versions of a CustomResourceDefinition object; false with `err`.
  bool AddCrd(const nlohmann::json& crd, std::string* err);
  /// Stops serving the resources of the CRD named `name`.
  void RemoveCrd(const std::string& name);

  /// GET /api.
  nlohmann::json ApiVersions(const std::string& server_address) const;
  /// GET /apis.
  nlohmann::json ApiGroupList() const;
  /// GET /api/v1 or /apis/<group>/<version>; nullopt when not served.
  std::optional<nlohmann::json> ResourceList(const std::string& group,
                                             const std::string& version) const;
  /// GET /openapi/v3.
  nlohmann::json OpenApiV3Root() const;
  /// GET /openapi/v3/<gv path> ("api/v1", "apis/batch/v1"); nullopt when unknown.
  std::optional<nlohmann::json> OpenApiV3GroupVersion(const std::string& gv_path) const;

 private:
  std::vector<ResourceInfo> AllLocked() const;

  mutable std::mutex mu_;
  std::vector<ResourceInfo> builtin_;
  std::vector<std::pair<std::string, std::vector<ResourceInfo>>> crds_;  // CRD name → served
};

}  // namespace aicr::testing::apiserver
