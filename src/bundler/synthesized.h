#pragma once

/// \file
/// Manifests the bundler writes itself rather than reading from the catalogue:
/// the GKE critical-pods ResourceQuota (aicr-bundle §1.6) and the readiness-gate
/// chart template (§1.8).

#include <string>

#include "base/result.h"
#include "layout/plan.h"

namespace aicr::bundler {

/// The ResourceQuota `aicr-gke-critical-pods` admitting `max(32, nodes*32)` pods of
/// the system-node-critical and system-cluster-critical priority classes into
/// `namespace_` (GKE only admits those classes where such a quota exists).
layout::Manifest GkeCriticalPodsQuota(const std::string& namespace_, int nodes);

/// The gate image for an aicr build: `ghcr.io/nvidia/aicr-gate:<vX.Y.Z>`, `:dev`
/// for dev, `-next` or otherwise unstamped builds.
std::string GateImage(const std::string& aicr_version);

/// The `templates/readiness.yaml` of the `<component>-readiness` chart: a service
/// account, read-only cluster role and binding, a ConfigMap holding `test` and the
/// gate Job (Helm post-install/post-upgrade hook). INVALID_REQUEST when `test` is
/// not a chainsaw `Test` document.
Result<std::string> RenderReadinessGate(const std::string& component, const std::string& test,
                                        const std::string& aicr_version);

}  // namespace aicr::bundler
