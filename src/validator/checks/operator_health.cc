#include "validator/checks/operator_health.h"

#include <cstdint>
#include <string>

#include "base/log.h"

namespace aicr::validator::checks {
namespace {

std::string PodField(const serialize::Value& pod, std::string_view path) {
  const serialize::Value* v = pod.FindPath(path);
  const std::string* s = v == nullptr ? nullptr : v->if_string();
  return s == nullptr ? "" : *s;
}

}  // namespace

CheckResult CheckOperatorHealth(const CheckContext& ctx) {
  if (ctx.client == nullptr) {
    return CheckResult::Failed("kubernetes client is not available");
  }
  if (ComponentDisabled(ctx.recipe, "gpu-operator")) {
    return CheckResult::Skipped("gpu-operator is disabled in the recipe");
  }
  log::Debug("listing pods",
            {{"namespace", kGpuOperatorNamespace}, {"label", kGpuOperatorPodSelector}});
  Result<k8s::CallOptions> call = ctx.Call();
  if (!call.ok()) {
    return CheckResult::Failed("failed to list gpu-operator pods: " + call.status().message());
  }
  k8s::ListOptions options;
  options.label_selector = kGpuOperatorPodSelector;
  Result<k8s::ObjectList> pods =
      ctx.client->ListAll(k8s::resources::kPods, kGpuOperatorNamespace, options, *call);
  if (!pods.ok()) {
    return CheckResult::Failed("failed to list gpu-operator pods: " + pods.status().message());
  }
  const std::size_t total = pods->items.size();
  if (total == 0) {
    return CheckResult::Failed("no gpu-operator pods found");
  }

  std::ostream& out = ctx.Out();
  out << "Found " << total << " gpu-operator pod(s):\n";
  std::int64_t running = 0;
  for (const serialize::Value& pod : pods->items) {
    const std::string phase = PodField(pod, "status.phase");
    out << "  " << PodField(pod, "metadata.name") << ": " << phase << "\n";
    if (phase == "Running") {
      ++running;
    }
  }
  out << "Running: " << running << "/" << total << "\n";
  ctx.SetExtra("pods", static_cast<std::int64_t>(total));
  ctx.SetExtra("running", running);

  if (running == 0) {
    return CheckResult::Failed("no gpu-operator pods are in Running state (" +
                               std::to_string(total) + " total)");
  }
  log::Debug("operator-health: passed", {{"running", std::to_string(running)}});
  return CheckResult::Passed();
}

}  // namespace aicr::validator::checks
