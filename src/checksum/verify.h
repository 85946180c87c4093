#pragma once

/// \file
/// Closed-world verification of a bundle directory against its checksums.txt
/// (aicr-bundle §4), and the output-root check run before a bundle is written (§7).
/// Nothing here follows a symlink: the root is opened with O_NOFOLLOW, and every
/// directory and file below it through openat relative to its parent's descriptor
/// with O_NOFOLLOW (see walk.h), so a path swapped for a symlink while the check runs
/// is refused, never followed.

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/status.h"

namespace aicr::checksum {

/// At most this many problems are spelled out in a verification error.
inline constexpr std::size_t kMaxReportedProblems = 20;

/// What a successful VerifyBundle saw.
struct VerifyReport {
  /// Files listed in checksums.txt, all present with matching digests.
  std::size_t files_verified = 0;
  /// Whether attestation/bundle-attestation.sigstore.json is present.
  bool has_bundle_attestation = false;
  /// Whether attestation/aicr-attestation.sigstore.json is present.
  bool has_binary_attestation = false;
  /// Whether the bundle has a top-level `data/` directory (external `--data`).
  bool has_data_dir = false;
  /// SHA-256 (hex) of the checksums.txt bytes that were verified: the attestation
  /// subject's digest.
  std::string manifest_sha256;
};

/// Checks that nothing under `dir` is a symlink, FIFO, socket or device, without
/// following any symlink (the root itself included). A missing `dir` is fine (the
/// bundle will create it).
/// Errors: kInvalidRequest naming every offending path (sorted, capped at
/// kMaxReportedProblems), or when `dir` is a symlink or not a directory;
/// kUnavailable for I/O failures.
Status ValidateOutputRoot(const std::string& dir);

/// Verifies the bundle in `dir` against its checksums.txt, read once (O_NOFOLLOW),
/// hashed and parsed from the same bytes. The tree must be exactly: the listed files,
/// their ancestor directories, checksums.txt, and (only if present) the two
/// attestation files under `attestation/`.
///
/// Errors:
///   - kNotFound, ManifestMissingMessage(dir), when `dir` has no checksums.txt (see
///     IsManifestMissing); kNotFound `bundle directory "<dir>" not found` when `dir`
///     does not exist;
///   - kInvalidRequest from ParseManifest when checksums.txt is malformed, or when it
///     or `dir` is a symlink or not of the right type;
///   - kInvalidRequest `bundle "<dir>" failed verification (N problems): "<path>":
///     <reason>; ...` listing every problem found, sorted by path, the first
///     kMaxReportedProblems spelled out and then `and K more`: an unlisted file or
///     directory content at any depth (incl. near-miss attestation names such as
///     `attestation/bundle-attestation.sigstore.json.bak`), an empty directory (incl.
///     an empty `attestation/`), a symlink (listed or not, to a file or a directory),
///     a FIFO, socket or device, a listed path that is a directory, a missing listed
///     file, a digest mismatch, checksums.txt replaced while verifying;
///   - kUnavailable for I/O failures.
Result<VerifyReport> VerifyBundle(const std::string& dir);

/// The stable message of the missing-manifest error: `checksums.txt not found in "<dir>"`.
std::string ManifestMissingMessage(std::string_view dir);

/// Whether `status` is VerifyBundle's missing-manifest error (the sentinel).
bool IsManifestMissing(const Status& status);

}  // namespace aicr::checksum
