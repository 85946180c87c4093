#include "collector/collector.h"

#include "gtest/gtest.h"

namespace aicr::collector {
namespace {

TEST(HostPathTest, JoinsRootAndHostPath) {
  EXPECT_EQ(HostPath("/", "/proc/cmdline"), "/proc/cmdline");
  EXPECT_EQ(HostPath("", "/proc/cmdline"), "/proc/cmdline");
  EXPECT_EQ(HostPath("/tmp/t", "/proc/cmdline"), "/tmp/t/proc/cmdline");
  EXPECT_EQ(HostPath("/tmp/t/", "/sys"), "/tmp/t/sys");
  EXPECT_EQ(HostPath("/tmp/t", "etc/os-release"), "/tmp/t/etc/os-release");
}

}  // namespace
}  // namespace aicr::collector
