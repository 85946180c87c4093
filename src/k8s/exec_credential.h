#pragma once

/// \file
/// client.authentication.k8s.io exec credential plugins (v1 and v1beta1), as
/// kubectl runs them: the command (PATH lookup, no shell) with the configured args,
/// the process environment plus the configured env plus KUBERNETES_EXEC_INFO (an
/// ExecCredential with spec.interactive and, with provideClusterInfo,
/// spec.cluster); stdin is the terminal only when interactiveMode allows and stdin
/// is a terminal. Its stdout must be an ExecCredential of the configured
/// apiVersion with status.token and/or status.clientCertificateData +
/// clientKeyData, and optionally status.expirationTimestamp (RFC 3339).

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/cancel.h"
#include "base/clock.h"
#include "base/result.h"
#include "k8s/credentials.h"
#include "k8s/rest_config.h"

namespace aicr::k8s {

/// What a plugin returned.
struct ExecCredential {
  std::string token;
  std::string client_certificate_pem;
  std::string client_key_pem;
  /// When the credential stops being valid; nullopt = until a 401.
  std::optional<std::chrono::system_clock::time_point> expiration;
};

struct ExecPluginOptions {
  /// A plugin still running after this long is killed.
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  /// A cached credential is refreshed this long before its expirationTimestamp.
  std::chrono::seconds expiry_skew{10};
  /// For expiry; null = Clock::Real(). Must outlive the source.
  const Clock* clock = nullptr;
  /// Whether our stdin is a terminal; nullopt = isatty(0).
  std::optional<bool> stdin_is_terminal;
};

/// The KUBERNETES_EXEC_INFO value for `config.auth.exec` (compact JSON).
Result<std::string> BuildExecInfo(const RestConfig& config, bool interactive);

/// Parses a plugin's stdout. INVALID_REQUEST describing what is wrong (wrong
/// apiVersion or kind, invalid JSON, no status, no token or cert/key pair, only one
/// of cert and key, a malformed expirationTimestamp).
Result<ExecCredential> ParseExecCredential(std::string_view stdout_text, const ExecConfig& exec);

/// Parses an RFC 3339 timestamp (`2025-01-15T10:30:00Z`, fractional seconds and
/// numeric offsets accepted). INVALID_REQUEST otherwise.
Result<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view text);

/// Runs the plugin of `config.auth.exec` once. Errors: UNAUTHORIZED naming the
/// command and why (not found, exit status, timeout, bad output), with the first
/// lines of its stderr and the installHint; CANCELED.
Result<ExecCredential> RunExecPlugin(const RestConfig& config, const ExecPluginOptions& options,
                                     const CancelToken& cancel);

/// A thread-safe CredentialSource that runs the plugin on first use, caches its
/// credential until expirationTimestamp (less the skew) or Invalidate(), and adds
/// the static client certificate of `config.auth` when the plugin returns none.
/// REQUIRES: config.auth.exec is set.
std::shared_ptr<CredentialSource> MakeExecCredentialSource(const RestConfig& config,
                                                           ExecPluginOptions options = {});

}  // namespace aicr::k8s
