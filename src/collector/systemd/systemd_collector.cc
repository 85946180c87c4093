#include "collector/systemd/systemd_collector.h"

#include <systemd/sd-bus.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "base/status.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "collector/filter.h"
#include "collector/systemd/property_reader.h"
#include "measurement/snapshot.h"

namespace aicr::collector::systemd {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr const char* kSystemdService = "org.freedesktop.systemd1";
constexpr const char* kManagerPath = "/org/freedesktop/systemd1";
constexpr const char* kManagerInterface = "org.freedesktop.systemd1.Manager";
constexpr const char* kPropertiesInterface = "org.freedesktop.DBus.Properties";
/// How often a wait for the bus wakes up to look at the cancel token.
constexpr std::chrono::milliseconds kPollSlice{50};

/// Closes without flushing: every call is answered (or given up) before the
/// connection is dropped, and a flush would wait for a silent peer to authenticate.
struct BusCloser {
  void operator()(sd_bus* bus) const { sd_bus_close_unref(bus); }
};
using BusPtr = std::unique_ptr<sd_bus, BusCloser>;

struct MessageUnref {
  void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};
using MessagePtr = std::unique_ptr<sd_bus_message, MessageUnref>;

/// An sd_bus_error freed on scope exit.
class BusError {
 public:
  BusError() = default;
  ~BusError() { sd_bus_error_free(&error_); }
  BusError(const BusError&) = delete;
  BusError& operator=(const BusError&) = delete;

  sd_bus_error* get() { return &error_; }
  const sd_bus_error* get() const { return &error_; }

 private:
  sd_bus_error error_ = SD_BUS_ERROR_NULL;
};

/// TIMEOUT naming the time waited.
Status NoAnswer(std::chrono::milliseconds timeout) {
  return TimeoutError("no answer within " + std::to_string(timeout.count()) + "ms");
}

/// The failure of a bus call: TIMEOUT when no answer came in time, the D-Bus
/// error name and message when the peer answered with an error, else the errno text.
Status CallError(int r, const BusError& error, std::chrono::milliseconds timeout) {
  if (r == -ETIMEDOUT) {
    return NoAnswer(timeout);
  }
  const sd_bus_error* e = error.get();
  if (sd_bus_error_is_set(e)) {
    std::string text = e->name;
    if (e->message != nullptr && e->message[0] != '\0') {
      text += ": ";
      text += e->message;
    }
    if (sd_bus_error_has_names(e, "org.freedesktop.systemd1.NoSuchUnit",
                               "org.freedesktop.DBus.Error.UnknownObject")) {
      return NotFoundError(text);
    }
    if (sd_bus_error_has_names(e, "org.freedesktop.DBus.Error.AccessDenied",
                               "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired")) {
      return UnauthorizedError(text);
    }
    return UnavailableError(text);
  }
  return UnavailableError(ErrnoText(-r));
}

std::uint64_t ToUsec(std::chrono::milliseconds d) {
  // 0 would mean sd-bus's own default timeout.
  return static_cast<std::uint64_t>(std::max<std::int64_t>(1, d.count())) * 1000;
}

/// Connects to `socket`, a message bus when `bus_client` (Hello exchange) or a
/// direct peer otherwise, and waits until the connection is authenticated.
/// UNAVAILABLE when that fails, TIMEOUT after `timeout`, CANCELED on cancellation.
Result<BusPtr> Connect(const std::string& socket, bool bus_client, const CancelToken& cancel,
                       std::chrono::milliseconds timeout) {
  sd_bus* raw = nullptr;
  int r = sd_bus_new(&raw);
  if (r < 0) {
    return UnavailableError("cannot create a bus connection: " + ErrnoText(-r));
  }
  BusPtr bus(raw);
  const std::string address = "unix:path=" + EscapeBusAddressValue(socket);
  r = sd_bus_set_address(bus.get(), address.c_str());
  if (r >= 0 && bus_client) {
    r = sd_bus_set_bus_client(bus.get(), 1);
  }
  if (r >= 0) {
    r = sd_bus_start(bus.get());
  }
  if (r < 0) {
    return UnavailableError(ErrnoText(-r));
  }
  const SteadyClock::time_point deadline = SteadyClock::now() + timeout;
  while (true) {
    r = sd_bus_is_ready(bus.get());
    if (r > 0) {
      return bus;
    }
    if (r == 0) {
      r = sd_bus_process(bus.get(), nullptr);
    }
    if (r < 0) {
      return UnavailableError(ErrnoText(-r));
    }
    if (r > 0) {
      continue;
    }
    AICR_RETURN_IF_ERROR(cancel.Check());
    const SteadyClock::time_point now = SteadyClock::now();
    if (now >= deadline) {
      return NoAnswer(timeout);
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    r = sd_bus_wait(bus.get(), ToUsec(std::min(left, kPollSlice)));
    if (r < 0 && r != -EINTR) {
      return UnavailableError(ErrnoText(-r));
    }
  }
}

/// Calls `interface.member(arg)` on systemd's object `path`; the reply, or the
/// failure (CallError).
Result<MessagePtr> CallWithString(sd_bus* bus, const char* path, const char* interface,
                                  const char* member, const std::string& arg,
                                  std::chrono::milliseconds timeout) {
  sd_bus_message* raw = nullptr;
  int r = sd_bus_message_new_method_call(bus, &raw, kSystemdService, path, interface, member);
  if (r < 0) {
    return InternalError("cannot build " + std::string(member) + " call: " + ErrnoText(-r));
  }
  MessagePtr call(raw);
  r = sd_bus_message_append(call.get(), "s", arg.c_str());
  if (r < 0) {
    return InternalError("cannot build " + std::string(member) + " call: " + ErrnoText(-r));
  }
  BusError error;
  sd_bus_message* reply = nullptr;
  r = sd_bus_call(bus, call.get(), ToUsec(timeout), error.get(), &reply);
  if (r < 0) {
    return CallError(r, error, timeout);
  }
  return MessagePtr(reply);
}

/// The readings of one unit, filtered; errors name the failing step.
Result<std::map<std::string, measurement::Reading>> ReadUnit(sd_bus* bus, const std::string& unit,
                                                             std::chrono::milliseconds timeout) {
  Result<MessagePtr> loaded =
      CallWithString(bus, kManagerPath, kManagerInterface, "LoadUnit", unit, timeout);
  if (!loaded.ok()) {
    return Status(loaded.status().code(), "LoadUnit: " + loaded.status().message());
  }
  const char* object = nullptr;
  const int r = sd_bus_message_read(loaded->get(), "o", &object);
  if (r <= 0 || object == nullptr) {
    return InternalError("LoadUnit: malformed reply");
  }
  const std::string path = object;
  Result<MessagePtr> properties =
      CallWithString(bus, path.c_str(), kPropertiesInterface, "GetAll", "", timeout);
  if (!properties.ok()) {
    return Status(properties.status().code(),
                  "GetAll " + path + ": " + properties.status().message());
  }
  AICR_ASSIGN_OR_RETURN(auto readings, ReadProperties(properties->get()));
  FilterOut(readings, FilteredKeys());
  return readings;
}

}  // namespace

std::vector<std::string> DefaultUnits() {
  return {"containerd.service", "docker.service", "kubelet.service"};
}

const std::vector<std::string>& FilteredKeys() {
  static const std::vector<std::string> kKeys = {
      "AllowedCPUs", "AllowedMemoryNodes", "Asserts", "BPFProgram", "BusName", "Id", "*Credential*",
  };
  return kKeys;
}

std::string EscapeBusAddressValue(std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : value) {
    const bool plain = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                       c == '-' || c == '_' || c == '/' || c == '.' || c == '\\' || c == '*';
    if (plain) {
      out.push_back(c);
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xf]);
    }
  }
  return out;
}

SystemdCollector::SystemdCollector(std::vector<std::string> units,
                                   std::chrono::milliseconds call_timeout)
    : call_timeout_(call_timeout) {
  std::set<std::string> seen;
  for (std::string& unit : units) {
    if (seen.insert(unit).second) {
      units_.push_back(std::move(unit));
    }
  }
  if (units_.empty()) {
    units_.push_back("containerd.service");
  }
}

Result<Collected> SystemdCollector::Collect(const CollectContext& ctx) const {
  AICR_RETURN_IF_ERROR(ctx.cancel.Check());
  Collected out;
  out.measurement = measurement::Measurement{std::string(kMeasurementType), {}};

  // systemd's private socket first, then the system bus.
  BusPtr bus;
  std::vector<std::string> failures;
  for (const auto& [host_path, bus_client] :
       {std::pair{kPrivateSocketPath, false}, std::pair{kSystemBusSocketPath, true}}) {
    const std::string socket = HostPath(ctx.root, host_path);
    Result<BusPtr> connected = Connect(socket, bus_client, ctx.cancel, call_timeout_);
    if (connected.ok()) {
      bus = std::move(connected).value();
      break;
    }
    if (connected.status().code() == ErrorCode::kCanceled) {
      return connected.status();
    }
    failures.push_back(socket + ": " + connected.status().message());
  }
  if (bus == nullptr) {
    out.warnings.push_back("no systemd bus reachable (" + Join(failures, "; ") + ")");
    return out;
  }

  for (const std::string& unit : units_) {
    AICR_RETURN_IF_ERROR(ctx.cancel.Check());
    Result<std::map<std::string, measurement::Reading>> readings =
        ReadUnit(bus.get(), unit, call_timeout_);
    if (!readings.ok()) {
      out.warnings.push_back("unit " + Quote(unit) + " skipped: " + readings.status().message());
      continue;
    }
    if (readings->empty()) {
      out.warnings.push_back("unit " + Quote(unit) + " skipped: no properties");
      continue;
    }
    measurement::Subtype subtype;
    subtype.name = unit;
    subtype.data = std::move(readings).value();
    out.measurement->subtypes.push_back(std::move(subtype));
  }
  AICR_RETURN_IF_ERROR(ctx.cancel.Check());
  return out;
}

}  // namespace aicr::collector::systemd
