#pragma once

/// \file
/// The GPU collector (`gpu`, measurement type `GPU`): driver-free discovery of
/// NVIDIA GPUs from sysfs PCI enumeration and `/proc/modules`, reported as one
/// subtype `hardware` with `gpu-present`, `gpu-count`, `driver-loaded`,
/// `detection-source` (`nfd`) and, only when every counted GPU maps to the same
/// known SKU, `model` (mixed SKUs or any unknown device id omit it).

#include <chrono>
#include <string_view>

#include "base/result.h"
#include "collector/collector.h"

namespace aicr::collector::gpu {

/// `gpu`.
inline constexpr std::string_view kCollectorName = "gpu";
/// `GPU`.
inline constexpr std::string_view kMeasurementType = "GPU";
/// `hardware`.
inline constexpr std::string_view kHardwareSubtype = "hardware";

class GpuCollector final : public Collector {
 public:
  std::string_view name() const override { return kCollectorName; }
  std::string_view type() const override { return kMeasurementType; }
  /// 10 seconds.
  std::chrono::milliseconds timeout() const override { return std::chrono::seconds(10); }

  /// Enumerates `ctx.root`/sys/bus/pci/devices. Without that tree the result is a
  /// GPU measurement with no subtypes and a warning; an unreadable `/proc/modules`
  /// gives `driver-loaded: false` and a warning. CANCELED once `ctx.cancel` fires.
  Result<Collected> Collect(const CollectContext& ctx) const override;
};

}  // namespace aicr::collector::gpu
