#pragma once

/// \file
/// The in-cluster service account (what a pod gets) and the resolver that picks
/// between it and kubeconfig files the way client-go's deferred loader does:
///
/// 1. `--kubeconfig` given: that file only (it must exist); never in-cluster.
/// 2. Otherwise the KUBECONFIG files, or `$HOME/.kube/config`, when they exist and
///    define something (or a `--context` is asked for).
/// 3. Otherwise the service account, when KUBERNETES_SERVICE_HOST and
///    KUBERNETES_SERVICE_PORT are set and the token file exists.
/// 4. Otherwise NOT_FOUND naming everything it looked for.
///
/// So a pod that has no kubeconfig uses its service account, and a workstation (or
/// a pod) with a kubeconfig uses the kubeconfig, as kubectl does.

#include <chrono>
#include <memory>
#include <string>

#include "base/result.h"
#include "k8s/credentials.h"
#include "k8s/kubeconfig.h"
#include "k8s/rest_config.h"

namespace aicr::k8s {

/// The default service-account directory.
inline constexpr char kServiceAccountDir[] = "/var/run/secrets/kubernetes.io/serviceaccount";

struct InClusterOptions {
  std::string root = kServiceAccountDir;  ///< holds token, ca.crt and namespace
  EnvLookup env;                          ///< null = ProcessEnv()
};

/// KUBERNETES_SERVICE_HOST and _PORT are set and `root`/token is a file.
bool InClusterPossible(const InClusterOptions& options);

/// The service-account config: server https://HOST:PORT (IPv6 bracketed), the token
/// file (re-read on rotation), ca.crt when present, the namespace from
/// POD_NAMESPACE, then `root`/namespace, then "default". Errors: NOT_FOUND when the
/// environment variables are unset; INVALID_REQUEST when the token cannot be read.
Result<RestConfig> InClusterConfig(const InClusterOptions& options);

struct ResolveOptions {
  std::string explicit_kubeconfig;  ///< `--kubeconfig`
  std::string context;              ///< `--context`
  EnvLookup env;                    ///< null = ProcessEnv()
  std::string in_cluster_root = kServiceAccountDir;
};

/// The order documented above.
Result<RestConfig> ResolveRestConfig(const ResolveOptions& options);

/// A bearer token read from `path` (surrounding whitespace trimmed) and re-read
/// when the file's modification time or size changes, at least every
/// `max_age`, and after Invalidate() — service-account tokens rotate in place.
/// When a re-read fails the last good token is kept; with none, Get() returns
/// UNAUTHORIZED naming the file. Thread-safe. MakeCredentialSource uses this for
/// `auth.token_file`.
std::shared_ptr<CredentialSource> MakeTokenFileCredentialSource(
    std::string path, std::chrono::milliseconds max_age = std::chrono::minutes(1));

}  // namespace aicr::k8s
