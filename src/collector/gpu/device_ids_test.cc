#include "collector/gpu/device_ids.h"

#include <map>
#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace aicr::collector::gpu {
namespace {

// The expected table, written out independently of device_ids.cc.
const std::map<std::string, std::string>& Expected() {
  static const auto* const expected = new std::map<std::string, std::string>{
      // Pascal.
      {"15f7", "p100"},
      {"15f8", "p100"},
      {"15f9", "p100"},
      {"1b38", "p40"},
      {"1b39", "p10"},
      {"1bb3", "p4"},
      {"1bb4", "p6"},
      // Volta.
      {"1db1", "v100"},
      {"1db4", "v100"},
      {"1db5", "v100"},
      {"1db6", "v100"},
      {"1db8", "v100"},
      {"1df5", "v100"},
      {"1df6", "v100s"},
      // Turing.
      {"1e35", "t10"},
      {"1e38", "t40"},
      {"1eb8", "t4"},
      // Ampere.
      {"20b0", "a100"},
      {"20b1", "a100"},
      {"20b2", "a100"},
      {"20b3", "a100"},
      {"20b5", "a100"},
      {"20f1", "a100"},
      {"20b7", "a30"},
      {"20bd", "a800"},
      {"20f3", "a800"},
      {"20f5", "a800"},
      {"20f6", "a800"},
      {"2235", "a40"},
      {"2236", "a10"},
      {"25b6", "a16"},
      // Hopper.
      {"2330", "h100"},
      {"2331", "h100"},
      {"2336", "h100"},
      {"2337", "h100"},
      {"2338", "h100"},
      {"2339", "h100"},
      {"233d", "h100"},
      {"2335", "h200"},
      {"233b", "h200"},
      {"2322", "h800"},
      {"2324", "h800"},
      {"230c", "h20"},
      {"230e", "h20"},
      {"2329", "h20"},
      {"232c", "h20"},
      {"2342", "gh200"},
      {"2348", "gh200"},
      // Ada.
      {"26b5", "l40"},
      {"26b9", "l40s"},
      {"26b7", "l20"},
      {"26ba", "l20"},
      {"27b6", "l2"},
      {"27b8", "l4"},
      // Blackwell.
      {"2901", "b200"},
      {"2909", "b200"},
      {"2920", "b100"},
      {"29bc", "b100"},
      {"2941", "gb200"},
      {"3182", "b300"},
      {"31a1", "gb300"},
      {"31c2", "gb300"},
      {"31c3", "gb300"},
      // RTX PRO 6000 Blackwell.
      {"2bb1", "rtx-pro-6000"},
      {"2bb4", "rtx-pro-6000"},
      {"2bb5", "rtx-pro-6000"},
  };
  return *expected;
}

/// `id` with hex letters a-f upper-cased.
std::string AsciiUpperHex(std::string id) {
  for (char& c : id) {
    if (c >= 'a' && c <= 'f') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return id;
}

TEST(DeviceIdsTest, EveryExpectedIdMapsToItsSku) {
  ASSERT_EQ(Expected().size(), 66u);
  for (const auto& [id, sku] : Expected()) {
    EXPECT_EQ(SkuForDeviceId(id), sku) << "device id " << id;
  }
}

TEST(DeviceIdsTest, TableHoldsExactlyTheExpectedRowsInOrder) {
  const auto table = DeviceSkuTable();
  ASSERT_EQ(table.size(), Expected().size());
  std::string_view previous;
  for (const DeviceSku& row : table) {
    EXPECT_LT(previous, row.device_id);
    previous = row.device_id;
    const auto it = Expected().find(std::string(row.device_id));
    ASSERT_NE(it, Expected().end()) << "unexpected id " << row.device_id;
    EXPECT_EQ(row.sku, it->second) << "device id " << row.device_id;
  }
}

TEST(DeviceIdsTest, ToleratesPrefixCaseAndWhitespace) {
  for (const auto& [id, sku] : Expected()) {
    const std::string upper = AsciiUpperHex(id);
    EXPECT_EQ(SkuForDeviceId("0x" + id), sku) << id;
    EXPECT_EQ(SkuForDeviceId("0X" + upper), sku) << id;
    EXPECT_EQ(SkuForDeviceId(upper), sku) << id;
  }
  EXPECT_EQ(SkuForDeviceId("0x2330\n"), "h100");
  EXPECT_EQ(SkuForDeviceId("  233D "), "h100");
  EXPECT_EQ(SkuForDeviceId("0x2BB5"), "rtx-pro-6000");
}

TEST(DeviceIdsTest, UnknownAndMalformedIdsHaveNoSku) {
  EXPECT_EQ(SkuForDeviceId(""), "");
  EXPECT_EQ(SkuForDeviceId("0x"), "");
  EXPECT_EQ(SkuForDeviceId("0000"), "");
  EXPECT_EQ(SkuForDeviceId("1e04"), "");  // a consumer GeForce id
  EXPECT_EQ(SkuForDeviceId("20b8"), "");  // between table rows
  EXPECT_EQ(SkuForDeviceId("ffff"), "");
  EXPECT_EQ(SkuForDeviceId("233"), "");    // too short
  EXPECT_EQ(SkuForDeviceId("23300"), "");  // too long
  EXPECT_EQ(SkuForDeviceId("0x0x2330"), "");
  EXPECT_EQ(SkuForDeviceId("x2330"), "");
  EXPECT_EQ(SkuForDeviceId("10de:2330"), "");
}

}  // namespace
}  // namespace aicr::collector::gpu
