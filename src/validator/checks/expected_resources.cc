#include "validator/checks/expected_resources.h"

#include <cstdint>
#include <set>
#include <string>

#include "base/log.h"
#include "base/strings.h"
#include "validator/checks/resource_health.h"

namespace aicr::validator::checks {
namespace {

// Each distinct namespace of the enabled components exists and is Active.
std::vector<std::string> VerifyNamespaces(const CheckContext& ctx,
                                          const std::vector<const recipe::ComponentRef*>& refs) {
  std::vector<std::string> failures;
  std::set<std::string> seen;
  for (const recipe::ComponentRef* ref : refs) {
    if (ref->namespace_.empty() || !seen.insert(ref->namespace_).second) {
      continue;
    }
    const std::string& ns = ref->namespace_;
    Result<k8s::CallOptions> call = ctx.Call();
    if (!call.ok()) {
      failures.push_back("namespace " + ns + ": " + call.status().message());
      continue;
    }
    Result<serialize::Value> object = ctx.client->Get(k8s::resources::kNamespaces, "", ns, *call);
    if (!object.ok()) {
      failures.push_back("namespace " + ns + ": " +
                         (object.status().code() == ErrorCode::kNotFound
                              ? std::string("not found")
                              : object.status().message()));
      continue;
    }
    const serialize::Value* phase = object->FindPath("status.phase");
    const std::string* p = phase == nullptr ? nullptr : phase->if_string();
    const std::string value = p == nullptr ? "" : *p;
    if (value != "Active") {
      failures.push_back("namespace " + ns + ": phase=" + value + " (want Active)");
      continue;
    }
    ctx.Out() << "  Namespace " << ns << ": Active\n";
  }
  return failures;
}

}  // namespace

std::string DescribeExpected(const recipe::ExpectedResource& resource) {
  if (resource.namespace_.empty()) {
    return resource.kind + " " + resource.name;
  }
  return resource.kind + " " + resource.namespace_ + "/" + resource.name;
}

CheckResult CheckExpectedResources(const CheckContext& ctx) {
  if (!ctx.recipe) {
    return CheckResult::Failed("recipe is not available");
  }
  if (ctx.client == nullptr) {
    return CheckResult::Failed("kubernetes client is not available");
  }
  std::vector<const recipe::ComponentRef*> enabled;
  for (const recipe::ComponentRef& ref : ctx.recipe->component_refs) {
    if (ref.IsEnabled()) {
      enabled.push_back(&ref);
    }
  }

  std::ostream& out = ctx.Out();
  std::vector<std::string> failures = VerifyNamespaces(ctx, enabled);
  std::int64_t checked = 0;
  std::int64_t not_evaluated = 0;
  for (const recipe::ComponentRef* ref : enabled) {
    if (!ref->health_check_asserts.empty()) {
      ++not_evaluated;
      out << "  [healthCheckAsserts] " << ref->name << ": not evaluated (typed readiness only)\n";
    }
    for (const recipe::ExpectedResource& er : ref->expected_resources) {
      ++checked;
      Status s;
      Result<k8s::CallOptions> call = ctx.Call();
      s = call.ok() ? VerifyResource(*ctx.client, er, *call) : call.status();
      if (!s.ok()) {
        failures.push_back("[expectedResources] " + DescribeExpected(er) + " (" + ref->name +
                           "): " + s.message());
      } else {
        out << "  [expectedResources] " << DescribeExpected(er) << ": healthy\n";
      }
    }
  }
  ctx.SetExtra("resources", checked);
  ctx.SetExtra("issues", static_cast<std::int64_t>(failures.size()));
  if (not_evaluated > 0) {
    ctx.SetExtra("assertsNotEvaluated", not_evaluated);
  }

  if (!failures.empty()) {
    out << "Failed resources:\n";
    for (const std::string& f : failures) {
      out << "  " << f << "\n";
    }
    return CheckResult::Failed(
        "expected resource check failed: " + std::to_string(failures.size()) + " issue(s):\n  " +
        Join(failures, "\n  "));
  }
  log::Debug("expected-resources: passed", {{"resources", std::to_string(checked)}});
  out << "All expected resources are healthy\n";
  return CheckResult::Passed();
}

}  // namespace aicr::validator::checks
