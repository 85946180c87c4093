#pragma once

/// \file
/// The collector family: one Collector per measurement type (OS, GPU, SystemD,
/// K8s, NodeTopology), each in `collector/<name>/`, depending only on this
/// interface and lower modules. A collector reads the host below a configurable
/// filesystem root (fixture trees in tests) and, for cluster collectors, the
/// Kubernetes API. A failing collector returns an error; the orchestrator reports
/// it and drops the measurement — it never fails the snapshot.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/cancel.h"
#include "base/env.h"
#include "base/result.h"
#include "base/status.h"
#include "measurement/snapshot.h"

namespace aicr::collector {

/// What every collector may use.
struct CollectContext {
  /// Host paths (`/proc`, `/sys`, `/etc`, `/usr/lib`) are read below this root.
  std::string root = "/";
  CancelToken cancel;
  /// The environment (AICR_OS, AICR_MAX_NODES_PER_ENTRY, NODE_NAME, ...); null = ProcessEnv().
  EnvLookup env;
};

/// A collector's result: the measurement (nullopt = nothing to report) and
/// warnings the orchestrator logs.
struct Collected {
  std::optional<measurement::Measurement> measurement;
  std::vector<std::string> warnings;
};

class Collector {
 public:
  virtual ~Collector() = default;
  /// The registry name (`os`, `gpu`, `systemd`, `k8s`, `topology`).
  virtual std::string_view name() const = 0;
  /// The measurement type it produces (`OS`, `GPU`, ...).
  virtual std::string_view type() const = 0;
  /// Its time budget (the orchestrator cancels `ctx.cancel` when it runs out).
  virtual std::chrono::milliseconds timeout() const = 0;
  virtual Result<Collected> Collect(const CollectContext& ctx) const = 0;
};

/// The node a collector runs on: the first non-empty of NODE_NAME,
/// KUBERNETES_NODE_NAME and HOSTNAME in `env` (null = ProcessEnv()), else "".
std::string SourceNodeName(const EnvLookup& env);

/// Joins `root` and an absolute host path (`/proc/cmdline`) without doubling
/// slashes: ("/", "/proc/x") -> "/proc/x", ("/tmp/t", "/proc/x") -> "/tmp/t/proc/x".
std::string HostPath(std::string_view root, std::string_view path);

}  // namespace aicr::collector
