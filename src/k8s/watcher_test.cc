// Watch() against the test API server: delivery, resume after the server drops
// the stream, relist after 410 Gone, stop and cancel.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "k8s/client.h"
#include "k8s/watch.h"
#include "serialize/json_reader.h"
#include "tests/k8s-apiserver/test_apiserver.h"
#include "tests/testing/status_matchers.h"

namespace aicr::k8s {
namespace {

using ::aicr::testing::TestApiServer;
using serialize::Value;
using std::chrono::milliseconds;

Value ConfigMap(const std::string& name) {
  Value cm = Value::EmptyMapping();
  cm.Set("apiVersion", "v1");
  cm.Set("kind", "ConfigMap");
  cm.Set("metadata", Value::EmptyMapping()).Set("name", name);
  return cm;
}

std::string NameOf(const WatchEvent& e) {
  const Value* n = e.object.FindPath("metadata.name");
  return n != nullptr && n->is_string() ? *n->if_string() : std::string();
}

/// Runs Watch() in a thread and records "TYPE name" for each event.
class Recorder {
 public:
  Recorder(const Client& client, WatchOptions options) : options_(std::move(options)) {
    thread_ = std::thread([this, &client] {
      Status s = Watch(client, resources::kConfigMaps, "w", options_, [this](const WatchEvent& e) {
        std::lock_guard<std::mutex> lock(mu_);
        events_.push_back(e.type + " " + NameOf(e));
        cv_.notify_all();
        return WatchAction::kContinue;
      });
      std::lock_guard<std::mutex> lock(mu_);
      result_ = s;
      done_ = true;
      cv_.notify_all();
    });
  }
  ~Recorder() {
    options_.cancel.Cancel();
    thread_.join();
  }
  /// Waits until `event` has been recorded `times` times (at most 20 s).
  bool WaitFor(const std::string& event, int times = 1) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(20),
                        [&] { return std::count(events_.begin(), events_.end(), event) >= times; });
  }
  std::vector<std::string> events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }
  Status Finish() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(20), [&] { return done_; });
    return done_ ? result_ : InternalError("watch did not end");
  }
  void Cancel() { options_.cancel.Cancel(); }

 private:
  WatchOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> events_;
  Status result_;
  bool done_ = false;
  std::thread thread_;
};

/// A client for `server`, with namespace "w" created.
Client MakeClient(const TestApiServer& server) {
  RestConfig config;
  config.server = server.url();
  auto t = Transport::Create(config, nullptr);
  EXPECT_THAT(t, IsOk());
  Client c(std::shared_ptr<const Transport>(std::move(t).value()));
  Value ns = Value::EmptyMapping();
  ns.Set("apiVersion", "v1");
  ns.Set("kind", "Namespace");
  ns.Set("metadata", Value::EmptyMapping()).Set("name", "w");
  EXPECT_THAT(c.Create(resources::kNamespaces, "", ns), IsOk());
  return c;
}

int CountWatchRequests(TestApiServer& server) {
  auto parsed = serialize::ParseJson(server.Admin("GET", "/_test/requests"));
  EXPECT_THAT(parsed, IsOk());
  int n = 0;
  for (const Value& r : *parsed->Find("requests")->if_sequence()) {
    const Value* q = r.Find("query");
    if (q != nullptr && q->is_string() && q->if_string()->find("watch=true") != std::string::npos) {
      ++n;
    }
  }
  return n;
}

TEST(WatcherTest, ListsThenWatchesAndResumesAfterDrop) {
  auto server = TestApiServer::Start({});
  ASSERT_NE(server, nullptr);
  Client c = MakeClient(*server);
  ASSERT_THAT(c.Create(resources::kConfigMaps, "w", ConfigMap("before")), IsOk());
  Recorder rec(c, WatchOptions{});
  ASSERT_TRUE(rec.WaitFor("ADDED before"));
  EXPECT_EQ(rec.events().front(), "RELIST ");

  ASSERT_THAT(c.Create(resources::kConfigMaps, "w", ConfigMap("a")), IsOk());
  ASSERT_TRUE(rec.WaitFor("ADDED a"));
  const int watches = CountWatchRequests(*server);
  server->Admin("POST", "/_test/watch/close");
  ASSERT_THAT(c.Create(resources::kConfigMaps, "w", ConfigMap("b")), IsOk());
  ASSERT_TRUE(rec.WaitFor("ADDED b"));
  ASSERT_THAT(c.Delete(resources::kConfigMaps, "w", "a"), IsOk());
  ASSERT_TRUE(rec.WaitFor("DELETED a"));
  EXPECT_GT(CountWatchRequests(*server), watches);
  // Resumed, not relisted: one RELIST only, no duplicate ADDED.
  const auto events = rec.events();
  EXPECT_EQ(std::count(events.begin(), events.end(), "RELIST "), 1);
  EXPECT_EQ(std::count(events.begin(), events.end(), "ADDED a"), 1);
  rec.Cancel();
  EXPECT_EQ(rec.Finish().code(), ErrorCode::kCanceled);
}

TEST(WatcherTest, RelistsAfterGone) {
  auto server = TestApiServer::Start({});
  ASSERT_NE(server, nullptr);
  Client c = MakeClient(*server);
  ASSERT_THAT(c.Create(resources::kConfigMaps, "w", ConfigMap("one")), IsOk());
  auto list = c.List(resources::kConfigMaps, "w");
  ASSERT_THAT(list, IsOk());
  WatchOptions options;
  options.resource_version = list->resource_version;
  Recorder rec(c, options);
  ASSERT_THAT(c.Create(resources::kConfigMaps, "w", ConfigMap("two")), IsOk());
  ASSERT_TRUE(rec.WaitFor("ADDED two"));
  EXPECT_EQ(rec.events().front(), "ADDED two");  // started at the list's version

  // The resumed watch request is answered 410 Gone.
  server->Admin("POST", "/_test/faults",
                R"({"method":"GET","path":"/api/v1/namespaces/w/configmaps","status":410,)"
                R"("count":1})");
  server->Admin("POST", "/_test/watch/close");
  ASSERT_TRUE(rec.WaitFor("RELIST "));
  ASSERT_TRUE(rec.WaitFor("ADDED two", 2));
  const auto events = rec.events();
  const auto relist = std::find(events.begin(), events.end(), "RELIST ");
  EXPECT_NE(std::find(relist, events.end(), "ADDED one"), events.end());
  EXPECT_NE(std::find(relist, events.end(), "ADDED two"), events.end());

  ASSERT_THAT(c.Create(resources::kConfigMaps, "w", ConfigMap("three")), IsOk());
  ASSERT_TRUE(rec.WaitFor("ADDED three"));
}

TEST(WatcherTest, GoneAtStartRelists) {
  auto server = TestApiServer::Start({});
  ASSERT_NE(server, nullptr);
  Client c = MakeClient(*server);
  ASSERT_THAT(c.Create(resources::kConfigMaps, "w", ConfigMap("x")), IsOk());
  auto list = c.List(resources::kConfigMaps, "w");
  ASSERT_THAT(list, IsOk());
  ASSERT_THAT(c.Create(resources::kConfigMaps, "w", ConfigMap("y")), IsOk());
  server->Admin("POST", "/_test/compact");
  WatchOptions options;
  options.resource_version = list->resource_version;
  Recorder rec(c, options);
  ASSERT_TRUE(rec.WaitFor("ADDED y"));
  EXPECT_EQ(rec.events().front(), "RELIST ");
}

TEST(WatcherTest, CallbackStops) {
  auto server = TestApiServer::Start({});
  ASSERT_NE(server, nullptr);
  Client c = MakeClient(*server);
  ASSERT_THAT(c.Create(resources::kConfigMaps, "w", ConfigMap("x")), IsOk());
  int calls = 0;
  Status s = Watch(c, resources::kConfigMaps, "w", WatchOptions{}, [&](const WatchEvent& e) {
    ++calls;
    return e.type == "ADDED" ? WatchAction::kStop : WatchAction::kContinue;
  });
  EXPECT_THAT(s, IsOk());
  EXPECT_EQ(calls, 2);  // RELIST, ADDED x
}

TEST(WatcherTest, HttpErrorEndsTheWatch) {
  auto server = TestApiServer::Start({});
  ASSERT_NE(server, nullptr);
  Client c = MakeClient(*server);
  server->Admin("POST", "/_test/faults",
                R"({"method":"GET","path":"/api/v1/namespaces/w/configmaps","status":403,)"
                R"("count":1})");
  WatchOptions options;
  options.resource_version = "1";
  Status s = Watch(c, resources::kConfigMaps, "w", options,
                   [](const WatchEvent&) { return WatchAction::kContinue; });
  EXPECT_EQ(s.code(), ErrorCode::kUnauthorized);
}

}  // namespace
}  // namespace aicr::k8s
