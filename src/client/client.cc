#include "client/client.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "base/log.h"
#include "base/status_macros.h"
#include "catalog/layered.h"
#include "client/config.h"
#include "client/snapshot_loader.h"
#include "constraints/snapshot_eval.h"
#include "k8s/configmap_store.h"
#include "measurement/fingerprint.h"
#include "measurement/snapshot.h"
#include "recipe/criteria_registry.h"
#include "recipe/query.h"
#include "recipe/resolver.h"
#include "serialize/input.h"
#include "serialize/yaml_reader.h"

namespace aicr::client {
namespace {

using recipe::Dimension;

// Overlay constraints evaluated against one snapshot's readings.
class SnapshotEvaluator : public recipe::ConstraintEvaluator {
 public:
  explicit SnapshotEvaluator(const measurement::Snapshot& snapshot) : snapshot_(snapshot) {}

  Result<recipe::ConstraintOutcome> Evaluate(const recipe::Constraint& c) const override {
    AICR_ASSIGN_OR_RETURN(const constraints::SnapshotEvalResult r,
                          constraints::EvaluateAgainstSnapshot(snapshot_, c.name, c.value));
    return recipe::ConstraintOutcome{r.passed, r.actual};
  }

 private:
  const measurement::Snapshot& snapshot_;
};

// The field of `in` (const or not) holding dimension `d`.
template <typename Input>
auto& Field(Input& in, Dimension d) {
  switch (d) {
    case Dimension::kService:
      return in.service;
    case Dimension::kAccelerator:
      return in.accelerator;
    case Dimension::kIntent:
      return in.intent;
    case Dimension::kOs:
      return in.os;
    case Dimension::kPlatform:
      return in.platform;
  }
  return in.service;
}

bool EnvStrict() { return recipe::CriteriaStrictFromEnv(); }

// Criteria detected from a snapshot: its recorded fingerprint, else one derived
// from its measurements.
measurement::FingerprintCriteria DetectCriteria(const measurement::Snapshot& snap) {
  const measurement::Fingerprint fp = snap.fingerprint.has_value()
                                          ? *snap.fingerprint
                                          : measurement::FromMeasurements(snap.measurements);
  return measurement::ToCriteria(fp);
}

}  // namespace

Result<measurement::Snapshot> LoadSnapshot(std::string_view source,
                                           serialize::ConfigMapStore* configmaps,
                                           const CancelToken& cancel) {
  serialize::InputOptions in;
  in.configmaps = configmaps;
  in.cancel = cancel;
  in.kind = "snapshot";
  Result<std::string> bytes = serialize::ReadInput(source, in);
  if (!bytes.ok()) {
    return bytes.status().WithContext("snapshot");
  }
  Result<serialize::Value> doc = serialize::ParseYaml(*bytes);
  if (!doc.ok()) {
    return doc.status().WithContext("snapshot \"" + std::string(source) + "\"");
  }
  Result<measurement::Snapshot> snap = measurement::DecodeSnapshot(*doc);
  if (!snap.ok()) {
    return snap.status().WithContext("snapshot \"" + std::string(source) + "\"");
  }
  return snap;
}

namespace {

PhaseCoverage Coverage(const std::optional<recipe::ValidationPhase>& phase) {
  PhaseCoverage out;
  if (!phase.has_value()) {
    return out;
  }
  out.declared = true;
  if (phase->checks.has_value()) {
    out.checks = *phase->checks;
  }
  if (phase->constraints.has_value()) {
    out.constraints = phase->constraints->size();
  }
  return out;
}

}  // namespace

Client::Client(Options options) : options_(std::move(options)) {
  if (options_.embedded == nullptr) {
    options_.embedded = &catalog::EmbeddedProvider();
  }
  if (options_.configmaps == nullptr && options_.cluster_access) {
    k8s::ResolveOptions resolve;
    resolve.explicit_kubeconfig = options_.kubeconfig;
    owned_configmaps_ = std::make_shared<k8s::ConfigMapStore>(std::move(resolve));
    options_.configmaps = owned_configmaps_.get();
  }
}

Result<const catalog::DataProvider*> Client::Provider(const std::string& data_dir) const {
  if (data_dir.empty()) {
    return options_.embedded;
  }
  // Stores are memoised by provider identity and keep a pointer to their provider,
  // so layered providers live as long as the process.
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<catalog::DataProvider>> providers;
  std::lock_guard<std::mutex> lock(mu);
  AICR_ASSIGN_OR_RETURN(std::unique_ptr<catalog::DataProvider> fresh,
                        catalog::MakeLayeredProvider(data_dir, *options_.embedded));
  const std::string id(fresh->Identity());
  auto it = providers.find(id);
  if (it == providers.end()) {
    it = providers.emplace(id, std::move(fresh)).first;
  }
  return it->second.get();
}

Result<RecipeResponse> Client::ResolveRecipe(const RecipeRequest& request,
                                             recipe::ResolutionErrorDetails* details) const {
  RecipeResponse response;
  CriteriaInput stated = request.criteria;
  std::string profile = request.profile;
  std::string snapshot_source = request.snapshot;
  std::string data_dir = request.data_dir;
  bool strict = request.criteria_strict || EnvStrict();

  if (!request.config.empty()) {
    serialize::InputOptions in;
    in.cancel = options_.cancel;
    AICR_ASSIGN_OR_RETURN(const AicrConfig cfg, LoadConfig(request.config, in));
    if (cfg.recipe.has_value()) {
      const RecipeConfig& rc = *cfg.recipe;
      if (rc.criteria.has_value()) {
        const RecipeConfig::Criteria& c = *rc.criteria;
        for (const auto& [dim, value] :
             {std::pair{Dimension::kService, &c.service},
              std::pair{Dimension::kAccelerator, &c.accelerator},
              std::pair{Dimension::kIntent, &c.intent}, std::pair{Dimension::kOs, &c.os},
              std::pair{Dimension::kPlatform, &c.platform}}) {
          if (!Field(stated, dim).has_value() && !value->empty()) {
            Field(stated, dim) = *value;
          }
        }
        if (!stated.nodes.has_value() && c.nodes.has_value()) {
          stated.nodes = c.nodes;
        }
      }
      if (profile.empty()) {
        profile = rc.profile;
      }
      if (snapshot_source.empty() && !rc.criteria.has_value()) {
        snapshot_source = rc.input_snapshot;
      }
      if (data_dir.empty()) {
        data_dir = rc.data;
      }
      if (!strict && rc.criteria_strict.value_or(false)) {
        strict = true;
      }
      response.config_output_path = rc.output_path;
      response.config_output_format = rc.output_format;
    }
  }

  AICR_ASSIGN_OR_RETURN(const catalog::DataProvider* provider, Provider(data_dir));
  AICR_ASSIGN_OR_RETURN(response.store, recipe::GetStore(*provider));
  const recipe::Store& store = *response.store;

  recipe::Criteria query;
  std::set<Dimension> derived;
  std::optional<measurement::Snapshot> snapshot;
  if (!snapshot_source.empty()) {
    AICR_ASSIGN_OR_RETURN(snapshot,
                          LoadSnapshot(snapshot_source, options_.configmaps, options_.cancel));
    const measurement::FingerprintCriteria detected = DetectCriteria(*snapshot);
    for (const auto& [dim, value] : {std::pair{Dimension::kService, &detected.service},
                                     std::pair{Dimension::kAccelerator, &detected.accelerator},
                                     std::pair{Dimension::kOs, &detected.os}}) {
      if (value->empty() || Field(stated, dim).has_value()) {
        continue;
      }
      Result<std::string> parsed =
          recipe::ParseCriteriaValue(dim, *value, &store.criteria_registry(), strict);
      if (!parsed.ok()) {
        log::Warn("ignoring snapshot-detected criterion",
                  {{"dimension", std::string(recipe::DimensionName(dim))},
                   {"value", *value},
                   {"error", parsed.status().message()}});
        continue;
      }
      query.Get(dim) = *parsed;
      if (!recipe::IsAny(*parsed)) {
        derived.insert(dim);
      }
    }
    if (!stated.nodes.has_value() && detected.node_count > 0) {
      query.nodes = static_cast<int>(detected.node_count);
    }
  }

  for (Dimension dim : recipe::kDimensions) {
    const std::optional<std::string>& raw = Field(stated, dim);
    if (!raw.has_value()) {
      continue;
    }
    AICR_ASSIGN_OR_RETURN(
        query.Get(dim), recipe::ParseCriteriaValue(dim, *raw, &store.criteria_registry(), strict));
  }
  if (stated.nodes.has_value()) {
    if (*stated.nodes < 0 || *stated.nodes > 1'000'000) {
      return InvalidRequestError("invalid nodes: " + std::to_string(*stated.nodes) +
                                 " (must be a non-negative integer)");
    }
    query.nodes = static_cast<int>(*stated.nodes);
  }
  if (query.Specificity() == 0) {
    return InvalidRequestError(
        "no criteria provided: specify at least one of service, accelerator, intent, os, "
        "platform, nodes");
  }

  std::optional<SnapshotEvaluator> evaluator;
  if (snapshot.has_value()) {
    evaluator.emplace(*snapshot);
  }
  recipe::ResolveOptions opts;
  opts.profile = profile;
  opts.evaluator = evaluator.has_value() ? &*evaluator : nullptr;
  opts.version = options_.version;
  recipe::ResolutionErrorDetails local;
  opts.error_details = &local;
  Result<recipe::RecipeResult> result = recipe::Resolve(store, query, opts);

  // Relax-once: dimensions that only came from the snapshot and that no overlay
  // covers are dropped with a warning, then resolution is retried a single time.
  if (!result.ok() && result.status().code() == ErrorCode::kInvalidRequest &&
      !local.uncovered.empty() && !derived.empty()) {
    bool all_derived = true;
    for (const recipe::UncoveredDimension& u : local.uncovered) {
      bool is_derived = false;
      for (Dimension d : derived) {
        if (recipe::DimensionName(d) == u.dimension) {
          is_derived = true;
        }
      }
      all_derived = all_derived && is_derived && !u.constraint_excluded;
    }
    if (all_derived) {
      for (const recipe::UncoveredDimension& u : local.uncovered) {
        for (Dimension d : derived) {
          if (recipe::DimensionName(d) == u.dimension) {
            log::Warn("dropping snapshot-detected criterion that no recipe covers",
                      {{"dimension", u.dimension}, {"value", u.requested_value}});
            query.Get(d) = std::string(recipe::kAny);
          }
        }
      }
      local = recipe::ResolutionErrorDetails{};
      result = recipe::Resolve(store, query, opts);
    }
  }
  if (!result.ok()) {
    if (details != nullptr) {
      *details = local;
    }
    return result.status();
  }
  response.result = std::move(result).value();
  return response;
}

Result<serialize::Value> Client::Query(const RecipeRequest& request, std::string_view selector,
                                       recipe::ResolutionErrorDetails* details) const {
  AICR_ASSIGN_OR_RETURN(const RecipeResponse resolved, ResolveRecipe(request, details));
  AICR_ASSIGN_OR_RETURN(const serialize::Value hydrated,
                        recipe::HydrateResult(*resolved.store, resolved.result));
  return recipe::Select(hydrated, selector);
}

Result<std::vector<ListItem>> Client::ListRecipes(const ListRequest& request) const {
  AICR_ASSIGN_OR_RETURN(const catalog::DataProvider* provider, Provider(request.data_dir));
  AICR_ASSIGN_OR_RETURN(const std::shared_ptr<const recipe::Store> store,
                        recipe::GetStore(*provider));
  const bool strict = request.criteria_strict || EnvStrict();

  recipe::Criteria filter;
  for (Dimension dim : recipe::kDimensions) {
    const std::optional<std::string>& raw = Field(request.filters, dim);
    if (raw.has_value()) {
      AICR_ASSIGN_OR_RETURN(filter.Get(dim), recipe::ParseCriteriaValue(
                                                 dim, *raw, &store->criteria_registry(), strict));
    }
  }

  std::vector<ListItem> items;
  for (const auto& [name, overlay] : store->overlays()) {
    const recipe::Criteria criteria = overlay.spec.criteria.value_or(recipe::Criteria{});
    bool keep = true;
    for (Dimension dim : recipe::kDimensions) {
      if (!recipe::IsAny(filter.Get(dim)) && criteria.Get(dim) != filter.Get(dim)) {
        keep = false;
      }
    }
    if (!keep) {
      continue;
    }
    ListItem item;
    item.name = name;
    item.criteria = criteria;
    item.is_leaf = store->IsLeaf(name);
    item.source = std::string(store->OverlaySource(name));
    item.profile = overlay.spec.profile;
    if (item.is_leaf && !request.skip_health) {
      LeafHealth health;
      recipe::ResolveOptions opts;
      opts.version = options_.version;
      Result<recipe::RecipeResult> r = recipe::Resolve(*store, criteria, opts);
      if (!r.ok()) {
        health.resolves = "fail";
        health.chart_pinned = "unknown";
        health.status = "fail";
        health.error = r.status().message();
      } else {
        health.resolves = "pass";
        bool pinned = true;
        for (const recipe::ComponentRef& ref : r->component_refs) {
          if (ref.IsEnabled() && ref.type == "Helm" && !ref.source.empty() && ref.version.empty()) {
            pinned = false;
          }
        }
        health.chart_pinned = pinned ? "pass" : "fail";
        health.status = pinned ? "pass" : "warn";
        if (r->validation.has_value()) {
          health.readiness = Coverage(r->validation->readiness);
          health.deployment = Coverage(r->validation->deployment);
          health.performance = Coverage(r->validation->performance);
          health.conformance = Coverage(r->validation->conformance);
        }
      }
      item.health = health;
    }
    items.push_back(std::move(item));
  }
  return items;
}

Result<std::vector<ComponentInfo>> Client::ListComponents(const std::string& data_dir) const {
  AICR_ASSIGN_OR_RETURN(const catalog::DataProvider* provider, Provider(data_dir));
  AICR_ASSIGN_OR_RETURN(const std::shared_ptr<const recipe::Store> store,
                        recipe::GetStore(*provider));
  std::vector<ComponentInfo> out;
  for (const recipe::RegistryComponent& c : store->registry().components()) {
    ComponentInfo info;
    info.name = c.name;
    info.display_name = c.display_name;
    info.type = c.Type();
    if (c.kustomize.has_value()) {
      info.version = c.kustomize->default_tag;
      info.source = c.kustomize->default_source;
    } else if (c.helm.has_value()) {
      info.version = c.helm->default_version;
      info.namespace_ = c.helm->default_namespace;
      info.source = c.helm->default_repository;
    }
    out.push_back(std::move(info));
  }
  std::sort(out.begin(), out.end(),
            [](const ComponentInfo& a, const ComponentInfo& b) { return a.name < b.name; });
  return out;
}

std::string CoverageSummary(const LeafHealth& h) {
  return "R:" + std::to_string(h.readiness.checks.size()) +
         " D:" + std::to_string(h.deployment.checks.size()) +
         " P:" + std::to_string(h.performance.checks.size()) +
         " C:" + std::to_string(h.conformance.checks.size());
}

serialize::Value ListItemToValue(const ListItem& item) {
  serialize::Value v;
  v.Set("name", item.name);
  serialize::Value crit = serialize::Value::EmptyMapping();
  for (Dimension dim : recipe::kDimensions) {
    if (!recipe::IsAny(item.criteria.Get(dim))) {
      crit.Set(std::string(recipe::DimensionName(dim)), item.criteria.Get(dim));
    }
  }
  v.Set("criteria", crit);
  v.Set("is_leaf", item.is_leaf);
  v.Set("source", item.source);
  if (item.profile.has_value()) {
    serialize::Value p;
    p.Set("name", item.profile->name);
    if (!item.profile->description.empty()) {
      p.Set("description", item.profile->description);
    }
    p.Set("default", item.profile->default_value);
    serialize::Value values = serialize::Value::EmptySequence();
    for (const auto& [value_name, unused] : item.profile->values) {
      values.Append(value_name);
    }
    p.Set("values", values);
    v.Set("profile", p);
  }
  if (item.health.has_value()) {
    const LeafHealth& h = *item.health;
    serialize::Value health;
    health.Set("status", h.status);
    serialize::Value dims;
    dims.Set("resolves", h.resolves);
    dims.Set("chart_pinned", h.chart_pinned);
    health.Set("dimensions", dims);
    serialize::Value coverage;
    for (const auto& [phase, pc] :
         {std::pair{"readiness", &h.readiness}, std::pair{"deployment", &h.deployment},
          std::pair{"performance", &h.performance}, std::pair{"conformance", &h.conformance}}) {
      serialize::Value c;
      c.Set("declared", pc->declared);
      serialize::Value checks = serialize::Value::EmptySequence();
      for (const std::string& check : pc->checks) {
        checks.Append(check);
      }
      c.Set("checks", checks);
      c.Set("constraints", static_cast<std::int64_t>(pc->constraints));
      coverage.Set(phase, c);
    }
    health.Set("coverage", coverage);
    if (!h.error.empty()) {
      health.Set("error", h.error);
    }
    v.Set("health", health);
  }
  return v;
}

}  // namespace aicr::client
