#include "cli/command_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/builtin_commands.h"
#include "cli/test_table_for_test.h"
#include "tests/testing/status_matchers.h"

namespace aicr::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(CommandTableTest, RealAndTestTablesAreValid) {
  EXPECT_THAT(ValidateTable(BuildCommandTable()), IsOk());
  EXPECT_THAT(ValidateTable(TestTable()), IsOk());
}

TEST(CommandTableTest, RealTableHoldsOnlyImplementedCommands) {
  EXPECT_THAT(SubcommandNames(BuildCommandTable()),
              ElementsAre("bundle", "completion", "diff", "evidence", "mirror", "query", "recipe",
                          "skill", "snapshot", "validate", "verify", "verify-blob"));
  const CommandSpec table = BuildCommandTable();
  const CommandSpec* recipe = FindSubcommand(table, "recipe");
  ASSERT_NE(recipe, nullptr);
  EXPECT_THAT(SubcommandNames(*recipe), ElementsAre("list"));
}

TEST(CommandTableTest, RejectsAFlagCollidingWithAGlobalFlag) {
  CommandSpec root = RootCommand();
  root.subcommands.push_back(CommandSpec{
      .name = "x", .flags = {FlagSpec{.name = "out", .aliases = {"debug"}}}, .handler = {}});
  EXPECT_THAT(ValidateTable(root),
              StatusIs(ErrorCode::kInternal, "command \"aicr x\": duplicate flag --debug"));
}

TEST(CommandTableTest, RejectsAShortCollidingWithHelp) {
  CommandSpec root = RootCommand();
  root.subcommands.push_back(
      CommandSpec{.name = "x", .flags = {FlagSpec{.name = "host", .shorts = {'h'}}}});
  EXPECT_THAT(ValidateTable(root), StatusIs(ErrorCode::kInternal, HasSubstr("duplicate flag -h")));
}

TEST(CommandTableTest, RejectsDuplicateSubcommandsAndAliases) {
  CommandSpec root = RootCommand();
  root.subcommands.push_back(CommandSpec{.name = "a"});
  root.subcommands.push_back(CommandSpec{.name = "b", .aliases = {"a"}});
  EXPECT_THAT(ValidateTable(root), StatusIs(ErrorCode::kInternal, HasSubstr("\"a\"")));
}

TEST(CommandTableTest, RejectsMisplacedVariadicAndBadNames) {
  CommandSpec root = RootCommand();
  root.subcommands.push_back(CommandSpec{
      .name = "a",
      .args = {ArgSpec{.name = "x", .variadic = true}, ArgSpec{.name = "y"}},
  });
  EXPECT_THAT(ValidateTable(root), StatusIs(ErrorCode::kInternal, HasSubstr("must be last")));
  CommandSpec bad = RootCommand();
  bad.subcommands.push_back(CommandSpec{.name = "Bad Name"});
  EXPECT_THAT(ValidateTable(bad),
              StatusIs(ErrorCode::kInternal, HasSubstr("invalid command name")));
}

TEST(CommandTableTest, RejectsValuesOnNonStringFlagsAndSpacesInValues) {
  CommandSpec root = RootCommand();
  root.subcommands.push_back(CommandSpec{
      .name = "a", .flags = {FlagSpec{.name = "n", .type = FlagType::kInt, .values = {"1"}}}});
  EXPECT_THAT(ValidateTable(root), StatusIs(ErrorCode::kInternal, HasSubstr("value set")));
  CommandSpec spaced = RootCommand();
  spaced.subcommands.push_back(
      CommandSpec{.name = "a", .flags = {FlagSpec{.name = "f", .values = {"a b"}}}});
  EXPECT_THAT(ValidateTable(spaced), StatusIs(ErrorCode::kInternal, HasSubstr("\"a b\"")));
}

TEST(CommandTableTest, FlagSpellingsLongFirst) {
  FlagSpec flag{.name = "accelerator", .aliases = {"gpu"}, .shorts = {'a'}};
  EXPECT_THAT(FlagSpellings(flag), ElementsAre("--accelerator", "--gpu", "-a"));
}

TEST(ParseDurationTest, GoSyntax) {
  using std::chrono::nanoseconds;
  EXPECT_THAT(ParseDuration("0"), IsOkAndHolds(nanoseconds(0)));
  EXPECT_THAT(ParseDuration("300ms"), IsOkAndHolds(nanoseconds(300'000'000)));
  EXPECT_THAT(ParseDuration("1.5h"), IsOkAndHolds(nanoseconds(5'400'000'000'000)));
  EXPECT_THAT(ParseDuration("2h45m"), IsOkAndHolds(nanoseconds(9'900'000'000'000)));
  EXPECT_THAT(ParseDuration("-1s"), IsOkAndHolds(nanoseconds(-1'000'000'000)));
  EXPECT_THAT(ParseDuration("10us"), IsOkAndHolds(nanoseconds(10'000)));
  for (const char* bad : {"", "5", "s", "1x", "1.2.3s", "--1s", "1e9999h", ".s"}) {
    EXPECT_THAT(ParseDuration(bad),
                StatusIs(ErrorCode::kInvalidRequest, "not a duration (e.g. 90s, 5m, 1h30m)"))
        << bad;
  }
  EXPECT_THAT(ParseDuration("99999999999999h"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("duration")));
}

TEST(ParseIntTest, DecimalOnly) {
  EXPECT_THAT(ParseInt("42"), IsOkAndHolds(42));
  EXPECT_THAT(ParseInt("-7"), IsOkAndHolds(-7));
  EXPECT_THAT(ParseInt("+7"), IsOkAndHolds(7));
  for (const char* bad : {"", "4x", "0x10", "99999999999999999999", " 1"}) {
    EXPECT_THAT(ParseInt(bad), StatusIs(ErrorCode::kInvalidRequest, "not an integer")) << bad;
  }
}

TEST(ParseBoolTest, GoSpellings) {
  for (const char* t : {"1", "t", "T", "true", "TRUE", "True"}) {
    EXPECT_THAT(ParseBool(t), IsOkAndHolds(true));
  }
  for (const char* f : {"0", "f", "F", "false", "FALSE", "False"}) {
    EXPECT_THAT(ParseBool(f), IsOkAndHolds(false));
  }
  EXPECT_THAT(ParseBool("yes"), StatusIs(ErrorCode::kInvalidRequest, "want true or false"));
}

}  // namespace
}  // namespace aicr::cli
