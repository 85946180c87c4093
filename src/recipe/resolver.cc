#include "recipe/resolver.h"

#include <map>
#include <optional>
#include <set>
#include <utility>

#include "base/log.h"
#include "base/status_macros.h"
#include "recipe/decode.h"
#include "recipe/defaults.h"
#include "recipe/merge.h"
#include "recipe/mixins.h"
#include "recipe/order.h"
#include "recipe/profile.h"
#include "recipe/store.h"

namespace aicr::recipe {
namespace {

constexpr std::string_view kBaseName = "base";

Status CheckEvaluable(const Constraint& c) {
  if (c.name.empty()) {
    return InvalidRequestError("constraint name is required for snapshot evaluation");
  }
  if (c.value.empty()) {
    return InvalidRequestError("constraint " + Quoted(c.name) +
                               " value is required for snapshot evaluation");
  }
  return OkStatus();
}

// One evaluation: ok with passed/actual/reason for a pass, a mismatch or an absent
// measurement (NOT_FOUND); any other evaluator error is returned.
struct Evaluation {
  bool passed = false;
  std::string actual;
  std::string error;  // the NOT_FOUND message, when the measurement is absent
};

Result<Evaluation> Evaluate(const ConstraintEvaluator& evaluator, const Constraint& c) {
  AICR_RETURN_IF_ERROR(CheckEvaluable(c));
  auto outcome = evaluator.Evaluate(c);
  Evaluation e;
  if (!outcome.ok()) {
    if (outcome.status().code() != ErrorCode::kNotFound) {
      return outcome.status();
    }
    e.error = outcome.status().message();
    return e;
  }
  e.passed = outcome->passed;
  e.actual = outcome->actual;
  return e;
}

// Evaluates a candidate's own constraints; returns whether all passed and the
// warnings for those that did not.
Result<bool> EvaluateOverlayConstraints(const RecipeMetadata& overlay,
                                        const ConstraintEvaluator& evaluator,
                                        std::vector<ConstraintWarning>& warnings) {
  bool all_passed = true;
  for (const auto& c : overlay.spec.constraints) {
    AICR_ASSIGN_OR_RETURN(Evaluation e, Evaluate(evaluator, c));
    if (!e.error.empty()) {
      warnings.push_back(ConstraintWarning{overlay.name, c.name, c.value, e.actual, e.error});
      all_passed = false;
    } else if (!e.passed) {
      warnings.push_back(ConstraintWarning{overlay.name, c.name, c.value, e.actual,
                                           "expected " + c.value + ", got " + e.actual});
      all_passed = false;
    }
  }
  return all_passed;
}

// Mixin constraint name -> the candidates whose chains contribute it.
Result<std::map<std::string, std::vector<std::string>>> MixinConstraintCandidates(
    const OverlayIndex& index, const std::map<std::string, RecipeMixin>& mixins,
    const std::vector<const RecipeMetadata*>& candidates) {
  std::map<std::string, std::vector<std::string>> out;
  for (const RecipeMetadata* candidate : candidates) {
    auto chain = index.Chain(candidate->name);
    if (!chain.ok()) {
      return InvalidRequestError(
          "failed to resolve candidate chain for mixin constraint evaluation: " +
          chain.status().message());
    }
    std::set<std::string> seen;
    for (const RecipeMetadata* member : *chain) {
      for (const auto& mixin_name : member->spec.mixins) {
        auto it = mixins.find(mixin_name);
        if (it == mixins.end()) {
          continue;
        }
        for (const auto& c : it->second.constraints) {
          if (seen.insert(c.name).second) {
            out[c.name].push_back(candidate->name);
          }
        }
      }
    }
  }
  return out;
}

struct Composition {
  ComposedSpec composed;
  std::set<std::string> mixin_constraints;
};

Result<Composition> Compose(const OverlayIndex& index, const MixinSources& sources,
                            const std::vector<const RecipeMetadata*>& candidates) {
  Composition c;
  AICR_ASSIGN_OR_RETURN(c.composed, ComposeChains(index, candidates));
  AICR_ASSIGN_OR_RETURN(c.mixin_constraints, MergeMixins(sources, c.composed.spec));
  return c;
}

std::vector<const RecipeMetadata*> AppliedOverlays(const OverlayIndex& index,
                                                   const std::vector<std::string>& applied) {
  std::vector<const RecipeMetadata*> out;
  for (const auto& name : applied) {
    if (name == kBaseName) {
      continue;
    }
    if (const RecipeMetadata* m = index.Find(name); m != nullptr) {
      out.push_back(m);
    }
  }
  return out;
}

}  // namespace

Result<ComposedSpec> ComposeChains(const OverlayIndex& index,
                                   const std::vector<const RecipeMetadata*>& candidates) {
  ComposedSpec out;
  const RecipeMetadataSpec& base = index.base().spec;
  out.spec.constraints = base.constraints;
  out.spec.component_refs = base.component_refs;
  out.spec.validation = base.validation;
  out.applied.emplace_back(kBaseName);
  std::set<std::string> seen;
  for (const RecipeMetadata* candidate : candidates) {
    auto chain = index.Chain(candidate->name);
    if (!chain.ok()) {
      return InvalidRequestError("failed to resolve inheritance chain: " +
                                 chain.status().message());
    }
    for (const RecipeMetadata* member : *chain) {
      if (!seen.insert(member->name).second) {
        continue;
      }
      MergeSpec(out.spec, member->spec);
      out.applied.push_back(member->name);
    }
  }
  return out;
}

Result<RecipeResult> Resolve(const Store& store, const Criteria& query,
                             const ResolveOptions& options) {
  if (options.error_details != nullptr) {
    *options.error_details = ResolutionErrorDetails{};
  }
  const OverlayIndex index(store);
  const MixinSources sources{&store.mixins(), &store.registry(), &store.provider()};
  const ConstraintEvaluator* evaluator = options.evaluator;

  const std::vector<const RecipeMetadata*> candidates = index.FindMatchingOverlays(query);
  AICR_ASSIGN_OR_RETURN(std::optional<EffectiveProfile> profile,
                        ResolveProfileDeclaration(index, candidates));

  std::vector<ExcludedOverlay> excluded;
  std::vector<ConstraintWarning> warnings;
  std::vector<const RecipeMetadata*> filtered;
  if (evaluator == nullptr) {
    filtered = candidates;
  } else {
    for (const RecipeMetadata* candidate : candidates) {
      std::vector<ConstraintWarning> own;
      AICR_ASSIGN_OR_RETURN(bool passed, EvaluateOverlayConstraints(*candidate, *evaluator, own));
      if (passed) {
        filtered.push_back(candidate);
      } else {
        excluded.push_back(ExcludedOverlay{candidate->name, std::string(kReasonConstraintFailed)});
        warnings.insert(warnings.end(), own.begin(), own.end());
      }
    }
  }

  AICR_ASSIGN_OR_RETURN(Composition composition, Compose(index, sources, filtered));

  if (evaluator != nullptr && !composition.mixin_constraints.empty()) {
    AICR_ASSIGN_OR_RETURN(auto contributors,
                          MixinConstraintCandidates(index, store.mixins(), filtered));
    std::set<std::string> failed;
    std::vector<ConstraintWarning> mixin_warnings;
    for (const auto& c : composition.composed.spec.constraints) {
      if (composition.mixin_constraints.count(c.name) == 0) {
        continue;
      }
      AICR_ASSIGN_OR_RETURN(Evaluation e, Evaluate(*evaluator, c));
      if (e.passed && e.error.empty()) {
        continue;
      }
      auto it = contributors.find(c.name);
      if (it == contributors.end() || it->second.empty()) {
        return InternalError("failed to map mixin constraint to candidate chain: constraint " +
                             Quoted(c.name));
      }
      const std::string reason =
          std::string(kReasonMixinConstraintFailed) + ": " +
          (!e.error.empty() ? e.error : "expected " + c.value + ", got " + e.actual);
      for (const auto& name : it->second) {
        failed.insert(name);
        mixin_warnings.push_back(ConstraintWarning{name, c.name, c.value, e.actual, reason});
      }
    }
    if (!mixin_warnings.empty()) {
      std::vector<const RecipeMetadata*> surviving;
      for (const RecipeMetadata* candidate : filtered) {
        if (failed.count(candidate->name) != 0) {
          excluded.push_back(
              ExcludedOverlay{candidate->name, std::string(kReasonMixinConstraintFailed)});
        } else {
          surviving.push_back(candidate);
        }
      }
      warnings.insert(warnings.end(), mixin_warnings.begin(), mixin_warnings.end());
      AICR_ASSIGN_OR_RETURN(composition, Compose(index, sources, surviving));
      log::Warn("post-compose constraint evaluation failed, excluding affected mixin chains",
                {{"failed_constraints", std::to_string(mixin_warnings.size())}});
    }
  }

  RecipeMetadataSpec& spec = composition.composed.spec;
  const std::vector<std::string>& applied = composition.composed.applied;

  if (evaluator != nullptr && profile.has_value()) {
    AICR_ASSIGN_OR_RETURN(std::optional<EffectiveProfile> surviving,
                          ResolveProfileDeclaration(index, AppliedOverlays(index, applied)));
    if (!surviving.has_value() || surviving->source != profile->source) {
      if (options.error_details != nullptr) {
        options.error_details->excluded_overlays = excluded;
        options.error_details->constraint_warnings = warnings;
      }
      return InvalidRequestError("profile declaration from overlay " + Quoted(profile->source) +
                                 " was removed by snapshot constraint filtering");
    }
  }

  AICR_RETURN_IF_ERROR(
      VerifyCriteriaCoverage(index, query, applied, excluded, warnings, options.error_details));

  if (!excluded.empty()) {
    log::Warn("some overlays were excluded due to constraint failures",
              {{"criteria", query.ToString()}});
  }
  if (applied.size() <= 1) {
    if (!excluded.empty()) {
      log::Warn(
          "all matching overlays were excluded due to constraint failures, using base "
          "configuration only",
          {{"criteria", query.ToString()}});
    } else {
      log::Warn("no environment-specific overlays matched, using base configuration only",
                {{"criteria", query.ToString()},
                 {"hint", "recipe may not be optimized for your environment"}});
    }
  }

  AICR_ASSIGN_OR_RETURN(std::optional<SelectedProfile> selected,
                        ApplyEffectiveProfile(spec, profile, options.profile, evaluator));

  // Finalise.
  if (Status s = ValidateDependencies(spec.component_refs); !s.ok()) {
    return InvalidRequestError("merged recipe validation failed: " + s.message());
  }
  auto order = TopologicalSort(spec.component_refs);
  if (!order.ok()) {
    return InternalError("failed to compute deployment order: " + order.status().message());
  }
  CanonicalizeComponentTypes(spec.component_refs);
  AICR_RETURN_IF_ERROR(
      ApplyRegistryDefaults(store.registry(), store.provider(), spec.component_refs));

  RecipeResult result;
  result.metadata.version = options.version;
  result.metadata.applied_overlays = applied;
  result.criteria = query;
  result.constraints = std::move(spec.constraints);
  result.component_refs = std::move(spec.component_refs);
  result.deployment_order = std::move(order).value();
  result.validation = std::move(spec.validation);
  AICR_RETURN_IF_ERROR(ValidateRefNames(result.component_refs));
  AICR_RETURN_IF_ERROR(ValidateCoherence(result.component_refs));
  if (selected.has_value()) {
    result.api_version = std::string(kApiV1Beta2);
    result.metadata.selected_profile = std::move(selected);
  }
  result.metadata.excluded_overlays = std::move(excluded);
  result.metadata.constraint_warnings = std::move(warnings);
  return result;
}

}  // namespace aicr::recipe
