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
#include "base/strings.h"
#include "base/version.h"
#include "collector/gpu/gpu_collector.h"
#include "collector/k8s/k8s_collector.h"
#include "collector/talos/talos_collector.h"
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

constexpr char kAgentImageRepository[] = "ghcr.io/nvidia/aicr";

/// The projections a request asks for, read and computed before anything runs.
Result<std::vector<measurement::Subtype>> Projections(const SnapshotRequest& request) {
  struct Dump {
    const std::string& path;
    std::string_view flag;
    Result<measurement::Subtype> (*project)(std::string_view);
  };
  const Dump dumps[] = {
      {request.aks_gpu_pools_path, "--aks-gpu-pools", ProjectAksGpuPools},
      {request.oke_addons_path, "--oke-addons", ProjectOkeAddons},
      {request.gke_gpu_pools_path, "--gke-gpu-pools", ProjectGkeGpuPools},
  };
  std::vector<measurement::Subtype> out;
  for (const Dump& d : dumps) {
    if (d.path.empty()) {
      continue;
    }
    AICR_ASSIGN_OR_RETURN(const std::string text, ReadProviderDump(d.path, d.flag));
    Result<measurement::Subtype> s = d.project(text);
    if (!s.ok()) {
      return s.status().WithContext(std::string(d.flag) + " \"" + d.path + "\"");
    }
    out.push_back(std::move(s).value());
  }
  return out;
}

// ---- modes ---------------------------------------------------------------------

bool IsGpuTopologyLabel(const std::string& key) {
  return key.rfind("nvidia.com/gpu.present", 0) == 0 || key.rfind("nvidia.com/gpu.product", 0) == 0;
}

bool HasGpuData(const measurement::Snapshot& snapshot) {
  const measurement::Measurement* gpu = snapshot.FindMeasurement("GPU");
  if (gpu == nullptr) {
    return false;
  }
  if (snapshotter::HasGpu(snapshot.measurements)) {
    return true;
  }
  for (const measurement::Subtype& s : gpu->subtypes) {
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

// Talos has no host OS tree or systemd to read: the GPU collector, and the OS and
// service collectors of collector/talos sharing one GET of the agent's Node.
Result<snapshotter::Registry> TalosHostCollectors(std::shared_ptr<const k8s::Client> k8s) {
  auto node = std::make_shared<const collector::talos::NodeSource>(std::move(k8s));
  snapshotter::Registry registry;
  AICR_RETURN_IF_ERROR(registry.Add(std::make_unique<collector::gpu::GpuCollector>()));
  AICR_RETURN_IF_ERROR(registry.Add(std::make_unique<collector::talos::TalosOsCollector>(node)));
  AICR_RETURN_IF_ERROR(
      registry.Add(std::make_unique<collector::talos::TalosServiceCollector>(node)));
  return registry;
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
  snapshotter::Registry registry;
  if (NormalizeSnapshotOs(os) == "talos") {
    AICR_ASSIGN_OR_RETURN(registry, TalosHostCollectors(k8s));
  } else {
    registry = snapshotter::BuiltinHostCollectors();
  }
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
  if (request.require_gpu && !snapshotter::HasGpu(result.snapshot.measurements)) {
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
  const std::string v = AsciiLower(Trim(os));
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
    if (NormalizeSnapshotOs(request.os) == "talos") {
      return InvalidRequestError(
          "--os talos cannot be used with --local: Talos OS and service data are read from "
          "the node's Kubernetes object, and --local has no cluster (run without --local to "
          "deploy the agent)");
    }
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

}  // namespace aicr::client
