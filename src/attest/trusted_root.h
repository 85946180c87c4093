#pragma once

/// \file
/// Sigstore trusted root (`application/vnd.dev.sigstore.trustedroot+json;version=0.1`):
/// certificate authorities, transparency logs, CT logs and timestamp authorities, each with a
/// validity window. The Sigstore public-good root is embedded in the binary; a root read from a
/// file can be merged over it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attest/keys.h"
#include "base/result.h"

namespace aicr::attest {

/// Largest trusted root ParseTrustedRoot accepts.
inline constexpr std::size_t kMaxTrustedRootBytes = 4 * 1024 * 1024;

/// A `validFor` interval in Unix seconds. An absent bound is open; the end is inclusive.
struct ValidityWindow {
  std::optional<int64_t> start_unix;
  std::optional<int64_t> end_unix;

  /// True when start <= t <= end (absent bounds do not constrain).
  bool Contains(int64_t t) const;
};

/// A transparency log or CT log entry of the trusted root.
struct TransparencyLogKey {
  std::string base_url;
  /// Raw bytes of logId.keyId.
  std::string log_id;
  PublicKey key;
  ValidityWindow valid;
};

/// A Fulcio certificate authority.
struct CertificateAuthority {
  /// certChain.certificates as in the file (DER), usually leaf-most first, root last.
  std::vector<std::string> chain_der;
  ValidityWindow valid;
  std::string uri;
};

/// An RFC 3161 timestamp authority.
struct TimestampAuthority {
  /// certChain.certificates as in the file (DER), signer first, root last.
  std::vector<std::string> chain_der;
  ValidityWindow valid;
  std::string uri;
};

/// The parsed trusted root.
struct TrustedRoot {
  std::vector<TransparencyLogKey> tlogs;
  std::vector<TransparencyLogKey> ctlogs;
  std::vector<CertificateAuthority> cas;
  std::vector<TimestampAuthority> tsas;
};

/// Parses a trusted root JSON document. INVALID_REQUEST `trusted root: <reason>` for malformed
/// JSON, an unknown media type, bad base64, an unsupported or unparsable key, a log without
/// `publicKey.validFor.start`, an authority with an empty certificate chain, or a bad timestamp.
/// Log entries whose `keyDetails` names a key type this build cannot verify with (RSA, ECDSA
/// P-384) are left out: nothing could ever verify against them.
Result<TrustedRoot> ParseTrustedRoot(std::string_view json);

/// The Sigstore public-good trusted root compiled into the binary (parsed once).
const TrustedRoot& PublicGoodTrustedRoot();

/// The embedded public-good trusted root JSON, byte for byte.
std::string_view PublicGoodTrustedRootJson();

/// `base` with every entry of `extra` appended.
TrustedRoot MergeTrustedRoots(TrustedRoot base, const TrustedRoot& extra);

}  // namespace aicr::attest
