#pragma once

/// \file
/// `gpu-operator-version`: finds the GPU Operator Deployment (names `gpu-operator`,
/// `nvidia-gpu-operator` in namespaces `gpu-operator`, `nvidia-gpu-operator`,
/// `kube-system`, in that order), reads its version (label
/// `app.kubernetes.io/version`, else the tag of a container image containing
/// `gpu-operator`, else annotation `nvidia.com/gpu-operator-version`; always with a
/// leading `v`) and evaluates the recipe's deployment-phase constraint
/// `Deployment.gpu-operator.version` against it. Without that constraint the
/// detected version is only reported. Skipped when the recipe disables its
/// gpu-operator component.

#include <optional>
#include <string>
#include <string_view>

#include "recipe/result.h"
#include "validator/checks/check.h"

namespace aicr::validator::checks {

/// The constraint name the check evaluates.
inline constexpr char kGpuOperatorVersionConstraint[] = "Deployment.gpu-operator.version";

/// `v` + the trimmed text (unchanged when it already starts with `v`); "" for blank.
std::string NormalizeVersion(std::string_view version);

/// The tag after the last `:` of `image` (a digest ignored), cut at its first `-`, normalised
/// (`repo/gpu-operator:24.9.0-ubi8` -> `v24.9.0`); "" without a tag.
std::string ExtractVersionFromImage(std::string_view image);

/// The version a GPU Operator Deployment object declares (see the file comment);
/// "" when it declares none.
std::string VersionFromDeployment(const serialize::Value& deployment);

/// The value of the deployment-phase constraint called `name`, if the recipe has one.
std::optional<std::string> FindDeploymentConstraint(const std::optional<recipe::RecipeResult>& r,
                                                    std::string_view name);

/// Fails with `failed to detect GPU operator version: ...`, `invalid constraint
/// expression: ...`, `constraint evaluation failed: ...` or
/// `GPU Operator version v24.3.0 does not satisfy constraint ">= v24.6.0"`.
CheckResult CheckGpuOperatorVersion(const CheckContext& ctx);

}  // namespace aicr::validator::checks
