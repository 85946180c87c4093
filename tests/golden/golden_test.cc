// Golden tests for the recipe engine over the embedded catalogue:
//  - every leaf overlay resolves to the checked-in RecipeResult bytes
//    (tests/golden/recipes/<leaf>.yaml), twice, with the catalogue's file order
//    shuffled differently each time;
//  - the coverage matrix: for every non-empty subset of every overlay's stated
//    dimensions, the outcome and error text (tests/golden/coverage_matrix.yaml).
// AICR_UPDATE_GOLDEN=1 rewrites the expected files instead of comparing.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "catalog/data_provider.h"
#include "recipe/criteria.h"
#include "recipe/resolver.h"
#include "recipe/result.h"
#include "recipe/store.h"
#include "serialize/value.h"
#include "serialize/yaml_writer.h"

namespace aicr {
namespace {

namespace fs = std::filesystem;

// The embedded catalogue with its files listed in a seeded random order, so the
// store is built from a different load order each time.
class ShuffledProvider : public catalog::DataProvider {
 public:
  ShuffledProvider(const catalog::DataProvider& inner, unsigned seed)
      : inner_(inner), files_(inner.Files()), identity_("shuffled:" + std::to_string(seed)) {
    std::mt19937 rng(seed);
    std::shuffle(files_.begin(), files_.end(), rng);
  }
  std::vector<std::string> Files() const override { return files_; }
  Result<std::string> Read(std::string_view path) const override { return inner_.Read(path); }
  std::string_view Source(std::string_view path) const override { return inner_.Source(path); }
  bool Has(std::string_view path) const override { return inner_.Has(path); }
  std::string_view Identity() const override { return identity_; }

 private:
  const catalog::DataProvider& inner_;
  std::vector<std::string> files_;
  std::string identity_;
};

bool UpdateGolden() {
  const char* v = std::getenv("AICR_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

fs::path GoldenDir() { return fs::path(AICR_SOURCE_DIR) / "tests" / "golden"; }

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void CompareOrUpdate(const fs::path& path, const std::string& actual) {
  if (UpdateGolden()) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(path)) << path << " missing; run with AICR_UPDATE_GOLDEN=1";
  EXPECT_EQ(ReadFile(path), actual)
      << "golden " << path.filename() << " differs; review and rerun with AICR_UPDATE_GOLDEN=1";
}

std::shared_ptr<const recipe::Store> Load(unsigned seed) {
  static std::vector<std::unique_ptr<ShuffledProvider>> keep;
  keep.push_back(std::make_unique<ShuffledProvider>(catalog::EmbeddedProvider(), seed));
  auto store = recipe::LoadStore(*keep.back());
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? *store : nullptr;
}

std::string Render(const recipe::Store& store, const recipe::Criteria& q) {
  recipe::ResolveOptions opts;
  opts.version = "v0.0.0-golden";
  Result<recipe::RecipeResult> r = recipe::Resolve(store, q, opts);
  if (!r.ok()) {
    return "error: " + r.status().ToString() + "\n";
  }
  return serialize::WriteYaml(recipe::ToValue(*r));
}

TEST(GoldenTest, EveryLeafResolvesToItsGoldenRecipe) {
  const auto a = Load(1);
  const auto b = Load(2);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  const std::vector<std::string> leaves = a->LeafNames();
  ASSERT_FALSE(leaves.empty());
  std::set<std::string> expected_files;
  for (const std::string& leaf : leaves) {
    SCOPED_TRACE(leaf);
    const recipe::Criteria q = *a->Find(leaf)->spec.criteria;
    const std::string first = Render(*a, q);
    const std::string second = Render(*b, q);
    EXPECT_EQ(first, second) << "resolution depends on catalogue load order";
    EXPECT_EQ(first.rfind("error:", 0), std::string::npos) << first;
    CompareOrUpdate(GoldenDir() / "recipes" / (leaf + ".yaml"), first);
    expected_files.insert(leaf + ".yaml");
  }
  // No stale goldens for leaves that no longer exist.
  for (const auto& entry : fs::directory_iterator(GoldenDir() / "recipes")) {
    const std::string name = entry.path().filename().string();
    if (expected_files.count(name) == 0) {
      if (UpdateGolden()) {
        fs::remove(entry.path());
      } else {
        ADD_FAILURE() << "stale golden " << name;
      }
    }
  }
}

// Every non-empty subset of every overlay's stated dimensions.
std::vector<recipe::Criteria> Projections(const recipe::Store& store) {
  std::set<std::string> seen;
  std::vector<recipe::Criteria> out;
  for (const auto& [name, o] : store.overlays()) {
    if (!o.spec.criteria.has_value()) {
      continue;
    }
    std::vector<recipe::Dimension> stated;
    for (recipe::Dimension d : recipe::kDimensions) {
      if (!recipe::IsAny(o.spec.criteria->Get(d))) {
        stated.push_back(d);
      }
    }
    for (unsigned mask = 1; mask < (1u << stated.size()); ++mask) {
      recipe::Criteria q;
      for (std::size_t i = 0; i < stated.size(); ++i) {
        if ((mask & (1u << i)) != 0) {
          q.Get(stated[i]) = o.spec.criteria->Get(stated[i]);
        }
      }
      if (seen.insert(q.ToString()).second) {
        out.push_back(q);
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const recipe::Criteria& x, const recipe::Criteria& y) {
    return x.ToString() < y.ToString();
  });
  return out;
}

TEST(GoldenTest, CoverageMatrix) {
  const auto a = Load(3);
  const auto b = Load(4);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  serialize::Value rows = serialize::Value::EmptySequence();
  for (const recipe::Criteria& q : Projections(*a)) {
    recipe::ResolveOptions opts;
    recipe::ResolutionErrorDetails details;
    opts.error_details = &details;
    Result<recipe::RecipeResult> r = recipe::Resolve(*a, q, opts);
    Result<recipe::RecipeResult> again = recipe::Resolve(*b, q, {});
    EXPECT_EQ(r.ok(), again.ok()) << q.ToString();
    serialize::Value row;
    row.Set("criteria", q.ToString());
    if (r.ok()) {
      row.Set("outcome", "resolves");
      serialize::Value applied = serialize::Value::EmptySequence();
      for (const std::string& name : r->metadata.applied_overlays) {
        applied.Append(name);
      }
      row.Set("appliedOverlays", applied);
    } else {
      EXPECT_EQ(r.status(), again.status()) << q.ToString();
      row.Set("outcome", details.strict_dimensions.empty() ? "uncovered" : "strict");
      row.Set("error", r.status().message());
      if (!details.empty()) {
        row.Set("details", details.ToValue());
      }
    }
    rows.Append(row);
  }
  serialize::Value doc;
  doc.Set("projections", rows);
  CompareOrUpdate(GoldenDir() / "coverage_matrix.yaml",
                  serialize::WriteYaml(doc, serialize::WriteOptions{.sort_keys = false}));
}

}  // namespace
}  // namespace aicr
