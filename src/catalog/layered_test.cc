#include "catalog/layered.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/data_provider.h"
#include "catalog/temp_dir_for_test.h"
#include "serialize/json_writer.h"
#include "serialize/value.h"
#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"
#include "tests/testing/status_matchers.h"

namespace aicr::catalog {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::MatchesRegex;

constexpr char kEmbeddedRegistry[] = R"(apiVersion: aicr.run/v1beta1
kind: ComponentRegistry
metadata:
  note: embedded
components:
  - name: cert-manager
    displayName: cert-manager
    helm:
      defaultVersion: v1.17.2
  - name: gpu-operator
    displayName: GPU Operator
    helm:
      defaultVersion: v25.3.0
      defaultNamespace: gpu-operator
  - name: nfd
    displayName: Node Feature Discovery
)";

constexpr char kExternalRegistry[] = R"(apiVersion: aicr.run/v1alpha2
kind: ComponentRegistry
components:
  - name: my-operator
    displayName: My Operator
  - name: gpu-operator
    displayName: GPU Operator (custom)
    helm:
      defaultVersion: v99.0.0
  - name: zz-last
    displayName: Last
)";

constexpr char kMinimalRegistry[] = "apiVersion: aicr.run/v1beta1\nkind: ComponentRegistry\n";

constexpr char kEmbeddedCatalog[] = R"(apiVersion: validator.nvidia.com/v1alpha1
kind: ValidatorCatalog
metadata:
  name: aicr-validators
validators:
  - name: operator-health
    phase: deployment
    timeout: 2m
  - name: dra-support
    phase: conformance
    timeout: 5m
)";

constexpr char kExternalCatalog[] = R"(apiVersion: validator.nvidia.com/v1alpha1
kind: ValidatorCatalog
validators:
  - name: my-check
    phase: conformance
  - name: operator-health
    phase: deployment
    timeout: 9m
)";

serialize::Value Yaml(std::string_view text) {
  Result<serialize::Value> v = serialize::ParseYaml(text);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? *v : serialize::Value();
}

// A memory provider whose `.yaml` files carry a pre-parsed form like the embedded
// tree's (compact JSON in document order), or the given `json` instead.
class PreparsedProvider final : public DataProvider {
 public:
  explicit PreparsedProvider(std::map<std::string, std::string> files,
                             std::map<std::string, std::string> json = {})
      : inner_(MakeMemoryProvider(files)) {
    serialize::JsonWriteOptions compact;
    compact.sort_keys = false;
    compact.compact = true;
    compact.trailing_newline = false;
    for (const auto& [path, bytes] : files) {
      if (path.ends_with(".yaml") && !json.contains(path)) {
        const Result<std::string> text = serialize::WriteJson(Yaml(bytes), compact);
        EXPECT_TRUE(text.ok()) << path;
        json[path] = text.ok() ? *text : std::string();
      }
    }
    json_.insert(json.begin(), json.end());
  }
  std::vector<std::string> Files() const override { return inner_->Files(); }
  Result<std::string> Read(std::string_view path) const override { return inner_->Read(path); }
  std::string_view Source(std::string_view path) const override { return inner_->Source(path); }
  bool Has(std::string_view path) const override { return inner_->Has(path); }
  std::string_view Identity() const override { return inner_->Identity(); }
  std::optional<std::string_view> PreparsedJson(std::string_view path) const override {
    const auto it = json_.find(path);
    if (it == json_.end()) {
      return std::nullopt;
    }
    return std::string_view(it->second);
  }

 private:
  std::unique_ptr<DataProvider> inner_;
  std::map<std::string, std::string, std::less<>> json_;
};

class LayeredTest : public ::testing::Test {
 protected:
  LayeredTest()
      : embedded_(MakeMemoryProvider({
            {"registry.yaml", kEmbeddedRegistry},
            {"validators/catalog.yaml", kEmbeddedCatalog},
            {"overlays/base.yaml", "kind: RecipeMetadata\n"},
            {"overlays/eks.yaml", "kind: RecipeMetadata # eks\n"},
            {"components/gpu-operator/values.yaml", "driver: {}\n"},
        })) {}

  // Layers dir_ (with the test's files) over embedded_.
  Result<std::unique_ptr<DataProvider>> Make(const LayeredOptions& options = {}) {
    return MakeLayeredProvider(dir_.str(), *embedded_, options);
  }

  std::unique_ptr<DataProvider> MakeOk(const LayeredOptions& options = {}) {
    Result<std::unique_ptr<DataProvider>> p = Make(options);
    EXPECT_THAT(p, IsOk());
    return p.ok() ? std::move(p).value() : nullptr;
  }

  std::unique_ptr<DataProvider> embedded_;
  testing::TempDir dir_;
};

TEST_F(LayeredTest, MissingDirectory) {
  const std::string missing = dir_.str() + "/nope";
  EXPECT_THAT(
      MakeLayeredProvider(missing, *embedded_),
      StatusIs(ErrorCode::kInvalidRequest, "data directory \"" + missing + "\": not found"));
  EXPECT_THAT(MakeLayeredProvider("", *embedded_),
              StatusIs(ErrorCode::kInvalidRequest, "data directory \"\": not found"));
}

TEST_F(LayeredTest, NotADirectory) {
  dir_.Write("file.yaml", "x");
  const std::string file = dir_.str() + "/file.yaml";
  EXPECT_THAT(
      MakeLayeredProvider(file, *embedded_),
      StatusIs(ErrorCode::kInvalidRequest, "data directory \"" + file + "\": not a directory"));
}

TEST_F(LayeredTest, RegistryRequired) {
  dir_.Write("overlays/custom.yaml", "kind: RecipeMetadata\n");
  EXPECT_THAT(Make(), StatusIs(ErrorCode::kInvalidRequest,
                               "data directory \"" + dir_.str() + "\": registry.yaml not found"));
}

TEST_F(LayeredTest, RegistryMustBeAFile) {
  dir_.Write("registry.yaml/inner.yaml", "x");
  EXPECT_THAT(Make(), StatusIs(ErrorCode::kInvalidRequest,
                               "data file \"registry.yaml\": not a regular file"));
}

TEST_F(LayeredTest, RegistryMergeReplacesKeepsOrderAppendsAndKeepsEmbeddedHeader) {
  dir_.Write("registry.yaml", kExternalRegistry);
  const auto p = MakeOk();
  ASSERT_NE(p, nullptr);
  const serialize::Value expected = Yaml(R"(apiVersion: aicr.run/v1beta1
kind: ComponentRegistry
metadata:
  note: embedded
components:
  - name: cert-manager
    displayName: cert-manager
    helm:
      defaultVersion: v1.17.2
  - name: gpu-operator
    displayName: GPU Operator (custom)
    helm:
      defaultVersion: v99.0.0
  - name: nfd
    displayName: Node Feature Discovery
  - name: my-operator
    displayName: My Operator
  - name: zz-last
    displayName: Last
)");
  const Result<std::string> merged = p->Read("registry.yaml");
  ASSERT_THAT(merged, IsOk());
  EXPECT_EQ(*merged, serialize::WriteYaml(expected));  // canonical writer
  // Order is part of the contract (Value equality ignores mapping order, not lists).
  const serialize::Value got = Yaml(*merged);
  EXPECT_EQ(got, expected);
  EXPECT_EQ(p->Source("registry.yaml"), "merged (embedded + external)");
}

TEST_F(LayeredTest, RegistryWithoutEmbeddedRegistryUsesExternal) {
  const auto bare = MakeMemoryProvider({{"overlays/base.yaml", "x"}});
  dir_.Write("registry.yaml", kExternalRegistry);
  Result<std::unique_ptr<DataProvider>> p = MakeLayeredProvider(dir_.str(), *bare);
  ASSERT_THAT(p, IsOk());
  EXPECT_THAT((*p)->Read("registry.yaml"),
              IsOkAndHolds(serialize::WriteYaml(Yaml(kExternalRegistry))));
  EXPECT_EQ((*p)->Source("registry.yaml"), "merged (embedded + external)");
}

TEST_F(LayeredTest, ExternalRegistryHeaderValidated) {
  const std::string file = "data file \"registry.yaml\": ";
  const std::map<std::string, std::string> cases = {
      {"apiVersion: aicr.run/v1beta1\nkind: X\n", "kind must be ComponentRegistry, got \"X\""},
      {"apiVersion: aicr.run/v1beta1\n", "kind must be ComponentRegistry, got \"\""},
      {"apiVersion: aicr.run/v1\nkind: ComponentRegistry\n",
       "apiVersion must be aicr.run/v1alpha2 or aicr.run/v1beta1, got \"aicr.run/v1\""},
      {"kind: ComponentRegistry\n",
       "apiVersion must be aicr.run/v1alpha2 or aicr.run/v1beta1, got \"\""},
      {"- a\n", "expected a mapping, got sequence"},
      {"", "expected a mapping, got null"},
      {std::string(kMinimalRegistry) + "components: {}\n",
       "components must be a list, got mapping"},
      {std::string(kMinimalRegistry) + "components:\n  - name: a\n  - displayName: b\n",
       "components[1]: name is required"},
      {std::string(kMinimalRegistry) + "components:\n  - name: a\n  - name: \"\"\n",
       "components[1]: name is required"},
      {std::string(kMinimalRegistry) + "components:\n  - name: a\n  - name: b\n  - name: a\n",
       "duplicate component \"a\""},
  };
  for (const auto& [text, message] : cases) {
    dir_.Write("registry.yaml", text);
    EXPECT_THAT(Make(), StatusIs(ErrorCode::kInvalidRequest, file + message)) << text;
  }
}

TEST_F(LayeredTest, ExternalRegistrySyntaxError) {
  const std::string text = "kind: [unclosed\n";
  dir_.Write("registry.yaml", text);
  const Status parse = serialize::ParseYaml(text).status();
  ASSERT_EQ(parse.code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(Make(), StatusIs(ErrorCode::kInvalidRequest,
                               "data file \"registry.yaml\": " + parse.message()));
}

TEST_F(LayeredTest, EmbeddedRegistryThatDoesNotParseIsInternal) {
  const auto broken = MakeMemoryProvider({{"registry.yaml", "- not a mapping\n"}});
  dir_.Write("registry.yaml", kMinimalRegistry);
  EXPECT_THAT(MakeLayeredProvider(dir_.str(), *broken),
              StatusIs(ErrorCode::kInternal,
                       "embedded data file \"registry.yaml\": expected a mapping, got sequence"));
}

TEST_F(LayeredTest, ValidatorCatalogMergedByName) {
  dir_.Write("registry.yaml", kMinimalRegistry);
  dir_.Write("validators/catalog.yaml", kExternalCatalog);
  const auto p = MakeOk();
  ASSERT_NE(p, nullptr);
  const serialize::Value expected = Yaml(R"(apiVersion: validator.nvidia.com/v1alpha1
kind: ValidatorCatalog
metadata:
  name: aicr-validators
validators:
  - name: operator-health
    phase: deployment
    timeout: 9m
  - name: dra-support
    phase: conformance
    timeout: 5m
  - name: my-check
    phase: conformance
)");
  EXPECT_THAT(p->Read("validators/catalog.yaml"), IsOkAndHolds(serialize::WriteYaml(expected)));
  EXPECT_EQ(p->Source("validators/catalog.yaml"), "merged (embedded + external)");
}

TEST_F(LayeredTest, ValidatorCatalogUntouchedWhenNotExternal) {
  dir_.Write("registry.yaml", kMinimalRegistry);
  const auto p = MakeOk();
  ASSERT_NE(p, nullptr);
  EXPECT_THAT(p->Read("validators/catalog.yaml"), IsOkAndHolds(std::string(kEmbeddedCatalog)));
  EXPECT_EQ(p->Source("validators/catalog.yaml"), "embedded");
}

TEST_F(LayeredTest, ValidatorCatalogWithoutEmbeddedIsExternalAsIs) {
  const auto bare = MakeMemoryProvider({{"registry.yaml", kEmbeddedRegistry}});
  dir_.Write("registry.yaml", kMinimalRegistry);
  dir_.Write("validators/catalog.yaml", kExternalCatalog);
  Result<std::unique_ptr<DataProvider>> p = MakeLayeredProvider(dir_.str(), *bare);
  ASSERT_THAT(p, IsOk());
  EXPECT_THAT((*p)->Read("validators/catalog.yaml"), IsOkAndHolds(std::string(kExternalCatalog)));
  EXPECT_EQ((*p)->Source("validators/catalog.yaml"), "external");
}

TEST_F(LayeredTest, ValidatorCatalogValidated) {
  dir_.Write("registry.yaml", kMinimalRegistry);
  dir_.Write("validators/catalog.yaml", "validators:\n  - name: a\n  - name: a\n");
  EXPECT_THAT(Make(), StatusIs(ErrorCode::kInvalidRequest,
                               "data file \"validators/catalog.yaml\": duplicate validator \"a\""));
  dir_.Write("validators/catalog.yaml", "validators:\n  - phase: x\n");
  EXPECT_THAT(Make(),
              StatusIs(ErrorCode::kInvalidRequest,
                       "data file \"validators/catalog.yaml\": validators[0]: name is required"));
  dir_.Write("validators/catalog.yaml", "validators: 3\n");
  EXPECT_THAT(
      Make(),
      StatusIs(ErrorCode::kInvalidRequest,
               "data file \"validators/catalog.yaml\": validators must be a list, got int"));
}

TEST_F(LayeredTest, OverrideAdditionFilesOrderSourceAndHas) {
  dir_.Write("registry.yaml", kMinimalRegistry);
  dir_.Write("overlays/eks.yaml", "kind: RecipeMetadata # external eks\n");
  dir_.Write("overlays/custom.yaml", "kind: RecipeMetadata # custom\n");
  dir_.Write("components/my-operator/values.yaml", "a: 1\n");
  dir_.Write("a-b.yaml", "x\n");
  dir_.Write("deep/er/than/that.yaml", "y\n");
  const auto p = MakeOk();
  ASSERT_NE(p, nullptr);
  EXPECT_THAT(
      p->Files(),
      ElementsAre(
          // external, walk order
          "a-b.yaml", "components/my-operator/values.yaml", "deep/er/than/that.yaml",
          "overlays/custom.yaml", "overlays/eks.yaml", "registry.yaml",
          // embedded, not overridden, walk order
          "components/gpu-operator/values.yaml", "overlays/base.yaml", "validators/catalog.yaml"));
  EXPECT_THAT(p->Read("overlays/eks.yaml"), IsOkAndHolds("kind: RecipeMetadata # external eks\n"));
  EXPECT_THAT(p->Read("overlays/custom.yaml"), IsOkAndHolds("kind: RecipeMetadata # custom\n"));
  EXPECT_THAT(p->Read("deep/er/than/that.yaml"), IsOkAndHolds("y\n"));
  EXPECT_THAT(p->Read("overlays/base.yaml"), IsOkAndHolds("kind: RecipeMetadata\n"));
  EXPECT_THAT(p->Read("overlays/nope.yaml"),
              StatusIs(ErrorCode::kNotFound, "data file \"overlays/nope.yaml\" not found"));
  EXPECT_EQ(p->Source("overlays/eks.yaml"), "external");
  EXPECT_EQ(p->Source("overlays/custom.yaml"), "external");
  EXPECT_EQ(p->Source("overlays/base.yaml"), "embedded");
  EXPECT_EQ(p->Source("registry.yaml"), "merged (embedded + external)");
  EXPECT_TRUE(p->Has("overlays/custom.yaml"));
  EXPECT_TRUE(p->Has("overlays/base.yaml"));
  EXPECT_FALSE(p->Has("overlays"));
  EXPECT_FALSE(p->Has("overlays/nope.yaml"));
  for (const std::string& path : p->Files()) {
    EXPECT_TRUE(p->Has(path)) << path;
    EXPECT_THAT(p->Read(path), IsOk()) << path;
  }
}

TEST_F(LayeredTest, PreparsedJsonOnlyForUnchangedEmbeddedFiles) {
  const PreparsedProvider embedded({
      {"registry.yaml", kEmbeddedRegistry},
      {"validators/catalog.yaml", kEmbeddedCatalog},
      {"overlays/base.yaml", "kind: RecipeMetadata\n"},
      {"overlays/eks.yaml", "kind: RecipeMetadata # eks\n"},
      {"mixins/m.yaml", "kind: RecipeMixin\n"},
  });
  dir_.Write("registry.yaml", kExternalRegistry);
  dir_.Write("validators/catalog.yaml", kExternalCatalog);
  dir_.Write("overlays/eks.yaml", "kind: RecipeMetadata # external eks\n");
  dir_.Write("overlays/custom.yaml", "kind: RecipeMetadata # custom\n");
  Result<std::unique_ptr<DataProvider>> p = MakeLayeredProvider(dir_.str(), embedded);
  ASSERT_THAT(p, IsOk());
  const DataProvider& layered = **p;
  // Untouched embedded files keep the embedded answer.
  EXPECT_EQ(layered.PreparsedJson("overlays/base.yaml"),
            std::optional<std::string_view>(R"({"kind":"RecipeMetadata"})"));
  EXPECT_EQ(layered.PreparsedJson("mixins/m.yaml"), embedded.PreparsedJson("mixins/m.yaml"));
  EXPECT_TRUE(layered.PreparsedJson("mixins/m.yaml").has_value());
  // Overridden, added and merged files have none.
  EXPECT_EQ(layered.PreparsedJson("overlays/eks.yaml"), std::nullopt);
  EXPECT_EQ(layered.PreparsedJson("overlays/custom.yaml"), std::nullopt);
  EXPECT_EQ(layered.PreparsedJson("registry.yaml"), std::nullopt);
  EXPECT_EQ(layered.PreparsedJson("validators/catalog.yaml"), std::nullopt);
  EXPECT_EQ(layered.PreparsedJson("overlays/nope.yaml"), std::nullopt);
}

TEST_F(LayeredTest, MergesReadTheEmbeddedPreparsedJson) {
  dir_.Write("registry.yaml", kExternalRegistry);
  dir_.Write("validators/catalog.yaml", kExternalCatalog);
  const std::map<std::string, std::string> files = {
      {"registry.yaml", kEmbeddedRegistry},
      {"validators/catalog.yaml", kEmbeddedCatalog},
  };
  // Same documents: the merged bytes do not depend on which form was read.
  const PreparsedProvider faithful(files);
  Result<std::unique_ptr<DataProvider>> with_json = MakeLayeredProvider(dir_.str(), faithful);
  Result<std::unique_ptr<DataProvider>> yaml_only = Make();
  ASSERT_THAT(with_json, IsOk());
  ASSERT_THAT(yaml_only, IsOk());
  for (const std::string_view path : {kRegistryPath, kValidatorCatalogPath}) {
    const Result<std::string> a = (*with_json)->Read(path);
    const Result<std::string> b = (*yaml_only)->Read(path);
    ASSERT_THAT(a, IsOk());
    ASSERT_THAT(b, IsOk());
    EXPECT_EQ(*a, *b) << path;
  }
  // The JSON, not the YAML, is what gets read.
  const PreparsedProvider marked(
      files, {{"registry.yaml", R"({"apiVersion":"aicr.run/v1beta1","kind":"ComponentRegistry",)"
                                R"("metadata":{"note":"json"},"components":[]})"}});
  Result<std::unique_ptr<DataProvider>> p = MakeLayeredProvider(dir_.str(), marked);
  ASSERT_THAT(p, IsOk());
  const Result<std::string> merged = (*p)->Read(kRegistryPath);
  ASSERT_THAT(merged, IsOk());
  const serialize::Value doc = Yaml(*merged);
  const serialize::Value* note = doc.FindPath("metadata.note");
  ASSERT_NE(note, nullptr);
  EXPECT_EQ(*note, serialize::Value("json"));
  ASSERT_NE(doc.Find("components"), nullptr);
  EXPECT_EQ(doc.Find("components")->size(), 3u);  // only the external components
}

TEST_F(LayeredTest, PreparsedJsonOverTheRealEmbeddedProvider) {
  const DataProvider& embedded = EmbeddedProvider();
  if (!embedded.Has("overlays/base.yaml") || !embedded.Has("overlays/eks.yaml")) {
    GTEST_SKIP() << "no embedded overlays";
  }
  dir_.Write("registry.yaml", kExternalRegistry);
  dir_.Write("overlays/eks.yaml", "kind: RecipeMetadata # external eks\n");
  Result<std::unique_ptr<DataProvider>> p = MakeLayeredProvider(dir_.str(), embedded);
  ASSERT_THAT(p, IsOk());
  ASSERT_TRUE(embedded.PreparsedJson("overlays/base.yaml").has_value());
  ASSERT_TRUE(embedded.PreparsedJson("overlays/eks.yaml").has_value());
  ASSERT_TRUE(embedded.PreparsedJson("registry.yaml").has_value());
  EXPECT_EQ((*p)->PreparsedJson("overlays/base.yaml"),
            embedded.PreparsedJson("overlays/base.yaml"));
  EXPECT_EQ((*p)->PreparsedJson("overlays/eks.yaml"), std::nullopt);  // overridden
  EXPECT_EQ((*p)->PreparsedJson("registry.yaml"), std::nullopt);      // merged
}

TEST_F(LayeredTest, IdentityIsCanonicalDirectory) {
  dir_.Write("data/registry.yaml", kMinimalRegistry);
  fs::create_directory_symlink(dir_.path() / "data", dir_.path() / "alias");
  const std::string canonical = fs::canonical(dir_.path() / "data").string();
  // The root itself may be reached through a symlink; the walk below it may not.
  Result<std::unique_ptr<DataProvider>> a = MakeLayeredProvider(dir_.str() + "/alias/", *embedded_);
  Result<std::unique_ptr<DataProvider>> b =
      MakeLayeredProvider(dir_.str() + "/data/../data", *embedded_);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ((*a)->Identity(), "layered:" + canonical);
  EXPECT_EQ((*b)->Identity(), "layered:" + canonical);
}

TEST_F(LayeredTest, ReadsStayInsideTheDirectory) {
  dir_.Write("outside.yaml", "secret\n");
  dir_.Write("data/registry.yaml", kMinimalRegistry);
  dir_.Write("data/sub/x.yaml", "x\n");
  Result<std::unique_ptr<DataProvider>> p = MakeLayeredProvider(dir_.str() + "/data", *embedded_);
  ASSERT_THAT(p, IsOk());
  for (const std::string& path : std::vector<std::string>{
           "../outside.yaml", "sub/../../outside.yaml", "/etc/passwd", "./registry.yaml",
           "sub//x.yaml", (dir_.path() / "outside.yaml").string()}) {
    EXPECT_FALSE((*p)->Has(path)) << path;
    EXPECT_THAT((*p)->Read(path),
                StatusIs(ErrorCode::kNotFound, "data file \"" + path + "\" not found"));
  }
  for (const std::string& path : (*p)->Files()) {
    EXPECT_TRUE(IsLocalPath(path)) << path;
  }
}

TEST_F(LayeredTest, SymlinkedFileRejected) {
  dir_.Write("registry.yaml", kMinimalRegistry);
  dir_.Write("real.yaml", "r\n");
  fs::create_directories(dir_.path() / "a");
  fs::create_symlink(dir_.path() / "real.yaml", dir_.path() / "a/b.yaml");
  EXPECT_THAT(Make(), StatusIs(ErrorCode::kInvalidRequest,
                               "data file \"a/b.yaml\": symlinks are not allowed"));
}

TEST_F(LayeredTest, SymlinkedRegistryRejected) {
  dir_.Write("real.yaml", kMinimalRegistry);
  fs::create_symlink("real.yaml", dir_.path() / "registry.yaml");
  EXPECT_THAT(Make(), StatusIs(ErrorCode::kInvalidRequest,
                               "data file \"registry.yaml\": symlinks are not allowed"));
}

TEST_F(LayeredTest, SymlinkedDirectoryRejected) {
  testing::TempDir elsewhere;
  elsewhere.Write("x.yaml", "x\n");
  dir_.Write("registry.yaml", kMinimalRegistry);
  fs::create_directory_symlink(elsewhere.path(), dir_.path() / "overlays");
  EXPECT_THAT(Make(), StatusIs(ErrorCode::kInvalidRequest,
                               "data file \"overlays\": symlinks are not allowed"));
}

TEST_F(LayeredTest, SymlinksFollowedWhenAllowed) {
  testing::TempDir elsewhere;
  elsewhere.Write("x.yaml", "x\n");
  dir_.Write("registry.yaml", kMinimalRegistry);
  dir_.Write("real.yaml", "r\n");
  fs::create_directory_symlink(elsewhere.path(), dir_.path() / "overlays");
  fs::create_symlink(dir_.path() / "real.yaml", dir_.path() / "link.yaml");
  LayeredOptions options;
  options.allow_symlinks = true;
  const auto p = MakeOk(options);
  ASSERT_NE(p, nullptr);
  EXPECT_THAT(p->Read("overlays/x.yaml"), IsOkAndHolds("x\n"));
  EXPECT_THAT(p->Read("link.yaml"), IsOkAndHolds("r\n"));
  EXPECT_EQ(p->Source("overlays/x.yaml"), "external");
}

TEST_F(LayeredTest, SymlinkCycleAndBrokenLinkFailWhenAllowed) {
  LayeredOptions options;
  options.allow_symlinks = true;
  dir_.Write("registry.yaml", kMinimalRegistry);
  fs::create_directory_symlink(dir_.path(), dir_.path() / "loop");
  // The kernel stops resolving after a bounded number of links.
  EXPECT_THAT(Make(options),
              StatusIs(ErrorCode::kInvalidRequest,
                       MatchesRegex("data file \"(loop/)+loop\": cannot follow symlink: "
                                    "too many levels of symbolic links")));
  fs::remove(dir_.path() / "loop");
  fs::create_symlink(dir_.path() / "gone.yaml", dir_.path() / "dangling.yaml");
  EXPECT_THAT(Make(options),
              StatusIs(ErrorCode::kInvalidRequest, "data file \"dangling.yaml\": broken symlink"));
}

TEST_F(LayeredTest, NestingCapped) {
  dir_.Write("registry.yaml", kMinimalRegistry);
  std::string deep = "d";
  for (int i = 1; i < 64; ++i) {
    deep += "/d";
  }
  dir_.Write(deep + "/ok.yaml", "x\n");  // 64 levels: fine
  EXPECT_THAT(Make(), IsOk());
  dir_.Write(deep + "/d/too-deep.yaml", "x\n");
  EXPECT_THAT(Make(), StatusIs(ErrorCode::kInvalidRequest,
                               "data file \"" + deep + "/d\": nested deeper than 64 directories"));
}

TEST_F(LayeredTest, SizeCap) {
  LayeredOptions options;
  options.max_file_bytes = 100;
  dir_.Write("registry.yaml", kMinimalRegistry);
  dir_.Write("overlays/at-cap.yaml", std::string(100, 'a'));
  const auto p = MakeOk(options);
  ASSERT_NE(p, nullptr);
  EXPECT_THAT(p->Read("overlays/at-cap.yaml"), IsOkAndHolds(std::string(100, 'a')));

  // The cap is re-checked when reading: the file may have grown since the walk.
  dir_.Write("overlays/at-cap.yaml", std::string(101, 'a'));
  EXPECT_THAT(p->Read("overlays/at-cap.yaml"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "data file \"overlays/at-cap.yaml\": exceeds 100 bytes"));

  EXPECT_THAT(Make(options), StatusIs(ErrorCode::kInvalidRequest,
                                      "data file \"overlays/at-cap.yaml\": exceeds 100 bytes"));
}

TEST_F(LayeredTest, DefaultSizeCapIsTenMiB) {
  dir_.Write("registry.yaml", kMinimalRegistry);
  dir_.Write("big.yaml", "");
  fs::resize_file(dir_.path() / "big.yaml", limits::kMaxDataFileBytes);
  EXPECT_THAT(Make(), IsOk());
  fs::resize_file(dir_.path() / "big.yaml", limits::kMaxDataFileBytes + 1);
  EXPECT_THAT(Make(), StatusIs(ErrorCode::kInvalidRequest,
                               "data file \"big.yaml\": exceeds 10485760 bytes"));
}

TEST_F(LayeredTest, HiddenEntriesSkipped) {
  dir_.Write("registry.yaml", kMinimalRegistry);
  dir_.Write(".git/config", "x");
  dir_.Write("overlays/.eks.yaml.swp", "junk");
  fs::create_symlink("/etc/passwd", dir_.path() / ".hidden-link");
  const auto p = MakeOk();
  ASSERT_NE(p, nullptr);
  EXPECT_FALSE(p->Has(".git/config"));
  EXPECT_FALSE(p->Has("overlays/.eks.yaml.swp"));
  EXPECT_THAT(p->Read(".git/config"),
              StatusIs(ErrorCode::kNotFound, "data file \".git/config\" not found"));
  EXPECT_EQ(p->Files().front(), "registry.yaml");
}

TEST_F(LayeredTest, SpecialFileRejected) {
  dir_.Write("registry.yaml", kMinimalRegistry);
  ASSERT_EQ(::mkfifo((dir_.path() / "pipe.yaml").c_str(), 0600), 0);
  EXPECT_THAT(Make(),
              StatusIs(ErrorCode::kInvalidRequest, "data file \"pipe.yaml\": not a regular file"));
}

TEST_F(LayeredTest, FileRemovedAfterWalkIsUnavailable) {
  dir_.Write("registry.yaml", kMinimalRegistry);
  dir_.Write("overlays/custom.yaml", "c\n");
  const auto p = MakeOk();
  ASSERT_NE(p, nullptr);
  fs::remove(dir_.path() / "overlays/custom.yaml");
  EXPECT_THAT(
      p->Read("overlays/custom.yaml"),
      StatusIs(ErrorCode::kUnavailable,
               "data file \"overlays/custom.yaml\": cannot open: no such file or directory"));
  // The merged registry was computed up front and stays readable.
  fs::remove(dir_.path() / "registry.yaml");
  EXPECT_THAT(p->Read("registry.yaml"), IsOk());
}

TEST_F(LayeredTest, FileSwappedForSymlinkAfterWalkRejectedOnRead) {
  dir_.Write("registry.yaml", kMinimalRegistry);
  dir_.Write("overlays/custom.yaml", "c\n");
  dir_.Write("other.yaml", "o\n");
  const auto p = MakeOk();
  ASSERT_NE(p, nullptr);
  fs::remove(dir_.path() / "overlays/custom.yaml");
  fs::create_symlink(dir_.path() / "other.yaml", dir_.path() / "overlays/custom.yaml");
  EXPECT_THAT(p->Read("overlays/custom.yaml"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "data file \"overlays/custom.yaml\": symlinks are not allowed"));
}

TEST_F(LayeredTest, LayersOverTheRealEmbeddedProvider) {
  dir_.Write("registry.yaml", kExternalRegistry);
  dir_.Write("overlays/custom.yaml", "c\n");
  Result<std::unique_ptr<DataProvider>> p = MakeLayeredProvider(dir_.str(), EmbeddedProvider());
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ((*p)->Source("overlays/custom.yaml"), "external");
  EXPECT_EQ((*p)->Files().size(), EmbeddedProvider().Files().size() + 2 -
                                      (EmbeddedProvider().Has("registry.yaml") ? 1 : 0) -
                                      (EmbeddedProvider().Has("overlays/custom.yaml") ? 1 : 0));
}

}  // namespace
}  // namespace aicr::catalog
