#pragma once

/// \file
/// The validator container contract: `aicr-validator <check>`.
///
/// - Exit 0 passed, 1 failed, 2 skipped. A missing or unknown check name, or a
///   context that cannot be loaded (context_loader.h), exits 1.
/// - stdout carries the evidence lines; when the check reported extra values the
///   last stdout line is `##AICR-EXTRA## <compact JSON object>`. Logs go to stderr.
/// - A failure's text (and a skip's reason) is written to the termination log,
///   truncated to 4096 bytes (never inside a UTF-8 sequence). Its path is
///   $AICR_TERMINATION_LOG when set, else /dev/termination-log.
/// - The whole run has kCheckExecutionTimeout (10 minutes).

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "base/cancel.h"
#include "base/env.h"
#include "k8s/in_cluster.h"
#include "serialize/value.h"
#include "validator/checks/check.h"
#include "validator/checks/registry.h"

namespace aicr::validator::checks {

inline constexpr int kExitPassed = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitSkipped = 2;

inline constexpr char kDefaultTerminationLogPath[] = "/dev/termination-log";
/// The environment variable that overrides the termination log path.
inline constexpr char kTerminationLogEnv[] = "AICR_TERMINATION_LOG";
/// The most bytes written to the termination log.
inline constexpr std::size_t kMaxTerminationMessageBytes = 4096;
/// The prefix of the extra-values stdout line.
inline constexpr std::string_view kExtraLinePrefix = "##AICR-EXTRA## ";

struct RunnerOptions {
  EnvLookup env;                ///< null = ProcessEnv()
  std::ostream* out = nullptr;  ///< evidence; required
  std::string in_cluster_root = k8s::kServiceAccountDir;
  std::chrono::milliseconds timeout = kCheckExecutionTimeout;
  CancelToken cancel;
};

/// `message` cut to at most `max_bytes` bytes, backing off to the start of a UTF-8
/// sequence so no character is split.
std::string TruncateUtf8(std::string_view message, std::size_t max_bytes);

/// `##AICR-EXTRA## {"k":1}` for a non-empty mapping; "" otherwise.
std::string ExtraLine(const serialize::Value& extra);

/// Runs `args[1]` (args[0] is the program name) from `registry` under the contract
/// above and returns the exit code.
int RunValidator(const std::vector<std::string>& args, const CheckRegistry& registry,
                 const RunnerOptions& options);

}  // namespace aicr::validator::checks
