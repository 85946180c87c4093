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

using config_fields::TypeName;
using serialize::Value;

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

namespace {

constexpr char kGkeExpected[] =
    "expected the JSON array printed by `gcloud container node-pools list --cluster <cluster> "
    "--format=json`";

/// `parent[key]` when present and not null; INVALID_REQUEST naming `where` when it
/// is not of the type `ok` accepts.
Result<const Value*> Optional(const Value& parent, std::string_view key, bool (Value::*ok)() const,
                              const char* expected, const std::string& where) {
  const Value* v = parent.Find(key);
  if (v == nullptr || v->is_null()) {
    return static_cast<const Value*>(nullptr);
  }
  if (!(v->*ok)()) {
    return InvalidRequestError(std::string(kGkeExpected) + ": " + where + "." + std::string(key) +
                               ": expected " + expected + ", got " + TypeName(*v));
  }
  return v;
}

/// One accelerator's driver installation state: `Disabled`, `Installed` (the
/// provider installs it: DEFAULT, LATEST, unspecified or absent) or the
/// gpuDriverVersion verbatim.
Result<std::string> GkeAcceleratorMode(const Value& accelerator, const std::string& where) {
  if (!accelerator.is_mapping()) {
    return InvalidRequestError(std::string(kGkeExpected) + ": " + where +
                               ": expected an object, got " + TypeName(accelerator));
  }
  AICR_ASSIGN_OR_RETURN(const Value* config, Optional(accelerator, "gpuDriverInstallationConfig",
                                                      &Value::is_mapping, "an object", where));
  std::string version;
  if (config != nullptr) {
    AICR_ASSIGN_OR_RETURN(const Value* v,
                          Optional(*config, "gpuDriverVersion", &Value::is_string, "a string",
                                   where + ".gpuDriverInstallationConfig"));
    if (v != nullptr) {
      version = *v->if_string();
    }
  }
  if (version == "INSTALLATION_DISABLED") {
    return std::string("Disabled");
  }
  if (version.empty() || version == "GPU_DRIVER_VERSION_UNSPECIFIED" || version == "DEFAULT" ||
      version == "LATEST") {
    return std::string("Installed");
  }
  return version;
}

std::string SharedMode(const std::set<std::string>& modes) {
  return modes.size() == 1 ? *modes.begin() : std::string("Mixed");
}

}  // namespace

Result<measurement::Subtype> ProjectGkeGpuPools(std::string_view json_text) {
  Result<Value> doc = serialize::ParseJson(json_text);
  if (!doc.ok()) {
    return InvalidRequestError(std::string(kGkeExpected) + ": " + doc.status().message());
  }
  if (doc->is_null()) {
    return InvalidRequestError(std::string(kGkeExpected) + ", got JSON null");
  }
  if (!doc->is_sequence()) {
    return InvalidRequestError(std::string(kGkeExpected) + ", got " + TypeName(*doc));
  }
  std::set<std::string> modes;
  std::vector<std::string> pools;
  const serialize::Sequence& entries = *doc->if_sequence();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Value& pool = entries[i];
    const std::string where = "[" + std::to_string(i) + "]";
    if (!pool.is_mapping()) {
      return InvalidRequestError(std::string(kGkeExpected) + ": " + where +
                                 ": expected a node pool object, got " + TypeName(pool));
    }
    AICR_ASSIGN_OR_RETURN(const Value* name,
                          Optional(pool, "name", &Value::is_string, "a string", where));
    AICR_ASSIGN_OR_RETURN(const Value* config,
                          Optional(pool, "config", &Value::is_mapping, "an object", where));
    if (config == nullptr) {
      continue;
    }
    AICR_ASSIGN_OR_RETURN(
        const Value* accelerators,
        Optional(*config, "accelerators", &Value::is_sequence, "a list", where + ".config"));
    if (accelerators == nullptr || accelerators->if_sequence()->empty()) {
      continue;  // not a GPU pool
    }
    std::set<std::string> pool_modes;
    const serialize::Sequence& list = *accelerators->if_sequence();
    for (std::size_t j = 0; j < list.size(); ++j) {
      AICR_ASSIGN_OR_RETURN(
          std::string mode,
          GkeAcceleratorMode(list[j], where + ".config.accelerators[" + std::to_string(j) + "]"));
      pool_modes.insert(std::move(mode));
    }
    const std::string mode = SharedMode(pool_modes);
    modes.insert(mode);
    pools.push_back((name != nullptr ? *name->if_string() : std::string()) + "=" + mode);
  }
  std::sort(pools.begin(), pools.end());
  measurement::Subtype out;
  out.name = "gke-gpu-pools";
  out.data["gpu-pool-count"] = measurement::Reading::Int(static_cast<std::int64_t>(pools.size()));
  if (!pools.empty()) {
    out.data["gpu-pools"] = measurement::Reading::Str(Join(pools, ","));
    out.data["gpu-driver-installation"] = measurement::Reading::Str(SharedMode(modes));
  }
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
