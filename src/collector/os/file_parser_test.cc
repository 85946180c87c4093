#include "collector/os/file_parser.h"

#include <string>
#include <vector>

#include "collector/os/os_test_tree.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace aicr::collector {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(SplitParsedLinesTest, TrimsDropsEmptyAndCommentLines) {
  EXPECT_THAT(SplitParsedLines("  a = 1 \n\n\t# comment\n   \nb\r\n  #also\nc # not a comment"),
              ElementsAre("a = 1", "b", "c # not a comment"));
  EXPECT_THAT(SplitParsedLines(""), IsEmpty());
  EXPECT_THAT(SplitParsedLines("\n\n"), IsEmpty());
  EXPECT_THAT(SplitParsedLines("last"), ElementsAre("last"));
}

TEST(ReadParsedLinesTest, ReadsFile) {
  testing::HostTree tree;
  std::string path = tree.Write("/etc/f", "one\n# two\n three \n");
  EXPECT_THAT(ReadParsedLines(path), IsOkAndHolds(ElementsAre("one", "three")));
}

TEST(ReadParsedLinesTest, MissingFileIsNotFound) {
  testing::HostTree tree;
  EXPECT_THAT(ReadParsedLines(tree.root() + "/missing"),
              StatusIs(ErrorCode::kNotFound, HasSubstr("missing")));
}

TEST(ReadParsedLinesTest, InvalidUtf8IsAnError) {
  testing::HostTree tree;
  std::string path = tree.Write("/etc/bad", "ok\n\xff\xfe bad\n");
  EXPECT_THAT(ReadParsedLines(path),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("not valid utf-8")));
}

TEST(ReadParsedLinesTest, CapsFileSize) {
  testing::HostTree tree;
  std::string exact = tree.Write("/etc/exact", std::string(kMaxParsedFileBytes, 'a'));
  EXPECT_THAT(ReadFileCapped(exact), IsOk());
  std::string over = tree.Write("/etc/over", std::string(kMaxParsedFileBytes + 1, 'a'));
  EXPECT_THAT(ReadParsedLines(over),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("exceeds 1048576 bytes")));
  EXPECT_THAT(ReadFileCapped(exact, 10), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("10")));
}

TEST(ReadParsedLinesTest, ReadsProcFilesOfUnknownSize) {
  // procfs reports size 0; the reader must read until end of file.
  Result<std::string> content = ReadFileCapped("/proc/self/status");
  ASSERT_THAT(content, IsOk());
  EXPECT_THAT(*content, HasSubstr("Name:"));
}

}  // namespace
}  // namespace aicr::collector
