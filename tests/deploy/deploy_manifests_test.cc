// The aicrd deployment manifests through their real consumers: the kustomize base
// (deploy/kubernetes) builds with the pinned kubectl, the Helm chart
// (deploy/helm/aicrd) passes `helm lint --strict` and `helm template` with its
// defaults and with the HPA, PDB and NetworkPolicy toggled off, and every rendered
// object validates strictly against the Kubernetes schemas. The rendered objects are
// then parsed to check what the schemas cannot: the hardening of the pod, the
// probes, the shutdown budget, the scaling objects, and that the kustomize base and
// the chart describe the same workload.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "serialize/value.h"
#include "serialize/yaml_reader.h"
#include "tests/e2e/subprocess.h"
#include "tests/testing/k8s_validate.h"
#include "tests/testing/tools.h"

namespace aicr {
namespace {

using ::aicr::serialize::Value;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::RunProcess;
using ::aicr::testing::ToolPath;

std::string SourceDir() { return ::aicr::testing::K8sValidatorSourceDir(); }
std::string KustomizeDir() { return SourceDir() + "/deploy/kubernetes"; }
std::string ChartDir() { return SourceDir() + "/deploy/helm/aicrd"; }

std::vector<std::string> ToggledOff() {
  return {"--set", "autoscaling.enabled=false",  "--set", "podDisruptionBudget.enabled=false",
          "--set", "networkPolicy.enabled=false"};
}

ProcessResult Kustomize() { return RunProcess({ToolPath("kubectl"), "kustomize", KustomizeDir()}); }

ProcessResult Helm(const std::string& verb, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {ToolPath("helm"), verb};
  if (verb == "template") {
    argv.emplace_back("aicrd");
  } else if (verb == "lint") {
    argv.emplace_back("--strict");
  }
  argv.push_back(ChartDir());
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv);
}

std::vector<Value> Parse(const std::string& yaml) {
  auto docs = serialize::ParseYamlDocuments(yaml);
  EXPECT_TRUE(docs.ok()) << docs.status().ToString();
  if (!docs.ok()) {
    return {};
  }
  std::vector<Value> out;
  for (auto& d : *docs) {
    if (!d.is_null()) {
      out.push_back(std::move(d));
    }
  }
  return out;
}

std::string Str(const Value* v) {
  return v != nullptr && v->is_string() ? *v->if_string() : std::string();
}

std::optional<std::int64_t> Int(const Value* v) {
  if (v != nullptr && v->is_int()) {
    return *v->if_int();
  }
  return std::nullopt;
}

bool True(const Value* v) { return v != nullptr && v->is_bool() && *v->if_bool(); }

std::multiset<std::string> Kinds(const std::vector<Value>& docs) {
  std::multiset<std::string> kinds;
  for (const auto& d : docs) {
    kinds.insert(Str(d.Find("kind")));
  }
  return kinds;
}

const Value* FindKind(const std::vector<Value>& docs, const std::string& kind) {
  for (const auto& d : docs) {
    if (Str(d.Find("kind")) == kind) {
      return &d;
    }
  }
  return nullptr;
}

// The object of `kind` at `path`, or nullptr when either is absent.
const Value* FindIn(const std::vector<Value>& docs, const std::string& kind,
                    const std::string& path) {
  const Value* obj = FindKind(docs, kind);
  return obj == nullptr ? nullptr : obj->FindPath(path);
}

// The value of env var `name` in `container`, or nullopt.
std::optional<std::string> Env(const Value& container, const std::string& name) {
  const Value* env = container.Find("env");
  if (env == nullptr || !env->is_sequence()) {
    return std::nullopt;
  }
  for (const auto& e : *env->if_sequence()) {
    if (Str(e.Find("name")) == name) {
      return Str(e.Find("value"));
    }
  }
  return std::nullopt;
}

std::multiset<std::string> AllKinds() {
  return {"Deployment", "HorizontalPodAutoscaler", "NetworkPolicy", "PodDisruptionBudget",
          "Service",    "ServiceAccount"};
}

// The schema validator accepts fields it does not know (the kubernetes-models
// schemas do not close their objects), while `kubectl apply` (strict field
// validation) rejects them. So the objects' field names are checked here against
// the Kubernetes API's, at every level these manifests write.
using FieldSets = std::map<std::string, std::set<std::string>>;
const FieldSets& KnownFields() {
  static const FieldSets fields = {
      {"object",
       {"apiVersion", "kind", "metadata", "spec", "automountServiceAccountToken",
        "imagePullSecrets", "secrets"}},
      {"metadata", {"name", "namespace", "labels", "annotations"}},
      {"Deployment.spec",
       {"replicas", "selector", "template", "strategy", "revisionHistoryLimit", "minReadySeconds",
        "progressDeadlineSeconds", "paused"}},
      {"pod",
       {"serviceAccountName", "automountServiceAccountToken", "enableServiceLinks",
        "terminationGracePeriodSeconds", "securityContext", "topologySpreadConstraints", "affinity",
        "containers", "volumes", "nodeSelector", "tolerations", "imagePullSecrets",
        "priorityClassName"}},
      {"podSecurityContext",
       {"runAsNonRoot", "runAsUser", "runAsGroup", "fsGroup", "seccompProfile",
        "supplementalGroups", "fsGroupChangePolicy"}},
      {"container",
       {"name", "image", "imagePullPolicy", "ports", "env", "envFrom", "startupProbe",
        "livenessProbe", "readinessProbe", "resources", "securityContext", "volumeMounts", "args",
        "command", "lifecycle"}},
      {"securityContext",
       {"runAsNonRoot", "runAsUser", "runAsGroup", "readOnlyRootFilesystem",
        "allowPrivilegeEscalation", "privileged", "capabilities", "seccompProfile"}},
      {"probe",
       {"httpGet", "initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold",
        "successThreshold", "terminationGracePeriodSeconds"}},
      {"Service.spec", {"type", "selector", "ports"}},
      {"HorizontalPodAutoscaler.spec",
       {"scaleTargetRef", "minReplicas", "maxReplicas", "metrics", "behavior"}},
      {"PodDisruptionBudget.spec",
       {"minAvailable", "maxUnavailable", "selector", "unhealthyPodEvictionPolicy"}},
      {"NetworkPolicy.spec", {"podSelector", "policyTypes", "ingress", "egress"}},
  };
  return fields;
}

void ExpectKnownKeys(const Value* v, const std::string& set, const std::string& where) {
  if (v == nullptr || !v->is_mapping()) {
    return;
  }
  const auto& known = KnownFields().at(set);
  for (const auto& [key, value] : *v->if_mapping()) {
    EXPECT_EQ(known.count(key), 1u) << "unknown field " << where << "." << key;
  }
}

void ExpectKnownFields(const std::vector<Value>& docs) {
  for (const auto& d : docs) {
    const std::string kind = Str(d.Find("kind"));
    ExpectKnownKeys(&d, "object", kind);
    ExpectKnownKeys(d.Find("metadata"), "metadata", kind + ".metadata");
    if (KnownFields().count(kind + ".spec") != 0) {
      ExpectKnownKeys(d.Find("spec"), kind + ".spec", kind + ".spec");
    }
    if (kind != "Deployment") {
      continue;
    }
    ExpectKnownKeys(d.FindPath("spec.template.metadata"), "metadata", "template.metadata");
    const Value* pod = d.FindPath("spec.template.spec");
    ExpectKnownKeys(pod, "pod", "pod");
    if (pod == nullptr) {
      continue;
    }
    ExpectKnownKeys(pod->Find("securityContext"), "podSecurityContext", "pod.securityContext");
    const Value* containers = pod->Find("containers");
    if (containers == nullptr || !containers->is_sequence()) {
      continue;
    }
    for (const auto& c : *containers->if_sequence()) {
      ExpectKnownKeys(&c, "container", "container");
      ExpectKnownKeys(c.Find("securityContext"), "securityContext", "container.securityContext");
      for (const char* probe : {"startupProbe", "livenessProbe", "readinessProbe"}) {
        ExpectKnownKeys(c.Find(probe), "probe", probe);
      }
    }
  }
}

// Validates the stream strictly (every object must have a schema, no unknown
// field names) and returns it parsed.
std::vector<Value> ValidateAndParse(const std::string& yaml) {
  const auto v = ::aicr::testing::ValidateK8sYaml(yaml, /*strict=*/true);
  EXPECT_EQ(v.exit_code, 0) << v.output << "\n--- manifests ---\n" << yaml;
  auto docs = Parse(yaml);
  ExpectKnownFields(docs);
  return docs;
}

// The security, probe, port, resource and shutdown properties every rendering of
// the aicrd Deployment must have.
void ExpectHardenedDeployment(const std::vector<Value>& docs) {
  const Value* dep = FindKind(docs, "Deployment");
  ASSERT_NE(dep, nullptr);
  const Value* pod = dep->FindPath("spec.template.spec");
  ASSERT_NE(pod, nullptr);

  // Pod: no API token, non-root, RuntimeDefault seccomp.
  EXPECT_FALSE(IsTruthy(pod->Find("automountServiceAccountToken")));
  ASSERT_NE(pod->Find("automountServiceAccountToken"), nullptr);
  EXPECT_TRUE(True(pod->FindPath("securityContext.runAsNonRoot")));
  EXPECT_EQ(Int(pod->FindPath("securityContext.runAsUser")), 65532);
  EXPECT_EQ(Str(pod->FindPath("securityContext.seccompProfile.type")), "RuntimeDefault");

  // Spread over nodes and zones.
  EXPECT_NE(pod->Find("topologySpreadConstraints"), nullptr);
  EXPECT_NE(pod->FindPath("affinity.podAntiAffinity"), nullptr);

  const Value* containers = pod->Find("containers");
  ASSERT_NE(containers, nullptr);
  ASSERT_EQ(containers->size(), 1u);
  const Value& c = containers->if_sequence()->front();

  // Container: read-only root, no escalation, no capabilities.
  EXPECT_TRUE(True(c.FindPath("securityContext.runAsNonRoot")));
  EXPECT_TRUE(True(c.FindPath("securityContext.readOnlyRootFilesystem")));
  const Value* escalation = c.FindPath("securityContext.allowPrivilegeEscalation");
  ASSERT_NE(escalation, nullptr);
  EXPECT_EQ(*escalation, Value(false));
  const Value* drop = c.FindPath("securityContext.capabilities.drop");
  ASSERT_NE(drop, nullptr);
  EXPECT_EQ(*drop, Value(serialize::Sequence{Value("ALL")}));
  EXPECT_EQ(c.FindPath("securityContext.capabilities.add"), nullptr);
  EXPECT_EQ(Str(c.FindPath("securityContext.seccompProfile.type")), "RuntimeDefault");

  // A writable /tmp for scratch, from an emptyDir.
  EXPECT_EQ(Str(c.FindPath("volumeMounts.0.mountPath")), "/tmp");
  EXPECT_NE(pod->FindPath("volumes.0.emptyDir"), nullptr);

  // Port 8080, named for the probes and the Service.
  EXPECT_EQ(Int(c.FindPath("ports.0.containerPort")), 8080);
  EXPECT_EQ(Str(c.FindPath("ports.0.name")), "http");
  EXPECT_EQ(Env(c, "PORT"), "8080");

  // Probes: liveness and startup on /health, readiness on /ready.
  EXPECT_EQ(Str(c.FindPath("livenessProbe.httpGet.path")), "/health");
  EXPECT_EQ(Str(c.FindPath("startupProbe.httpGet.path")), "/health");
  EXPECT_EQ(Str(c.FindPath("readinessProbe.httpGet.path")), "/ready");
  for (const char* probe : {"livenessProbe", "readinessProbe", "startupProbe"}) {
    EXPECT_EQ(Str(c.FindPath(std::string(probe) + ".httpGet.port")), "http") << probe;
  }

  // Requests and limits for CPU and memory (the HPA scales on the CPU request).
  for (const char* path : {"resources.requests.cpu", "resources.requests.memory",
                           "resources.limits.cpu", "resources.limits.memory"}) {
    EXPECT_NE(c.FindPath(path), nullptr) << path;
  }

  // The kubelet waits longer than the server drains.
  const auto shutdown = Env(c, "SHUTDOWN_TIMEOUT_SECONDS");
  ASSERT_TRUE(shutdown.has_value());
  const auto grace = Int(pod->Find("terminationGracePeriodSeconds"));
  ASSERT_TRUE(grace.has_value());
  EXPECT_GT(*grace, std::stoll(*shutdown));
  EXPECT_TRUE(Env(c, "AICR_LOG_LEVEL").has_value());

  // The selector picks the pod template, and the ServiceAccount exists.
  const Value* selector = dep->FindPath("spec.selector.matchLabels");
  ASSERT_NE(selector, nullptr);
  const Value* labels = dep->FindPath("spec.template.metadata.labels");
  ASSERT_NE(labels, nullptr);
  for (const auto& [key, value] : *selector->if_mapping()) {
    const Value* got = labels->Find(key);
    ASSERT_NE(got, nullptr) << key;
    EXPECT_EQ(*got, value) << key;
  }
  const Value* sa = FindKind(docs, "ServiceAccount");
  ASSERT_NE(sa, nullptr);
  EXPECT_EQ(Str(sa->FindPath("metadata.name")), Str(pod->Find("serviceAccountName")));
  ASSERT_NE(sa->Find("automountServiceAccountToken"), nullptr);
  EXPECT_FALSE(IsTruthy(sa->Find("automountServiceAccountToken")));
}

// Service 80 -> http, HPA 2..10 at 70% CPU on the Deployment, PDB minAvailable 1,
// NetworkPolicy: ingress to 8080 only, no egress. All select the pods.
void ExpectScalingObjects(const std::vector<Value>& docs) {
  const Value* dep = FindKind(docs, "Deployment");
  ASSERT_NE(dep, nullptr);
  const std::string name = Str(dep->FindPath("metadata.name"));
  const Value* pod_labels = dep->FindPath("spec.template.metadata.labels");
  ASSERT_NE(pod_labels, nullptr);
  auto selects_pods = [&](const Value* selector) {
    if (selector == nullptr || !selector->is_mapping() || selector->size() == 0) {
      return false;
    }
    return std::all_of(selector->if_mapping()->begin(), selector->if_mapping()->end(),
                       [&](const auto& entry) {
                         const Value* got = pod_labels->Find(entry.first);
                         return got != nullptr && *got == entry.second;
                       });
  };

  const Value* svc = FindKind(docs, "Service");
  ASSERT_NE(svc, nullptr);
  EXPECT_EQ(Str(svc->FindPath("spec.type")), "ClusterIP");
  EXPECT_EQ(Int(svc->FindPath("spec.ports.0.port")), 80);
  EXPECT_EQ(Str(svc->FindPath("spec.ports.0.targetPort")), "http");
  EXPECT_TRUE(selects_pods(svc->FindPath("spec.selector"))) << svc->DebugString();

  const Value* hpa = FindKind(docs, "HorizontalPodAutoscaler");
  ASSERT_NE(hpa, nullptr);
  EXPECT_EQ(Str(hpa->Find("apiVersion")), "autoscaling/v2");
  EXPECT_EQ(Str(hpa->FindPath("spec.scaleTargetRef.kind")), "Deployment");
  EXPECT_EQ(Str(hpa->FindPath("spec.scaleTargetRef.name")), name);
  EXPECT_EQ(Int(hpa->FindPath("spec.minReplicas")), 2);
  EXPECT_EQ(Int(hpa->FindPath("spec.maxReplicas")), 10);
  EXPECT_EQ(Str(hpa->FindPath("spec.metrics.0.resource.name")), "cpu");
  EXPECT_EQ(Int(hpa->FindPath("spec.metrics.0.resource.target.averageUtilization")), 70);

  const Value* pdb = FindKind(docs, "PodDisruptionBudget");
  ASSERT_NE(pdb, nullptr);
  EXPECT_EQ(Str(pdb->Find("apiVersion")), "policy/v1");
  EXPECT_EQ(Int(pdb->FindPath("spec.minAvailable")), 1);
  EXPECT_TRUE(selects_pods(pdb->FindPath("spec.selector.matchLabels")));

  const Value* np = FindKind(docs, "NetworkPolicy");
  ASSERT_NE(np, nullptr);
  EXPECT_TRUE(selects_pods(np->FindPath("spec.podSelector.matchLabels")));
  EXPECT_EQ(*np->FindPath("spec.policyTypes"),
            Value(serialize::Sequence{Value("Ingress"), Value("Egress")}));
  const Value* ingress = np->FindPath("spec.ingress");
  ASSERT_NE(ingress, nullptr);
  ASSERT_EQ(ingress->size(), 1u);
  EXPECT_EQ(Int(np->FindPath("spec.ingress.0.ports.0.port")), 8080);
  const Value* ports = np->FindPath("spec.ingress.0.ports");
  ASSERT_NE(ports, nullptr);
  EXPECT_EQ(ports->size(), 1u);
  // Egress denied: the Egress policy type with no rules.
  const Value* egress = np->FindPath("spec.egress");
  if (egress != nullptr) {
    EXPECT_EQ(egress->size(), 0u) << egress->DebugString();
  }
}

class DeployManifestsTest : public ::testing::Test {};

TEST_F(DeployManifestsTest, KustomizeBaseBuildsAndValidates) {
  REQUIRE_TOOL("kubectl");
  REQUIRE_K8S_VALIDATOR();
  const ProcessResult r = Kustomize();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto docs = ValidateAndParse(r.out);
  EXPECT_EQ(Kinds(docs), AllKinds());
  ExpectHardenedDeployment(docs);
  ExpectScalingObjects(docs);

  // The image comes from the kustomization's `images:` entry.
  const Value* dep = FindKind(docs, "Deployment");
  ASSERT_NE(dep, nullptr);
  EXPECT_EQ(Int(dep->FindPath("spec.replicas")), 2);
  const std::string image = Str(dep->FindPath("spec.template.spec.containers.0.image"));
  EXPECT_EQ(image.rfind("ghcr.io/", 0), 0u) << image;
  EXPECT_NE(image.find("/aicrd:"), std::string::npos) << image;
}

TEST_F(DeployManifestsTest, HelmLintPasses) {
  REQUIRE_TOOL("helm");
  const ProcessResult defaults = Helm("lint", {});
  EXPECT_EQ(defaults.exit_code, 0) << defaults.out << defaults.err;
  const ProcessResult off = Helm("lint", ToggledOff());
  EXPECT_EQ(off.exit_code, 0) << off.out << off.err;
}

TEST_F(DeployManifestsTest, HelmTemplateDefaultsValidate) {
  REQUIRE_TOOL("helm");
  REQUIRE_K8S_VALIDATOR();
  const ProcessResult r = Helm("template", {});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto docs = ValidateAndParse(r.out);
  EXPECT_EQ(Kinds(docs), AllKinds());
  ExpectHardenedDeployment(docs);
  ExpectScalingObjects(docs);

  // The HPA owns the replica count: the Deployment leaves it unset.
  const Value* dep = FindKind(docs, "Deployment");
  ASSERT_NE(dep, nullptr);
  EXPECT_EQ(dep->FindPath("spec.replicas"), nullptr);
  // Rate limits and allowlists are unset by default: the server's defaults apply.
  const Value* c = dep->FindPath("spec.template.spec.containers.0");
  ASSERT_NE(c, nullptr);
  for (const char* name : {"AICR_RATE_LIMIT", "AICR_RATE_BURST", "AICR_RATE_LIMIT_PER_CLIENT",
                           "AICR_ALLOWED_ACCELERATORS", "AICR_ALLOWED_SERVICES",
                           "AICR_ALLOWED_INTENTS", "AICR_ALLOWED_OS", "AICR_SERVER_ADDRESS"}) {
    EXPECT_FALSE(Env(*c, name).has_value()) << name;
  }
}

TEST_F(DeployManifestsTest, HelmTemplateTogglesOffValidate) {
  REQUIRE_TOOL("helm");
  REQUIRE_K8S_VALIDATOR();
  const ProcessResult r = Helm("template", ToggledOff());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto docs = ValidateAndParse(r.out);
  EXPECT_EQ(Kinds(docs), (std::multiset<std::string>{"Deployment", "Service", "ServiceAccount"}));
  ExpectHardenedDeployment(docs);
  const Value* dep = FindKind(docs, "Deployment");
  ASSERT_NE(dep, nullptr);
  EXPECT_EQ(Int(dep->FindPath("spec.replicas")), 2);
}

TEST_F(DeployManifestsTest, HelmRendersRateLimitsAllowlistsAndDigest) {
  REQUIRE_TOOL("helm");
  REQUIRE_K8S_VALIDATOR();
  const std::string digest = "sha256:" + std::string(64, 'a');
  const std::string values = ::aicr::testing::WriteTempFile("aicrd-values.yaml",
                                                            "rateLimit:\n"
                                                            "  limit: 250\n"
                                                            "  burst: 1000000\n"
                                                            "  perClient: 2.5\n"
                                                            "allowlists:\n"
                                                            "  accelerators: [h100, gb200]\n"
                                                            "  services: [eks]\n"
                                                            "  intents: [training]\n"
                                                            "  os: [ubuntu]\n"
                                                            "server:\n"
                                                            "  logLevel: debug\n"
                                                            "  address: 0.0.0.0\n"
                                                            "image:\n"
                                                            "  digest: " +
                                                                digest + "\n");
  const ProcessResult r = Helm("template", {"-f", values});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto docs = ValidateAndParse(r.out);
  const Value* c = FindIn(docs, "Deployment", "spec.template.spec.containers.0");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Env(*c, "AICR_RATE_LIMIT"), "250");
  EXPECT_EQ(Env(*c, "AICR_RATE_BURST"), "1000000");
  EXPECT_EQ(Env(*c, "AICR_RATE_LIMIT_PER_CLIENT"), "2.5");
  EXPECT_EQ(Env(*c, "AICR_ALLOWED_ACCELERATORS"), "h100,gb200");
  EXPECT_EQ(Env(*c, "AICR_ALLOWED_SERVICES"), "eks");
  EXPECT_EQ(Env(*c, "AICR_ALLOWED_INTENTS"), "training");
  EXPECT_EQ(Env(*c, "AICR_ALLOWED_OS"), "ubuntu");
  EXPECT_EQ(Env(*c, "AICR_LOG_LEVEL"), "debug");
  EXPECT_EQ(Env(*c, "AICR_SERVER_ADDRESS"), "0.0.0.0");
  EXPECT_EQ(Str(c->Find("image")), "ghcr.io/nvidia/aicrd@" + digest);
}

TEST_F(DeployManifestsTest, HelmRejectsUnsafeValues) {
  REQUIRE_TOOL("helm");
  // The kubelet would kill the server before it drains.
  const ProcessResult grace = Helm("template", {"--set", "terminationGracePeriodSeconds=30"});
  EXPECT_NE(grace.exit_code, 0);
  EXPECT_NE(grace.err.find("terminationGracePeriodSeconds"), std::string::npos) << grace.err;
  // values.schema.json: log levels are the server's four.
  const ProcessResult level = Helm("template", {"--set", "server.logLevel=trace"});
  EXPECT_NE(level.exit_code, 0);
  EXPECT_NE(level.err.find("logLevel"), std::string::npos) << level.err;
  // ... and rate limits are numbers.
  const ProcessResult rate = Helm("template", {"--set", "rateLimit.limit=fast"});
  EXPECT_NE(rate.exit_code, 0) << rate.out;
}

// The kustomize base and the chart describe the same workload: identical pod and
// container security contexts, resources, probes and grace period, the same
// topology spread, and the same HPA/PDB/NetworkPolicy specs up to label names.
TEST_F(DeployManifestsTest, KustomizeAndHelmAgree) {
  REQUIRE_TOOL("kubectl");
  REQUIRE_TOOL("helm");
  const ProcessResult k = Kustomize();
  const ProcessResult h = Helm("template", {});
  ASSERT_EQ(k.exit_code, 0) << k.err;
  ASSERT_EQ(h.exit_code, 0) << h.err;
  const auto kdocs = Parse(k.out);
  const auto hdocs = Parse(h.out);
  const Value* kpod = FindIn(kdocs, "Deployment", "spec.template.spec");
  const Value* hpod = FindIn(hdocs, "Deployment", "spec.template.spec");
  ASSERT_NE(kpod, nullptr);
  ASSERT_NE(hpod, nullptr);
  for (const char* path : {"securityContext", "terminationGracePeriodSeconds",
                           "automountServiceAccountToken", "enableServiceLinks", "volumes"}) {
    ASSERT_NE(kpod->FindPath(path), nullptr) << path;
    ASSERT_NE(hpod->FindPath(path), nullptr) << path;
    EXPECT_EQ(*kpod->FindPath(path), *hpod->FindPath(path)) << path;
  }
  const Value* kc = kpod->FindPath("containers.0");
  const Value* hc = hpod->FindPath("containers.0");
  ASSERT_NE(kc, nullptr);
  ASSERT_NE(hc, nullptr);
  for (const char* path : {"securityContext", "resources", "ports", "livenessProbe",
                           "readinessProbe", "startupProbe", "volumeMounts", "env"}) {
    ASSERT_NE(kc->FindPath(path), nullptr) << path;
    ASSERT_NE(hc->FindPath(path), nullptr) << path;
    EXPECT_EQ(*kc->FindPath(path), *hc->FindPath(path)) << path;
  }
  const Value* kspread = kpod->FindPath("topologySpreadConstraints");
  const Value* hspread = hpod->FindPath("topologySpreadConstraints");
  ASSERT_NE(kspread, nullptr);
  ASSERT_NE(hspread, nullptr);
  EXPECT_EQ(kspread->size(), hspread->size());
  for (const char* kind : {"HorizontalPodAutoscaler", "PodDisruptionBudget"}) {
    const Value* kspec = FindIn(kdocs, kind, "spec");
    const Value* hspec = FindIn(hdocs, kind, "spec");
    ASSERT_NE(kspec, nullptr) << kind;
    ASSERT_NE(hspec, nullptr) << kind;
    for (const char* path : {"minReplicas", "maxReplicas", "metrics", "behavior", "minAvailable"}) {
      const Value* kv = kspec->FindPath(path);
      const Value* hv = hspec->FindPath(path);
      ASSERT_EQ(kv == nullptr, hv == nullptr) << kind << " " << path;
      if (kv != nullptr) {
        EXPECT_EQ(*kv, *hv) << kind << " " << path;
      }
    }
  }
  for (const char* path : {"spec.policyTypes", "spec.ingress", "spec.egress"}) {
    const Value* kv = FindIn(kdocs, "NetworkPolicy", path);
    const Value* hv = FindIn(hdocs, "NetworkPolicy", path);
    ASSERT_NE(kv, nullptr) << path;
    ASSERT_NE(hv, nullptr) << path;
    EXPECT_EQ(*kv, *hv) << path;
  }
}

}  // namespace
}  // namespace aicr
