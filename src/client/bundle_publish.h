#pragma once

/// \file
/// `aicr bundle -o oci://registry/repository[:tag]` (aicr-supply-chain §1.5).
///
/// The bundle is first written to a local directory exactly like a directory
/// output (by default `./bundle`; an existing directory there may hold only a
/// previous bundle, anything else is refused before any write), so what was pushed
/// can be verified with `aicr verify`. Then:
/// - `-d argocd-helm`: the bundle (minus the attestation files) is pushed as a Helm
///   chart; the tag must be strict semver and the repository basename must equal
///   the chart name. The pushed Chart.yaml carries the tag's version, so the local
///   `./bundle` (whose checksums.txt the signature covers) is what verifies;
/// - every other deployer: the bundle is pushed as one reproducible layer with
///   artifactType `application/vnd.nvidia.aicr.artifact`.
///
/// The default tag is the aicr version. When the bundle is attested, its Sigstore
/// bundle is attached to the pushed manifest as a referrer of artifact type
/// `application/vnd.dev.sigstore.bundle.v0.3+json`. `--image-refs FILE` receives the
/// digest-pinned reference (`registry/repository@sha256:<hex>` and a newline),
/// written through a mode-0600 temporary file and renamed; FILE must not be a
/// symlink nor lie inside the local bundle directory.

#include <string>

#include "base/result.h"
#include "base/status.h"
#include "layout/file_tree.h"
#include "oci/reference.h"
#include "oci/registry.h"

namespace aicr::client {

/// Default local directory an OCI-published bundle is also written to.
inline constexpr char kOciLocalBundleDir[] = "bundle";

/// OCI settings of `aicr bundle`.
struct BundlePublishRequest {
  /// The `-o` value; OCI publication applies when it starts with `oci://`.
  std::string output;
  std::string image_refs;  ///< --image-refs FILE ("" = none)
  bool plain_http = false;
  bool insecure_tls = false;
  /// Where the bundle is also written for an oci:// output.
  std::string local_dir = kOciLocalBundleDir;
};

/// A checked OCI publication, ready once the bundle is built.
struct OciPublishPlan {
  oci::Reference target;  ///< tag filled in (explicit or the default)
  bool helm_chart = false;
  std::string local_dir;
  std::string image_refs;
  oci::RegistryOptions registry;
};

/// Whether `output` names an OCI target.
bool IsOciOutput(const std::string& output);

/// Checks the OCI settings before any bundle work: INVALID_REQUEST for
/// `--image-refs`, `--plain-http` or `--insecure-tls` without an oci:// output, a
/// reference that does not parse or pins a digest, an argocd-helm tag that is not
/// semver, an `--image-refs` path that is a symlink, a directory, has no parent
/// directory or lies inside the local bundle directory. nullopt for a directory
/// output.
Result<std::optional<OciPublishPlan>> PrepareOciPublish(const BundlePublishRequest& request,
                                                        const std::string& deployer,
                                                        const std::string& version);

/// What an OCI publication produced.
struct OciPublishResult {
  std::string pinned;           ///< registry/repository@sha256:<hex>
  std::string tagged;           ///< registry/repository:tag
  std::string referrer_digest;  ///< the signature referrer, when attested
};

/// Checks the built tree against the plan before anything is written
/// (argocd-helm: the repository basename equals the chart name).
Status CheckOciTree(const OciPublishPlan& plan, const layout::FileTree& tree);

/// Pushes `tree` (already written to `plan.local_dir`) and its attestation, then
/// writes `--image-refs`. Registry errors keep their codes.
Result<OciPublishResult> PushBundleTree(const OciPublishPlan& plan, const layout::FileTree& tree,
                                        const std::string& version);

/// Writes `content` to `path` atomically with mode 0600 (temporary file in the
/// same directory, fsync, rename). INVALID_REQUEST when `path` is a symlink or not
/// a regular file; UNAVAILABLE on I/O failure.
Status WritePrivateFileAtomic(const std::string& path, const std::string& content);

}  // namespace aicr::client
