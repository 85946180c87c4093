// The store loaded from the embedded provider, which serves each single-document
// YAML file's pre-parsed JSON (catalog::DataProvider::PreparsedJson), equals the store
// loaded from a memory provider with the same files, which has none and so parses
// every YAML file.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "catalog/data_provider.h"
#include "recipe/resolver.h"
#include "recipe/result.h"
#include "recipe/store.h"
#include "serialize/json_writer.h"
#include "serialize/value.h"
#include "serialize/yaml_writer.h"
#include "tests/testing/status_matchers.h"

namespace aicr::recipe {
namespace {

// Keys in document order (value equality and the canonical YAML ignore it).
std::string OrderedJson(const serialize::Value& v) {
  serialize::JsonWriteOptions options;
  options.sort_keys = false;
  const Result<std::string> json = serialize::WriteJson(v, options);
  EXPECT_TRUE(json.ok()) << json.status().ToString();
  return json.ok() ? *json : std::string();
}

std::unique_ptr<catalog::DataProvider> YamlOnlyCopyOfEmbedded() {
  const catalog::DataProvider& embedded = catalog::EmbeddedProvider();
  std::map<std::string, std::string> files;
  for (const std::string& path : embedded.Files()) {
    Result<std::string> bytes = embedded.Read(path);
    EXPECT_TRUE(bytes.ok()) << path;
    files[path] = bytes.ok() ? *std::move(bytes) : std::string();
  }
  return catalog::MakeMemoryProvider(std::move(files));
}

TEST(PreparsedStoreTest, EmbeddedJsonLoadsTheSameStoreAsTheYaml) {
  const catalog::DataProvider& embedded = catalog::EmbeddedProvider();
  if (!embedded.Has("overlays/base.yaml")) {
    GTEST_SKIP() << "no embedded catalogue";
  }
  ASSERT_TRUE(embedded.PreparsedJson("overlays/base.yaml").has_value());
  const auto yaml_only = YamlOnlyCopyOfEmbedded();
  ASSERT_FALSE(yaml_only->PreparsedJson("overlays/base.yaml").has_value());

  const Result<std::shared_ptr<const Store>> from_json = LoadStore(embedded);
  const Result<std::shared_ptr<const Store>> from_yaml = LoadStore(*yaml_only);
  ASSERT_THAT(from_json, IsOk());
  ASSERT_THAT(from_yaml, IsOk());
  const Store& a = **from_json;
  const Store& b = **from_yaml;

  EXPECT_EQ(a.base(), b.base());
  EXPECT_EQ(a.overlays(), b.overlays());
  EXPECT_EQ(a.mixins(), b.mixins());
  EXPECT_EQ(a.values_files(), b.values_files());
  for (const auto& [name, overlay] : a.overlays()) {
    EXPECT_EQ(a.OverlaySource(name), b.OverlaySource(name)) << name;
  }
  EXPECT_EQ(a.registry().api_version(), b.registry().api_version());
  ASSERT_EQ(a.registry().components().size(), b.registry().components().size());
  for (std::size_t i = 0; i < a.registry().components().size(); ++i) {
    const RegistryComponent& ca = a.registry().components()[i];
    const RegistryComponent& cb = b.registry().components()[i];
    EXPECT_EQ(ca.name, cb.name);
    EXPECT_EQ(ca.Type(), cb.Type()) << ca.name;
    EXPECT_EQ(ca.value_override_keys, cb.value_override_keys) << ca.name;
    EXPECT_EQ(ca.mixin_safe_override_paths, cb.mixin_safe_override_paths) << ca.name;
    EXPECT_EQ(ca.manifest_files, cb.manifest_files) << ca.name;
    EXPECT_EQ(ca.health_check_assert_file, cb.health_check_assert_file) << ca.name;
    EXPECT_EQ(ca.raw, cb.raw) << ca.name;
    EXPECT_EQ(OrderedJson(ca.raw), OrderedJson(cb.raw)) << ca.name;
  }

  // Every leaf (an overlay with criteria that no other overlay builds on) resolves to
  // the same result, byte for byte and in key order.
  int leaves = 0;
  for (const std::string& name : a.LeafNames()) {
    const RecipeMetadata& overlay = *a.Find(name);
    ++leaves;
    const Result<RecipeResult> ra = Resolve(a, *overlay.spec.criteria);
    const Result<RecipeResult> rb = Resolve(b, *overlay.spec.criteria);
    ASSERT_THAT(ra, IsOk()) << name;
    ASSERT_THAT(rb, IsOk()) << name;
    const serialize::Value va = ToValue(*ra);
    const serialize::Value vb = ToValue(*rb);
    EXPECT_EQ(serialize::WriteYaml(va), serialize::WriteYaml(vb)) << name;
    EXPECT_EQ(OrderedJson(va), OrderedJson(vb)) << name;
  }
  EXPECT_GT(leaves, 0);
}

}  // namespace
}  // namespace aicr::recipe
