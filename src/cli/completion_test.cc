// Drives the generated completion scripts in the real shells: bash (COMP_WORDS and the
// completion function), fish (`complete -C`) and zsh (syntax, compdef registration and
// real completion through zsh/zpty). Also runs shellcheck on the bash script.

#include "cli/completion.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli/builtin_commands.h"
#include "cli/test_table_for_test.h"
#include "tests/e2e/subprocess.h"
#include "tests/testing/status_matchers.h"

namespace aicr::cli {
namespace {

using ::aicr::testing::HaveProgram;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::RunProcess;
using ::aicr::testing::WriteTempFile;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> SortedLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) {
      lines.push_back(line);
    }
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

class BashCompletionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_PROGRAM("bash");
    script_ = WriteTempFile("completion.bash", BashCompletion(TestTable()));
  }

  /// COMPREPLY for the command line `words` (the last word is the one completed).
  std::vector<std::string> Complete(const std::vector<std::string>& words) {
    std::vector<std::string> argv = {
        "bash",
        "--norc",
        "--noprofile",
        "-c",
        "source \"$1\" || exit 3; shift\n"
        "COMP_WORDS=(\"$@\"); COMP_CWORD=$(( $# - 1 ))\n"
        "COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE}\n"
        "_aicr aicr \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\" || exit 4\n"
        "if (( ${#COMPREPLY[@]} )); then printf '%s\\n' \"${COMPREPLY[@]}\"; fi\n",
        "bash",
        script_};
    argv.insert(argv.end(), words.begin(), words.end());
    ProcessResult r = RunProcess(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    return SortedLines(r.out);
  }

  std::string script_;
};

TEST_F(BashCompletionTest, TopLevelCommands) {
  EXPECT_THAT(Complete({"aicr", ""}),
              ElementsAre("completion", "echo", "fail", "group", "interrupt", "recipe", "throw"));
  EXPECT_THAT(Complete({"aicr", "re"}), ElementsAre("recipe"));
}

TEST_F(BashCompletionTest, CompletionShells) {
  EXPECT_THAT(Complete({"aicr", "completion", ""}), ElementsAre("bash", "fish", "zsh"));
  EXPECT_THAT(Complete({"aicr", "completion", "z"}), ElementsAre("zsh"));
  EXPECT_THAT(Complete({"aicr", "completion", "bash", ""}), IsEmpty());
}

TEST_F(BashCompletionTest, GlobalAndCommandFlags) {
  EXPECT_THAT(Complete({"aicr", "--de"}), ElementsAre("--debug"));
  EXPECT_THAT(Complete({"aicr", "-"}),
              ElementsAre("--debug", "--help", "--log-json", "--version", "-h", "-v"));
  EXPECT_THAT(Complete({"aicr", "completion", "--"}),
              ElementsAre("--debug", "--help", "--log-json"));
  EXPECT_THAT(Complete({"aicr", "recipe", "--g"}), ElementsAre("--gpu"));
  EXPECT_THAT(Complete({"aicr", "recipe", "--acc"}), ElementsAre("--accelerator"));
  EXPECT_THAT(Complete({"aicr", "recipe", "-"}), Contains("-o"));
  EXPECT_THAT(Complete({"aicr", "recipe", "--se"}), ElementsAre("--set"));  // hidden --secret
}

TEST_F(BashCompletionTest, FlagValues) {
  EXPECT_THAT(Complete({"aicr", "recipe", "--format", ""}), ElementsAre("json", "table", "yaml"));
  EXPECT_THAT(Complete({"aicr", "recipe", "-t", "y"}), ElementsAre("yaml"));
  // COMP_WORDBREAKS splits --format=j into --format, =, j.
  EXPECT_THAT(Complete({"aicr", "recipe", "--format", "=", "j"}), ElementsAre("json"));
  EXPECT_THAT(Complete({"aicr", "recipe", "--format", "="}), ElementsAre("json", "table", "yaml"));
  // Free-form values fall back to readline's default (files).
  EXPECT_THAT(Complete({"aicr", "recipe", "--gpu", ""}), IsEmpty());
}

TEST_F(BashCompletionTest, SubcommandsAfterFlagsAndAliases) {
  EXPECT_THAT(Complete({"aicr", "--debug", "recipe", ""}), ElementsAre("list"));
  EXPECT_THAT(Complete({"aicr", "recipe", "-o", "out.yaml", "--gpu", "h100", ""}),
              ElementsAre("list"));
  EXPECT_THAT(Complete({"aicr", "rcp", "l"}), ElementsAre("list"));
  EXPECT_THAT(Complete({"aicr", "recipe", "list", "--w"}), ElementsAre("--wide"));
  EXPECT_THAT(Complete({"aicr", "group", ""}), ElementsAre("leaf"));
}

TEST_F(BashCompletionTest, RegistersWithAndWithoutBashCompletion) {
  ProcessResult plain = RunProcess({"bash", "--norc", "--noprofile", "-c",
                                    "source \"$1\" && complete -p aicr", "bash", script_});
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.out, "complete -o default -F _aicr aicr\n");
  const std::string framework = "/usr/share/bash-completion/bash_completion";
  if (std::ifstream(framework).good()) {
    ProcessResult loaded = RunProcess(
        {"bash", "--norc", "--noprofile", "-c",
         "source \"$2\"; source \"$1\" && complete -p aicr && "
         "COMP_WORDS=(aicr completion ''); COMP_CWORD=2; _aicr && echo \"${COMPREPLY[*]}\"",
         "bash", script_, framework});
    EXPECT_EQ(loaded.exit_code, 0) << loaded.err;
    EXPECT_EQ(loaded.out, "complete -o default -F _aicr aicr\nbash fish zsh\n");
  }
}

TEST(ShellcheckTest, BashScriptsAreClean) {
  REQUIRE_PROGRAM("shellcheck");
  for (const CommandSpec& table : {BuildCommandTable(), TestTable()}) {
    const std::string script = WriteTempFile("shellcheck.bash", BashCompletion(table));
    ProcessResult r =
        RunProcess({"shellcheck", "-s", "bash", "-o", "all", "-e", "SC2250,SC2312", script});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  }
}

class FishCompletionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_PROGRAM("fish");
    script_ = WriteTempFile("completion.fish", FishCompletion(TestTable()));
  }

  /// `complete -C line` output lines, sorted.
  std::vector<std::string> Complete(const std::string& line) {
    ProcessResult r = RunProcess(
        {"fish", "--no-config", "-c", "source $argv[1]; and complete -C $argv[2]", script_, line},
        {.env_set = {{"HOME", TempHome()}}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    return SortedLines(r.out);
  }

  static std::string TempHome() { return ::aicr::testing::TestTempDir(); }

  std::string script_;
};

TEST_F(FishCompletionTest, CommandsWithDescriptions) {
  EXPECT_THAT(Complete("aicr comp"), ElementsAre("completion\tprint a shell completion script"));
  EXPECT_THAT(Complete("aicr "), Contains("recipe\tresolve a recipe"));
  EXPECT_THAT(Complete("aicr rcp "), ElementsAre("list\tlist recipes"));
  EXPECT_THAT(Complete("aicr --debug recipe l"), ElementsAre("list\tlist recipes"));
}

TEST_F(FishCompletionTest, ShellArgument) {
  EXPECT_THAT(Complete("aicr completion "),
              ElementsAre("bash\tthe shell to complete for", "fish\tthe shell to complete for",
                          "zsh\tthe shell to complete for"));
  EXPECT_THAT(Complete("aicr completion bash "), IsEmpty());
}

TEST_F(FishCompletionTest, FlagsAndAliases) {
  EXPECT_THAT(Complete("aicr --de"),
              ElementsAre("--debug\tenable debug logging (text format with time, level and "
                          "source)"));
  EXPECT_THAT(Complete("aicr recipe --g"),
              ElementsAre("--gpu\taccelerator type (h100, gb200, ...)"));
  EXPECT_THAT(Complete("aicr recipe --ou"),
              ElementsAre("--output\toutput file, '-' for stdout [default]"));
  EXPECT_THAT(Complete("aicr completion --ver"), IsEmpty());  // --version is root-only
}

TEST_F(FishCompletionTest, FlagValues) {
  EXPECT_THAT(Complete("aicr recipe --format "), ElementsAre("json", "table", "yaml"));
  EXPECT_THAT(Complete("aicr recipe --format=y"), ElementsAre("--format=yaml"));
  EXPECT_THAT(Complete("aicr recipe -t j"), ElementsAre("json"));
}

class ZshCompletionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_PROGRAM("zsh");
    script_ = WriteTempFile("completion.zsh", ZshCompletion(TestTable()));
  }

  static std::map<std::string, std::string> Env() {
    return {{"HOME", ::aicr::testing::TestTempDir()}};
  }

  /// Real completion: an interactive zsh on a zpty gets `line` and a TAB; a compadd
  /// wrapper records the matches it adds.
  std::vector<std::string> Complete(const std::string& line) {
    const std::string out = WriteTempFile("zsh-matches", "");
    const std::string init = WriteTempFile(
        "zsh-init.zsh",
        "PROMPT=''\n"
        "autoload -U compinit && compinit -u -D\n"
        "source '" +
            script_ +
            "'\n"
            "bindkey '^I' complete-word\n"
            "compadd() {\n"
            "  local a\n"
            "  for a in \"$@\"; do\n"
            "    [[ $a == (-|--) ]] && break\n"
            "    if [[ $a == -[a-zA-Z]#[OAD]* ]]; then builtin compadd \"$@\"; return; fi\n"
            "  done\n"
            "  local -a hits\n"
            "  builtin compadd -A hits \"$@\"\n"
            "  (( ${#hits} )) && print -rl -- $hits >> '" +
            out +
            "'\n"
            "  builtin compadd \"$@\"\n"
            "}\n"
            "aicr_test_done() { print -r -- __DONE__ >> '" +
            out +
            "'; exit }\n"
            "comppostfuncs=(aicr_test_done)\n"
            "print -r -- __READY__ >> '" +
            out + "'\n");
    ProcessResult r = RunProcess(
        {"zsh", "-f", "-c",
         "zmodload zsh/zpty || exit 3\n"
         "zpty z zsh -f -i || exit 4\n"
         "zpty -w z \"source $1\"\n"
         "repeat 200; do grep -q __READY__ $2 && break; sleep 0.05; zpty -r -t z junk; done\n"
         "zpty -w -n z \"$3\"$'\\t'\n"
         "repeat 200; do grep -q __DONE__ $2 && break; sleep 0.05; zpty -r -t z junk; done\n"
         "zpty -d z\n"
         "grep -q __DONE__ $2 || exit 5\n",
         "zsh", init, out, line},
        {.env_set = Env()});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    std::ifstream in(out);
    std::stringstream text;
    text << in.rdbuf();
    std::vector<std::string> matches;
    for (const std::string& m : SortedLines(text.str())) {
      if (m != "__READY__" && m != "__DONE__") {
        matches.push_back(m);
      }
    }
    matches.erase(std::unique(matches.begin(), matches.end()), matches.end());
    return matches;
  }

  std::string script_;
};

TEST_F(ZshCompletionTest, SyntaxIsValid) {
  ProcessResult r = RunProcess({"zsh", "-n", script_});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string real = WriteTempFile("real.zsh", ZshCompletion(BuildCommandTable()));
  EXPECT_EQ(RunProcess({"zsh", "-n", real}).exit_code, 0);
}

TEST_F(ZshCompletionTest, SourcingRegistersWithCompdef) {
  ProcessResult r = RunProcess(
      {"zsh", "-f", "-c",
       "autoload -U compinit && compinit -u -D && source $1 && print -r -- ${_comps[aicr]} && "
       "whence -w _aicr _aicr_completion _aicr_recipe_list",
       "zsh", script_},
      {.env_set = Env()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "_aicr\n_aicr: function\n_aicr_completion: function\n_aicr_recipe_list: function\n");
}

TEST_F(ZshCompletionTest, FpathAutoloadRegistersThroughCompdefLine) {
  const std::string dir = ::aicr::testing::TestTempDir() + "/fpath";
  ASSERT_EQ(RunProcess({"mkdir", "-p", dir}).exit_code, 0);
  std::ofstream(dir + "/_aicr") << ZshCompletion(TestTable());
  ProcessResult r = RunProcess({"zsh", "-f", "-c",
                                "fpath=($1 $fpath); autoload -U compinit && compinit -u -D && "
                                "print -r -- ${_comps[aicr]}",
                                "zsh", dir},
                               {.env_set = Env()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "_aicr\n");
}

TEST_F(ZshCompletionTest, CompletesCommandsArgumentsFlagsAndValues) {
  EXPECT_THAT(Complete("aicr "),
              ElementsAre("completion", "echo", "fail", "group", "interrupt", "recipe", "throw"));
  EXPECT_THAT(Complete("aicr completion "), ElementsAre("bash", "fish", "zsh"));
  EXPECT_THAT(Complete("aicr --de"), ElementsAre("--debug"));
  EXPECT_THAT(Complete("aicr recipe --g"), ElementsAre("--gpu"));
  EXPECT_THAT(Complete("aicr recipe --format "), ElementsAre("json", "table", "yaml"));
  EXPECT_THAT(Complete("aicr rcp "), ElementsAre("list"));
}

TEST(CompletionScriptTest, UnknownShellSuggests) {
  EXPECT_THAT(CompletionScript(TestTable(), "bsh"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "unsupported shell \"bsh\" (valid values: bash, fish, zsh); did you mean "
                       "\"bash\"?"));
  EXPECT_THAT(CompletionScript(TestTable(), "bash"), IsOk());
}

TEST(CompletionScriptTest, ScriptsAreDeterministicAndNameEveryCommand) {
  const CommandSpec table = TestTable();
  for (const std::string& shell : CompletionShells()) {
    Result<std::string> a = CompletionScript(table, shell);
    Result<std::string> b = CompletionScript(table, shell);
    ASSERT_THAT(a, IsOk());
    EXPECT_EQ(*a, *b);
    for (const char* word : {"completion", "recipe", "list", "leaf", "--accelerator", "gpu"}) {
      EXPECT_THAT(*a, HasSubstr(word)) << shell;
    }
    EXPECT_THAT(*a, ::testing::Not(HasSubstr("secret"))) << shell;
  }
}

}  // namespace
}  // namespace aicr::cli
