#pragma once

/// \file
/// Pulling a bundle artifact back (aicr-supply-chain §1.5, pull side): one OCI image
/// manifest with exactly one layer, every digest and size checked, limits on
/// metadata, download and extracted bytes, and safe extraction to a new directory.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "archive/tar.h"
#include "base/result.h"
#include "oci/reference.h"
#include "oci/registry.h"

namespace aicr::oci {

struct PullLimits {
  std::size_t max_manifest_bytes = std::size_t{4} * 1024 * 1024;
  std::uint64_t max_layer_bytes = std::uint64_t{512} * 1024 * 1024;  ///< compressed
  std::size_t max_files = 10000;
  std::uint64_t max_file_bytes = std::uint64_t{256} * 1024 * 1024;
  std::uint64_t max_total_bytes = std::uint64_t{1024} * 1024 * 1024;  ///< uncompressed
};

struct PulledBundle {
  Reference pinned;                     ///< registry/repository@digest, even when pulled by tag
  std::string manifest_digest;          ///< sha256:…
  std::vector<archive::TarFile> files;  ///< sorted by path
};

/// Pulls `ref` (by tag or digest). Accepts only an
/// `application/vnd.oci.image.manifest.v1+json` with exactly one layer of a tar+gzip
/// media type; checks the manifest digest (when `ref` has one), the layer size and
/// digest, and extracts with ReadTarGz under `limits`.
/// Errors: INVALID_REQUEST for a reference without tag or digest, a wrong media type,
/// layer count, size, digest mismatch or a rejected archive; registry errors as in
/// registry.h.
Result<PulledBundle> PullBundle(const Reference& ref, const PullLimits& limits,
                                const RegistryOptions& options);

/// Writes `files` under the new directory `dir` (folders 0700, files 0600): into a
/// temporary sibling first, renamed to `dir` at the end, so a failure leaves nothing.
/// Errors: CONFLICT when `dir` exists; INVALID_REQUEST for an unsafe path;
/// UNAVAILABLE for file system errors.
Status WriteBundleFiles(const std::vector<archive::TarFile>& files, const std::string& dir);

}  // namespace aicr::oci
