#include "cli/parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "cli/test_table_for_test.h"
#include "tests/testing/status_matchers.h"

namespace aicr::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class ParserTest : public ::testing::Test {
 protected:
  Result<ParsedCommand> P(const std::vector<std::string>& args) {
    return Parse(table_, args, [this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) {
        return std::nullopt;
      }
      return it->second;
    });
  }

  static std::string Path(const ParsedCommand& p) {
    std::string out;
    for (const CommandSpec* c : p.path) {
      out += (out.empty() ? "" : " ") + c->name;
    }
    return out;
  }

  static std::vector<std::string> Values(const ParsedCommand& p, const std::string& flag) {
    auto it = p.flags.find(flag);
    return it == p.flags.end() ? std::vector<std::string>{} : it->second.values;
  }

  void ExpectError(const std::vector<std::string>& args, const std::string& message) {
    EXPECT_THAT(P(args), StatusIs(ErrorCode::kInvalidRequest, message))
        << ::testing::PrintToString(args);
  }

  CommandSpec table_ = TestTable();
  std::map<std::string, std::string> env_;
};

TEST_F(ParserTest, EmptyArgsSelectTheRoot) {
  auto p = P({});
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(Path(*p), "aicr");
  EXPECT_FALSE(p->help);
}

TEST_F(ParserTest, DescendsIntoSubcommandsAndAliases) {
  auto p = P({"recipe", "list"});
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(Path(*p), "aicr recipe list");
  auto q = P({"rcp", "list"});
  ASSERT_THAT(q, IsOk());
  EXPECT_EQ(Path(*q), "aicr recipe list");
}

TEST_F(ParserTest, LongShortAndEqualsForms) {
  auto p = P({"recipe", "--gpu", "h100", "-t", "json", "-ofile.yaml", "--nodes=4", "--timeout",
              "1m30s", "-S"});
  ASSERT_THAT(p, IsOk());
  EXPECT_THAT(Values(*p, "accelerator"), ElementsAre("h100"));
  EXPECT_THAT(Values(*p, "format"), ElementsAre("json"));
  EXPECT_THAT(Values(*p, "output"), ElementsAre("file.yaml"));
  EXPECT_THAT(Values(*p, "nodes"), ElementsAre("4"));
  EXPECT_THAT(Values(*p, "timeout"), ElementsAre("1m30s"));
  EXPECT_THAT(Values(*p, "strict"), ElementsAre("true"));
}

TEST_F(ParserTest, ShortWithEqualsAndDashValue) {
  auto p = P({"recipe", "-o=x", "--set", "-", "-s=a=b"});
  ASSERT_THAT(p, IsOk());
  EXPECT_THAT(Values(*p, "output"), ElementsAre("x"));
  EXPECT_THAT(Values(*p, "set"), ElementsAre("-", "a=b"));
}

TEST_F(ParserTest, GroupedBoolShortsThenValueShort) {
  auto p = P({"recipe", "-Sojson.out"});
  ASSERT_THAT(p, IsOk());
  EXPECT_THAT(Values(*p, "strict"), ElementsAre("true"));
  EXPECT_THAT(Values(*p, "output"), ElementsAre("json.out"));
}

TEST_F(ParserTest, GlobalFlagsBeforeAndAfterTheCommand) {
  auto p = P({"--debug", "recipe", "--log-json", "list"});
  ASSERT_THAT(p, IsOk());
  EXPECT_THAT(Values(*p, "debug"), ElementsAre("true"));
  EXPECT_THAT(Values(*p, "log-json"), ElementsAre("true"));
  EXPECT_EQ(Path(*p), "aicr recipe list");
}

TEST_F(ParserTest, BoolFlagTakesExplicitValue) {
  auto p = P({"--debug=false"});
  ASSERT_THAT(p, IsOk());
  EXPECT_THAT(Values(*p, "debug"), ElementsAre("false"));
  ExpectError({"--debug=maybe"}, "invalid value \"maybe\" for flag --debug: want true or false");
}

TEST_F(ParserTest, VersionIsRootOnly) {
  ASSERT_THAT(P({"-v"}), IsOk());
  ExpectError({"recipe", "--version"}, "unknown flag --version");
}

TEST_F(ParserTest, UnknownCommand) {
  ExpectError({"compltion"},
              "unknown command \"compltion\" for \"aicr\"; did you mean \"completion\"?");
  ExpectError({"zzzzzz"}, "unknown command \"zzzzzz\" for \"aicr\"");
  ExpectError({"recipe", "lst"},
              "unknown command \"lst\" for \"aicr recipe\"; did you mean \"list\"?");
}

TEST_F(ParserTest, UnknownFlag) {
  ExpectError({"--debgu"}, "unknown flag --debgu; did you mean --debug?");
  ExpectError({"--zzzzzzzz"}, "unknown flag --zzzzzzzz");
  ExpectError({"recipe", "--acelerator", "x"},
              "unknown flag --acelerator; did you mean --accelerator?");
  ExpectError({"-debug"}, "unknown flag -debug; did you mean --debug?");
  ExpectError({"-x"}, "unknown flag -x");
  ExpectError({"recipe", "--fromat=json"}, "unknown flag --fromat; did you mean --format?");
}

TEST_F(ParserTest, HiddenFlagsAreAcceptedButNeverSuggested) {
  ASSERT_THAT(P({"recipe", "--secret", "x"}), IsOk());
  ExpectError({"recipe", "--secre"}, "unknown flag --secre");
}

TEST_F(ParserTest, SingleValueFlagGivenTwice) {
  ExpectError({"recipe", "-o", "a", "--output", "b"}, "flag --output given more than once");
  ExpectError({"recipe", "--gpu", "a", "--accelerator", "b"},
              "flag --accelerator given more than once");
  ExpectError({"--debug", "--debug"}, "flag --debug given more than once");
  ExpectError({"recipe", "-SS"}, "flag -S given more than once");
}

TEST_F(ParserTest, RepeatableFlagCollectsEveryValue) {
  auto p = P({"recipe", "--set", "a=1", "-s", "b=2", "--set=c=3,d=4"});
  ASSERT_THAT(p, IsOk());
  EXPECT_THAT(Values(*p, "set"), ElementsAre("a=1", "b=2", "c=3,d=4"));
}

TEST_F(ParserTest, MissingValue) {
  ExpectError({"recipe", "--output"}, "flag --output needs a value");
  ExpectError({"recipe", "-o"}, "flag -o needs a value");
}

TEST_F(ParserTest, TypedValuesAreValidated) {
  ExpectError({"recipe", "--nodes", "four"},
              "invalid value \"four\" for flag --nodes: not an integer");
  ExpectError({"recipe", "--timeout=5x"},
              "invalid value \"5x\" for flag --timeout: not a duration (e.g. 90s, 5m, 1h30m)");
  ExpectError({"recipe", "-t", "yml"},
              "invalid value \"yml\" for flag -t (valid values: json, table, yaml); did you mean "
              "\"yaml\"?");
  ExpectError(
      {"recipe", "--format", "xml-ish-thing"},
      "invalid value \"xml-ish-thing\" for flag --format (valid values: json, table, yaml)");
}

TEST_F(ParserTest, PositionalArguments) {
  auto p = P({"echo", "a", "b", "--", "-c"});
  ASSERT_THAT(p, IsOk());
  EXPECT_THAT(p->args, ElementsAre("a", "b", "-c"));
  auto dash = P({"echo", "-"});
  ASSERT_THAT(dash, IsOk());
  EXPECT_THAT(dash->args, ElementsAre("-"));
  ExpectError({"echo"}, "missing required argument <first> for \"aicr echo\"");
  ExpectError({"completion", "bash", "zsh"}, "unexpected argument \"zsh\" for \"aicr completion\"");
  ExpectError({"recipe", "list", "x"}, "unexpected argument \"x\" for \"aicr recipe list\"");
}

TEST_F(ParserTest, CommandNamesAndDashesAfterTheCommandAreArguments) {
  auto p = P({"echo", "a", "completion", "--", "--debug", "--", "-5"});
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(Path(*p), "aicr echo");
  EXPECT_THAT(p->args, ElementsAre("a", "completion", "--debug", "--", "-5"));
  EXPECT_FALSE(p->flags.at("debug").set);
  ExpectError({"recipe", "list", "recipe"},
              "unexpected argument \"recipe\" for \"aicr recipe list\"");
  ExpectError({"recipe", "--", "list"}, "unexpected argument \"list\" for \"aicr recipe\"");
}

TEST_F(ParserTest, ParentCommandFlagsAreNotInheritedBySubcommands) {
  ExpectError({"recipe", "list", "--format", "json"}, "unknown flag --format");
  ExpectError({"recipe", "list", "--format"}, "unknown flag --format");
  ExpectError({"recipe", "list", "--wid"}, "unknown flag --wid; did you mean --wide?");
}

TEST_F(ParserTest, ErrorsComeInArgvOrder) {
  ExpectError({"--bogus", "recipe", "--nodes", "four"}, "unknown flag --bogus");
  ExpectError({"recipe", "--nodes", "four", "--bogus"},
              "invalid value \"four\" for flag --nodes: not an integer");
  ExpectError({"recipe", "--bogus", "-o"}, "unknown flag --bogus");
}

TEST_F(ParserTest, ArgumentValueSet) {
  ExpectError({"completion", "bsh"},
              "invalid value \"bsh\" for argument <shell> (valid values: bash, fish, zsh); did "
              "you mean \"bash\"?");
  ExpectError({"completion", "powershell"},
              "invalid value \"powershell\" for argument <shell> (valid values: bash, fish, zsh)");
  ExpectError({"completion"}, "missing required argument <shell> for \"aicr completion\"");
}

TEST_F(ParserTest, DoubleDashStopsSubcommandLookup) {
  ExpectError({"--", "completion"}, "unexpected argument \"completion\" for \"aicr\"");
}

TEST_F(ParserTest, HelpStopsParsingAndSkipsArgumentChecks) {
  auto p = P({"completion", "--help", "--bogus"});
  ASSERT_THAT(p, IsOk());
  EXPECT_TRUE(p->help);
  EXPECT_EQ(Path(*p), "aicr completion");
  auto q = P({"recipe", "-h"});
  ASSERT_THAT(q, IsOk());
  EXPECT_TRUE(q->help);
  // An error before --help still wins.
  ExpectError({"--bogus", "--help"}, "unknown flag --bogus");
}

TEST_F(ParserTest, GroupCommandNeedsNoArguments) {
  auto p = P({"group"});
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(Path(*p), "aicr group");
}

TEST_F(ParserTest, EnvTwins) {
  env_["AICR_TEST_TIMEOUT"] = "30s";
  env_["AICR_TEST_STRICT"] = "yes";
  env_["AICR_DEBUG"] = "1";
  auto p = P({"recipe"});
  ASSERT_THAT(p, IsOk());
  EXPECT_THAT(Values(*p, "timeout"), ElementsAre("30s"));
  EXPECT_TRUE(p->flags.at("timeout").set);
  EXPECT_THAT(Values(*p, "strict"), ElementsAre("true"));
  EXPECT_THAT(Values(*p, "debug"), ElementsAre("true"));
  auto flag_wins = P({"recipe", "--timeout", "1h"});
  ASSERT_THAT(flag_wins, IsOk());
  EXPECT_THAT(Values(*flag_wins, "timeout"), ElementsAre("1h"));
  env_["AICR_TEST_TIMEOUT"] = "soon";
  ExpectError({"recipe"},
              "invalid value \"soon\" for flag --timeout (from $AICR_TEST_TIMEOUT): not a "
              "duration (e.g. 90s, 5m, 1h30m)");
}

TEST_F(ParserTest, UnsetFlagsInScopeArePresentButNotSet) {
  auto p = P({"recipe"});
  ASSERT_THAT(p, IsOk());
  ASSERT_EQ(p->flags.count("format"), 1u);
  EXPECT_FALSE(p->flags.at("format").set);
  EXPECT_THAT(p->flags.at("format").values, IsEmpty());
  EXPECT_EQ(p->flags.count("debug"), 1u);
  EXPECT_EQ(p->flags.count("version"), 0u);
}

}  // namespace
}  // namespace aicr::cli
