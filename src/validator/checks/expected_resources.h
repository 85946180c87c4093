#pragma once

/// \file
/// `expected-resources`: for every enabled component of the recipe, its namespace
/// is Active and every `expectedResources` entry exists and is healthy
/// (resource_health.h). Every problem is reported, not just the first. Components
/// that carry only registry health-check assertions (`healthCheckAsserts`) are
/// listed as not evaluated: this validator judges the typed readiness contract.

#include <string>
#include <vector>

#include "recipe/model.h"
#include "validator/checks/check.h"

namespace aicr::validator::checks {

/// `Deployment gpu-operator/gpu-operator`, or `CustomResourceDefinition x` for a
/// resource without a namespace.
std::string DescribeExpected(const recipe::ExpectedResource& resource);

/// Fails with `recipe is not available`, or
/// `expected resource check failed: <n> issue(s):\n  <issue>\n  <issue>...` where an
/// issue reads `namespace gpu-operator: not found` or
/// `[expectedResources] Deployment ns/name (component): not healthy: 0/1 replicas available`.
CheckResult CheckExpectedResources(const CheckContext& ctx);

}  // namespace aicr::validator::checks
