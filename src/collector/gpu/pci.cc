#include "collector/gpu/pci.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <optional>
#include <system_error>
#include <utility>

#include "base/status.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "collector/collector.h"

namespace aicr::collector::gpu {
namespace {

/// sysfs attribute files hold one short line; anything longer is malformed.
constexpr std::size_t kMaxAttributeBytes = 64;

/// Reads at most `cap` bytes of `path`; UNAVAILABLE when it holds more, NOT_FOUND
/// when it does not exist. Reads until EOF because procfs and sysfs report size 0.
Result<std::string> ReadCapped(const std::string& path, std::size_t cap) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
      return NotFoundError("file " + Quote(path) + " not found");
    }
    return UnavailableError("cannot open " + Quote(path) + ": " + ErrnoText(err));
  }
  std::string out;
  char buf[4096];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      const int err = errno;
      if (err == EINTR) {
        continue;
      }
      ::close(fd);
      return UnavailableError("cannot read " + Quote(path) + ": " + ErrnoText(err));
    }
    if (n == 0) {
      break;
    }
    if (out.size() + static_cast<std::size_t>(n) > cap) {
      ::close(fd);
      return UnavailableError("file " + Quote(path) + " is larger than " + std::to_string(cap) +
                              " bytes");
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

/// `0x10de\n`, `10DE`, ... as a number: 1 to 8 hex digits after an optional prefix.
std::optional<std::uint32_t> ParseHex(std::string_view text) {
  text = Trim(text);
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
  }
  if (text.empty() || text.size() > 8) {
    return std::nullopt;
  }
  std::uint32_t value = 0;
  for (const char c : text) {
    const int digit = HexDigitValue(c);
    if (digit < 0) {
      return std::nullopt;
    }
    value = (value << 4) | static_cast<std::uint32_t>(digit);
  }
  return value;
}

/// Reads one hex attribute of the device directory `dir`.
Result<std::uint32_t> ReadHexAttribute(const std::string& dir, std::string_view name) {
  const std::string path = dir + "/" + std::string(name);
  AICR_ASSIGN_OR_RETURN(const std::string text, ReadCapped(path, kMaxAttributeBytes));
  const std::optional<std::uint32_t> value = ParseHex(text);
  if (!value.has_value()) {
    return InvalidRequestError("attribute " + Quote(path) + " is not a hex number");
  }
  return *value;
}

/// Reads the vendor, class and device attributes of the device directory `dir`.
Result<PciDevice> ReadDevice(const std::string& dir, std::string address) {
  PciDevice device;
  device.address = std::move(address);
  AICR_ASSIGN_OR_RETURN(device.vendor, ReadHexAttribute(dir, "vendor"));
  AICR_ASSIGN_OR_RETURN(device.device_class, ReadHexAttribute(dir, "class"));
  AICR_ASSIGN_OR_RETURN(const std::uint32_t id, ReadHexAttribute(dir, "device"));
  if (device.vendor > 0xffff || device.device_class > 0xffffff || id > 0xffff) {
    return InvalidRequestError("pci device " + Quote(dir) + " has out-of-range ids");
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  device.device_id = {kDigits[(id >> 12) & 0xf], kDigits[(id >> 8) & 0xf], kDigits[(id >> 4) & 0xf],
                      kDigits[id & 0xf]};
  return device;
}

}  // namespace

bool IsNvidiaGpu(const PciDevice& device) {
  const std::uint32_t base_and_subclass = device.device_class >> 8;
  return device.vendor == kNvidiaVendorId &&
         (base_and_subclass == 0x0300 || base_and_subclass == 0x0302);
}

Result<std::vector<PciDevice>> ListPciDevices(std::string_view root, const CancelToken& cancel,
                                              std::vector<std::string>& warnings) {
  namespace fs = std::filesystem;
  AICR_RETURN_IF_ERROR(cancel.Check());
  const std::string tree = HostPath(root, "/sys/bus/pci/devices");
  std::error_code ec;
  if (!fs::is_directory(tree, ec)) {
    return NotFoundError("pci device tree " + Quote(tree) + " not found");
  }
  fs::directory_iterator it(tree, ec);
  if (ec) {
    return UnavailableError("cannot list pci device tree " + Quote(tree) + ": " + ec.message());
  }
  std::vector<std::string> addresses;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) {
      break;
    }
    if (addresses.size() == kMaxPciDevices) {
      return UnavailableError("pci device tree " + Quote(tree) + " has more than " +
                              std::to_string(kMaxPciDevices) + " entries");
    }
    addresses.push_back(it->path().filename().string());
  }
  if (ec) {
    return UnavailableError("cannot list pci device tree " + Quote(tree) + ": " + ec.message());
  }
  std::sort(addresses.begin(), addresses.end());

  std::vector<PciDevice> devices;
  devices.reserve(addresses.size());
  for (std::string& address : addresses) {
    AICR_RETURN_IF_ERROR(cancel.Check());
    std::string dir = tree;
    dir.append("/").append(address);
    Result<PciDevice> device = ReadDevice(dir, std::move(address));
    if (!device.ok()) {
      warnings.push_back("skipping pci device: " + device.status().message());
      continue;
    }
    devices.push_back(std::move(device).value());
  }
  return devices;
}

Result<bool> IsModuleLoaded(std::string_view root, std::string_view module) {
  AICR_ASSIGN_OR_RETURN(const std::string text,
                        ReadCapped(HostPath(root, "/proc/modules"), kMaxModulesBytes));
  std::string_view rest = text;
  while (!rest.empty()) {
    const std::size_t eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    line = Trim(line);
    const std::size_t end = line.find_first_of(" \t");
    if (line.substr(0, end) == module && !module.empty()) {
      return true;
    }
  }
  return false;
}

}  // namespace aicr::collector::gpu
