#pragma once

// Test helper: an in-process aicrd on 127.0.0.1, port 0, plus JSON helpers.

#include <httplib.h>

#include <memory>
#include <sstream>
#include <string>

#include "base/log.h"
#include "gtest/gtest.h"
#include "serialize/json_reader.h"
#include "server/config.h"
#include "server/server.h"

namespace aicr::server {

// Access logs of in-process servers go nowhere (the e2e test reads real ones).
inline void QuietLogs() {
  static std::ostringstream* sink = new std::ostringstream();
  static log::Logger* logger =
      new log::Logger(*sink, log::Options{.min_level = log::Level::kError});
  log::SetDefaultForTest(logger);
}

inline Config TestConfig() {
  Config c;
  c.address = "127.0.0.1";
  c.port = 0;
  c.rate_limit.rate = 0;  // tests that need limits turn them on
  c.threads = 8;
  return c;
}

class TestServer {
 public:
  explicit TestServer(Config config = TestConfig())
      : server_(std::make_unique<Server>(std::move(config))) {
    QuietLogs();
    Result<int> port = server_->Start();
    EXPECT_TRUE(port.ok()) << port.status().ToString();
    port_ = port.ok() ? *port : 0;
  }
  ~TestServer() { server_->Shutdown(); }

  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(120, 0);
    return c;
  }
  int port() const { return port_; }
  App& app() { return server_->app(); }

 private:
  std::unique_ptr<Server> server_;
  int port_ = 0;
};

inline serialize::Value Json(const std::string& body) {
  Result<serialize::Value> v = serialize::ParseJson(body);
  EXPECT_TRUE(v.ok()) << v.status().ToString() << "\n" << body;
  return v.ok() ? *v : serialize::Value();
}

inline std::string Str(const serialize::Value& doc, std::string_view path) {
  const serialize::Value* v = doc.FindPath(path);
  if (v == nullptr || !v->is_string()) {
    return "<missing " + std::string(path) + ">";
  }
  return *v->if_string();
}

}  // namespace aicr::server
