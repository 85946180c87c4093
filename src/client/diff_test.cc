#include "client/diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>

#include "tests/testing/status_matchers.h"

namespace aicr::client {
namespace {

using ::testing::HasSubstr;

constexpr char kBefore[] = R"(kind: Snapshot
apiVersion: aicr.run/v1alpha2
metadata: {timestamp: "2026-01-01T00:00:00Z"}
measurements:
  - type: K8s
    subtypes:
      - subtype: server
        data: {version: v1.33.4}
)";

constexpr char kAfterJson[] = R"({"kind": "Snapshot", "apiVersion": "aicr.run/v1alpha2",
 "metadata": {"timestamp": "2026-03-01T00:00:00Z"},
 "measurements": [{"type": "K8s", "subtypes": [
   {"subtype": "server", "data": {"version": "v1.34.1"}}]}]})";

// An in-memory ConfigMap store.
class MemoryStore : public serialize::ConfigMapStore {
 public:
  Result<serialize::ConfigMapData> Get(const serialize::ConfigMapRef& ref,
                                       const CancelToken&) override {
    auto it = maps.find(ref.ToUri());
    if (it == maps.end()) {
      return NotFoundError("configmaps \"" + ref.name + "\" not found");
    }
    return it->second;
  }
  Status Apply(const serialize::ConfigMapRef& ref, const serialize::ConfigMapData& data,
               const CancelToken&) override {
    maps[ref.ToUri()] = data;
    return OkStatus();
  }
  std::map<std::string, serialize::ConfigMapData> maps;
};

std::string WriteFile(const std::string& name, const std::string& content) {
  // Per test: ctest runs the cases of this binary in parallel processes.
  const std::string path = ::testing::TempDir() + "/client_diff_test_" +
                           ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
                           name;
  std::ofstream(path) << content;
  return path;
}

TEST(ClientDiffTest, ComparesAYamlFileWithAJsonFileAndRecordsTheSources) {
  DiffRequest req;
  req.baseline = WriteFile("before.yaml", kBefore);
  req.target = WriteFile("after.json", kAfterJson);
  Result<measurement::DiffResult> r = DiffSnapshots(req);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->baseline_source, req.baseline);
  EXPECT_EQ(r->target_source, req.target);
  ASSERT_EQ(r->changes.size(), 1u);
  EXPECT_EQ(r->changes[0], (measurement::Change{measurement::ChangeKind::kModified,
                                                "K8s.server.version", "v1.33.4", "v1.34.1"}));
  EXPECT_EQ(r->summary.total, 1);
}

TEST(ClientDiffTest, ReadsAConfigMapTarget) {
  MemoryStore store;
  store.maps["cm://ops/now"] = serialize::ConfigMapData{{{"snapshot.yaml", kBefore}}, {}};
  DiffRequest req;
  req.baseline = WriteFile("same.yaml", kBefore);
  req.target = "cm://ops/now";
  req.configmaps = &store;
  Result<measurement::DiffResult> r = DiffSnapshots(req);
  ASSERT_THAT(r, IsOk());
  EXPECT_FALSE(r->HasDrift());

  req.target = "cm://ops/missing";
  EXPECT_THAT(DiffSnapshots(req), StatusIs(ErrorCode::kNotFound, HasSubstr("target")));
  // Without a store cm:// is unavailable.
  req.configmaps = nullptr;
  req.target = "cm://ops/now";
  EXPECT_THAT(DiffSnapshots(req), StatusIs(ErrorCode::kUnavailable, HasSubstr("target")));
}

TEST(ClientDiffTest, BadInputIsInvalidRequestNamingTheSide) {
  DiffRequest req;
  EXPECT_THAT(DiffSnapshots(req),
              StatusIs(ErrorCode::kInvalidRequest, "required flag --baseline not set"));
  req.baseline = WriteFile("ok.yaml", kBefore);
  EXPECT_THAT(DiffSnapshots(req),
              StatusIs(ErrorCode::kInvalidRequest, "required flag --target not set"));

  req.target = WriteFile("recipe.yaml", "kind: RecipeResult\napiVersion: aicr.run/v1\n");
  EXPECT_THAT(DiffSnapshots(req), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("target: ")));
  req.target = WriteFile("broken.yaml", "measurements: [\n");
  EXPECT_THAT(DiffSnapshots(req), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("target: ")));
  req.target = req.baseline;
  req.baseline = ::testing::TempDir() + "/client_diff_test_absent.yaml";
  EXPECT_THAT(DiffSnapshots(req), StatusIs(ErrorCode::kNotFound, HasSubstr("baseline: ")));
}

}  // namespace
}  // namespace aicr::client
