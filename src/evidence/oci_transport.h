#pragma once

/// \file
/// Recipe evidence in an OCI registry: the summary bundle pushed as one tar+gzip
/// layer (annotations title `AICR Recipe Evidence` and the recipe-evidence
/// description), its Sigstore bundle attached as a referrer, the pointer updated
/// with the pinned digest; and the pull by digest for verification.

#include <string>
#include <string_view>

#include "base/result.h"
#include "base/status.h"
#include "oci/reference.h"
#include "oci/registry.h"

namespace aicr::evidence {

inline constexpr std::string_view kEvidenceTitle = "AICR Recipe Evidence";
inline constexpr std::string_view kEvidenceDescription =
    "Signed evidence bundle for an aicr recipe (recipe-evidence/v1).";
inline constexpr std::string_view kEvidenceArtifactType =
    "application/vnd.nvidia.aicr.recipe-evidence.v1";

/// What a push produced.
struct EvidencePushResult {
  oci::Reference pinned;  ///< registry/repository@sha256:...
  std::string tag;
  std::string digest;  ///< manifest digest
  bool signature_attached = false;
};

/// Pushes `<dir>/summary-bundle` to `ref` (tag defaults to `<recipe>-<first 12 hex
/// of the bundle's manifest.json digest>`), attaches attestation.intoto.jsonl as a
/// referrer when present, and records `oci://<registry>/<repository>:<tag>` and the
/// digest in `<dir>/pointer.yaml`. Errors: INVALID_REQUEST for a bad reference or one
/// carrying a digest; NOT_FOUND for a missing bundle; registry errors (registry.h).
Result<EvidencePushResult> PushEvidence(const std::string& dir, std::string_view ref,
                                        const oci::RegistryOptions& options);

/// Pulls the evidence artifact `ref` into the new directory `dest` (a summary
/// bundle). Errors as oci::PullBundle and oci::WriteBundleFiles.
Status PullEvidence(const oci::Reference& ref, const std::string& dest,
                    const oci::RegistryOptions& options);

}  // namespace aicr::evidence
