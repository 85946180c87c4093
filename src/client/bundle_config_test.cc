#include "client/bundle_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "serialize/yaml_reader.h"

namespace aicr::client {
namespace {

using ::testing::HasSubstr;

Result<BundleConfig> Decode(const std::string& yaml) {
  auto doc = serialize::ParseYaml(yaml);
  EXPECT_TRUE(doc.ok());
  return DecodeBundleConfig(*doc);
}

TEST(BundleConfigTest, VendorChartsIsATriStateBool) {
  auto on = Decode("deployment: {deployer: helm, vendorCharts: true}\n");
  ASSERT_TRUE(on.ok()) << on.status().ToString();
  EXPECT_EQ(on->vendor_charts, std::optional<bool>(true));
  auto off = Decode("deployment: {vendorCharts: false}\n");
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(off->vendor_charts, std::optional<bool>(false));
  auto unset = Decode("deployment: {deployer: helm}\n");
  ASSERT_TRUE(unset.ok());
  EXPECT_FALSE(unset->vendor_charts.has_value());
}

TEST(BundleConfigTest, VendorChartsMustBeABool) {
  auto bad = Decode("deployment: {vendorCharts: \"yes\"}\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(bad.status().message(), HasSubstr("spec.bundle.deployment.vendorCharts"));
}

}  // namespace
}  // namespace aicr::client
