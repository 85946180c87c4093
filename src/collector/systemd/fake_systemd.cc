#include "collector/systemd/fake_systemd.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-id128.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <utility>

#include "base/status.h"
#include "base/strings.h"

namespace aicr::collector::systemd::testing {
namespace {

constexpr const char* kManagerPath = "/org/freedesktop/systemd1";
constexpr const char* kManagerInterface = "org.freedesktop.systemd1.Manager";
constexpr const char* kPropertiesInterface = "org.freedesktop.DBus.Properties";

/// Appends the GetAll body (`a{sv}`) for `properties` to `reply`.
int AppendProperties(sd_bus_message* reply, const std::vector<FakeProperty>& properties) {
  int r = sd_bus_message_open_container(reply, 'a', "{sv}");
  for (const FakeProperty& p : properties) {
    if (r >= 0) {
      r = sd_bus_message_open_container(reply, 'e', "sv");
    }
    if (r >= 0) {
      r = sd_bus_message_append(reply, "s", p.name.c_str());
    }
    if (r >= 0) {
      r = sd_bus_message_open_container(reply, 'v', p.signature.c_str());
    }
    if (r >= 0) {
      r = p.append(reply);
    }
    if (r >= 0) {
      r = sd_bus_message_close_container(reply);
    }
    if (r >= 0) {
      r = sd_bus_message_close_container(reply);
    }
  }
  if (r >= 0) {
    r = sd_bus_message_close_container(reply);
  }
  return r;
}

int HandleMessage(sd_bus_message* m, void* userdata, sd_bus_error* /*error*/) {
  return static_cast<FakeSystemd*>(userdata)->HandleCall(m);
}

/// A filter's result: positive once the call is answered, else the error.
int Handled(int r) { return r < 0 ? r : 1; }

}  // namespace

Result<std::unique_ptr<FakeSystemd>> FakeSystemd::Start(std::string socket_path,
                                                        FakeSystemdOptions options) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(socket_path).parent_path(), ec);
  std::unique_ptr<FakeSystemd> fake(new FakeSystemd(std::move(socket_path), std::move(options)));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (fake->socket_path_.size() >= sizeof(addr.sun_path)) {
    return InvalidRequestError("socket path too long: " + fake->socket_path_);
  }
  std::memcpy(addr.sun_path, fake->socket_path_.c_str(), fake->socket_path_.size() + 1);
  fake->listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fake->listen_fd_ < 0 ||
      ::bind(fake->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) < 0 ||
      ::listen(fake->listen_fd_, 8) < 0 || ::pipe2(fake->stop_pipe_, O_CLOEXEC) < 0) {
    return UnavailableError("cannot listen on " + fake->socket_path_ + ": " + ErrnoText(errno));
  }
  FakeSystemd* raw = fake.get();
  fake->thread_ = std::thread([raw] { raw->Serve(); });
  return fake;
}

FakeSystemd::FakeSystemd(std::string socket_path, FakeSystemdOptions options)
    : socket_path_(std::move(socket_path)), options_(std::move(options)) {}

FakeSystemd::~FakeSystemd() {
  stop_ = true;
  if (stop_pipe_[1] >= 0) {
    const char byte = 0;
    (void)!::write(stop_pipe_[1], &byte, 1);
  }
  if (thread_.joinable()) {
    thread_.join();
  }
  for (int fd : {listen_fd_, stop_pipe_[0], stop_pipe_[1]}) {
    if (fd >= 0) {
      ::close(fd);
    }
  }
  if (listen_fd_ >= 0) {
    ::unlink(socket_path_.c_str());
  }
}

std::vector<std::string> FakeSystemd::calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

std::string FakeSystemd::UnitPath(const std::string& unit) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string path = "/org/freedesktop/systemd1/unit/";
  for (const char c : unit) {
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      path.push_back(c);
    } else {
      const auto byte = static_cast<unsigned char>(c);
      path.push_back('_');
      path.push_back(kHex[byte >> 4]);
      path.push_back(kHex[byte & 0xf]);
    }
  }
  return path;
}

FakeProperty FakeSystemd::String(std::string name, std::string value) {
  return {std::move(name), "s", [value = std::move(value)](sd_bus_message* m) {
            return sd_bus_message_append(m, "s", value.c_str());
          }};
}

FakeProperty FakeSystemd::Bool(std::string name, bool value) {
  return {std::move(name), "b",
          [value](sd_bus_message* m) { return sd_bus_message_append(m, "b", value ? 1 : 0); }};
}

FakeProperty FakeSystemd::Uint64(std::string name, std::uint64_t value) {
  return {std::move(name), "t",
          [value](sd_bus_message* m) { return sd_bus_message_append(m, "t", value); }};
}

void FakeSystemd::Record(std::string call) {
  std::lock_guard<std::mutex> lock(mu_);
  calls_.push_back(std::move(call));
}

void FakeSystemd::Serve() {
  while (!stop_) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      return;
    }
    if (fds[1].revents != 0) {
      return;
    }
    if ((fds[0].revents & POLLIN) != 0) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd >= 0) {
        ServeConnection(fd);
      }
    }
  }
}

void FakeSystemd::ServeConnection(int fd) {
  sd_bus* bus = nullptr;
  if (sd_bus_new(&bus) < 0) {
    ::close(fd);
    return;
  }
  sd_id128_t id;
  int r = sd_bus_set_fd(bus, fd, fd);
  if (r < 0) {
    ::close(fd);
  }
  if (r >= 0) {
    r = sd_id128_randomize(&id);
  }
  if (r >= 0) {
    r = sd_bus_set_server(bus, 1, id);
  }
  if (r >= 0) {
    r = sd_bus_set_anonymous(bus, 1);
  }
  if (r >= 0) {
    r = sd_bus_add_filter(bus, nullptr, &HandleMessage, this);
  }
  if (r >= 0) {
    r = sd_bus_start(bus);
  }
  while (r >= 0 && !stop_) {
    r = sd_bus_process(bus, nullptr);
    if (r > 0) {
      continue;
    }
    if (r < 0 || sd_bus_is_open(bus) <= 0) {
      break;
    }
    r = sd_bus_wait(bus, 50 * 1000);
    if (r == -EINTR) {
      r = 0;
    }
  }
  sd_bus_close_unref(bus);
}

int FakeSystemd::HandleCall(sd_bus_message* m) {
  uint8_t type = 0;
  if (sd_bus_message_get_type(m, &type) < 0 || type != SD_BUS_MESSAGE_METHOD_CALL) {
    return 0;
  }
  if (sd_bus_message_is_method_call(m, "org.freedesktop.DBus", "Hello") > 0 &&
      options_.message_bus) {
    Record("Hello");
    return Handled(sd_bus_reply_method_return(m, "s", ":1.42"));
  }
  const bool load = sd_bus_message_is_method_call(m, kManagerInterface, "LoadUnit") > 0;
  const bool get = sd_bus_message_is_method_call(m, kManagerInterface, "GetUnit") > 0;
  const char* path = sd_bus_message_get_path(m);
  if ((load || get) && path != nullptr && std::strcmp(path, kManagerPath) == 0) {
    const char* name = nullptr;
    if (sd_bus_message_read(m, "s", &name) < 0 || name == nullptr) {
      return Handled(
          sd_bus_reply_method_errorf(m, SD_BUS_ERROR_INVALID_ARGS, "Expected a unit name."));
    }
    Record(std::string(load ? "LoadUnit " : "GetUnit ") + name);
    if (options_.units.count(name) == 0) {
      return Handled(sd_bus_reply_method_errorf(m, "org.freedesktop.systemd1.NoSuchUnit",
                                                "Unit %s not found.", name));
    }
    return Handled(sd_bus_reply_method_return(m, "o", UnitPath(name).c_str()));
  }
  if (sd_bus_message_is_method_call(m, kPropertiesInterface, "GetAll") > 0 && path != nullptr) {
    const char* interface = nullptr;
    if (sd_bus_message_read(m, "s", &interface) < 0 || interface == nullptr) {
      return Handled(
          sd_bus_reply_method_errorf(m, SD_BUS_ERROR_INVALID_ARGS, "Expected an interface."));
    }
    Record(std::string("GetAll ") + path + " interface=" + interface);
    for (const auto& [name, unit] : options_.units) {
      if (UnitPath(name) != path) {
        continue;
      }
      if (options_.on_get_all) {
        options_.on_get_all(name);
      }
      if (unit.hang) {
        return 1;
      }
      if (!unit.get_all_error.empty()) {
        return Handled(sd_bus_reply_method_errorf(m, unit.get_all_error.c_str(), "Refused for %s.",
                                                  name.c_str()));
      }
      sd_bus_message* reply = nullptr;
      int r = sd_bus_message_new_method_return(m, &reply);
      if (r >= 0) {
        r = AppendProperties(reply, unit.properties);
      }
      if (r >= 0) {
        r = sd_bus_send(nullptr, reply, nullptr);
      }
      sd_bus_message_unref(reply);
      return r < 0 ? r : 1;
    }
    return Handled(
        sd_bus_reply_method_errorf(m, SD_BUS_ERROR_UNKNOWN_OBJECT, "Unknown object %s.", path));
  }
  Record(std::string(sd_bus_message_get_interface(m) ? sd_bus_message_get_interface(m) : "") + "." +
         (sd_bus_message_get_member(m) ? sd_bus_message_get_member(m) : ""));
  return Handled(sd_bus_reply_method_errorf(m, SD_BUS_ERROR_UNKNOWN_METHOD, "Unknown method."));
}

}  // namespace aicr::collector::systemd::testing
