// Lint over the embedded catalogue (recipes/): the data rules upstream enforces in
// CI, applied to our own files. Each test names the offending file or overlay.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "catalog/data_provider.h"
#include "recipe/resolver.h"
#include "recipe/store.h"
#include "serialize/yaml_reader.h"

namespace aicr {
namespace {

using ::testing::IsEmpty;

const recipe::Store& Store() {
  static const std::shared_ptr<const recipe::Store> store = [] {
    auto s = recipe::GetStore(catalog::EmbeddedProvider());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : nullptr;
  }();
  return *store;
}

// Every component ref of every overlay, base and mixin, with where it is.
std::vector<std::pair<std::string, const recipe::ComponentRef*>> AllRefs() {
  std::vector<std::pair<std::string, const recipe::ComponentRef*>> out;
  for (const recipe::ComponentRef& r : Store().base().spec.component_refs) {
    out.emplace_back(Store().base().path, &r);
  }
  for (const auto& [name, o] : Store().overlays()) {
    for (const recipe::ComponentRef& r : o.spec.component_refs) {
      out.emplace_back(o.path, &r);
    }
  }
  for (const auto& [name, m] : Store().mixins()) {
    for (const recipe::ComponentRef& r : m.component_refs) {
      out.emplace_back(m.path, &r);
    }
  }
  return out;
}

TEST(CatalogLintTest, CatalogueLoads) { ASSERT_NE(&Store(), nullptr); }

TEST(CatalogLintTest, ReferencedFilesExist) {
  std::vector<std::string> missing;
  const catalog::DataProvider& data = catalog::EmbeddedProvider();
  for (const auto& [where, ref] : AllRefs()) {
    std::vector<std::string> files = ref->manifest_files;
    files.insert(files.end(), ref->pre_manifest_files.begin(), ref->pre_manifest_files.end());
    if (!ref->values_file.empty()) {
      files.push_back(ref->values_file);
    }
    for (const std::string& f : files) {
      if (!data.Has(f)) {
        missing.push_back(where + ": " + ref->name + " -> " + f);
      }
    }
  }
  for (const recipe::RegistryComponent& c : Store().registry().components()) {
    for (const std::string& f : c.manifest_files) {
      if (!data.Has(f)) {
        missing.push_back("registry.yaml: " + c.name + " -> " + f);
      }
    }
  }
  EXPECT_THAT(missing, IsEmpty());
}

TEST(CatalogLintTest, ComponentsAreRegistered) {
  std::vector<std::string> unknown;
  for (const auto& [where, ref] : AllRefs()) {
    if (Store().registry().Find(ref->name) == nullptr) {
      unknown.push_back(where + ": " + ref->name);
    }
  }
  EXPECT_THAT(unknown, IsEmpty());
}

TEST(CatalogLintTest, NoVersionPinsOutsideTheRegistry) {
  std::vector<std::string> pinned;
  for (const auto& [where, ref] : AllRefs()) {
    if (!ref->version.empty() || !ref->tag.empty()) {
      pinned.push_back(where + ": " + ref->name);
    }
  }
  EXPECT_THAT(pinned, IsEmpty());
}

TEST(CatalogLintTest, EveryComponentHasAHealthCheck) {
  std::vector<std::string> problems;
  for (const recipe::RegistryComponent& c : Store().registry().components()) {
    if (c.health_check_assert_file.empty()) {
      problems.push_back(c.name + ": no healthCheck.assertFile");
    } else if (!catalog::EmbeddedProvider().Has(c.health_check_assert_file)) {
      problems.push_back(c.name + ": missing " + c.health_check_assert_file);
    }
  }
  EXPECT_THAT(problems, IsEmpty());
}

TEST(CatalogLintTest, NoTwoOverlaysShareCriteria) {
  std::map<std::string, std::string> seen;
  std::vector<std::string> dupes;
  for (const auto& [name, o] : Store().overlays()) {
    if (!o.spec.criteria.has_value()) {
      continue;
    }
    const std::string key = o.spec.criteria->ToString();
    const auto [it, inserted] = seen.emplace(key, name);
    if (!inserted) {
      dupes.push_back(it->second + " and " + name + ": " + key);
    }
  }
  EXPECT_THAT(dupes, IsEmpty());
}

TEST(CatalogLintTest, ChainsResolveAndStayShallow) {
  std::vector<std::string> problems;
  for (const auto& [name, o] : Store().overlays()) {
    auto chain = Store().Chain(name);
    if (!chain.ok()) {
      problems.push_back(name + ": " + chain.status().message());
    } else if (chain->size() > 10) {
      problems.push_back(name + ": chain depth " + std::to_string(chain->size()));
    }
    if (!o.spec.base.empty() && o.spec.base != "base" && !o.spec.criteria.has_value()) {
      problems.push_back(name + ": an overlay with a base needs criteria");
    }
  }
  EXPECT_THAT(problems, IsEmpty());
}

TEST(CatalogLintTest, EveryOverlayMergesWithBase) {
  // Each overlay's own criteria resolve: the chain merges with base, mixins apply,
  // dependencies exist and order without cycles, and the result is coherent.
  std::vector<std::string> problems;
  for (const auto& [name, o] : Store().overlays()) {
    if (!o.spec.criteria.has_value()) {
      continue;
    }
    auto r = recipe::Resolve(Store(), *o.spec.criteria, {});
    if (!r.ok()) {
      problems.push_back(name + ": " + r.status().message());
      continue;
    }
    const auto& applied = r->metadata.applied_overlays;
    if (std::find(applied.begin(), applied.end(), name) == applied.end()) {
      problems.push_back(name + ": not applied when its own criteria are requested");
    }
  }
  EXPECT_THAT(problems, IsEmpty());
}

TEST(CatalogLintTest, ResolvedHelmComponentsArePinned) {
  std::vector<std::string> problems;
  for (const auto& [name, o] : Store().overlays()) {
    if (!o.spec.criteria.has_value()) {
      continue;
    }
    auto r = recipe::Resolve(Store(), *o.spec.criteria, {});
    if (!r.ok()) {
      continue;  // reported by EveryOverlayMergesWithBase
    }
    for (const recipe::ComponentRef& ref : r->component_refs) {
      if (ref.IsEnabled() && ref.type == "Helm" && !ref.source.empty()) {
        const recipe::RegistryComponent* reg = Store().registry().Find(ref.name);
        if (ref.version.empty()) {
          problems.push_back(name + ": " + ref.name + " has no version");
        } else if (reg != nullptr && reg->helm.has_value() &&
                   ref.version != reg->helm->default_version) {
          problems.push_back(name + ": " + ref.name + " " + ref.version + " != registry " +
                             reg->helm->default_version);
        }
      }
    }
  }
  EXPECT_THAT(problems, IsEmpty());
}

// Every check an overlay or mixin declares resolves to exactly one validator of
// that phase in validators/catalog.yaml, and validator names are unique.
TEST(CatalogLintTest, DeclaredChecksResolveToOneValidator) {
  auto bytes = catalog::EmbeddedProvider().Read("validators/catalog.yaml");
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto doc = serialize::ParseYaml(*bytes);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  const serialize::Value* list = doc->Find("validators");
  ASSERT_NE(list, nullptr);
  ASSERT_TRUE(list->is_sequence());
  std::map<std::string, std::string> phase_of;
  std::vector<std::string> problems;
  for (const serialize::Value& v : *list->if_sequence()) {
    const serialize::Value* name = v.Find("name");
    const serialize::Value* phase = v.Find("phase");
    if (name == nullptr || !name->is_string() || phase == nullptr || !phase->is_string()) {
      problems.push_back("validator without a name or phase: " + v.DebugString());
      continue;
    }
    if (!phase_of.emplace(*name->if_string(), *phase->if_string()).second) {
      problems.push_back("duplicate validator " + *name->if_string());
    }
  }
  auto check_phase = [&](const std::string& where, const char* phase,
                         const std::optional<recipe::ValidationPhase>& p) {
    if (!p.has_value() || !p->checks.has_value()) {
      return;
    }
    for (const std::string& check : *p->checks) {
      const auto it = phase_of.find(check);
      if (it == phase_of.end()) {
        problems.push_back(where + ": no validator for " + phase + " check " + check);
      } else if (it->second != phase) {
        problems.push_back(where + ": " + check + " is a " + it->second + " validator, used in " +
                           phase);
      }
    }
  };
  auto check_config = [&](const std::string& where,
                          const std::optional<recipe::ValidationConfig>& v) {
    if (!v.has_value()) {
      return;
    }
    check_phase(where, "readiness", v->readiness);
    check_phase(where, "deployment", v->deployment);
    check_phase(where, "performance", v->performance);
    check_phase(where, "conformance", v->conformance);
  };
  check_config(Store().base().path, Store().base().spec.validation);
  for (const auto& [name, o] : Store().overlays()) {
    check_config(o.path, o.spec.validation);
  }
  EXPECT_THAT(problems, IsEmpty());
  EXPECT_GE(phase_of.size(), 20u);
}

// The pinned chart versions of the target catalogue (upstream v0.22.0). A
// component missing from the registry (node-problem-detector: no overlay uses it
// yet) is skipped; every present one must carry exactly this version.
TEST(CatalogLintTest, RegistryVersionsMatchTheTargetCatalogue) {
  const std::map<std::string, std::string> kPinned = {
      {"agentgateway", "v1.5.0"},
      {"agentgateway-crds", "v1.5.0"},
      {"aws-ebs-csi-driver", "2.59.0"},
      {"aws-efa", "v0.5.29"},
      {"cert-manager", "v1.20.2"},
      {"dynamo-platform", "1.4.2"},
      {"gatekeeper", "3.22.2"},
      {"gpu-operator", "v26.7.0"},
      {"grove", "v0.1.0-alpha.12"},
      {"k8s-aibom", "1.3.0"},
      {"k8s-ephemeral-storage-metrics", "1.19.2"},
      {"k8s-nim-operator", "3.1.0"},
      {"k8s-nim-operator-ocp", "3.1.0"},
      {"kai-scheduler", "v0.16.9"},
      {"kube-prometheus-stack", "84.4.0"},
      {"kubeflow-trainer", "2.2.0"},
      {"kueue", "0.19.3"},
      {"mariadb-operator", "26.6.0"},
      {"mariadb-operator-crds", "26.6.0"},
      {"network-operator", "26.4.1"},
      {"nfd", "0.19.0"},
      {"node-problem-detector", "2.4.1"},
      {"nodewright-operator", "v0.19.0"},
      {"nvcre", "v0.2.0"},
      {"nvidia-dra-driver-gpu", "0.5.0"},
      {"nvidia-dra-driver-gpu-ocp", "0.5.0"},
      {"nvsentinel", "v1.20.0"},
      {"prometheus-adapter", "5.3.0"},
      {"prometheus-adapter-ocp", "5.3.0"},
      {"prometheus-operator-crds", "28.0.1"},
      {"slinky-slurm", "1.2.0"},
      {"slinky-slurm-operator", "1.2.0"},
      {"slinky-slurm-operator-crds", "1.2.0"},
      {"slinky-topograph", "1.0.0"},
      {"slurm-accounting-mariadb", "26.6.0"},
  };
  std::vector<std::string> problems;
  std::size_t checked = 0;
  for (const auto& [name, version] : kPinned) {
    const recipe::RegistryComponent* c = Store().registry().Find(name);
    if (c == nullptr) {
      continue;
    }
    ++checked;
    if (!c->helm.has_value() || c->helm->default_version != version) {
      problems.push_back(name + ": want " + version);
    }
  }
  EXPECT_THAT(problems, IsEmpty());
  EXPECT_GE(checked, 34u);
}

}  // namespace
}  // namespace aicr
