#include "collector/gpu/gpu_collector.h"

#include <stdlib.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "collector/gpu/pci.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "measurement/snapshot.h"
#include "tests/testing/status_matchers.h"

namespace aicr::collector::gpu {
namespace {

namespace fs = std::filesystem;
using measurement::Measurement;
using measurement::Reading;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

/// A fixture host tree in a fresh temp dir, removed at the end of the test.
class HostTree {
 public:
  HostTree() {
    std::string tmpl = (fs::temp_directory_path() / "aicr-gpu-test-XXXXXX").string();
    char* dir = ::mkdtemp(tmpl.data());
    EXPECT_NE(dir, nullptr);
    root_ = tmpl;
  }
  ~HostTree() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  HostTree(const HostTree&) = delete;
  HostTree& operator=(const HostTree&) = delete;

  const std::string& root() const { return root_; }

  void WriteFile(const std::string& rel, const std::string& text) const {
    const fs::path path = fs::path(root_) / rel;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }

  /// An empty /sys/bus/pci/devices.
  void MakePciTree() const { fs::create_directories(fs::path(root_) / "sys/bus/pci/devices"); }

  void AddDevice(const std::string& address, const std::string& vendor, const std::string& cls,
                 const std::string& device) const {
    const std::string dir = "sys/bus/pci/devices/" + address + "/";
    WriteFile(dir + "vendor", vendor + "\n");
    WriteFile(dir + "class", cls + "\n");
    WriteFile(dir + "device", device + "\n");
  }

  void AddNvidia(const std::string& address, const std::string& device,
                 const std::string& cls = "0x030200") const {
    AddDevice(address, "0x10de", cls, device);
  }

  void SetModules(const std::vector<std::string>& names) const {
    std::string text;
    for (const std::string& name : names) {
      text += name + " 12345 0 - Live 0x0000000000000000\n";
    }
    WriteFile("proc/modules", text);
  }

 private:
  std::string root_;
};

Collected CollectOk(const std::string& root) {
  CollectContext ctx;
  ctx.root = root;
  Result<Collected> got = GpuCollector().Collect(ctx);
  EXPECT_THAT(got, IsOk());
  if (!got.ok()) {
    return {};
  }
  return std::move(got).value();
}

/// The hardware subtype of `collected` (which must have exactly that one).
const measurement::Subtype& Hardware(const Collected& collected) {
  static const measurement::Subtype empty;
  EXPECT_TRUE(collected.measurement.has_value());
  if (!collected.measurement.has_value()) {
    return empty;
  }
  EXPECT_EQ(collected.measurement->type, "GPU");
  EXPECT_THAT(collected.measurement->subtypes, SizeIs(1));
  if (collected.measurement->subtypes.size() != 1) {
    return empty;
  }
  EXPECT_EQ(collected.measurement->subtypes[0].name, "hardware");
  return collected.measurement->subtypes[0];
}

std::string PciAddress(int bus) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "0000:%02x:00.0", bus);
  return buf;
}

TEST(GpuCollectorTest, Identity) {
  const GpuCollector c;
  EXPECT_EQ(c.name(), "gpu");
  EXPECT_EQ(c.type(), "GPU");
  EXPECT_EQ(c.timeout(), std::chrono::seconds(10));
}

TEST(GpuCollectorTest, OneH100) {
  HostTree t;
  t.AddNvidia("0000:3b:00.0", "0x2330");
  t.SetModules({"nvidia_uvm", "nvidia", "i2c_core"});
  const Collected got = CollectOk(t.root());
  EXPECT_THAT(got.warnings, IsEmpty());
  const auto& hw = Hardware(got);
  EXPECT_EQ(hw.data, (std::map<std::string, Reading>{
                         {"gpu-present", Reading::Bool(true)},
                         {"gpu-count", Reading::Int(1)},
                         {"driver-loaded", Reading::Bool(true)},
                         {"detection-source", Reading::Str("nfd")},
                         {"model", Reading::Str("h100")},
                     }));
  EXPECT_THAT(hw.context, IsEmpty());
  EXPECT_THAT(hw.items, IsEmpty());
}

TEST(GpuCollectorTest, EightH100) {
  HostTree t;
  for (int i = 0; i < 8; ++i) {
    t.AddNvidia(PciAddress(0x18 + i * 0x10), "0x2330");
  }
  t.SetModules({"nvidia"});
  const Collected got = CollectOk(t.root());
  const auto& hw = Hardware(got);
  EXPECT_EQ(*hw.Find("gpu-count"), Reading::Int(8));
  EXPECT_EQ(*hw.Find("gpu-present"), Reading::Bool(true));
  EXPECT_EQ(hw.GetString("model"), "h100");
}

TEST(GpuCollectorTest, SameSkuFromDifferentDeviceIds) {
  HostTree t;
  t.AddNvidia("0000:01:00.0", "0x2330");
  t.AddNvidia("0000:02:00.0", "0x2331");
  t.AddNvidia("0000:03:00.0", "0x233D");
  t.SetModules({});
  const Collected got = CollectOk(t.root());
  const auto& hw = Hardware(got);
  EXPECT_EQ(*hw.Find("gpu-count"), Reading::Int(3));
  EXPECT_EQ(hw.GetString("model"), "h100");
}

TEST(GpuCollectorTest, MixedSkusOmitModel) {
  HostTree t;
  t.AddNvidia("0000:01:00.0", "0x2330");
  t.AddNvidia("0000:02:00.0", "0x20b2");
  t.SetModules({"nvidia"});
  const Collected got = CollectOk(t.root());
  const auto& hw = Hardware(got);
  EXPECT_EQ(*hw.Find("gpu-count"), Reading::Int(2));
  EXPECT_EQ(hw.Find("model"), nullptr);
}

TEST(GpuCollectorTest, UnknownNvidiaDeviceIsCountedWithoutModel) {
  HostTree t;
  t.AddNvidia("0000:01:00.0", "0x1e04", "0x030000");
  t.SetModules({"nvidia"});
  const Collected got = CollectOk(t.root());
  const auto& hw = Hardware(got);
  EXPECT_EQ(*hw.Find("gpu-count"), Reading::Int(1));
  EXPECT_EQ(*hw.Find("gpu-present"), Reading::Bool(true));
  EXPECT_EQ(hw.Find("model"), nullptr);
}

TEST(GpuCollectorTest, KnownPlusUnknownOmitsModel) {
  HostTree t;
  t.AddNvidia("0000:01:00.0", "0x2330");
  t.AddNvidia("0000:02:00.0", "0x1e04");
  t.SetModules({"nvidia"});
  const Collected got = CollectOk(t.root());
  const auto& hw = Hardware(got);
  EXPECT_EQ(*hw.Find("gpu-count"), Reading::Int(2));
  EXPECT_EQ(hw.Find("model"), nullptr);
}

TEST(GpuCollectorTest, OnlyNvidiaDisplayClassesCount) {
  HostTree t;
  t.AddNvidia("0000:01:00.0", "0x2335", "0x030200");            // 3D controller: counted
  t.AddNvidia("0000:02:00.0", "0x2335", "0x030000");            // VGA: counted
  t.AddNvidia("0000:01:00.1", "0x22a3", "0x040300");            // NVIDIA audio
  t.AddNvidia("0000:04:00.0", "0x22a3", "0x068000");            // NVIDIA bridge (NVSwitch)
  t.AddNvidia("0000:05:00.0", "0x2330", "0x030100");            // XGA class: not 0300/0302
  t.AddDevice("0000:00:02.0", "0x8086", "0x030000", "0x2330");  // Intel VGA with a clashing id
  t.AddDevice("0000:06:00.0", "0x1002", "0x030200", "0x74a1");  // AMD 3D controller
  t.AddDevice("0000:00:00.0", "0x8086", "0x060000", "0x1234");  // host bridge
  t.SetModules({"nvidia"});
  const Collected got = CollectOk(t.root());
  EXPECT_THAT(got.warnings, IsEmpty());
  const auto& hw = Hardware(got);
  EXPECT_EQ(*hw.Find("gpu-count"), Reading::Int(2));
  EXPECT_EQ(hw.GetString("model"), "h200");
}

TEST(GpuCollectorTest, NoNvidiaDevices) {
  HostTree t;
  t.AddDevice("0000:00:02.0", "0x8086", "0x030000", "0x3e92");
  t.SetModules({"i915"});
  const Collected got = CollectOk(t.root());
  const auto& hw = Hardware(got);
  EXPECT_EQ(hw.data, (std::map<std::string, Reading>{
                         {"gpu-present", Reading::Bool(false)},
                         {"gpu-count", Reading::Int(0)},
                         {"driver-loaded", Reading::Bool(false)},
                         {"detection-source", Reading::Str("nfd")},
                     }));
}

TEST(GpuCollectorTest, EmptyPciTree) {
  HostTree t;
  t.MakePciTree();
  t.SetModules({});
  const Collected got = CollectOk(t.root());
  EXPECT_THAT(got.warnings, IsEmpty());
  const auto& hw = Hardware(got);
  EXPECT_EQ(*hw.Find("gpu-count"), Reading::Int(0));
  EXPECT_EQ(*hw.Find("gpu-present"), Reading::Bool(false));
}

TEST(GpuCollectorTest, DriverLoadedNeedsTheExactModuleName) {
  HostTree t;
  t.AddNvidia("0000:01:00.0", "0x2330");
  t.SetModules({"nvidia_uvm", "nvidia_drm", "nvidia_modeset", "nouveau", "nvidiafb"});
  const Collected not_loaded = CollectOk(t.root());
  EXPECT_EQ(*Hardware(not_loaded).Find("driver-loaded"), Reading::Bool(false));

  t.SetModules({"nvidia_uvm", "nvidia"});
  const Collected loaded = CollectOk(t.root());
  EXPECT_EQ(*Hardware(loaded).Find("driver-loaded"), Reading::Bool(true));
}

TEST(GpuCollectorTest, MissingProcModulesWarnsAndReportsNoDriver) {
  HostTree t;
  t.AddNvidia("0000:01:00.0", "0x2330");
  const Collected got = CollectOk(t.root());
  ASSERT_THAT(got.warnings, SizeIs(1));
  EXPECT_THAT(got.warnings[0], HasSubstr("proc/modules"));
  const auto& hw = Hardware(got);
  EXPECT_EQ(*hw.Find("driver-loaded"), Reading::Bool(false));
  EXPECT_EQ(*hw.Find("gpu-count"), Reading::Int(1));
}

TEST(GpuCollectorTest, NoSysfsGivesNoSubtypesAndAWarning) {
  HostTree t;
  t.SetModules({"nvidia"});
  const Collected got = CollectOk(t.root());
  ASSERT_TRUE(got.measurement.has_value());
  EXPECT_EQ(got.measurement->type, "GPU");
  EXPECT_THAT(got.measurement->subtypes, IsEmpty());
  ASSERT_THAT(got.warnings, SizeIs(1));
  EXPECT_THAT(got.warnings[0], HasSubstr("sys/bus/pci/devices"));
  EXPECT_THAT(got.warnings[0], HasSubstr("not found"));
}

TEST(GpuCollectorTest, MalformedDeviceIsSkippedWithAWarning) {
  HostTree t;
  t.AddNvidia("0000:01:00.0", "0x2330");
  t.AddNvidia("0000:02:00.0", "not-hex");
  t.WriteFile("sys/bus/pci/devices/0000:03:00.0/vendor", "0x10de\n");  // no class, no device
  t.SetModules({"nvidia"});
  const Collected got = CollectOk(t.root());
  ASSERT_THAT(got.warnings, SizeIs(2));
  EXPECT_THAT(got.warnings[0], HasSubstr("0000:02:00.0/device"));
  EXPECT_THAT(got.warnings[1], HasSubstr("0000:03:00.0/class"));
  const auto& hw = Hardware(got);
  EXPECT_EQ(*hw.Find("gpu-count"), Reading::Int(1));
  EXPECT_EQ(hw.GetString("model"), "h100");
}

TEST(GpuCollectorTest, OversizedAttributeIsRejected) {
  HostTree t;
  t.AddNvidia("0000:01:00.0", "0x2330");
  t.WriteFile("sys/bus/pci/devices/0000:01:00.0/class", std::string(100, '0'));
  t.SetModules({"nvidia"});
  const Collected got = CollectOk(t.root());
  ASSERT_THAT(got.warnings, SizeIs(1));
  EXPECT_THAT(got.warnings[0], HasSubstr("larger than 64 bytes"));
  EXPECT_EQ(*Hardware(got).Find("gpu-count"), Reading::Int(0));
}

TEST(GpuCollectorTest, FollowsSysfsSymlinks) {
  // Real sysfs lists devices as links into /sys/devices.
  HostTree t;
  const std::string real = "sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/";
  t.WriteFile(real + "vendor", "0x10de\n");
  t.WriteFile(real + "class", "0x030200\n");
  t.WriteFile(real + "device", "0x2941\n");
  t.MakePciTree();
  const fs::path devices = fs::path(t.root()) / "sys/bus/pci/devices";
  fs::create_directory_symlink("../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0",
                               devices / "0000:01:00.0");
  fs::create_directory_symlink("../../../devices/pci0000:00/missing", devices / "0000:02:00.0");
  t.SetModules({"nvidia"});
  const Collected got = CollectOk(t.root());
  ASSERT_THAT(got.warnings, SizeIs(1));
  EXPECT_THAT(got.warnings[0], HasSubstr("0000:02:00.0/vendor"));
  const auto& hw = Hardware(got);
  EXPECT_EQ(*hw.Find("gpu-count"), Reading::Int(1));
  EXPECT_EQ(hw.GetString("model"), "gb200");
}

TEST(GpuCollectorTest, DeterministicAndSortedByAddress) {
  HostTree t;
  // Created in reverse order; directory order is up to the filesystem.
  for (int i = 15; i >= 0; --i) {
    t.AddNvidia(PciAddress(i + 1), i % 2 == 0 ? "0x2330" : "0x1db6");
  }
  t.SetModules({"nvidia"});
  const Collected first = CollectOk(t.root());
  for (int run = 0; run < 3; ++run) {
    const Collected again = CollectOk(t.root());
    EXPECT_EQ(again.measurement, first.measurement);
    EXPECT_EQ(again.warnings, first.warnings);
  }
  std::vector<std::string> warnings;
  const Result<std::vector<PciDevice>> devices = ListPciDevices(t.root(), CancelToken(), warnings);
  ASSERT_THAT(devices, IsOk());
  ASSERT_THAT(devices.value(), SizeIs(16));
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(devices.value()[i].address, PciAddress(i + 1));
    EXPECT_EQ(devices.value()[i].vendor, 0x10deu);
    EXPECT_EQ(devices.value()[i].device_class, 0x030200u);
    EXPECT_EQ(devices.value()[i].device_id, i % 2 == 0 ? "2330" : "1db6");
  }
  EXPECT_THAT(warnings, IsEmpty());
}

TEST(GpuCollectorTest, CanceledBeforeStart) {
  HostTree t;
  t.AddNvidia("0000:01:00.0", "0x2330");
  t.SetModules({"nvidia"});
  CollectContext ctx;
  ctx.root = t.root();
  ctx.cancel.Cancel();
  EXPECT_THAT(GpuCollector().Collect(ctx), StatusIs(ErrorCode::kCanceled, "operation canceled"));
}

TEST(GpuCollectorTest, ListingStopsWhenCanceled) {
  HostTree t;
  t.AddNvidia("0000:01:00.0", "0x2330");
  CancelToken cancel;
  cancel.Cancel();
  std::vector<std::string> warnings;
  EXPECT_THAT(ListPciDevices(t.root(), cancel, warnings),
              StatusIs(ErrorCode::kCanceled, "operation canceled"));
}

TEST(PciTest, IsNvidiaGpuChecksVendorAndClass) {
  EXPECT_TRUE(IsNvidiaGpu({"a", 0x10de, 0x030000, "2330"}));
  EXPECT_TRUE(IsNvidiaGpu({"a", 0x10de, 0x030200, "2330"}));
  EXPECT_TRUE(IsNvidiaGpu({"a", 0x10de, 0x0302ff, "2330"}));
  EXPECT_FALSE(IsNvidiaGpu({"a", 0x10de, 0x030100, "2330"}));
  EXPECT_FALSE(IsNvidiaGpu({"a", 0x10de, 0x040300, "2330"}));
  EXPECT_FALSE(IsNvidiaGpu({"a", 0x10de, 0x068000, "2330"}));
  EXPECT_FALSE(IsNvidiaGpu({"a", 0x10df, 0x030200, "2330"}));
  EXPECT_FALSE(IsNvidiaGpu({"a", 0x1002, 0x030000, "2330"}));
}

TEST(PciTest, IsModuleLoadedReadsTheFirstField) {
  HostTree t;
  t.WriteFile("proc/modules",
              "nvidia_uvm 1 0 - Live 0x0\n\n  nvidia\t2 0 - Live 0x0\nfoo nvidia 0 - Live 0x0\n");
  EXPECT_THAT(IsModuleLoaded(t.root(), "nvidia"), IsOkAndHolds(true));
  EXPECT_THAT(IsModuleLoaded(t.root(), "nvidia_uvm"), IsOkAndHolds(true));
  EXPECT_THAT(IsModuleLoaded(t.root(), "foo"), IsOkAndHolds(true));
  EXPECT_THAT(IsModuleLoaded(t.root(), "nvidia_drm"), IsOkAndHolds(false));
  EXPECT_THAT(IsModuleLoaded(t.root(), ""), IsOkAndHolds(false));
  const HostTree empty;
  EXPECT_THAT(IsModuleLoaded(empty.root(), "nvidia"),
              StatusIs(ErrorCode::kNotFound, HasSubstr("proc/modules")));
}

TEST(GpuCollectorTest, RealHostGivesAWellFormedMeasurement) {
  const Collected got = CollectOk("/");
  ASSERT_TRUE(got.measurement.has_value());
  const Measurement& m = *got.measurement;
  EXPECT_EQ(m.type, "GPU");
  ASSERT_LE(m.subtypes.size(), 1u);
  if (m.subtypes.empty()) {
    // No sysfs PCI tree here: the detector failure is reported as a warning.
    EXPECT_FALSE(got.warnings.empty());
  } else {
    const measurement::Subtype& hw = m.subtypes[0];
    EXPECT_EQ(hw.name, "hardware");
    ASSERT_NE(hw.Find("gpu-count"), nullptr);
    ASSERT_NE(hw.Find("gpu-count")->if_int(), nullptr);
    const std::int64_t count = *hw.Find("gpu-count")->if_int();
    EXPECT_GE(count, 0);
    EXPECT_EQ(*hw.Find("gpu-present"), Reading::Bool(count > 0));
    ASSERT_NE(hw.Find("driver-loaded"), nullptr);
    EXPECT_NE(hw.Find("driver-loaded")->if_bool(), nullptr);
    EXPECT_EQ(*hw.Find("detection-source"), Reading::Str("nfd"));
    if (const Reading* model = hw.Find("model")) {
      EXPECT_GT(count, 0);
      EXPECT_NE(model->if_string(), nullptr);
    }
    for (const auto& [key, reading] : hw.data) {
      EXPECT_THAT((std::vector<std::string>{"gpu-present", "gpu-count", "driver-loaded",
                                            "detection-source", "model"}),
                  ::testing::Contains(key));
    }
  }
  // The measurement survives the snapshot document round trip.
  measurement::Snapshot snapshot;
  snapshot.measurements.push_back(m);
  const Result<measurement::Snapshot> decoded =
      measurement::DecodeSnapshot(measurement::EncodeSnapshot(snapshot));
  ASSERT_THAT(decoded, IsOk());
  ASSERT_THAT(decoded.value().measurements, SizeIs(1));
  EXPECT_EQ(decoded.value().measurements[0], m);
}

}  // namespace
}  // namespace aicr::collector::gpu
