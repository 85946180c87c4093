#pragma once

/// \file
/// The node topology collector (measurement type `NodeTopology`), the only
/// cluster-wide collector: pages the nodes (500 per page) and aggregates label ids
/// (key, value) and taint ids (key, effect, value) into sorted node-name lists.
/// Subtypes, in order:
///  - `summary`: `node-count`, `taint-count`, `label-count` (counts of items).
///  - `taint`: data key `<key>` -> `<effect>|<value>|<nodes>` when the key occurs
///    with one effect, else `<key>.<effect>` -> `<value>|<nodes>`; items with
///    context `key`, `value`, `effect`, sorted by (key, effect, value).
///  - `label`: data key `<key>` -> `<value>|<nodes>`, or `<key>.<value>` when the
///    key has several values in the cluster; items with context `key`, `value`,
///    sorted by (key, value).
/// Item data: `node-count` (before truncation), `node-list`, `truncated`. A node
/// list keeps the first N names (max nodes per entry, 0 = all) plus ` (+K more)`.
/// When two taint ids map to the same data key (one key and effect with several
/// values), the greatest value wins in `data`; the items stay lossless.
/// Without a client only `summary` is reported, with zeros.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/env.h"
#include "base/result.h"
#include "collector/collector.h"
#include "k8s/client.h"
#include "measurement/snapshot.h"
#include "serialize/value.h"

namespace aicr::collector {

/// The topology collector's time budget.
inline constexpr std::chrono::milliseconds kTopologyCollectorTimeout = std::chrono::seconds(90);
/// Nodes per list page.
inline constexpr std::int64_t kTopologyPageSize = 500;

class TopologyCollector : public Collector {
 public:
  /// `client` null = no cluster (summary zeros). `max_nodes_per_entry` nullopt =
  /// env AICR_MAX_NODES_PER_ENTRY (an integer; invalid or negative -> 0).
  explicit TopologyCollector(std::shared_ptr<const k8s::Client> client,
                             std::optional<int> max_nodes_per_entry = std::nullopt);

  std::string_view name() const override { return "topology"; }
  std::string_view type() const override { return "NodeTopology"; }
  std::chrono::milliseconds timeout() const override { return kTopologyCollectorTimeout; }
  Result<Collected> Collect(const CollectContext& ctx) const override;

 private:
  std::shared_ptr<const k8s::Client> client_;
  std::optional<int> max_nodes_per_entry_;
};

/// AICR_MAX_NODES_PER_ENTRY from `env` (null = process environment): a decimal
/// integer >= 0; unset, invalid or negative -> 0 (unlimited).
int MaxNodesPerEntryFromEnv(const EnvLookup& env);

/// `a,b,c` limited to the first `max` names (0 = all) plus ` (+K more)`.
std::string JoinNodeList(const std::vector<std::string>& nodes, int max);

/// Builds the measurement from node objects (any order).
measurement::Measurement BuildTopology(const std::vector<serialize::Value>& nodes,
                                       int max_nodes_per_entry);

}  // namespace aicr::collector
