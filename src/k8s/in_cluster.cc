#include "k8s/in_cluster.h"

#include <filesystem>

#include "base/status_macros.h"
#include "base/strings.h"

namespace aicr::k8s {
namespace {

namespace fs = std::filesystem;

std::string EnvOr(const EnvLookup& env, std::string_view name) {
  std::optional<std::string> v = env(name);
  return v.has_value() ? *v : std::string();
}

}  // namespace

bool InClusterPossible(const InClusterOptions& options) {
  const EnvLookup env = options.env ? options.env : ProcessEnv();
  std::error_code ec;
  return !EnvOr(env, "KUBERNETES_SERVICE_HOST").empty() &&
         !EnvOr(env, "KUBERNETES_SERVICE_PORT").empty() &&
         fs::is_regular_file(fs::path(options.root) / "token", ec);
}

Result<RestConfig> InClusterConfig(const InClusterOptions& options) {
  const EnvLookup env = options.env ? options.env : ProcessEnv();
  const std::string host = EnvOr(env, "KUBERNETES_SERVICE_HOST");
  const std::string port = EnvOr(env, "KUBERNETES_SERVICE_PORT");
  if (host.empty() || port.empty()) {
    return NotFoundError(
        "in-cluster service account: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must "
        "be set");
  }
  RestConfig rc;
  const bool ipv6 = host.find(':') != std::string::npos && host.front() != '[';
  rc.server = "https://" + (ipv6 ? "[" + host + "]" : host) + ":" + port;
  const std::string token_path = (fs::path(options.root) / "token").string();
  AICR_ASSIGN_OR_RETURN(std::string token,
                        ReadSmallFile(token_path, "in-cluster service account token"));
  if (Trim(token).empty()) {
    return InvalidRequestError("in-cluster service account token: " + token_path + " is empty");
  }
  rc.auth.token_file = token_path;
  const std::string ca_path = (fs::path(options.root) / "ca.crt").string();
  std::error_code ec;
  if (fs::exists(ca_path, ec)) {
    AICR_ASSIGN_OR_RETURN(rc.ca_pem, ReadSmallFile(ca_path, "in-cluster service account CA"));
  }
  rc.ns = std::string(Trim(EnvOr(env, "POD_NAMESPACE")));
  if (rc.ns.empty()) {
    const std::string ns_path = (fs::path(options.root) / "namespace").string();
    if (fs::exists(ns_path, ec)) {
      AICR_ASSIGN_OR_RETURN(std::string ns,
                            ReadSmallFile(ns_path, "in-cluster service account namespace"));
      rc.ns = std::string(Trim(ns));
    }
  }
  if (rc.ns.empty()) {
    rc.ns = "default";
  }
  rc.source = "in-cluster service account";
  return rc;
}

Result<RestConfig> ResolveRestConfig(const ResolveOptions& options) {
  KubeconfigOptions kc;
  kc.explicit_path = options.explicit_kubeconfig;
  kc.context = options.context;
  kc.env = options.env ? options.env : ProcessEnv();
  if (!kc.explicit_path.empty()) {
    return LoadRestConfig(kc);
  }
  AICR_ASSIGN_OR_RETURN(Kubeconfig config, LoadKubeconfig(kc));
  if (!config.empty() || !kc.context.empty()) {
    if (config.files.empty()) {
      return LoadRestConfig(kc);  // the "no kubeconfig found" error
    }
    return RestConfigFromKubeconfig(config, kc.context);
  }
  InClusterOptions ic;
  ic.root = options.in_cluster_root;
  ic.env = kc.env;
  if (InClusterPossible(ic)) {
    return InClusterConfig(ic);
  }
  std::string looked_for;
  KubeconfigFiles(kc, &looked_for);
  std::string why = "KUBERNETES_SERVICE_HOST unset";
  if (!EnvOr(kc.env, "KUBERNETES_SERVICE_HOST").empty()) {
    why = EnvOr(kc.env, "KUBERNETES_SERVICE_PORT").empty()
              ? "KUBERNETES_SERVICE_PORT unset"
              : "no token at " + (fs::path(ic.root) / "token").string();
  }
  std::string found =
      config.files.empty() ? "" : " (" + Join(config.files, ", ") + " define nothing)";
  return NotFoundError("no Kubernetes configuration found: looked for " + looked_for + found +
                       " and the in-cluster service account (" + why +
                       "); pass --kubeconfig or set KUBECONFIG");
}

}  // namespace aicr::k8s
