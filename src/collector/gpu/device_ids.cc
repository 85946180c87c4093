#include "collector/gpu/device_ids.h"

#include <algorithm>
#include <array>
#include <string>

#include "base/strings.h"

namespace aicr::collector::gpu {
namespace {

// Facts (device id -> product family) follow the pci.ids database entries for
// vendor 10de. Kept sorted by id: a static_assert below checks it.
constexpr std::array kTable = {
    DeviceSku{"15f7", "p100"},         DeviceSku{"15f8", "p100"},
    DeviceSku{"15f9", "p100"},         DeviceSku{"1b38", "p40"},
    DeviceSku{"1b39", "p10"},          DeviceSku{"1bb3", "p4"},
    DeviceSku{"1bb4", "p6"},           DeviceSku{"1db1", "v100"},
    DeviceSku{"1db4", "v100"},         DeviceSku{"1db5", "v100"},
    DeviceSku{"1db6", "v100"},         DeviceSku{"1db8", "v100"},
    DeviceSku{"1df5", "v100"},         DeviceSku{"1df6", "v100s"},
    DeviceSku{"1e35", "t10"},          DeviceSku{"1e38", "t40"},
    DeviceSku{"1eb8", "t4"},           DeviceSku{"20b0", "a100"},
    DeviceSku{"20b1", "a100"},         DeviceSku{"20b2", "a100"},
    DeviceSku{"20b3", "a100"},         DeviceSku{"20b5", "a100"},
    DeviceSku{"20b7", "a30"},          DeviceSku{"20bd", "a800"},
    DeviceSku{"20f1", "a100"},         DeviceSku{"20f3", "a800"},
    DeviceSku{"20f5", "a800"},         DeviceSku{"20f6", "a800"},
    DeviceSku{"2235", "a40"},          DeviceSku{"2236", "a10"},
    DeviceSku{"230c", "h20"},          DeviceSku{"230e", "h20"},
    DeviceSku{"2322", "h800"},         DeviceSku{"2324", "h800"},
    DeviceSku{"2329", "h20"},          DeviceSku{"232c", "h20"},
    DeviceSku{"2330", "h100"},         DeviceSku{"2331", "h100"},
    DeviceSku{"2335", "h200"},         DeviceSku{"2336", "h100"},
    DeviceSku{"2337", "h100"},         DeviceSku{"2338", "h100"},
    DeviceSku{"2339", "h100"},         DeviceSku{"233b", "h200"},
    DeviceSku{"233d", "h100"},         DeviceSku{"2342", "gh200"},
    DeviceSku{"2348", "gh200"},        DeviceSku{"25b6", "a16"},
    DeviceSku{"26b5", "l40"},          DeviceSku{"26b7", "l20"},
    DeviceSku{"26b9", "l40s"},         DeviceSku{"26ba", "l20"},
    DeviceSku{"27b6", "l2"},           DeviceSku{"27b8", "l4"},
    DeviceSku{"2901", "b200"},         DeviceSku{"2909", "b200"},
    DeviceSku{"2920", "b100"},         DeviceSku{"2941", "gb200"},
    DeviceSku{"29bc", "b100"},         DeviceSku{"2bb1", "rtx-pro-6000"},
    DeviceSku{"2bb4", "rtx-pro-6000"}, DeviceSku{"2bb5", "rtx-pro-6000"},
    DeviceSku{"3182", "b300"},         DeviceSku{"31a1", "gb300"},
    DeviceSku{"31c2", "gb300"},        DeviceSku{"31c3", "gb300"},
};

constexpr bool IsStrictlySorted() {
  for (std::size_t i = 1; i < kTable.size(); ++i) {
    if (!(kTable[i - 1].device_id < kTable[i].device_id)) {
      return false;
    }
  }
  return true;
}
static_assert(IsStrictlySorted(), "the device id table must be sorted and free of duplicates");

}  // namespace

std::span<const DeviceSku> DeviceSkuTable() { return kTable; }

std::string_view SkuForDeviceId(std::string_view device_id) {
  std::string_view id = Trim(device_id);
  if (id.size() >= 2 && id[0] == '0' && (id[1] == 'x' || id[1] == 'X')) {
    id.remove_prefix(2);
  }
  if (id.size() != 4) {
    return {};
  }
  const std::string key = AsciiLower(id);
  const auto it = std::lower_bound(
      kTable.begin(), kTable.end(), key,
      [](const DeviceSku& row, const std::string& k) { return row.device_id < k; });
  if (it == kTable.end() || it->device_id != key) {
    return {};
  }
  return it->sku;
}

}  // namespace aicr::collector::gpu
