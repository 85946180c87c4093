#include "bundler/validations.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "base/log.h"
#include "base/strings.h"
#include "bundler/checks.h"
#include "bundler/validation_support.h"

// The checks live by family in checks_*.cc (declared in checks.h) on the shared
// helpers of validation_support.h; this file holds the function table and the
// runner.
//
// What these checks cannot see, compared with upstream's pkg/bundler/validations:
//  - Values come from ValidationContext::values (what the bundle renders), not
//    re-resolved from the catalogue. A cross-component check whose evidence
//    component is declared but not in the bundle (a `bundlers=` subset) and whose
//    values the caller did not supply skips the part that needs them (logged at
//    debug) instead of resolving them itself.
//  - Override keys are canonical component names: `--dynamic` findings name the
//    canonical component, not the alias the user typed.
//  - Without ValidationContext::declared_recipe the declared union is the filtered
//    recipe plus the `declared` names, so a declared-but-unselected component is
//    seen as enabled unless toggled off, and the TCPXO fingerprint only sees the
//    components in the bundle.
//  - CheckHostMofedWithoutNetworkOperator reads the parsed `enabled` toggle (so
//    `False`/`0` count as disabled, where upstream compared the literal `false`
//    under the `networkoperator` key only).
//  - CheckNVSentinelNicHealthMonitorRequiresMetadataCollector compiles override
//    patterns with std::regex (ECMAScript), not Go's RE2.
//  - CheckNVSentinelSlurmDrainMonitorRequiresSlinky, ...RemediationPipelineCoherent
//    and ...MongoDBCoherent follow upstream's decision tables (its tests); their
//    chart defaults (watched namespace `slurm`, reset Job runtime class `nvidia` and
//    host driver root /run/nvidia/driver, the gpu-operator service manager's
//    default operand list) are taken from those tables, and version coherence of
//    nvsentinel-mongodb compares major.minor only.

namespace aicr::bundler {
namespace {

using recipe::ComponentRef;
using serialize::Value;
using validation::CheckFn;
using validation::CheckInput;
using validation::CheckOutput;
using validation::Conditions;
using validation::IsSelected;

constexpr std::string_view kWarningPrefix = "Warning: ";

// ---------------------------------------------------------------------------
// The function table and the runner.

struct NamedCheck {
  std::string_view name;
  CheckFn fn;
};

constexpr NamedCheck kChecks[] = {
    {"CheckAcceleratedSelectorMissing", &validation::CheckAcceleratedSelectorMissing},
    {"CheckDriverOwnershipCoherence", &validation::CheckDriverOwnershipCoherence},
    {"CheckGKETCPXOInterfacesCoherence", &validation::CheckGKETCPXOInterfacesCoherence},
    {"CheckHostMofedWithoutNetworkOperator", &validation::CheckHostMofedWithoutNetworkOperator},
    {"CheckMariaDBOperatorOwnershipCoherence", &validation::CheckMariaDBOperatorOwnershipCoherence},
    {"CheckNVSentinelDriverLabelDetectable", &validation::CheckNVSentinelDriverLabelDetectable},
    {"CheckNVSentinelMongoDBCoherent", &validation::CheckNVSentinelMongoDBCoherent},
    {"CheckNVSentinelNicHealthMonitorRequiresMetadataCollector",
     &validation::CheckNVSentinelNicHealthMonitorRequiresMetadataCollector},
    {"CheckNVSentinelPreflightDCGMReachable", &validation::CheckNVSentinelPreflightDCGMReachable},
    {"CheckNVSentinelPreflightGangSchedulerRequired",
     &validation::CheckNVSentinelPreflightGangSchedulerRequired},
    {"CheckNVSentinelRemediationPipelineCoherent",
     &validation::CheckNVSentinelRemediationPipelineCoherent},
    {"CheckNVSentinelRuntimeClassCoherence", &validation::CheckNVSentinelRuntimeClassCoherence},
    {"CheckNVSentinelSlurmDrainMonitorRequiresSlinky",
     &validation::CheckNVSentinelSlurmDrainMonitorRequiresSlinky},
    {"CheckNVSentinelTracingEndpointRequired", &validation::CheckNVSentinelTracingEndpointRequired},
    {"CheckWildcardAcceleratedToleration", &validation::CheckWildcardAcceleratedToleration},
    {"CheckWorkloadSelectorMissing", &validation::CheckWorkloadSelectorMissing},
};

CheckFn FindCheck(std::string_view name) {
  for (const NamedCheck& c : kChecks) {
    if (c.name == name) {
      return c.fn;
    }
  }
  return nullptr;
}

struct ValidationSpec {
  std::string function;
  std::string severity;  // lower-cased
  Conditions conditions;
  std::string message;
};

Result<std::string> OptionalString(const Value& entry, std::string_view key,
                                   const std::string& where) {
  const Value* v = entry.Find(key);
  if (v == nullptr || v->is_null()) {
    return std::string();
  }
  if (v->if_string() == nullptr) {
    return InvalidRequestError(where + ": " + std::string(key) + " must be a string");
  }
  return *v->if_string();
}

Result<std::vector<ValidationSpec>> DecodeValidations(const std::string& component,
                                                      const Value& list) {
  const std::string where = "registry component " + Quote(component) + " validations";
  if (!list.is_sequence()) {
    return InvalidRequestError(where + " must be a list");
  }
  std::vector<ValidationSpec> specs;
  for (const Value& entry : *list.if_sequence()) {
    if (!entry.is_mapping()) {
      return InvalidRequestError(where + ": each entry must be a mapping");
    }
    ValidationSpec spec;
    Result<std::string> function = OptionalString(entry, "function", where);
    if (!function.ok()) {
      return function.status();
    }
    if (function->empty()) {
      return InvalidRequestError(where + ": an entry has no function");
    }
    spec.function = std::move(*function);
    Result<std::string> severity = OptionalString(entry, "severity", where);
    if (!severity.ok()) {
      return severity.status();
    }
    spec.severity = std::move(*severity);
    std::transform(spec.severity.begin(), spec.severity.end(), spec.severity.begin(), [](char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    Result<std::string> message = OptionalString(entry, "message", where);
    if (!message.ok()) {
      return message.status();
    }
    spec.message = std::move(*message);
    const Value* conditions = entry.Find("conditions");
    if (conditions != nullptr && !conditions->is_null()) {
      if (!conditions->is_mapping()) {
        return InvalidRequestError(where + ": conditions of " + spec.function +
                                   " must be a mapping");
      }
      for (const auto& [key, values] : *conditions->if_mapping()) {
        std::vector<std::string> options;
        if (values.if_string() != nullptr) {
          options.push_back(*values.if_string());
        } else if (values.is_sequence()) {
          for (const Value& v : *values.if_sequence()) {
            if (v.if_string() == nullptr) {
              return InvalidRequestError(where + ": condition " + key + " of " + spec.function +
                                         " must list strings");
            }
            options.push_back(*v.if_string());
          }
        } else {
          return InvalidRequestError(where + ": condition " + key + " of " + spec.function +
                                     " must be a list of strings");
        }
        spec.conditions.emplace_back(key, std::move(options));
      }
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

std::string WithMessage(const std::string& text, const std::string& message) {
  return message.empty() ? text : text + ". " + message;
}

Status BlockingError(const Status& err, const std::string& message) {
  if (message.empty()) {
    return err;
  }
  return InvalidRequestError(err.message() + ". " + message);
}

}  // namespace

Status RunComponentValidations(const ValidationContext& ctx, ValidationOutcome* outcome) {
  if (ctx.recipe == nullptr) {
    return InternalError("component validations need the recipe");
  }
  if (ctx.registry == nullptr) {
    return InternalError("component validations need the component registry");
  }
  for (const ComponentRef& ref : ctx.recipe->component_refs) {
    if (!IsSelected(ctx, ref.name)) {
      continue;
    }
    const recipe::RegistryComponent* reg = ctx.registry->Find(ref.name);
    if (reg == nullptr) {
      continue;
    }
    const Value* list = reg->raw.Find("validations");
    if (list == nullptr || list->is_null()) {
      continue;
    }
    Result<std::vector<ValidationSpec>> specs = DecodeValidations(ref.name, *list);
    if (!specs.ok()) {
      return specs.status();
    }
    std::optional<Status> first_error;
    auto block = [&](Status s) {
      if (!first_error.has_value()) {
        first_error = std::move(s);
      }
    };
    for (const ValidationSpec& spec : *specs) {
      const CheckFn fn = FindCheck(spec.function);
      if (fn == nullptr) {
        block(InvalidRequestError("unknown validation function " + Quote(spec.function) +
                                  " for component " + Quote(ref.name)));
        continue;
      }
      const CheckOutput result = fn(CheckInput{ctx, ref.name, spec.conditions});
      if (spec.severity == "info") {
        for (const std::string& f : result.findings) {
          log::Info(WithMessage(f, spec.message), {{"component", ref.name}});
        }
        for (const Status& e : result.errors) {
          log::Info(
              "validation check reported an error",
              {{"component", ref.name}, {"function", spec.function}, {"error", e.ToString()}});
        }
        continue;
      }
      for (const std::string& f : result.findings) {
        const std::string text = WithMessage(f, spec.message);
        if (spec.severity == "error") {
          block(InvalidRequestError(text));
        } else if (text.rfind(kWarningPrefix, 0) == 0) {
          outcome->warnings.push_back(text);
        } else {
          outcome->warnings.push_back(std::string(kWarningPrefix) + text);
        }
      }
      for (const Status& e : result.errors) {
        block(BlockingError(e, spec.message));
      }
    }
    if (first_error.has_value()) {
      return *first_error;
    }
  }
  return OkStatus();
}

Result<ValidationOutcome> RunComponentValidations(const ValidationContext& ctx) {
  ValidationOutcome outcome;
  const Status status = RunComponentValidations(ctx, &outcome);
  if (!status.ok()) {
    // The caller only sees the error: surface what was gathered before it.
    for (const std::string& w : outcome.warnings) {
      log::Warn(w);
    }
    return status;
  }
  return outcome;
}

bool IsKnownValidationFunction(std::string_view function) { return FindCheck(function) != nullptr; }

std::vector<std::string> KnownValidationFunctions() {
  std::vector<std::string> names;
  for (const NamedCheck& c : kChecks) {
    names.emplace_back(c.name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace aicr::bundler
