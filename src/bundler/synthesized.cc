#include "bundler/synthesized.h"

#include <algorithm>
#include <regex>
#include <utility>
#include <vector>

#include "base/status_macros.h"
#include "base/strings.h"
#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"

namespace aicr::bundler {
namespace {

using serialize::Mapping;
using serialize::Sequence;
using serialize::Value;

constexpr char kNamespaceRef[] = "{{ .Release.Namespace }}";

Value Strings(std::initializer_list<const char*> items) {
  Sequence seq;
  for (const char* s : items) {
    seq.emplace_back(s);
  }
  return Value(std::move(seq));
}

Value Metadata(const std::string& name, bool namespaced) {
  Mapping m;
  m.Set("name", name);
  if (namespaced) {
    m.Set("namespace", kNamespaceRef);
  }
  return Value(std::move(m));
}

Value Rule(Value groups, Value resources) {
  Mapping r;
  r.Set("apiGroups", std::move(groups));
  r.Set("resources", std::move(resources));
  r.Set("verbs", Strings({"get", "list", "watch"}));
  return Value(std::move(r));
}

Value Doc(const char* api_version, const char* kind, Value metadata) {
  Mapping d;
  d.Set("apiVersion", api_version);
  d.Set("kind", kind);
  d.Set("metadata", std::move(metadata));
  return Value(std::move(d));
}

}  // namespace

layout::Manifest GkeCriticalPodsQuota(const std::string& namespace_, int nodes) {
  const long pods = std::max(32L, static_cast<long>(nodes) * 32L);
  Mapping selector_expr;
  selector_expr.Set("operator", "In");
  selector_expr.Set("scopeName", "PriorityClass");
  selector_expr.Set("values", Strings({"system-node-critical", "system-cluster-critical"}));
  Mapping scope;
  scope.Set("matchExpressions", Value(Sequence{Value(std::move(selector_expr))}));
  Mapping hard;
  hard.Set("pods", std::to_string(pods));
  Mapping spec;
  spec.Set("hard", Value(std::move(hard)));
  spec.Set("scopeSelector", Value(std::move(scope)));
  Mapping meta;
  meta.Set("name", "aicr-gke-critical-pods");
  meta.Set("namespace", namespace_);
  Value doc = Doc("v1", "ResourceQuota", Value(std::move(meta)));
  doc.Set("spec", Value(std::move(spec)));
  layout::Manifest m;
  m.name = "gke-critical-pods-quota.yaml";
  m.source_path = "aicr/synthesized/gke-critical-pods-quota.yaml";
  m.content = serialize::WriteYaml(doc, serialize::WriteOptions{.sort_keys = false});
  return m;
}

std::string GateImage(const std::string& aicr_version) {
  static const std::regex kRelease(R"(^v?[0-9]+\.[0-9]+\.[0-9]+$)");
  if (!std::regex_match(aicr_version, kRelease)) {
    return "ghcr.io/nvidia/aicr-gate:dev";
  }
  const std::string v = aicr_version.front() == 'v' ? aicr_version : "v" + aicr_version;
  return "ghcr.io/nvidia/aicr-gate:" + v;
}

Result<std::string> RenderReadinessGate(const std::string& component, const std::string& test,
                                        const std::string& aicr_version) {
  auto parsed = serialize::ParseYaml(test);
  if (!parsed.ok()) {
    return InvalidRequestError("readiness test of component " + Quote(component) +
                               " is not valid YAML: " + parsed.status().message());
  }
  const Value* api = parsed->Find("apiVersion");
  const Value* kind = parsed->Find("kind");
  if (api == nullptr || api->if_string() == nullptr ||
      api->if_string()->find("chainsaw.kyverno.io") == std::string::npos || kind == nullptr ||
      kind->if_string() == nullptr || *kind->if_string() != "Test") {
    return InvalidRequestError("readiness test of component " + Quote(component) +
                               " must be a chainsaw.kyverno.io Test");
  }
  if (test.find("{{") != std::string::npos) {
    return InvalidRequestError("readiness test of component " + Quote(component) +
                               " must not contain template actions ({{)");
  }
  const std::string sa = component + "-readiness-gate";
  const std::string role = sa + "-" + kNamespaceRef;
  const std::string bundle_cm = component + "-readiness-bundle";

  std::vector<Value> docs;
  docs.push_back(Doc("v1", "ServiceAccount", Metadata(sa, true)));

  Sequence rules;
  rules.push_back(Rule(Strings({""}), Strings({"pods", "nodes", "namespaces", "services",
                                               "endpoints", "configmaps", "events"})));
  rules.push_back(Rule(Strings({"apps"}),
                       Strings({"deployments", "daemonsets", "statefulsets", "replicasets"})));
  rules.push_back(Rule(Strings({"batch"}), Strings({"jobs"})));
  rules.push_back(Rule(Strings({"nvidia.com"}), Strings({"*"})));
  rules.push_back(Rule(Strings({"operators.coreos.com"}), Strings({"clusterserviceversions"})));
  rules.push_back(Rule(Strings({"apiextensions.k8s.io"}), Strings({"customresourcedefinitions"})));
  if (component == "network-operator" || component == "network-operator-ocp") {
    rules.push_back(Rule(Strings({"mellanox.com"}), Strings({"nicclusterpolicies"})));
  }
  Value cluster_role = Doc("rbac.authorization.k8s.io/v1", "ClusterRole", Metadata(role, false));
  cluster_role.Set("rules", Value(std::move(rules)));
  docs.push_back(std::move(cluster_role));

  Mapping role_ref;
  role_ref.Set("apiGroup", "rbac.authorization.k8s.io");
  role_ref.Set("kind", "ClusterRole");
  role_ref.Set("name", role);
  Mapping subject;
  subject.Set("kind", "ServiceAccount");
  subject.Set("name", sa);
  subject.Set("namespace", kNamespaceRef);
  Value binding = Doc("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", Metadata(role, false));
  binding.Set("roleRef", Value(std::move(role_ref)));
  binding.Set("subjects", Value(Sequence{Value(std::move(subject))}));
  docs.push_back(std::move(binding));

  Value cm = Doc("v1", "ConfigMap", Metadata(bundle_cm, true));
  Mapping data;
  data.Set(component + ".yaml", test);
  cm.Set("data", Value(std::move(data)));
  docs.push_back(std::move(cm));

  Mapping annotations;
  annotations.Set("helm.sh/hook", "post-install,post-upgrade");
  annotations.Set("helm.sh/hook-delete-policy", "before-hook-creation");
  Value job_meta = Metadata(sa, true);
  job_meta.Set("annotations", Value(std::move(annotations)));
  Mapping mount;
  mount.Set("name", "bundle");
  mount.Set("mountPath", "/bundle");
  mount.Set("readOnly", true);
  Mapping container;
  container.Set("name", "gate");
  container.Set("image", GateImage(aicr_version));
  container.Set("args", Value(Sequence{
                            Value("--bundle-dir=/bundle"),
                            Value(std::string("--namespace=") + kNamespaceRef),
                            Value("--timeout=2m0s"),
                            Value("--poll-interval=10s"),
                            Value("--stability-window=30s"),
                            Value("--max-wait=1h30m0s"),
                        }));
  container.Set("volumeMounts", Value(Sequence{Value(std::move(mount))}));
  Mapping cm_ref;
  cm_ref.Set("name", bundle_cm);
  Mapping volume;
  volume.Set("name", "bundle");
  volume.Set("configMap", Value(std::move(cm_ref)));
  Mapping pod_spec;
  pod_spec.Set("serviceAccountName", sa);
  pod_spec.Set("restartPolicy", "Never");
  pod_spec.Set("containers", Value(Sequence{Value(std::move(container))}));
  pod_spec.Set("volumes", Value(Sequence{Value(std::move(volume))}));
  Mapping tmpl;
  tmpl.Set("spec", Value(std::move(pod_spec)));
  Mapping job_spec;
  job_spec.Set("backoffLimit", 6);
  job_spec.Set("template", Value(std::move(tmpl)));
  Value job = Doc("batch/v1", "Job", std::move(job_meta));
  job.Set("spec", Value(std::move(job_spec)));
  docs.push_back(std::move(job));
  return serialize::WriteYamlDocuments(docs, serialize::WriteOptions{.sort_keys = false});
}

}  // namespace aicr::bundler
