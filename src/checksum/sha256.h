#pragma once

/// \file
/// SHA-256 digests as 64 lowercase hex characters, the form checksums.txt uses.

#include <string>
#include <string_view>

#include "base/result.h"

namespace aicr::checksum {

/// Length of a hex SHA-256 digest.
inline constexpr std::size_t kSha256HexLength = 64;

/// The SHA-256 of `bytes` as 64 lowercase hex characters.
std::string Sha256Hex(std::string_view bytes);

/// The SHA-256 of the file at `path`, read in fixed-size chunks (never whole into
/// memory). Follows a symlink at `path`; callers that must not use Sha256HexOfFd on a
/// descriptor opened with O_NOFOLLOW.
/// Errors: kNotFound when the file does not exist; kInvalidRequest when it is not a
/// regular file; kUnavailable for other open/read failures.
Result<std::string> Sha256HexOfFile(const std::string& path);

/// The SHA-256 of everything readable from `fd`, from its current offset to end of
/// file, streamed. Does not close `fd`. `what` names the file in error messages.
/// Errors: kUnavailable when a read fails.
Result<std::string> Sha256HexOfFd(int fd, std::string_view what);

/// Whether `s` is exactly 64 lowercase hex characters.
bool IsSha256Hex(std::string_view s);

}  // namespace aicr::checksum
