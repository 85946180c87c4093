#include "validator/checks/gpu_operator_version.h"

#include <array>
#include <string>

#include "base/log.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "constraints/expression.h"
#include "validator/checks/resource_health.h"

namespace aicr::validator::checks {
namespace {

constexpr std::array<const char*, 3> kNamespaces = {"gpu-operator", "nvidia-gpu-operator",
                                                    "kube-system"};
constexpr std::array<const char*, 2> kDeploymentNames = {"gpu-operator", "nvidia-gpu-operator"};

std::string StringAt(const serialize::Value& v, std::string_view key) {
  const serialize::Value* f = v.Find(key);
  const std::string* s = f == nullptr ? nullptr : f->if_string();
  return s == nullptr ? "" : *s;
}

// Looks the version up in each candidate Deployment; the error names the last
// failure when none declares one.
Result<std::string> DetectVersion(const CheckContext& ctx) {
  const k8s::Resource deployments = *ResourceForKind("Deployment");
  std::string last_error;
  for (const char* ns : kNamespaces) {
    for (const char* name : kDeploymentNames) {
      AICR_ASSIGN_OR_RETURN(k8s::CallOptions call, ctx.Call());
      Result<serialize::Value> d = ctx.client->Get(deployments, ns, name, call);
      const std::string where = std::string(ns) + "/" + name;
      if (!d.ok()) {
        last_error = "failed to get deployment " + where + ": " + d.status().message();
        continue;
      }
      std::string version = VersionFromDeployment(*d);
      if (!version.empty()) {
        log::Debug("found GPU operator deployment", {{"deployment", where}});
        return version;
      }
      last_error = "could not determine version from deployment " + where;
    }
  }
  return NotFoundError("could not find GPU operator deployment in common namespaces: " +
                       last_error);
}

}  // namespace

std::string NormalizeVersion(std::string_view version) {
  const std::string_view v = Trim(version);
  if (v.empty()) {
    return "";
  }
  return v.front() == 'v' ? std::string(v) : "v" + std::string(v);
}

std::string ExtractVersionFromImage(std::string_view image) {
  image = image.substr(0, image.find('@'));  // a digest is not a tag
  const std::size_t colon = image.rfind(':');
  if (colon == std::string_view::npos) {
    return "";
  }
  std::string_view tag = image.substr(colon + 1);
  // A registry port (`host:5000/repo`) is not a tag.
  if (tag.find('/') != std::string_view::npos) {
    return "";
  }
  tag = tag.substr(0, tag.find('-'));
  return NormalizeVersion(tag);
}

std::string VersionFromDeployment(const serialize::Value& deployment) {
  if (const serialize::Value* labels = deployment.FindPath("metadata.labels")) {
    const std::string v = NormalizeVersion(StringAt(*labels, "app.kubernetes.io/version"));
    if (!v.empty()) {
      return v;
    }
  }
  const serialize::Value* containers = deployment.FindPath("spec.template.spec.containers");
  if (containers != nullptr && containers->is_sequence()) {
    for (const serialize::Value& c : *containers->if_sequence()) {
      const std::string image = StringAt(c, "image");
      if (image.find("gpu-operator") == std::string::npos) {
        continue;
      }
      const std::string v = ExtractVersionFromImage(image);
      if (!v.empty()) {
        return v;
      }
    }
  }
  if (const serialize::Value* annotations = deployment.FindPath("metadata.annotations")) {
    return NormalizeVersion(StringAt(*annotations, "nvidia.com/gpu-operator-version"));
  }
  return "";
}

std::optional<std::string> FindDeploymentConstraint(const std::optional<recipe::RecipeResult>& r,
                                                    std::string_view name) {
  if (!r || !r->validation || !r->validation->deployment ||
      !r->validation->deployment->constraints) {
    return std::nullopt;
  }
  for (const recipe::Constraint& c : *r->validation->deployment->constraints) {
    if (c.name == name) {
      return c.value;
    }
  }
  return std::nullopt;
}

CheckResult CheckGpuOperatorVersion(const CheckContext& ctx) {
  if (ctx.client == nullptr) {
    return CheckResult::Failed("kubernetes client is not available");
  }
  if (ComponentDisabled(ctx.recipe, "gpu-operator")) {
    return CheckResult::Skipped("gpu-operator is disabled in the recipe");
  }
  Result<std::string> version = DetectVersion(ctx);
  if (!version.ok()) {
    return CheckResult::Failed("failed to detect GPU operator version: " +
                               version.status().message());
  }
  std::ostream& out = ctx.Out();
  out << "Detected GPU Operator version: " << *version << "\n";

  const std::optional<std::string> expr =
      FindDeploymentConstraint(ctx.recipe, kGpuOperatorVersionConstraint);
  if (!expr) {
    log::Debug("no version constraint in recipe, reporting detected version only");
    return CheckResult::Passed();
  }
  Result<constraints::CompoundConstraint> parsed = constraints::ParseCompound(*expr);
  if (!parsed.ok()) {
    return CheckResult::Failed("invalid constraint expression: " + parsed.status().message());
  }
  Result<bool> passed = parsed->Evaluate(*version);
  if (!passed.ok()) {
    return CheckResult::Failed("constraint evaluation failed: " + passed.status().message());
  }
  out << "Constraint: " << *expr << " \u2192 " << (*passed ? "true" : "false") << "\n";
  if (!*passed) {
    return CheckResult::Failed("GPU Operator version " + *version +
                               " does not satisfy constraint " + EscapedQuote(*expr));
  }
  return CheckResult::Passed();
}

}  // namespace aicr::validator::checks
