#include "base/cancel.h"

#include <csignal>
#include <thread>

namespace aicr {
namespace {

// The flag the signal handler sets. A raw pointer to an atomic<bool> is the only
// thing touched from the handler: lock-free atomics are async-signal-safe.
std::atomic<std::atomic<bool>*> g_signal_flag{nullptr};
std::shared_ptr<std::atomic<bool>> g_signal_owner;  // keeps the flag alive
volatile std::sig_atomic_t g_last_signal = 0;

extern "C" void OnCancelSignal(int sig) {
  if (g_last_signal != 0) {
    // Second signal: the user insists. Restore the default action and re-raise.
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  g_last_signal = sig;
  if (std::atomic<bool>* flag = g_signal_flag.load()) {
    flag->store(true);
  }
}

}  // namespace

CancelToken::CancelToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}

void CancelToken::Cancel() const { flag_->store(true); }

bool CancelToken::IsCanceled() const { return flag_->load(); }

Status CancelToken::Check() const {
  if (IsCanceled()) {
    return CanceledError("operation canceled");
  }
  return OkStatus();
}

Status CancelToken::SleepFor(std::chrono::milliseconds d) const {
  constexpr std::chrono::milliseconds kSlice(10);
  const auto deadline = std::chrono::steady_clock::now() + d;
  while (true) {
    if (IsCanceled()) {
      return CanceledError("operation canceled");
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      return OkStatus();
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    std::this_thread::sleep_for(left < kSlice ? left : kSlice);
  }
}

CancelToken InstallSignalCancellation() {
  CancelToken token;
  g_signal_owner = token.flag_;
  g_signal_flag.store(token.flag_.get());
  g_last_signal = 0;
  struct sigaction sa {};
  sa.sa_handler = OnCancelSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: blocking reads return EINTR and notice the token
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  return token;
}

int LastCancelSignal() { return static_cast<int>(g_last_signal); }

}  // namespace aicr
