#include "client/recipe_input.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "base/temp_dir.h"
#include "client/evidence.h"
#include "evidence/canonical.h"
#include "recipe/result.h"
#include "serialize/yaml_writer.h"
#include "tests/testing/status_matchers.h"

namespace aicr::client {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string CatalogueOverlay(const std::string& name) {
  std::ifstream in(fs::path(AICR_SOURCE_DIR) / "recipes" / "overlays" / (name + ".yaml"));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class RecipeInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<TempDir> dir = TempDir::Create("aicr-recipe-input-");
    ASSERT_TRUE(dir.ok());
    dir_.emplace(std::move(dir).value());
  }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_->path() + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  Result<LoadedRecipe> Load(const std::string& source, const std::string& profile = "") {
    return LoadRecipeInput(client_, {.source = source, .profile = profile});
  }
  std::string Digest(const std::string& source, const std::string& profile = "") {
    EvidenceDigestRequest req;
    req.recipe = source;
    req.profile = profile;
    Result<std::string> d = EvidenceDigest(client_, req);
    EXPECT_THAT(d, IsOk());
    return d.ok() ? *d : "";
  }

  static Client::Options Options() {
    Client::Options o;
    o.version = "v1.2.3";
    return o;
  }
  Client client_{Options()};
  std::optional<TempDir> dir_;
};

TEST_F(RecipeInputTest, AnOverlayIsResolvedFromItsCriteria) {
  const std::string overlay = Write("overlay.yaml", CatalogueOverlay("h100-gke-cos-training"));
  Result<LoadedRecipe> loaded = Load(overlay);
  ASSERT_THAT(loaded, IsOk());
  EXPECT_TRUE(loaded->hydrated);

  RecipeRequest same;
  same.criteria = {.service = "gke", .accelerator = "h100", .intent = "training", .os = "cos"};
  Result<RecipeResponse> resolved = client_.ResolveRecipe(same);
  ASSERT_THAT(resolved, IsOk());
  EXPECT_EQ(loaded->result, resolved->result);
  EXPECT_EQ(loaded->result.metadata.version, "v1.2.3");

  // The digest of the overlay is the digest of the recipe `aicr recipe` writes for it.
  const std::string generated =
      Write("generated.yaml", serialize::WriteYaml(recipe::ToValue(resolved->result)));
  EXPECT_EQ(Digest(overlay), Digest(generated));
  EXPECT_EQ(Digest(generated), *evidence::RecipeDigestHex(loaded->yaml));
  EXPECT_EQ(Digest(overlay).size(), 64u);
}

TEST_F(RecipeInputTest, ProfileSelectsTheOverlaysProfileAndIsADigestInput) {
  const std::string overlay = Write("aks.yaml", CatalogueOverlay("h100-aks-ubuntu-training"));
  const std::string implicit_default = Digest(overlay);
  EXPECT_EQ(Digest(overlay, "gpuStack=azure-managed"), implicit_default);
  EXPECT_NE(Digest(overlay, "gpuStack=operator-managed"), implicit_default);
  EXPECT_THAT(Load(overlay, "gpuStack=no-such-value"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("no-such-value")));
}

TEST_F(RecipeInputTest, ARecipeResultIsTakenAsIsAndRefusesAProfile) {
  RecipeRequest req;
  req.criteria = {.service = "eks", .accelerator = "h100", .intent = "training"};
  Result<RecipeResponse> resolved = client_.ResolveRecipe(req);
  ASSERT_THAT(resolved, IsOk());
  const std::string yaml =
      "# written by hand\n" + serialize::WriteYaml(recipe::ToValue(resolved->result));
  const std::string path = Write("recipe.yaml", yaml);
  Result<LoadedRecipe> loaded = Load(path);
  ASSERT_THAT(loaded, IsOk());
  EXPECT_FALSE(loaded->hydrated);
  EXPECT_EQ(loaded->yaml, yaml);
  EXPECT_THAT(Load(path, "gpuStack=operator-managed"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("already has its profile")));
}

TEST_F(RecipeInputTest, BadInputsNameTheRecipe) {
  EXPECT_THAT(Load(""), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("--recipe")));
  const std::string no_criteria =
      Write("bare.yaml",
            "kind: RecipeMetadata\napiVersion: aicr.run/v1beta1\nmetadata: {name: x}\n"
            "spec: {}\n");
  EXPECT_THAT(Load(no_criteria), StatusIs(ErrorCode::kInvalidRequest,
                                          HasSubstr("overlay has no spec.criteria to resolve")));
  const std::string snapshot = Write("snap.yaml", "kind: Snapshot\n");
  EXPECT_THAT(Load(snapshot), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("snap.yaml")));
}

}  // namespace
}  // namespace aicr::client
