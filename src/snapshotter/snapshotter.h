#pragma once

/// \file
/// Snapshot orchestration: runs the selected collectors of a Registry in
/// parallel, each under its own time budget, and assembles a Snapshot document
/// (metadata, measurements in a fixed type order, fingerprint).
///
/// A collector that fails or overruns its budget is reported as a warning and
/// its measurement dropped; it never fails the snapshot. Only cancellation of the
/// caller's token fails the whole run (CANCELED).
///
/// Collectors should honour `ctx.cancel`. One that does not is waited for up to
/// its budget plus `MeasureOptions::grace`, then abandoned: its thread is
/// detached and keeps only shared state alive (the collector object, held by
/// shared_ptr in the Registry, and its own copy of the context). After it is
/// abandoned its environment lookups answer nullopt, so the caller's `env`
/// function is never called once Measure has returned.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/cancel.h"
#include "base/clock.h"
#include "base/env.h"
#include "base/result.h"
#include "measurement/snapshot.h"
#include "snapshotter/registry.h"

namespace aicr::snapshotter {

struct MeasureOptions {
  /// Host filesystem root handed to every collector.
  std::string root = "/";
  /// Environment lookup (NODE_NAME, ...); null = ProcessEnv().
  EnvLookup env;
  /// The caller's token: when it fires, every collector is canceled and Measure
  /// fails with CANCELED.
  CancelToken cancel;
  /// An overall deadline; a collector's budget ends at the sooner of its own
  /// timeout and this. Passing it drops the unfinished collectors with warnings.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  /// Stamps `metadata.timestamp`; null = Clock::Real().
  const Clock* clock = nullptr;
  /// `metadata.version`; omitted when empty.
  std::string version;
  /// NOT_FOUND unless some GPU subtype reports `gpu-count` > 0.
  bool require_gpu = false;
  /// Collector names to run; empty = all registered. An unknown name is NOT_FOUND
  /// with a "did you mean"; duplicates run once.
  std::vector<std::string> collectors;
  /// Per-collector budget overrides by name (tests); others use timeout().
  std::map<std::string, std::chrono::milliseconds, std::less<>> timeouts;
  /// How long a canceled collector may take to return before it is abandoned.
  std::chrono::milliseconds grace = std::chrono::seconds(2);
};

/// A snapshot and the warnings produced while taking it (failed or timed-out
/// collectors, collector warnings prefixed with the collector name).
struct Measured {
  measurement::Snapshot snapshot;
  std::vector<std::string> warnings;
};

/// The rank of a measurement type in snapshot order: K8s, GPU, OS, SystemD,
/// NodeTopology, then every other type (ordered alphabetically among themselves).
int MeasurementTypeRank(std::string_view type);

/// Whether some GPU subtype reports `gpu-count` > 0 (an int, uint or float reading).
bool HasGpu(const std::vector<measurement::Measurement>& measurements);

/// Takes a snapshot. Errors: NOT_FOUND for an unknown collector name or a failed
/// `require_gpu`; CANCELED when `options.cancel` fires (before or during the run).
/// Warnings are logged (log::Warn) and returned.
Result<Measured> MeasureWithWarnings(const Registry& registry, const MeasureOptions& options);

/// MeasureWithWarnings without the warning list (they are still logged).
Result<measurement::Snapshot> Measure(const Registry& registry, const MeasureOptions& options);

}  // namespace aicr::snapshotter
