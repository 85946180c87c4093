#include "cli/app.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "base/error_code.h"
#include "base/version.h"
#include "cli/builtin_commands.h"
#include "cli/test_table_for_test.h"

namespace aicr::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

Outcome RunReal(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  const int code = Run(args, out, err);
  return {code, out.str(), err.str()};
}

Outcome RunTest(const std::vector<std::string>& args) {
  static const CommandSpec* const kTable = new CommandSpec(TestTable());
  std::ostringstream out;
  std::ostringstream err;
  const int code = Run(*kTable, args, out, err, [](const std::string&) { return std::nullopt; });
  return {code, out.str(), err.str()};
}

TEST(AppTest, VersionPrintsTheVersionLine) {
  for (const char* flag : {"--version", "-v"}) {
    Outcome o = RunReal({flag});
    EXPECT_EQ(o.code, 0);
    EXPECT_EQ(o.out, VersionLine("aicr") + "\n");
    EXPECT_EQ(o.err, "");
  }
}

TEST(AppTest, NoArgumentsPrintsHelpAndSucceeds) {
  Outcome o = RunReal({});
  EXPECT_EQ(o.code, 0);
  EXPECT_THAT(o.out, StartsWith("aicr - "));
  EXPECT_EQ(o.err, "");
  EXPECT_EQ(o.out, RunReal({"--help"}).out);
}

TEST(AppTest, HelpMentionsEveryCommandAndGlobalFlag) {
  const CommandSpec table = BuildCommandTable();
  Outcome o = RunReal({"-h"});
  EXPECT_EQ(o.code, 0);
  for (const CommandSpec& cmd : table.subcommands) {
    EXPECT_THAT(o.out, HasSubstr("  " + cmd.name + "  ")) << cmd.name;
    Outcome sub = RunReal({cmd.name, "--help"});
    EXPECT_EQ(sub.code, 0);
    EXPECT_THAT(sub.out, StartsWith("aicr " + cmd.name + " - " + cmd.summary + "\n"));
  }
  for (const char* flag : {"--debug", "--log-json", "-v, --version", "-h, --help"}) {
    EXPECT_THAT(o.out, HasSubstr(flag));
  }
}

TEST(AppTest, SubcommandHelpListsFlagsAliasesAndEnv) {
  Outcome o = RunTest({"recipe", "--help"});
  EXPECT_EQ(o.code, 0);
  EXPECT_EQ(o.out,
            "aicr recipe - resolve a recipe\n"
            "\n"
            "Usage:\n"
            "  aicr recipe [flags] <command>\n"
            "\n"
            "Resolves a recipe from criteria.\n"
            "\n"
            "Aliases:\n"
            "  rcp\n"
            "\n"
            "Commands:\n"
            "  list  list recipes\n"
            "\n"
            "Flags:\n"
            "      --accelerator, --gpu string  accelerator type (h100, gb200, ...)\n"
            "  -t, --format string              output format (one of: json, table, yaml) "
            "(default: yaml)\n"
            "  -o, --output FILE                output file, '-' for stdout [default]\n"
            "      --nodes int                  node count\n"
            "      --timeout duration           how long to wait (default: 5m) "
            "[$AICR_TEST_TIMEOUT]\n"
            "  -s, --set string[]               override a value (repeatable)\n"
            "  -S, --strict                     reject unknown values [$AICR_TEST_STRICT]\n"
            "\n"
            "Global flags:\n"
            "      --debug     enable debug logging (text format with time, level and source) "
            "[$AICR_DEBUG]\n"
            "      --log-json  log one JSON object per line (wins over --debug for the format) "
            "[$AICR_LOG_JSON]\n"
            "  -h, --help      show help for the command\n"
            "\n"
            "Run \"aicr recipe <command> --help\" for more information on a command.\n");
}

TEST(AppTest, GroupCommandWithoutHandlerPrintsHelp) {
  Outcome o = RunTest({"group"});
  EXPECT_EQ(o.code, 0);
  EXPECT_THAT(o.out, StartsWith("aicr group - a group without a handler\n"));
}

TEST(AppTest, UsageErrorsExitTwoOnStderrOnly) {
  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  const Case cases[] = {
      {{"compltion"},
       "Error: unknown command \"compltion\" for \"aicr\"; did you mean \"completion\"?\n"},
      {{"--debgu"}, "Error: unknown flag --debgu; did you mean --debug?\n"},
      {{"completion", "bash", "--log-jsn"},
       "Error: unknown flag --log-jsn; did you mean --log-json?\n"},
      {{"completion", "bsh"},
       "Error: invalid value \"bsh\" for argument <shell> (valid values: bash, fish, zsh); did "
       "you mean \"bash\"?\n"},
      {{"completion"}, "Error: missing required argument <shell> for \"aicr completion\"\n"},
      {{"completion", "bash", "bash"},
       "Error: unexpected argument \"bash\" for \"aicr completion\"\n"},
  };
  for (const Case& c : cases) {
    Outcome o = RunReal(c.args);
    EXPECT_EQ(o.code, 2) << c.err;
    EXPECT_EQ(o.out, "") << c.err;
    EXPECT_EQ(o.err, c.err);
  }
  Outcome dup = RunTest({"recipe", "-o", "a", "-o", "b"});
  EXPECT_EQ(dup.code, 2);
  EXPECT_EQ(dup.err, "Error: flag -o given more than once\n");
}

TEST(AppTest, HandlerStatusMapsToExitCode) {
  for (int i = static_cast<int>(ErrorCode::kInvalidRequest);
       i <= static_cast<int>(ErrorCode::kUnknown); ++i) {
    const auto code = static_cast<ErrorCode>(i);
    const std::string name(ErrorCodeName(code));
    Outcome o = RunTest({"fail", name});
    EXPECT_EQ(o.code, ExitCodeFor(code)) << name;
    EXPECT_EQ(o.out, "");
    EXPECT_EQ(o.err, "Error: failing with " + name + "\n");
  }
  // The table itself, spelled out.
  EXPECT_EQ(RunTest({"fail", "INVALID_REQUEST"}).code, 2);
  EXPECT_EQ(RunTest({"fail", "METHOD_NOT_ALLOWED"}).code, 2);
  EXPECT_EQ(RunTest({"fail", "CONFLICT"}).code, 2);
  EXPECT_EQ(RunTest({"fail", "NOT_FOUND"}).code, 3);
  EXPECT_EQ(RunTest({"fail", "UNAUTHORIZED"}).code, 4);
  EXPECT_EQ(RunTest({"fail", "TIMEOUT"}).code, 5);
  EXPECT_EQ(RunTest({"fail", "SERVICE_UNAVAILABLE"}).code, 6);
  EXPECT_EQ(RunTest({"fail", "RATE_LIMIT_EXCEEDED"}).code, 7);
  EXPECT_EQ(RunTest({"fail", "INTERNAL"}).code, 8);
  EXPECT_EQ(RunTest({"fail", "CANCELED"}).code, 9);
  EXPECT_EQ(RunTest({"fail", "SOMETHING_ELSE"}).code, 1);
}

TEST(AppTest, ExceptionIsAnInternalError) {
  Outcome o = RunTest({"throw"});
  EXPECT_EQ(o.code, 8);
  EXPECT_EQ(o.err, "Error: internal error: boom\n");
}

TEST(AppTest, SigintCancelsTheHandlerToken) {
  Outcome o = RunTest({"interrupt"});
  EXPECT_EQ(o.code, 9);
  EXPECT_EQ(o.err, "Error: operation canceled\n");
}

TEST(AppTest, HandlerSeesParsedValuesAndDefaults) {
  Outcome o = RunTest({"--debug", "recipe", "--gpu", "h100", "-s", "a", "-s", "b", "--timeout",
                       "1.5s", "-S", "--nodes", "-3"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out,
            "path=aicr recipe\n"
            "accelerator*=h100\n"
            "format=yaml\n"
            "output=\n"
            "nodes*=-3\n"
            "timeout*=1500000000ns\n"
            "set*=[a][b]\n"
            "strict*=true\n"
            "secret=\n");
}

TEST(AppTest, LogJsonTurnsErrorsIntoJsonLines) {
  Outcome o = RunReal({"--log-json", "compltion"});
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.out, "");
  EXPECT_THAT(o.err, StartsWith("{"));
  EXPECT_THAT(o.err, HasSubstr("\"msg\":\"command failed\""));
  EXPECT_THAT(o.err, HasSubstr("\"exitCode\":\"2\""));
  EXPECT_THAT(o.err, HasSubstr("unknown command \\\"compltion\\\" for \\\"aicr\\\""));
  EXPECT_EQ(o.err.back(), '\n');
  EXPECT_EQ(o.err.find('\n'), o.err.size() - 1);
}

TEST(AppTest, DebugUsesTheTextFormat) {
  Outcome o = RunReal({"--debug", "--bogus"});
  EXPECT_EQ(o.code, 2);
  EXPECT_THAT(o.err, HasSubstr("level=ERROR"));
  EXPECT_THAT(o.err, HasSubstr("msg=\"command failed\""));
  EXPECT_THAT(o.err, HasSubstr("exitCode=2"));
}

TEST(AppTest, CompletionPrintsScripts) {
  for (const char* shell : {"bash", "zsh", "fish"}) {
    Outcome o = RunReal({"completion", shell});
    EXPECT_EQ(o.code, 0);
    EXPECT_EQ(o.err, "");
    EXPECT_THAT(o.out, HasSubstr("completion for aicr")) << shell;
  }
}

}  // namespace
}  // namespace aicr::cli
