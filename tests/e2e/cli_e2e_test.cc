// Black-box tests: run the real `aicr` binary (AICR_BINARY) in child processes and
// check exit codes, what goes to stdout and to stderr, and the completion scripts
// in real shells.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "tests/e2e/subprocess.h"

namespace aicr {
namespace {

using ::aicr::testing::HaveProgram;
using ::aicr::testing::ProcessOptions;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::RunOnTty;
using ::aicr::testing::RunProcess;
using ::aicr::testing::WriteTempFile;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

/// The logging and colour variables the tests control; unset unless a test sets them.
const std::vector<std::string> kLogEnv = {"AICR_DEBUG", "AICR_LOG_JSON", "NO_COLOR"};

ProcessResult Aicr(std::vector<std::string> args, ProcessOptions options = {}) {
  args.insert(args.begin(), AICR_BINARY);
  options.env_unset.insert(options.env_unset.end(), kLogEnv.begin(), kLogEnv.end());
  return RunProcess(args, options);
}

std::string TempDir() { return ::aicr::testing::TestTempDir(); }

TEST(CliE2ETest, VersionLine) {
  for (const char* flag : {"--version", "-v"}) {
    ProcessResult r = Aicr({flag});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_TRUE(
        std::regex_match(r.out, std::regex(R"(aicr version \S+ \(commit: \S+, date: \S+\)\n)")))
        << r.out;
    EXPECT_EQ(r.err, "");
  }
}

TEST(CliE2ETest, NoArgumentsAndHelpPrintHelpOnStdout) {
  ProcessResult none = Aicr({});
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_THAT(none.out, StartsWith("aicr - "));
  EXPECT_THAT(none.out, HasSubstr("completion"));
  EXPECT_EQ(none.err, "");
  for (const char* flag : {"-h", "--help"}) {
    ProcessResult help = Aicr({flag});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_EQ(help.out, none.out);
    EXPECT_EQ(help.err, "");
  }
  ProcessResult sub = Aicr({"completion", "--help"});
  EXPECT_EQ(sub.exit_code, 0);
  EXPECT_THAT(sub.out, StartsWith("aicr completion - print a shell completion script\n"));
  EXPECT_THAT(sub.out, HasSubstr("aicr completion <shell>"));
}

TEST(CliE2ETest, UsageErrorsExitTwoWithMessagesOnStderrOnly) {
  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  const std::vector<Case> cases = {
      {{"compltion"},
       "Error: unknown command \"compltion\" for \"aicr\"; did you mean \"completion\"?\n"},
      {{"frobnicate"}, "Error: unknown command \"frobnicate\" for \"aicr\"\n"},
      {{"--debgu"}, "Error: unknown flag --debgu; did you mean --debug?\n"},
      {{"completion", "--bogus", "bash"}, "Error: unknown flag --bogus\n"},
      {{"completion", "fsh"},
       "Error: invalid value \"fsh\" for argument <shell> (valid values: bash, fish, zsh); did "
       "you mean \"fish\"?\n"},
      {{"completion"}, "Error: missing required argument <shell> for \"aicr completion\"\n"},
      {{"completion", "bash", "zsh"},
       "Error: unexpected argument \"zsh\" for \"aicr completion\"\n"},
      {{"--log-json", "--log-json", "completion", "bash"}, ""},  // checked below
      {{"-v", "-v"}, "Error: flag -v given more than once\n"},
  };
  for (const Case& c : cases) {
    ProcessResult r = Aicr(c.args);
    EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(c.args);
    EXPECT_EQ(r.out, "") << ::testing::PrintToString(c.args);
    if (!c.err.empty()) {
      EXPECT_EQ(r.err, c.err);
    }
  }
  ProcessResult twice = Aicr({"--debug", "--debug"});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_THAT(twice.err, HasSubstr("error=\"flag --debug given more than once\""));
}

TEST(CliE2ETest, LogJsonWritesOneJsonObjectPerLine) {
  for (const auto& [args, env] :
       std::vector<std::pair<std::vector<std::string>, std::map<std::string, std::string>>>{
           {{"--log-json", "compltion"}, {}},
           {{"compltion"}, {{"AICR_LOG_JSON", "true"}}},
       }) {
    ProcessResult r = Aicr(args, {.env_set = env});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    ASSERT_FALSE(r.err.empty());
    std::istringstream lines(r.err);
    int count = 0;
    for (std::string line; std::getline(lines, line); ++count) {
      const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
      ASSERT_TRUE(j.is_object()) << line;
      EXPECT_EQ(j.value("level", ""), "ERROR");
      EXPECT_EQ(j.value("msg", ""), "command failed");
      EXPECT_EQ(j.value("error", ""),
                "unknown command \"compltion\" for \"aicr\"; did you mean \"completion\"?");
      EXPECT_EQ(j.value("exitCode", ""), "2");
    }
    EXPECT_EQ(count, 1);
  }
}

TEST(CliE2ETest, ErrorsAreRedOnATerminalUnlessNoColor) {
  ProcessResult tty = RunOnTty({AICR_BINARY, "compltion"}, {.env_unset = kLogEnv});
  EXPECT_EQ(tty.exit_code, 2);
  EXPECT_THAT(tty.out, HasSubstr("\x1b[31m"));
  EXPECT_THAT(tty.out, HasSubstr("unknown command"));
  ProcessResult plain =
      RunOnTty({AICR_BINARY, "compltion"},
               {.env_set = {{"NO_COLOR", "1"}}, .env_unset = {"AICR_DEBUG", "AICR_LOG_JSON"}});
  EXPECT_EQ(plain.exit_code, 2);
  EXPECT_THAT(plain.out, Not(HasSubstr("\x1b[")));
  EXPECT_THAT(plain.out, HasSubstr("Error: unknown command"));
  ProcessResult piped = Aicr({"compltion"});
  EXPECT_THAT(piped.err, Not(HasSubstr("\x1b[")));
}

TEST(CliE2ETest, CompletionScriptsGoToStdout) {
  for (const char* shell : {"bash", "zsh", "fish"}) {
    ProcessResult r = Aicr({"completion", shell});
    EXPECT_EQ(r.exit_code, 0) << shell;
    EXPECT_EQ(r.err, "") << shell;
    EXPECT_THAT(r.out, HasSubstr(std::string(shell) + " completion for aicr"));
  }
}

TEST(CliE2ETest, BashCompletionWorksInBash) {
  REQUIRE_PROGRAM("bash");
  const std::string driver =
      "source <(\"$1\" completion bash) || exit 3; shift\n"
      "COMP_WORDS=(\"$@\"); COMP_CWORD=$(( $# - 1 ))\n"
      "COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE}\n"
      "_aicr aicr \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"\n"
      "echo \"${COMPREPLY[*]}\"\n";
  auto complete = [&](std::vector<std::string> words) {
    std::vector<std::string> argv = {"bash", "--norc", "--noprofile", "-c",
                                     driver, "bash",   AICR_BINARY};
    argv.insert(argv.end(), words.begin(), words.end());
    ProcessResult r = RunProcess(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  };
  EXPECT_EQ(complete({"aicr", ""}),
            "bundle completion diff evidence mirror query recipe skill snapshot validate verify "
            "verify-blob\n");
  EXPECT_EQ(complete({"aicr", "recipe", "--gp"}), "--gpu\n");
  EXPECT_EQ(complete({"aicr", "recipe", "-t", ""}), "json table yaml\n");
  EXPECT_EQ(complete({"aicr", "completion", ""}), "bash fish zsh\n");
  EXPECT_EQ(complete({"aicr", "--de"}), "--debug\n");
  EXPECT_EQ(complete({"aicr", "completion", "--l"}), "--log-json\n");
}

TEST(CliE2ETest, BashScriptIsShellcheckClean) {
  REQUIRE_PROGRAM("shellcheck");
  ProcessResult script = Aicr({"completion", "bash"});
  ASSERT_EQ(script.exit_code, 0);
  ProcessResult r = RunProcess({"shellcheck", "-s", "bash", "-"}, {.stdin_data = script.out});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(CliE2ETest, FishCompletionWorksInFish) {
  REQUIRE_PROGRAM("fish");
  ProcessResult r = RunProcess(
      {"fish", "--no-config", "-c",
       "$argv[1] completion fish | source; complete -C 'aicr comp'; complete -C 'aicr completion '",
       AICR_BINARY},
      {.env_set = {{"HOME", TempDir()}}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "completion\tprint a shell completion script\n"
            "bash\tthe shell to complete for\n"
            "fish\tthe shell to complete for\n"
            "zsh\tthe shell to complete for\n");
}

TEST(CliE2ETest, ZshCompletionLoadsUnderCompinit) {
  REQUIRE_PROGRAM("zsh");
  ProcessResult script = Aicr({"completion", "zsh"});
  const std::string path = WriteTempFile("e2e.zsh", script.out);
  EXPECT_EQ(RunProcess({"zsh", "-n", path}).exit_code, 0);
  ProcessResult r =
      RunProcess({"zsh", "-f", "-c",
                  "autoload -U compinit && compinit -u -D && source <(\"$1\" completion zsh) && "
                  "print -r -- ${_comps[aicr]} && whence -w _aicr",
                  "zsh", AICR_BINARY},
                 {.env_set = {{"HOME", TempDir()}}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "_aicr\n_aicr: function\n");
}

}  // namespace
}  // namespace aicr

namespace aicr {
namespace {

// `aicr skill` through the binary, with HOME pointing at a scratch directory.
TEST(SkillE2ETest, PrintsInstallsAndProtectsTheSkillFile) {
  const std::string home = TempDir() + "/skill-home";
  std::filesystem::remove_all(home);
  std::filesystem::create_directories(home);
  ProcessOptions options;
  options.env_set["HOME"] = home;
  options.env_unset = {"AICR_DEBUG", "AICR_LOG_JSON"};

  ProcessResult r = Aicr({"skill", "--agent", "codex", "--stdout"}, options);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("---\nname: aicr\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("### `aicr bundle"), std::string::npos);
  EXPECT_NE(r.out.find("- **service**: `"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(home + "/.codex"));

  const std::string path = home + "/.claude/skills/aicr/SKILL.md";
  r = Aicr({"skill", "--agent", "claude-code"}, options);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, path + "\n");
  EXPECT_NE(::aicr::testing::ReadFile(path).find("user_invocable: true"), std::string::npos);
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  // Not a terminal: an existing file is kept unless --force.
  std::ofstream(path, std::ios::binary | std::ios::trunc) << "edited by hand\n";
  r = Aicr({"skill", "--agent", "claude-code"}, options);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("use --force to overwrite"), std::string::npos) << r.err;
  EXPECT_EQ(::aicr::testing::ReadFile(path), "edited by hand\n");
  // On a terminal the user is asked; "n" keeps the file, "y" replaces it.
  ProcessOptions answer_no = options;
  answer_no.stdin_data = "n\n";
  r = RunOnTty({AICR_BINARY, "skill", "--agent", "claude-code"}, answer_no);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("skill file already exists: " + path), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("overwrite? [y/N]: "), std::string::npos) << r.out;
  EXPECT_EQ(::aicr::testing::ReadFile(path), "edited by hand\n");
  ProcessOptions answer_yes = options;
  answer_yes.stdin_data = "y\n";
  r = RunOnTty({AICR_BINARY, "skill", "--agent", "claude-code"}, answer_yes);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(::aicr::testing::ReadFile(path).find("# AICR CLI ("), std::string::npos);

  std::ofstream(path, std::ios::binary | std::ios::trunc) << "edited again\n";
  r = Aicr({"skill", "--agent", "claude-code", "--force"}, options);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(::aicr::testing::ReadFile(path).find("# AICR CLI ("), std::string::npos);

  r = Aicr({"skill"}, options);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("required flag --agent"), std::string::npos) << r.err;
  r = Aicr({"skill", "--agent", "cursor"}, options);
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace aicr
