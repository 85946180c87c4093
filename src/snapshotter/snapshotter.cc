#include "snapshotter/snapshotter.h"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "base/log.h"
#include "base/status_macros.h"
#include "collector/collector.h"
#include "measurement/fingerprint.h"

namespace aicr::snapshotter {
namespace {

using SteadyClock = std::chrono::steady_clock;
using collector::Collected;
using collector::Collector;

/// How often the orchestrator looks at the caller's token while waiting.
constexpr std::chrono::milliseconds kPollInterval(10);

/// The caller's environment lookup behind a gate: once closed (when Measure
/// returns), lookups from abandoned collectors answer nullopt instead of calling
/// into the caller's function, which may no longer be valid.
class EnvGate {
 public:
  explicit EnvGate(EnvLookup env) : env_(std::move(env)) {}

  std::optional<std::string> Lookup(std::string_view name) {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_ || !env_) {
      return std::nullopt;
    }
    return env_(name);
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }

 private:
  std::mutex mu_;
  bool closed_ = false;
  EnvLookup env_;
};

/// One collector's outcome, written by its thread under Shared::mu.
struct Outcome {
  bool done = false;
  std::optional<Result<Collected>> result;
};

/// State shared between Measure and the collector threads; threads hold it by
/// shared_ptr so an abandoned thread never touches freed memory.
struct Shared {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Outcome> outcomes;
};

/// Measure's own bookkeeping per collector.
struct Slot {
  std::string name;
  std::shared_ptr<const Collector> collector;
  std::chrono::milliseconds budget{0};
  SteadyClock::time_point deadline;
  CancelToken token;
  bool timed_out = false;
  bool abandoned = false;
  SteadyClock::time_point abandon_at = SteadyClock::time_point::max();
};

Result<Collected> RunCollector(const Collector& c, const collector::CollectContext& ctx) {
  // Exceptions must not escape a collector thread (that would terminate the
  // process); turn them into an error like any other collector failure.
  try {
    return c.Collect(ctx);
  } catch (const std::exception& e) {
    return InternalError(std::string("collector threw: ") + e.what());
  } catch (...) {
    return InternalError("collector threw a non-standard exception");
  }
}

Result<std::vector<Slot>> SelectCollectors(const Registry& registry,
                                           const MeasureOptions& options) {
  std::set<std::string> names;
  if (options.collectors.empty()) {
    for (std::string& name : registry.Names()) {
      names.insert(std::move(name));
    }
  } else {
    names.insert(options.collectors.begin(), options.collectors.end());
  }
  std::vector<Slot> slots;
  for (const std::string& name : names) {  // sorted, so the run order is deterministic
    AICR_ASSIGN_OR_RETURN(std::shared_ptr<const Collector> c, registry.Find(name));
    Slot slot;
    slot.name = name;
    slot.collector = std::move(c);
    auto it = options.timeouts.find(name);
    slot.budget = it != options.timeouts.end() ? it->second : slot.collector->timeout();
    slots.push_back(std::move(slot));
  }
  return slots;
}

void Warn(std::vector<std::string>& warnings, const std::string& collector, std::string message) {
  log::Warn(message, {{"collector", collector}});
  warnings.push_back(std::move(message));
}

}  // namespace

int MeasurementTypeRank(std::string_view type) {
  static constexpr std::array<std::string_view, 5> kOrder = {"K8s", "GPU", "OS", "SystemD",
                                                             "NodeTopology"};
  for (std::size_t i = 0; i < kOrder.size(); ++i) {
    if (kOrder[i] == type) {
      return static_cast<int>(i);
    }
  }
  return static_cast<int>(kOrder.size());
}

Result<Measured> MeasureWithWarnings(const Registry& registry, const MeasureOptions& options) {
  AICR_ASSIGN_OR_RETURN(std::vector<Slot> slots, SelectCollectors(registry, options));
  if (options.cancel.IsCanceled()) {
    return CanceledError("snapshot canceled");
  }
  const EnvLookup env = options.env ? options.env : ProcessEnv();
  auto gate = std::make_shared<EnvGate>(env);
  auto shared = std::make_shared<Shared>();
  shared->outcomes.resize(slots.size());

  const SteadyClock::time_point start = SteadyClock::now();
  std::vector<std::thread> threads;
  threads.reserve(slots.size());
  for (std::size_t i = 0; i < slots.size(); ++i) {
    Slot& slot = slots[i];
    // A huge budget (milliseconds::max()) must not overflow the time point.
    const auto room = std::chrono::duration_cast<std::chrono::milliseconds>(
        SteadyClock::time_point::max() - start);
    slot.deadline = slot.budget >= room ? SteadyClock::time_point::max() : start + slot.budget;
    if (options.deadline.has_value() && *options.deadline < slot.deadline) {
      slot.deadline = *options.deadline;
      slot.budget = std::max(
          std::chrono::milliseconds(0),
          std::chrono::duration_cast<std::chrono::milliseconds>(*options.deadline - start));
    }
    collector::CollectContext ctx;
    ctx.root = options.root;
    ctx.cancel = slot.token;
    ctx.env = [gate](std::string_view name) { return gate->Lookup(name); };
    threads.emplace_back([shared, i, c = slot.collector, ctx = std::move(ctx)]() {
      Result<Collected> result = RunCollector(*c, ctx);
      std::lock_guard<std::mutex> lock(shared->mu);
      shared->outcomes[i].result = std::move(result);
      shared->outcomes[i].done = true;
      shared->cv.notify_all();
    });
  }

  // Wait until every collector has returned or been abandoned, canceling the ones
  // whose budget ran out and all of them when the caller cancels.
  bool parent_canceled = false;
  SteadyClock::time_point cancel_abandon_at = SteadyClock::time_point::max();
  {
    std::unique_lock<std::mutex> lock(shared->mu);
    while (true) {
      const SteadyClock::time_point now = SteadyClock::now();
      if (!parent_canceled && options.cancel.IsCanceled()) {
        parent_canceled = true;
        cancel_abandon_at = now + options.grace;
        for (Slot& slot : slots) {
          slot.token.Cancel();
        }
      }
      bool pending = false;
      SteadyClock::time_point wake = now + kPollInterval;
      for (std::size_t i = 0; i < slots.size(); ++i) {
        Slot& slot = slots[i];
        if (shared->outcomes[i].done || slot.abandoned) {
          continue;
        }
        if (!slot.timed_out && now >= slot.deadline) {
          slot.timed_out = true;
          slot.abandon_at = now + options.grace;
          slot.token.Cancel();
        }
        const SteadyClock::time_point abandon_at = std::min(slot.abandon_at, cancel_abandon_at);
        if (now >= abandon_at) {
          slot.abandoned = true;
          continue;
        }
        pending = true;
        wake = std::min({wake, abandon_at, slot.timed_out ? wake : slot.deadline});
      }
      if (!pending) {
        break;
      }
      shared->cv.wait_until(lock, wake);
    }
  }
  gate->Close();
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (slots[i].abandoned) {
      threads[i].detach();
    } else {
      threads[i].join();
    }
  }

  std::vector<std::string> warnings;
  for (const Slot& slot : slots) {
    if (slot.abandoned && slot.timed_out) {
      Warn(warnings, slot.name,
           "collector \"" + slot.name + "\" timed out after " +
               std::to_string(slot.budget.count()) + "ms and did not stop; abandoned");
    } else if (slot.abandoned) {
      Warn(warnings, slot.name,
           "collector \"" + slot.name + "\" did not stop after cancellation; abandoned");
    }
  }
  if (parent_canceled || options.cancel.IsCanceled()) {
    return CanceledError("snapshot canceled");
  }

  Measured out;
  std::vector<measurement::Measurement>& measurements = out.snapshot.measurements;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const Slot& slot = slots[i];
    if (slot.abandoned) {
      continue;
    }
    // The thread has been joined: its outcome is no longer written to.
    Outcome& outcome = shared->outcomes[i];
    if (slot.timed_out) {
      Warn(warnings, slot.name,
           "collector \"" + slot.name + "\" timed out after " +
               std::to_string(slot.budget.count()) + "ms; measurement dropped");
      continue;
    }
    Result<Collected>& result = *outcome.result;
    if (!result.ok()) {
      Warn(warnings, slot.name,
           "collector \"" + slot.name + "\" failed: " + result.status().ToString() +
               "; measurement dropped");
      continue;
    }
    for (const std::string& w : result->warnings) {
      Warn(warnings, slot.name, slot.name + ": " + w);
    }
    if (result->measurement.has_value()) {
      measurement::Measurement m = std::move(*result->measurement);
      if (m.type.empty()) {
        m.type = std::string(slot.collector->type());
      }
      measurements.push_back(std::move(m));
    }
  }
  // Slots are in name order, so a stable sort keeps equal types deterministic.
  std::stable_sort(measurements.begin(), measurements.end(),
                   [](const measurement::Measurement& a, const measurement::Measurement& b) {
                     const int ra = MeasurementTypeRank(a.type);
                     const int rb = MeasurementTypeRank(b.type);
                     if (ra != rb) {
                       return ra < rb;
                     }
                     return ra == MeasurementTypeRank("") && a.type < b.type;
                   });

  if (options.require_gpu && !HasGpu(measurements)) {
    return NotFoundError("snapshot: no GPU found (no GPU measurement with gpu-count > 0)");
  }

  measurement::Snapshot& snapshot = out.snapshot;
  snapshot.kind = std::string(measurement::kSnapshotKind);
  snapshot.api_version = std::string(measurement::kSnapshotApiVersion);
  const Clock& clock = options.clock != nullptr ? *options.clock : Clock::Real();
  snapshot.metadata["timestamp"] = FormatRfc3339(clock.Now());
  if (!options.version.empty()) {
    snapshot.metadata["version"] = options.version;
  }
  snapshot.metadata["source-node"] = collector::SourceNodeName(env);
  snapshot.fingerprint = measurement::FromMeasurements(measurements);
  out.warnings = std::move(warnings);
  return out;
}

Result<measurement::Snapshot> Measure(const Registry& registry, const MeasureOptions& options) {
  AICR_ASSIGN_OR_RETURN(Measured measured, MeasureWithWarnings(registry, options));
  return std::move(measured.snapshot);
}

bool HasGpu(const std::vector<measurement::Measurement>& measurements) {
  for (const measurement::Measurement& m : measurements) {
    if (m.type != "GPU") {
      continue;
    }
    for (const measurement::Subtype& s : m.subtypes) {
      const measurement::Reading* count = s.Find("gpu-count");
      if (count == nullptr) {
        continue;
      }
      if (std::optional<std::int64_t> n = count->AsInteger(); n.has_value() && *n > 0) {
        return true;
      }
      if (const double* f = count->if_float(); f != nullptr && *f > 0) {
        return true;
      }
      if (const std::uint64_t* u = count->if_uint(); u != nullptr && *u > 0) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace aicr::snapshotter
