#include "collector/os/os_collector.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "collector/os/file_parser.h"
#include "collector/os/os_test_tree.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace aicr::collector {
namespace {

using measurement::Reading;
using measurement::Subtype;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Key;
using ::testing::Pair;
using ::testing::SizeIs;

CollectContext ContextFor(const testing::HostTree& tree) {
  CollectContext ctx;
  ctx.root = tree.root();
  return ctx;
}

std::vector<std::string> SubtypeNames(const measurement::Measurement& m) {
  std::vector<std::string> names;
  for (const Subtype& s : m.subtypes) {
    names.push_back(s.name);
  }
  return names;
}

/// A complete fixture host: every sub-collector finds data.
void WriteFullHost(const testing::HostTree& tree) {
  tree.Write("/proc/cmdline",
             "BOOT_IMAGE=/vmlinuz-6.8.0 root=UUID=abcd ro quiet iommu=pt hugepages=16\n");
  tree.Write("/proc/sys/kernel/osrelease", "6.8.0-1028-aws\n");
  tree.Write("/proc/sys/vm/swappiness", "60\n");
  tree.Write("/proc/sys/kernel/printk", "4\t4\t1\t7\n");
  tree.Write("/proc/sys/fs/binfmt_misc/status", "enabled\n");
  tree.Write("/proc/sys/net/ipv4/ip_forward", "1\n");
  tree.Write("/proc/modules",
             "nvidia 1234 0 - Live 0x0000000000000000 (POE)\n"
             "overlay 151552 2 - Live 0x0000000000000000\n");
  tree.Write("/etc/os-release",
             "# comment\nNAME=\"Ubuntu\"\nID=ubuntu\nVERSION_ID=\"24.04\"\n"
             "PRETTY_NAME=\"Ubuntu 24.04.2 LTS\"\n");
}

TEST(OsCollectorTest, NameTypeAndTimeout) {
  OsCollector collector;
  EXPECT_EQ(collector.name(), "os");
  EXPECT_EQ(collector.type(), "OS");
  EXPECT_EQ(collector.timeout(), std::chrono::seconds(10));
  std::unique_ptr<Collector> made = NewOsCollector();
  ASSERT_NE(made, nullptr);
  EXPECT_EQ(made->type(), "OS");
}

TEST(GrubTest, ParsesKernelCommandLine) {
  testing::HostTree tree;
  tree.Write("/proc/cmdline",
             "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro  quiet console=ttyS0,115200 "
             "opt=a=b flag= \n");
  Result<Subtype> grub = CollectGrub(ContextFor(tree));
  ASSERT_THAT(grub, IsOk());
  EXPECT_EQ(grub->name, "grub");
  EXPECT_THAT(grub->data,
              ElementsAre(Pair("BOOT_IMAGE", Reading::Str("/vmlinuz")),
                          Pair("console", Reading::Str("ttyS0,115200")),
                          Pair("flag", Reading::Str("")), Pair("opt", Reading::Str("a=b")),
                          Pair("quiet", Reading::Str("")), Pair("ro", Reading::Str(""))));
}

TEST(GrubTest, MissingCmdlineIsAnError) {
  testing::HostTree tree;
  EXPECT_THAT(CollectGrub(ContextFor(tree)), StatusIs(ErrorCode::kNotFound, HasSubstr("cmdline")));
}

TEST(SysctlTest, WalksProcSysWithHostPathKeys) {
  testing::HostTree tree;
  tree.Write("/proc/sys/kernel/osrelease", "6.8.0-1028-aws\n");
  tree.Write("/proc/sys/kernel/printk", "4\t4\t1\t7\n");  // one line: kept whole
  tree.Write("/proc/sys/fs/inotify/max_user_watches", "  65536  \n");
  tree.Write("/proc/sys/kernel/empty", "");
  tree.Write("/proc/sys/kernel/comment", "# only a comment\n");
  Result<Subtype> sysctl = CollectSysctl(ContextFor(tree));
  ASSERT_THAT(sysctl, IsOk());
  EXPECT_EQ(sysctl->name, "sysctl");
  EXPECT_THAT(sysctl->data,
              ElementsAre(Pair("/proc/sys/fs/inotify/max_user_watches", Reading::Str("65536")),
                          Pair("/proc/sys/kernel/comment", Reading::Str("")),
                          Pair("/proc/sys/kernel/empty", Reading::Str("")),
                          Pair("/proc/sys/kernel/osrelease", Reading::Str("6.8.0-1028-aws")),
                          Pair("/proc/sys/kernel/printk", Reading::Str("4\t4\t1\t7"))));
}

TEST(SysctlTest, MultiLineKeyValueFileGivesOneEntryPerLine) {
  testing::HostTree tree;
  tree.Write("/proc/sys/fs/binfmt_misc/python",
             "enabled\ninterpreter /usr/bin/python3\nflags:\noffset 0\n");
  tree.Write("/proc/sys/kernel/table", "alpha 1\n  beta   2   3  \n\ngamma\tx\ty\n");
  Result<Subtype> sysctl = CollectSysctl(ContextFor(tree));
  ASSERT_THAT(sysctl, IsOk());
  EXPECT_THAT(sysctl->data,
              ElementsAre(
                  // Not every line is `k v...`: the trimmed lines joined by newlines.
                  Pair("/proc/sys/fs/binfmt_misc/python",
                       Reading::Str("enabled\ninterpreter /usr/bin/python3\nflags:\noffset 0")),
                  Pair("/proc/sys/kernel/table/alpha", Reading::Str("1")),
                  Pair("/proc/sys/kernel/table/beta", Reading::Str("2 3")),
                  Pair("/proc/sys/kernel/table/gamma", Reading::Str("x y"))));
}

TEST(SysctlTest, SkipsNetSymlinksSpecialFilesAndFiltersCdrom) {
  testing::HostTree tree;
  tree.Write("/proc/sys/kernel/osrelease", "6.8.0\n");
  tree.Write("/proc/sys/net/ipv4/ip_forward", "1\n");
  tree.Write("/proc/sys/net/core/somaxconn", "4096\n");
  tree.Write("/proc/sys/network", "kept\n");  // only /proc/sys/net itself is excluded
  tree.Write("/proc/sys/dev/cdrom/info", "CD-ROM information\ndrive name:\n");
  tree.Write("/proc/sys/dev/cdrom/lock", "1\n");
  tree.Write("/proc/sys/dev/hpet/max-user-freq", "64\n");
  tree.Symlink(tree.root() + "/proc/sys/kernel/osrelease", "/proc/sys/kernel/link");
  tree.Symlink(tree.root() + "/proc/sys/kernel", "/proc/sys/dirlink");
  ASSERT_EQ(::mkfifo((tree.root() + "/proc/sys/kernel/fifo").c_str(), 0644), 0);
  Result<Subtype> sysctl = CollectSysctl(ContextFor(tree));
  ASSERT_THAT(sysctl, IsOk());
  EXPECT_THAT(sysctl->data,
              ElementsAre(Key("/proc/sys/dev/hpet/max-user-freq"),
                          Key("/proc/sys/kernel/osrelease"), Key("/proc/sys/network")));
}

TEST(SysctlTest, SkipsUnreadableInvalidAndOversizedFiles) {
  testing::HostTree tree;
  tree.Write("/proc/sys/kernel/osrelease", "6.8.0\n");
  // Write-only, like /proc/sys/vm/compact_memory: skipped even when the test runs
  // as root (the collector treats a file without read permission bits as unreadable,
  // as procfs does for root).
  std::string write_only = tree.Write("/proc/sys/vm/compact_memory", "secret\n");
  ASSERT_EQ(::chmod(write_only.c_str(), 0200), 0);
  tree.Write("/proc/sys/kernel/badutf8", "\xc3\x28\n");
  tree.Write("/proc/sys/kernel/huge", std::string(1024 * 1024 + 1, '1'));
  tree.Write("/proc/sys/kernel/exactly_max", std::string(1024 * 1024, '2'));
  Result<Subtype> sysctl = CollectSysctl(ContextFor(tree));
  ASSERT_THAT(sysctl, IsOk());
  EXPECT_THAT(sysctl->data,
              ElementsAre(Key("/proc/sys/kernel/exactly_max"), Key("/proc/sys/kernel/osrelease")));
}

TEST(SysctlTest, SkipsDirectoriesItCannotEnter) {
  testing::HostTree tree;
  tree.Write("/proc/sys/kernel/osrelease", "6.8.0\n");
  tree.Write("/proc/sys/locked/value", "1\n");
  std::string locked = tree.root() + "/proc/sys/locked";
  ASSERT_EQ(::chmod(locked.c_str(), 0), 0);
  Result<Subtype> sysctl = CollectSysctl(ContextFor(tree));
  ASSERT_THAT(sysctl, IsOk());
  if (::geteuid() == 0) {
    // Root bypasses directory permissions, so the entry is readable and reported.
    EXPECT_THAT(sysctl->data,
                ElementsAre(Key("/proc/sys/kernel/osrelease"), Key("/proc/sys/locked/value")));
  } else {
    EXPECT_THAT(sysctl->data, ElementsAre(Key("/proc/sys/kernel/osrelease")));
  }
}

TEST(SysctlTest, MissingProcSysIsAnError) {
  testing::HostTree tree;
  EXPECT_THAT(CollectSysctl(ContextFor(tree)),
              StatusIs(ErrorCode::kNotFound, HasSubstr("/proc/sys")));
}

TEST(SysctlTest, CancellationFailsLoudly) {
  testing::HostTree tree;
  tree.Write("/proc/sys/kernel/osrelease", "6.8.0\n");
  CollectContext ctx = ContextFor(tree);
  ctx.cancel.Cancel();
  EXPECT_THAT(CollectSysctl(ctx), StatusIs(ErrorCode::kCanceled, HasSubstr("sysctl")));
}

TEST(KmodTest, FirstFieldOfEachModuleLineIsTrue) {
  testing::HostTree tree;
  tree.Write("/proc/modules",
             "nvidia_uvm 1990656 0 - Live 0x0000000000000000 (POE)\n"
             "nvidia 1234 1 nvidia_uvm, Live 0x0000000000000000 (POE)\n\n"
             "overlay 151552 2 - Live 0x0000000000000000\n");
  Result<Subtype> kmod = CollectKmod(ContextFor(tree));
  ASSERT_THAT(kmod, IsOk());
  EXPECT_EQ(kmod->name, "kmod");
  EXPECT_THAT(kmod->data, ElementsAre(Pair("nvidia", Reading::Bool(true)),
                                      Pair("nvidia_uvm", Reading::Bool(true)),
                                      Pair("overlay", Reading::Bool(true))));
}

TEST(ReleaseTest, ParsesOsReleaseValues) {
  testing::HostTree tree;
  tree.Write("/etc/os-release",
             "# a comment\n"
             "NAME=\"Ubuntu\"\n"
             "ID=ubuntu\n"
             "VERSION_ID='24.04'\n"
             " PRETTY_NAME = \"Ubuntu 24.04.2 LTS\" \n"
             "EMPTY=\n"
             "QUOTED_EMPTY=\"\"\n"
             "no equals sign\n"
             "URL=\"https://x/?a=b\"\n");
  tree.Write("/usr/lib/os-release", "ID=fallback\n");
  Result<Subtype> release = CollectRelease(ContextFor(tree));
  ASSERT_THAT(release, IsOk());
  EXPECT_EQ(release->name, "release");
  EXPECT_THAT(release->data,
              ElementsAre(Pair("ID", Reading::Str("ubuntu")), Pair("NAME", Reading::Str("Ubuntu")),
                          Pair("PRETTY_NAME", Reading::Str("Ubuntu 24.04.2 LTS")),
                          Pair("URL", Reading::Str("https://x/?a=b")),
                          Pair("VERSION_ID", Reading::Str("24.04"))));
}

TEST(ReleaseTest, FallsBackToUsrLibWhenEtcIsMissing) {
  testing::HostTree tree;
  tree.Write("/usr/lib/os-release", "ID=rhel\nVERSION_ID=\"9.4\"\n");
  Result<Subtype> release = CollectRelease(ContextFor(tree));
  ASSERT_THAT(release, IsOk());
  EXPECT_THAT(release->data, ElementsAre(Pair("ID", Reading::Str("rhel")),
                                         Pair("VERSION_ID", Reading::Str("9.4"))));
}

TEST(ReleaseTest, NoFallbackWhenEtcExistsButIsInvalid) {
  testing::HostTree tree;
  tree.Write("/etc/os-release", "ID=\xff\n");
  tree.Write("/usr/lib/os-release", "ID=rhel\n");
  EXPECT_THAT(CollectRelease(ContextFor(tree)),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("/etc/os-release")));
}

TEST(ReleaseTest, BothMissingIsAnError) {
  testing::HostTree tree;
  EXPECT_THAT(CollectRelease(ContextFor(tree)),
              StatusIs(ErrorCode::kNotFound, HasSubstr("/usr/lib/os-release")));
}

TEST(OsCollectorTest, CollectsSubtypesInFixedOrder) {
  testing::HostTree tree;
  WriteFullHost(tree);
  Result<Collected> collected = OsCollector().Collect(ContextFor(tree));
  ASSERT_THAT(collected, IsOk());
  EXPECT_THAT(collected->warnings, IsEmpty());
  ASSERT_TRUE(collected->measurement.has_value());
  const measurement::Measurement& m = *collected->measurement;
  EXPECT_EQ(m.type, "OS");
  EXPECT_THAT(SubtypeNames(m), ElementsAre("grub", "sysctl", "kmod", "release"));
  EXPECT_THAT(m.FindSubtype("grub")->data, ElementsAre(Key("BOOT_IMAGE"), Key("hugepages"),
                                                       Key("iommu"), Key("quiet"), Key("ro")));
  EXPECT_THAT(m.FindSubtype("sysctl")->data,
              ElementsAre(Key("/proc/sys/fs/binfmt_misc/status"), Key("/proc/sys/kernel/osrelease"),
                          Key("/proc/sys/kernel/printk"), Key("/proc/sys/vm/swappiness")));
  EXPECT_THAT(m.FindSubtype("kmod")->data, ElementsAre(Key("nvidia"), Key("overlay")));
  EXPECT_EQ(m.FindSubtype("release")->GetString("ID"), "ubuntu");
}

TEST(OsCollectorTest, FailingSubCollectorsAreSkippedWithWarnings) {
  testing::HostTree tree;
  WriteFullHost(tree);
  tree.Write("/proc/cmdline", "root=x \xff\n");              // invalid UTF-8
  std::filesystem::remove(tree.root() + "/etc/os-release");  // and no fallback
  Result<Collected> collected = OsCollector().Collect(ContextFor(tree));
  ASSERT_THAT(collected, IsOk());
  ASSERT_TRUE(collected->measurement.has_value());
  EXPECT_THAT(SubtypeNames(*collected->measurement), ElementsAre("sysctl", "kmod"));
  ASSERT_THAT(collected->warnings, SizeIs(2));
  EXPECT_THAT(collected->warnings[0], HasSubstr("grub"));
  EXPECT_THAT(collected->warnings[0], HasSubstr("not valid utf-8"));
  EXPECT_THAT(collected->warnings[1], HasSubstr("release"));
  EXPECT_THAT(collected->warnings[1], HasSubstr("os-release"));
}

TEST(OsCollectorTest, EmptySubtypesAreOmitted) {
  testing::HostTree tree;
  WriteFullHost(tree);
  tree.Write("/proc/modules", "");
  Result<Collected> collected = OsCollector().Collect(ContextFor(tree));
  ASSERT_THAT(collected, IsOk());
  EXPECT_THAT(collected->warnings, IsEmpty());
  EXPECT_THAT(SubtypeNames(*collected->measurement), ElementsAre("grub", "sysctl", "release"));
}

TEST(OsCollectorTest, EmptyHostGivesMeasurementWithoutSubtypes) {
  testing::HostTree tree;
  Result<Collected> collected = OsCollector().Collect(ContextFor(tree));
  ASSERT_THAT(collected, IsOk());
  ASSERT_TRUE(collected->measurement.has_value());
  EXPECT_EQ(collected->measurement->type, "OS");
  EXPECT_THAT(collected->measurement->subtypes, IsEmpty());
  EXPECT_THAT(collected->warnings, SizeIs(4));
}

TEST(OsCollectorTest, SameTreeGivesIdenticalMeasurement) {
  testing::HostTree first;
  testing::HostTree second;
  WriteFullHost(first);
  // The same content written in a different order below a different root.
  second.Write("/etc/os-release",
               "# comment\nNAME=\"Ubuntu\"\nID=ubuntu\nVERSION_ID=\"24.04\"\n"
               "PRETTY_NAME=\"Ubuntu 24.04.2 LTS\"\n");
  second.Write("/proc/sys/vm/swappiness", "60\n");
  second.Write("/proc/sys/net/ipv4/ip_forward", "1\n");
  second.Write("/proc/sys/kernel/printk", "4\t4\t1\t7\n");
  second.Write("/proc/sys/fs/binfmt_misc/status", "enabled\n");
  second.Write("/proc/sys/kernel/osrelease", "6.8.0-1028-aws\n");
  second.Write("/proc/modules",
               "nvidia 1234 0 - Live 0x0000000000000000 (POE)\n"
               "overlay 151552 2 - Live 0x0000000000000000\n");
  second.Write("/proc/cmdline",
               "BOOT_IMAGE=/vmlinuz-6.8.0 root=UUID=abcd ro quiet iommu=pt hugepages=16\n");
  OsCollector collector;
  Result<Collected> a = collector.Collect(ContextFor(first));
  Result<Collected> b = collector.Collect(ContextFor(first));
  Result<Collected> c = collector.Collect(ContextFor(second));
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(a->measurement, b->measurement);
  EXPECT_EQ(a->measurement, c->measurement);
}

TEST(OsCollectorTest, CancellationIsAnError) {
  testing::HostTree tree;
  WriteFullHost(tree);
  CollectContext ctx = ContextFor(tree);
  ctx.cancel.Cancel();
  EXPECT_THAT(OsCollector().Collect(ctx), StatusIs(ErrorCode::kCanceled, HasSubstr("canceled")));
}

TEST(OsCollectorTest, CollectsTheRealHost) {
  CollectContext ctx;  // root "/"
  Result<Collected> collected = OsCollector().Collect(ctx);
  ASSERT_THAT(collected, IsOk());
  ASSERT_TRUE(collected->measurement.has_value());
  const measurement::Measurement& m = *collected->measurement;
  EXPECT_EQ(m.type, "OS");
  ASSERT_NE(m.FindSubtype("grub"), nullptr) << ::testing::PrintToString(collected->warnings);
  EXPECT_THAT(m.FindSubtype("grub")->data, ::testing::Not(Contains(Key("root"))));
  const Subtype* sysctl = m.FindSubtype("sysctl");
  ASSERT_NE(sysctl, nullptr) << ::testing::PrintToString(collected->warnings);
  std::optional<std::string> osrelease = sysctl->GetString("/proc/sys/kernel/osrelease");
  ASSERT_TRUE(osrelease.has_value());
  EXPECT_FALSE(osrelease->empty());
  for (const auto& [key, reading] : sysctl->data) {
    EXPECT_TRUE(key.starts_with("/proc/sys/")) << key;
    EXPECT_FALSE(key.starts_with("/proc/sys/net/")) << key;
    EXPECT_FALSE(key.starts_with("/proc/sys/dev/cdrom/")) << key;
  }
  Result<std::string> modules = ReadFileCapped("/proc/modules");
  if (modules.ok() && !SplitParsedLines(*modules).empty()) {
    ASSERT_NE(m.FindSubtype("kmod"), nullptr) << ::testing::PrintToString(collected->warnings);
  } else {
    EXPECT_EQ(m.FindSubtype("kmod"), nullptr);
  }
  const Subtype* release = m.FindSubtype("release");
  ASSERT_NE(release, nullptr) << ::testing::PrintToString(collected->warnings);
  EXPECT_TRUE(release->GetString("ID").has_value());
}

}  // namespace
}  // namespace aicr::collector
