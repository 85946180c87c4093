#include "tests/k8s-apiserver/auth.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tests/k8s-apiserver/util.h"

namespace aicr::testing::apiserver {
namespace {

bool ParseUser(const std::string& spec, UserInfo* out) {
  std::size_t start = 0;
  std::vector<std::string> parts;
  while (true) {
    const std::size_t comma = spec.find(',', start);
    parts.push_back(spec.substr(start, comma == std::string::npos ? comma : comma - start));
    if (comma == std::string::npos) {
      break;
    }
    start = comma + 1;
  }
  if (parts.empty() || parts[0].empty()) {
    return false;
  }
  out->name = parts[0];
  out->groups.assign(parts.begin() + 1, parts.end());
  return true;
}

std::string NameEntry(X509_NAME* name, int nid, std::vector<std::string>* all) {
  std::string first;
  int idx = -1;
  while ((idx = X509_NAME_get_index_by_NID(name, nid, idx)) >= 0) {
    X509_NAME_ENTRY* e = X509_NAME_get_entry(name, idx);
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(e);
    std::string v(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                  static_cast<std::size_t>(ASN1_STRING_length(data)));
    if (first.empty()) {
      first = v;
    }
    if (all != nullptr) {
      all->push_back(v);
    }
  }
  return first;
}

UserInfo WithAuthenticated(UserInfo u) {
  u.groups.push_back("system:authenticated");
  return u;
}

}  // namespace

bool Authenticator::AddTokenFlag(const std::string& flag) {
  const std::size_t eq = flag.find('=');
  UserInfo user;
  if (eq == std::string::npos || eq == 0 || !ParseUser(flag.substr(eq + 1), &user)) {
    return false;
  }
  std::lock_guard<std::mutex> lock(mu_);
  configured_ = true;
  tokens_[flag.substr(0, eq)] = user;
  return true;
}

bool Authenticator::AddBasicFlag(const std::string& flag) {
  const std::size_t eq = flag.rfind('=');
  UserInfo user;
  if (eq == std::string::npos || flag.substr(0, eq).find(':') == std::string::npos ||
      !ParseUser(flag.substr(eq + 1), &user)) {
    return false;
  }
  std::lock_guard<std::mutex> lock(mu_);
  configured_ = true;
  basic_[flag.substr(0, eq)] = user;
  return true;
}

void Authenticator::AddToken(const std::string& token, const UserInfo& user) {
  std::lock_guard<std::mutex> lock(mu_);
  tokens_[token] = user;
  revoked_.erase(token);
}

void Authenticator::RevokeToken(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  tokens_.erase(token);
  revoked_.insert(token);
}

std::optional<UserInfo> Authenticator::Authenticate(const httplib::Request& req) {
  if (req.ssl != nullptr && client_certs_) {
    X509* cert = SSL_get_peer_certificate(req.ssl);
    if (cert != nullptr) {
      const bool verified = SSL_get_verify_result(req.ssl) == X509_V_OK;
      UserInfo user;
      X509_NAME* subject = X509_get_subject_name(cert);
      user.name = NameEntry(subject, NID_commonName, nullptr);
      NameEntry(subject, NID_organizationName, &user.groups);
      X509_free(cert);
      if (verified && !user.name.empty()) {
        return WithAuthenticated(user);
      }
      return std::nullopt;
    }
  }
  const std::string auth = req.get_header_value("Authorization");
  std::lock_guard<std::mutex> lock(mu_);
  if (auth.rfind("Bearer ", 0) == 0) {
    const std::string token = auth.substr(7);
    auto it = tokens_.find(token);
    if (it != tokens_.end()) {
      return WithAuthenticated(it->second);
    }
    if (configured_ || client_certs_ || revoked_.count(token) != 0) {
      return std::nullopt;
    }
  } else if (auth.rfind("Basic ", 0) == 0) {
    std::string decoded;
    if (Base64Decode(auth.substr(6), &decoded)) {
      auto it = basic_.find(decoded);
      if (it != basic_.end()) {
        return WithAuthenticated(it->second);
      }
    }
    if (configured_ || client_certs_) {
      return std::nullopt;
    }
  }
  if (configured_ || client_certs_) {
    return std::nullopt;
  }
  return UserInfo{"admin", {"system:masters", "system:authenticated"}};
}

}  // namespace aicr::testing::apiserver
