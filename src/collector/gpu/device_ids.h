#pragma once

/// \file
/// The fixed table that names NVIDIA datacenter GPUs (Pascal to Blackwell, plus
/// the RTX PRO 6000 workstation card) from their PCI device id, so a node can be
/// identified without a driver. Unknown ids have no SKU.

#include <span>
#include <string_view>

namespace aicr::collector::gpu {

/// One table row: a lower-case 4-hex PCI device id and its SKU token.
struct DeviceSku {
  std::string_view device_id;
  std::string_view sku;
};

/// Every row, sorted by device id.
std::span<const DeviceSku> DeviceSkuTable();

/// The SKU token (`h100`, `gb200`, `rtx-pro-6000`, ...) of an NVIDIA PCI device
/// id; surrounding whitespace, an `0x`/`0X` prefix and upper-case digits are
/// tolerated. Empty when the id is not in the table.
std::string_view SkuForDeviceId(std::string_view device_id);

}  // namespace aicr::collector::gpu
