#include "measurement/path.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <utility>

#include "base/status_macros.h"
#include "base/suggest.h"

namespace aicr::measurement {
namespace {

Status PathError(std::string_view path, std::string_view reason) {
  std::string msg = "invalid measurement path \"";
  msg.append(path);
  msg.append("\": ");
  msg.append(reason);
  return InvalidRequestError(std::move(msg));
}

bool IsIndex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool ValidSelector(std::string_view sel) {
  if (IsIndex(sel)) {
    return true;
  }
  const std::size_t eq = sel.find('=');
  return eq != std::string_view::npos && eq > 0 && eq + 1 < sel.size();
}

}  // namespace

bool IsSnapshotType(std::string_view type) {
  return std::find(kSnapshotTypes.begin(), kSnapshotTypes.end(), type) != kSnapshotTypes.end();
}

const std::vector<std::string>& KnownTypes() {
  static const std::vector<std::string>* const kTypes = [] {
    auto* v = new std::vector<std::string>(kSnapshotTypes.begin(), kSnapshotTypes.end());
    v->emplace_back(kDeploymentType);
    return v;
  }();
  return *kTypes;
}

std::string Path::ToString() const {
  std::string out = type + "." + subtype;
  if (!selector.empty()) {
    out += "[" + selector + "]";
  }
  out += "." + key;
  return out;
}

Result<Path> ParseMeasurementPath(std::string_view path) {
  if (path.empty()) {
    return InvalidRequestError("measurement path cannot be empty");
  }
  const std::size_t first = path.find('.');
  if (first == std::string_view::npos) {
    return PathError(path, "expected format {Type}.{Subtype}.{Key}");
  }
  Path out;
  out.type = std::string(path.substr(0, first));
  const std::vector<std::string>& known = KnownTypes();
  if (std::find(known.begin(), known.end(), out.type) == known.end()) {
    std::string reason = "unknown measurement type \"" + out.type + "\" (valid: ";
    for (std::size_t i = 0; i < known.size(); ++i) {
      reason += (i == 0 ? "" : ", ") + known[i];
    }
    reason += ")";
    std::vector<std::string> sorted = known;
    std::sort(sorted.begin(), sorted.end());
    const std::string suggestion = ClosestMatch(out.type, sorted);
    if (!suggestion.empty()) {
      reason += "; did you mean \"" + suggestion + "\"?";
    }
    return PathError(path, reason);
  }
  const std::string_view rest = path.substr(first + 1);
  const std::size_t bracket = rest.find('[');
  const std::size_t dot = rest.find('.');
  // SystemD subtypes (unit names) contain dots, so there a selector may follow one.
  if (bracket != std::string_view::npos &&
      (dot == std::string_view::npos || bracket < dot || out.type == "SystemD")) {
    // Item selector form: subtype[sel].key
    out.subtype = std::string(rest.substr(0, bracket));
    if (out.subtype.empty()) {
      return PathError(path, "empty subtype");
    }
    const std::size_t close = rest.find(']', bracket + 1);
    if (close == std::string_view::npos) {
      return PathError(path, "unclosed item selector");
    }
    out.selector = std::string(rest.substr(bracket + 1, close - bracket - 1));
    if (out.selector.empty()) {
      return PathError(path, "empty item selector");
    }
    if (!ValidSelector(out.selector)) {
      return PathError(
          path, "invalid item selector \"" + out.selector + "\": expected an index or key=value");
    }
    if (close + 1 >= rest.size() || rest[close + 1] != '.') {
      if (close + 1 >= rest.size()) {
        return PathError(path, "expected format {Type}.{Subtype}.{Key}");
      }
      return PathError(path, "expected \".\" after item selector");
    }
    out.key = std::string(rest.substr(close + 2));
    if (out.key.empty()) {
      return PathError(path, "empty key");
    }
    return out;
  }
  if (dot == std::string_view::npos) {
    return PathError(path, "expected format {Type}.{Subtype}.{Key}");
  }
  const std::size_t split = out.type == "SystemD" ? rest.rfind('.') : dot;
  out.subtype = std::string(rest.substr(0, split));
  out.key = std::string(rest.substr(split + 1));
  if (out.subtype.empty()) {
    return PathError(path, "empty subtype");
  }
  if (out.key.empty()) {
    return PathError(path, "empty key");
  }
  return out;
}

Result<Path> ParseSnapshotPath(std::string_view path) {
  AICR_ASSIGN_OR_RETURN(Path p, ParseMeasurementPath(path));
  if (!IsSnapshotType(p.type)) {
    return PathError(path, "measurement type \"" + p.type +
                               "\" is only valid in deployment-phase validation constraints");
  }
  return p;
}

// ---- addressability catalogue ----

namespace {

// One address space of a subtype: open (any key) or a closed list. An empty closed
// set means nothing in that space is addressable.
struct KeySpace {
  bool open = false;
  std::vector<std::string> keys;

  bool Addressable() const { return open || !keys.empty(); }
  bool Allows(std::string_view key) const {
    return open || std::find(keys.begin(), keys.end(), key) != keys.end();
  }
};

KeySpace Open() { return KeySpace{true, {}}; }
KeySpace Closed(std::vector<std::string> keys) { return KeySpace{false, std::move(keys)}; }

// `data` keys (selector-free paths) and item keys (`[sel]` paths) of one subtype.
struct SubtypeSpace {
  KeySpace scalar;
  KeySpace item;
};

struct TypeSpace {
  std::map<std::string, SubtypeSpace, std::less<>> subtypes;
  // Subtype names are producer-defined (SystemD unit names): any is accepted and
  // uses `any_subtype`.
  bool open_subtypes = false;
  SubtypeSpace any_subtype;
};

const std::map<std::string, TypeSpace, std::less<>>& Catalogue() {
  static const auto* const kCatalogue = [] {
    auto* c = new std::map<std::string, TypeSpace, std::less<>>();
    TypeSpace& k8s = (*c)["K8s"];
    k8s.subtypes["server"] = {Closed({"version", "platform", "goVersion"}), {}};
    k8s.subtypes["node"] = {
        Closed({"source-node", "provider", "provider-id", "container-runtime-id",
                "container-runtime-name", "container-runtime-version", "kubelet-version",
                "kernel-version", "operating-system", "os-image"}),
        {}};
    k8s.subtypes["image"] = {Open(), {}};
    k8s.subtypes["policy"] = {Open(), {}};
    k8s.subtypes["aks-gpu-pools"] = {Closed({"gpu-pool-count", "gpu-pools", "gpu-driver"}), {}};
    k8s.subtypes["gke-gpu-pools"] = {
        Closed({"gpu-pool-count", "gpu-pools", "gpu-driver-installation"}), {}};
    k8s.subtypes["oke-addons"] = {Closed({"addon-count", "nvidia-gpu-plugin"}), {}};
    k8s.subtypes["oke-legacy-plugin"] = {Closed({"nvidia-gpu-device-plugin", "daemonset"}), {}};
    k8s.subtypes["slinky-slurm"] = {
        Closed({"api-available", "api-version", "collection-state", "controller-count", "detected",
                "nodeset-count", "loginset-count", "restapi-count", "accounting-count"}),
        Closed({"cluster-name", "external", "accounting-ref-present", "partition-enabled", "id",
                "kind", "namespace", "name", "api-version", "controller-id"})};
    k8s.subtypes["mariadb-operator"] = {
        Closed({"collection-state", "api-available", "api-version"}), {}};
    k8s.subtypes["default-storage-class"] = {
        Closed({"collection-state", "default-count", "default-classes"}), {}};
    k8s.subtypes["percona-server-mongodb"] = {
        Closed({"collection-state", "api-available", "api-version"}), {}};

    // Driver-free detection only: there is deliberately no `smi` subtype.
    (*c)["GPU"].subtypes["hardware"] = {
        Closed({"gpu-present", "gpu-count", "driver-loaded", "detection-source", "model"}), {}};

    TypeSpace& os = (*c)["OS"];
    for (const char* name : {"release", "sysctl", "grub", "kmod", "extensions"}) {
      os.subtypes[name] = {Open(), {}};
    }

    TypeSpace& systemd = (*c)["SystemD"];
    systemd.open_subtypes = true;
    systemd.any_subtype = {Open(), {}};

    // `gpu-nodes` is virtual (kPathGpuNodesLabel), accepted before this lookup.
    TypeSpace& topology = (*c)["NodeTopology"];
    topology.subtypes["summary"] = {Closed({"node-count", "taint-count", "label-count"}), {}};
    topology.subtypes["label"] = {Open(), {}};
    topology.subtypes["taint"] = {Open(), {}};

    TypeSpace& network = (*c)["NetworkTopology"];
    network.subtypes["identity"] = {Closed({"pf-count", "rail-count"}), {}};
    network.subtypes["capabilities"] = {Closed({"sriov", "rdma", "ib"}), {}};
    network.subtypes["pfs"] = {
        {},
        Closed({"pciAddress", "deviceID", "psid", "partNumber", "rdmaDevice", "networkInterface",
                "model", "connectedGPU", "gpuProximity", "rail", "numaNode", "traffic"})};
    network.subtypes["kernel-modules"] = {Open(), {}};
    return c;
  }();
  return *kCatalogue;
}

constexpr std::size_t kMaxSuggestionDistance = 2;

std::string WithSuggestion(std::string reason, std::string_view got,
                           std::vector<std::string> candidates) {
  const std::string suggestion = SuggestPathPart(got, std::move(candidates));
  if (!suggestion.empty()) {
    reason += "; did you mean \"" + suggestion + "\"?";
  }
  return reason;
}

std::string InType(const Path& p) {
  return "subtype \"" + p.subtype + "\" of measurement type \"" + p.type + "\"";
}

}  // namespace

std::string SuggestPathPart(std::string_view name, std::vector<std::string> candidates) {
  if (name.empty()) {
    return "";
  }
  std::sort(candidates.begin(), candidates.end());
  std::string best;
  std::size_t best_distance = kMaxSuggestionDistance + 1;
  for (const std::string& candidate : candidates) {
    const std::size_t len_diff = candidate.size() > name.size() ? candidate.size() - name.size()
                                                                : name.size() - candidate.size();
    if (len_diff > kMaxSuggestionDistance) {
      continue;
    }
    const std::size_t d = EditDistance(name, candidate);
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best_distance <= kMaxSuggestionDistance ? best : "";
}

Status ValidatePath(std::string_view path) {
  if (path == kPathGpuNodesLabel) {
    return OkStatus();
  }
  AICR_ASSIGN_OR_RETURN(const Path p, ParseSnapshotPath(path));
  const auto& catalogue = Catalogue();
  const auto type_it = catalogue.find(p.type);
  if (type_it == catalogue.end()) {
    // A snapshot type without a catalogue entry is a defect here, never "accepted".
    return InternalError("measurement type \"" + p.type + "\" has no catalogue entry");
  }
  const TypeSpace& type = type_it->second;
  const SubtypeSpace* spec = &type.any_subtype;
  if (!type.open_subtypes) {
    const auto sub_it = type.subtypes.find(p.subtype);
    if (sub_it == type.subtypes.end()) {
      std::vector<std::string> names;
      for (const auto& [name, unused] : type.subtypes) {
        names.push_back(name);
      }
      return PathError(path, WithSuggestion("unknown subtype \"" + p.subtype +
                                                "\" for measurement type \"" + p.type + "\"",
                                            p.subtype, std::move(names)));
    }
    spec = &sub_it->second;
  }

  if (p.selector.empty()) {
    if (!spec->scalar.Addressable()) {
      std::string reason = InType(p) + " exposes no scalar readings";
      if (spec->item.Addressable()) {
        reason +=
            "; it requires an item selector, e.g. " + p.type + "." + p.subtype + "[0]." + p.key;
      }
      return PathError(path, reason);
    }
    if (!spec->scalar.Allows(p.key)) {
      return PathError(path, WithSuggestion("unknown key \"" + p.key + "\" in " + InType(p), p.key,
                                            spec->scalar.keys));
    }
    return OkStatus();
  }

  if (!spec->item.Addressable()) {
    return PathError(path, InType(p) + " has no items; an item selector is not valid here");
  }
  // A predicate key is looked up in the same item fields as the result key; its
  // value (and an index) depend on the snapshot and are not checked.
  if (const std::size_t eq = p.selector.find('='); eq != std::string::npos) {
    const std::string predicate_key = p.selector.substr(0, eq);
    if (!spec->item.Allows(predicate_key)) {
      return PathError(path, WithSuggestion("unknown item predicate key \"" + predicate_key +
                                                "\" in " + InType(p),
                                            predicate_key, spec->item.keys));
    }
  }
  if (!spec->item.Allows(p.key)) {
    return PathError(path, WithSuggestion("unknown item key \"" + p.key + "\" in " + InType(p),
                                          p.key, spec->item.keys));
  }
  return OkStatus();
}

}  // namespace aicr::measurement
