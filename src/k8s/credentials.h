#pragma once

/// \file
/// What the transport attaches to each request, and where it comes from. A
/// CredentialSource turns a RestConfig's AuthConfig into request credentials:
/// static ones (token, basic auth, client certificate) never change; a token
/// file is re-read when it changes (service-account rotation); an exec plugin's
/// credential is cached until its expirationTimestamp. The transport calls
/// Invalidate() after a 401 and retries once when Refreshable().

#include <memory>
#include <string>

#include "base/cancel.h"
#include "base/result.h"
#include "k8s/rest_config.h"

namespace aicr::k8s {

struct RequestCredentials {
  std::string authorization;           ///< full header value ("Bearer x", "Basic y"), or ""
  std::string client_certificate_pem;  ///< TLS client certificate (with the key), or ""
  std::string client_key_pem;
};

class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  /// The credentials for the next request. Errors: kUnauthorized when a plugin
  /// fails or returns nothing usable (the message names the plugin and why);
  /// kCanceled.
  virtual Result<RequestCredentials> Get(const CancelToken& cancel) = 0;
  /// Forgets cached credentials (called after a 401).
  virtual void Invalidate() = 0;
  /// Whether Invalidate() can yield different credentials (exec plugin, token file).
  virtual bool Refreshable() const = 0;
};

/// The source for `config.auth` (an exec plugin gets `config` as its cluster info).
Result<std::shared_ptr<CredentialSource>> MakeCredentialSource(const RestConfig& config);

}  // namespace aicr::k8s
