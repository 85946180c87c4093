#pragma once

/// \file
/// Authentication of the test API server: bearer tokens (fixed and added at run
/// time), basic credentials and TLS client certificates (CN → user, O → groups).

#include <httplib.h>

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace aicr::testing::apiserver {

/// An authenticated user.
struct UserInfo {
  std::string name;
  std::vector<std::string> groups;
};

/// Maps request credentials to users.
class Authenticator {
 public:
  /// Adds `--token TOKEN=USER[,GROUP...]` or `--basic USER:PASSWORD=USER[,GROUP...]`;
  /// false when malformed.
  bool AddTokenFlag(const std::string& flag);
  bool AddBasicFlag(const std::string& flag);
  void AddToken(const std::string& token, const UserInfo& user);
  void RevokeToken(const std::string& token);
  /// Client certificates are verified against a CA (enables authentication).
  void EnableClientCerts() { client_certs_ = true; }

  /// The user of `req`; nullopt = 401. Without any configured credential every
  /// request without (valid) credentials is `admin` in system:masters.
  std::optional<UserInfo> Authenticate(const httplib::Request& req);

 private:
  std::mutex mu_;
  bool configured_ = false;
  bool client_certs_ = false;
  std::map<std::string, UserInfo> tokens_;
  std::set<std::string> revoked_;
  std::map<std::string, UserInfo> basic_;  // "user:password" → user
};

}  // namespace aicr::testing::apiserver
