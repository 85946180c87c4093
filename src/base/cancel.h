#pragma once

/// \file
/// Cooperative cancellation. Long operations take a CancelToken and return
/// CanceledError when it fires; SIGINT/SIGTERM fire the process token.

#include <atomic>
#include <chrono>
#include <memory>

#include "base/status.h"

namespace aicr {

class CancelToken;
CancelToken InstallSignalCancellation();

/// A shared flag. Copies observe the same state. Cancel() is async-signal-safe.
class CancelToken {
 public:
  CancelToken();

  void Cancel() const;
  bool IsCanceled() const;
  /// CanceledError("operation canceled") once canceled, OK before.
  Status Check() const;
  /// Sleeps up to `d`, waking early (and returning CanceledError) on cancellation.
  Status SleepFor(std::chrono::milliseconds d) const;

  /// A token that is never canceled unless Cancel() is called on it.
  static CancelToken None() { return CancelToken(); }

 private:
  friend CancelToken InstallSignalCancellation();
  std::shared_ptr<std::atomic<bool>> flag_;
};

/// Installs SIGINT and SIGTERM handlers that cancel `token` (the first signal) and
/// returns the token; a second signal restores the default action and re-raises.
/// Safe to call more than once; the last token wins.
CancelToken InstallSignalCancellation();

/// The signal number that fired the process token, or 0.
int LastCancelSignal();

}  // namespace aicr
