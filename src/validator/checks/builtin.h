#pragma once

/// \file
/// The deployment-phase checks of the `aicr-validator` image.

#include "base/result.h"
#include "validator/checks/registry.h"

namespace aicr::validator::checks {

/// `expected-resources`, `gpu-operator-version` and `operator-health`.
Result<CheckRegistry> DeploymentChecks();

}  // namespace aicr::validator::checks
