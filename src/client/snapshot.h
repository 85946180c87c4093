#pragma once

/// \file
/// Facade: taking snapshots (`aicr snapshot`) in its three modes.
///
///  - deploy (the default): the snapshot agent Job is deployed into the cluster
///    (snapshotter::RunSnapshotAgent), its ConfigMap read back and rendered;
///  - agent: what the agent pod runs (`AICR_AGENT_MODE=true`): host collectors
///    plus the `k8s` and `topology` cluster collectors with the pod's Kubernetes
///    client; a `cm://` output is written by server-side apply. With OS `talos`
///    the host `os` and `systemd` collectors are replaced by the Talos ones, which
///    read the agent node's Node object (collector/talos);
///  - local (`--local`): the host collectors only, no cluster (so not `talos`).
///
/// Every mode produces the same Snapshot document; the formats are `yaml`
/// (canonical; in deploy mode the agent's bytes verbatim), `json`, `table` (a
/// readable layout that is not read back, see RenderSnapshotTable) and, with
/// `template_path`, a Go template rendered over the document (yaml only).

#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "base/cancel.h"
#include "base/clock.h"
#include "base/env.h"
#include "base/result.h"
#include "base/status.h"
#include "client/client.h"
#include "measurement/snapshot.h"
#include "serialize/value.h"
#include "snapshotter/agent.h"

namespace aicr::client {

enum class SnapshotMode {
  kDeploy,  ///< deploy the agent Job and read its result back
  kAgent,   ///< in the agent pod: collect locally and in-cluster, write the result
  kLocal,   ///< host collectors only, no cluster
};

/// The OS values `--os` / AICR_OS accept.
inline constexpr std::string_view kSnapshotOsValues[] = {"ubuntu",      "rhel", "cos",
                                                         "amazonlinux", "ol",   "talos"};

/// Everything `aicr snapshot` asks for, already parsed and validated by the adapter
/// (see ValidateSnapshotRequest).
struct SnapshotRequest {
  SnapshotMode mode = SnapshotMode::kDeploy;
  /// The agent (deploy mode). `agent.output_configmap` and `agent.format` are set
  /// from `output` and `format` by TakeSnapshot.
  snapshotter::AgentConfig agent;
  /// `-o`: "" or `-` = stdout, a file, or `cm://ns/name`.
  std::string output;
  std::string format = "yaml";  ///< yaml | json | table
  std::string template_path;    ///< `--template` (yaml format only)
  /// Topology node lists (0 = unlimited). In agent mode, when 0, the
  /// AICR_MAX_NODES_PER_ENTRY environment variable (invalid -> 0).
  int max_nodes_per_entry = 0;
  /// `--os` (deploy: validated, passed to the pod; agent: AICR_OS, lower-cased and
  /// trimmed, an unknown value is a warning).
  std::string os;
  bool require_gpu = false;
  /// `--kubeconfig`; "" = KUBECONFIG, in-cluster, ~/.kube/config.
  std::string kubeconfig;
  CancelToken cancel;

  // Deploy mode: where the run talks to the user.
  std::ostream* progress = nullptr;  ///< progress lines; null = silent
  bool progress_is_tty = false;
  std::ostream* agent_log = nullptr;  ///< agent logs on failure; null = discarded

  // Seams (tests).
  EnvLookup env;                            ///< null = ProcessEnv()
  std::string root = "/";                   ///< host filesystem root of the collectors
  const Clock* clock = nullptr;             ///< null = Clock::Real()
  std::function<std::string()> random_hex;  ///< run-id suffix; null = random
  /// Collectors to run (agent and local modes); empty = all. Tests narrow it.
  std::vector<std::string> collectors;

  /// `--aks-gpu-pools`: an `az aks nodepool list -o json` dump, projected into the
  /// K8s subtype `aks-gpu-pools` (ProjectAksGpuPools) before anything else runs.
  std::string aks_gpu_pools_path;
  /// `--oke-addons`: an `oci ce cluster list-addons ... --output json` dump,
  /// projected into the K8s subtype `oke-addons` (ProjectOkeAddons).
  std::string oke_addons_path;
  /// `--gke-gpu-pools`: a `gcloud container node-pools list --format=json` dump,
  /// projected into the K8s subtype `gke-gpu-pools` (ProjectGkeGpuPools).
  std::string gke_gpu_pools_path;
};

/// A taken snapshot.
struct SnapshotResult {
  /// The rendered bytes in the requested format (or the template's output).
  std::string document;
  std::string format;
  /// The snapshot was already written to `request.output` (a `cm://` target that the
  /// agent or the agent-mode writer filled); the caller writes nothing.
  bool delivered = false;
  /// The parsed snapshot.
  measurement::Snapshot snapshot;
  std::string run_id;  ///< deploy mode
  std::vector<std::string> warnings;
};

/// Checks what the adapter cannot check flag by flag: format, template with yaml,
/// table to `cm://`, `--os` value (not in agent mode; `talos` not in local mode,
/// whose OS data would come from the cluster), require-gpu with a runtime
/// class, a delivered `cm://` output whose namespace differs from the agent
/// namespace, quantities and tolerations already parsed. INVALID_REQUEST naming the
/// flag.
Status ValidateSnapshotRequest(const SnapshotRequest& request);

/// Takes a snapshot in `request.mode` (see the file comment). In agent mode a
/// `cm://` output is written here (`delivered`); in deploy mode a `cm://` output is
/// the agent's own target (`delivered`). Errors: those of ValidateSnapshotRequest,
/// the Kubernetes connection (deploy), RunSnapshotAgent's (UNAUTHORIZED, NOT_FOUND,
/// INTERNAL, TIMEOUT, CANCELED), snapshotter::Measure's, the template's, and the
/// ConfigMap write's.
Result<SnapshotResult> TakeSnapshot(const Client& client, const SnapshotRequest& request);

/// Writes a result that is not `delivered` to `request.output`: stdout
/// (`stdout_stream`, null = file descriptor 1), a file (atomically) or `cm://`.
Status WriteSnapshotOutput(const Client& client, const SnapshotRequest& request,
                           const SnapshotResult& result, std::ostream* stdout_stream = nullptr);

/// `--add-roles-to-service-account <sa>`: renders the RBAC for `sa` into
/// `<dir>/snapshot-rbac-<run-id>/` without contacting a cluster and returns the
/// directory. CONFLICT when it exists.
Result<std::string> WriteSnapshotRbac(const SnapshotRequest& request, std::string_view sa,
                                      std::string_view dir);

/// The agent image for a CLI version: `ghcr.io/nvidia/aicr:v<version>`, or
/// `:latest` for development builds (`dev`, empty, or a `-next` version).
std::string DefaultAgentImage(std::string_view version);

/// Serializes a snapshot as yaml, json or table.
Result<std::string> RenderSnapshot(const measurement::Snapshot& snapshot, std::string_view format);

/// The table layout: a header block (`KIND`, `API VERSION`, then each metadata
/// key), then one row per reading with columns TYPE, SUBTYPE, KEY, VALUE, in
/// document order (items as `KEY[i]`, context entries as `@KEY`). For reading by
/// people; it is not a format aicr reads back.
std::string RenderSnapshotTable(const measurement::Snapshot& snapshot);

/// The dot a `--template` sees: Go field names of the Snapshot document —
/// `Kind`, `APIVersion`, `Metadata` (map), `Measurements` (list of `Type`,
/// `Subtypes` (list of `Name`, `Data` (map of scalars), `Context` (map), `Items`
/// (list of `Context`, `Data`))).
serialize::Value SnapshotTemplateDot(const measurement::Snapshot& snapshot);

/// Renders the template file at `path` over SnapshotTemplateDot. INVALID_REQUEST
/// for a missing or oversized file or a template error.
Result<std::string> RenderSnapshotTemplate(std::string_view path,
                                           const measurement::Snapshot& snapshot);

/// `spec.snapshot` of the `--config` file. Absent fields are empty / nullopt; a
/// CLI flag always wins, and a list or map flag replaces the config value.
struct SnapshotConfig {
  std::string output_path;                                     ///< output.path
  std::string output_format;                                   ///< output.format
  std::string output_template;                                 ///< output.template
  std::string ns;                                              ///< agent.namespace
  std::string image;                                           ///< agent.image
  std::optional<std::vector<std::string>> image_pull_secrets;  ///< agent.imagePullSecrets
  std::string job_name;                                        ///< agent.jobName
  std::string service_account_name;                            ///< agent.serviceAccountName
  /// agent.nodeSelector; an explicit `{}` clears the default selection.
  std::optional<std::map<std::string, std::string>> node_selector;
  /// agent.tolerations (`k=v:effect`), parsed; an explicit `[]` clears the default.
  std::optional<std::vector<snapshotter::Toleration>> tolerations;
  std::optional<bool> require_gpu;  ///< agent.requireGpu
  std::string runtime_class;        ///< agent.runtimeClassName
  std::string os;                   ///< agent.os
  /// agent.requests / agent.limits: a `cpu=500m,...` string or a name -> quantity map.
  std::optional<std::map<std::string, std::string>> requests;
  std::optional<std::map<std::string, std::string>> limits;
  std::string timeout;             ///< execution.timeout (a duration, parsed by the adapter)
  std::optional<bool> no_cleanup;  ///< execution.noCleanup
  std::optional<bool> privileged;  ///< execution.privileged (tri-state)
  std::optional<int> max_nodes_per_entry;  ///< execution.maxNodesPerEntry
};

/// Decodes `spec.snapshot` (null -> empty). INVALID_REQUEST naming the spec path
/// (`config spec.snapshot.agent.tolerations[1]: ...`) for an unknown field, a wrong
/// type, a bad toleration, quantity, OS or format.
Result<SnapshotConfig> DecodeSnapshotConfig(const serialize::Value& snapshot);

/// The agent-mode warning of a snapshot without GPU data (no GPU subtype with
/// `gpu-count` > 0 or `gpu-present` true) from a cluster whose topology has a
/// label key starting `nvidia.com/gpu.present` or `nvidia.com/gpu.product`: the
/// agent likely ran on a non-GPU node. nullopt otherwise.
std::optional<std::string> NonGpuNodeWarning(const measurement::Snapshot& snapshot);

/// Reads an operator-supplied provider dump: opened without following a symlink,
/// a regular file of at most 1 MiB. INVALID_REQUEST naming `what` and the path
/// otherwise (any problem fails the command; it is never a missing reading).
Result<std::string> ReadProviderDump(const std::string& path, std::string_view what);

/// Projects an `az aks nodepool list -o json` array into the K8s subtype
/// `aks-gpu-pools`. NVIDIA GPU pools are those whose vmSize starts with
/// Standard_NC, Standard_ND or Standard_NV (any case) and does not contain
/// `_mi300x`, `_mi325x`, `_v620` or `_v710` (AMD). A pool's mode: `Install` when it
/// has no gpuProfile (the provider default); `Managed` when gpuProfile.nvidia is
/// present with a managementMode other than Unmanaged; else gpuProfile.driver
/// verbatim (`Install`, `None`, ...; `Install` when empty). Data: `gpu-pool-count`
/// (int), and with at least one pool `gpu-pools` (`name=mode`, sorted,
/// comma-joined) and `gpu-driver` (the shared mode, or `Mixed`).
/// INVALID_REQUEST for anything but a JSON array of objects.
Result<measurement::Subtype> ProjectAksGpuPools(std::string_view json_text);

/// Projects an `oci ce cluster list-addons --all --output json` object (`data`:
/// list of add-ons with `name` and `lifecycle-state`) into the K8s subtype
/// `oke-addons`: `addon-count` (int) and `nvidia-gpu-plugin`: `installed` (the
/// NvidiaGpuPlugin add-on is ACTIVE), `absent` (not listed) or `addon-<state>`
/// (lower-cased, any other state). INVALID_REQUEST without a `data` list.
Result<measurement::Subtype> ProjectOkeAddons(std::string_view json_text);

/// Projects a `gcloud container node-pools list --cluster <cluster> --format=json`
/// array into the K8s subtype `gke-gpu-pools`. GPU pools are those with a
/// non-empty `config.accelerators` list; an accelerator's state comes from
/// `gpuDriverInstallationConfig.gpuDriverVersion`: `Disabled`
/// (INSTALLATION_DISABLED), `Installed` (DEFAULT, LATEST,
/// GPU_DRIVER_VERSION_UNSPECIFIED, empty or absent: the provider installs the
/// driver) or the value verbatim; a pool whose accelerators disagree is `Mixed`.
/// Data: `gpu-pool-count` (int), and with at least one GPU pool `gpu-pools`
/// (`name=state`, sorted, comma-joined) and `gpu-driver-installation` (the shared
/// state, or `Mixed`). Unknown fields are ignored; null counts as absent.
/// INVALID_REQUEST for JSON null, anything but an array of objects, or a known
/// field of the wrong type (the message names its position).
Result<measurement::Subtype> ProjectGkeGpuPools(std::string_view json_text);

/// Adds `subtype` to the K8s measurement of `snapshot` (created first in order
/// when absent), replacing a subtype of the same name.
void AttachK8sSubtype(measurement::Snapshot& snapshot, measurement::Subtype subtype);

/// Normalizes an AICR_OS / `--os` value (lower-cased, trimmed); nullopt when it is
/// not one of kSnapshotOsValues ("" stays "").
std::optional<std::string> NormalizeSnapshotOs(std::string_view os);

}  // namespace aicr::client
