#include "collector/systemd/systemd_collector.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/cancel.h"
#include "collector/systemd/fake_systemd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "measurement/snapshot.h"
#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"
#include "tests/testing/status_matchers.h"

namespace aicr::collector::systemd {
namespace {

namespace fs = std::filesystem;
using measurement::Reading;
using ::testing::AllOf;
using ::testing::ElementsAre;
using testing::FakeProperty;
using testing::FakeSystemd;
using testing::FakeSystemdOptions;
using testing::FakeUnit;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

/// A fixture host root in a fresh temp dir, removed at the end of the test.
class HostRoot {
 public:
  explicit HostRoot(const std::string& prefix = "aicr-systemd-test-") {
    std::string tmpl = (fs::temp_directory_path() / (prefix + "XXXXXX")).string();
    char* dir = ::mkdtemp(tmpl.data());
    EXPECT_NE(dir, nullptr);
    root_ = tmpl;
  }
  ~HostRoot() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  HostRoot(const HostRoot&) = delete;
  HostRoot& operator=(const HostRoot&) = delete;

  const std::string& root() const { return root_; }
  std::string PrivateSocket() const { return root_ + "/run/systemd/private"; }
  std::string SystemBusSocket() const { return root_ + "/run/dbus/system_bus_socket"; }

 private:
  std::string root_;
};

std::unique_ptr<FakeSystemd> MustStart(const std::string& socket, FakeSystemdOptions options) {
  auto fake = FakeSystemd::Start(socket, std::move(options));
  EXPECT_THAT(fake, IsOk());
  return fake.ok() ? std::move(fake).value() : nullptr;
}

CollectContext Context(const std::string& root) {
  CollectContext ctx;
  ctx.root = root;
  return ctx;
}

FakeProperty Prop(std::string name, std::string signature,
                  std::function<int(sd_bus_message*)> append) {
  return {std::move(name), std::move(signature), std::move(append)};
}

/// A unit carrying every kind of value the collector converts, and the keys it filters.
FakeUnit RepresentativeUnit() {
  FakeUnit unit;
  unit.properties = {
      FakeSystemd::String("ActiveState", "active"),
      FakeSystemd::String("SubState", "running"),
      FakeSystemd::String("Description", "containerd container runtime"),
      FakeSystemd::Bool("CanStart", true),
      FakeSystemd::Bool("Transient", false),
      FakeSystemd::Uint64("MemoryMax", std::numeric_limits<std::uint64_t>::max()),
      FakeSystemd::Uint64("CPUWeight", 100),
      FakeSystemd::Uint64("TasksMax", 9223372036854775807ull),
      FakeSystemd::Uint64("LimitNOFILE", 9223372036854775808ull),
      Prop("MainPID", "u", [](sd_bus_message* m) { return sd_bus_message_append(m, "u", 4242u); }),
      Prop("OOMScoreAdjust", "i",
           [](sd_bus_message* m) { return sd_bus_message_append(m, "i", -999); }),
      Prop("ExecMainStartTimestampMonotonic", "x",
           [](sd_bus_message* m) {
             return sd_bus_message_append(m, "x", static_cast<std::int64_t>(-9000000000));
           }),
      Prop("Nice", "n", [](sd_bus_message* m) { return sd_bus_message_append(m, "n", -7); }),
      Prop("ExampleUint16", "q",
           [](sd_bus_message* m) { return sd_bus_message_append(m, "q", 65535); }),
      Prop("ExampleByte", "y", [](sd_bus_message* m) { return sd_bus_message_append(m, "y", 7); }),
      Prop("CPUQuotaRatio", "d",
           [](sd_bus_message* m) { return sd_bus_message_append(m, "d", 0.5); }),
      Prop("Following", "o", [](sd_bus_message* m) { return sd_bus_message_append(m, "o", "/"); }),
      Prop("ExampleSignature", "g",
           [](sd_bus_message* m) { return sd_bus_message_append(m, "g", "a{sv}"); }),
      Prop("Names", "as",
           [](sd_bus_message* m) {
             return sd_bus_message_append(m, "as", 2, "containerd.service", "cri.service");
           }),
      Prop("Documentation", "as",
           [](sd_bus_message* m) { return sd_bus_message_append(m, "as", 0); }),
      Prop("Paths", "a(sb)",
           [](sd_bus_message* m) {
             return sd_bus_message_append(m, "a(sb)", 2, "/etc/containerd", 1, "/run/containerd",
                                          0);
           }),
      Prop("StandardInputData", "ay",
           [](sd_bus_message* m) {
             static const std::uint8_t kBytes[] = {104, 105};
             return sd_bus_message_append_array(m, 'y', kBytes, sizeof(kBytes));
           }),
      Prop("ExecStart", "a(sasbttttuii)",
           [](sd_bus_message* m) {
             return sd_bus_message_append(m, "a(sasbttttuii)", 1, "/usr/bin/containerd", 3,
                                          "/usr/bin/containerd", "--log-level", "info", 0,
                                          std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{0},
                                          std::uint64_t{0}, 0u, 0, 0);
           }),
      Prop("IPAddressAllow", "a(iayu)",
           [](sd_bus_message* m) {
             int r = sd_bus_message_open_container(m, 'a', "(iayu)");
             if (r >= 0) r = sd_bus_message_open_container(m, 'r', "iayu");
             if (r >= 0) r = sd_bus_message_append(m, "i", 2);
             static const std::uint8_t kAddr[] = {10, 0, 0, 0};
             if (r >= 0) r = sd_bus_message_append_array(m, 'y', kAddr, sizeof(kAddr));
             if (r >= 0) r = sd_bus_message_append(m, "u", 8u);
             if (r >= 0) r = sd_bus_message_close_container(m);
             if (r >= 0) r = sd_bus_message_close_container(m);
             return r;
           }),
      Prop("ExampleDict", "a{sv}",
           [](sd_bus_message* m) {
             return sd_bus_message_append(m, "a{sv}", 2, "zone", "s", "b", "count", "u", 5u);
           }),
      Prop("ExampleStruct", "(tt)",
           [](sd_bus_message* m) {
             return sd_bus_message_append(m, "(tt)", std::uint64_t{1}, std::uint64_t{2});
           }),
      Prop("ExampleVariant", "v",
           [](sd_bus_message* m) { return sd_bus_message_append(m, "v", "d", 1.5); }),
      // Filtered.
      Prop("AllowedCPUs", "ay",
           [](sd_bus_message* m) {
             static const std::uint8_t kMask[] = {0xff};
             return sd_bus_message_append_array(m, 'y', kMask, sizeof(kMask));
           }),
      Prop("AllowedMemoryNodes", "ay",
           [](sd_bus_message* m) { return sd_bus_message_append_array(m, 'y', nullptr, 0); }),
      Prop("Asserts", "a(sbbsi)",
           [](sd_bus_message* m) {
             return sd_bus_message_append(m, "a(sbbsi)", 1, "AssertPathExists", 0, 0, "/x", 1);
           }),
      Prop("BPFProgram", "a(ss)",
           [](sd_bus_message* m) { return sd_bus_message_append(m, "a(ss)", 1, "egress", "/p"); }),
      FakeSystemd::String("BusName", "org.example.Service"),
      FakeSystemd::String("Id", "containerd.service"),
      Prop("LoadCredential", "a(ss)",
           [](sd_bus_message* m) {
             return sd_bus_message_append(m, "a(ss)", 1, "token", "/etc/secret");
           }),
      Prop("SetCredentialEncrypted", "a(say)",
           [](sd_bus_message* m) { return sd_bus_message_append(m, "a(say)", 0); }),
      Prop("ImportCredential", "as",
           [](sd_bus_message* m) { return sd_bus_message_append(m, "as", 1, "secret.*"); }),
  };
  return unit;
}

std::map<std::string, Reading> RepresentativeReadings() {
  return {
      {"ActiveState", Reading::Str("active")},
      {"SubState", Reading::Str("running")},
      {"Description", Reading::Str("containerd container runtime")},
      {"CanStart", Reading::Bool(true)},
      {"Transient", Reading::Bool(false)},
      {"MemoryMax", Reading::Str("18446744073709551615")},
      {"CPUWeight", Reading::Int(100)},
      {"TasksMax", Reading::Int(9223372036854775807)},
      {"LimitNOFILE", Reading::Str("9223372036854775808")},
      {"MainPID", Reading::Int(4242)},
      {"OOMScoreAdjust", Reading::Int(-999)},
      {"ExecMainStartTimestampMonotonic", Reading::Int(-9000000000)},
      {"Nice", Reading::Int(-7)},
      {"ExampleUint16", Reading::Int(65535)},
      {"ExampleByte", Reading::Int(7)},
      {"CPUQuotaRatio", Reading::Float(0.5)},
      {"Following", Reading::Str("/")},
      {"ExampleSignature", Reading::Str("a{sv}")},
      {"Names", Reading::Str("[containerd.service cri.service]")},
      {"Documentation", Reading::Str("[]")},
      {"Paths", Reading::Str("[[/etc/containerd true] [/run/containerd false]]")},
      {"StandardInputData", Reading::Str("[104 105]")},
      {"ExecStart",
       Reading::Str("[[/usr/bin/containerd [/usr/bin/containerd --log-level info] false 1 2 0 0 0 "
                    "0 0]]")},
      {"IPAddressAllow", Reading::Str("[[2 [10 0 0 0] 8]]")},
      {"ExampleDict", Reading::Str("map[zone:b count:5]")},
      {"ExampleStruct", Reading::Str("[1 2]")},
      {"ExampleVariant", Reading::Str("1.5")},
  };
}

FakeUnit SmallUnit(const std::string& state) {
  FakeUnit unit;
  unit.properties = {FakeSystemd::String("ActiveState", state),
                     FakeSystemd::String("Id", "filtered")};
  return unit;
}

TEST(SystemdCollectorTest, Identity) {
  SystemdCollector c;
  EXPECT_EQ(c.name(), "systemd");
  EXPECT_EQ(c.type(), "SystemD");
  EXPECT_EQ(c.timeout(), std::chrono::seconds(10));
}

TEST(SystemdCollectorTest, UnitLists) {
  EXPECT_THAT(DefaultUnits(),
              ElementsAre("containerd.service", "docker.service", "kubelet.service"));
  EXPECT_THAT(SystemdCollector().units(),
              ElementsAre("containerd.service", "docker.service", "kubelet.service"));
  EXPECT_THAT(SystemdCollector(std::vector<std::string>{}).units(),
              ElementsAre("containerd.service"));
  EXPECT_THAT(SystemdCollector({"b.service", "a.service", "b.service"}).units(),
              ElementsAre("b.service", "a.service"));
  EXPECT_THAT(FilteredKeys(), ElementsAre("AllowedCPUs", "AllowedMemoryNodes", "Asserts",
                                          "BPFProgram", "BusName", "Id", "*Credential*"));
}

TEST(SystemdCollectorTest, EscapesBusAddressValues) {
  EXPECT_EQ(EscapeBusAddressValue("/run/systemd/private"), "/run/systemd/private");
  EXPECT_EQ(EscapeBusAddressValue("/tmp/a b/c=d,e;%"), "/tmp/a%20b/c%3dd%2ce%3b%25");
  EXPECT_EQ(EscapeBusAddressValue("A-z_0.9*\\"), "A-z_0.9*\\");
  EXPECT_EQ(EscapeBusAddressValue("\xc3\xa9"), "%c3%a9");
}

TEST(SystemdCollectorTest, ReadsDefaultUnitsFromPrivateSocket) {
  HostRoot host;
  FakeSystemdOptions options;
  options.units["containerd.service"] = RepresentativeUnit();
  options.units["kubelet.service"] = SmallUnit("activating");
  auto fake = MustStart(host.PrivateSocket(), std::move(options));
  ASSERT_NE(fake, nullptr);

  auto collected = SystemdCollector().Collect(Context(host.root()));
  ASSERT_THAT(collected, IsOk());
  ASSERT_TRUE(collected->measurement.has_value());
  const measurement::Measurement& m = *collected->measurement;
  EXPECT_EQ(m.type, "SystemD");
  ASSERT_THAT(m.subtypes, SizeIs(2));
  EXPECT_EQ(m.subtypes[0].name, "containerd.service");
  EXPECT_EQ(m.subtypes[0].data, RepresentativeReadings());
  EXPECT_THAT(m.subtypes[0].context, IsEmpty());
  EXPECT_THAT(m.subtypes[0].items, IsEmpty());
  EXPECT_EQ(m.subtypes[1].name, "kubelet.service");
  EXPECT_EQ(m.subtypes[1].data,
            (std::map<std::string, Reading>{{"ActiveState", Reading::Str("activating")}}));

  // docker.service is unknown to this systemd: skipped with a warning.
  EXPECT_THAT(collected->warnings,
              ElementsAre(AllOf(HasSubstr("unit \"docker.service\" skipped"),
                                HasSubstr("org.freedesktop.systemd1.NoSuchUnit"))));
  EXPECT_THAT(fake->calls(),
              ElementsAre("LoadUnit containerd.service",
                          "GetAll " + FakeSystemd::UnitPath("containerd.service") + " interface=",
                          "LoadUnit docker.service", "LoadUnit kubelet.service",
                          "GetAll " + FakeSystemd::UnitPath("kubelet.service") + " interface="));
  EXPECT_EQ(FakeSystemd::UnitPath("containerd.service"),
            "/org/freedesktop/systemd1/unit/containerd_2eservice");
}

TEST(SystemdCollectorTest, ReadingsSurviveADocumentRoundTrip) {
  HostRoot host;
  FakeSystemdOptions options;
  options.units["containerd.service"] = RepresentativeUnit();
  auto fake = MustStart(host.PrivateSocket(), std::move(options));
  ASSERT_NE(fake, nullptr);
  auto collected = SystemdCollector({"containerd.service"}).Collect(Context(host.root()));
  ASSERT_THAT(collected, IsOk());

  measurement::Snapshot snapshot;
  snapshot.measurements.push_back(*collected->measurement);
  const std::string yaml = serialize::WriteYaml(measurement::EncodeSnapshot(snapshot));
  EXPECT_THAT(yaml, HasSubstr("MemoryMax: \"18446744073709551615\"\n"));
  EXPECT_THAT(yaml, HasSubstr("MainPID: 4242\n"));
  EXPECT_THAT(yaml, HasSubstr("CanStart: true\n"));
  auto parsed = serialize::ParseYaml(yaml);
  ASSERT_THAT(parsed, IsOk());
  auto decoded = measurement::DecodeSnapshot(*parsed);
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(decoded->measurements, snapshot.measurements);
}

TEST(SystemdCollectorTest, ReadsConfiguredUnitsInOrder) {
  HostRoot host;
  FakeSystemdOptions options;
  options.units["a.service"] = SmallUnit("active");
  options.units["b.socket"] = SmallUnit("inactive");
  auto fake = MustStart(host.PrivateSocket(), std::move(options));
  ASSERT_NE(fake, nullptr);

  auto collected = SystemdCollector({"b.socket", "a.service"}).Collect(Context(host.root()));
  ASSERT_THAT(collected, IsOk());
  EXPECT_THAT(collected->warnings, IsEmpty());
  ASSERT_THAT(collected->measurement->subtypes, SizeIs(2));
  EXPECT_EQ(collected->measurement->subtypes[0].name, "b.socket");
  EXPECT_EQ(collected->measurement->subtypes[0].data.at("ActiveState"), Reading::Str("inactive"));
  EXPECT_EQ(collected->measurement->subtypes[1].name, "a.service");
}

TEST(SystemdCollectorTest, NoBusGivesEmptyMeasurementAndWarning) {
  HostRoot host;
  auto collected = SystemdCollector().Collect(Context(host.root()));
  ASSERT_THAT(collected, IsOk());
  ASSERT_TRUE(collected->measurement.has_value());
  EXPECT_EQ(collected->measurement->type, "SystemD");
  EXPECT_THAT(collected->measurement->subtypes, IsEmpty());
  EXPECT_THAT(collected->warnings,
              ElementsAre(AllOf(HasSubstr("no systemd bus reachable"),
                                HasSubstr(host.PrivateSocket()), HasSubstr(host.SystemBusSocket()),
                                HasSubstr("no such file or directory"))));
}

TEST(SystemdCollectorTest, SilentSocketTimesOut) {
  HostRoot host;
  // A socket that accepts connections (the backlog) but never answers.
  fs::create_directories(fs::path(host.PrivateSocket()).parent_path());
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(host.PrivateSocket().size(), sizeof(addr.sun_path));
  std::memcpy(addr.sun_path, host.PrivateSocket().c_str(), host.PrivateSocket().size() + 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(fd, 8), 0);

  auto collected = SystemdCollector({"containerd.service"}, std::chrono::milliseconds(300))
                       .Collect(Context(host.root()));
  ::close(fd);
  ASSERT_THAT(collected, IsOk());
  EXPECT_THAT(collected->measurement->subtypes, IsEmpty());
  EXPECT_THAT(collected->warnings,
              ElementsAre(AllOf(HasSubstr(host.PrivateSocket() + ": no answer within 300ms"),
                                HasSubstr(host.SystemBusSocket() + ": no such file"))));
}

TEST(SystemdCollectorTest, FallsBackToTheSystemBus) {
  // A root whose path needs D-Bus address escaping.
  HostRoot host("aicr systemd,bus=test-");
  // Something that is not a socket where systemd's private socket would be.
  fs::create_directories(fs::path(host.PrivateSocket()).parent_path());
  std::ofstream(host.PrivateSocket()) << "not a socket";
  FakeSystemdOptions options;
  options.units["containerd.service"] = SmallUnit("active");
  options.message_bus = true;
  auto fake = MustStart(host.SystemBusSocket(), std::move(options));
  ASSERT_NE(fake, nullptr);

  auto collected = SystemdCollector({"containerd.service"}).Collect(Context(host.root()));
  ASSERT_THAT(collected, IsOk());
  EXPECT_THAT(collected->warnings, IsEmpty());
  ASSERT_THAT(collected->measurement->subtypes, SizeIs(1));
  EXPECT_EQ(collected->measurement->subtypes[0].data,
            (std::map<std::string, Reading>{{"ActiveState", Reading::Str("active")}}));
  EXPECT_THAT(fake->calls(),
              ElementsAre("Hello", "LoadUnit containerd.service",
                          "GetAll " + FakeSystemd::UnitPath("containerd.service") + " interface="));
}

TEST(SystemdCollectorTest, PrivateSocketWinsOverTheSystemBus) {
  HostRoot host;
  FakeSystemdOptions direct;
  direct.units["containerd.service"] = SmallUnit("from-private");
  auto private_fake = MustStart(host.PrivateSocket(), std::move(direct));
  FakeSystemdOptions bus;
  bus.units["containerd.service"] = SmallUnit("from-bus");
  bus.message_bus = true;
  auto bus_fake = MustStart(host.SystemBusSocket(), std::move(bus));
  ASSERT_NE(private_fake, nullptr);
  ASSERT_NE(bus_fake, nullptr);

  auto collected = SystemdCollector({"containerd.service"}).Collect(Context(host.root()));
  ASSERT_THAT(collected, IsOk());
  ASSERT_THAT(collected->measurement->subtypes, SizeIs(1));
  EXPECT_EQ(collected->measurement->subtypes[0].data.at("ActiveState"),
            Reading::Str("from-private"));
  EXPECT_THAT(bus_fake->calls(), IsEmpty());
}

TEST(SystemdCollectorTest, FailingUnitsAreSkippedWithWarnings) {
  HostRoot host;
  FakeSystemdOptions options;
  FakeUnit denied = SmallUnit("active");
  denied.get_all_error = "org.freedesktop.DBus.Error.AccessDenied";
  options.units["denied.service"] = denied;
  FakeUnit silent = SmallUnit("active");
  silent.hang = true;
  options.units["silent.service"] = silent;
  FakeUnit empty;  // every property filtered: nothing to report
  empty.properties = {FakeSystemd::String("Id", "empty.service"),
                      FakeSystemd::String("LoadCredentialEncrypted", "x")};
  options.units["empty.service"] = empty;
  options.units["ok.service"] = SmallUnit("active");
  auto fake = MustStart(host.PrivateSocket(), std::move(options));
  ASSERT_NE(fake, nullptr);

  SystemdCollector collector(
      {"denied.service", "silent.service", "empty.service", "missing.service", "ok.service"},
      std::chrono::milliseconds(1000));
  auto collected = collector.Collect(Context(host.root()));
  ASSERT_THAT(collected, IsOk());
  ASSERT_THAT(collected->measurement->subtypes, SizeIs(1));
  EXPECT_EQ(collected->measurement->subtypes[0].name, "ok.service");
  EXPECT_THAT(
      collected->warnings,
      ElementsAre(
          AllOf(HasSubstr("unit \"denied.service\" skipped"),
                HasSubstr("org.freedesktop.DBus.Error.AccessDenied: Refused for denied")),
          AllOf(HasSubstr("unit \"silent.service\" skipped"), HasSubstr("no answer within 1000ms")),
          AllOf(HasSubstr("unit \"empty.service\" skipped"), HasSubstr("no properties")),
          AllOf(HasSubstr("unit \"missing.service\" skipped"),
                HasSubstr("NoSuchUnit: Unit missing.service not found."))));
}

TEST(SystemdCollectorTest, CancellationBetweenUnitsFailsTheCollector) {
  HostRoot host;
  CancelToken token;
  FakeSystemdOptions options;
  options.units["a.service"] = SmallUnit("active");
  options.units["b.service"] = SmallUnit("active");
  options.on_get_all = [token](const std::string&) { token.Cancel(); };
  auto fake = MustStart(host.PrivateSocket(), std::move(options));
  ASSERT_NE(fake, nullptr);

  CollectContext ctx = Context(host.root());
  ctx.cancel = token;
  auto collected = SystemdCollector({"a.service", "b.service"}).Collect(ctx);
  EXPECT_THAT(collected, StatusIs(ErrorCode::kCanceled, HasSubstr("canceled")));
  // The first unit's GetAll fired the token: b.service was never asked for.
  EXPECT_THAT(fake->calls(),
              ElementsAre("LoadUnit a.service",
                          "GetAll " + FakeSystemd::UnitPath("a.service") + " interface="));
}

TEST(SystemdCollectorTest, CanceledBeforeStartConnectsToNothing) {
  HostRoot host;
  FakeSystemdOptions options;
  options.units["containerd.service"] = SmallUnit("active");
  auto fake = MustStart(host.PrivateSocket(), std::move(options));
  ASSERT_NE(fake, nullptr);
  CollectContext ctx = Context(host.root());
  ctx.cancel.Cancel();
  EXPECT_THAT(SystemdCollector().Collect(ctx),
              StatusIs(ErrorCode::kCanceled, HasSubstr("canceled")));
  EXPECT_THAT(fake->calls(), IsEmpty());
}

}  // namespace
}  // namespace aicr::collector::systemd
