#pragma once

/// \file
/// OCI image-spec documents: descriptors, image manifests (1.1, with artifactType and
/// subject) and image indexes; canonical JSON encoding and strict decoding.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace aicr::oci {

inline constexpr std::string_view kMediaTypeImageManifest =
    "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kMediaTypeImageIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kMediaTypeImageLayerGzip =
    "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view kMediaTypeEmptyJson = "application/vnd.oci.empty.v1+json";
/// The bytes of the empty config blob (`{}`).
inline constexpr std::string_view kEmptyJson = "{}";
inline constexpr std::string_view kArtifactTypeAicr = "application/vnd.nvidia.aicr.artifact";
inline constexpr std::string_view kMediaTypeHelmConfig = "application/vnd.cncf.helm.config.v1+json";
inline constexpr std::string_view kMediaTypeHelmChart =
    "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
inline constexpr std::string_view kMediaTypeSigstoreBundle =
    "application/vnd.dev.sigstore.bundle.v0.3+json";

inline constexpr std::string_view kAnnotationCreated = "org.opencontainers.image.created";
inline constexpr std::string_view kAnnotationVersion = "org.opencontainers.image.version";
inline constexpr std::string_view kAnnotationVendor = "org.opencontainers.image.vendor";
inline constexpr std::string_view kAnnotationTitle = "org.opencontainers.image.title";
inline constexpr std::string_view kAnnotationSource = "org.opencontainers.image.source";
inline constexpr std::string_view kAnnotationDescription = "org.opencontainers.image.description";
/// The fixed creation time of every artifact, for reproducibility.
inline constexpr std::string_view kReproducibleCreated = "1970-01-01T00:00:00Z";

/// An OCI content descriptor.
struct Descriptor {
  std::string media_type;
  std::string digest;  ///< `sha256:<hex>`
  std::int64_t size = 0;
  std::string artifact_type;  ///< empty when absent
  std::map<std::string, std::string> annotations;

  friend bool operator==(const Descriptor& a, const Descriptor& b) = default;
};

/// An OCI image manifest (schemaVersion 2).
struct Manifest {
  std::string media_type = std::string(kMediaTypeImageManifest);
  std::string artifact_type;  ///< empty when absent
  Descriptor config;
  std::vector<Descriptor> layers;
  std::optional<Descriptor> subject;
  std::map<std::string, std::string> annotations;
};

/// An OCI image index (used for the referrers API response and the tag-schema fallback).
struct Index {
  std::vector<Descriptor> manifests;
};

/// `sha256:<hex>` of `bytes`.
std::string DigestOf(std::string_view bytes);

/// Descriptor {media_type, DigestOf(bytes), size}.
Descriptor DescriptorFor(std::string_view media_type, std::string_view bytes);

/// Canonical JSON (keys sorted, no insignificant whitespace): same manifest, same
/// bytes, so the same manifest digest.
std::string EncodeManifest(const Manifest& manifest);
std::string EncodeIndex(const Index& index);

/// Strict decoding of untrusted JSON: schemaVersion 2, media types and digests
/// present and well formed, sizes non-negative. INVALID_REQUEST otherwise.
Result<Manifest> DecodeManifest(std::string_view json);
Result<Index> DecodeIndex(std::string_view json);

}  // namespace aicr::oci
