#include "client/snapshot.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>
#include <set>
#include <utility>

#include "base/limits.h"
#include "base/log.h"
#include "base/status_macros.h"
#include "base/version.h"
#include "collector/k8s/k8s_collector.h"
#include "collector/topology/topology_collector.h"
#include "gotemplate/template.h"
#include "k8s/client.h"
#include "k8s/exec_credential.h"
#include "k8s/in_cluster.h"
#include "serialize/cm_uri.h"
#include "serialize/input.h"
#include "serialize/json_reader.h"
#include "serialize/json_writer.h"
#include "serialize/output.h"
#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"
#include "snapshotter/builtin.h"
#include "snapshotter/snapshotter.h"

namespace aicr::client {
namespace {

using serialize::Value;

constexpr char kRoot[] = "spec.snapshot";
constexpr char kAgentImageRepository[] = "ghcr.io/nvidia/aicr";

std::string Trim(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b])) != 0) {
    ++b;
  }
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])) != 0) {
    --e;
  }
  return std::string(s.substr(b, e - b));
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// ---- spec.snapshot ---------------------------------------------------------

std::string TypeName(const Value& v) { return std::string(serialize::ValueTypeName(v.type())); }

Status CheckKeys(const Value& v, const std::string& path, const std::set<std::string>& allowed) {
  if (!v.is_mapping()) {
    return InvalidRequestError("config " + path + ": expected a mapping, got " + TypeName(v));
  }
  for (const auto& [key, unused] : *v.if_mapping()) {
    if (allowed.count(key) == 0) {
      return InvalidRequestError("config " + path + ": unknown field \"" + key + "\"");
    }
  }
  return OkStatus();
}

Result<std::string> Text(const Value& parent, const char* key, const std::string& path) {
  const Value* v = parent.Find(key);
  if (v == nullptr || v->is_null()) {
    return std::string();
  }
  if (const std::string* s = v->if_string()) {
    return *s;
  }
  return InvalidRequestError("config " + path + "." + key + ": expected a string, got " +
                             TypeName(*v));
}

Result<std::optional<bool>> Bool(const Value& parent, const char* key, const std::string& path) {
  const Value* v = parent.Find(key);
  if (v == nullptr || v->is_null()) {
    return std::optional<bool>();
  }
  if (const bool* b = v->if_bool()) {
    return std::optional<bool>(*b);
  }
  return InvalidRequestError("config " + path + "." + key + ": expected a boolean, got " +
                             TypeName(*v));
}

Result<std::optional<std::vector<std::string>>> List(const Value& parent, const char* key,
                                                     const std::string& path) {
  const Value* v = parent.Find(key);
  if (v == nullptr) {
    return std::optional<std::vector<std::string>>();
  }
  std::vector<std::string> out;
  if (v->is_null()) {
    return std::optional<std::vector<std::string>>(std::move(out));
  }
  if (!v->is_sequence()) {
    return InvalidRequestError("config " + path + "." + key + ": expected a list, got " +
                               TypeName(*v));
  }
  for (const auto& item : *v->if_sequence()) {
    if (!item.is_string()) {
      return InvalidRequestError("config " + path + "." + key +
                                 ": expected a list of strings, got an item of type " +
                                 TypeName(item));
    }
    out.push_back(*item.if_string());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<std::optional<std::map<std::string, std::string>>> StringMap(const Value& parent,
                                                                    const char* key,
                                                                    const std::string& path) {
  const Value* v = parent.Find(key);
  if (v == nullptr) {
    return std::optional<std::map<std::string, std::string>>();
  }
  std::map<std::string, std::string> out;
  if (v->is_null()) {
    return std::optional<std::map<std::string, std::string>>(std::move(out));
  }
  if (!v->is_mapping()) {
    return InvalidRequestError("config " + path + "." + key + ": expected a mapping, got " +
                               TypeName(*v));
  }
  for (const auto& [k, item] : *v->if_mapping()) {
    if (const std::string* s = item.if_string()) {
      out[k] = *s;
    } else if (item.is_int() || item.is_float() || item.is_bool()) {
      out[k] = serialize::WriteYaml(item);
      while (!out[k].empty() && out[k].back() == '\n') {
        out[k].pop_back();
      }
    } else {
      return InvalidRequestError("config " + path + "." + key + "." + k +
                                 ": expected a string, got " + TypeName(item));
    }
  }
  return std::optional<std::map<std::string, std::string>>(std::move(out));
}

// agent.requests / agent.limits: `cpu=1,memory=2Gi` or a mapping.
Result<std::optional<std::map<std::string, std::string>>> Resources(const Value& parent,
                                                                    const char* key,
                                                                    const std::string& path) {
  const Value* v = parent.Find(key);
  if (v == nullptr || v->is_null()) {
    return std::optional<std::map<std::string, std::string>>();
  }
  std::string text;
  if (const std::string* s = v->if_string()) {
    text = *s;
  } else if (v->is_mapping()) {
    AICR_ASSIGN_OR_RETURN(auto m, StringMap(parent, key, path));
    for (const auto& [name, qty] : *m) {
      text += (text.empty() ? "" : ",") + name + "=" + qty;
    }
  } else {
    return InvalidRequestError("config " + path + "." + key +
                               ": expected a string (cpu=500m,memory=1Gi) or a mapping, got " +
                               TypeName(*v));
  }
  Result<std::map<std::string, std::string>> parsed = snapshotter::ParseResourceList(text);
  if (!parsed.ok()) {
    return parsed.status().WithContext("config " + path + "." + key);
  }
  return std::optional<std::map<std::string, std::string>>(std::move(parsed).value());
}

// ---- rendering ---------------------------------------------------------------

std::string Cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out.push_back(c);
    }
  }
  return out.empty() ? "\"\"" : out;
}

std::string RenderRows(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) {
        line += std::string(widths[i] - row[i].size() + 3, ' ');
      }
    }
    out += line + "\n";
  }
  return out;
}

Value ReadingMap(const std::map<std::string, measurement::Reading>& data) {
  Value out = Value::EmptyMapping();
  for (const auto& [k, r] : data) {
    out.Set(k, r.ToValue());
  }
  return out;
}

Value StringMapValue(const std::map<std::string, std::string>& data) {
  Value out = Value::EmptyMapping();
  for (const auto& [k, v] : data) {
    out.Set(k, v);
  }
  return out;
}

// ---- provider projections ----------------------------------------------------

bool IsNvidiaAksVmSize(std::string_view vm_size) {
  const std::string lower = Lower(std::string(vm_size));
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

/// The projections a request asks for, read and computed before anything runs.
Result<std::vector<measurement::Subtype>> Projections(const SnapshotRequest& request) {
  std::vector<measurement::Subtype> out;
  if (!request.aks_gpu_pools_path.empty()) {
    AICR_ASSIGN_OR_RETURN(const std::string text,
                          ReadProviderDump(request.aks_gpu_pools_path, "--aks-gpu-pools"));
    Result<measurement::Subtype> s = ProjectAksGpuPools(text);
    if (!s.ok()) {
      return s.status().WithContext("--aks-gpu-pools \"" + request.aks_gpu_pools_path + "\"");
    }
    out.push_back(std::move(s).value());
  }
  if (!request.oke_addons_path.empty()) {
    AICR_ASSIGN_OR_RETURN(const std::string text,
                          ReadProviderDump(request.oke_addons_path, "--oke-addons"));
    Result<measurement::Subtype> s = ProjectOkeAddons(text);
    if (!s.ok()) {
      return s.status().WithContext("--oke-addons \"" + request.oke_addons_path + "\"");
    }
    out.push_back(std::move(s).value());
  }
  return out;
}

// ---- modes ---------------------------------------------------------------------

bool IsGpuTopologyLabel(const std::string& key) {
  return key.rfind("nvidia.com/gpu.present", 0) == 0 || key.rfind("nvidia.com/gpu.product", 0) == 0;
}

bool HasGpuCount(const measurement::Snapshot& snapshot) {
  const measurement::Measurement* gpu = snapshot.FindMeasurement("GPU");
  if (gpu == nullptr) {
    return false;
  }
  for (const measurement::Subtype& s : gpu->subtypes) {
    if (const measurement::Reading* count = s.Find("gpu-count")) {
      std::optional<std::int64_t> n = count->AsInteger();
      if (n.has_value() && *n > 0) {
        return true;
      }
    }
  }
  return false;
}

bool HasGpuData(const measurement::Snapshot& snapshot) {
  const measurement::Measurement* gpu = snapshot.FindMeasurement("GPU");
  if (gpu == nullptr) {
    return false;
  }
  for (const measurement::Subtype& s : gpu->subtypes) {
    if (const measurement::Reading* count = s.Find("gpu-count")) {
      std::optional<std::int64_t> n = count->AsInteger();
      if (n.has_value() && *n > 0) {
        return true;
      }
    }
    if (const measurement::Reading* present = s.Find("gpu-present")) {
      if (const bool* b = present->if_bool(); b != nullptr && *b) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

std::optional<std::string> NonGpuNodeWarning(const measurement::Snapshot& snapshot) {
  if (HasGpuData(snapshot)) {
    return std::nullopt;
  }
  const measurement::Measurement* topo = snapshot.FindMeasurement("NodeTopology");
  if (topo == nullptr) {
    return std::nullopt;
  }
  const measurement::Subtype* labels = topo->FindSubtype("label");
  if (labels == nullptr) {
    return std::nullopt;
  }
  for (const auto& [key, unused] : labels->data) {
    if (IsGpuTopologyLabel(key)) {
      return "no GPU data was collected but the cluster has GPU node labels (" + key +
             "): the agent likely ran on a non-GPU node; target GPU nodes with --node-selector";
    }
  }
  return std::nullopt;
}

namespace {

std::shared_ptr<const k8s::Client> ConnectOrNull(const SnapshotRequest& request,
                                                 std::vector<std::string>* warnings) {
  k8s::ResolveOptions resolve;
  resolve.explicit_kubeconfig = request.kubeconfig;
  resolve.env = request.env;
  Result<k8s::RestConfig> config = k8s::ResolveRestConfig(resolve);
  if (!config.ok()) {
    const std::string w =
        "no Kubernetes connection, cluster data will be empty: " + config.status().message();
    log::Warn(w);
    warnings->push_back(w);
    return nullptr;
  }
  Result<k8s::Client> client = k8s::Client::Connect(*config);
  if (!client.ok()) {
    const std::string w =
        "no Kubernetes connection, cluster data will be empty: " + client.status().message();
    log::Warn(w);
    warnings->push_back(w);
    return nullptr;
  }
  return std::make_shared<const k8s::Client>(std::move(client).value());
}

Result<std::shared_ptr<const k8s::Client>> Connect(const SnapshotRequest& request) {
  k8s::ResolveOptions resolve;
  resolve.explicit_kubeconfig = request.kubeconfig;
  resolve.env = request.env;
  AICR_ASSIGN_OR_RETURN(const k8s::RestConfig config, k8s::ResolveRestConfig(resolve));
  AICR_ASSIGN_OR_RETURN(k8s::Client client, k8s::Client::Connect(config));
  return std::make_shared<const k8s::Client>(std::move(client));
}

snapshotter::MeasureOptions MeasureOptionsFor(const SnapshotRequest& request) {
  snapshotter::MeasureOptions options;
  options.root = request.root;
  options.env = request.env;
  options.cancel = request.cancel;
  options.clock = request.clock;
  options.version = GetBuildInfo().version;
  options.require_gpu = request.require_gpu;
  options.collectors = request.collectors;
  return options;
}

// Fills the rendered document (format or template) of `result.snapshot`.
Status RenderInto(const SnapshotRequest& request, SnapshotResult& result) {
  result.format = request.format.empty() ? "yaml" : request.format;
  if (!request.template_path.empty()) {
    AICR_ASSIGN_OR_RETURN(result.document,
                          RenderSnapshotTemplate(request.template_path, result.snapshot));
    return OkStatus();
  }
  AICR_ASSIGN_OR_RETURN(result.document, RenderSnapshot(result.snapshot, result.format));
  return OkStatus();
}

// Writes the agent-mode result to its cm:// target: data snapshot.<ext>, format and
// timestamp (the snapshot's own, else now), labels name/component/version.
Status WriteAgentConfigMap(const Client& client, const SnapshotRequest& request,
                           const SnapshotResult& result) {
  serialize::OutputOptions out;
  out.kind = std::string(measurement::kSnapshotKind);
  out.format = result.format;
  auto version = result.snapshot.metadata.find("version");
  out.version = version != result.snapshot.metadata.end() ? version->second : "";
  out.cancel = request.cancel;
  out.configmaps = client.configmaps();
  std::optional<FakeClock> stamp;
  auto ts = result.snapshot.metadata.find("timestamp");
  if (ts != result.snapshot.metadata.end()) {
    if (auto t = k8s::ParseRfc3339(ts->second); t.ok()) {
      stamp.emplace(*t);
    }
  }
  if (stamp.has_value()) {
    out.clock = &*stamp;
  } else if (request.clock != nullptr) {
    out.clock = request.clock;
  }
  return serialize::WriteOutput(request.output, result.document, out);
}

Result<SnapshotResult> TakeLocal(const SnapshotRequest& request) {
  snapshotter::Registry registry = snapshotter::BuiltinHostCollectors();
  AICR_ASSIGN_OR_RETURN(snapshotter::Measured measured,
                        snapshotter::MeasureWithWarnings(registry, MeasureOptionsFor(request)));
  SnapshotResult result;
  result.snapshot = std::move(measured.snapshot);
  result.warnings = std::move(measured.warnings);
  AICR_RETURN_IF_ERROR(RenderInto(request, result));
  return result;
}

Result<SnapshotResult> TakeAgent(const Client& client, const SnapshotRequest& request) {
  const EnvLookup env = request.env ? request.env : ProcessEnv();
  SnapshotResult result;
  // AICR_OS: lower-cased and trimmed; an unknown value is reported and ignored.
  std::string os = request.os;
  if (os.empty()) {
    os = env("AICR_OS").value_or("");
  }
  if (!Trim(os).empty() && !NormalizeSnapshotOs(os).has_value()) {
    const std::string w = "ignoring unknown AICR_OS value \"" + os +
                          "\" (expected ubuntu, rhel, cos, amazonlinux, ol or talos)";
    log::Warn(w);
    result.warnings.push_back(w);
  }
  std::optional<int> max_nodes;
  if (request.max_nodes_per_entry > 0) {
    max_nodes = request.max_nodes_per_entry;
  } else {
    max_nodes = collector::MaxNodesPerEntryFromEnv(env);
  }

  std::shared_ptr<const k8s::Client> k8s = ConnectOrNull(request, &result.warnings);
  snapshotter::Registry registry = snapshotter::BuiltinHostCollectors();
  AICR_RETURN_IF_ERROR(registry.Add(std::make_unique<collector::K8sCollector>(k8s)));
  AICR_RETURN_IF_ERROR(
      registry.Add(std::make_unique<collector::TopologyCollector>(k8s, max_nodes)));
  snapshotter::MeasureOptions options = MeasureOptionsFor(request);
  options.env = env;
  AICR_ASSIGN_OR_RETURN(snapshotter::Measured measured,
                        snapshotter::MeasureWithWarnings(registry, options));
  result.snapshot = std::move(measured.snapshot);
  for (std::string& w : measured.warnings) {
    result.warnings.push_back(std::move(w));
  }
  if (std::optional<std::string> w = NonGpuNodeWarning(result.snapshot)) {
    log::Warn(*w);
    result.warnings.push_back(*w);
  }
  AICR_RETURN_IF_ERROR(RenderInto(request, result));
  if (serialize::IsConfigMapUri(request.output)) {
    AICR_RETURN_IF_ERROR(WriteAgentConfigMap(client, request, result));
    result.delivered = true;
  }
  return result;
}

snapshotter::AgentConfig AgentConfigFor(const SnapshotRequest& request) {
  snapshotter::AgentConfig config = request.agent;
  if (config.image.empty()) {
    config.image = DefaultAgentImage(GetBuildInfo().version);
  }
  config.os = NormalizeSnapshotOs(request.os).value_or("");
  config.require_gpu = request.require_gpu;
  config.max_nodes_per_entry = request.max_nodes_per_entry;
  if (serialize::IsConfigMapUri(request.output)) {
    // A delivered object: the agent writes the requested format there.
    config.output_configmap = request.output;
    config.format = request.format.empty() ? "yaml" : request.format;
  } else {
    // A staging ConfigMap, always yaml; other formats are rendered here.
    config.output_configmap.clear();
    config.format = "yaml";
  }
  return config;
}

Result<SnapshotResult> TakeDeployed(const SnapshotRequest& request) {
  AICR_ASSIGN_OR_RETURN(std::shared_ptr<const k8s::Client> k8s, Connect(request));
  const snapshotter::AgentConfig config = AgentConfigFor(request);
  snapshotter::AgentIo io;
  io.progress = request.progress;
  io.progress_is_tty = request.progress_is_tty;
  io.log = request.agent_log;
  io.cancel = request.cancel;
  io.clock = request.clock;
  io.random_hex = request.random_hex;
  AICR_ASSIGN_OR_RETURN(snapshotter::AgentResult agent,
                        snapshotter::RunSnapshotAgent(k8s, config, io));
  SnapshotResult result;
  result.run_id = agent.run_id;
  result.warnings = agent.warnings;
  for (const std::string& w : agent.warnings) {
    log::Warn(w, {{"run-id", agent.run_id}});
  }
  Result<Value> doc = serialize::ParseYaml(agent.document);
  if (!doc.ok()) {
    return doc.status().WithContext("agent snapshot");
  }
  Result<measurement::Snapshot> snap = measurement::DecodeSnapshot(*doc);
  if (!snap.ok()) {
    return snap.status().WithContext("agent snapshot");
  }
  result.snapshot = std::move(snap).value();
  if (request.require_gpu && !HasGpuCount(result.snapshot)) {
    return NotFoundError(
        "snapshot: --require-gpu: the agent found no GPU (no GPU measurement "
        "with gpu-count > 0) on node \"" +
        result.snapshot.metadata["source-node"] + "\"");
  }
  if (serialize::IsConfigMapUri(request.output)) {
    result.format = agent.format.empty() ? config.format : agent.format;
    result.document = std::move(agent.document);
    result.delivered = true;
    return result;
  }
  const std::string format = request.format.empty() ? "yaml" : request.format;
  if (format == "yaml" && request.template_path.empty()) {
    // The agent's bytes, verbatim.
    result.format = format;
    result.document = std::move(agent.document);
    return result;
  }
  AICR_RETURN_IF_ERROR(RenderInto(request, result));
  return result;
}

}  // namespace

std::optional<std::string> NormalizeSnapshotOs(std::string_view os) {
  const std::string v = Lower(Trim(os));
  if (v.empty()) {
    return v;
  }
  for (std::string_view known : kSnapshotOsValues) {
    if (v == known) {
      return v;
    }
  }
  return std::nullopt;
}

std::string DefaultAgentImage(std::string_view version) {
  std::string v(version);
  if (v.empty() || v == "dev" || v.find("-next") != std::string::npos) {
    return std::string(kAgentImageRepository) + ":latest";
  }
  if (v.front() != 'v') {
    v = "v" + v;
  }
  return std::string(kAgentImageRepository) + ":" + v;
}

Status ValidateSnapshotRequest(const SnapshotRequest& request) {
  const std::string format = request.format.empty() ? "yaml" : request.format;
  if (format != "yaml" && format != "json" && format != "table") {
    return InvalidRequestError("--format \"" + request.format +
                               "\": must be one of yaml, json, table");
  }
  if (!request.template_path.empty() && format != "yaml") {
    return InvalidRequestError("--template requires --format yaml (got " + format + ")");
  }
  const bool cm = serialize::IsConfigMapUri(request.output);
  if (cm) {
    AICR_ASSIGN_OR_RETURN(const serialize::ConfigMapRef ref,
                          serialize::ParseConfigMapUri(request.output));
    if (format == "table") {
      return InvalidRequestError("--output " + request.output +
                                 ": table format cannot be written to a ConfigMap");
    }
    if (!request.template_path.empty()) {
      return InvalidRequestError("--output " + request.output +
                                 ": --template output cannot be written to a ConfigMap");
    }
    if (request.mode == SnapshotMode::kDeploy && ref.ns != request.agent.ns) {
      return InvalidRequestError("--output " + request.output + ": the namespace \"" + ref.ns +
                                 "\" must equal --namespace \"" + request.agent.ns +
                                 "\" (the agent's Role is namespaced)");
    }
  }
  if (request.max_nodes_per_entry < 0) {
    return InvalidRequestError("--max-nodes-per-entry must not be negative");
  }
  if (request.mode == SnapshotMode::kAgent) {
    return OkStatus();  // the pod's settings were checked by the CLI that deployed it
  }
  if (!NormalizeSnapshotOs(request.os).has_value()) {
    return InvalidRequestError("--os \"" + request.os +
                               "\": must be one of ubuntu, rhel, cos, amazonlinux, ol, talos");
  }
  if (request.mode == SnapshotMode::kLocal) {
    return OkStatus();
  }
  const snapshotter::AgentConfig& a = request.agent;
  if (request.require_gpu && !a.runtime_class.empty()) {
    return InvalidRequestError("--require-gpu and --runtime-class are mutually exclusive");
  }
  if (!serialize::IsDns1123Label(a.ns)) {
    return InvalidRequestError("--namespace \"" + a.ns + "\": must be a DNS-1123 label");
  }
  if (a.job_name.empty()) {
    return InvalidRequestError("--job-name must not be empty");
  }
  if (a.service_account_name.empty()) {
    return InvalidRequestError("--service-account-name must not be empty");
  }
  if (a.timeout.count() <= 0) {
    return InvalidRequestError("--timeout must be positive");
  }
  return OkStatus();
}

Result<SnapshotResult> TakeSnapshot(const Client& client, const SnapshotRequest& request) {
  AICR_RETURN_IF_ERROR(ValidateSnapshotRequest(request));
  // Operator-supplied dumps fail the command before any collection or deploy.
  AICR_ASSIGN_OR_RETURN(std::vector<measurement::Subtype> projections, Projections(request));
  AICR_RETURN_IF_ERROR(request.cancel.Check());
  Result<SnapshotResult> result = InternalError("unknown snapshot mode");
  switch (request.mode) {
    case SnapshotMode::kLocal:
      result = TakeLocal(request);
      break;
    case SnapshotMode::kAgent:
      result = TakeAgent(client, request);
      break;
    case SnapshotMode::kDeploy:
      result = TakeDeployed(request);
      break;
  }
  if (!result.ok() || projections.empty()) {
    return result;
  }
  // Merged controller-side: the document is rendered again, and a delivered
  // ConfigMap rewritten with it.
  for (measurement::Subtype& s : projections) {
    AttachK8sSubtype(result->snapshot, std::move(s));
  }
  AICR_RETURN_IF_ERROR(RenderInto(request, *result));
  if (result->delivered) {
    AICR_RETURN_IF_ERROR(WriteAgentConfigMap(client, request, *result));
  }
  return result;
}

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
          Lower(StringField(*nvidia, "managementMode")) != "unmanaged") {
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
    if (Lower(StringField(addon, "name")) != "nvidiagpuplugin" || plugin != "absent") {
      continue;
    }
    const std::string state = Lower(StringField(addon, "lifecycle-state"));
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

Status WriteSnapshotOutput(const Client& client, const SnapshotRequest& request,
                           const SnapshotResult& result, std::ostream* stdout_stream) {
  if (result.delivered) {
    return OkStatus();
  }
  serialize::OutputOptions out;
  out.kind = std::string(measurement::kSnapshotKind);
  out.format = result.format;
  auto version = result.snapshot.metadata.find("version");
  out.version = version != result.snapshot.metadata.end() ? version->second : "";
  out.cancel = request.cancel;
  out.configmaps = client.configmaps();
  out.stdout_stream = stdout_stream;
  if (request.clock != nullptr) {
    out.clock = request.clock;
  }
  return serialize::WriteOutput(request.output, result.document, out);
}

Result<std::string> WriteSnapshotRbac(const SnapshotRequest& request, std::string_view sa,
                                      std::string_view dir) {
  if (Trim(sa).empty()) {
    return InvalidRequestError("--add-roles-to-service-account must name a service account");
  }
  if (!serialize::IsDns1123Subdomain(sa)) {
    return InvalidRequestError("--add-roles-to-service-account \"" + std::string(sa) +
                               "\": not a valid service account name");
  }
  const Clock& clock = request.clock != nullptr ? *request.clock : Clock::Real();
  const std::string run_id = snapshotter::NewRunId(clock, request.random_hex);
  snapshotter::AgentConfig config = AgentConfigFor(request);
  return snapshotter::WriteServiceAccountRbac(config, sa, dir, run_id);
}

Result<std::string> RenderSnapshot(const measurement::Snapshot& snapshot, std::string_view format) {
  if (format.empty() || format == "yaml") {
    return serialize::WriteYaml(measurement::EncodeSnapshot(snapshot));
  }
  if (format == "json") {
    return serialize::WriteJson(measurement::EncodeSnapshot(snapshot));
  }
  if (format == "table") {
    return RenderSnapshotTable(snapshot);
  }
  return InvalidRequestError("unknown format \"" + std::string(format) +
                             "\": must be one of yaml, json, table");
}

std::string RenderSnapshotTable(const measurement::Snapshot& snapshot) {
  std::vector<std::vector<std::string>> header = {{"KIND", Cell(snapshot.kind)},
                                                  {"API VERSION", Cell(snapshot.api_version)}};
  for (const auto& [k, v] : snapshot.metadata) {
    std::string key = Lower(k);
    std::transform(key.begin(), key.end(), key.begin(), [](char c) {
      return c == '-' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    });
    header.push_back({key, Cell(v)});
  }
  std::vector<std::vector<std::string>> rows = {{"TYPE", "SUBTYPE", "KEY", "VALUE"}};
  for (const measurement::Measurement& m : snapshot.measurements) {
    if (m.subtypes.empty()) {
      rows.push_back({m.type, "-", "-", "-"});
    }
    for (const measurement::Subtype& s : m.subtypes) {
      for (const auto& [k, v] : s.context) {
        rows.push_back({m.type, s.name, "@" + k, Cell(v)});
      }
      for (const auto& [k, r] : s.data) {
        rows.push_back({m.type, s.name, k, Cell(r.String())});
      }
      for (std::size_t i = 0; i < s.items.size(); ++i) {
        const measurement::Item& item = s.items[i];
        const std::string prefix = "[" + std::to_string(i) + "]";
        for (const auto& [k, v] : item.context) {
          rows.push_back({m.type, s.name, prefix + "@" + k, Cell(v)});
        }
        for (const auto& [k, r] : item.data) {
          rows.push_back({m.type, s.name, prefix + k, Cell(r.String())});
        }
      }
      if (s.context.empty() && s.data.empty() && s.items.empty()) {
        rows.push_back({m.type, s.name, "-", "-"});
      }
    }
  }
  return RenderRows(header) + "\n" + RenderRows(rows);
}

Value SnapshotTemplateDot(const measurement::Snapshot& snapshot) {
  Value dot = Value::EmptyMapping();
  dot.Set("Kind", snapshot.kind);
  dot.Set("APIVersion", snapshot.api_version);
  dot.Set("Metadata", StringMapValue(snapshot.metadata));
  Value measurements = Value::EmptySequence();
  for (const measurement::Measurement& m : snapshot.measurements) {
    Value mv = Value::EmptyMapping();
    mv.Set("Type", m.type);
    Value subtypes = Value::EmptySequence();
    for (const measurement::Subtype& s : m.subtypes) {
      Value sv = Value::EmptyMapping();
      sv.Set("Name", s.name);
      sv.Set("Data", ReadingMap(s.data));
      sv.Set("Context", StringMapValue(s.context));
      Value items = Value::EmptySequence();
      for (const measurement::Item& item : s.items) {
        Value iv = Value::EmptyMapping();
        iv.Set("Context", StringMapValue(item.context));
        iv.Set("Data", ReadingMap(item.data));
        items.Append(std::move(iv));
      }
      sv.Set("Items", std::move(items));
      subtypes.Append(std::move(sv));
    }
    mv.Set("Subtypes", std::move(subtypes));
    measurements.Append(std::move(mv));
  }
  dot.Set("Measurements", std::move(measurements));
  return dot;
}

Result<std::string> RenderSnapshotTemplate(std::string_view path,
                                           const measurement::Snapshot& snapshot) {
  Result<std::string> text = serialize::ReadLocalFile(std::string(path), limits::kMaxDataFileBytes);
  if (!text.ok()) {
    return Status(text.status().code() == ErrorCode::kNotFound ? ErrorCode::kInvalidRequest
                                                               : text.status().code(),
                  text.status().message())
        .WithContext("--template");
  }
  std::string name(path);
  const std::size_t slash = name.rfind('/');
  if (slash != std::string::npos) {
    name = name.substr(slash + 1);
  }
  return gotemplate::Render(name, *text, SnapshotTemplateDot(snapshot));
}

Result<SnapshotConfig> DecodeSnapshotConfig(const Value& snapshot) {
  SnapshotConfig cfg;
  if (snapshot.is_null()) {
    return cfg;
  }
  const std::string root = kRoot;
  AICR_RETURN_IF_ERROR(CheckKeys(snapshot, root, {"output", "agent", "execution"}));
  if (const Value* out = snapshot.Find("output"); out != nullptr && !out->is_null()) {
    const std::string path = root + ".output";
    AICR_RETURN_IF_ERROR(CheckKeys(*out, path, {"path", "format", "template"}));
    AICR_ASSIGN_OR_RETURN(cfg.output_path, Text(*out, "path", path));
    AICR_ASSIGN_OR_RETURN(cfg.output_format, Text(*out, "format", path));
    AICR_ASSIGN_OR_RETURN(cfg.output_template, Text(*out, "template", path));
    if (!cfg.output_format.empty() && cfg.output_format != "yaml" && cfg.output_format != "json" &&
        cfg.output_format != "table") {
      return InvalidRequestError("config " + path + ".format: \"" + cfg.output_format +
                                 "\" is not one of yaml, json, table");
    }
  }
  if (const Value* agent = snapshot.Find("agent"); agent != nullptr && !agent->is_null()) {
    const std::string path = root + ".agent";
    AICR_RETURN_IF_ERROR(CheckKeys(
        *agent, path,
        {"namespace", "image", "imagePullSecrets", "jobName", "serviceAccountName", "nodeSelector",
         "tolerations", "requireGpu", "runtimeClassName", "os", "requests", "limits"}));
    AICR_ASSIGN_OR_RETURN(cfg.ns, Text(*agent, "namespace", path));
    AICR_ASSIGN_OR_RETURN(cfg.image, Text(*agent, "image", path));
    AICR_ASSIGN_OR_RETURN(cfg.image_pull_secrets, List(*agent, "imagePullSecrets", path));
    AICR_ASSIGN_OR_RETURN(cfg.job_name, Text(*agent, "jobName", path));
    AICR_ASSIGN_OR_RETURN(cfg.service_account_name, Text(*agent, "serviceAccountName", path));
    AICR_ASSIGN_OR_RETURN(cfg.node_selector, StringMap(*agent, "nodeSelector", path));
    AICR_ASSIGN_OR_RETURN(const auto tolerations, List(*agent, "tolerations", path));
    if (tolerations.has_value()) {
      std::vector<snapshotter::Toleration> parsed;
      for (std::size_t i = 0; i < tolerations->size(); ++i) {
        Result<snapshotter::Toleration> t = snapshotter::ParseToleration((*tolerations)[i]);
        if (!t.ok()) {
          return t.status().WithContext("config " + path + ".tolerations[" + std::to_string(i) +
                                        "]");
        }
        parsed.push_back(std::move(t).value());
      }
      cfg.tolerations = std::move(parsed);
    }
    AICR_ASSIGN_OR_RETURN(cfg.require_gpu, Bool(*agent, "requireGpu", path));
    AICR_ASSIGN_OR_RETURN(cfg.runtime_class, Text(*agent, "runtimeClassName", path));
    AICR_ASSIGN_OR_RETURN(cfg.os, Text(*agent, "os", path));
    if (!NormalizeSnapshotOs(cfg.os).has_value()) {
      return InvalidRequestError("config " + path + ".os: \"" + cfg.os +
                                 "\" is not one of ubuntu, rhel, cos, amazonlinux, ol, talos");
    }
    AICR_ASSIGN_OR_RETURN(cfg.requests, Resources(*agent, "requests", path));
    AICR_ASSIGN_OR_RETURN(cfg.limits, Resources(*agent, "limits", path));
  }
  if (const Value* exec = snapshot.Find("execution"); exec != nullptr && !exec->is_null()) {
    const std::string path = root + ".execution";
    AICR_RETURN_IF_ERROR(
        CheckKeys(*exec, path, {"timeout", "noCleanup", "privileged", "maxNodesPerEntry"}));
    AICR_ASSIGN_OR_RETURN(cfg.timeout, Text(*exec, "timeout", path));
    AICR_ASSIGN_OR_RETURN(cfg.no_cleanup, Bool(*exec, "noCleanup", path));
    AICR_ASSIGN_OR_RETURN(cfg.privileged, Bool(*exec, "privileged", path));
    if (const Value* n = exec->Find("maxNodesPerEntry"); n != nullptr && !n->is_null()) {
      const std::int64_t* i = n->if_int();
      if (i == nullptr || *i < 0 || *i > 1'000'000) {
        return InvalidRequestError("config " + path +
                                   ".maxNodesPerEntry: expected a non-negative integer");
      }
      cfg.max_nodes_per_entry = static_cast<int>(*i);
    }
  }
  return cfg;
}

}  // namespace aicr::client
