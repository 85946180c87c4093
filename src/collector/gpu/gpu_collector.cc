#include "collector/gpu/gpu_collector.h"

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/status_macros.h"
#include "collector/gpu/device_ids.h"
#include "collector/gpu/pci.h"
#include "measurement/snapshot.h"

namespace aicr::collector::gpu {

Result<Collected> GpuCollector::Collect(const CollectContext& ctx) const {
  AICR_RETURN_IF_ERROR(ctx.cancel.Check());
  Collected out;
  out.measurement = measurement::Measurement{std::string(kMeasurementType), {}};

  Result<std::vector<PciDevice>> devices = ListPciDevices(ctx.root, ctx.cancel, out.warnings);
  if (!devices.ok()) {
    if (devices.status().code() == ErrorCode::kCanceled) {
      return devices.status();
    }
    out.warnings.push_back("gpu detection failed: " + devices.status().message());
    return out;
  }

  std::int64_t count = 0;
  bool all_known = true;
  std::set<std::string_view> skus;
  for (const PciDevice& device : devices.value()) {
    if (!IsNvidiaGpu(device)) {
      continue;
    }
    ++count;
    const std::string_view sku = SkuForDeviceId(device.device_id);
    if (sku.empty()) {
      all_known = false;
    } else {
      skus.insert(sku);
    }
  }

  bool driver_loaded = false;
  Result<bool> loaded = IsModuleLoaded(ctx.root, "nvidia");
  if (loaded.ok()) {
    driver_loaded = loaded.value();
  } else {
    out.warnings.push_back("cannot tell whether the nvidia driver is loaded: " +
                           loaded.status().message());
  }
  AICR_RETURN_IF_ERROR(ctx.cancel.Check());

  measurement::Subtype hardware;
  hardware.name = std::string(kHardwareSubtype);
  hardware.data["gpu-present"] = measurement::Reading::Bool(count > 0);
  hardware.data["gpu-count"] = measurement::Reading::Int(count);
  hardware.data["driver-loaded"] = measurement::Reading::Bool(driver_loaded);
  hardware.data["detection-source"] = measurement::Reading::Str("nfd");
  if (skus.size() == 1 && all_known) {
    hardware.data["model"] = measurement::Reading::Str(std::string(*skus.begin()));
  }
  out.measurement->subtypes.push_back(std::move(hardware));
  return out;
}

}  // namespace aicr::collector::gpu
