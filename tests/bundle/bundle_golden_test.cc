// Golden byte-compare of whole bundles for the upstream scenario set (helm and
// helmfile; upstream-only, mixed with -post, -pre, manifest-only, CRD-owning,
// readiness gate, dynamic values, serial). Each scenario is generated twice
// more with its component refs and flag lists shuffled; every run must give the
// same bytes. AICR_UPDATE_GOLDEN=1 rewrites tests/golden/bundles/<scenario>.txt.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "checksum/sha256.h"
#include "tests/bundle/scenario.h"

namespace aicr::bundle_testing {
namespace {

bool UpdateGolden() {
  const char* v = std::getenv("AICR_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

// One text file per bundle: a header line per file with its mode and size, then
// the bytes and a newline.
std::string Render(const layout::FileTree& tree) {
  std::string out;
  for (const auto& [path, file] : tree.files()) {
    char header[64];
    std::snprintf(header, sizeof(header), " mode=%04o bytes=%zu\n", file.mode, file.bytes.size());
    // A vendored chart tarball is binary: its digest stands for its bytes.
    const bool tarball = path.size() > 4 && path.compare(path.size() - 4, 4, ".tgz") == 0;
    out += "=== " + path + header +
           (tarball ? "sha256=" + checksum::Sha256Hex(file.bytes) : file.bytes) + "\n";
  }
  return out;
}

template <typename T>
void Shuffle(std::vector<T>* v, std::mt19937* rng) {
  std::shuffle(v->begin(), v->end(), *rng);
}

class BundleGoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(BundleGoldenTest, MatchesGoldenAndIsOrderIndependent) {
  const auto store = TestCatalogue();
  ASSERT_NE(store, nullptr) << "tests/bundle/catalog does not load";
  const auto scenarios = LoadScenarios();
  const auto it = std::find_if(scenarios.begin(), scenarios.end(),
                               [](const Scenario& s) { return s.name == GetParam(); });
  ASSERT_NE(it, scenarios.end());
  auto first = bundler::MakeBundle(it->recipe, *store, it->options);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const std::string actual = Render(first->tree);

  const fs::path golden = fs::path(AICR_SOURCE_DIR) / "tests/golden/bundles" / (it->name + ".txt");
  if (UpdateGolden()) {
    fs::create_directories(golden.parent_path());
    std::ofstream(golden, std::ios::binary) << actual;
  } else {
    ASSERT_TRUE(fs::exists(golden)) << golden << " missing; run with AICR_UPDATE_GOLDEN=1";
    EXPECT_EQ(ReadFile(golden), actual)
        << "bundle " << it->name << " differs from its golden; review, then AICR_UPDATE_GOLDEN=1";
  }

  for (unsigned seed : {1u, 2u}) {
    std::mt19937 rng(seed);
    recipe::RecipeResult recipe = it->recipe;
    bundler::BundleOptions options = it->options;
    Shuffle(&recipe.component_refs, &rng);
    Shuffle(&options.set, &rng);
    Shuffle(&options.dynamic, &rng);
    Shuffle(&options.system_node_selectors, &rng);
    auto again = bundler::MakeBundle(recipe, *store, options);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(Render(again->tree), actual) << "shuffled input (seed " << seed << ") changed bytes";
  }
}

std::vector<std::string> ScenarioNames() {
  std::vector<std::string> names;
  for (const auto& s : LoadScenarios()) {
    names.push_back(s.name);
  }
  return names;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, BundleGoldenTest, ::testing::ValuesIn(ScenarioNames()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace aicr::bundle_testing
