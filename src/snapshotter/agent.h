#pragma once

/// \file
/// The snapshot agent: `aicr snapshot` against a cluster deploys a one-shot Job
/// that runs this same binary in agent mode on a node, waits for it by watch,
/// reads the snapshot back from a ConfigMap and removes exactly the objects this
/// run created.
///
/// Sequence (RunSnapshotAgent): run id -> read-only pre-flight permission gate
/// (every missing permission reported at once, UNAUTHORIZED) -> runtime class
/// check -> namespace (created or labelled, never deleted) -> ServiceAccount,
/// Role, RoleBinding, ClusterRole, ClusterRoleBinding (prefix mode only) and Job,
/// each create recorded as (kind, namespace, name, uid) -> watch the Job until it
/// completes, fails (agent logs to `AgentIo::log`, INTERNAL) or `timeout` passes
/// (TIMEOUT) -> read the ConfigMap -> cleanup of the recorded objects with uid
/// preconditions (also on every failure path and on cancellation, with a fresh
/// 30 s budget), unless `no_cleanup`.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/cancel.h"
#include "base/clock.h"
#include "base/result.h"
#include "base/status.h"
#include "k8s/client.h"
#include "serialize/value.h"

namespace aicr::snapshotter {

/// One `--toleration`: `key=value:effect` (operator Equal) or `key:effect`
/// (operator Exists). An empty key with operator Exists tolerates everything.
struct Toleration {
  std::string key;
  std::string op;  ///< Equal | Exists
  std::string value;
  std::string effect;  ///< NoSchedule | PreferNoSchedule | NoExecute | "" (all)
  friend bool operator==(const Toleration&, const Toleration&) = default;
};

/// Parses a `--toleration` value. INVALID_REQUEST for a bad shape or an effect
/// outside NoSchedule|PreferNoSchedule|NoExecute.
Result<Toleration> ParseToleration(std::string_view text);

/// Parses `--requests`/`--limits` (`cpu=500m,memory=1Gi,...`). INVALID_REQUEST on
/// a malformed entry, an empty name or a quantity that is not a Kubernetes quantity.
Result<std::map<std::string, std::string>> ParseResourceList(std::string_view text);

/// Everything `aicr snapshot` configures about the agent (flags, `--config`
/// spec.snapshot, environment twins), already validated by the adapter.
struct AgentConfig {
  std::string ns = "default";
  std::string image;  ///< ghcr.io/nvidia/aicr:<version> unless given
  std::vector<std::string> image_pull_secrets;
  std::string job_name = "aicr";              ///< prefix
  std::string service_account_name = "aicr";  ///< prefix, or exact when it exists
  /// Whether --service-account-name was given (an unset flag is never probed).
  bool service_account_name_set = false;
  /// nullopt = default selection (`nvidia.com/gpu.present=true` unless require_gpu
  /// or runtime_class); an empty map = no selector.
  std::optional<std::map<std::string, std::string>> node_selector;
  /// nullopt = tolerate everything (`{operator: Exists}`); empty = none.
  std::optional<std::vector<Toleration>> tolerations;
  std::chrono::milliseconds timeout = std::chrono::minutes(5);
  bool no_cleanup = false;
  bool privileged = true;
  bool require_gpu = false;
  std::string runtime_class;
  std::string os;                                              ///< AICR_OS in the pod; "" = unset
  std::optional<std::map<std::string, std::string>> requests;  ///< nullopt = built-in
  std::optional<std::map<std::string, std::string>> limits;    ///< nullopt = built-in
  int max_nodes_per_entry = 0;
  /// `cm://ns/name` the user asked for (a delivered object: the pod writes there,
  /// it is never deleted; its namespace must equal `ns`). "" = a staging
  /// ConfigMap `aicr-agent-snapshot-<run-id>`, deleted at cleanup.
  std::string output_configmap;
  /// Format the agent writes: yaml | json | table.
  std::string format = "yaml";
  bool debug = false;     ///< the pod runs `aicr --debug --log-json snapshot ...`
  bool log_json = false;  ///< with debug
};

/// Where the agent run talks to the user.
struct AgentIo {
  /// Progress lines (`waiting for job ... (12s)`); a TTY gets one rewritten
  /// line. Null = silent.
  std::ostream* progress = nullptr;
  bool progress_is_tty = false;
  /// Agent pod logs on failure, between `--- agent logs ---` markers. Null = discarded.
  std::ostream* log = nullptr;
  CancelToken cancel;
  /// Stamps the run id; null = Clock::Real().
  const Clock* clock = nullptr;
  /// The 16 hex characters of the run id; null = random.
  std::function<std::string()> random_hex;
};

/// What a finished agent run returns.
struct AgentResult {
  std::string run_id;
  /// The ConfigMap's `snapshot.<ext>` bytes, verbatim.
  std::string document;
  std::string format;  ///< the ConfigMap's `format` key
  std::vector<std::string> warnings;
};

/// `YYYYMMDD-HHMMSS-<16 hex>` (UTC).
std::string NewRunId(const Clock& clock, const std::function<std::string()>& random_hex);

/// `<prefix>-<run_id>`, the prefix cut to 63 - len(run_id) - 1 characters and
/// trailing `-` trimmed.
std::string RunScopedName(std::string_view prefix, std::string_view run_id);

/// The objects of one run, as they are sent to the API server.
struct AgentObjects {
  /// ServiceAccount, Role, RoleBinding, ClusterRole, ClusterRoleBinding (empty
  /// when an existing service account is used verbatim).
  std::vector<serialize::Value> rbac;
  serialize::Value job;
};

/// Renders the run's objects (pure; the golden tests pin them). `existing_sa` =
/// the service account exists and is used verbatim.
AgentObjects RenderAgentObjects(const AgentConfig& config, std::string_view run_id,
                                bool existing_sa);

/// `--add-roles-to-service-account <sa>`: writes 01-role.yaml, 02-rolebinding.yaml,
/// 03-clusterrole.yaml, 04-clusterrolebinding.yaml into `<dir>/snapshot-rbac-<run_id>/`
/// and returns that path. CONFLICT when it exists; no cluster contact.
Result<std::string> WriteServiceAccountRbac(const AgentConfig& config, std::string_view sa,
                                            std::string_view dir, std::string_view run_id);

/// Deploys the agent, waits, reads the snapshot and cleans up (see the file comment).
/// Errors: UNAUTHORIZED (pre-flight, every miss listed), NOT_FOUND (runtime class,
/// missing result key), INVALID_REQUEST (output namespace differs from `ns`),
/// INTERNAL (agent failed; logs written to io.log), TIMEOUT, CANCELED.
Result<AgentResult> RunSnapshotAgent(std::shared_ptr<const k8s::Client> client,
                                     const AgentConfig& config, const AgentIo& io);

// ---------------------------------------------------------------------------
// Helpers of the above, public for the CLI and the tests.

/// One RBAC rule the agent needs: an API group ("" = core), resources and verbs.
struct AgentRule {
  std::string group;
  std::vector<std::string> resources;
  std::vector<std::string> verbs;
};

/// The namespaced Role's rules (configmaps create/get/update/patch; pods get/list).
const std::vector<AgentRule>& AgentRoleRules();
/// The ClusterRole's rules (nodes, pods, ClusterPolicies, Slinky and MariaDB
/// objects, storage classes; read-only).
const std::vector<AgentRule>& AgentClusterRoleRules();

/// `aicr-agent-snapshot-<run_id>`: the staging ConfigMap of a run.
std::string StagingConfigMapName(std::string_view run_id);

/// `aicr-node-reader-<run_id>`: the ClusterRole and ClusterRoleBinding of a run.
std::string NodeReaderName(std::string_view run_id);

/// Where the pod writes: `config.output_configmap`, or `cm://<ns>/<staging name>`.
std::string AgentOutputTarget(const AgentConfig& config, std::string_view run_id);

/// Whether `quantity` is a Kubernetes resource quantity (`500m`, `2`, `1.5Gi`,
/// `1e3`); negative quantities are refused.
bool IsResourceQuantity(std::string_view quantity);

/// The four objects WriteServiceAccountRbac writes, in file order: Role,
/// RoleBinding (`aicr-agent-<sa>-rbac` in `config.ns`), ClusterRole and
/// ClusterRoleBinding (`aicr-agent-<ns>.<sa>-rbac`).
std::vector<serialize::Value> ServiceAccountRbacObjects(const AgentConfig& config,
                                                        std::string_view sa);

/// The objects as files `NN-<kind>.yaml` (rbac in order, then the Job), e.g.
/// `01-serviceaccount.yaml` ... `06-job.yaml`.
std::vector<std::pair<std::string, serialize::Value>> AgentObjectFiles(const AgentObjects& objects);

}  // namespace aicr::snapshotter
