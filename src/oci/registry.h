#pragma once

/// \file
/// A client for one repository of an OCI distribution-spec registry over libcurl:
/// blobs, manifests, tags and referrers, with Docker-config credentials, the Bearer
/// token and Basic challenge flows, retries with backoff, and cancellation.
///
/// Error codes: HTTP 401/403 → UNAUTHORIZED, 404 → NOT_FOUND, 429 →
/// RATE_LIMIT_EXCEEDED, 5xx and connection errors → UNAVAILABLE, timeouts →
/// TIMEOUT, other 4xx → INVALID_REQUEST, cancellation → CANCELED. Messages name the
/// registry and repository. Only 5xx, 429, timeouts and connection errors are
/// retried (exponential backoff from `initial_backoff`, ±25% jitter).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/cancel.h"
#include "base/result.h"
#include "oci/manifest.h"
#include "oci/reference.h"

namespace aicr::oci {

struct RegistryOptions {
  /// Talk `http://` instead of `https://`.
  bool plain_http = false;
  /// Skip TLS certificate verification (https only).
  bool insecure_tls = false;
  /// Path to a Docker config.json; empty → $DOCKER_CONFIG/config.json then
  /// ~/.docker/config.json.
  std::string docker_config;
  /// Attempts per request (1 = no retry).
  int max_attempts = 4;
  /// Time limit of one HTTP attempt.
  std::chrono::milliseconds per_attempt_timeout{60000};
  /// Cancels in-flight and pending requests; nullptr = never.
  const CancelToken* cancel = nullptr;
  /// First retry delay; doubled per attempt, capped at 30s, ±25% jitter.
  std::chrono::milliseconds initial_backoff{500};
};

/// Whether an HTTP status may be retried (5xx and 429; never any other 4xx).
bool IsRetryableHttpStatus(long status);

/// The delay before retry number `retry` (1 = first retry): `initial * 2^(retry-1)`
/// capped at 30s, scaled by `jitter` in [-0.25, 0.25].
std::chrono::milliseconds BackoffDelay(std::chrono::milliseconds initial, int retry, double jitter);

/// A manifest as fetched.
struct FetchedManifest {
  std::string media_type;  ///< the Content-Type the registry answered
  std::string digest;      ///< sha256 of `bytes` (checked against the requested digest)
  std::string bytes;
};

/// A client for `registry/repository`. Not thread-safe; movable.
class RegistryClient {
 public:
  /// A client for `ref.registry` and `ref.repository` (tag and digest are ignored).
  /// Credentials are looked up lazily, on the first authentication challenge.
  RegistryClient(const Reference& ref, RegistryOptions options);
  ~RegistryClient();
  RegistryClient(RegistryClient&&) noexcept;
  RegistryClient& operator=(RegistryClient&&) noexcept;

  /// Whether blob `digest` exists (HEAD).
  Result<bool> BlobExists(std::string_view digest);
  /// Uploads `bytes` as a blob unless it already exists (monolithic: POST then PUT
  /// `?digest=`). Returns its descriptor with `media_type`.
  Result<Descriptor> PushBlob(std::string_view media_type, std::string_view bytes);
  /// Downloads blob `digest`, at most `max_bytes`, and checks its digest.
  Result<std::string> GetBlob(std::string_view digest, std::size_t max_bytes);

  /// PUTs a manifest under `reference` (a tag or its digest). Returns its digest.
  Result<std::string> PutManifest(std::string_view reference, std::string_view media_type,
                                  std::string_view bytes);
  /// GETs a manifest by tag or digest (at most `max_bytes`); a digest reference is
  /// checked against the bytes.
  Result<FetchedManifest> GetManifest(std::string_view reference, std::size_t max_bytes);
  /// HEADs a manifest: media type, digest (Docker-Content-Digest) and size.
  Result<Descriptor> HeadManifest(std::string_view reference);

  /// All tags of the repository (follows `Link` pagination), sorted.
  Result<std::vector<std::string>> ListTags();

  /// Manifests whose subject is `subject_digest`, filtered by `artifact_type` when
  /// not empty, sorted by digest. Uses `/v2/<name>/referrers/<digest>` and falls
  /// back to the `sha256-<hex>` tag-schema index when the API is absent (404).
  Result<std::vector<Descriptor>> Referrers(std::string_view subject_digest,
                                            std::string_view artifact_type);
  /// Whether the registry serves the referrers API (probed once, then cached).
  Result<bool> HasReferrersApi(std::string_view subject_digest);

  /// Whether the registry answered the last PutManifest with an `OCI-Subject` header,
  /// i.e. it indexed the manifest's subject for the referrers API itself.
  bool last_put_processed_subject() const;

  /// `registry/repository`, for messages.
  const std::string& name() const;
  /// Total HTTP requests sent so far (tests and progress).
  std::uint64_t request_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aicr::oci
