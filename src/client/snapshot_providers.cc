#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <string>
#include <utility>

#include "base/status_macros.h"
#include "base/strings.h"
#include "client/config_fields.h"
#include "client/snapshot.h"
#include "serialize/json_reader.h"

namespace aicr::client {
namespace {

using serialize::Value;
using config_fields::TypeName;

bool IsNvidiaAksVmSize(std::string_view vm_size) {
  const std::string lower = AsciiLower(std::string(vm_size));
  for (std::string_view amd : {"_mi300x", "_mi325x", "_v620", "_v710"}) {
    if (lower.find(amd) != std::string::npos) {
      return false;
    }
  }
  for (std::string_view family : {"standard_nc", "standard_nd", "standard_nv"}) {
    if (lower.rfind(family, 0) == 0) {
      return true;
    }
  }
  return false;
}

std::string StringField(const Value& obj, std::string_view key) {
  const Value* v = obj.Find(key);
  return v != nullptr && v->is_string() ? *v->if_string() : std::string();
}

}  // namespace

Result<std::string> ReadProviderDump(const std::string& path, std::string_view what) {
  const std::string name = std::string(what) + " \"" + path + "\"";
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ELOOP) {
      return InvalidRequestError(name + ": is a symbolic link, not a regular file");
    }
    return InvalidRequestError(name + ": cannot open: " + std::strerror(err));
  }
  struct stat st {};
  std::string out;
  Status status;
  if (::fstat(fd, &st) != 0) {
    status = InvalidRequestError(name + ": cannot inspect: " + std::strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    status = InvalidRequestError(name + ": not a regular file");
  } else if (static_cast<std::size_t>(st.st_size) > limits::kMaxConfigBytes) {
    status = InvalidRequestError(name + ": file exceeds " +
                                 std::to_string(limits::kMaxConfigBytes) + " bytes");
  } else {
    char buf[65536];
    while (status.ok()) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n == 0) {
        break;
      }
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        status = InvalidRequestError(name + ": cannot read: " + std::strerror(errno));
        break;
      }
      out.append(buf, static_cast<std::size_t>(n));
      if (out.size() > limits::kMaxConfigBytes) {
        status = InvalidRequestError(name + ": file exceeds " +
                                     std::to_string(limits::kMaxConfigBytes) + " bytes");
      }
    }
  }
  ::close(fd);
  if (!status.ok()) {
    return status;
  }
  return out;
}

Result<measurement::Subtype> ProjectAksGpuPools(std::string_view json_text) {
  Result<Value> doc = serialize::ParseJson(json_text);
  if (!doc.ok()) {
    return InvalidRequestError(
        "expected the JSON array printed by `az aks nodepool list -o json`: " +
        doc.status().message());
  }
  if (!doc->is_sequence()) {
    return InvalidRequestError(
        "expected the JSON array printed by `az aks nodepool list -o json`, got " + TypeName(*doc));
  }
  std::set<std::string> modes;
  std::vector<std::string> pools;
  for (const Value& pool : *doc->if_sequence()) {
    if (!pool.is_mapping()) {
      return InvalidRequestError("expected node pool objects, got " + TypeName(pool));
    }
    if (!IsNvidiaAksVmSize(StringField(pool, "vmSize"))) {
      continue;
    }
    std::string mode = "Install";  // the provider's default without a gpuProfile
    const Value* profile = pool.Find("gpuProfile");
    if (profile != nullptr && profile->is_mapping()) {
      const Value* nvidia = profile->Find("nvidia");
      if (nvidia != nullptr && !nvidia->is_null() &&
          AsciiLower(StringField(*nvidia, "managementMode")) != "unmanaged") {
        mode = "Managed";
      } else if (const std::string driver = StringField(*profile, "driver"); !driver.empty()) {
        mode = driver;
      }
    }
    modes.insert(mode);
    pools.push_back(StringField(pool, "name") + "=" + mode);
  }
  std::sort(pools.begin(), pools.end());
  measurement::Subtype out;
  out.name = "aks-gpu-pools";
  out.data["gpu-pool-count"] = measurement::Reading::Int(static_cast<std::int64_t>(pools.size()));
  if (!pools.empty()) {
    std::string joined;
    for (const std::string& p : pools) {
      joined += (joined.empty() ? "" : ",") + p;
    }
    out.data["gpu-pools"] = measurement::Reading::Str(joined);
    out.data["gpu-driver"] =
        measurement::Reading::Str(modes.size() == 1 ? *modes.begin() : "Mixed");
  }
  return out;
}

Result<measurement::Subtype> ProjectOkeAddons(std::string_view json_text) {
  constexpr char kExpected[] =
      "expected the JSON object printed by `oci ce cluster list-addons --cluster-id <ocid> "
      "--all --output json`";
  Result<Value> doc = serialize::ParseJson(json_text);
  if (!doc.ok()) {
    return InvalidRequestError(std::string(kExpected) + ": " + doc.status().message());
  }
  const Value* data = doc->is_mapping() ? doc->Find("data") : nullptr;
  if (data == nullptr || !data->is_sequence()) {
    return InvalidRequestError(std::string(kExpected) + " (with a data list)");
  }
  std::string plugin = "absent";
  for (const Value& addon : *data->if_sequence()) {
    if (!addon.is_mapping()) {
      return InvalidRequestError(std::string(kExpected) + ": add-on entries must be objects");
    }
    if (AsciiLower(StringField(addon, "name")) != "nvidiagpuplugin" || plugin != "absent") {
      continue;
    }
    const std::string state = AsciiLower(StringField(addon, "lifecycle-state"));
    plugin = state == "active" ? "installed" : "addon-" + state;
  }
  measurement::Subtype out;
  out.name = "oke-addons";
  out.data["addon-count"] =
      measurement::Reading::Int(static_cast<std::int64_t>(data->if_sequence()->size()));
  out.data["nvidia-gpu-plugin"] = measurement::Reading::Str(plugin);
  return out;
}

void AttachK8sSubtype(measurement::Snapshot& snapshot, measurement::Subtype subtype) {
  auto it = std::find_if(snapshot.measurements.begin(), snapshot.measurements.end(),
                         [](const measurement::Measurement& m) { return m.type == "K8s"; });
  if (it == snapshot.measurements.end()) {
    measurement::Measurement k8s;
    k8s.type = "K8s";
    it = snapshot.measurements.insert(snapshot.measurements.begin(), std::move(k8s));
  }
  for (measurement::Subtype& existing : it->subtypes) {
    if (existing.name == subtype.name) {
      existing = std::move(subtype);
      return;
    }
  }
  it->subtypes.push_back(std::move(subtype));
}

}  // namespace aicr::client
