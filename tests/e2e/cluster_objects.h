#pragma once

/// \file
/// End-to-end helpers for commands that run Jobs in the test API server (the
/// snapshot agent, the validator Jobs): the resources such a run may create, a
/// listing of their objects to compare before and after a run (proving cleanup),
/// and small shell scripts the simulated kubelet runs as container images.
/// Header-only.

#include <sys/stat.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/e2e/subprocess.h"
#include "tests/k8s-apiserver/test_apiserver.h"

namespace aicr::testing {

/// The resources whose objects a run may create.
inline const std::vector<std::string>& RunResourcePaths() {
  static const std::vector<std::string> kPaths = {
      "/apis/batch/v1/jobs",
      "/api/v1/pods",
      "/api/v1/serviceaccounts",
      "/api/v1/configmaps",
      "/apis/rbac.authorization.k8s.io/v1/roles",
      "/apis/rbac.authorization.k8s.io/v1/rolebindings",
      "/apis/rbac.authorization.k8s.io/v1/clusterroles",
      "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
  };
  return kPaths;
}

/// `namespace/name` of every object of every RunResourcePaths() resource, by path.
/// A failed list is reported as a test failure and leaves its set empty.
inline std::map<std::string, std::set<std::string>> ListRunObjects(
    TestApiServer& server, const httplib::Headers& auth = {}) {
  std::map<std::string, std::set<std::string>> out;
  for (const std::string& path : RunResourcePaths()) {
    std::set<std::string>& names = out[path];
    auto res = server.Request("GET", path, "", "application/json", auth);
    if (!res || res->status != 200) {
      ADD_FAILURE() << "GET " << path << ": " << (res ? res->body : "no answer");
      continue;
    }
    const nlohmann::json list = nlohmann::json::parse(res->body, nullptr, false);
    for (const nlohmann::json& item : list.value("items", nlohmann::json::array())) {
      const nlohmann::json& meta = item["metadata"];
      names.insert(meta.value("namespace", "") + "/" + meta.value("name", ""));
    }
  }
  return out;
}

/// An executable `#!/bin/sh` script `name` in the test's temp dir; its path.
inline std::string WriteScript(const std::string& name, const std::string& body) {
  const std::string path = TestTempDir() + "/" + name;
  std::ofstream(path) << "#!/bin/sh\n" << body;
  ::chmod(path.c_str(), 0755);
  return path;
}

}  // namespace aicr::testing
