#pragma once

/// \file
/// Kubeconfig discovery, merging and context resolution, following kubectl:
///
/// - Files: an explicit path (`--kubeconfig`) is the only file and must exist;
///   otherwise the `:`-separated KUBECONFIG list (empty entries and missing files
///   skipped); otherwise `$HOME/.kube/config` when it exists.
/// - Merge: for clusters, users and contexts the first file that defines a name
///   wins; current-context comes from the first file that sets it.
/// - Paths in an entry (certificate-authority, client-certificate, client-key,
///   tokenFile, an exec command containing `/`) are resolved against the directory
///   of the file that defined the entry.
/// - Like clientcmd's validation: certificate data and file both set, token and
///   basic auth both set, or insecure-skip-tls-verify with a CA are errors; legacy
///   auth-provider and impersonation are not supported.

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/env.h"
#include "base/result.h"
#include "k8s/rest_config.h"
#include "serialize/value.h"

namespace aicr::k8s {

/// Which files to read and which context to use.
struct KubeconfigOptions {
  std::string explicit_path;  ///< `--kubeconfig`; "" = discover
  std::string context;        ///< `--context`; "" = current-context
  EnvLookup env;              ///< KUBECONFIG and HOME come from here; null = ProcessEnv()
};

/// One named cluster, user or context and the file that defined it.
struct KubeconfigEntry {
  serialize::Value value;  ///< the `cluster:`, `user:` or `context:` mapping
  std::string file;        ///< absolute path of the defining file
};

/// The merged view of the kubeconfig files.
struct Kubeconfig {
  std::vector<std::string> files;  ///< files read, in precedence order
  std::string current_context;     ///< "" when no file sets one
  std::string current_context_file;
  std::map<std::string, KubeconfigEntry> clusters;
  std::map<std::string, KubeconfigEntry> users;
  std::map<std::string, KubeconfigEntry> contexts;

  /// No file, or files that define nothing.
  bool empty() const {
    return clusters.empty() && users.empty() && contexts.empty() && current_context.empty();
  }
};

/// The files discovery yields (existing ones only), or an explicit path as given.
/// `looked_for` (optional) receives a description of where it looked, for errors.
std::vector<std::string> KubeconfigFiles(const KubeconfigOptions& options,
                                         std::string* looked_for = nullptr);

/// Reads and merges the files (an empty Kubeconfig when none exists and no explicit
/// path is given). Errors: NOT_FOUND for a missing explicit file; INVALID_REQUEST
/// for unreadable or malformed files (the message names the file).
Result<Kubeconfig> LoadKubeconfig(const KubeconfigOptions& options);

/// Resolves `context` ("" = current-context) into a RestConfig. Errors:
/// INVALID_REQUEST when no context is selected or an entry is malformed (the
/// message names the entry, the field and the file); NOT_FOUND for a context,
/// cluster or user that does not exist (naming it and the files).
Result<RestConfig> RestConfigFromKubeconfig(const Kubeconfig& config, std::string_view context);

/// LoadKubeconfig + RestConfigFromKubeconfig; NOT_FOUND naming where it looked when
/// there is no kubeconfig at all.
Result<RestConfig> LoadRestConfig(const KubeconfigOptions& options);

/// Reads a small file (a certificate, key or token) of at most `max_bytes`.
/// INVALID_REQUEST `<what>: cannot read <path>: <reason>`, or `... is larger than N bytes`.
Result<std::string> ReadSmallFile(const std::string& path, std::string_view what,
                                  std::size_t max_bytes = std::size_t{1024} * 1024);

}  // namespace aicr::k8s
