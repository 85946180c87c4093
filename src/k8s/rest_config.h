#pragma once

/// \file
/// How to reach and authenticate to one Kubernetes API server: the result of
/// resolving a kubeconfig context (kubeconfig.h) or the in-cluster service
/// account, and the input of the HTTP transport (transport.h). Plain data; file
/// paths here are absolute (kubeconfig-relative paths are resolved by the loader).

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace aicr::k8s {

/// `users[].user.exec` of a kubeconfig: an ExecCredential plugin.
struct ExecConfig {
  std::string api_version;  ///< client.authentication.k8s.io/v1 or /v1beta1
  std::string command;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;  ///< in kubeconfig order
  std::string interactive_mode;  ///< Never | IfAvailable | Always ("" = IfAvailable for v1beta1)
  bool provide_cluster_info = false;
  std::string install_hint;
  /// `clusters[].cluster.extensions[name=client.authentication.k8s.io/exec].extension`,
  /// passed to the plugin as spec.cluster.config (JSON text; "" when absent).
  std::string cluster_config_json;
};

/// Credentials, at most one kind in use (token wins over basic auth, as in client-go;
/// a client certificate can accompany either).
struct AuthConfig {
  std::string token;                   ///< bearer token (literal)
  std::string token_file;              ///< bearer token re-read from this file (rotation)
  std::string client_certificate_pem;  ///< data, or read from a file by the loader
  std::string client_key_pem;
  std::string username;  ///< basic auth
  std::string password;
  std::optional<ExecConfig> exec;
};

struct RestConfig {
  std::string server;  ///< https://host:port[/prefix], no trailing slash
  std::string ca_pem;  ///< certificate-authority(-data); "" = system roots
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;  ///< SNI and verification name override
  std::string proxy_url;        ///< "" = from HTTPS_PROXY/HTTP_PROXY/NO_PROXY
  AuthConfig auth;
  std::string user_agent = "aicr";
  /// Per-request timeout used when a call does not set its own.
  std::chrono::milliseconds default_timeout{std::chrono::seconds(30)};
  /// Where this came from, for error messages: `context "x" in /path/config`
  /// or `in-cluster service account`.
  std::string source;
  /// The context's namespace ("" = default).
  std::string ns;
};

}  // namespace aicr::k8s
