#pragma once

/// \file
/// What a deployment-phase check is: a function of a CheckContext (the cluster
/// client, the mounted recipe and snapshot, where evidence goes, the overall
/// deadline) returning a CheckResult (passed, failed with a message, or skipped
/// with a reason). The runner (runner.h) maps the result to the container
/// contract: exit 0, 1 or 2, the termination log and the optional extra line.

#include <chrono>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "base/cancel.h"
#include "base/result.h"
#include "k8s/client.h"
#include "measurement/snapshot.h"
#include "recipe/result.h"
#include "serialize/value.h"

namespace aicr::validator::checks {

/// How long one API request of a check may take (bounded by the overall deadline).
inline constexpr std::chrono::seconds kResourceVerificationTimeout{10};
/// The overall budget of one check run.
inline constexpr std::chrono::minutes kCheckExecutionTimeout{10};

enum class Verdict { kPassed, kFailed, kSkipped };

/// The outcome of one check.
struct CheckResult {
  Verdict verdict = Verdict::kPassed;
  /// Why it failed, or why it was skipped; empty when it passed.
  std::string message;

  static CheckResult Passed() { return {Verdict::kPassed, ""}; }
  static CheckResult Failed(std::string message) { return {Verdict::kFailed, std::move(message)}; }
  static CheckResult Skipped(std::string reason) { return {Verdict::kSkipped, std::move(reason)}; }
};

/// Everything a check may read. Plain data; the runner owns what it points to.
struct CheckContext {
  /// The Kubernetes client (required by every built-in check).
  const k8s::Client* client = nullptr;
  /// The mounted recipe; nullopt when no recipe file was mounted.
  std::optional<recipe::RecipeResult> recipe;
  /// The mounted snapshot.
  std::optional<measurement::Snapshot> snapshot;
  /// The validation namespace.
  std::string ns;
  /// Evidence lines go here (the container's stdout).
  std::ostream* out = nullptr;
  /// Low-cardinality counts or codes a check reports besides its evidence
  /// (a mapping; printed as the `##AICR-EXTRA##` line when non-empty).
  serialize::Value* extra = nullptr;
  /// When the whole run must be over.
  std::chrono::steady_clock::time_point deadline =
      std::chrono::steady_clock::now() + kCheckExecutionTimeout;
  CancelToken cancel;

  /// Options for one API request: kResourceVerificationTimeout or what is left of
  /// the deadline, whichever is shorter. TIMEOUT `check deadline exceeded` once the
  /// deadline has passed; CANCELED once `cancel` fired.
  Result<k8s::CallOptions> Call() const;

  /// The evidence stream (a discarding stream when `out` is null).
  std::ostream& Out() const;

  /// Sets `extra[key] = value` when `extra` is set.
  void SetExtra(const std::string& key, serialize::Value value) const;
};

/// True when the recipe lists component `name` and disables it (overrides
/// `enabled: false` or `install: false`); false without a recipe or such a component.
bool ComponentDisabled(const std::optional<recipe::RecipeResult>& recipe, std::string_view name);

/// A check: reads the context, writes evidence to ctx.Out(), returns the verdict.
using CheckFunc = std::function<CheckResult(const CheckContext& ctx)>;

}  // namespace aicr::validator::checks
