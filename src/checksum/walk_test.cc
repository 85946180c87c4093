#include "checksum/walk.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "checksum/temp_tree_for_test.h"
#include "tests/testing/status_matchers.h"

namespace aicr::checksum {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(WalkTest, VisitsInByteOrderAndNeverFollowsSymlinks) {
  testing::TempTree tree;
  tree.Write("b/z.txt", "z");
  tree.Write("b/a.txt", "a");
  tree.Write("B.txt", "B");
  tree.Mkdir("empty");
  tree.Write("outside/secret", "s");
  tree.Symlink(tree.Path("outside"), "b/link");
  auto root = OpenDirNoFollow(tree.root());
  ASSERT_THAT(root, IsOk());

  std::vector<std::string> seen;
  std::vector<std::string> ends;
  WalkVisitor v;
  v.on_entry = [&](const WalkEntry& e) {
    seen.push_back(e.path + ":" + FileTypeName(e.st));
    EXPECT_EQ(e.path.substr(e.path.size() - e.name.size()), e.name);
    return e.path == "outside" ? WalkAction::kSkip : WalkAction::kDescend;
  };
  v.on_dir_end = [&](const std::string& p, std::size_t n) {
    ends.push_back(p + "=" + std::to_string(n));
  };
  ASSERT_THAT(WalkNoFollow(root->get(), v), IsOk());
  EXPECT_THAT(seen, ElementsAre("B.txt:regular file", "b:directory", "b/a.txt:regular file",
                                "b/link:symlink", "b/z.txt:regular file", "empty:directory",
                                "outside:directory"));
  EXPECT_THAT(ends, ElementsAre("b=3", "empty=0"));
}

TEST(WalkTest, OpenDirNoFollowErrors) {
  testing::TempTree tree;
  tree.Mkdir("real");
  tree.Symlink(tree.Path("real"), "link");
  tree.Write("file", "x");
  EXPECT_THAT(OpenDirNoFollow(tree.Path("missing")),
              StatusIs(ErrorCode::kNotFound, HasSubstr("not found")));
  EXPECT_THAT(OpenDirNoFollow(tree.Path("link")),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("is a symlink")));
  EXPECT_THAT(OpenDirNoFollow(tree.Path("file")),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("is not a directory")));
  EXPECT_THAT(OpenDirNoFollow(tree.Path("real")), IsOk());
}

TEST(WalkTest, OpenRegularNoFollowRefusesEverythingButRegularFiles) {
  testing::TempTree tree;
  tree.Write("file", "x");
  tree.Symlink("file", "link");
  tree.Fifo("fifo");
  tree.Mkdir("dir");
  auto root = OpenDirNoFollow(tree.root());
  ASSERT_THAT(root, IsOk());
  EXPECT_THAT(OpenRegularNoFollow(root->get(), "file", "file"), IsOk());
  EXPECT_THAT(OpenRegularNoFollow(root->get(), "link", "link"),
              StatusIs(ErrorCode::kInvalidRequest, "\"link\" is a symlink"));
  EXPECT_THAT(OpenRegularNoFollow(root->get(), "fifo", "fifo"),
              StatusIs(ErrorCode::kInvalidRequest, "\"fifo\" is a fifo, not a regular file"));
  EXPECT_THAT(OpenRegularNoFollow(root->get(), "dir", "dir"),
              StatusIs(ErrorCode::kInvalidRequest, "\"dir\" is a directory, not a regular file"));
  EXPECT_THAT(OpenRegularNoFollow(root->get(), "none", "none"),
              StatusIs(ErrorCode::kNotFound, "\"none\" not found"));
}

TEST(WalkTest, RefusesTreesDeeperThanTheLimit) {
  testing::TempTree tree;
  std::string deep = "d";
  for (int i = 0; i < 300; ++i) {
    deep += "/d";
  }
  tree.Mkdir(deep);
  auto root = OpenDirNoFollow(tree.root());
  ASSERT_THAT(root, IsOk());
  WalkVisitor v;
  v.on_entry = [](const WalkEntry&) { return WalkAction::kDescend; };
  EXPECT_THAT(WalkNoFollow(root->get(), v),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("deeper than 256 levels")));
}

}  // namespace
}  // namespace aicr::checksum
