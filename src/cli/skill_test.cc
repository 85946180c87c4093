#include "cli/skill.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "base/temp_dir.h"
#include "cli/builtin_commands.h"
#include "tests/testing/status_matchers.h"

namespace aicr::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(SkillRenderTest, CoversEveryVisibleCommandAndFlag) {
  const CommandSpec root = BuildCommandTable();
  const SkillCriteria criteria = {{"service", {"eks", "gke"}}, {"accelerator", {"h100"}}};
  const std::string md = RenderSkill(root, SkillAgent::kClaudeCode, "v9.9.9", criteria);
  EXPECT_THAT(md, StartsWith("---\nname: aicr\ndescription: |\n"));
  EXPECT_THAT(md, HasSubstr("user_invocable: true\n---\n\n# AICR CLI (v9.9.9)\n"));
  // Every visible command except skill and completion, with its flags.
  for (const CommandSpec& cmd : root.subcommands) {
    if (cmd.hidden) {
      continue;
    }
    if (cmd.name == "skill" || cmd.name == "completion") {
      EXPECT_THAT(md, Not(HasSubstr("### `aicr " + cmd.name))) << cmd.name;
      continue;
    }
    EXPECT_THAT(md, HasSubstr("### `aicr " + cmd.name)) << cmd.name;
    for (const FlagSpec& flag : cmd.flags) {
      if (!flag.hidden) {
        EXPECT_THAT(md, HasSubstr("- `--" + flag.name + "`")) << cmd.name << " --" << flag.name;
      }
    }
  }
  EXPECT_THAT(md, HasSubstr("#### `aicr evidence verify"));
  EXPECT_THAT(md, HasSubstr("- `--format` (-t)"));
  EXPECT_THAT(md, HasSubstr("- **service**: `eks`, `gke`\n- **accelerator**: `h100`\n"));
  // Deterministic.
  EXPECT_EQ(md, RenderSkill(root, SkillAgent::kClaudeCode, "v9.9.9", criteria));

  const std::string codex = RenderSkill(root, SkillAgent::kCodex, "v9.9.9", {});
  EXPECT_THAT(codex, Not(HasSubstr("user_invocable")));
  EXPECT_THAT(codex, Not(HasSubstr("## Criteria values")));
}

TEST(SkillAgentTest, NamesAndPaths) {
  EXPECT_EQ(*ParseSkillAgent("claude-code"), SkillAgent::kClaudeCode);
  EXPECT_EQ(*ParseSkillAgent("codex"), SkillAgent::kCodex);
  EXPECT_THAT(ParseSkillAgent("cursor"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("claude-code, codex")));
  EXPECT_EQ(SkillRelativePath(SkillAgent::kClaudeCode), ".claude/skills/aicr/SKILL.md");
  EXPECT_EQ(SkillRelativePath(SkillAgent::kCodex), ".codex/skills/aicr/SKILL.md");
}

class SkillInstallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<TempDir> dir = TempDir::Create("aicr-skill-");
    ASSERT_TRUE(dir.ok());
    dir_.emplace(std::move(dir).value());
    path_ = dir_->path() + "/.claude/skills/aicr/SKILL.md";
  }
  std::optional<TempDir> dir_;
  std::string path_;
};

TEST_F(SkillInstallTest, WritesAPrivateFileCreatingDirectories) {
  Result<SkillInstallResult> r = InstallSkill(path_, "one\n", {});
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->written);
  EXPECT_EQ(Read(path_), "one\n");
  struct stat st {};
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(SkillInstallTest, AnExistingFileNeedsForceOrAYes) {
  ASSERT_THAT(InstallSkill(path_, "one\n", {}), IsOk());
  // Not interactive, not forced: refused, untouched.
  EXPECT_THAT(InstallSkill(path_, "two\n", {}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("use --force to overwrite")));
  EXPECT_EQ(Read(path_), "one\n");

  // Interactive: "n" keeps it, "yes" replaces it; the question names the file.
  std::istringstream no("n\n");
  std::ostringstream prompt;
  Result<SkillInstallResult> r =
      InstallSkill(path_, "two\n", {.confirm_in = &no, .prompt_out = &prompt});
  ASSERT_THAT(r, IsOk());
  EXPECT_FALSE(r->written);
  EXPECT_EQ(prompt.str(), "skill file already exists: " + path_ + "\noverwrite? [y/N]: ");
  EXPECT_EQ(Read(path_), "one\n");
  std::istringstream yes(" YES \n");
  r = InstallSkill(path_, "two\n", {.confirm_in = &yes, .prompt_out = &prompt});
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->written);
  EXPECT_EQ(Read(path_), "two\n");

  // Forced: no question.
  std::istringstream unused("n\n");
  r = InstallSkill(path_, "three\n", {.force = true, .confirm_in = &unused});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(Read(path_), "three\n");
}

TEST_F(SkillInstallTest, ASymlinkIsNeverFollowed) {
  const std::string elsewhere = dir_->path() + "/elsewhere.md";
  std::ofstream(elsewhere) << "keep\n";
  fs::create_directories(fs::path(path_).parent_path());
  fs::create_symlink(elsewhere, path_);
  EXPECT_THAT(InstallSkill(path_, "x\n", {.force = true}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("symlink")));
  EXPECT_EQ(Read(elsewhere), "keep\n");
}

}  // namespace
}  // namespace aicr::cli
