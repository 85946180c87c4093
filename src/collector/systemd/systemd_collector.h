#pragma once

/// \file
/// The SystemD collector (`systemd`, measurement type `SystemD`): the properties
/// of a few systemd units, read over D-Bus from systemd's Manager.
///
/// The bus is found below the collect context's root: first systemd's own private
/// socket `<root>/run/systemd/private` (no bus daemon needed; the agent pod mounts
/// the host's /run/systemd), then the system bus `<root>/run/dbus/system_bus_socket`.
/// For each configured unit the collector asks the Manager to load it
/// (`org.freedesktop.systemd1.Manager.LoadUnit`) and reads every property of the
/// unit object (`org.freedesktop.DBus.Properties.GetAll` with an empty interface
/// name); the unit becomes a subtype named after it, each property a reading typed
/// as property_reader.h documents. Keys in FilteredKeys() are dropped.
///
/// Nothing here fails the snapshot: no reachable bus gives a SystemD measurement
/// with no subtypes and a warning, a unit that cannot be read (unknown, access
/// denied, no answer within the per-call timeout) is skipped with a warning. Only
/// cancellation, checked between units, fails the collector (CANCELED).

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "collector/collector.h"

namespace aicr::collector::systemd {

/// `systemd`.
inline constexpr std::string_view kCollectorName = "systemd";
/// `SystemD`.
inline constexpr std::string_view kMeasurementType = "SystemD";
/// systemd's private socket (host path, joined below the collect root).
inline constexpr std::string_view kPrivateSocketPath = "/run/systemd/private";
/// The D-Bus system bus socket (host path, joined below the collect root).
inline constexpr std::string_view kSystemBusSocketPath = "/run/dbus/system_bus_socket";
/// How long one bus call (or connecting, authentication included) may take.
inline constexpr std::chrono::milliseconds kDefaultCallTimeout{2000};

/// `containerd.service`, `docker.service`, `kubelet.service`.
std::vector<std::string> DefaultUnits();

/// The property keys never reported: `AllowedCPUs`, `AllowedMemoryNodes`,
/// `Asserts`, `BPFProgram`, `BusName`, `Id` and `*Credential*` (filter.h patterns).
const std::vector<std::string>& FilteredKeys();

/// `value` escaped for a D-Bus address (`unix:path=<value>`): bytes outside
/// `[-0-9A-Za-z_/.\*]` become `%xx` (lower-case hex).
std::string EscapeBusAddressValue(std::string_view value);

class SystemdCollector final : public Collector {
 public:
  /// Reads `units` in order (duplicates once); an empty list means
  /// `containerd.service`. Each bus call may take up to `call_timeout`.
  explicit SystemdCollector(std::vector<std::string> units = DefaultUnits(),
                            std::chrono::milliseconds call_timeout = kDefaultCallTimeout);

  std::string_view name() const override { return kCollectorName; }
  std::string_view type() const override { return kMeasurementType; }
  /// 10 seconds.
  std::chrono::milliseconds timeout() const override { return std::chrono::seconds(10); }

  /// The units read, in order.
  const std::vector<std::string>& units() const { return units_; }

  /// One subtype per readable unit, in the configured order (see the file comment).
  Result<Collected> Collect(const CollectContext& ctx) const override;

 private:
  std::vector<std::string> units_;
  std::chrono::milliseconds call_timeout_;
};

}  // namespace aicr::collector::systemd
