#pragma once

/// \file
/// Driver-free hardware discovery below a filesystem root: the PCI devices that
/// sysfs lists under `/sys/bus/pci/devices/` and the kernel modules that
/// `/proc/modules` lists.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/cancel.h"
#include "base/result.h"

namespace aicr::collector::gpu {

/// The NVIDIA PCI vendor id.
inline constexpr std::uint32_t kNvidiaVendorId = 0x10de;
/// Entries under `/sys/bus/pci/devices/` accepted before detection fails.
inline constexpr std::size_t kMaxPciDevices = 4096;
/// Bytes of `/proc/modules` accepted before the read fails.
inline constexpr std::size_t kMaxModulesBytes = std::size_t{4} * 1024 * 1024;

/// One PCI function as sysfs describes it.
struct PciDevice {
  /// The sysfs entry name, e.g. `0000:3b:00.0`.
  std::string address;
  std::uint32_t vendor = 0;
  /// The 24-bit class code (`0x030200` = 3D controller).
  std::uint32_t device_class = 0;
  /// The device id as lower-case 4-hex text without prefix, e.g. `2330`.
  std::string device_id;

  friend bool operator==(const PciDevice&, const PciDevice&) = default;
};

/// Whether `device` is an NVIDIA display controller: vendor 0x10de and a class
/// whose top 16 bits are 0x0300 (VGA) or 0x0302 (3D controller).
bool IsNvidiaGpu(const PciDevice& device);

/// The PCI devices below `root`, sorted by address. NOT_FOUND when the sysfs PCI
/// tree is absent, UNAVAILABLE when it cannot be listed or holds more than
/// kMaxPciDevices entries, CANCELED when `cancel` fires. An entry whose `vendor`,
/// `class` or `device` attribute is missing or malformed is skipped and described
/// in `warnings`.
Result<std::vector<PciDevice>> ListPciDevices(std::string_view root, const CancelToken& cancel,
                                              std::vector<std::string>& warnings);

/// Whether `/proc/modules` below `root` lists a module named exactly `module`.
/// NOT_FOUND when the file is absent, UNAVAILABLE when it cannot be read or is
/// larger than kMaxModulesBytes.
Result<bool> IsModuleLoaded(std::string_view root, std::string_view module);

}  // namespace aicr::collector::gpu
