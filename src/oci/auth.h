#pragma once

/// \file
/// Registry credentials from a Docker config file (`auths`, `credHelpers`,
/// `credsStore`) and the parsing of `WWW-Authenticate` challenges.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/cancel.h"
#include "base/result.h"

namespace aicr::oci {

/// A username and secret for one registry. A Docker identity token is carried as
/// `password` with `username` `<token>` (the convention of credential helpers).
struct Credential {
  std::string username;
  std::string password;

  friend bool operator==(const Credential& a, const Credential& b) = default;
};

/// The Docker config path to read: `explicit_path` when not empty, else
/// `$DOCKER_CONFIG/config.json` when DOCKER_CONFIG is set, else
/// `$HOME/.docker/config.json`; empty when none can be formed.
std::string ResolveDockerConfigPath(std::string_view explicit_path);

/// The credential for `registry` (host[:port]) from the Docker config at `config_path`.
/// Order: `credHelpers[registry]`, then an `auths` entry (key `registry`,
/// `https://registry`, `http://registry`, or with a `/v1/`/`/v2/` suffix; `auth` is
/// base64 `user:password`, else `username`/`password`, else `identitytoken`), then
/// `credsStore`. A helper runs as `docker-credential-<name> get` with the server on
/// stdin; its "credentials not found" answer means no credential.
/// Returns std::nullopt (anonymous) when the file does not exist or has no entry.
/// Errors: INVALID_REQUEST for a malformed file or entry (naming the file and the
/// registry); UNAUTHORIZED when a helper fails; NOT_FOUND when a helper program
/// is not installed.
Result<std::optional<Credential>> LookupCredential(std::string_view registry,
                                                   const std::string& config_path,
                                                   const CancelToken* cancel = nullptr);

/// One parsed `WWW-Authenticate` challenge, e.g.
/// `Bearer realm="https://auth.example/token",service="registry",scope="repository:a:pull"`.
struct AuthChallenge {
  std::string scheme;                         ///< lower-cased: `bearer`, `basic`
  std::map<std::string, std::string> params;  ///< keys lower-cased, values unquoted
};

/// Parses the first challenge of a `WWW-Authenticate` header value.
/// Errors: INVALID_REQUEST for an empty or malformed header.
Result<AuthChallenge> ParseAuthChallenge(std::string_view header);

}  // namespace aicr::oci
