// The pure half of the snapshot agent: run ids, run-scoped names, flag parsers
// and the rendering of the run's Kubernetes objects.

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/atomic_file.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "base/temp_dir.h"
#include "serialize/cm_uri.h"
#include "serialize/yaml_writer.h"
#include "snapshotter/agent.h"

namespace aicr::snapshotter {
namespace {

using serialize::Value;

constexpr std::string_view kRbacApiGroup = "rbac.authorization.k8s.io";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string RandomHex16() {
  std::random_device rd;
  std::mt19937_64 rng((static_cast<std::uint64_t>(rd()) << 32) ^ rd());
  static constexpr char kHex[] = "0123456789abcdef";
  const std::uint64_t bits = rng();
  std::string out(16, '0');
  for (int i = 0; i < 16; ++i) {
    out[static_cast<std::size_t>(i)] = kHex[(bits >> (4 * (15 - i))) & 0xf];
  }
  return out;
}

// A label key or toleration key: an optional DNS prefix and `/`, then a name of
// [A-Za-z0-9._-] that starts and ends alphanumeric (at most 63 characters).
bool IsQualifiedName(std::string_view s) {
  const std::size_t slash = s.rfind('/');
  std::string_view name = s;
  if (slash != std::string_view::npos) {
    const std::string_view prefix = s.substr(0, slash);
    if (prefix.empty() || prefix.size() > 253) {
      return false;
    }
    for (char c : prefix) {
      if (!(IsAlnum(c) || c == '.' || c == '-')) {
        return false;
      }
    }
    name = s.substr(slash + 1);
  }
  if (name.empty() || name.size() > 63 || !IsAlnum(name.front()) || !IsAlnum(name.back())) {
    return false;
  }
  for (char c : name) {
    if (!(IsAlnum(c) || c == '.' || c == '-' || c == '_')) {
      return false;
    }
  }
  return true;
}

// A label value: empty, or at most 63 of [A-Za-z0-9._-] with alphanumeric ends.
bool IsLabelValue(std::string_view s) {
  if (s.empty()) {
    return true;
  }
  if (s.size() > 63 || !IsAlnum(s.front()) || !IsAlnum(s.back())) {
    return false;
  }
  for (char c : s) {
    if (!(IsAlnum(c) || c == '.' || c == '-' || c == '_')) {
      return false;
    }
  }
  return true;
}

// <digits> | <digits>.<digits> | <digits>. | .<digits>, at position *i.
bool ConsumeNumber(std::string_view s, std::size_t* i) {
  std::size_t digits = 0;
  while (*i < s.size() && IsDigit(s[*i])) {
    ++*i;
    ++digits;
  }
  if (*i < s.size() && s[*i] == '.') {
    ++*i;
    while (*i < s.size() && IsDigit(s[*i])) {
      ++*i;
      ++digits;
    }
  }
  return digits > 0;
}

Value Labels(std::string_view run_id) {
  Value labels;
  labels.Set("app.kubernetes.io/component", "snapshot-agent");
  labels.Set("app.kubernetes.io/managed-by", "aicr");
  labels.Set("app.kubernetes.io/name", "aicr");
  if (!run_id.empty()) {
    labels.Set("aicr.run/run-id", std::string(run_id));
  }
  return labels;
}

Value Metadata(std::string_view name, std::string_view ns, const Value& labels) {
  Value meta;
  meta.Set("name", std::string(name));
  if (!ns.empty()) {
    meta.Set("namespace", std::string(ns));
  }
  meta.Set("labels", labels);
  return meta;
}

Value Object(std::string_view api_version, std::string_view kind, Value metadata) {
  Value o;
  o.Set("apiVersion", std::string(api_version));
  o.Set("kind", std::string(kind));
  o.Set("metadata", std::move(metadata));
  return o;
}

Value Strings(const std::vector<std::string>& items) {
  Value seq = Value::EmptySequence();
  for (const std::string& s : items) {
    seq.Append(s);
  }
  return seq;
}

Value Rule(const std::string& group, const std::vector<std::string>& resources,
           const std::vector<std::string>& verbs) {
  Value r;
  r.Set("apiGroups", Strings({group}));
  r.Set("resources", Strings(resources));
  r.Set("verbs", Strings(verbs));
  return r;
}

Value RoleObject(std::string_view name, std::string_view ns, const Value& labels) {
  Value role = Object(std::string(kRbacApiGroup) + "/v1", "Role", Metadata(name, ns, labels));
  Value rules = Value::EmptySequence();
  for (const AgentRule& r : AgentRoleRules()) {
    rules.Append(Rule(r.group, r.resources, r.verbs));
  }
  role.Set("rules", rules);
  return role;
}

Value ClusterRoleObject(std::string_view name, const Value& labels) {
  Value role =
      Object(std::string(kRbacApiGroup) + "/v1", "ClusterRole", Metadata(name, "", labels));
  Value rules = Value::EmptySequence();
  for (const AgentRule& r : AgentClusterRoleRules()) {
    rules.Append(Rule(r.group, r.resources, r.verbs));
  }
  role.Set("rules", rules);
  return role;
}

Value Binding(std::string_view kind, std::string_view name, std::string_view ns,
              const Value& labels, std::string_view role_kind, std::string_view role_name,
              std::string_view sa_ns, std::string_view sa) {
  Value b = Object(std::string(kRbacApiGroup) + "/v1", kind, Metadata(name, ns, labels));
  Value ref;
  ref.Set("apiGroup", std::string(kRbacApiGroup));
  ref.Set("kind", std::string(role_kind));
  ref.Set("name", std::string(role_name));
  b.Set("roleRef", ref);
  Value subject;
  subject.Set("kind", "ServiceAccount");
  subject.Set("name", std::string(sa));
  subject.Set("namespace", std::string(sa_ns));
  Value subjects = Value::EmptySequence();
  subjects.Append(subject);
  b.Set("subjects", subjects);
  return b;
}

Value ResourceMap(const std::map<std::string, std::string>& m) {
  Value out = Value::EmptyMapping();
  for (const auto& [k, v] : m) {
    out.Set(k, v);
  }
  return out;
}

Value EnvVar(std::string_view name, std::string_view value) {
  Value e;
  e.Set("name", std::string(name));
  e.Set("value", std::string(value));
  return e;
}

Value HostPathVolume(std::string_view name, std::string_view path, std::string_view type) {
  Value host;
  host.Set("path", std::string(path));
  host.Set("type", std::string(type));
  Value v;
  v.Set("name", std::string(name));
  v.Set("hostPath", host);
  return v;
}

Value Mount(std::string_view name, std::string_view path, bool read_only) {
  Value m;
  m.Set("name", std::string(name));
  m.Set("mountPath", std::string(path));
  if (read_only) {
    m.Set("readOnly", true);
  }
  return m;
}

Value RenderJob(const AgentConfig& config, std::string_view run_id, std::string_view sa_name) {
  const Value labels = Labels(run_id);
  Value job = Object("batch/v1", "Job",
                     Metadata(RunScopedName(config.job_name, run_id), config.ns, labels));

  // Container.
  Value container;
  container.Set("name", "aicr");
  container.Set("image", config.image);
  container.Set("command", Strings({"aicr"}));
  std::vector<std::string> args;
  if (config.debug) {
    args = {"--debug", "--log-json"};
  }
  args.insert(args.end(), {"snapshot", "-o", AgentOutputTarget(config, run_id)});
  if (!config.format.empty() && config.format != "yaml") {
    args.insert(args.end(), {"-t", config.format});
  }
  container.Set("args", Strings(args));

  Value env = Value::EmptySequence();
  env.Append(EnvVar("AICR_AGENT_MODE", "true"));
  env.Append(EnvVar("AICR_LOG_PREFIX", "agent"));
  Value node_name;
  node_name.Set("name", "NODE_NAME");
  Value field_ref;
  field_ref.Set("fieldPath", "spec.nodeName");
  Value value_from;
  value_from.Set("fieldRef", field_ref);
  node_name.Set("valueFrom", value_from);
  env.Append(node_name);
  if (config.max_nodes_per_entry > 0) {
    env.Append(EnvVar("AICR_MAX_NODES_PER_ENTRY", std::to_string(config.max_nodes_per_entry)));
  }
  if (!config.os.empty()) {
    env.Append(EnvVar("AICR_OS", config.os));
  }
  if (!config.runtime_class.empty()) {
    env.Append(EnvVar("NVIDIA_VISIBLE_DEVICES", "all"));
  }
  container.Set("env", env);

  // Resources: the built-in defaults of the mode unless given.
  std::map<std::string, std::string> requests;
  std::map<std::string, std::string> limits;
  if (config.privileged) {
    requests = {{"cpu", "1"}, {"memory", "4Gi"}, {"ephemeral-storage", "2Gi"}};
    limits = {{"cpu", "2"}, {"memory", "8Gi"}, {"ephemeral-storage", "4Gi"}};
  } else {
    requests = {{"cpu", "100m"}, {"memory", "256Mi"}, {"ephemeral-storage", "256Mi"}};
    limits = {{"cpu", "500m"}, {"memory", "512Mi"}, {"ephemeral-storage", "512Mi"}};
  }
  if (config.requests.has_value()) {
    requests = *config.requests;
  }
  if (config.limits.has_value()) {
    limits = *config.limits;
  }
  if (config.require_gpu) {
    // An extended resource's request must equal its limit.
    constexpr const char* kGpu = "nvidia.com/gpu";
    std::string count = "1";
    if (auto it = limits.find(kGpu); it != limits.end()) {
      count = it->second;
    } else if (auto rit = requests.find(kGpu); rit != requests.end()) {
      count = rit->second;
    }
    limits[kGpu] = count;
    requests[kGpu] = count;
  }
  Value resources = Value::EmptyMapping();
  if (!limits.empty()) {
    resources.Set("limits", ResourceMap(limits));
  }
  if (!requests.empty()) {
    resources.Set("requests", ResourceMap(requests));
  }
  container.Set("resources", resources);

  // Security contexts.
  Value pod_security;
  Value container_security;
  if (config.privileged) {
    pod_security.Set("fsGroup", 0);
    pod_security.Set("fsGroupChangePolicy", "OnRootMismatch");
    pod_security.Set("runAsGroup", 0);
    pod_security.Set("runAsUser", 0);
    container_security.Set("allowPrivilegeEscalation", true);
    Value caps;
    caps.Set("add", Strings({"SYS_ADMIN", "SYS_CHROOT"}));
    container_security.Set("capabilities", caps);
    container_security.Set("privileged", true);
    container_security.Set("runAsGroup", 0);
    container_security.Set("runAsUser", 0);
  } else {
    Value seccomp;
    seccomp.Set("type", "RuntimeDefault");
    pod_security.Set("fsGroup", 65534);
    pod_security.Set("runAsGroup", 65534);
    pod_security.Set("runAsNonRoot", true);
    pod_security.Set("runAsUser", 65534);
    pod_security.Set("seccompProfile", seccomp);
    container_security.Set("allowPrivilegeEscalation", false);
    Value caps;
    caps.Set("drop", Strings({"ALL"}));
    container_security.Set("capabilities", caps);
    container_security.Set("privileged", false);
    container_security.Set("readOnlyRootFilesystem", true);
    container_security.Set("runAsGroup", 65534);
    container_security.Set("runAsNonRoot", true);
    container_security.Set("runAsUser", 65534);
    container_security.Set("seccompProfile", seccomp);
  }
  container.Set("securityContext", container_security);

  // Volumes.
  Value volumes = Value::EmptySequence();
  Value mounts = Value::EmptySequence();
  Value tmp;
  tmp.Set("name", "tmp");
  tmp.Set("emptyDir", Value::EmptyMapping());
  volumes.Append(tmp);
  mounts.Append(Mount("tmp", "/tmp", false));
  if (config.privileged && config.os != "talos") {
    volumes.Append(HostPathVolume("run-systemd", "/run/systemd", "Directory"));
    mounts.Append(Mount("run-systemd", "/run/systemd", true));
    volumes.Append(HostPathVolume("os-release", "/etc/os-release", "File"));
    mounts.Append(Mount("os-release", "/etc/os-release", true));
  }
  container.Set("volumeMounts", mounts);

  // Pod spec.
  Value pod;
  Value containers = Value::EmptySequence();
  containers.Append(container);
  pod.Set("containers", containers);
  if (config.privileged) {
    pod.Set("hostIPC", true);
    pod.Set("hostNetwork", true);
    pod.Set("hostPID", true);
  }
  if (!config.image_pull_secrets.empty()) {
    Value secrets = Value::EmptySequence();
    for (const std::string& s : config.image_pull_secrets) {
      Value ref;
      ref.Set("name", s);
      secrets.Append(ref);
    }
    pod.Set("imagePullSecrets", secrets);
  }
  std::map<std::string, std::string> selector;
  if (config.node_selector.has_value()) {
    selector = *config.node_selector;
  } else if (!config.require_gpu && config.runtime_class.empty()) {
    selector = {{"nvidia.com/gpu.present", "true"}};
  }
  if (!selector.empty()) {
    pod.Set("nodeSelector", ResourceMap(selector));
  }
  pod.Set("restartPolicy", "Never");
  if (!config.runtime_class.empty()) {
    pod.Set("runtimeClassName", config.runtime_class);
  }
  pod.Set("securityContext", pod_security);
  pod.Set("serviceAccountName", std::string(sa_name));
  Value tolerations = Value::EmptySequence();
  if (!config.tolerations.has_value()) {
    Value all;
    all.Set("operator", "Exists");
    tolerations.Append(all);
  } else {
    for (const Toleration& t : *config.tolerations) {
      Value v;
      if (!t.key.empty()) {
        v.Set("key", t.key);
      }
      v.Set("operator", t.op.empty() ? "Equal" : t.op);
      if (t.op != "Exists") {
        v.Set("value", t.value);
      }
      if (!t.effect.empty()) {
        v.Set("effect", t.effect);
      }
      tolerations.Append(v);
    }
  }
  if (tolerations.size() > 0) {
    pod.Set("tolerations", tolerations);
  }
  pod.Set("volumes", volumes);

  Value template_meta;
  template_meta.Set("labels", labels);
  Value pod_template;
  pod_template.Set("metadata", template_meta);
  pod_template.Set("spec", pod);

  Value spec;
  spec.Set("activeDeadlineSeconds", 18000);
  spec.Set("backoffLimit", 0);
  spec.Set("completionMode", "NonIndexed");
  spec.Set("completions", 1);
  spec.Set("parallelism", 1);
  spec.Set("template", pod_template);
  spec.Set("ttlSecondsAfterFinished", 3600);
  job.Set("spec", spec);
  return job;
}

std::string KindFileName(const Value& object) {
  const Value* kind = object.Find("kind");
  return kind != nullptr && kind->is_string() ? AsciiLower(*kind->if_string()) : "object";
}

}  // namespace

const std::vector<AgentRule>& AgentRoleRules() {
  static const std::vector<AgentRule> kRules = {
      {"", {"configmaps"}, {"create", "get", "update", "patch"}},
      {"", {"pods"}, {"get", "list"}},
  };
  return kRules;
}

const std::vector<AgentRule>& AgentClusterRoleRules() {
  static const std::vector<AgentRule> kRules = {
      {"", {"nodes"}, {"get", "list"}},
      {"", {"pods"}, {"get", "list"}},
      {"nvidia.com", {"clusterpolicies"}, {"get", "list"}},
      {"slinky.slurm.net",
       {"controllers", "nodesets", "loginsets", "restapis", "accountings"},
       {"list"}},
      {"k8s.mariadb.com", {"mariadbs"}, {"list"}},
      {"storage.k8s.io", {"storageclasses"}, {"list"}},
  };
  return kRules;
}

std::string NewRunId(const Clock& clock, const std::function<std::string()>& random_hex) {
  const std::time_t t = std::chrono::system_clock::to_time_t(clock.Now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
  return std::string(stamp) + "-" + (random_hex ? random_hex() : RandomHex16());
}

std::string RunScopedName(std::string_view prefix, std::string_view run_id) {
  const std::size_t max_prefix = run_id.size() + 1 >= 63 ? 0 : 63 - run_id.size() - 1;
  std::string_view p = prefix.substr(0, std::min(prefix.size(), max_prefix));
  while (!p.empty() && p.back() == '-') {
    p.remove_suffix(1);
  }
  if (p.empty()) {
    return std::string(run_id);
  }
  return std::string(p) + "-" + std::string(run_id);
}

std::string StagingConfigMapName(std::string_view run_id) {
  return "aicr-agent-snapshot-" + std::string(run_id);
}

std::string AgentOutputTarget(const AgentConfig& config, std::string_view run_id) {
  if (!config.output_configmap.empty()) {
    return config.output_configmap;
  }
  return "cm://" + config.ns + "/" + StagingConfigMapName(run_id);
}

std::string NodeReaderName(std::string_view run_id) {
  return RunScopedName("aicr-node-reader", run_id);
}

Result<Toleration> ParseToleration(std::string_view text) {
  const std::string shape = "expected key=value:effect or key:effect";
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return InvalidRequestError("toleration " + Quote(text) + ": missing effect; " + shape);
  }
  Toleration t;
  t.effect = std::string(text.substr(colon + 1));
  if (t.effect != "NoSchedule" && t.effect != "PreferNoSchedule" && t.effect != "NoExecute") {
    return InvalidRequestError("toleration " + Quote(text) + ": effect " + Quote(t.effect) +
                               " must be one of NoSchedule, PreferNoSchedule, NoExecute");
  }
  const std::string_view head = text.substr(0, colon);
  const std::size_t eq = head.find('=');
  if (eq == std::string_view::npos) {
    t.key = std::string(head);
    t.op = "Exists";
  } else {
    t.key = std::string(head.substr(0, eq));
    t.value = std::string(head.substr(eq + 1));
    t.op = "Equal";
    if (t.key.empty()) {
      return InvalidRequestError("toleration " + Quote(text) + ": a value needs a key; " + shape);
    }
    if (!IsLabelValue(t.value)) {
      return InvalidRequestError("toleration " + Quote(text) + ": invalid value " + Quote(t.value));
    }
  }
  if (!t.key.empty() && !IsQualifiedName(t.key)) {
    return InvalidRequestError("toleration " + Quote(text) + ": invalid key " + Quote(t.key));
  }
  return t;
}

bool IsResourceQuantity(std::string_view q) {
  std::size_t i = 0;
  if (i < q.size() && q[i] == '+') {
    ++i;
  }
  if (!ConsumeNumber(q, &i)) {
    return false;
  }
  const std::string_view suffix = q.substr(i);
  static constexpr std::string_view kSuffixes[] = {"",  "m",  "k",  "M",  "G",  "T",  "P",
                                                   "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  for (std::string_view s : kSuffixes) {
    if (suffix == s) {
      return true;
    }
  }
  if (suffix[0] == 'e' || suffix[0] == 'E') {
    std::size_t j = 1;
    if (j < suffix.size() && (suffix[j] == '+' || suffix[j] == '-')) {
      ++j;
    }
    if (j == suffix.size()) {
      return false;
    }
    for (; j < suffix.size(); ++j) {
      if (!IsDigit(suffix[j])) {
        return false;
      }
    }
    return true;
  }
  return false;
}

Result<std::map<std::string, std::string>> ParseResourceList(std::string_view text) {
  std::map<std::string, std::string> out;
  if (Trim(text).empty()) {
    return out;
  }
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) {
      comma = text.size();
    }
    const std::string_view entry = Trim(text.substr(start, comma - start));
    start = comma + 1;
    const std::size_t eq = entry.find('=');
    if (eq == std::string_view::npos) {
      return InvalidRequestError("resource list " + Quote(text) + ": entry " + Quote(entry) +
                                 " is not name=quantity");
    }
    const std::string name(Trim(entry.substr(0, eq)));
    const std::string qty(Trim(entry.substr(eq + 1)));
    if (name.empty()) {
      return InvalidRequestError("resource list " + Quote(text) + ": entry " + Quote(entry) +
                                 " has an empty resource name");
    }
    if (!IsQualifiedName(name)) {
      return InvalidRequestError("resource list " + Quote(text) + ": invalid resource name " +
                                 Quote(name));
    }
    if (!IsResourceQuantity(qty)) {
      return InvalidRequestError("resource list " + Quote(text) + ": " + Quote(qty) + " for " +
                                 Quote(name) + " is not a Kubernetes quantity (e.g. 500m, 2, 1Gi)");
    }
    if (!out.emplace(name, qty).second) {
      return InvalidRequestError("resource list " + Quote(text) + ": resource " + Quote(name) +
                                 " given twice");
    }
  }
  return out;
}

AgentObjects RenderAgentObjects(const AgentConfig& config, std::string_view run_id,
                                bool existing_sa) {
  AgentObjects out;
  std::string sa_name = config.service_account_name;
  if (!existing_sa) {
    const Value labels = Labels(run_id);
    sa_name = RunScopedName(config.service_account_name, run_id);
    const std::string node_reader = NodeReaderName(run_id);
    out.rbac.push_back(Object("v1", "ServiceAccount", Metadata(sa_name, config.ns, labels)));
    out.rbac.push_back(RoleObject(sa_name, config.ns, labels));
    out.rbac.push_back(
        Binding("RoleBinding", sa_name, config.ns, labels, "Role", sa_name, config.ns, sa_name));
    out.rbac.push_back(ClusterRoleObject(node_reader, labels));
    out.rbac.push_back(Binding("ClusterRoleBinding", node_reader, "", labels, "ClusterRole",
                               node_reader, config.ns, sa_name));
  }
  out.job = RenderJob(config, run_id, sa_name);
  return out;
}

std::vector<serialize::Value> ServiceAccountRbacObjects(const AgentConfig& config,
                                                        std::string_view sa) {
  const Value labels = Labels("");
  const std::string ns_name = "aicr-agent-" + std::string(sa) + "-rbac";
  const std::string cluster_name = "aicr-agent-" + config.ns + "." + std::string(sa) + "-rbac";
  return {
      RoleObject(ns_name, config.ns, labels),
      Binding("RoleBinding", ns_name, config.ns, labels, "Role", ns_name, config.ns, sa),
      ClusterRoleObject(cluster_name, labels),
      Binding("ClusterRoleBinding", cluster_name, "", labels, "ClusterRole", cluster_name,
              config.ns, sa),
  };
}

Result<std::string> WriteServiceAccountRbac(const AgentConfig& config, std::string_view sa,
                                            std::string_view dir, std::string_view run_id) {
  namespace fs = std::filesystem;
  if (!serialize::IsDns1123Subdomain(sa)) {
    return InvalidRequestError("service account " + Quote(sa) +
                               ": not a valid Kubernetes object name");
  }
  if (!serialize::IsDns1123Label(config.ns)) {
    return InvalidRequestError("namespace " + Quote(config.ns) +
                               ": not a valid Kubernetes namespace name");
  }
  const fs::path base = dir.empty() ? fs::path(".") : fs::path(std::string(dir));
  std::error_code ec;
  if (!fs::is_directory(base, ec)) {
    return NotFoundError("directory " + Quote(base.string()) + " does not exist");
  }
  const fs::path target = base / ("snapshot-rbac-" + std::string(run_id));
  if (fs::exists(fs::symlink_status(target, ec))) {
    return ConflictError(Quote(target.string()) + " already exists");
  }
  // Build the directory under a temporary name, then publish it with one rename
  // that refuses to replace anything.
  AICR_ASSIGN_OR_RETURN(
      TempDir staging,
      TempDir::Create(".snapshot-rbac-" + std::string(run_id) + ".tmp-", base.string()));
  const fs::path tmp(staging.path());
  static constexpr const char* kFiles[] = {"01-role.yaml", "02-rolebinding.yaml",
                                           "03-clusterrole.yaml", "04-clusterrolebinding.yaml"};
  const std::vector<Value> objects = ServiceAccountRbacObjects(config, sa);
  for (std::size_t i = 0; i < objects.size(); ++i) {
    AICR_RETURN_IF_ERROR(
        WriteFileAtomic((tmp / kFiles[i]).string(), serialize::WriteYaml(objects[i])));
  }
  if (chmod(tmp.c_str(), 0755) != 0) {
    return UnavailableError("chmod " + Quote(tmp.string()) + ": " + ErrnoText(errno));
  }
  if (renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) != 0) {
    const int err = errno;
    if (err == EEXIST || err == ENOTEMPTY) {
      return ConflictError(Quote(target.string()) + " already exists");
    }
    return UnavailableError("rename " + Quote(tmp.string()) + " to " + Quote(target.string()) +
                            ": " + ErrnoText(err));
  }
  staging.Release();
  return target.string();
}

std::vector<std::pair<std::string, serialize::Value>> AgentObjectFiles(
    const AgentObjects& objects) {
  std::vector<std::pair<std::string, Value>> out;
  std::size_t n = 0;
  auto add = [&](const Value& v) {
    ++n;
    char prefix[8];
    std::snprintf(prefix, sizeof(prefix), "%02zu-", n);
    out.emplace_back(std::string(prefix) + KindFileName(v) + ".yaml", v);
  };
  for (const Value& v : objects.rbac) {
    add(v);
  }
  add(objects.job);
  return out;
}

}  // namespace aicr::snapshotter
