#include "validator/checks/builtin.h"

#include "base/status_macros.h"
#include "validator/checks/expected_resources.h"
#include "validator/checks/gpu_operator_version.h"
#include "validator/checks/operator_health.h"

namespace aicr::validator::checks {

Result<CheckRegistry> DeploymentChecks() {
  CheckRegistry registry;
  AICR_RETURN_IF_ERROR(registry.Add("expected-resources", CheckExpectedResources));
  AICR_RETURN_IF_ERROR(registry.Add("gpu-operator-version", CheckGpuOperatorVersion));
  AICR_RETURN_IF_ERROR(registry.Add("operator-health", CheckOperatorHealth));
  return registry;
}

}  // namespace aicr::validator::checks
