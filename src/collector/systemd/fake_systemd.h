#pragma once

/// \file
/// Test helper: a fake systemd speaking real D-Bus (sd-bus) on a unix socket, so
/// the SystemD collector can be tested against fixture roots. It serves
/// `org.freedesktop.systemd1.Manager.LoadUnit`/`GetUnit` on
/// `/org/freedesktop/systemd1` (an unknown unit answers
/// `org.freedesktop.systemd1.NoSuchUnit`) and
/// `org.freedesktop.DBus.Properties.GetAll` on each unit's object path. As a
/// message bus (`message_bus`) it also answers `org.freedesktop.DBus.Hello`.
/// Connections are served one at a time on a background thread.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"

struct sd_bus_message;

namespace aicr::collector::systemd::testing {

/// One unit property: its name, D-Bus signature and how to append its value
/// (an sd_bus_message_append* call returning the sd-bus result).
struct FakeProperty {
  std::string name;
  std::string signature;
  std::function<int(sd_bus_message*)> append;
};

struct FakeUnit {
  std::vector<FakeProperty> properties;
  /// When set, GetAll answers this D-Bus error name instead of the properties.
  std::string get_all_error;
  /// When true, GetAll is never answered.
  bool hang = false;
};

struct FakeSystemdOptions {
  /// Units by name.
  std::map<std::string, FakeUnit> units;
  /// Behave as a message bus daemon (answer Hello).
  bool message_bus = false;
  /// Called (on the server thread) with the unit name before GetAll is answered.
  std::function<void(const std::string& unit)> on_get_all;
};

class FakeSystemd {
 public:
  /// Listens on `socket_path` (parent directories created) and serves in the background.
  static Result<std::unique_ptr<FakeSystemd>> Start(std::string socket_path,
                                                    FakeSystemdOptions options);
  ~FakeSystemd();
  FakeSystemd(const FakeSystemd&) = delete;
  FakeSystemd& operator=(const FakeSystemd&) = delete;

  /// The calls received so far, in order: `Hello`, `LoadUnit <unit>`,
  /// `GetUnit <unit>`, `GetAll <path> interface=<name>`, or `<interface>.<member>`.
  std::vector<std::string> calls() const;

  /// systemd's object path of `unit` (`containerd.service` ->
  /// `/org/freedesktop/systemd1/unit/containerd_2eservice`).
  static std::string UnitPath(const std::string& unit);

  /// Convenience property builders.
  static FakeProperty String(std::string name, std::string value);
  static FakeProperty Bool(std::string name, bool value);
  static FakeProperty Uint64(std::string name, std::uint64_t value);

  /// Answers one incoming message (the connection's sd-bus filter): positive once
  /// handled, 0 for messages it ignores, negative on failure.
  int HandleCall(sd_bus_message* m);

 private:
  FakeSystemd(std::string socket_path, FakeSystemdOptions options);
  void Serve();
  void ServeConnection(int fd);
  void Record(std::string call);

  std::string socket_path_;
  FakeSystemdOptions options_;
  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<std::string> calls_;
  std::thread thread_;
};

}  // namespace aicr::collector::systemd::testing
