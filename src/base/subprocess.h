#pragma once

/// \file
/// Runs a program without a shell: argv[0] is looked up in PATH (as execvp does),
/// stdout and stderr are captured up to a cap, stdin comes from /dev/null, from
/// given bytes or from this process. A timeout or a CancelToken kills the child;
/// the child is always reaped before RunSubprocess returns.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/cancel.h"
#include "base/result.h"

namespace aicr {

/// Where the child's standard input comes from.
enum class SubprocessStdin {
  kNull,     ///< /dev/null
  kData,     ///< SubprocessOptions::stdin_data, then end of file
  kInherit,  ///< this process's standard input (e.g. a terminal)
};

struct SubprocessOptions {
  /// The program and its arguments; argv[0] without a `/` is looked up in PATH.
  std::vector<std::string> argv;
  /// When set, the child's whole environment (`NAME=value` entries); otherwise
  /// this process's environment.
  std::optional<std::vector<std::string>> env;
  /// Added on top of the environment above; a name given here replaces an earlier
  /// entry of the same name (later additions win over earlier ones).
  std::vector<std::pair<std::string, std::string>> env_add;
  SubprocessStdin stdin_mode = SubprocessStdin::kNull;
  std::string stdin_data;
  /// Output beyond these caps is read and discarded (the *_truncated flags say so).
  std::size_t max_stdout_bytes = std::size_t{16} * 1024 * 1024;
  std::size_t max_stderr_bytes = std::size_t{1024} * 1024;
  /// Also copy the child's stderr to this process's stderr as it arrives (for
  /// interactive programs that prompt there).
  bool forward_stderr = false;
  /// Kill the child after this long; zero = no limit.
  std::chrono::milliseconds timeout{0};
};

struct SubprocessResult {
  int exit_code = -1;      ///< exit status, or -1 when killed by a signal
  int signal = 0;          ///< the signal that killed the child, or 0
  bool timed_out = false;  ///< killed because `timeout` elapsed
  std::string out;
  std::string err;
  bool out_truncated = false;
  bool err_truncated = false;

  /// Exited with status 0.
  bool success() const { return exit_code == 0 && !timed_out; }
};

/// Runs `options.argv` to completion. A timeout is not an error (see `timed_out`).
/// Errors: NOT_FOUND `command "x" not found` when the program does not exist;
/// INVALID_REQUEST for an empty argv or one that cannot be executed (permission);
/// CANCELED when `cancel` fires (the child is killed and reaped first); INTERNAL
/// when pipes or the spawn fail.
Result<SubprocessResult> RunSubprocess(const SubprocessOptions& options,
                                       const CancelToken& cancel = CancelToken::None());

}  // namespace aicr
