#include "bundler/bundle_info.h"

#include <utility>

#include "serialize/yaml_writer.h"

namespace aicr::bundler {
namespace {

using serialize::Mapping;
using serialize::Sequence;
using serialize::Value;

void SetIfNotEmpty(Mapping* m, const char* key, const std::string& value) {
  if (!value.empty()) {
    m->Set(key, value);
  }
}

}  // namespace

std::string RenderBundleInfo(const BundleInfo& info) {
  Mapping metadata;
  SetIfNotEmpty(&metadata, "version", info.aicr_version);

  Mapping recipe;
  recipe.Set("path", "recipe.yaml");
  recipe.Set("digest", info.recipe_digest);
  SetIfNotEmpty(&recipe, "version", info.recipe_version);

  Mapping settings;
  settings.Set("checksums", info.checksums);
  settings.Set("attested", info.attested);
  settings.Set("vendorCharts", info.vendor_charts);
  settings.Set("readinessHooks", info.readiness_hooks);
  settings.Set("serial", info.serial);
  if (!info.components.empty()) {
    Sequence names;
    for (const auto& c : info.components) {
      names.emplace_back(c);
    }
    settings.Set("components", Value(std::move(names)));
  }
  SetIfNotEmpty(&settings, "repoURL", info.repo_url);
  SetIfNotEmpty(&settings, "targetRevision", info.target_revision);
  SetIfNotEmpty(&settings, "appName", info.app_name);
  SetIfNotEmpty(&settings, "storageClass", info.storage_class);
  SetIfNotEmpty(&settings, "sharedStorageClass", info.shared_storage_class);
  if (info.node_scheduling.is_mapping() && info.node_scheduling.size() > 0) {
    settings.Set("nodeScheduling", info.node_scheduling);
  }

  Mapping build;
  build.Set("deployer", info.deployer);
  build.Set("recipe", Value(std::move(recipe)));
  build.Set("settings", Value(std::move(settings)));

  Sequence releases;
  for (const auto& r : info.releases) {
    Mapping rel;
    rel.Set("name", r.name);
    rel.Set("component", r.component);
    SetIfNotEmpty(&rel, "namespace", r.namespace_);
    rel.Set("path", r.path);
    SetIfNotEmpty(&rel, "manifest", r.manifest);
    releases.emplace_back(std::move(rel));
  }
  Mapping layout;
  layout.Set("entrypoint", info.entrypoint);
  SetIfNotEmpty(&layout, "provenance", info.provenance);
  layout.Set("releases", Value(std::move(releases)));

  Mapping doc;
  doc.Set("apiVersion", "aicr.run/v1");
  doc.Set("kind", "BundleInfo");
  doc.Set("metadata", Value(std::move(metadata)));
  doc.Set("build", Value(std::move(build)));
  doc.Set("layout", Value(std::move(layout)));
  return serialize::WriteYaml(Value(std::move(doc)));
}

}  // namespace aicr::bundler
