// Tests of the independent Kubernetes object validator (tests/tools/validate-k8s.mjs
// through tests/testing/k8s_validate.h): valid Argo CD, Flux and built-in objects
// pass; wrong-typed or missing fields fail with the file and document named;
// objects without a schema are reported and fail only with --strict.

#include "tests/testing/k8s_validate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/e2e/subprocess.h"

namespace aicr::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kApplication[] = R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: gpu-operator
  namespace: argocd
  finalizers: [resources-finalizer.argocd.argoproj.io]
spec:
  project: default
  source:
    repoURL: https://helm.ngc.nvidia.com/nvidia
    chart: gpu-operator
    targetRevision: v25.3.0
    helm:
      releaseName: gpu-operator
      valuesObject:
        driver: {enabled: true}
  destination:
    server: https://kubernetes.default.svc
    namespace: gpu-operator
  syncPolicy:
    automated: {prune: true, selfHeal: true}
    syncOptions: [CreateNamespace=true, ServerSideApply=true]
)";

constexpr char kHelmRepository[] = R"(apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: nvidia, namespace: flux-system}
spec:
  interval: 1h
  url: https://helm.ngc.nvidia.com/nvidia
)";

constexpr char kHelmRelease[] = R"(apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: gpu-operator, namespace: flux-system}
spec:
  interval: 10m
  targetNamespace: gpu-operator
  install: {createNamespace: true}
  chart:
    spec:
      chart: gpu-operator
      version: v25.3.0
      sourceRef: {kind: HelmRepository, name: nvidia}
  values:
    driver: {enabled: true, version: "570.86.15"}
    tolerations: [{key: nvidia.com/gpu, operator: Exists}]
)";

std::string Doc(const std::string& a, const std::string& b) { return a + "---\n" + b; }

class K8sValidateTest : public ::testing::Test {
 protected:
  void SetUp() override { REQUIRE_K8S_VALIDATOR(); }
};

TEST_F(K8sValidateTest, ValidArgoApplicationPasses) {
  const std::string file = WriteTempFile("app.yaml", kApplication);
  const K8sValidation r = ValidateK8sFiles({file});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("validated 1 objects (0 unvalidated)"));
}

TEST_F(K8sValidateTest, WrongTypedArgoFieldFailsNamingFileAndDoc) {
  std::string bad = kApplication;
  bad.replace(bad.find("name: gpu-operator\n"), 18, "name: bad-app");
  bad.replace(bad.find("prune: true"), 11, "prune: \"yes\"");
  const std::string file = WriteTempFile("bad-app.yaml", Doc(kApplication, bad));
  const K8sValidation r = ValidateK8sFiles({file});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr(file + ": doc 2 (Application bad-app): "
                                         "/spec/syncPolicy/automated/prune must be boolean"));
  EXPECT_THAT(r.output, Not(HasSubstr("doc 1")));
  EXPECT_THAT(r.output, HasSubstr("validated 2 objects (0 unvalidated)"));
}

TEST_F(K8sValidateTest, ArgoApplicationMissingRequiredFieldsFails) {
  const std::string file = WriteTempFile("app-empty.yaml", R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: empty}
spec: {source: {repoURL: https://example.com}}
)");
  const K8sValidation r = ValidateK8sFiles({file});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("(Application empty): /spec must have required property "
                                  "destination"));
  EXPECT_THAT(r.output, HasSubstr("/spec must have required property project"));
}

TEST_F(K8sValidateTest, ValidFluxObjectsPass) {
  const std::string more = R"(apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: repo, namespace: flux-system}
spec: {interval: 5m, url: https://github.com/example/fleet, ref: {branch: main}}
---
apiVersion: source.toolkit.fluxcd.io/v1beta2
kind: OCIRepository
metadata: {name: oci, namespace: flux-system}
spec: {interval: 5m, url: oci://ghcr.io/example/manifests, ref: {tag: latest}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef: {kind: GitRepository, name: repo}
)";
  const std::string file =
      WriteTempFile("flux.yaml", Doc(Doc(kHelmRepository, kHelmRelease), more));
  const K8sValidation r = ValidateK8sFiles({file});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("validated 5 objects (0 unvalidated)"));
}

TEST_F(K8sValidateTest, HelmReleaseWithNumericIntervalFails) {
  std::string bad = kHelmRelease;
  bad.replace(bad.find("interval: 10m"), 13, "interval: 5");
  const std::string file = WriteTempFile("hr-interval.yaml", bad);
  const K8sValidation r = ValidateK8sFiles({file});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr(file + ": doc 1 (HelmRelease gpu-operator): "
                                         "/spec/interval must be string"));
}

TEST_F(K8sValidateTest, HelmReleaseWithoutChartNameFails) {
  std::string bad = kHelmRelease;
  bad.erase(bad.find("      chart: gpu-operator\n"), 26);
  const std::string file = WriteTempFile("hr-chart.yaml", Doc(kHelmRepository, bad));
  const K8sValidation r = ValidateK8sFiles({file});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr(file + ": doc 2 (HelmRelease gpu-operator): "
                                         "/spec/chart/spec must have required property chart"));
}

TEST_F(K8sValidateTest, HelmReleaseWithUnknownSourceKindFails) {
  std::string bad = kHelmRelease;
  bad.replace(bad.find("kind: HelmRepository"), 20, "kind: HelmRepo");
  const K8sValidation r = ValidateK8sYaml(bad);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, AllOf(HasSubstr("<stdin>: doc 1 (HelmRelease gpu-operator): "
                                        "/spec/chart/spec/sourceRef/kind must be equal to one "
                                        "of the allowed values"),
                              HasSubstr("\"HelmRepository\"")));
}

TEST_F(K8sValidateTest, HelmRepositoryWithoutUrlFails) {
  const K8sValidation r = ValidateK8sYaml(R"(apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: nourl}
spec: {interval: 1h}
)");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("(HelmRepository nourl): /spec must have required property url"));
}

TEST_F(K8sValidateTest, ConfigMapDataMustBeStrings) {
  const std::string good = R"(apiVersion: v1
kind: ConfigMap
metadata: {name: good}
data: {replicas: "3", when: 2024-01-01, clock: 12:30}
)";
  EXPECT_EQ(ValidateK8sYaml(good).exit_code, 0) << ValidateK8sYaml(good).output;
  const std::string file = WriteTempFile("cm.yaml", R"(apiVersion: v1
kind: ConfigMap
metadata: {name: numbers}
data:
  replicas: 3
  ratio: 0.5
)");
  const K8sValidation r = ValidateK8sFiles({file});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr(file + ": doc 1 (ConfigMap numbers): /data/replicas must be "
                                         "string"));
  EXPECT_THAT(r.output, HasSubstr("/data/ratio must be string"));
}

TEST_F(K8sValidateTest, ScalarsThatYaml11ReadsAsBooleansFail) {
  // kubectl, Helm and Argo CD read `on` as true (YAML 1.1); kustomize as "on".
  const K8sValidation cm = ValidateK8sYaml(R"(apiVersion: v1
kind: ConfigMap
metadata: {name: flags}
data: {mode: on}
)");
  EXPECT_EQ(cm.exit_code, 1) << cm.output;
  EXPECT_THAT(cm.output, HasSubstr("/data/mode must be string (as YAML 1.1"));
  // ...and `prune: yes` is a boolean only under YAML 1.1.
  std::string app = kApplication;
  app.replace(app.find("prune: true"), 11, "prune: yes");
  const K8sValidation a = ValidateK8sYaml(app);
  EXPECT_EQ(a.exit_code, 1) << a.output;
  EXPECT_THAT(a.output, HasSubstr("/spec/syncPolicy/automated/prune must be boolean (as YAML 1.2"));
}

TEST_F(K8sValidateTest, BuiltInKindsPass) {
  const K8sValidation r = ValidateK8sYaml(R"(apiVersion: v1
kind: Namespace
metadata: {name: gpu-operator, labels: {pod-security.kubernetes.io/enforce: privileged}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: agent, namespace: gpu-operator}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: quota, namespace: gpu-operator}
spec: {hard: {pods: "10", requests.nvidia.com/gpu: 8}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agent}
rules: [{apiGroups: [""], resources: [nodes], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: agent}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: agent}
subjects: [{kind: ServiceAccount, name: agent, namespace: gpu-operator}]
---
apiVersion: batch/v1
kind: Job
metadata: {generateName: snapshot-, namespace: gpu-operator}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      serviceAccountName: agent
      containers: [{name: agent, image: ghcr.io/nvidia/aicr:latest, args: [snapshot]}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds}
spec:
  selector: {matchLabels: {app: ds}}
  template:
    metadata: {labels: {app: ds}}
    spec: {containers: [{name: c, image: busybox, resources: {limits: {cpu: 100m, memory: 64Mi}}}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: dep}
spec:
  replicas: 2
  selector: {matchLabels: {app: dep}}
  template:
    metadata: {labels: {app: dep}}
    spec: {containers: [{name: c, image: busybox, ports: [{containerPort: 8080}]}]}
)");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("validated 8 objects (0 unvalidated)"));
}

TEST_F(K8sValidateTest, BuiltInKindErrorsAreReported) {
  const K8sValidation r = ValidateK8sYaml(R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: dep}
spec: {replicas: two}
---
apiVersion: v1
kind: ServiceAccount
metadata: {labels: {a: b}}
)");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("doc 1 (Deployment dep): /spec/replicas must be integer"));
  EXPECT_THAT(r.output, HasSubstr("doc 1 (Deployment dep): /spec must have required property "
                                  "selector"));
  EXPECT_THAT(r.output, HasSubstr("doc 2 (ServiceAccount <unnamed>): /metadata must have "
                                  "required property name"));
}

TEST_F(K8sValidateTest, UnknownKindsAreUnvalidatedAndFailOnlyWhenStrict) {
  const std::string file =
      WriteTempFile("unknown.yaml", Doc(kApplication, R"(apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [app.yaml]
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: dcgm}
---
apiVersion: argoproj.io/v1alpha1
kind: HelmRelease
metadata: {name: wrong-group}
)"));
  const K8sValidation lax = ValidateK8sFiles({file});
  EXPECT_EQ(lax.exit_code, 0) << lax.output;
  EXPECT_THAT(lax.output,
              AllOf(HasSubstr("unvalidated kustomize.config.k8s.io/v1beta1 Kustomization"),
                    HasSubstr(file + ": doc 3 (ServiceMonitor dcgm): unvalidated "
                                     "monitoring.coreos.com/v1 ServiceMonitor"),
                    HasSubstr("unvalidated argoproj.io/v1alpha1 HelmRelease"),
                    HasSubstr("validated 1 objects (3 unvalidated)")));
  const K8sValidation strict = ValidateK8sFiles({file}, /*strict=*/true);
  EXPECT_EQ(strict.exit_code, 1) << strict.output;
  EXPECT_THAT(strict.output, HasSubstr("validated 1 objects (3 unvalidated)"));
  // --strict with only known objects still passes.
  const std::string known = WriteTempFile("known.yaml", kApplication);
  EXPECT_EQ(ValidateK8sFiles({known}, /*strict=*/true).exit_code, 0);
}

TEST_F(K8sValidateTest, ErrorsNameTheirFileAmongSeveral) {
  const std::string good = WriteTempFile("several-good.yaml", kHelmRepository);
  std::string bad_text = kHelmRepository;
  bad_text.replace(bad_text.find("interval: 1h"), 12, "interval: [1h]");
  const std::string bad = WriteTempFile("several-bad.yaml", bad_text);
  const K8sValidation r = ValidateK8sFiles({good, bad});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr(bad + ": doc 1 (HelmRepository nvidia): /spec/interval must be "
                                        "string"));
  EXPECT_THAT(r.output, Not(HasSubstr(good + ":")));
  EXPECT_THAT(r.output, HasSubstr("validated 2 objects (0 unvalidated)"));
}

TEST_F(K8sValidateTest, EmptyDocumentsAreSkippedAndListsAreExpanded) {
  const K8sValidation r = ValidateK8sYaml(R"(---
# only a comment
---
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: a}}
- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}, data: {count: 1}}
---
)");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output,
              HasSubstr("<stdin>: doc 2 item 2 (ConfigMap b): /data/count must be string"));
  EXPECT_THAT(r.output, HasSubstr("validated 2 objects (0 unvalidated)"));
}

TEST_F(K8sValidateTest, MalformedYamlAndNonObjectsFail) {
  const K8sValidation yaml = ValidateK8sYaml("apiVersion: v1\nkind: ConfigMap\ndata: [\n");
  EXPECT_EQ(yaml.exit_code, 1) << yaml.output;
  EXPECT_THAT(yaml.output, HasSubstr("<stdin>: doc 1: YAML error:"));
  const K8sValidation dup = ValidateK8sYaml("apiVersion: v1\nkind: ConfigMap\nkind: Secret\n");
  EXPECT_EQ(dup.exit_code, 1) << dup.output;
  EXPECT_THAT(dup.output, HasSubstr("YAML error:"));
  const K8sValidation kindless = ValidateK8sYaml("metadata: {name: x}\n");
  EXPECT_EQ(kindless.exit_code, 1) << kindless.output;
  EXPECT_THAT(kindless.output, HasSubstr("apiVersion and kind must be non-empty strings"));
}

TEST_F(K8sValidateTest, UnreadableFileIsAUsageError) {
  const K8sValidation r = ValidateK8sFiles({TestTempDir() + "/does-not-exist.yaml"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("does-not-exist.yaml"));
  EXPECT_EQ(ValidateK8sFiles({}).exit_code, 2);
}

}  // namespace
}  // namespace aicr::testing
