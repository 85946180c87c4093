// The objects of a validator run (names, RBAC, the per-entry Job) and the
// extraction of an entry's result from its pod.

#include <time.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/strings.h"
#include "snapshotter/agent.h"
#include "validator/run.h"

namespace aicr::validator {
namespace {

using serialize::Value;

constexpr std::string_view kLabelDomain = "aicr.run";

std::string DomainLabel(std::string_view key) {
  return std::string(kLabelDomain) + "/" + std::string(key);
}

Value EnvEntry(std::string_view name, std::string_view value) {
  Value v;
  v.Set("name", name);
  v.Set("value", value);
  return v;
}

Value StringMap(const std::map<std::string, std::string>& m) {
  Value v = Value::EmptyMapping();
  for (const auto& [k, val] : m) {
    v.Set(k, val);
  }
  return v;
}

// `k=v,k2=v2` (keys sorted), the `--node-selector` form the checks parse back.
std::string SerializeNodeSelector(const std::map<std::string, std::string>& selector) {
  std::vector<std::string> pairs;
  for (const auto& [k, v] : selector) {
    pairs.push_back(k + "=" + v);
  }
  return Join(pairs, ",");
}

// `key=value:Effect`, `key:Effect`, or `*` for tolerate-everything, comma-joined:
// the `--toleration` form the checks parse back.
std::string SerializeTolerations(const std::vector<snapshotter::Toleration>& tolerations) {
  std::vector<std::string> parts;
  for (const snapshotter::Toleration& t : tolerations) {
    if (t.key.empty() && t.op == "Exists") {
      parts.push_back("*");
    } else if (!t.value.empty()) {
      parts.push_back(t.key + "=" + t.value + ":" + t.effect);
    } else {
      parts.push_back(t.key + ":" + t.effect);
    }
  }
  return Join(parts, ",");
}

Value RenderTolerations(const std::optional<std::vector<snapshotter::Toleration>>& tolerations) {
  Value out = Value::EmptySequence();
  if (!tolerations.has_value()) {
    Value all;
    all.Set("operator", "Exists");
    out.Append(all);
    return out;
  }
  for (const snapshotter::Toleration& t : *tolerations) {
    Value v;
    if (!t.key.empty()) {
      v.Set("key", t.key);
    }
    v.Set("operator", t.op.empty() ? "Equal" : t.op);
    if (t.op != "Exists" && !t.value.empty()) {
      v.Set("value", t.value);
    }
    if (!t.effect.empty()) {
      v.Set("effect", t.effect);
    }
    out.Append(v);
  }
  return out;
}

// Preferred (weight 100) placement on nodes without `nvidia.com/gpu.present`,
// plus the entry's dependency affinities to a component's pods.
Value RenderAffinity(const ValidatorEntry& entry, const RunConfig& config) {
  Value requirement;
  requirement.Set("key", "nvidia.com/gpu.present");
  requirement.Set("operator", "DoesNotExist");
  Value expressions = Value::EmptySequence();
  expressions.Append(requirement);
  Value preference;
  preference.Set("matchExpressions", expressions);
  Value term;
  term.Set("weight", 100);
  term.Set("preference", preference);
  Value preferred = Value::EmptySequence();
  preferred.Append(term);
  Value node_affinity;
  node_affinity.Set("preferredDuringSchedulingIgnoredDuringExecution", preferred);
  Value affinity;
  affinity.Set("nodeAffinity", node_affinity);

  Value required_terms = Value::EmptySequence();
  Value preferred_terms = Value::EmptySequence();
  for (const DependencyAffinity& d : entry.dependency_affinity) {
    const auto component = config.component_namespaces.find(d.component_ref);
    if (component == config.component_namespaces.end()) {
      continue;  // not in the recipe: CheckDependencyAffinities warned or refused
    }
    Value selector;
    selector.Set("matchLabels", StringMap(d.pod_label_selector));
    Value pod_term;
    pod_term.Set("labelSelector", selector);
    if (component->second.empty()) {
      pod_term.Set("namespaceSelector", Value::EmptyMapping());  // any namespace
    } else {
      Value namespaces = Value::EmptySequence();
      namespaces.Append(Value(component->second));
      pod_term.Set("namespaces", namespaces);
    }
    pod_term.Set("topologyKey", "kubernetes.io/hostname");
    if (d.requirement == AffinityRequirement::kRequired) {
      required_terms.Append(pod_term);
    } else {
      Value weighted;
      weighted.Set("weight", 100);
      weighted.Set("podAffinityTerm", pod_term);
      preferred_terms.Append(weighted);
    }
  }
  if (required_terms.size() > 0 || preferred_terms.size() > 0) {
    Value pod_affinity;
    if (required_terms.size() > 0) {
      pod_affinity.Set("requiredDuringSchedulingIgnoredDuringExecution", required_terms);
    }
    if (preferred_terms.size() > 0) {
      pod_affinity.Set("preferredDuringSchedulingIgnoredDuringExecution", preferred_terms);
    }
    affinity.Set("podAffinity", pod_affinity);
  }
  return affinity;
}

Value ConfigMapVolume(std::string_view name, std::string_view cm) {
  Value source;
  source.Set("name", cm);
  Value v;
  v.Set("name", name);
  v.Set("configMap", source);
  return v;
}

Value ReadOnlyMount(std::string_view name, std::string_view path) {
  Value v;
  v.Set("name", name);
  v.Set("mountPath", path);
  v.Set("readOnly", true);
  return v;
}

std::string StringAt(const Value& v, std::string_view path) {
  const Value* found = v.FindPath(path);
  return found != nullptr && found->is_string() ? *found->if_string() : std::string();
}

// Seconds since the epoch of an RFC 3339 UTC time (`2026-01-01T00:00:00Z`,
// fractions ignored); nullopt when malformed.
std::optional<std::chrono::milliseconds> ParseTime(std::string_view text) {
  if (text.size() < 20) {
    return std::nullopt;
  }
  struct tm tm = {};
  const std::string s(text);
  const char* end = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (end == nullptr) {
    return std::nullopt;
  }
  const time_t t = timegm(&tm);
  return std::chrono::milliseconds(static_cast<std::int64_t>(t) * 1000);
}

}  // namespace

std::string SnapshotConfigMapName(std::string_view run_id) {
  return "aicr-snapshot-" + std::string(run_id);
}

std::string RecipeConfigMapName(std::string_view run_id) {
  return "aicr-recipe-" + std::string(run_id);
}

std::string CtrfConfigMapName(std::string_view run_id, Phase phase) {
  return "aicr-ctrf-" + std::string(run_id) + "-" + std::string(PhaseName(phase));
}

std::string ValidatorServiceAccountName(std::string_view run_id) {
  return snapshotter::RunScopedName("aicr-validator", run_id);
}

std::string ValidatorJobName(std::string_view validator, std::string_view suffix) {
  return "aicr-" + std::string(validator) + "-" + std::string(suffix);
}

std::vector<Value> RenderValidatorRbac(const RunConfig& config, std::string_view run_id) {
  const std::string name = ValidatorServiceAccountName(run_id);
  Value labels;
  labels.Set("app.kubernetes.io/name", "aicr");
  labels.Set("app.kubernetes.io/component", "validation");
  labels.Set("app.kubernetes.io/managed-by", "aicr");
  labels.Set(DomainLabel("run-id"), run_id);

  Value sa;
  sa.Set("apiVersion", "v1");
  sa.Set("kind", "ServiceAccount");
  Value sa_meta;
  sa_meta.Set("name", name);
  sa_meta.Set("namespace", config.ns);
  sa_meta.Set("labels", labels);
  sa.Set("metadata", sa_meta);

  Value crb;
  crb.Set("apiVersion", "rbac.authorization.k8s.io/v1");
  crb.Set("kind", "ClusterRoleBinding");
  Value crb_meta;
  crb_meta.Set("name", name);
  crb_meta.Set("labels", labels);
  crb.Set("metadata", crb_meta);
  Value role_ref;
  role_ref.Set("apiGroup", "rbac.authorization.k8s.io");
  role_ref.Set("kind", "ClusterRole");
  role_ref.Set("name", "cluster-admin");
  crb.Set("roleRef", role_ref);
  Value subject;
  subject.Set("kind", "ServiceAccount");
  subject.Set("name", name);
  subject.Set("namespace", config.ns);
  Value subjects = Value::EmptySequence();
  subjects.Append(subject);
  crb.Set("subjects", subjects);
  return {sa, crb};
}

Status CheckDependencyAffinities(const std::vector<PhasePlan>& plan,
                                 const std::map<std::string, std::string>& component_namespaces,
                                 std::vector<std::string>* warnings) {
  std::vector<std::string> missing;
  for (const PhasePlan& phase : plan) {
    for (const ValidatorEntry& entry : phase.entries) {
      for (const DependencyAffinity& d : entry.dependency_affinity) {
        if (component_namespaces.count(d.component_ref) > 0) {
          continue;
        }
        const std::string what = "validator \"" + entry.name + "\": component \"" +
                                 d.component_ref + "\" is not an enabled component of the recipe";
        if (d.requirement == AffinityRequirement::kRequired) {
          missing.push_back(what);
        } else if (warnings != nullptr) {
          warnings->push_back(what + "; running without its preferred dependency affinity");
        }
      }
    }
  }
  if (!missing.empty()) {
    return InvalidRequestError("required dependency affinity cannot be met: " +
                               Join(missing, "; "));
  }
  return OkStatus();
}

Value RenderValidatorJob(const ValidatorEntry& entry, const RunConfig& config,
                         std::string_view run_id, std::string_view job_suffix) {
  const std::string phase(PhaseName(entry.phase));
  const auto timeout_s = std::max<std::int64_t>(
      1, std::chrono::duration_cast<std::chrono::seconds>(entry.timeout).count());

  Value job_labels;
  job_labels.Set("app.kubernetes.io/name", "aicr");
  job_labels.Set("app.kubernetes.io/component", "validation");
  job_labels.Set("app.kubernetes.io/managed-by", "aicr");
  job_labels.Set(DomainLabel("job-type"), "validation");
  job_labels.Set(DomainLabel("run-id"), run_id);
  job_labels.Set(DomainLabel("validator"), entry.name);
  job_labels.Set(DomainLabel("phase"), phase);

  Value pod_labels;
  pod_labels.Set("app.kubernetes.io/name", "aicr");
  pod_labels.Set("app.kubernetes.io/component", "validation");
  pod_labels.Set(DomainLabel("run-id"), run_id);
  pod_labels.Set(DomainLabel("validator"), entry.name);

  Value env = Value::EmptySequence();
  env.Append(EnvEntry("AICR_SNAPSHOT_PATH",
                      std::string(kSnapshotMountPath) + "/" + std::string(kSnapshotKey)));
  env.Append(
      EnvEntry("AICR_RECIPE_PATH", std::string(kRecipeMountPath) + "/" + std::string(kRecipeKey)));
  env.Append(EnvEntry("AICR_VALIDATOR_NAME", entry.name));
  env.Append(EnvEntry("AICR_VALIDATOR_PHASE", phase));
  env.Append(EnvEntry("AICR_RUN_ID", run_id));
  {
    Value field_ref;
    field_ref.Set("fieldPath", "metadata.namespace");
    Value value_from;
    value_from.Set("fieldRef", field_ref);
    Value ns_var;
    ns_var.Set("name", "AICR_NAMESPACE");
    ns_var.Set("valueFrom", value_from);
    env.Append(ns_var);
  }
  if (!config.workload_node_selector.empty()) {
    env.Append(
        EnvEntry("AICR_NODE_SELECTOR", SerializeNodeSelector(config.workload_node_selector)));
  }
  if (!config.workload_tolerations.empty()) {
    env.Append(EnvEntry("AICR_TOLERATIONS", SerializeTolerations(config.workload_tolerations)));
  }
  for (const validator::EnvVar& e : entry.env) {
    env.Append(EnvEntry(e.name, e.value));
  }

  Value quantities;
  quantities.Set("cpu", entry.resources.cpu);
  quantities.Set("memory", entry.resources.memory);
  Value resources;
  resources.Set("limits", quantities);
  resources.Set("requests", quantities);

  Value mounts = Value::EmptySequence();
  mounts.Append(ReadOnlyMount("snapshot", kSnapshotMountPath));
  mounts.Append(ReadOnlyMount("recipe", kRecipeMountPath));

  Value container;
  container.Set("name", kValidatorContainerName);
  container.Set("image", entry.image);
  container.Set("imagePullPolicy", entry.image.ends_with(":latest") ? "Always" : "IfNotPresent");
  if (!entry.args.empty()) {
    Value args = Value::EmptySequence();
    for (const std::string& a : entry.args) {
      args.Append(a);
    }
    container.Set("args", args);
  }
  container.Set("env", env);
  container.Set("resources", resources);
  container.Set("terminationMessagePath", "/dev/termination-log");
  container.Set("terminationMessagePolicy", "File");
  container.Set("volumeMounts", mounts);
  Value containers = Value::EmptySequence();
  containers.Append(container);

  Value pod;
  pod.Set("affinity", RenderAffinity(entry, config));
  pod.Set("containers", containers);
  if (!config.image_pull_secrets.empty()) {
    Value secrets = Value::EmptySequence();
    for (const std::string& s : config.image_pull_secrets) {
      Value ref;
      ref.Set("name", s);
      secrets.Append(ref);
    }
    pod.Set("imagePullSecrets", secrets);
  }
  pod.Set("restartPolicy", "Never");
  pod.Set("serviceAccountName", ValidatorServiceAccountName(run_id));
  pod.Set("terminationGracePeriodSeconds", kValidatorTerminationGraceSeconds);
  Value tolerations = RenderTolerations(config.tolerations);
  if (tolerations.size() > 0) {
    pod.Set("tolerations", tolerations);
  }
  Value volumes = Value::EmptySequence();
  volumes.Append(ConfigMapVolume("snapshot", SnapshotConfigMapName(run_id)));
  volumes.Append(ConfigMapVolume("recipe", RecipeConfigMapName(run_id)));
  pod.Set("volumes", volumes);

  Value template_meta;
  if (!config.job_annotations.empty()) {
    template_meta.Set("annotations", StringMap(config.job_annotations));
  }
  template_meta.Set("labels", pod_labels);
  Value pod_template;
  pod_template.Set("metadata", template_meta);
  pod_template.Set("spec", pod);

  Value spec;
  spec.Set("activeDeadlineSeconds", timeout_s);
  spec.Set("backoffLimit", 0);
  spec.Set("template", pod_template);
  spec.Set("ttlSecondsAfterFinished", kValidatorJobTtlSeconds);

  Value meta;
  meta.Set("name", ValidatorJobName(entry.name, job_suffix));
  meta.Set("namespace", config.ns);
  if (!config.job_annotations.empty()) {
    meta.Set("annotations", StringMap(config.job_annotations));
  }
  meta.Set("labels", job_labels);

  Value job;
  job.Set("apiVersion", "batch/v1");
  job.Set("kind", "Job");
  job.Set("metadata", meta);
  job.Set("spec", spec);
  return job;
}

ctrf::ValidatorResult ResultFromPod(const ValidatorEntry& entry, const Value* pod,
                                    std::string_view logs) {
  ctrf::ValidatorResult result;
  result.name = entry.name;
  result.phase = std::string(PhaseName(entry.phase));
  result.exit_code = -1;
  if (pod == nullptr) {
    result.termination_message = "pod not found for the validator Job";
    return result;
  }
  const Value* statuses = pod->FindPath("status.containerStatuses");
  const Value* status = nullptr;
  if (statuses != nullptr && statuses->is_sequence()) {
    for (const Value& cs : *statuses->if_sequence()) {
      if (StringAt(cs, "name") == kValidatorContainerName) {
        status = &cs;
      }
    }
  }
  if (status == nullptr) {
    result.termination_message =
        "container \"validator\" has no status (the validator container must be named "
        "\"validator\")";
    return result;
  }
  if (const Value* terminated = status->FindPath("state.terminated"); terminated != nullptr) {
    const Value* code = terminated->Find("exitCode");
    result.exit_code =
        code != nullptr && code->if_int() != nullptr ? static_cast<int>(*code->if_int()) : -1;
    result.termination_message = ctrf::BoundTerminationMessage(StringAt(*terminated, "message"));
    if (StringAt(*terminated, "reason") == "OOMKilled") {
      result.termination_message = "Container OOMKilled";
    }
    const auto started = ParseTime(StringAt(*terminated, "startedAt"));
    const auto finished = ParseTime(StringAt(*terminated, "finishedAt"));
    if (started && finished && *finished >= *started) {
      result.duration = *finished - *started;
    }
  } else if (const Value* waiting = status->FindPath("state.waiting"); waiting != nullptr) {
    result.termination_message =
        StringAt(*waiting, "reason") + ": " + StringAt(*waiting, "message");
    return result;
  } else if (status->FindPath("state.running") != nullptr) {
    result.termination_message = "container still running after the Job finished";
  } else {
    result.termination_message = "container \"validator\" has no state";
  }
  ctrf::CapturedOutput out = ctrf::CaptureStdout(logs);
  result.stdout_lines = std::move(out.stdout_lines);
  result.extra = std::move(out.extra);
  return result;
}

}  // namespace aicr::validator
