#pragma once

/// \file
/// The test API server: HTTP(S) front end, authentication, authorization,
/// faults and request log around the store, the registry and the kubelet.

#include <httplib.h>

#include <atomic>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/k8s-apiserver/admin.h"
#include "tests/k8s-apiserver/auth.h"
#include "tests/k8s-apiserver/kubelet.h"
#include "tests/k8s-apiserver/policy.h"
#include "tests/k8s-apiserver/registry.h"
#include "tests/k8s-apiserver/store.h"

namespace aicr::testing::apiserver {

/// Command-line configuration (see README.md).
struct ServerConfig {
  int port = 0;
  std::string tls_cert;
  std::string tls_key;
  std::string client_ca;
  std::vector<std::string> tokens;  ///< TOKEN=USER[,GROUP...]
  std::vector<std::string> basics;  ///< USER:PASSWORD=USER[,GROUP...]
  std::vector<std::string> seeds;
  std::map<std::string, std::string> images;
  std::string policy_file;
  std::size_t max_object_bytes = 1572864;
};

/// Parses argv into `out`; false with `err` on unknown or malformed flags.
bool ParseFlags(int argc, char** argv, ServerConfig* out, std::string* err);

/// One server instance.
class ApiServer {
 public:
  explicit ApiServer(ServerConfig config);
  ~ApiServer();

  /// Loads policy and seeds, binds the port; false with `err`.
  bool Start(std::string* err);
  /// "http://127.0.0.1:PORT" or https.
  std::string url() const;
  /// Serves until Stop().
  void Serve();
  /// Ends watches and the listener; safe from another thread.
  void Stop();

  /// Loads a multi-document seed YAML (CRDs first, namespaces next).
  bool LoadSeedText(const std::string& text, std::string* err);

 private:
  class Sink;

  void Dispatch(const httplib::Request& req, httplib::Response& res);
  void HandleAdmin(const httplib::Request& req, httplib::Response& res);
  void HandleApi(const httplib::Request& req, httplib::Response& res, const UserInfo& user);
  void HandleResource(const httplib::Request& req, httplib::Response& res, const UserInfo& user,
                      const std::string& group, const std::string& version,
                      const std::vector<std::string>& rest);
  void HandleWatch(const httplib::Request& req, httplib::Response& res, const ResourceInfo& info,
                   const std::string& ns, ListOptions options);
  void HandleLogs(const httplib::Request& req, httplib::Response& res, const std::string& ns,
                  const std::string& name);
  void HandleAccessReview(const httplib::Request& req, httplib::Response& res, const UserInfo& user,
                          const ResourceInfo& info);
  bool Authorize(const Attributes& attrs, httplib::Response& res);
  void CloseConnection(const httplib::Request& req);

  ServerConfig config_;
  Registry registry_;
  Store store_;
  Policy policy_;
  Authenticator auth_;
  Faults faults_;
  RequestLog log_;
  std::unique_ptr<Sink> sink_;
  std::unique_ptr<Kubelet> kubelet_;
  std::unique_ptr<httplib::Server> http_;
  int port_ = 0;
  bool tls_ = false;
  std::atomic<bool> stopping_{false};
};

/// Writes `reply` as JSON.
void WriteReply(httplib::Response& res, const Reply& reply);

}  // namespace aicr::testing::apiserver
