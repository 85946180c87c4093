#include "snapshotter/snapshotter.h"

#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/cancel.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/status_macros.h"
#include "collector/collector.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "measurement/fingerprint.h"
#include "measurement/snapshot.h"
#include "serialize/json_reader.h"
#include "serialize/json_writer.h"
#include "snapshotter/builtin.h"
#include "snapshotter/registry.h"
#include "tests/testing/status_matchers.h"

namespace aicr::snapshotter {
namespace {

using collector::CollectContext;
using collector::Collected;
using measurement::Measurement;
using measurement::Reading;
using measurement::Snapshot;
using measurement::Subtype;
using std::chrono::milliseconds;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using SteadyClock = std::chrono::steady_clock;

using CollectFn = std::function<Result<Collected>(const CollectContext&)>;

/// A collector whose behaviour is a function.
class FakeCollector : public collector::Collector {
 public:
  FakeCollector(std::string name, std::string type, CollectFn fn,
                milliseconds timeout = std::chrono::seconds(10))
      : name_(std::move(name)), type_(std::move(type)), fn_(std::move(fn)), timeout_(timeout) {}
  std::string_view name() const override { return name_; }
  std::string_view type() const override { return type_; }
  milliseconds timeout() const override { return timeout_; }
  Result<Collected> Collect(const CollectContext& ctx) const override { return fn_(ctx); }

 private:
  std::string name_;
  std::string type_;
  CollectFn fn_;
  milliseconds timeout_;
};

Collected OneSubtype(const std::string& type, const std::string& subtype,
                     std::map<std::string, Reading> data) {
  Collected c;
  Measurement m;
  m.type = type;
  m.subtypes.push_back(Subtype{subtype, std::move(data), {}, {}});
  c.measurement = std::move(m);
  return c;
}

/// A collector that reports `type` with one subtype `s` holding `k: v`.
std::unique_ptr<collector::Collector> Simple(const std::string& name, const std::string& type) {
  return std::make_unique<FakeCollector>(name, type, [type](const CollectContext&) {
    return Result<Collected>(OneSubtype(type, "s", {{"k", Reading::Str("v")}}));
  });
}

EnvLookup MapEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

MeasureOptions TestOptions() {
  MeasureOptions o;
  o.env = MapEnv({});
  return o;
}

std::vector<std::string> Types(const Snapshot& s) {
  std::vector<std::string> types;
  for (const Measurement& m : s.measurements) {
    types.push_back(m.type);
  }
  return types;
}

// ---------------------------------------------------------------------------
// Registry

TEST(RegistryTest, NamesAreSortedAndDuplicatesRejected) {
  Registry r;
  ASSERT_THAT(r.Add(Simple("os", "OS")), IsOk());
  ASSERT_THAT(r.Add(Simple("gpu", "GPU")), IsOk());
  ASSERT_THAT(r.Add(Simple("k8s", "K8s")), IsOk());
  EXPECT_THAT(r.Add(Simple("gpu", "GPU")),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("\"gpu\" is already registered")));
  EXPECT_THAT(r.Add(nullptr), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("null")));
  EXPECT_THAT(r.Names(), ElementsAre("gpu", "k8s", "os"));
  EXPECT_EQ(r.size(), 3u);
}

TEST(RegistryTest, FindUnknownSuggestsAndListsNames) {
  Registry r;
  ASSERT_THAT(r.Add(Simple("os", "OS")), IsOk());
  ASSERT_THAT(r.Add(Simple("gpu", "GPU")), IsOk());
  ASSERT_THAT(r.Add(Simple("topology", "NodeTopology")), IsOk());
  auto found = r.Find("gpu");
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ((*found)->type(), "GPU");
  EXPECT_THAT(r.Find("topolgy"),
              StatusIs(ErrorCode::kNotFound, AllOf(HasSubstr("unknown collector \"topolgy\""),
                                                   HasSubstr("did you mean \"topology\"?"),
                                                   HasSubstr("available: gpu, os, topology"))));
  EXPECT_THAT(r.Find("zzzzzzzzzz"), StatusIs(ErrorCode::kNotFound, Not(HasSubstr("did you mean"))));
}

// ---------------------------------------------------------------------------
// Measure

TEST(MeasureTest, RunsCollectorsInParallel) {
  // Each collector waits for the other to arrive: run one after the other, the
  // first would give up waiting and fail.
  auto mu = std::make_shared<std::mutex>();
  auto cv = std::make_shared<std::condition_variable>();
  auto arrived = std::make_shared<int>(0);
  auto barrier = [mu, cv, arrived](const std::string& type) -> CollectFn {
    return [mu, cv, arrived, type](const CollectContext&) -> Result<Collected> {
      std::unique_lock<std::mutex> lock(*mu);
      ++*arrived;
      cv->notify_all();
      if (!cv->wait_for(lock, std::chrono::seconds(20), [&] { return *arrived >= 2; })) {
        return TimeoutError("the other collector never arrived");
      }
      return OneSubtype(type, "s", {{"k", Reading::Int(1)}});
    };
  };
  Registry r;
  ASSERT_THAT(r.Add(std::make_unique<FakeCollector>("a", "OS", barrier("OS"))), IsOk());
  ASSERT_THAT(r.Add(std::make_unique<FakeCollector>("b", "GPU", barrier("GPU"))), IsOk());
  auto measured = MeasureWithWarnings(r, TestOptions());
  ASSERT_THAT(measured, IsOk());
  EXPECT_THAT(measured->warnings, IsEmpty());
  EXPECT_THAT(Types(measured->snapshot), ElementsAre("GPU", "OS"));
}

TEST(MeasureTest, FailingCollectorIsDroppedWithWarning) {
  Registry r;
  ASSERT_THAT(r.Add(Simple("os", "OS")), IsOk());
  ASSERT_THAT(r.Add(std::make_unique<FakeCollector>("gpu", "GPU",
                                                    [](const CollectContext&) -> Result<Collected> {
                                                      return UnavailableError("no pci bus");
                                                    })),
              IsOk());
  std::ostringstream log_out;
  log::Logger logger(log_out, log::Options{.format = log::Format::kJson});
  log::SetDefaultForTest(&logger);
  auto measured = MeasureWithWarnings(r, TestOptions());
  log::SetDefaultForTest(nullptr);
  ASSERT_THAT(measured, IsOk());
  EXPECT_THAT(Types(measured->snapshot), ElementsAre("OS"));
  EXPECT_THAT(log_out.str(), AllOf(HasSubstr("\"level\":\"WARN\""),
                                   HasSubstr("\"collector\":\"gpu\""), HasSubstr("no pci bus")));
  ASSERT_THAT(measured->warnings, SizeIs(1));
  EXPECT_THAT(measured->warnings[0],
              AllOf(HasSubstr("collector \"gpu\" failed"), HasSubstr("no pci bus")));
}

TEST(MeasureTest, CollectorWarningsAreReturnedWithItsName) {
  Registry r;
  ASSERT_THAT(r.Add(std::make_unique<FakeCollector>(
                  "os", "OS",
                  [](const CollectContext&) {
                    Collected c = OneSubtype("OS", "s", {{"k", Reading::Bool(true)}});
                    c.warnings.push_back("sysctl unreadable");
                    return Result<Collected>(std::move(c));
                  })),
              IsOk());
  auto measured = MeasureWithWarnings(r, TestOptions());
  ASSERT_THAT(measured, IsOk());
  EXPECT_THAT(measured->warnings, ElementsAre("os: sysctl unreadable"));
  EXPECT_THAT(Types(measured->snapshot), ElementsAre("OS"));
}

TEST(MeasureTest, NoMeasurementAndEmptyTypeAreHandled) {
  Registry r;
  ASSERT_THAT(
      r.Add(std::make_unique<FakeCollector>(
          "none", "SystemD", [](const CollectContext&) { return Result<Collected>(Collected{}); })),
      IsOk());
  ASSERT_THAT(r.Add(std::make_unique<FakeCollector>(
                  "untyped", "OS",
                  [](const CollectContext&) {
                    return Result<Collected>(OneSubtype("", "s", {{"k", Reading::Int(1)}}));
                  })),
              IsOk());
  auto snapshot = Measure(r, TestOptions());
  ASSERT_THAT(snapshot, IsOk());
  EXPECT_THAT(Types(*snapshot), ElementsAre("OS"));
}

TEST(MeasureTest, CollectorThatTimesOutIsDroppedWithWarning) {
  Registry r;
  ASSERT_THAT(r.Add(Simple("os", "OS")), IsOk());
  auto saw_cancel = std::make_shared<std::atomic<bool>>(false);
  ASSERT_THAT(r.Add(std::make_unique<FakeCollector>(
                  "slow", "GPU",
                  [saw_cancel](const CollectContext& ctx) -> Result<Collected> {
                    Status s = ctx.cancel.SleepFor(std::chrono::seconds(30));
                    saw_cancel->store(!s.ok());
                    AICR_RETURN_IF_ERROR(s);
                    return OneSubtype("GPU", "s", {});
                  })),
              IsOk());
  MeasureOptions o = TestOptions();
  o.timeouts["slow"] = milliseconds(50);
  const auto start = SteadyClock::now();
  auto measured = MeasureWithWarnings(r, o);
  const auto elapsed = SteadyClock::now() - start;
  ASSERT_THAT(measured, IsOk());
  EXPECT_LT(elapsed, std::chrono::seconds(10));
  EXPECT_TRUE(saw_cancel->load());
  EXPECT_THAT(Types(measured->snapshot), ElementsAre("OS"));
  EXPECT_THAT(measured->warnings,
              ElementsAre(AllOf(HasSubstr("collector \"slow\" timed out after 50ms"),
                                HasSubstr("dropped"))));
}

TEST(MeasureTest, CollectorTimeoutComesFromTheCollector) {
  Registry r;
  ASSERT_THAT(r.Add(std::make_unique<FakeCollector>(
                  "slow", "GPU",
                  [](const CollectContext& ctx) -> Result<Collected> {
                    AICR_RETURN_IF_ERROR(ctx.cancel.SleepFor(std::chrono::seconds(30)));
                    return OneSubtype("GPU", "s", {});
                  },
                  milliseconds(30))),
              IsOk());
  auto measured = MeasureWithWarnings(r, TestOptions());
  ASSERT_THAT(measured, IsOk());
  EXPECT_THAT(measured->snapshot.measurements, IsEmpty());
  EXPECT_THAT(measured->warnings, ElementsAre(HasSubstr("timed out after 30ms")));
}

TEST(MeasureTest, HugeTimeoutDoesNotOverflow) {
  Registry r;
  ASSERT_THAT(r.Add(std::make_unique<FakeCollector>(
                  "os", "OS",
                  [](const CollectContext&) {
                    return Result<Collected>(OneSubtype("OS", "s", {{"k", Reading::Int(1)}}));
                  },
                  milliseconds::max())),
              IsOk());
  auto measured = MeasureWithWarnings(r, TestOptions());
  ASSERT_THAT(measured, IsOk());
  EXPECT_THAT(measured->warnings, IsEmpty());
  EXPECT_THAT(Types(measured->snapshot), ElementsAre("OS"));
}

TEST(MeasureTest, ParentDeadlineCancelsCollectors) {
  Registry r;
  ASSERT_THAT(r.Add(std::make_unique<FakeCollector>(
                  "slow", "GPU",
                  [](const CollectContext& ctx) -> Result<Collected> {
                    AICR_RETURN_IF_ERROR(ctx.cancel.SleepFor(std::chrono::seconds(30)));
                    return OneSubtype("GPU", "s", {});
                  })),
              IsOk());
  ASSERT_THAT(r.Add(Simple("os", "OS")), IsOk());
  MeasureOptions o = TestOptions();
  o.deadline = SteadyClock::now() + milliseconds(50);
  const auto start = SteadyClock::now();
  auto measured = MeasureWithWarnings(r, o);
  ASSERT_THAT(measured, IsOk());
  EXPECT_LT(SteadyClock::now() - start, std::chrono::seconds(10));
  EXPECT_THAT(Types(measured->snapshot), ElementsAre("OS"));
  ASSERT_THAT(measured->warnings, SizeIs(1));
  EXPECT_THAT(measured->warnings[0], HasSubstr("collector \"slow\" timed out after "));
  EXPECT_THAT(measured->warnings[0], Not(HasSubstr("10000ms")));
}

TEST(MeasureTest, CollectorIgnoringCancellationIsAbandonedSafely) {
  auto env_answer = std::make_shared<std::optional<std::optional<std::string>>>();
  auto finished = std::make_shared<std::atomic<bool>>(false);
  Registry r;
  ASSERT_THAT(r.Add(std::make_unique<FakeCollector>(
                  "stubborn", "GPU",
                  [env_answer, finished](const CollectContext& ctx) -> Result<Collected> {
                    std::this_thread::sleep_for(milliseconds(600));  // ignores ctx.cancel
                    *env_answer = ctx.env("NODE_NAME");
                    finished->store(true);
                    return OneSubtype("GPU", "s", {});
                  })),
              IsOk());
  {
    // The env function captures a map that dies with this scope: after Measure
    // returns, the abandoned collector must not reach it.
    auto vars = std::make_unique<std::map<std::string, std::string>>(
        std::map<std::string, std::string>{{"NODE_NAME", "n1"}});
    MeasureOptions o;
    o.env = [v = vars.get()](std::string_view name) -> std::optional<std::string> {
      auto it = v->find(std::string(name));
      return it == v->end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    o.timeouts["stubborn"] = milliseconds(20);
    o.grace = milliseconds(50);
    const auto start = SteadyClock::now();
    auto measured = MeasureWithWarnings(r, o);
    const auto elapsed = SteadyClock::now() - start;
    ASSERT_THAT(measured, IsOk());
    EXPECT_LT(elapsed, milliseconds(500));
    EXPECT_FALSE(finished->load());
    EXPECT_THAT(measured->warnings, ElementsAre(HasSubstr("did not stop; abandoned")));
    EXPECT_THAT(measured->snapshot.measurements, IsEmpty());
    EXPECT_EQ(measured->snapshot.metadata.at("source-node"), "n1");
  }
  r = Registry();  // the collector object lives on in the detached thread
  const auto wait_until = SteadyClock::now() + std::chrono::seconds(20);
  while (!finished->load() && SteadyClock::now() < wait_until) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_TRUE(finished->load());
  ASSERT_TRUE(env_answer->has_value());
  EXPECT_EQ(**env_answer, std::nullopt);
}

TEST(MeasureTest, ParentCancelFailsWithCanceled) {
  Registry r;
  auto saw_cancel = std::make_shared<std::atomic<bool>>(false);
  ASSERT_THAT(r.Add(std::make_unique<FakeCollector>(
                  "slow", "GPU",
                  [saw_cancel](const CollectContext& ctx) -> Result<Collected> {
                    Status s = ctx.cancel.SleepFor(std::chrono::seconds(30));
                    saw_cancel->store(!s.ok());
                    AICR_RETURN_IF_ERROR(s);
                    return OneSubtype("GPU", "s", {});
                  })),
              IsOk());
  ASSERT_THAT(r.Add(Simple("os", "OS")), IsOk());
  MeasureOptions o = TestOptions();
  CancelToken parent;
  o.cancel = parent;
  std::thread canceler([parent] {
    std::this_thread::sleep_for(milliseconds(50));
    parent.Cancel();
  });
  const auto start = SteadyClock::now();
  auto measured = Measure(r, o);
  const auto elapsed = SteadyClock::now() - start;
  canceler.join();
  EXPECT_THAT(measured, StatusIs(ErrorCode::kCanceled, HasSubstr("canceled")));
  EXPECT_LT(elapsed, std::chrono::seconds(10));
  EXPECT_TRUE(saw_cancel->load());
}

TEST(MeasureTest, ParentCancelDoesNotWaitForeverOnAStubbornCollector) {
  auto finished = std::make_shared<std::atomic<bool>>(false);
  Registry r;
  ASSERT_THAT(r.Add(std::make_unique<FakeCollector>(
                  "stubborn", "GPU",
                  [finished](const CollectContext&) -> Result<Collected> {
                    std::this_thread::sleep_for(milliseconds(600));  // ignores ctx.cancel
                    finished->store(true);
                    return OneSubtype("GPU", "s", {});
                  })),
              IsOk());
  MeasureOptions o = TestOptions();
  o.grace = milliseconds(50);
  CancelToken parent;
  o.cancel = parent;
  std::thread canceler([parent] {
    std::this_thread::sleep_for(milliseconds(20));
    parent.Cancel();
  });
  const auto start = SteadyClock::now();
  auto measured = MeasureWithWarnings(r, o);
  const auto elapsed = SteadyClock::now() - start;
  canceler.join();
  EXPECT_THAT(measured, StatusIs(ErrorCode::kCanceled, HasSubstr("canceled")));
  EXPECT_LT(elapsed, milliseconds(500));
  EXPECT_FALSE(finished->load());
  const auto wait_until = SteadyClock::now() + std::chrono::seconds(20);
  while (!finished->load() && SteadyClock::now() < wait_until) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_TRUE(finished->load());
}

TEST(MeasureTest, AlreadyCanceledParentRunsNothing) {
  auto ran = std::make_shared<std::atomic<bool>>(false);
  Registry r;
  ASSERT_THAT(r.Add(std::make_unique<FakeCollector>("os", "OS",
                                                    [ran](const CollectContext&) {
                                                      ran->store(true);
                                                      return Result<Collected>(Collected{});
                                                    })),
              IsOk());
  MeasureOptions o = TestOptions();
  o.cancel.Cancel();
  EXPECT_THAT(Measure(r, o), StatusIs(ErrorCode::kCanceled, HasSubstr("canceled")));
  EXPECT_FALSE(ran->load());
}

TEST(MeasureTest, OrderIsDeterministicWhateverTheFinishOrder) {
  // Names are chosen so that name order differs from the type order.
  const std::vector<std::pair<std::string, std::string>> collectors = {
      {"a-topology", "NodeTopology"}, {"b-zeta", "Zeta"}, {"c-os", "OS"},  {"d-systemd", "SystemD"},
      {"e-alpha", "Alpha"},           {"f-gpu", "GPU"},   {"g-k8s", "K8s"}};
  auto rng = std::make_shared<std::mt19937>(42);
  auto rng_mu = std::make_shared<std::mutex>();
  Registry r;
  for (const auto& [name, type] : collectors) {
    ASSERT_THAT(r.Add(std::make_unique<FakeCollector>(
                    name, type,
                    [type, rng, rng_mu](const CollectContext&) -> Result<Collected> {
                      int delay_ms;
                      {
                        std::lock_guard<std::mutex> lock(*rng_mu);
                        delay_ms = std::uniform_int_distribution<int>(0, 8)(*rng);
                      }
                      std::this_thread::sleep_for(milliseconds(delay_ms));
                      return OneSubtype(type, "s", {{"k", Reading::Str(type)}});
                    })),
                IsOk());
  }
  for (int i = 0; i < 25; ++i) {
    auto snapshot = Measure(r, TestOptions());
    ASSERT_THAT(snapshot, IsOk());
    EXPECT_THAT(Types(*snapshot),
                ElementsAre("K8s", "GPU", "OS", "SystemD", "NodeTopology", "Alpha", "Zeta"));
  }
}

TEST(MeasureTest, TypeRank) {
  EXPECT_LT(MeasurementTypeRank("K8s"), MeasurementTypeRank("GPU"));
  EXPECT_LT(MeasurementTypeRank("GPU"), MeasurementTypeRank("OS"));
  EXPECT_LT(MeasurementTypeRank("OS"), MeasurementTypeRank("SystemD"));
  EXPECT_LT(MeasurementTypeRank("SystemD"), MeasurementTypeRank("NodeTopology"));
  EXPECT_LT(MeasurementTypeRank("NodeTopology"), MeasurementTypeRank("NetworkTopology"));
  EXPECT_EQ(MeasurementTypeRank("NetworkTopology"), MeasurementTypeRank("Other"));
  EXPECT_EQ(MeasurementTypeRank("gpu"), MeasurementTypeRank("Other"));  // case-sensitive
}

TEST(MeasureTest, MetadataFromClockVersionAndEnv) {
  Registry r;
  ASSERT_THAT(r.Add(Simple("os", "OS")), IsOk());
  FakeClock clock(std::chrono::system_clock::time_point(std::chrono::seconds(1736937000)) +
                  milliseconds(750));
  MeasureOptions o = TestOptions();
  o.clock = &clock;
  o.version = "v1.2.3";
  o.env = MapEnv({{"NODE_NAME", "node-a"}, {"KUBERNETES_NODE_NAME", "node-b"}, {"HOSTNAME", "h"}});
  auto snapshot = Measure(r, o);
  ASSERT_THAT(snapshot, IsOk());
  EXPECT_EQ(snapshot->kind, "Snapshot");
  EXPECT_EQ(snapshot->api_version, measurement::kSnapshotApiVersion);
  EXPECT_EQ(snapshot->metadata,
            (std::map<std::string, std::string>{{"timestamp", "2025-01-15T10:30:00Z"},
                                                {"version", "v1.2.3"},
                                                {"source-node", "node-a"}}));
}

TEST(MeasureTest, SourceNodePrecedence) {
  Registry r;
  ASSERT_THAT(r.Add(Simple("os", "OS")), IsOk());
  auto source_node = [&](std::map<std::string, std::string> vars) {
    MeasureOptions o;
    o.env = MapEnv(std::move(vars));
    auto snapshot = Measure(r, o);
    EXPECT_THAT(snapshot, IsOk());
    EXPECT_FALSE(snapshot->metadata.contains("version"));
    return snapshot->metadata.at("source-node");
  };
  EXPECT_EQ(source_node({{"KUBERNETES_NODE_NAME", "node-b"}, {"HOSTNAME", "h"}}), "node-b");
  EXPECT_EQ(source_node({{"NODE_NAME", ""}, {"HOSTNAME", "h"}}), "h");
  EXPECT_EQ(source_node({{"HOSTNAME", "h"}}), "h");
  EXPECT_EQ(source_node({}), "");
}

std::unique_ptr<collector::Collector> GpuWithCount(Reading count) {
  return std::make_unique<FakeCollector>("gpu", "GPU", [count](const CollectContext&) {
    return Result<Collected>(OneSubtype("GPU", "hardware",
                                        {{"gpu-count", count},
                                         {"gpu-present", Reading::Bool(true)},
                                         {"model", Reading::Str("h100")}}));
  });
}

TEST(MeasureTest, RequireGpu) {
  MeasureOptions o = TestOptions();
  o.require_gpu = true;
  {
    Registry r;
    ASSERT_THAT(r.Add(GpuWithCount(Reading::Int(0))), IsOk());
    EXPECT_THAT(Measure(r, o), StatusIs(ErrorCode::kNotFound, HasSubstr("no GPU")));
    o.require_gpu = false;
    EXPECT_THAT(Measure(r, o), IsOk());
    o.require_gpu = true;
  }
  {
    Registry r;
    ASSERT_THAT(r.Add(Simple("os", "OS")), IsOk());
    EXPECT_THAT(Measure(r, o), StatusIs(ErrorCode::kNotFound, HasSubstr("no GPU")));
  }
  for (const Reading& count : {Reading::Int(8), Reading::Float(2.0), Reading::Uint(1)}) {
    Registry r;
    ASSERT_THAT(r.Add(GpuWithCount(count)), IsOk());
    EXPECT_THAT(Measure(r, o), IsOk()) << count.String();
  }
}

TEST(MeasureTest, FingerprintComesFromTheMeasurements) {
  Registry r;
  ASSERT_THAT(r.Add(GpuWithCount(Reading::Int(8))), IsOk());
  ASSERT_THAT(r.Add(std::make_unique<FakeCollector>("os", "OS",
                                                    [](const CollectContext&) {
                                                      return Result<Collected>(OneSubtype(
                                                          "OS", "release",
                                                          {{"ID", Reading::Str("ubuntu")},
                                                           {"VERSION_ID", Reading::Str("24.04")}}));
                                                    })),
              IsOk());
  auto snapshot = Measure(r, TestOptions());
  ASSERT_THAT(snapshot, IsOk());
  ASSERT_TRUE(snapshot->fingerprint.has_value());
  EXPECT_EQ(*snapshot->fingerprint, measurement::FromMeasurements(snapshot->measurements));
  EXPECT_EQ(snapshot->fingerprint->os.value, "ubuntu");
  EXPECT_EQ(snapshot->fingerprint->accelerator.value, "h100");
}

TEST(MeasureTest, SubsetSelection) {
  auto ran = std::make_shared<std::atomic<int>>(0);
  Registry r;
  for (const auto& [name, type] : std::vector<std::pair<std::string, std::string>>{
           {"os", "OS"}, {"gpu", "GPU"}, {"systemd", "SystemD"}}) {
    ASSERT_THAT(r.Add(std::make_unique<FakeCollector>(
                    name, type,
                    [type, ran](const CollectContext&) {
                      ++*ran;
                      return Result<Collected>(OneSubtype(type, "s", {{"k", Reading::Int(1)}}));
                    })),
                IsOk());
  }
  MeasureOptions o = TestOptions();
  o.collectors = {"systemd", "os", "os"};
  auto snapshot = Measure(r, o);
  ASSERT_THAT(snapshot, IsOk());
  EXPECT_THAT(Types(*snapshot), ElementsAre("OS", "SystemD"));
  EXPECT_EQ(ran->load(), 2);

  o.collectors = {"os", "sytemd"};
  EXPECT_THAT(Measure(r, o),
              StatusIs(ErrorCode::kNotFound, AllOf(HasSubstr("unknown collector \"sytemd\""),
                                                   HasSubstr("did you mean \"systemd\"?"),
                                                   HasSubstr("available: gpu, os, systemd"))));
  EXPECT_EQ(ran->load(), 2);  // nothing ran for the failed selection
}

TEST(MeasureTest, EmptyRegistryGivesEmptySnapshot) {
  Registry r;
  auto snapshot = Measure(r, TestOptions());
  ASSERT_THAT(snapshot, IsOk());
  EXPECT_THAT(snapshot->measurements, IsEmpty());
  EXPECT_TRUE(snapshot->metadata.contains("timestamp"));
}

TEST(BuiltinTest, RegistersHostCollectors) {
  Registry r = BuiltinHostCollectors();
  EXPECT_THAT(r.Names(), ElementsAre("gpu", "os", "systemd"));
}

TEST(BuiltinTest, FixtureRootWithoutSystemdBusHasEmptySystemdMeasurement) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "aicr-builtin-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  Registry r = BuiltinHostCollectors();
  MeasureOptions o = TestOptions();
  o.root = tmpl;
  o.collectors = {"systemd"};
  auto measured = MeasureWithWarnings(r, o);
  std::error_code ec;
  std::filesystem::remove_all(tmpl, ec);
  ASSERT_THAT(measured, IsOk());
  EXPECT_THAT(Types(measured->snapshot), ElementsAre("SystemD"));
  EXPECT_THAT(measured->snapshot.measurements[0].subtypes, IsEmpty());
  EXPECT_THAT(measured->warnings,
              ElementsAre(AllOf(HasSubstr("systemd: no systemd bus reachable"),
                                HasSubstr(tmpl + "/run/systemd/private"),
                                HasSubstr(tmpl + "/run/dbus/system_bus_socket"))));
}

TEST(BuiltinTest, RealHostSnapshotRoundTrips) {
  Registry r = BuiltinHostCollectors();
  MeasureOptions o;
  o.root = "/";
  o.version = "v0.0.0-test";
  // Sanitizer builds on a shared machine walk /proc/sys slowly.
  o.timeouts["os"] = std::chrono::seconds(120);
  o.timeouts["gpu"] = std::chrono::seconds(120);
  o.timeouts["systemd"] = std::chrono::seconds(120);
  auto measured = MeasureWithWarnings(r, o);
  ASSERT_THAT(measured, IsOk());
  const Snapshot& snapshot = measured->snapshot;
  EXPECT_THAT(Types(snapshot), ElementsAre("GPU", "OS", "SystemD"));
  const Measurement* os = snapshot.FindMeasurement("OS");
  ASSERT_NE(os, nullptr);
  EXPECT_EQ(
      os->FindSubtype("release") != nullptr,
      std::filesystem::exists("/etc/os-release") || std::filesystem::exists("/usr/lib/os-release"));
  EXPECT_EQ(os->FindSubtype("kmod") != nullptr, std::filesystem::exists("/proc/modules"));
  EXPECT_EQ(snapshot.metadata.at("version"), "v0.0.0-test");

  serialize::Value encoded = measurement::EncodeSnapshot(snapshot);
  auto decoded = measurement::DecodeSnapshot(encoded);
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(*decoded, snapshot);

  auto json = serialize::WriteJson(encoded);
  ASSERT_THAT(json, IsOk());
  auto parsed = serialize::ParseJson(*json);
  ASSERT_THAT(parsed, IsOk());
  auto reread = measurement::DecodeSnapshot(*parsed);
  ASSERT_THAT(reread, IsOk());
  EXPECT_EQ(Types(*reread), Types(snapshot));
  EXPECT_EQ(reread->metadata, snapshot.metadata);
  EXPECT_EQ(reread->fingerprint, snapshot.fingerprint);
}

}  // namespace
}  // namespace aicr::snapshotter
