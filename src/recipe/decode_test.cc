#include "recipe/decode.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"
#include "tests/testing/status_matchers.h"

namespace aicr::recipe {
namespace {

using serialize::Value;
using ::testing::ElementsAre;
using ::testing::Optional;

Value Yaml(std::string_view text) {
  Result<Value> v = serialize::ParseYaml(text);
  EXPECT_THAT(v, IsOk());
  return v.ok() ? *v : Value();
}

constexpr std::string_view kAuthoring =
    "kind: RecipeMetadata\napiVersion: aicr.run/v1beta1\nmetadata:\n  name: leaf\n";
constexpr std::string_view kProfileHeader =
    "kind: RecipeMetadata\napiVersion: aicr.run/v1beta2\nmetadata:\n  name: leaf\n";

// A minimal valid profile declaration (spec-level, two-space indented under spec).
constexpr std::string_view kProfile = R"(  profile:
    name: gpuStack
    default: operator
    values:
      operator:
        componentRefs:
          - name: gpu-operator
            overrides: {driver: {enabled: true}}
      preinstalled:
        componentRefs:
          - name: gpu-operator
            overrides: {driver: {enabled: false}}
)";

Result<RecipeMetadata> Overlay(std::string_view spec_body, std::string_view header = kAuthoring) {
  return ParseRecipeMetadata(std::string(header) + "spec:\n" + std::string(spec_body),
                             "overlays/leaf.yaml");
}

TEST(DecodeRecipeMetadataTest, DecodesHeaderAndSpec) {
  auto md = Overlay(R"(  base: eks
  criteria:
    service: eks
    accelerator: h100
    intent: training
    os: ubuntu
    platform: kubeflow
    nodes: 8
  mixins: [os-ubuntu, platform-kubeflow]
  constraints:
    - name: K8s.server.version
      value: ">= 1.32.4"
      severity: warning
      remediation: upgrade the control plane
      unit: version
)");
  ASSERT_THAT(md, IsOk());
  EXPECT_EQ(md->api_version, "aicr.run/v1beta1");
  EXPECT_EQ(md->name, "leaf");
  EXPECT_EQ(md->path, "overlays/leaf.yaml");
  EXPECT_EQ(md->spec.base, "eks");
  ASSERT_TRUE(md->spec.criteria.has_value());
  EXPECT_EQ(md->spec.criteria->ToString(),
            "criteria(service=eks, accelerator=h100, intent=training, os=ubuntu, "
            "platform=kubeflow, nodes=8)");
  EXPECT_THAT(md->spec.mixins, ElementsAre("os-ubuntu", "platform-kubeflow"));
  ASSERT_EQ(md->spec.constraints.size(), 1u);
  EXPECT_EQ(md->spec.constraints[0], (Constraint{"K8s.server.version", ">= 1.32.4", "warning",
                                                 "upgrade the control plane", "version"}));
  EXPECT_FALSE(md->spec.validation.has_value());
  EXPECT_FALSE(md->spec.profile.has_value());
}

TEST(DecodeRecipeMetadataTest, AbsentCriteriaFieldsStayEmpty) {
  auto md = Overlay("  criteria:\n    service: eks\n");
  ASSERT_THAT(md, IsOk());
  ASSERT_TRUE(md->spec.criteria.has_value());
  EXPECT_EQ(md->spec.criteria->service, "eks");
  EXPECT_EQ(md->spec.criteria->accelerator, "");
  EXPECT_EQ(md->spec.criteria->os, "");
  EXPECT_EQ(md->spec.criteria->Specificity(), 1);
  // No criteria at all (base.yaml, ancestor-only overlays).
  auto base = Overlay("  componentRefs: []\n");
  ASSERT_THAT(base, IsOk());
  EXPECT_FALSE(base->spec.criteria.has_value());
}

TEST(DecodeRecipeMetadataTest, DecodesEveryComponentRefField) {
  auto md = Overlay(R"(  componentRefs:
    - name: gpu-operator
      namespace: gpu-operator
      chart: gpu-operator
      type: helm
      source: https://helm.ngc.nvidia.com/nvidia
      version: v26.7.0
      tag: v1
      valuesFile: components/gpu-operator/values.yaml
      overrides:
        driver:
          version: "580.1"
          rdma: null
        enabled: true
      patches: [p.yaml]
      dependencyRefs: [nfd, cert-manager]
      manifestFiles: [components/gpu-operator/manifests/a.yaml]
      preManifestFiles: [components/gpu-operator/manifests/ns.yaml]
      path: deploy/
      cleanup: true
      expectedResources:
        - kind: DaemonSet
          name: nvidia-driver-daemonset
          namespace: gpu-operator
        - kind: ClusterRole
          name: gpu-operator
      healthCheckAsserts: |
        apiVersion: v1
      healthCheckSkip: true
)");
  ASSERT_THAT(md, IsOk());
  ASSERT_EQ(md->spec.component_refs.size(), 1u);
  const ComponentRef& r = md->spec.component_refs[0];
  EXPECT_EQ(r.name, "gpu-operator");
  EXPECT_EQ(r.namespace_, "gpu-operator");
  EXPECT_EQ(r.chart, "gpu-operator");
  EXPECT_EQ(r.type, "Helm");
  EXPECT_EQ(r.source, "https://helm.ngc.nvidia.com/nvidia");
  EXPECT_EQ(r.version, "v26.7.0");
  EXPECT_EQ(r.tag, "v1");
  EXPECT_EQ(r.values_file, "components/gpu-operator/values.yaml");
  ASSERT_NE(r.overrides.FindPath("driver.rdma"), nullptr);
  EXPECT_TRUE(r.overrides.FindPath("driver.rdma")->is_null());  // nulls are kept
  EXPECT_EQ(*r.overrides.FindPath("driver.version"), Value("580.1"));
  EXPECT_THAT(r.patches, ElementsAre("p.yaml"));
  EXPECT_THAT(r.dependency_refs, ElementsAre("nfd", "cert-manager"));
  EXPECT_THAT(r.manifest_files, ElementsAre("components/gpu-operator/manifests/a.yaml"));
  EXPECT_THAT(r.pre_manifest_files, ElementsAre("components/gpu-operator/manifests/ns.yaml"));
  EXPECT_EQ(r.path, "deploy/");
  EXPECT_TRUE(r.cleanup);
  EXPECT_THAT(r.expected_resources,
              ElementsAre(ExpectedResource{"DaemonSet", "nvidia-driver-daemonset", "gpu-operator"},
                          ExpectedResource{"ClusterRole", "gpu-operator", ""}));
  EXPECT_EQ(r.health_check_asserts, "apiVersion: v1\n");
  EXPECT_TRUE(r.health_check_skip);
  EXPECT_TRUE(r.IsEnabled());
}

TEST(DecodeRecipeMetadataTest, TypeIsCanonicalisedCaseInsensitively) {
  auto md = Overlay(R"(  componentRefs:
    - {name: a, type: HELM}
    - {name: b, type: kustomize}
    - {name: c, type: Kustomize}
    - {name: d}
    - {name: e, type: oci}
)");
  ASSERT_THAT(md, IsOk());
  std::vector<std::string> types;
  for (const ComponentRef& r : md->spec.component_refs) {
    types.push_back(r.type);
  }
  EXPECT_THAT(types, ElementsAre("Helm", "Kustomize", "Kustomize", "", "oci"));
  EXPECT_EQ(CanonicalComponentType("hElM"), "Helm");
}

TEST(DecodeRecipeMetadataTest, ScalarsTypedAsNumbersKeepTheirText) {
  auto md = Overlay(R"(  constraints:
    - name: OS.release.VERSION_ID
      value: 24.04
    - name: K8s.server.version
      value: 1.32
    - name: OS.release.ID
      value: true
  componentRefs:
    - name: a
      version: 2
      tag: 1.5
      namespace: null
)");
  ASSERT_THAT(md, IsOk());
  EXPECT_EQ(md->spec.constraints[0].value, "24.04");
  EXPECT_EQ(md->spec.constraints[1].value, "1.32");
  EXPECT_EQ(md->spec.constraints[2].value, "true");
  EXPECT_EQ(md->spec.component_refs[0].version, "2");
  EXPECT_EQ(md->spec.component_refs[0].tag, "1.5");
  EXPECT_EQ(md->spec.component_refs[0].namespace_, "");
}

TEST(DecodeRecipeMetadataTest, ValidationPhasesDistinguishAbsentFromEmpty) {
  auto md = Overlay(R"(  validation:
    readiness:
      timeout: 10m
      constraints: []
      checks: []
      nodeSelection:
        selector:
          nvidia.com/gpu.present: "true"
          pool: 1
        maxNodes: 4
        excludeNodes: [node-a]
      infrastructure: nccl-doctor
    deployment:
      checks: [operator-health]
      constraints:
        - name: Deployment.gpu-operator.version
          value: ">= v24.6.0"
    performance: {}
    conformance:
      checks: null
)");
  ASSERT_THAT(md, IsOk());
  ASSERT_TRUE(md->spec.validation.has_value());
  const ValidationConfig& v = *md->spec.validation;
  ASSERT_TRUE(v.readiness.has_value());
  EXPECT_EQ(v.readiness->timeout, "10m");
  EXPECT_THAT(v.readiness->constraints, Optional(::testing::IsEmpty()));
  EXPECT_THAT(v.readiness->checks, Optional(::testing::IsEmpty()));
  ASSERT_TRUE(v.readiness->node_selection.has_value());
  EXPECT_EQ(
      v.readiness->node_selection->selector,
      (std::map<std::string, std::string>{{"nvidia.com/gpu.present", "true"}, {"pool", "1"}}));
  EXPECT_EQ(v.readiness->node_selection->max_nodes, 4);
  EXPECT_THAT(v.readiness->node_selection->exclude_nodes, ElementsAre("node-a"));
  EXPECT_EQ(v.readiness->infrastructure, "nccl-doctor");

  ASSERT_TRUE(v.deployment.has_value());
  EXPECT_THAT(v.deployment->checks, Optional(ElementsAre("operator-health")));
  ASSERT_TRUE(v.deployment->constraints.has_value());
  EXPECT_EQ((*v.deployment->constraints)[0].name, "Deployment.gpu-operator.version");
  EXPECT_FALSE(v.deployment->node_selection.has_value());

  ASSERT_TRUE(v.performance.has_value());  // present (enabled) but empty
  EXPECT_EQ(v.performance->checks, std::nullopt);
  EXPECT_EQ(v.performance->constraints, std::nullopt);

  ASSERT_TRUE(v.conformance.has_value());
  EXPECT_EQ(v.conformance->checks, std::nullopt);  // null is absent
}

TEST(DecodeRecipeMetadataTest, NullPhaseIsAbsent) {
  auto md = Overlay("  validation:\n    readiness: null\n    deployment:\n");
  ASSERT_THAT(md, IsOk());
  ASSERT_TRUE(md->spec.validation.has_value());
  EXPECT_FALSE(md->spec.validation->readiness.has_value());
  EXPECT_FALSE(md->spec.validation->deployment.has_value());
}

TEST(DecodeRecipeMetadataTest, AuthoringTrackIgnoresUnknownFields) {
  auto md = ParseRecipeMetadata(std::string(kAuthoring) + R"(  labels: {a: b}
extra: 1
spec:
  unknownSpecField: x
  criteria:
    service: eks
    region: us-east-1
  componentRefs:
    - name: a
      colour: blue
      expectedResources:
        - {kind: Deployment, name: x, extra: y}
  validation:
    smoke: {}
    readiness:
      retries: 3
)");
  ASSERT_THAT(md, IsOk());
  EXPECT_EQ(md->spec.criteria->service, "eks");
  EXPECT_EQ(md->spec.component_refs[0].name, "a");
}

TEST(DecodeRecipeMetadataTest, AuthoringTrackUsesFirstDocument) {
  auto md = ParseRecipeMetadata(std::string(kAuthoring) + "spec: {}\n---\nkind: Other\n");
  ASSERT_THAT(md, IsOk());
  EXPECT_EQ(md->name, "leaf");
}

TEST(DecodeRecipeMetadataTest, TypeMismatchesAreErrorsOnBothTracks) {
  EXPECT_THAT(Overlay("  componentRefs:\n    - name: a\n      version: [1]\n"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "spec.componentRefs[0].version: expected string, got sequence"));
  EXPECT_THAT(
      Overlay("  criteria:\n    nodes: eight\n"),
      StatusIs(ErrorCode::kInvalidRequest, "spec.criteria.nodes: expected int, got string"));
  EXPECT_THAT(Overlay("  componentRefs:\n    - name: a\n      cleanup: yes\n"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "spec.componentRefs[0].cleanup: expected bool, got string"));
  EXPECT_THAT(Overlay("  componentRefs:\n    - name: a\n      overrides: [x]\n"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "spec.componentRefs[0].overrides: expected mapping, got sequence"));
  EXPECT_THAT(
      Overlay("  componentRefs: {a: b}\n"),
      StatusIs(ErrorCode::kInvalidRequest, "spec.componentRefs: expected sequence, got mapping"));
  EXPECT_THAT(Overlay("  validation:\n    deployment:\n      checks: [[a]]\n"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "spec.validation.deployment.checks[0]: expected string, got sequence"));
  EXPECT_THAT(Overlay("  mixins: os-ubuntu\n"),
              StatusIs(ErrorCode::kInvalidRequest, "spec.mixins: expected sequence, got string"));
  EXPECT_THAT(ParseRecipeMetadata(std::string(kAuthoring) + "spec: [a]\n"),
              StatusIs(ErrorCode::kInvalidRequest, "spec: expected mapping, got sequence"));
}

TEST(DecodeRecipeMetadataTest, HeaderErrors) {
  EXPECT_THAT(
      ParseRecipeMetadata("kind: RecipeMixin\napiVersion: aicr.run/v1beta1\n"),
      StatusIs(ErrorCode::kInvalidRequest, "kind \"RecipeMixin\", expected \"RecipeMetadata\""));
  EXPECT_THAT(ParseRecipeMetadata("kind: RecipeMetadata\napiVersion: aicr.nvidia.com/v1alpha1\n"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "apiVersion \"aicr.nvidia.com/v1alpha1\" is not supported, expected "
                       "\"aicr.run/v1beta1\" or \"aicr.run/v1beta2\""));
  EXPECT_THAT(ParseRecipeMetadata("kind: RecipeMetadata\napiVersion: aicr.run/v1alpha2\n"), IsOk());
  EXPECT_THAT(ParseRecipeMetadata("kind: RecipeMetadata\napiVersion: aicr.run/v1\n"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "apiVersion \"aicr.run/v1\" is not supported, expected "
                       "\"aicr.run/v1beta1\" or \"aicr.run/v1beta2\""));
}

TEST(DecodeRecipeMetadataTest, ProfileRequiresProfileTrackAndViceVersa) {
  EXPECT_THAT(Overlay(kProfile), StatusIs(ErrorCode::kInvalidRequest,
                                          "spec.profile requires a profile-track apiVersion "
                                          "(\"aicr.run/v1beta2\"), got \"aicr.run/v1beta1\""));
  EXPECT_THAT(Overlay("  criteria: {service: aks}\n", kProfileHeader),
              StatusIs(ErrorCode::kInvalidRequest,
                       "apiVersion \"aicr.run/v1beta2\" requires spec.profile"));
  EXPECT_THAT(
      ParseRecipeMetadata("kind: RecipeMetadata\napiVersion: aicr.run/v1alpha3\nspec:\n" +
                          std::string(kProfile)),
      StatusIs(ErrorCode::kInvalidRequest, "profile RecipeMetadata requires metadata.name"));
}

TEST(DecodeRecipeMetadataTest, ProfileTrackDecodesProfile) {
  auto md = Overlay("  criteria: {service: aks}\n" + std::string(kProfile) +
                        R"(
)",
                    kProfileHeader);
  ASSERT_THAT(md, IsOk());
  ASSERT_TRUE(md->spec.profile.has_value());
  const ProfileDeclaration& p = *md->spec.profile;
  EXPECT_EQ(p.name, "gpuStack");
  EXPECT_EQ(p.default_value, "operator");
  ASSERT_EQ(p.values.size(), 2u);
  EXPECT_EQ(p.values[0].first, "operator");
  EXPECT_EQ(p.values[1].first, "preinstalled");
  ASSERT_EQ(p.values[1].second.component_refs.size(), 1u);
  EXPECT_EQ(p.values[1].second.component_refs[0].name, "gpu-operator");
  EXPECT_EQ(*p.values[1].second.component_refs[0].overrides.FindPath("driver.enabled"),
            Value(false));
}

TEST(DecodeRecipeMetadataTest, ProfileTrackIsStrictEverywhere) {
  struct Case {
    std::string body;
    const char* want;
  };
  const std::string profile(kProfile);
  const Case cases[] = {
      {"  colour: blue\n" + profile, "spec: unknown field \"colour\""},
      {"  criteria: {service: aks, region: x}\n" + profile,
       "spec.criteria: unknown field \"region\""},
      {"  constraints:\n    - {name: K8s.server.version, value: '1', level: 2}\n" + profile,
       "spec.constraints[0]: unknown field \"level\""},
      {"  componentRefs:\n    - {name: a, colour: blue}\n" + profile,
       "spec.componentRefs[0]: unknown field \"colour\""},
      {"  componentRefs:\n    - name: a\n      expectedResources: [{kind: A, name: b, c: d}]\n" +
           profile,
       "spec.componentRefs[0].expectedResources[0]: unknown field \"c\""},
      {"  validation:\n    smoke: {}\n" + profile, "spec.validation: unknown field \"smoke\""},
      {"  validation:\n    readiness: {retries: 1}\n" + profile,
       "spec.validation.readiness: unknown field \"retries\""},
      {"  validation:\n    readiness:\n      nodeSelection: {labels: {}}\n" + profile,
       "spec.validation.readiness.nodeSelection: unknown field \"labels\""},
      {profile + "    owner: me\n", "spec.profile: unknown field \"owner\""},
      {R"(  profile:
    name: p
    default: a
    values:
      a: {colour: blue}
)",
       "spec.profile.values.a: unknown field \"colour\""},
      {R"(  profile:
    name: p
    default: a
    values:
      a:
        componentRefs: [{name: x, version: "1"}]
)",
       "spec.profile.values.a.componentRefs[0]: unknown field \"version\""},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(Overlay(c.body, kProfileHeader), StatusIs(ErrorCode::kInvalidRequest, c.want))
        << c.body;
  }
  EXPECT_THAT(ParseRecipeMetadata(std::string(kProfileHeader) + "  labels: {}\nspec:\n" + profile),
              StatusIs(ErrorCode::kInvalidRequest, "metadata: unknown field \"labels\""));
  EXPECT_THAT(ParseRecipeMetadata(std::string(kProfileHeader) + "status: {}\nspec:\n" + profile),
              StatusIs(ErrorCode::kInvalidRequest, "unknown field \"status\""));
  // Override values are free-form.
  EXPECT_THAT(
      Overlay("  componentRefs:\n    - {name: a, overrides: {anything: {goes: 1}}}\n" + profile,
              kProfileHeader),
      IsOk());
}

TEST(DecodeRecipeMetadataTest, ProfileTrackMustBeOneDocument) {
  const std::string doc = std::string(kProfileHeader) + "spec:\n" + std::string(kProfile);
  EXPECT_THAT(ParseRecipeMetadata(doc), IsOk());
  EXPECT_THAT(ParseRecipeMetadata(doc + "---\nkind: X\n"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "profile RecipeMetadata contains multiple YAML documents"));
}

TEST(DecodeRecipeMetadataTest, ProfileContractErrorsArePrefixed) {
  EXPECT_THAT(Overlay(R"(  profile:
    name: gpuStack
    default: missing
    values:
      a: {}
)",
                      kProfileHeader),
              StatusIs(ErrorCode::kInvalidRequest,
                       "spec.profile: profile \"gpuStack\" default \"missing\" is not a declared "
                       "value"));
}

// ---- profile contract ----

ProfileDeclaration Decl(std::string_view yaml) {
  auto d = DecodeProfileDeclaration(Yaml(yaml), "spec.profile", true);
  EXPECT_THAT(d, IsOk());
  return d.ok() ? *d : ProfileDeclaration{};
}

TEST(ValidateProfileDeclarationTest, ReturnsOwnedPaths) {
  auto owned = ValidateProfileDeclaration(Decl(R"(
name: gpuStack
default: operator
values:
  operator:
    constraints: [{name: K8s.aks-gpu-pools.gpu-driver, value: Install}]
    readinessConstraints: [{name: K8s.aks-gpu-pools.gpu-driver, value: Install}]
    componentRefs:
      - name: gpu-operator
        overrides: {driver: {enabled: true, version: "580"}, toolkit: {enabled: true}}
      - name: nvsentinel
  preinstalled:
    advertiser: external
    componentRefs:
      - name: gpu-operator
        overrides: {driver: {enabled: false, version: null}, toolkit: {enabled: false}}
)"));
  ASSERT_THAT(owned, IsOk());
  EXPECT_EQ(
      *owned,
      (std::map<std::string, std::vector<std::string>>{
          {"gpu-operator", {"driver.enabled", "driver.version", "enabled", "toolkit.enabled"}},
          {"nvsentinel", {"enabled"}}}));
}

TEST(ValidateProfileDeclarationTest, Errors) {
  struct Case {
    const char* yaml;
    const char* want;
  };
  const Case cases[] = {
      {"name: 'bad name'\ndefault: a\nvalues: {a: {}}\n",
       "profile name must match [A-Za-z0-9._-]+"},
      {"name: p\ndefault: ''\nvalues: {a: {}}\n", "profile default must match [A-Za-z0-9._-]+"},
      {"name: p\ndefault: a\nvalues: {}\n", "profile \"p\" must declare at least one value"},
      {"name: p\ndefault: b\nvalues: {a: {}}\n",
       "profile \"p\" default \"b\" is not a declared value"},
      {"name: p\ndefault: a\nvalues: {a: {}, A: {}}\n",
       "profile \"p\" values \"A\" and \"a\" differ only by case; value names must be "
       "case-insensitively unique"},
      {"name: p\ndefault: a\nvalues: {a: {}, 'b c': {}}\n",
       "profile value \"b c\" must match [A-Za-z0-9._-]+"},
      {"name: p\ndefault: a\nvalues: {a: {advertiser: internal}}\n",
       "profile \"p\" value \"a\" has unsupported advertiser \"internal\"; expected \"\" or "
       "\"external\""},
      {"name: p\ndefault: a\nvalues: {a: {constraints: [{value: x}]}}\n",
       "profile \"p\" value \"a\" declares a constraint with no name"},
      {"name: p\ndefault: a\nvalues: {a: {readinessConstraints: [{name: K8s.a.b}]}}\n",
       "profile \"p\" value \"a\" readiness constraint \"K8s.a.b\" has no value"},
      {"name: p\ndefault: a\nvalues: {a: {constraints: [{name: K.a.b, value: 1}, {name: K.a.b, "
       "value: 2}]}}\n",
       "profile \"p\" value \"a\" repeats constraint \"K.a.b\""},
      {"name: p\ndefault: a\nvalues: {a: {componentRefs: [{overrides: {x: 1}}]}}\n",
       "profile \"p\" value \"a\" has a componentRef with an empty name"},
      {"name: p\ndefault: a\nvalues: {a: {componentRefs: [{name: c}, {name: c}]}}\n",
       "profile \"p\" value \"a\" repeats componentRef \"c\""},
      {"name: p\ndefault: a\nvalues: {a: {componentRefs: [{name: c, overrides: {enabled: "
       "false}}]}}\n",
       "profile \"p\" value \"a\" component \"c\" may not assign overrides.enabled"},
      {"name: p\ndefault: a\nvalues: {a: {componentRefs: [{name: c, overrides: {a.b: 1}}]}}\n",
       "profile \"p\" value \"a\" component \"c\": invalid profile overrides: override key "
       "\"a.b\" must be nonempty and may not contain a literal dot"},
      {"name: p\ndefault: a\nvalues: {a: {componentRefs: [{name: c, overrides: {x: {y: {}}}}]}}\n",
       "profile \"p\" value \"a\" component \"c\": invalid profile overrides: override \"x.y\" "
       "assigns an empty map"},
      {"name: p\ndefault: a\nvalues:\n  a: {componentRefs: [{name: c, overrides: {x: 1}}]}\n"
       "  b: {componentRefs: [{name: c, overrides: {y: 1}}]}\n",
       "profile \"p\" violates union totality: value \"b\" assigns [c:y], expected [c:x]"},
      {"name: p\ndefault: a\nvalues:\n  a: {componentRefs: [{name: c, overrides: {x: 1, z: "
       "{w: 2}}}]}\n  b: {}\n",
       "profile \"p\" violates union totality: value \"b\" assigns [], expected [c:x c:z.w]"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ValidateProfileDeclaration(Decl(c.yaml)),
                StatusIs(ErrorCode::kInvalidRequest, c.want))
        << c.yaml;
  }
}

TEST(ValidateProfileDeclarationTest, ValuesMayReferenceDifferentComponentsWithoutPaths) {
  // The synthetic "enabled" presence path is not part of union totality.
  auto owned = ValidateProfileDeclaration(Decl(R"(
name: p
default: a
values:
  a: {componentRefs: [{name: c}]}
  b: {}
)"));
  ASSERT_THAT(owned, IsOk());
  EXPECT_EQ(owned->at("c"), std::vector<std::string>{"enabled"});
}

// ---- mixins ----

TEST(DecodeRecipeMixinTest, DecodesConstraintsAndComponentRefs) {
  auto mixin = ParseRecipeMixin(R"(kind: RecipeMixin
apiVersion: aicr.run/v1beta1
metadata:
  name: os-ubuntu
spec:
  constraints:
    - name: OS.release.ID
      value: ubuntu
  componentRefs:
    - name: nodewright-customizations
      type: Helm
      manifestFiles: [components/x.yaml]
)",
                                "mixins/os-ubuntu.yaml");
  ASSERT_THAT(mixin, IsOk());
  EXPECT_EQ(mixin->name, "os-ubuntu");
  EXPECT_EQ(mixin->api_version, "aicr.run/v1beta1");
  EXPECT_EQ(mixin->path, "mixins/os-ubuntu.yaml");
  ASSERT_EQ(mixin->constraints.size(), 1u);
  EXPECT_EQ(mixin->constraints[0].name, "OS.release.ID");
  ASSERT_EQ(mixin->component_refs.size(), 1u);
  EXPECT_THAT(mixin->component_refs[0].manifest_files, ElementsAre("components/x.yaml"));
}

TEST(DecodeRecipeMixinTest, StrictDecode) {
  const std::string header =
      "kind: RecipeMixin\napiVersion: aicr.run/v1beta1\nmetadata:\n  name: m\n";
  EXPECT_THAT(ParseRecipeMixin(header + "spec:\n  criteria: {service: eks}\n"),
              StatusIs(ErrorCode::kInvalidRequest, "spec: unknown field \"criteria\""));
  EXPECT_THAT(ParseRecipeMixin(header + "spec:\n  base: eks\n"),
              StatusIs(ErrorCode::kInvalidRequest, "spec: unknown field \"base\""));
  EXPECT_THAT(
      ParseRecipeMixin(header + "spec:\n  componentRefs: [{name: a, colour: b}]\n"),
      StatusIs(ErrorCode::kInvalidRequest, "spec.componentRefs[0]: unknown field \"colour\""));
  EXPECT_THAT(ParseRecipeMixin(header + "status: {}\n"),
              StatusIs(ErrorCode::kInvalidRequest, "unknown field \"status\""));
  EXPECT_THAT(
      ParseRecipeMixin("kind: RecipeMetadata\napiVersion: aicr.run/v1beta1\n"),
      StatusIs(ErrorCode::kInvalidRequest, "kind \"RecipeMetadata\", expected \"RecipeMixin\""));
  EXPECT_THAT(ParseRecipeMixin("kind: RecipeMixin\napiVersion: aicr.run/v1beta2\n"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "apiVersion \"aicr.run/v1beta2\" is not supported for RecipeMixin, "
                       "expected \"aicr.run/v1beta1\""));
  EXPECT_THAT(ParseRecipeMixin("kind: RecipeMixin\napiVersion: aicr.run/v1beta1\nspec: {}\n"),
              StatusIs(ErrorCode::kInvalidRequest, "RecipeMixin requires metadata.name"));
}

// ---- header ----

TEST(DecodeHeaderTest, ReadsLeniently) {
  auto h = DecodeHeader(Yaml("kind: Snapshot\napiVersion: aicr.run/v1\nmetadata: {name: x}\n"));
  ASSERT_THAT(h, IsOk());
  EXPECT_EQ(h->kind, "Snapshot");
  EXPECT_EQ(h->api_version, "aicr.run/v1");
  EXPECT_EQ(h->name, "x");
  auto empty = DecodeHeader(Value());
  ASSERT_THAT(empty, IsOk());
  EXPECT_EQ(empty->kind, "");
  EXPECT_THAT(DecodeHeader(Yaml("- a\n")),
              StatusIs(ErrorCode::kInvalidRequest, "expected mapping, got sequence"));
  EXPECT_TRUE(IsAuthoringApiVersion("aicr.run/v1alpha2"));
  EXPECT_TRUE(IsAuthoringApiVersion("aicr.run/v1beta1"));
  EXPECT_FALSE(IsAuthoringApiVersion("aicr.run/v1beta2"));
  EXPECT_TRUE(IsProfileApiVersion("aicr.run/v1alpha3"));
  EXPECT_TRUE(IsProfileApiVersion("aicr.run/v1beta2"));
  EXPECT_FALSE(IsProfileApiVersion("aicr.run/v1"));
}

// ---- dependencies and constraint paths ----

std::vector<ComponentRef> Refs(
    std::initializer_list<std::pair<const char*, std::vector<std::string>>> refs) {
  std::vector<ComponentRef> out;
  for (const auto& [name, deps] : refs) {
    ComponentRef r;
    r.name = name;
    r.dependency_refs = deps;
    out.push_back(r);
  }
  return out;
}

TEST(ValidateDependenciesTest, AcceptsADag) {
  EXPECT_THAT(ValidateDependencies(Refs({{"a", {}}, {"b", {"a"}}, {"c", {"a", "b"}}})), IsOk());
  EXPECT_THAT(ValidateDependencies({}), IsOk());
}

TEST(ValidateDependenciesTest, UnknownDependency) {
  EXPECT_THAT(
      ValidateDependencies(Refs({{"a", {"b"}}})),
      StatusIs(ErrorCode::kInvalidRequest, "component \"a\" references unknown dependency \"b\""));
}

TEST(ValidateDependenciesTest, Cycles) {
  EXPECT_THAT(ValidateDependencies(Refs({{"a", {"b"}}, {"b", {"a"}}})),
              StatusIs(ErrorCode::kInvalidRequest, "circular dependency detected: [a b a]"));
  EXPECT_THAT(ValidateDependencies(Refs({{"x", {}}, {"a", {"b"}}, {"b", {"c"}}, {"c", {"b"}}})),
              StatusIs(ErrorCode::kInvalidRequest, "circular dependency detected: [b c b]"));
  EXPECT_THAT(ValidateDependencies(Refs({{"a", {"a"}}})),
              StatusIs(ErrorCode::kInvalidRequest, "circular dependency detected: [a a]"));
}

TEST(ValidateConstraintPathsTest, ChecksSnapshotConstraintsOnly) {
  auto md = Overlay(R"(  constraints:
    - {name: K8s.server.version, value: ">= 1.32"}
    - {name: OS.sysctl./proc/sys/kernel/osrelease, value: ">= 6.8"}
  validation:
    readiness:
      constraints:
        - {name: NodeTopology.label.nvidia.com/gpu.present, value: "true"}
    deployment:
      constraints:
        - {name: Deployment.gpu-operator.version, value: v25}
    performance:
      constraints:
        - {name: nccl-all-reduce-bw, value: ">= 100"}
    conformance:
      constraints:
        - {name: WITH_WORKLOAD, value: "true"}
)");
  ASSERT_THAT(md, IsOk());
  EXPECT_THAT(ValidateConstraintPaths(md->spec), IsOk());

  RecipeMetadataSpec bad = md->spec;
  bad.constraints[1].name = "k8s.server.version";
  EXPECT_THAT(ValidateConstraintPaths(bad),
              StatusIs(ErrorCode::kInvalidRequest,
                       "spec.constraints[1]: invalid measurement path \"k8s.server.version\": "
                       "unknown measurement type \"k8s\" (valid: K8s, GPU, OS, SystemD, "
                       "NodeTopology, NetworkTopology, Deployment); did you mean \"K8s\"?"));

  bad = md->spec;
  (*bad.validation->readiness->constraints)[0].name = "Deployment.gpu-operator.version";
  EXPECT_THAT(ValidateConstraintPaths(bad),
              StatusIs(ErrorCode::kInvalidRequest,
                       "spec.validation.readiness.constraints[0]: invalid measurement path "
                       "\"Deployment.gpu-operator.version\": measurement type \"Deployment\" is "
                       "only valid in deployment-phase validation constraints"));

  bad = md->spec;
  bad.constraints[0].name = "K8s.server.versionn";
  const Status typo = ValidateConstraintPaths(bad);
  EXPECT_EQ(typo.code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(typo.message(), ::testing::StartsWith("spec.constraints[0]: "));
  EXPECT_THAT(typo.message(), ::testing::HasSubstr("did you mean \"version\"?"));

  RecipeMetadataSpec prof;
  prof.profile = Decl(R"(
name: p
default: a
values:
  a:
    readinessConstraints: [{name: K8s.server, value: x}]
)");
  EXPECT_THAT(ValidateConstraintPaths(prof),
              StatusIs(ErrorCode::kInvalidRequest,
                       "spec.profile.values.a.readinessConstraints[0]: invalid measurement path "
                       "\"K8s.server\": expected format {Type}.{Subtype}.{Key}"));
}

TEST(ComponentRefTest, IsEnabled) {
  struct Case {
    const char* overrides;
    bool want;
  };
  const Case cases[] = {
      {"null", true},
      {"{}", true},
      {"{enabled: true}", true},
      {"{enabled: false}", false},
      {"{install: false}", false},
      {"{enabled: true, install: false}", false},
      {"{enabled: false, install: true}", false},
      {"{enabled: 'false'}", true},  // non-bool gates are ignored (with a warning)
      {"{enabled: 0, install: false}", false},
      {"{driver: {enabled: false}}", true},
  };
  for (const Case& c : cases) {
    ComponentRef r;
    r.name = "c";
    r.overrides = Yaml(c.overrides);
    EXPECT_EQ(r.IsEnabled(), c.want) << c.overrides;
  }
}

// ---- encoders ----

std::string AsYaml(const Value& v) { return serialize::WriteYaml(v); }

TEST(EncodeTest, ConstraintOmitsEmptyOptionalFields) {
  EXPECT_EQ(AsYaml(EncodeConstraint({"K8s.server.version", ">= 1.32", "", "", ""})),
            "name: K8s.server.version\nvalue: \">= 1.32\"\n");
  EXPECT_EQ(EncodeConstraint({"a", "", "", "", ""}), Yaml("name: a\nvalue: ''\n"));
  EXPECT_EQ(EncodeConstraint({"a", "b", "warning", "fix", "GB/s"}),
            Yaml("{name: a, value: b, severity: warning, remediation: fix, unit: GB/s}"));
}

TEST(EncodeTest, ComponentRefKeepsNameTypeSourceAlways) {
  ComponentRef r;
  r.name = "nfd";
  EXPECT_EQ(EncodeComponentRef(r), Yaml("{name: nfd, type: '', source: ''}"));
  r.overrides = Value::EmptyMapping();
  EXPECT_EQ(EncodeComponentRef(r), Yaml("{name: nfd, type: '', source: ''}"));
}

TEST(EncodeTest, ComponentRefRoundTrips) {
  const Value doc = Yaml(R"(
name: gpu-operator
namespace: gpu-operator
chart: gpu-operator
type: Helm
source: https://helm.ngc.nvidia.com/nvidia
version: v26.7.0
tag: v1
valuesFile: components/gpu-operator/values.yaml
overrides: {driver: {rdma: null}}
patches: [p.yaml]
dependencyRefs: [nfd]
manifestFiles: [m.yaml]
preManifestFiles: [pre.yaml]
path: deploy
cleanup: true
expectedResources: [{kind: DaemonSet, name: x, namespace: y}, {kind: ClusterRole, name: z}]
healthCheckAsserts: "a: b\n"
healthCheckSkip: true
)");
  auto r = DecodeComponentRef(doc, "", true);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(EncodeComponentRef(*r), doc);
}

TEST(EncodeTest, ValidationOmitsAbsentAndEmpty) {
  ValidationConfig v;
  EXPECT_EQ(EncodeValidation(v), Value::EmptyMapping());
  v.deployment = ValidationPhase{};
  v.deployment->checks = std::vector<std::string>{};  // explicit [] is still omitted in output
  v.deployment->constraints = std::vector<Constraint>{};
  v.conformance = ValidationPhase{};
  v.conformance->checks = std::vector<std::string>{"platform-health"};
  v.conformance->timeout = "30m";
  v.readiness = ValidationPhase{};
  v.readiness->node_selection = NodeSelection{};
  EXPECT_EQ(EncodeValidation(v), Yaml(R"(
readiness: {nodeSelection: {}}
deployment: {}
conformance: {timeout: 30m, checks: [platform-health]}
)"));
  ValidationPhase p;
  p.node_selection = NodeSelection{{{"a", "b"}}, 3, {"n1"}};
  p.infrastructure = "nccl-doctor";
  p.constraints = std::vector<Constraint>{{"K8s.server.version", "1", "", "", ""}};
  EXPECT_EQ(EncodeValidationPhase(p), Yaml(R"(
constraints: [{name: K8s.server.version, value: '1'}]
nodeSelection: {selector: {a: b}, maxNodes: 3, excludeNodes: [n1]}
infrastructure: nccl-doctor
)"));
}

TEST(EncodeTest, Criteria) {
  Criteria c;
  EXPECT_EQ(EncodeCriteria(c),
            Yaml("{service: any, accelerator: any, intent: any, os: any, platform: any}"));
  c.service = "eks";
  c.nodes = 8;
  EXPECT_EQ(EncodeCriteria(c), Yaml("{service: eks, accelerator: any, intent: any, os: any, "
                                    "platform: any, nodes: 8}"));
  Criteria overlay;
  overlay.service = "eks";
  overlay.accelerator = "";
  overlay.intent = "";
  overlay.os = "";
  overlay.platform = "";
  EXPECT_EQ(EncodeCriteria(overlay), Yaml("{service: eks}"));
}

}  // namespace
}  // namespace aicr::recipe

namespace aicr::recipe {
namespace {

TEST(DecodeDataPathsTest, RefFilesMustStayInsideTheDataTree) {
  for (const char* bad : {"../x.yaml", "/etc/passwd", "a/../../b", "./a", "a//b"}) {
    for (const char* key : {"valuesFile", "manifestFiles", "preManifestFiles"}) {
      const bool list = std::string(key) != "valuesFile";
      const std::string yaml = std::string("name: c\n") + key + ": " + (list ? "[\"" : "\"") + bad +
                               (list ? "\"]" : "\"") + "\n";
      auto doc = serialize::ParseYaml(yaml);
      ASSERT_TRUE(doc.ok());
      EXPECT_THAT(DecodeComponentRef(*doc, "ref", false),
                  StatusIs(ErrorCode::kInvalidRequest,
                           std::string("ref.") + key + ": \"" + bad +
                               "\" must be a relative path inside the data directory"))
          << yaml;
    }
  }
  auto ok = serialize::ParseYaml("name: c\nvaluesFile: components/c/values-x.yaml\n");
  ASSERT_TRUE(ok.ok());
  EXPECT_THAT(DecodeComponentRef(*ok, "ref", false), IsOk());
}

}  // namespace
}  // namespace aicr::recipe
