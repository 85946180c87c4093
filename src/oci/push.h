#pragma once

/// \file
/// Pushing AICR artifacts (aicr-supply-chain §1.5): the reproducible single-layer
/// bundle artifact, the Helm chart artifact (`-d argocd-helm`), and referrers (the
/// bundle signature attached to the bundle manifest).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "oci/manifest.h"
#include "oci/reference.h"
#include "oci/registry.h"

namespace aicr::oci {

/// What a push produced.
struct PushResult {
  std::string digest;     ///< sha256:… of the manifest
  std::int64_t size = 0;  ///< manifest bytes
  Reference pinned;       ///< registry/repository@digest (no tag)
  std::string tag;        ///< the tag pushed, empty when pushed by digest only
  std::string media_type = std::string(kMediaTypeImageManifest);
};

/// One file of a bundle or chart, relative to its root.
struct BundleFile {
  std::string path;
  std::string bytes;
  bool executable = false;
};

/// Reads the bundle tree under `dir` into memory (a private snapshot of the files to
/// push): regular files only, sorted by path, `executable` from the owner x bit.
/// Symlinks are never followed.
/// Errors: INVALID_REQUEST when `dir` is not a folder, or the tree holds a symlink,
/// FIFO, socket or device (naming it), or more than `max_total_bytes`; NOT_FOUND when
/// `dir` does not exist; UNAVAILABLE for read errors.
Result<std::vector<BundleFile>> CollectBundleFiles(
    const std::string& dir, std::uint64_t max_total_bytes = std::uint64_t{1024} * 1024 * 1024);

/// The vendor, title and source annotations of bundle artifacts.
inline constexpr std::string_view kVendor = "NVIDIA";
inline constexpr std::string_view kBundleTitle = "AICR Bundle";
inline constexpr std::string_view kSourceUrl = "https://github.com/NVIDIA/aicr";
/// The layer file name (layer title annotation) of a bundle artifact.
inline constexpr std::string_view kBundleLayerName = "bundle.tar.gz";

/// The manifest PushBundle would push, and its layer: deterministic, no network.
struct BundleArtifact {
  std::string layer;     ///< tar.gz of the files
  std::string config;    ///< `{}`
  std::string manifest;  ///< canonical JSON
  std::string digest;    ///< of `manifest`
};
Result<BundleArtifact> BuildBundleArtifact(const std::vector<BundleFile>& files,
                                           std::string_view version);

/// Pushes `files` as one `application/vnd.oci.image.layer.v1.tar+gzip` layer in an
/// OCI 1.1 manifest with artifactType `application/vnd.nvidia.aicr.artifact`, the
/// empty config, and annotations created=1970-01-01T00:00:00Z, version=`version`,
/// vendor, title and source. Same files and version → same manifest digest.
/// The manifest is tagged `target.tag`; with no tag it is pushed by digest only.
/// Errors: INVALID_REQUEST for no files, an unsafe or duplicate path, or a target
/// that carries a digest; registry errors as in registry.h.
Result<PushResult> PushBundle(const Reference& target, const std::vector<BundleFile>& files,
                              std::string_view version, const RegistryOptions& options);

/// Helm chart tags: strict semver after an optional leading `v`, with `+` spelled
/// `_` in the registry tag. Returns the chart version (`+` form, no `v`) for `tag`.
/// Errors: INVALID_REQUEST naming the tag.
Result<std::string> HelmChartVersionFromTag(std::string_view tag);

/// Pushes a Helm chart (files relative to the chart root: Chart.yaml, values.yaml,
/// templates/...). The chart's Chart.yaml `version` is rewritten to the version of
/// `target.tag` (see HelmChartVersionFromTag); entries are stored under `<name>/`;
/// config media type `application/vnd.cncf.helm.config.v1+json` holding only
/// apiVersion, name, version, description, type and appVersion; layer
/// `application/vnd.cncf.helm.chart.content.v1.tar+gzip`. The registry tag is the
/// version with `+` → `_`.
/// Errors (INVALID_REQUEST, before any network call): no tag, an invalid tag, a
/// missing or malformed Chart.yaml or one without a name, a repository basename
/// that differs from the chart name, unsafe paths; registry errors as in registry.h.
Result<PushResult> PushHelmChart(const Reference& target,
                                 const std::vector<BundleFile>& chart_files,
                                 const RegistryOptions& options);

/// Attaches `blob` to `subject` (a manifest pushed to `repo`'s repository) as a
/// referrer: a manifest with artifactType `artifact_type`, the empty config, one
/// layer of media type `artifact_type`, `subject` = the subject's descriptor, and
/// the vendor annotation. It is tagged with its own digest hex so many can coexist.
/// When the registry has no referrers API, the `sha256-<subject hex>` tag-schema index
/// is updated (read, merged, rewritten). Returns the referrer manifest.
Result<PushResult> PushReferrer(const Reference& repo, const PushResult& subject,
                                std::string_view artifact_type, std::string_view blob,
                                const RegistryOptions& options);

/// The referrers of `subject_pinned` (which must carry a digest), filtered by
/// `artifact_type` when not empty, sorted by digest.
Result<std::vector<Descriptor>> ListReferrers(const Reference& subject_pinned,
                                              std::string_view artifact_type,
                                              const RegistryOptions& options);

/// Downloads the single layer blob of referrer manifest `referrer` (a descriptor from
/// ListReferrers), checking digests; at most `max_bytes`.
Result<std::string> FetchReferrerBlob(const Reference& repo, const Descriptor& referrer,
                                      std::size_t max_bytes, const RegistryOptions& options);

}  // namespace aicr::oci
