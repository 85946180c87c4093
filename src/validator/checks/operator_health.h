#pragma once

/// \file
/// `operator-health`: the GPU Operator's pods (namespace `gpu-operator`, label
/// `app=gpu-operator`) exist and at least one is Running; skipped when the recipe
/// disables its gpu-operator component. Evidence: the pod count,
/// each pod's phase, and `Running: r/n`.

#include "validator/checks/check.h"

namespace aicr::validator::checks {

inline constexpr char kGpuOperatorNamespace[] = "gpu-operator";
inline constexpr char kGpuOperatorPodSelector[] = "app=gpu-operator";

/// Fails with `failed to list gpu-operator pods: <error>`, `no gpu-operator pods
/// found` or `no gpu-operator pods are in Running state (<n> total)`.
CheckResult CheckOperatorHealth(const CheckContext& ctx);

}  // namespace aicr::validator::checks
