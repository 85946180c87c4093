// Scheduling flag checks: the node-selector and toleration flags a component
// needs, and the host MOFED override when network-operator is off.

#include "bundler/checks.h"
#include "bundler/validation_support.h"

namespace aicr::bundler::validation {

using serialize::Value;

CheckOutput CheckWorkloadSelectorMissing(const CheckInput& in) {
  if (OwnRef(in) == nullptr || !ConditionsMatch(*in.ctx.recipe, in.conditions)) {
    return {};
  }
  if (!in.ctx.workload_selectors.empty()) {
    return {};
  }
  return {{in.component + " is enabled but --workload-selector is not set"}, {}};
}

CheckOutput CheckAcceleratedSelectorMissing(const CheckInput& in) {
  if (OwnRef(in) == nullptr || !ConditionsMatch(*in.ctx.recipe, in.conditions)) {
    return {};
  }
  if (!in.ctx.accelerated_node_selectors.empty()) {
    return {};
  }
  return {{in.component + " is enabled but --accelerated-node-selector is not set"}, {}};
}

// An empty list counts: the tuning manifest then renders its own wildcard.
CheckOutput CheckWildcardAcceleratedToleration(const CheckInput& in) {
  if (OwnRef(in) == nullptr || !ConditionsMatch(*in.ctx.recipe, in.conditions)) {
    return {};
  }
  bool wildcard = in.ctx.accelerated_tolerations.empty();
  for (const Value& tol : in.ctx.accelerated_tolerations) {
    const Value* key = tol.Find("key");
    if (key == nullptr || key->is_null() ||
        (key->if_string() != nullptr && key->if_string()->empty())) {
      wildcard = true;
      break;
    }
  }
  if (!wildcard) {
    return {};
  }
  return {
      {in.component + " would render a wildcard accelerated-node toleration (one without a key)"},
      {}};
}

CheckOutput CheckHostMofedWithoutNetworkOperator(const CheckInput& in) {
  if (!ConditionsMatch(*in.ctx.recipe, in.conditions)) {
    return {};
  }
  if (!ToggledOff(in.ctx, "network-operator")) {
    return {};
  }
  const auto gpu = in.ctx.set_values.find("gpu-operator");
  if (gpu != in.ctx.set_values.end()) {
    const auto mofed = gpu->second.find("driver.rdma.useHostMofed");
    if (mofed != gpu->second.end() && mofed->second == "false") {
      return {};
    }
  }
  return {{in.component +
           ": network-operator is disabled but driver.rdma.useHostMofed is not overridden "
           "to false; add --set gpuoperator:driver.rdma.useHostMofed=false"},
          {}};
}

}  // namespace aicr::bundler::validation
