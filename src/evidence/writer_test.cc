#include "evidence/writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "attest/test_keys.h"
#include "evidence/test_fixture.h"
#include "tests/testing/status_matchers.h"

namespace aicr::evidence {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class WriterTest : public ::testing::Test {
 protected:
  void SetUp() override { root_ = attest::testing::MakeTempDir(); }
  void TearDown() override { attest::testing::RemoveTree(root_); }
  std::string root_;
};

TEST_F(WriterTest, WritesSummaryBundleAndPointer) {
  const EvidenceBundle b = BuildEvidence(testing::Inputs()).value();
  const std::string dir = root_ + "/out";
  ASSERT_THAT(WriteEvidenceDir(dir, b), IsOk());
  for (const auto& [path, bytes] : b.files) {
    EXPECT_EQ(attest::testing::ReadFile(dir + "/summary-bundle/" + path), bytes) << path;
  }
  EXPECT_EQ(attest::testing::ReadFile(dir + "/pointer.yaml"), b.pointer_yaml);
  // Nothing but the output is left beside it.
  int entries = 0;
  for (const auto& e : fs::directory_iterator(root_)) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST_F(WriterTest, AcceptsAnEmptyDirectoryAndRefusesANonEmptyOne) {
  const EvidenceBundle b = BuildEvidence(testing::Inputs()).value();
  const std::string dir = root_ + "/empty";
  fs::create_directory(dir);
  EXPECT_THAT(WriteEvidenceDir(dir, b), IsOk());
  EXPECT_THAT(CheckOutputDir(dir), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("not empty")));
  EXPECT_THAT(WriteEvidenceDir(dir, b),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("not empty")));
  attest::testing::WriteFile(root_ + "/file", "x");
  EXPECT_THAT(CheckOutputDir(root_ + "/file"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("not a directory")));
}

TEST_F(WriterTest, MissingParentIsNotFound) {
  const EvidenceBundle b = BuildEvidence(testing::Inputs()).value();
  EXPECT_THAT(WriteEvidenceDir(root_ + "/no/such/dir", b),
              StatusIs(ErrorCode::kNotFound, HasSubstr("does not exist")));
}

}  // namespace
}  // namespace aicr::evidence
