// The evidence bundle: a golden of every file (tests/golden/evidence/<case>/, byte
// for byte; AICR_UPDATE_GOLDEN=1 rewrites them), determinism under shuffled phase and
// component order (the snapshot keeps its captured order), and the predicate's bindings.

#include "evidence/builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "evidence/manifest.h"
#include "evidence/test_fixture.h"
#include "serialize/json_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::evidence {
namespace {

namespace fs = std::filesystem;
using serialize::Value;
using ::testing::HasSubstr;
using ::testing::Not;

bool UpdateGolden() {
  const char* v = std::getenv("AICR_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

fs::path GoldenDir(const std::string& name) {
  return fs::path(AICR_SOURCE_DIR) / "tests" / "golden" / "evidence" / name;
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void CheckGolden(const std::string& name, const EvidenceBundle& b) {
  std::map<std::string, std::string> files;
  for (const auto& [path, bytes] : b.files) {
    files[std::string(kSummaryBundleDir) + "/" + path] = bytes;
  }
  files[std::string(kPointerFile)] = b.pointer_yaml;
  const fs::path dir = GoldenDir(name);
  if (UpdateGolden()) {
    fs::remove_all(dir);
    for (const auto& [path, bytes] : files) {
      fs::create_directories((dir / path).parent_path());
      std::ofstream(dir / path, std::ios::binary) << bytes;
    }
  }
  for (const auto& [path, bytes] : files) {
    ASSERT_TRUE(fs::exists(dir / path)) << path << " missing; run with AICR_UPDATE_GOLDEN=1";
    EXPECT_EQ(ReadAll(dir / path), bytes)
        << "golden " << path << " differs; review and rerun with AICR_UPDATE_GOLDEN=1";
  }
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      EXPECT_EQ(files.count(fs::relative(entry.path(), dir).generic_string()), 1u)
          << "stale golden " << entry.path();
    }
  }
}

TEST(BuildEvidenceTest, MinimalBundleMatchesGolden) {
  Result<EvidenceBundle> b = BuildEvidence(testing::Inputs());
  ASSERT_THAT(b, IsOk());
  CheckGolden("minimal", *b);
}

TEST(BuildEvidenceTest, FullBundleMatchesGolden) {
  Result<EvidenceBundle> b = BuildEvidence(testing::Inputs(/*full=*/true));
  ASSERT_THAT(b, IsOk());
  CheckGolden("full", *b);
  EXPECT_THAT(b->files.at("snapshot.yaml"), HasSubstr("source-node"));
  EXPECT_THAT(b->files.at("ctrf/deployment.json"), HasSubstr("private log line"));
  EXPECT_EQ(b->predicate.Find("redaction"), nullptr);
}

TEST(BuildEvidenceTest, ShuffledInputsGiveTheSameBytes) {
  const EvidenceBundle a = BuildEvidence(testing::Inputs()).value();
  EvidenceInputs in = testing::Inputs();
  std::reverse(in.phase_reports.begin(), in.phase_reports.end());
  std::reverse(in.recipe.component_refs.begin(), in.recipe.component_refs.end());
  const EvidenceBundle b = BuildEvidence(in).value();
  EXPECT_EQ(a.files, b.files);
  EXPECT_EQ(a.pointer_yaml, b.pointer_yaml);
}

TEST(BuildEvidenceTest, PredicateBindsEveryFile) {
  const EvidenceBundle b = BuildEvidence(testing::Inputs()).value();
  EXPECT_EQ(b.recipe_name, "h100-eks-ubuntu-training");
  EXPECT_EQ(b.predicate_type, kPredicateTypeV1);
  const Value& p = b.predicate;
  EXPECT_EQ(*p.FindPath("manifest.digest")->if_string(), Sha256Ref(b.files.at("manifest.json")));
  EXPECT_EQ(*p.FindPath("manifest.fileCount")->if_int(), 5);
  EXPECT_EQ(*p.FindPath("bom.digest")->if_string(), Sha256Ref(b.files.at("bom.cdx.json")));
  EXPECT_EQ(*p.FindPath("bom.imageCount")->if_int(), 2);
  EXPECT_EQ(*p.FindPath("phases.deployment.ctrfDigest")->if_string(),
            Sha256Ref(b.files.at("ctrf/deployment.json")));
  EXPECT_EQ(*p.FindPath("phases.deployment.passed")->if_int(), 2);
  EXPECT_EQ(p.FindPath("phases.performance"), nullptr);
  EXPECT_EQ(*p.FindPath("attestedAt")->if_string(), "2026-01-01T00:00:00Z");
  EXPECT_EQ(*p.FindPath("validatorImages.0.image")->if_string(),
            "ghcr.io/nvidia/aicr-validators/conformance:v1.0.0");
  // The fingerprint comes from the raw snapshot (labels are redacted from the file).
  EXPECT_EQ(*p.FindPath("fingerprint.accelerator.value")->if_string(), "h100");
  EXPECT_EQ(*p.FindPath("criteriaMatch.matched")->if_bool(), true);
  EXPECT_EQ(*p.FindPath("criteriaMatch.perDimension.intent.match")->if_string(), "unknown");
  // The manifest lists neither statement file nor itself.
  const Manifest m = ParseManifestJson(b.files.at("manifest.json")).value();
  for (const ManifestFile& f : m.files) {
    EXPECT_FALSE(IsUnlistedFile(f.path)) << f.path;
  }
  Result<Value> st = serialize::ParseJson(b.files.at("statement.intoto.json"));
  ASSERT_THAT(st, IsOk());
  EXPECT_EQ(*st->FindPath("subject.0.name")->if_string(), "recipe:h100-eks-ubuntu-training");
  EXPECT_EQ(*st->FindPath("subject.0.digest.sha256")->if_string(), b.subject_digest);
  EXPECT_EQ(*st->FindPath("predicate"), p);
  EXPECT_THAT(b.pointer_yaml, Not(HasSubstr("signer")));
}

TEST(BuildEvidenceTest, ProfiledRecipeUsesV2WithProfileBlock) {
  EvidenceInputs in = testing::Inputs();
  in.recipe.metadata.selected_profile = recipe::SelectedProfile{"gpu-sharing", "mig", "", {}};
  const EvidenceBundle b = BuildEvidence(in).value();
  EXPECT_EQ(b.predicate_type, kPredicateTypeV2);
  EXPECT_EQ(*b.predicate.FindPath("profile.selection")->if_string(), "gpu-sharing=mig");
  EXPECT_THAT(b.pointer_yaml, HasSubstr("profile: gpu-sharing=mig"));
}

TEST(MatchCriteriaTest, ThreeWayPerDimension) {
  measurement::Fingerprint fp;
  fp.service.value = "eks";
  fp.accelerator.value = "h100";
  fp.node_count.value = 4;
  recipe::Criteria c;
  c.service = "gke";
  c.accelerator = "h100";
  c.os = "ubuntu";
  c.nodes = 4;
  const Value m = MatchCriteria(fp, c);
  EXPECT_EQ(*m.FindPath("matched")->if_bool(), false);
  EXPECT_EQ(*m.FindPath("perDimension.service.match")->if_string(), "mismatched");
  EXPECT_EQ(*m.FindPath("perDimension.accelerator.match")->if_string(), "matched");
  EXPECT_EQ(*m.FindPath("perDimension.os.match")->if_string(), "unknown");
  EXPECT_EQ(*m.FindPath("perDimension.platform.match")->if_string(), "matched");
  EXPECT_EQ(*m.FindPath("perDimension.nodes.match")->if_string(), "matched");
  c.service = "any";
  EXPECT_EQ(*MatchCriteria(fp, c).FindPath("matched")->if_bool(), true);
}

TEST(BomTest, SerialNumberFollowsContent) {
  const EvidenceInputs in = testing::Inputs();
  auto a = BuildBom("x", in.recipe, in.validator_images, "v1").value();
  auto b = BuildBom("x", in.recipe, in.validator_images, "v1").value();
  auto c = BuildBom("x", in.recipe, in.validator_images, "v2").value();
  EXPECT_EQ(a.first, b.first);
  const Value va = serialize::ParseJson(a.first).value();
  const Value vc = serialize::ParseJson(c.first).value();
  EXPECT_NE(*va.Find("serialNumber"), *vc.Find("serialNumber"));
  EXPECT_THAT(*va.Find("serialNumber")->if_string(),
              ::testing::MatchesRegex(
                  "urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  EXPECT_EQ(*va.Find("specVersion")->if_string(), "1.6");
  EXPECT_EQ(va.Find("components")->size(), 4u);
}

}  // namespace
}  // namespace aicr::evidence
