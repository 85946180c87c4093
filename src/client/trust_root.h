#pragma once

/// \file
/// Loading a Sigstore trusted root given on the command line (`--trust-root`,
/// `--trusted-root`): a local `trusted_root.json`, read once, checked for the
/// trusted-root media type, then parsed.

#include <string>
#include <string_view>

#include "attest/trusted_root.h"
#include "base/result.h"

namespace aicr::client {

/// Reads and parses the trusted root at `path`. INVALID_REQUEST naming `flag` and
/// the path when the file is not JSON, not a Sigstore trusted root (mediaType
/// `application/vnd.dev.sigstore.trustedroot+json...`) or malformed; the read
/// errors of a missing, oversized or non-regular file.
Result<attest::TrustedRoot> LoadTrustedRootFile(const std::string& path, std::string_view flag);

/// The embedded Sigstore public-good root, with the root at `extra_path` added
/// when it is not empty (errors as LoadTrustedRootFile).
Result<attest::TrustedRoot> PublicGoodPlus(const std::string& extra_path, std::string_view flag);

}  // namespace aicr::client
