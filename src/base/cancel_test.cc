#include "base/cancel.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "base/error_code.h"
#include "tests/testing/status_matchers.h"

namespace aicr {
namespace {

TEST(CancelTokenTest, CopiesShareState) {
  CancelToken a;
  CancelToken b = a;
  EXPECT_THAT(a.Check(), IsOk());
  b.Cancel();
  EXPECT_TRUE(a.IsCanceled());
  EXPECT_THAT(a.Check(), StatusIs(ErrorCode::kCanceled, "operation canceled"));
}

TEST(CancelTokenTest, SleepCompletesWhenNotCanceled) {
  CancelToken t;
  EXPECT_THAT(t.SleepFor(std::chrono::milliseconds(20)), IsOk());
}

TEST(CancelTokenTest, SleepWakesEarlyOnCancel) {
  CancelToken t;
  std::thread canceller([t] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    t.Cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  const Status s = t.SleepFor(std::chrono::seconds(30));
  canceller.join();
  EXPECT_THAT(s, StatusIs(ErrorCode::kCanceled, "operation canceled"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

// A child process installs the handlers, tells the parent it is ready, and waits on
// the token; the parent delivers a real signal. The child's exit status is the CLI
// exit code its cancellation maps to.
int RunChildAndSignal(int sig) {
  int ready[2];
  if (pipe(ready) != 0) {
    return -1;
  }
  const pid_t pid = fork();
  if (pid == 0) {
    close(ready[0]);
    CancelToken token = InstallSignalCancellation();
    const char byte = 'r';
    if (write(ready[1], &byte, 1) != 1) {
      _exit(100);
    }
    const Status s = token.SleepFor(std::chrono::seconds(30));
    if (LastCancelSignal() != sig) {
      _exit(101);
    }
    _exit(ExitCodeFor(s));
  }
  close(ready[1]);
  char byte = 0;
  if (read(ready[0], &byte, 1) != 1) {
    return -2;
  }
  close(ready[0]);
  kill(pid, sig);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -3;
}

TEST(SignalCancellationTest, SigintCancelsAndExitsNine) { EXPECT_EQ(RunChildAndSignal(SIGINT), 9); }

TEST(SignalCancellationTest, SigtermCancelsAndExitsNine) {
  EXPECT_EQ(RunChildAndSignal(SIGTERM), 9);
}

}  // namespace
}  // namespace aicr
