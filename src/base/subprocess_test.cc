#include "base/subprocess.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "tests/testing/status_matchers.h"

namespace aicr {
namespace {

using ::testing::HasSubstr;

TEST(SubprocessTest, CapturesStdoutStderrAndExitStatus) {
  SubprocessOptions o;
  o.argv = {"sh", "-c", "echo out; echo err >&2; exit 3"};
  Result<SubprocessResult> r = RunSubprocess(o);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->signal, 0);
  EXPECT_FALSE(r->timed_out);
  EXPECT_FALSE(r->success());
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
}

TEST(SubprocessTest, ArgumentsAreNotInterpretedByAShell) {
  SubprocessOptions o;
  o.argv = {"printf", "%s|", "a b", "$HOME", "*"};
  Result<SubprocessResult> r = RunSubprocess(o);
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->success());
  EXPECT_EQ(r->out, "a b|$HOME|*|");
}

TEST(SubprocessTest, EnvironmentAdditionsOverrideTheInheritedOnes) {
  setenv("AICR_SUBPROCESS_TEST_A", "inherited", 1);
  SubprocessOptions o;
  o.argv = {"sh", "-c", "printf '%s,%s' \"$AICR_SUBPROCESS_TEST_A\" \"$AICR_SUBPROCESS_TEST_B\""};
  o.env_add = {{"AICR_SUBPROCESS_TEST_B", "first"}, {"AICR_SUBPROCESS_TEST_B", "second"}};
  Result<SubprocessResult> r = RunSubprocess(o);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->out, "inherited,second");

  o.env_add = {{"AICR_SUBPROCESS_TEST_A", "replaced"}};
  r = RunSubprocess(o);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->out, "replaced,");
  unsetenv("AICR_SUBPROCESS_TEST_A");
}

TEST(SubprocessTest, EnvironmentCanBeReplacedEntirely) {
  setenv("AICR_SUBPROCESS_TEST_A", "inherited", 1);
  SubprocessOptions o;
  o.argv = {"/bin/sh", "-c", "printf '%s,%s' \"${AICR_SUBPROCESS_TEST_A-unset}\" \"$ONLY\""};
  o.env = std::vector<std::string>{"ONLY=this"};
  Result<SubprocessResult> r = RunSubprocess(o);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->out, "unset,this");
  unsetenv("AICR_SUBPROCESS_TEST_A");
}

TEST(SubprocessTest, StdinDataIsFedAndNullByDefault) {
  SubprocessOptions o;
  o.argv = {"cat"};
  o.stdin_mode = SubprocessStdin::kData;
  o.stdin_data = std::string(200000, 'x') + "end";
  Result<SubprocessResult> r = RunSubprocess(o);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->out, o.stdin_data);

  SubprocessOptions null_in;
  null_in.argv = {"cat"};
  r = RunSubprocess(null_in);
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->success());
  EXPECT_EQ(r->out, "");
}

TEST(SubprocessTest, ChildThatIgnoresStdinDoesNotKillUs) {
  SubprocessOptions o;
  o.argv = {"true"};
  o.stdin_mode = SubprocessStdin::kData;
  o.stdin_data = std::string(1 << 20, 'x');
  Result<SubprocessResult> r = RunSubprocess(o);
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->success());
}

TEST(SubprocessTest, OutputBeyondTheCapIsDiscarded) {
  SubprocessOptions o;
  o.argv = {"sh", "-c", "head -c 100000 /dev/zero; head -c 5000 /dev/zero >&2"};
  o.max_stdout_bytes = 1000;
  o.max_stderr_bytes = 10;
  Result<SubprocessResult> r = RunSubprocess(o);
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->success());
  EXPECT_EQ(r->out.size(), 1000u);
  EXPECT_TRUE(r->out_truncated);
  EXPECT_EQ(r->err.size(), 10u);
  EXPECT_TRUE(r->err_truncated);
}

TEST(SubprocessTest, TimeoutKillsTheChildAndItsDescendants) {
  SubprocessOptions o;
  // The background sleep keeps stdout open; the run must still end at the deadline.
  o.argv = {"sh", "-c", "echo started; sleep 30 & sleep 30"};
  o.timeout = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  Result<SubprocessResult> r = RunSubprocess(o);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->timed_out);
  EXPECT_FALSE(r->success());
  EXPECT_EQ(r->signal, SIGKILL);
  EXPECT_EQ(r->out, "started\n");
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST(SubprocessTest, ExitedChildWithLingeringDescendantReturnsPromptly) {
  SubprocessOptions o;
  o.argv = {"sh", "-c", "sleep 3 & echo done"};
  const auto start = std::chrono::steady_clock::now();
  Result<SubprocessResult> r = RunSubprocess(o);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->success());
  EXPECT_EQ(r->out, "done\n");
  EXPECT_LT(elapsed, std::chrono::seconds(2));
}

TEST(SubprocessTest, CancelKillsTheChild) {
  CancelToken cancel;
  std::thread canceller([cancel] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel.Cancel();
  });
  SubprocessOptions o;
  o.argv = {"sleep", "30"};
  const auto start = std::chrono::steady_clock::now();
  Result<SubprocessResult> r = RunSubprocess(o, cancel);
  canceller.join();
  EXPECT_THAT(r, StatusIs(ErrorCode::kCanceled, HasSubstr("\"sleep\"")));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(SubprocessTest, AlreadyCanceledTokenDoesNotStartTheChild) {
  CancelToken cancel;
  cancel.Cancel();
  SubprocessOptions o;
  o.argv = {"true"};
  EXPECT_THAT(RunSubprocess(o, cancel), StatusIs(ErrorCode::kCanceled, HasSubstr("canceled")));
}

TEST(SubprocessTest, MissingCommandIsNotFound) {
  SubprocessOptions o;
  o.argv = {"aicr-no-such-command-xyz", "arg"};
  EXPECT_THAT(RunSubprocess(o),
              StatusIs(ErrorCode::kNotFound, "command \"aicr-no-such-command-xyz\" not found"));
  o.argv = {"/nonexistent/dir/tool"};
  EXPECT_THAT(RunSubprocess(o), StatusIs(ErrorCode::kNotFound, HasSubstr("not found")));
}

TEST(SubprocessTest, NonExecutableFileIsInvalid) {
  SubprocessOptions o;
  o.argv = {"/etc/hostname"};
  EXPECT_THAT(RunSubprocess(o),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("cannot be executed")));
}

TEST(SubprocessTest, EmptyArgvIsInvalid) {
  EXPECT_THAT(RunSubprocess(SubprocessOptions{}),
              StatusIs(ErrorCode::kInvalidRequest, "subprocess: empty command"));
}

TEST(SubprocessTest, SignalledChildReportsTheSignal) {
  SubprocessOptions o;
  o.argv = {"sh", "-c", "kill -TERM $$"};
  Result<SubprocessResult> r = RunSubprocess(o);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->exit_code, -1);
  EXPECT_EQ(r->signal, SIGTERM);
  EXPECT_FALSE(r->timed_out);
}

}  // namespace
}  // namespace aicr
