#pragma once

/// \file
/// The Talos collectors: on Talos Linux there is no host OS tree or systemd for
/// the agent to read, so the `OS` and `SystemD` measurements are inferred from the
/// Kubernetes Node object of the agent's node instead. They register under the
/// names of the host collectors they replace (`os`, `systemd`).
///
///  - `OS`: subtype `release` (os-release-like keys from `status.nodeInfo`) and,
///    when the node has `extensions.talos.dev/<name>` labels, `extensions`
///    (extension name -> version);
///  - `SystemD`: subtypes `containerd.service` and `kubelet.service` (state and
///    version from `status.nodeInfo`).
///
/// Every subtype carries `Source: kubernetes-node-info`. Both collectors read one
/// Node GET shared through a NodeSource. Nothing here fails the snapshot: no
/// client, no node name or a failed GET gives the measurement with no subtypes and
/// a warning; only cancellation fails a collector (CANCELED).

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "base/cancel.h"
#include "base/env.h"
#include "base/result.h"
#include "collector/collector.h"
#include "k8s/client.h"
#include "measurement/snapshot.h"
#include "serialize/value.h"

namespace aicr::collector::talos {

/// The `Source` reading of every Talos subtype.
inline constexpr std::string_view kSourceNodeInfo = "kubernetes-node-info";
/// The Node label prefix of installed Talos system extensions.
inline constexpr std::string_view kExtensionLabelPrefix = "extensions.talos.dev/";
/// The time budget of each Talos collector.
inline constexpr std::chrono::milliseconds kTalosCollectorTimeout = std::chrono::seconds(10);

/// The Node object of the node a snapshot runs on (SourceNodeName), fetched once
/// and shared by the Talos collectors. Thread-safe.
class NodeSource {
 public:
  /// `client` null = no cluster (every Get fails).
  explicit NodeSource(std::shared_ptr<const k8s::Client> client);

  /// The node named by SourceNodeName(env). The first call that is not canceled
  /// fetches it; later calls return the same object or error. INVALID_REQUEST
  /// without a node name, UNAVAILABLE without a client, the API error otherwise.
  Result<serialize::Value> Get(const EnvLookup& env, const CancelToken& cancel) const;

 private:
  std::shared_ptr<const k8s::Client> client_;
  mutable std::mutex mu_;
  mutable std::optional<Result<serialize::Value>> node_;
};

/// Splits a Node's `osImage` into an os-release-like (ID, VERSION_ID): the text
/// before the first ` (` trimmed, lower-cased and cut at its first space is the
/// ID; the text inside the parentheses, trimmed, without one trailing `)` and one
/// leading `v`, is the version. `Talos (v1.7.6)` -> (`talos`, `1.7.6`),
/// `Ubuntu 22.04.5 LTS` -> (`ubuntu`, ``).
std::pair<std::string, std::string> ParseOsImage(std::string_view os_image);

/// Splits a container runtime id at the first `://`: `containerd://1.7.20` ->
/// (`containerd`, `1.7.20`); without the separator the whole text and ``.
std::pair<std::string, std::string> SplitRuntimeId(std::string_view runtime_id);

/// `release`: `Source`, and from `status.nodeInfo` when non-empty `PRETTY_NAME`
/// (osImage), `ID` and `VERSION_ID` (ParseOsImage; VERSION_ID only with an ID),
/// `KERNEL_VERSION` (kernelVersion) and `OPERATING_SYSTEM` (operatingSystem).
measurement::Subtype ReleaseSubtype(const serialize::Value& node);

/// `extensions`: `Source` plus one reading per `extensions.talos.dev/<name>` label
/// with a non-empty name (name -> label value); nullopt without such labels.
std::optional<measurement::Subtype> ExtensionsSubtype(const serialize::Value& node);

/// `containerd.service`: `UnitFileName`, `Source` and, from
/// `status.nodeInfo.containerRuntimeVersion`, `ActiveState` `active` with
/// `RuntimeName` and `Version` (SplitRuntimeId), or `ActiveState` `unknown` when
/// it is empty.
measurement::Subtype ContainerdSubtype(const serialize::Value& node);

/// `kubelet.service`: `UnitFileName`, `Source` and, from
/// `status.nodeInfo.kubeletVersion`, `ActiveState` `active` with `Version`, or
/// `ActiveState` `unknown` when it is empty.
measurement::Subtype KubeletSubtype(const serialize::Value& node);

/// The Talos OS collector (`os`, measurement type `OS`): subtypes `release`, then
/// `extensions` when present.
class TalosOsCollector final : public Collector {
 public:
  explicit TalosOsCollector(std::shared_ptr<const NodeSource> node);

  std::string_view name() const override { return "os"; }
  std::string_view type() const override { return "OS"; }
  std::chrono::milliseconds timeout() const override { return kTalosCollectorTimeout; }
  Result<Collected> Collect(const CollectContext& ctx) const override;

 private:
  std::shared_ptr<const NodeSource> node_;
};

/// The Talos service collector (`systemd`, measurement type `SystemD`): subtypes
/// `containerd.service` and `kubelet.service`.
class TalosServiceCollector final : public Collector {
 public:
  explicit TalosServiceCollector(std::shared_ptr<const NodeSource> node);

  std::string_view name() const override { return "systemd"; }
  std::string_view type() const override { return "SystemD"; }
  std::chrono::milliseconds timeout() const override { return kTalosCollectorTimeout; }
  Result<Collected> Collect(const CollectContext& ctx) const override;

 private:
  std::shared_ptr<const NodeSource> node_;
};

}  // namespace aicr::collector::talos
