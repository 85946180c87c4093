#include "client/snapshot.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "serialize/cm_uri.h"
#include "serialize/yaml_reader.h"
#include "tests/k8s-apiserver/test_apiserver.h"

namespace aicr::client {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class FakeConfigMaps : public serialize::ConfigMapStore {
 public:
  Result<serialize::ConfigMapData> Get(const serialize::ConfigMapRef& ref,
                                       const CancelToken&) override {
    auto it = maps.find(ref.ToUri());
    if (it == maps.end()) {
      return NotFoundError(ref.ToUri() + " not found");
    }
    return it->second;
  }
  Status Apply(const serialize::ConfigMapRef& ref, const serialize::ConfigMapData& data,
               const CancelToken&) override {
    maps[ref.ToUri()] = data;
    return OkStatus();
  }
  std::map<std::string, serialize::ConfigMapData> maps;
};

// A host tree with the files the OS collector reads.
class HostTree {
 public:
  HostTree() {
    std::string tmpl = ::testing::TempDir() + "/snapshot-host-XXXXXX";
    root_ = mkdtemp(tmpl.data());
    Write("/proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet\n");
    Write("/proc/modules", "nvidia 123 0 - Live 0x0\noverlay 1 0 - Live 0x0\n");
    Write("/proc/sys/kernel/osrelease", "6.8.0-test\n");
    Write("/etc/os-release", "ID=ubuntu\nVERSION_ID=\"24.04\"\nPRETTY_NAME=\"Ubuntu 24.04\"\n");
  }
  ~HostTree() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  void Write(const std::string& path, const std::string& text) {
    const std::filesystem::path p = root_ + path;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

const FakeClock& FixedClock() {
  static const FakeClock clock(std::chrono::system_clock::time_point(
      std::chrono::seconds(1767225600)));  // 2026-01-01T00:00:00Z
  return clock;
}

measurement::Snapshot SampleSnapshot() {
  measurement::Snapshot s;
  s.metadata["timestamp"] = "2026-01-01T00:00:00Z";
  s.metadata["source-node"] = "node-a";
  measurement::Measurement os;
  os.type = "OS";
  measurement::Subtype release;
  release.name = "release";
  release.data["ID"] = measurement::Reading::Str("ubuntu");
  release.data["VERSION_ID"] = measurement::Reading::Str("24.04");
  os.subtypes.push_back(release);
  measurement::Measurement topo;
  topo.type = "NodeTopology";
  measurement::Subtype label;
  label.name = "label";
  label.data["nvidia.com/gpu.present"] = measurement::Reading::Str("true|n1,n2");
  measurement::Item item;
  item.context["key"] = "nvidia.com/gpu.present";
  item.data["node-count"] = measurement::Reading::Int(2);
  label.items.push_back(item);
  topo.subtypes.push_back(label);
  s.measurements = {os, topo};
  return s;
}

TEST(NonGpuNodeWarningTest, GpuLabelsWithoutGpuData) {
  measurement::Snapshot snap = SampleSnapshot();
  std::optional<std::string> w = NonGpuNodeWarning(snap);
  ASSERT_TRUE(w.has_value());
  EXPECT_THAT(*w, HasSubstr("non-GPU node"));

  measurement::Measurement gpu;
  gpu.type = "GPU";
  measurement::Subtype hw;
  hw.name = "hardware";
  hw.data["gpu-count"] = measurement::Reading::Float(8);
  gpu.subtypes.push_back(hw);
  snap.measurements.push_back(gpu);
  EXPECT_EQ(NonGpuNodeWarning(snap), std::nullopt);

  measurement::Snapshot no_labels;
  EXPECT_EQ(NonGpuNodeWarning(no_labels), std::nullopt);
}

TEST(DefaultAgentImageTest, ReleaseAndDevelopmentBuilds) {
  EXPECT_EQ(DefaultAgentImage("v1.2.3"), "ghcr.io/nvidia/aicr:v1.2.3");
  EXPECT_EQ(DefaultAgentImage("1.2.3"), "ghcr.io/nvidia/aicr:v1.2.3");
  EXPECT_EQ(DefaultAgentImage("dev"), "ghcr.io/nvidia/aicr:latest");
  EXPECT_EQ(DefaultAgentImage(""), "ghcr.io/nvidia/aicr:latest");
  EXPECT_EQ(DefaultAgentImage("v1.3.0-next"), "ghcr.io/nvidia/aicr:latest");
}

TEST(NormalizeSnapshotOsTest, LowerCasesTrimsAndRejectsUnknown) {
  EXPECT_EQ(NormalizeSnapshotOs(" Ubuntu \n"), "ubuntu");
  EXPECT_EQ(NormalizeSnapshotOs("TALOS"), "talos");
  EXPECT_EQ(NormalizeSnapshotOs(""), "");
  EXPECT_EQ(NormalizeSnapshotOs("windows"), std::nullopt);
}

TEST(ValidateSnapshotRequestTest, RejectsInvalidCombinations) {
  SnapshotRequest ok;
  EXPECT_TRUE(ValidateSnapshotRequest(ok).ok());

  SnapshotRequest gpu;
  gpu.require_gpu = true;
  gpu.agent.runtime_class = "nvidia";
  Status s = ValidateSnapshotRequest(gpu);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(s.message(), HasSubstr("mutually exclusive"));

  SnapshotRequest os;
  os.os = "windows";
  EXPECT_THAT(ValidateSnapshotRequest(os).message(), HasSubstr("--os \"windows\""));
  // The agent pod only warns about an unknown OS.
  os.mode = SnapshotMode::kAgent;
  EXPECT_TRUE(ValidateSnapshotRequest(os).ok());

  SnapshotRequest ns;
  ns.output = "cm://other/snap";
  s = ValidateSnapshotRequest(ns);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(s.message(), HasSubstr("must equal --namespace \"default\""));
  ns.agent.ns = "other";
  EXPECT_TRUE(ValidateSnapshotRequest(ns).ok());

  SnapshotRequest tmpl;
  tmpl.template_path = "t.tmpl";
  tmpl.format = "json";
  EXPECT_THAT(ValidateSnapshotRequest(tmpl).message(), HasSubstr("--template requires"));

  SnapshotRequest table;
  table.format = "table";
  table.output = "cm://default/x";
  EXPECT_THAT(ValidateSnapshotRequest(table).message(),
              HasSubstr("table format cannot be written to a ConfigMap"));

  SnapshotRequest local_talos;
  local_talos.mode = SnapshotMode::kLocal;
  local_talos.os = "Talos";
  s = ValidateSnapshotRequest(local_talos);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(s.message(), HasSubstr("--os talos cannot be used with --local"));
  local_talos.os = "ubuntu";
  EXPECT_TRUE(ValidateSnapshotRequest(local_talos).ok());
  // Deploy mode passes talos to the agent.
  local_talos.mode = SnapshotMode::kDeploy;
  local_talos.os = "talos";
  EXPECT_TRUE(ValidateSnapshotRequest(local_talos).ok());

  SnapshotRequest bad_uri;
  bad_uri.output = "cm://only-namespace";
  EXPECT_EQ(ValidateSnapshotRequest(bad_uri).code(), ErrorCode::kInvalidRequest);
}

TEST(RenderSnapshotTest, FormatsRoundTripAndTableIsReadable) {
  const measurement::Snapshot snap = SampleSnapshot();
  Result<std::string> yaml = RenderSnapshot(snap, "yaml");
  ASSERT_TRUE(yaml.ok());
  Result<serialize::Value> doc = serialize::ParseYaml(*yaml);
  ASSERT_TRUE(doc.ok());
  Result<measurement::Snapshot> back = measurement::DecodeSnapshot(*doc);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, snap);

  Result<std::string> json = RenderSnapshot(snap, "json");
  ASSERT_TRUE(json.ok());
  EXPECT_THAT(*json, HasSubstr("\"kind\": \"Snapshot\""));

  const std::string table = RenderSnapshotTable(snap);
  EXPECT_THAT(table, HasSubstr("KIND          Snapshot"));
  EXPECT_THAT(table, HasSubstr("SOURCE NODE   node-a"));
  EXPECT_THAT(table, HasSubstr("TYPE           SUBTYPE   KEY"));
  EXPECT_THAT(table, HasSubstr("OS             release   VERSION_ID"));
  EXPECT_THAT(table, HasSubstr("[0]@key"));
  EXPECT_THAT(table, HasSubstr("[0]node-count"));
  EXPECT_EQ(RenderSnapshot(snap, "xml").status().code(), ErrorCode::kInvalidRequest);
}

TEST(SnapshotTemplateTest, RendersGoFieldNames) {
  const std::string path = ::testing::TempDir() + "/snapshot.tmpl";
  std::ofstream(path) << "{{ .Kind }} on {{ index .Metadata \"source-node\" }}\n"
                      << "{{- range .Measurements }}\n{{ .Type }}:"
                      << "{{ range .Subtypes }} {{ .Name }}={{ len .Data }}{{ end }}"
                      << "{{- end }}\n";
  Result<std::string> out = RenderSnapshotTemplate(path, SampleSnapshot());
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, "Snapshot on node-a\nOS: release=2\nNodeTopology: label=1\n");

  Result<std::string> missing = RenderSnapshotTemplate(path + ".absent", SampleSnapshot());
  EXPECT_EQ(missing.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(missing.status().message(), HasSubstr("--template"));

  std::ofstream(path) << "{{ .Kind | nosuchfunction }}";
  EXPECT_EQ(RenderSnapshotTemplate(path, SampleSnapshot()).status().code(),
            ErrorCode::kInvalidRequest);
}

TEST(DecodeSnapshotConfigTest, ReadsEveryField) {
  Result<serialize::Value> doc = serialize::ParseYaml(R"(
output: {path: snap.yaml, format: json, template: t.tmpl}
agent:
  namespace: gpu
  image: registry.example/aicr:1
  imagePullSecrets: [pull]
  jobName: job
  serviceAccountName: sa
  nodeSelector: {role: gpu}
  tolerations: ["dedicated=gpu:NoSchedule"]
  requireGpu: true
  runtimeClassName: ""
  os: Ubuntu
  requests: cpu=100m,memory=1Gi
  limits: {cpu: "1", memory: 2Gi}
execution: {timeout: 2m, noCleanup: true, privileged: false, maxNodesPerEntry: 5}
)");
  ASSERT_TRUE(doc.ok());
  Result<SnapshotConfig> cfg = DecodeSnapshotConfig(*doc);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->output_path, "snap.yaml");
  EXPECT_EQ(cfg->output_format, "json");
  EXPECT_EQ(cfg->output_template, "t.tmpl");
  EXPECT_EQ(cfg->ns, "gpu");
  EXPECT_EQ(cfg->image, "registry.example/aicr:1");
  EXPECT_EQ(cfg->image_pull_secrets, std::vector<std::string>{"pull"});
  EXPECT_EQ(cfg->job_name, "job");
  EXPECT_EQ(cfg->service_account_name, "sa");
  EXPECT_EQ(cfg->node_selector, (std::map<std::string, std::string>{{"role", "gpu"}}));
  ASSERT_TRUE(cfg->tolerations.has_value());
  ASSERT_EQ(cfg->tolerations->size(), 1u);
  EXPECT_EQ((*cfg->tolerations)[0].key, "dedicated");
  EXPECT_EQ((*cfg->tolerations)[0].effect, "NoSchedule");
  EXPECT_EQ(cfg->require_gpu, true);
  EXPECT_EQ(cfg->os, "Ubuntu");
  EXPECT_EQ(cfg->requests,
            (std::map<std::string, std::string>{{"cpu", "100m"}, {"memory", "1Gi"}}));
  EXPECT_EQ(cfg->limits, (std::map<std::string, std::string>{{"cpu", "1"}, {"memory", "2Gi"}}));
  EXPECT_EQ(cfg->timeout, "2m");
  EXPECT_EQ(cfg->no_cleanup, true);
  EXPECT_EQ(cfg->privileged, false);
  EXPECT_EQ(cfg->max_nodes_per_entry, 5);

  // Explicit empty selector / tolerations clear the defaults; absent ones inherit.
  Result<serialize::Value> empty =
      serialize::ParseYaml("agent: {nodeSelector: {}, tolerations: []}");
  ASSERT_TRUE(empty.ok());
  Result<SnapshotConfig> cleared = DecodeSnapshotConfig(*empty);
  ASSERT_TRUE(cleared.ok());
  EXPECT_EQ(cleared->node_selector, (std::map<std::string, std::string>{}));
  EXPECT_EQ(cleared->tolerations, (std::vector<snapshotter::Toleration>{}));
  EXPECT_EQ(cleared->privileged, std::nullopt);
}

TEST(DecodeSnapshotConfigTest, ErrorsNameTheSpecPath) {
  struct Case {
    std::string yaml;
    std::string message;
  };
  const Case cases[] = {
      {"bogus: 1", "spec.snapshot: unknown field \"bogus\""},
      {"agent: {tolerations: [\"a=b:Sometimes\"]}", "spec.snapshot.agent.tolerations[0]"},
      {"agent: {os: windows}", "spec.snapshot.agent.os"},
      {"agent: {requests: \"cpu=lots\"}", "spec.snapshot.agent.requests"},
      {"agent: {requireGpu: maybe}", "spec.snapshot.agent.requireGpu: expected a boolean"},
      {"execution: {maxNodesPerEntry: -1}", "spec.snapshot.execution.maxNodesPerEntry"},
      {"output: {format: xml}", "spec.snapshot.output.format"},
  };
  for (const Case& c : cases) {
    Result<serialize::Value> doc = serialize::ParseYaml(c.yaml);
    ASSERT_TRUE(doc.ok()) << c.yaml;
    Result<SnapshotConfig> cfg = DecodeSnapshotConfig(*doc);
    EXPECT_EQ(cfg.status().code(), ErrorCode::kInvalidRequest) << c.yaml;
    EXPECT_THAT(cfg.status().message(), HasSubstr(c.message)) << c.yaml;
  }
}

TEST(TakeSnapshotTest, LocalModeMeasuresTheHostOnly) {
  HostTree host;
  Client client(Client::Options{});
  SnapshotRequest req;
  req.mode = SnapshotMode::kLocal;
  req.root = host.root();
  req.clock = &FixedClock();
  req.env = FakeEnv({{"NODE_NAME", "node-a"}});
  req.collectors = {"os"};
  Result<SnapshotResult> r = TakeSnapshot(client, req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->delivered);
  EXPECT_EQ(r->snapshot.metadata.at("timestamp"), "2026-01-01T00:00:00Z");
  EXPECT_EQ(r->snapshot.metadata.at("source-node"), "node-a");
  ASSERT_EQ(r->snapshot.measurements.size(), 1u);
  EXPECT_EQ(r->snapshot.Extract("OS.release.ID").value_or(""), "ubuntu");
  EXPECT_EQ(r->snapshot.Extract("OS.grub.quiet").value_or("x"), "");
  EXPECT_THAT(r->document, HasSubstr("kind: Snapshot"));

  std::ostringstream out;
  ASSERT_TRUE(WriteSnapshotOutput(client, req, *r, &out).ok());
  EXPECT_EQ(out.str(), r->document);
}

TEST(TakeSnapshotTest, AgentModeWritesTheConfigMapWithTheSnapshotTimestamp) {
  HostTree host;
  FakeConfigMaps store;
  Client::Options options;
  options.configmaps = &store;
  Client client(options);
  SnapshotRequest req;
  req.mode = SnapshotMode::kAgent;
  req.output = "cm://gpu/snap";
  req.root = host.root();
  req.clock = &FixedClock();
  // No kubeconfig and no in-cluster environment: cluster collectors report empty.
  req.env = FakeEnv({{"NODE_NAME", "node-a"}, {"AICR_OS", " Windows "}});
  req.collectors = {"os", "k8s", "topology"};
  Result<SnapshotResult> r = TakeSnapshot(client, req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->delivered);
  bool os_warning = false;
  for (const std::string& w : r->warnings) {
    os_warning = os_warning || w.find("AICR_OS value \" Windows \"") != std::string::npos;
  }
  EXPECT_TRUE(os_warning);
  ASSERT_EQ(store.maps.count("cm://gpu/snap"), 1u);
  const serialize::ConfigMapData& cm = store.maps["cm://gpu/snap"];
  EXPECT_EQ(cm.data.at("snapshot.yaml"), r->document);
  EXPECT_EQ(cm.data.at("format"), "yaml");
  EXPECT_EQ(cm.data.at("timestamp"), "2026-01-01T00:00:00Z");
  EXPECT_EQ(cm.labels.at("app.kubernetes.io/name"), "aicr");
  EXPECT_EQ(cm.labels.at("app.kubernetes.io/component"), "Snapshot");
  EXPECT_TRUE(cm.labels.count("app.kubernetes.io/version"));
  EXPECT_NE(r->snapshot.FindMeasurement("K8s"), nullptr);
  EXPECT_NE(r->snapshot.FindMeasurement("NodeTopology"), nullptr);
  EXPECT_NE(r->snapshot.FindMeasurement("OS"), nullptr);

  // json goes to snapshot.json.
  req.format = "json";
  req.output = "cm://gpu/snap-json";
  r = TakeSnapshot(client, req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(store.maps["cm://gpu/snap-json"].data.count("snapshot.json"), 1u);
  EXPECT_EQ(store.maps["cm://gpu/snap-json"].data.at("format"), "json");
}

TEST(TakeSnapshotTest, RequireGpuFailsWithoutAGpu) {
  HostTree host;
  Client client(Client::Options{});
  SnapshotRequest req;
  req.mode = SnapshotMode::kLocal;
  req.root = host.root();
  req.require_gpu = true;
  req.collectors = {"os"};
  EXPECT_EQ(TakeSnapshot(client, req).status().code(), ErrorCode::kNotFound);
}

TEST(TakeSnapshotTest, CanceledBeforeStart) {
  Client client(Client::Options{});
  SnapshotRequest req;
  req.mode = SnapshotMode::kLocal;
  req.cancel = CancelToken();
  req.cancel.Cancel();
  EXPECT_EQ(TakeSnapshot(client, req).status().code(), ErrorCode::kCanceled);
}

TEST(ProviderProjectionTest, AksPoolsAggregateTheDriverMode) {
  const std::string install = R"([
    {"name": "system", "vmSize": "Standard_D4s_v5"},
    {"name": "gpub", "vmSize": "Standard_ND96isr_H100_v5", "gpuProfile": {"driver": "Install"}},
    {"name": "gpua", "vmSize": "standard_nc24ads_a100_v4"},
    {"name": "amd", "vmSize": "Standard_ND96isr_MI300X_v5", "gpuProfile": {"driver": "None"}},
    {"name": "radeon", "vmSize": "Standard_NV28adms_V710_v5", "gpuProfile": {"driver": "None"}}
  ])";
  Result<measurement::Subtype> s = ProjectAksGpuPools(install);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->name, "aks-gpu-pools");
  EXPECT_EQ(s->data.at("gpu-pool-count"), measurement::Reading::Int(2));
  EXPECT_EQ(s->data.at("gpu-pools").String(), "gpua=Install,gpub=Install");
  EXPECT_EQ(s->data.at("gpu-driver").String(), "Install");

  Result<measurement::Subtype> mixed = ProjectAksGpuPools(R"([
    {"name": "a", "vmSize": "Standard_NC6s_v3", "gpuProfile": {"driver": "None"}},
    {"name": "b", "vmSize": "Standard_NC6s_v3", "gpuProfile": {"driver": "Install"}}])");
  ASSERT_TRUE(mixed.ok());
  EXPECT_EQ(mixed->data.at("gpu-driver").String(), "Mixed");

  Result<measurement::Subtype> managed = ProjectAksGpuPools(R"([
    {"name": "a", "vmSize": "Standard_NC6s_v3",
     "gpuProfile": {"driver": "Install", "nvidia": {"managementMode": "Managed"}}},
    {"name": "b", "vmSize": "Standard_NC6s_v3",
     "gpuProfile": {"driver": "None", "nvidia": {"managementMode": "Unmanaged"}}}])");
  ASSERT_TRUE(managed.ok());
  EXPECT_EQ(managed->data.at("gpu-pools").String(), "a=Managed,b=None");

  Result<measurement::Subtype> none = ProjectAksGpuPools(R"([{"name": "s", "vmSize": "D4"}])");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->data.at("gpu-pool-count"), measurement::Reading::Int(0));
  EXPECT_EQ(none->data.count("gpu-driver"), 0u);

  EXPECT_EQ(ProjectAksGpuPools("null").status().code(), ErrorCode::kInvalidRequest);
  EXPECT_EQ(ProjectAksGpuPools("{\"value\": []}").status().code(), ErrorCode::kInvalidRequest);
  EXPECT_EQ(ProjectAksGpuPools("[1]").status().code(), ErrorCode::kInvalidRequest);
  EXPECT_EQ(ProjectAksGpuPools("[").status().code(), ErrorCode::kInvalidRequest);
}

TEST(ProviderProjectionTest, OkeAddonsProjectThePluginState) {
  Result<measurement::Subtype> s = ProjectOkeAddons(R"({"data": [
    {"name": "CoreDNS", "lifecycle-state": "ACTIVE"},
    {"name": "NvidiaGpuPlugin", "lifecycle-state": "ACTIVE"}]})");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->name, "oke-addons");
  EXPECT_EQ(s->data.at("addon-count"), measurement::Reading::Int(2));
  EXPECT_EQ(s->data.at("nvidia-gpu-plugin").String(), "installed");

  Result<measurement::Subtype> absent = ProjectOkeAddons(R"({"data": [{"name": "KubeProxy"}]})");
  ASSERT_TRUE(absent.ok());
  EXPECT_EQ(absent->data.at("nvidia-gpu-plugin").String(), "absent");

  Result<measurement::Subtype> updating = ProjectOkeAddons(
      R"({"data": [{"name": "NvidiaGpuPlugin", "lifecycle-state": "NEEDS_ATTENTION"}]})");
  ASSERT_TRUE(updating.ok());
  EXPECT_EQ(updating->data.at("nvidia-gpu-plugin").String(), "addon-needs_attention");

  EXPECT_EQ(ProjectOkeAddons("null").status().code(), ErrorCode::kInvalidRequest);
  EXPECT_EQ(ProjectOkeAddons("{}").status().code(), ErrorCode::kInvalidRequest);
}

TEST(ProviderProjectionTest, GkePoolsAggregateTheDriverInstallation) {
  Result<measurement::Subtype> s = ProjectGkeGpuPools(R"([
    {"name": "system", "config": {"machineType": "e2-standard-4"}},
    {"name": "nolist", "config": null},
    {"name": "empty", "config": {"accelerators": []}},
    {"name": "h100-b", "config": {"accelerators": [{"acceleratorType": "nvidia-h100-80gb",
      "gpuDriverInstallationConfig": {"gpuDriverVersion": "INSTALLATION_DISABLED"}}]}},
    {"name": "h100-a", "status": "RUNNING", "config": {"accelerators": [
      {"acceleratorType": "nvidia-h100-80gb", "acceleratorCount": "8",
       "gpuDriverInstallationConfig": {"gpuDriverVersion": "INSTALLATION_DISABLED"}}]}}
  ])");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->name, "gke-gpu-pools");
  EXPECT_EQ(s->data.at("gpu-pool-count"), measurement::Reading::Int(2));
  EXPECT_EQ(s->data.at("gpu-pools").String(), "h100-a=Disabled,h100-b=Disabled");
  EXPECT_EQ(s->data.at("gpu-driver-installation").String(), "Disabled");

  // DEFAULT, LATEST, unspecified and absent all mean the provider installs it.
  for (
      const char* accelerator :
      {R"({"gpuDriverInstallationConfig": {"gpuDriverVersion": "DEFAULT"}})",
       R"({"gpuDriverInstallationConfig": {"gpuDriverVersion": "LATEST"}})",
       R"({"gpuDriverInstallationConfig": {"gpuDriverVersion": "GPU_DRIVER_VERSION_UNSPECIFIED"}})",
       R"({"gpuDriverInstallationConfig": {}})", R"({"acceleratorType": "nvidia-l4"})"}) {
    Result<measurement::Subtype> installed = ProjectGkeGpuPools(
        std::string(R"([{"name": "g", "config": {"accelerators": [)") + accelerator + "]}}]");
    ASSERT_TRUE(installed.ok()) << accelerator << ": " << installed.status().ToString();
    EXPECT_EQ(installed->data.at("gpu-pools").String(), "g=Installed") << accelerator;
    EXPECT_EQ(installed->data.at("gpu-driver-installation").String(), "Installed") << accelerator;
  }

  // Disagreement across pools, within a pool, and an unknown value kept verbatim.
  Result<measurement::Subtype> mixed = ProjectGkeGpuPools(R"([
    {"name": "a", "config": {"accelerators": [
      {"gpuDriverInstallationConfig": {"gpuDriverVersion": "INSTALLATION_DISABLED"}}]}},
    {"name": "b", "config": {"accelerators": [
      {"gpuDriverInstallationConfig": {"gpuDriverVersion": "DEFAULT"}}]}},
    {"name": "c", "config": {"accelerators": [
      {"gpuDriverInstallationConfig": {"gpuDriverVersion": "DEFAULT"}},
      {"gpuDriverInstallationConfig": {"gpuDriverVersion": "INSTALLATION_DISABLED"}}]}}])");
  ASSERT_TRUE(mixed.ok()) << mixed.status().ToString();
  EXPECT_EQ(mixed->data.at("gpu-pools").String(), "a=Disabled,b=Installed,c=Mixed");
  EXPECT_EQ(mixed->data.at("gpu-driver-installation").String(), "Mixed");
  Result<measurement::Subtype> future = ProjectGkeGpuPools(R"([{"name": "f", "config":
    {"accelerators": [{"gpuDriverInstallationConfig": {"gpuDriverVersion": "FUTURE_MODE"}}]}}])");
  ASSERT_TRUE(future.ok());
  EXPECT_EQ(future->data.at("gpu-driver-installation").String(), "FUTURE_MODE");

  Result<measurement::Subtype> none = ProjectGkeGpuPools("[]");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->data.at("gpu-pool-count"), measurement::Reading::Int(0));
  EXPECT_EQ(none->data.count("gpu-pools"), 0u);
  EXPECT_EQ(none->data.count("gpu-driver-installation"), 0u);

  const std::vector<std::pair<std::string, std::string>> bad = {
      {"null", "got JSON null"},
      {R"({"nodePools": []})", "gcloud container node-pools list"},
      {R"([{"name":)", "gcloud container node-pools list"},
      {"[1]", "[0]: expected a node pool object"},
      {R"([{"name": 7}])", "[0].name: expected a string"},
      {R"([{"name": "p", "config": {"accelerators": {}}}])", "[0].config.accelerators"},
      {R"([{"name": "p", "config": {"accelerators": [{"gpuDriverInstallationConfig":
        {"gpuDriverVersion": true}}]}}])",
       "[0].config.accelerators[0].gpuDriverInstallationConfig.gpuDriverVersion"},
  };
  for (const auto& [text, message] : bad) {
    Result<measurement::Subtype> r = ProjectGkeGpuPools(text);
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidRequest) << text;
    EXPECT_THAT(r.status().message(), HasSubstr(message)) << text;
  }
}

TEST(ProviderProjectionTest, DumpsMustBeRegularFilesWithinTheCap) {
  const std::string dir = ::testing::TempDir() + "/dumps";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/pools.json") << "[]";
  EXPECT_TRUE(ReadProviderDump(dir + "/pools.json", "--aks-gpu-pools").ok());
  std::filesystem::create_symlink(dir + "/pools.json", dir + "/link.json");
  Result<std::string> link = ReadProviderDump(dir + "/link.json", "--aks-gpu-pools");
  EXPECT_EQ(link.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(link.status().message(), HasSubstr("symbolic link"));
  EXPECT_THAT(ReadProviderDump(dir, "--aks-gpu-pools").status().message(),
              HasSubstr("not a regular file"));
  EXPECT_EQ(ReadProviderDump(dir + "/absent.json", "--oke-addons").status().code(),
            ErrorCode::kInvalidRequest);
  std::ofstream(dir + "/big.json") << std::string((1 << 20) + 1, ' ');
  EXPECT_THAT(ReadProviderDump(dir + "/big.json", "--oke-addons").status().message(),
              HasSubstr("exceeds"));
}

TEST(TakeSnapshotTest, LocalModeAttachesProjectionsAndFailsOnBadDumps) {
  HostTree host;
  host.Write(
      "/dump/pools.json",
      R"([{"name": "gpu", "vmSize": "Standard_NC6s_v3", "gpuProfile": {"driver": "None"}}])");
  Client client(Client::Options{});
  SnapshotRequest req;
  req.mode = SnapshotMode::kLocal;
  req.root = host.root();
  req.collectors = {"os"};
  req.aks_gpu_pools_path = host.root() + "/dump/pools.json";
  Result<SnapshotResult> r = TakeSnapshot(client, req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->snapshot.measurements.front().type, "K8s");
  EXPECT_EQ(r->snapshot.Extract("K8s.aks-gpu-pools.gpu-driver").value_or(""), "None");
  EXPECT_THAT(r->document, HasSubstr("aks-gpu-pools"));

  req.aks_gpu_pools_path = host.root() + "/dump/absent.json";
  Result<SnapshotResult> bad = TakeSnapshot(client, req);
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(bad.status().message(), HasSubstr("--aks-gpu-pools"));

  // GKE beside AKS: both subtypes in the K8s measurement.
  host.Write("/dump/gke.json", R"([{"name": "gpu", "config": {"accelerators": [
    {"gpuDriverInstallationConfig": {"gpuDriverVersion": "INSTALLATION_DISABLED"}}]}}])");
  req.aks_gpu_pools_path = host.root() + "/dump/pools.json";
  req.gke_gpu_pools_path = host.root() + "/dump/gke.json";
  r = TakeSnapshot(client, req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->snapshot.Extract("K8s.aks-gpu-pools.gpu-driver").value_or(""), "None");
  EXPECT_EQ(r->snapshot.Extract("K8s.gke-gpu-pools.gpu-driver-installation").value_or(""),
            "Disabled");
  EXPECT_EQ(r->snapshot.Extract("K8s.gke-gpu-pools.gpu-pools").value_or(""), "gpu=Disabled");

  host.Write("/dump/gke.json", "null");
  bad = TakeSnapshot(client, req);
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(bad.status().message(), HasSubstr("--gke-gpu-pools"));
  EXPECT_THAT(bad.status().message(), HasSubstr("got JSON null"));
}

// A Talos node as its kubelet registers it.
constexpr char kTalosNode[] = R"(apiVersion: v1
kind: Node
metadata:
  name: talos-gpu-0
  labels:
    kubernetes.io/hostname: talos-gpu-0
    extensions.talos.dev/nvidia-container-toolkit: 1.16.1-v1.7.6
    extensions.talos.dev/nvidia-open-gpu-kernel-modules: 555.42.06-v1.7.6
status:
  nodeInfo:
    osImage: Talos (v1.7.6)
    kernelVersion: 6.6.32-talos
    operatingSystem: linux
    kubeletVersion: v1.32.4
    containerRuntimeVersion: containerd://1.7.20
)";

TEST(TakeSnapshotTest, AgentModeOnTalosReadsOsAndServicesFromTheNode) {
  std::unique_ptr<testing::TestApiServer> server =
      testing::TestApiServer::Start({.seeds = {kTalosNode}});
  ASSERT_NE(server, nullptr);
  HostTree host;  // a host tree the Talos collectors must not read
  Client client(Client::Options{});
  SnapshotRequest req;
  req.mode = SnapshotMode::kAgent;
  req.kubeconfig = server->WriteKubeconfig(server->dir());
  req.root = host.root();
  req.clock = &FixedClock();
  req.env = FakeEnv({{"NODE_NAME", "talos-gpu-0"}, {"AICR_OS", " Talos "}});
  req.collectors = {"os", "systemd", "k8s"};
  Result<SnapshotResult> r = TakeSnapshot(client, req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const measurement::Snapshot& snap = r->snapshot;
  EXPECT_EQ(snap.metadata.at("source-node"), "talos-gpu-0");
  const measurement::Measurement* os = snap.FindMeasurement("OS");
  ASSERT_NE(os, nullptr);
  ASSERT_EQ(os->subtypes.size(), 2u);
  EXPECT_EQ(os->subtypes[0].name, "release");
  EXPECT_EQ(os->subtypes[1].name, "extensions");
  EXPECT_EQ(snap.Extract("OS.release.ID").value_or(""), "talos");
  EXPECT_EQ(snap.Extract("OS.release.VERSION_ID").value_or(""), "1.7.6");
  EXPECT_EQ(snap.Extract("OS.release.Source").value_or(""), "kubernetes-node-info");
  EXPECT_EQ(snap.Extract("OS.extensions.nvidia-open-gpu-kernel-modules").value_or(""),
            "555.42.06-v1.7.6");
  const measurement::Measurement* systemd = snap.FindMeasurement("SystemD");
  ASSERT_NE(systemd, nullptr);
  ASSERT_EQ(systemd->subtypes.size(), 2u);
  const measurement::Subtype* containerd = systemd->FindSubtype("containerd.service");
  ASSERT_NE(containerd, nullptr);
  EXPECT_EQ(containerd->GetString("Version").value_or(""), "1.7.20");
  EXPECT_EQ(containerd->GetString("Source").value_or(""), "kubernetes-node-info");
  EXPECT_EQ(systemd->FindSubtype("kubelet.service")->GetString("Version").value_or(""), "v1.32.4");
  EXPECT_EQ(snap.Extract("K8s.node.kubelet-version").value_or(""), "v1.32.4");
  EXPECT_THAT(r->document, HasSubstr("kubernetes-node-info"));

  // Without AICR_OS the same request reads the host tree.
  req.env = FakeEnv({{"NODE_NAME", "talos-gpu-0"}});
  r = TakeSnapshot(client, req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->snapshot.Extract("OS.release.ID").value_or(""), "ubuntu");
  EXPECT_NE(r->snapshot.FindMeasurement("OS")->FindSubtype("grub"), nullptr);
}

TEST(TakeSnapshotTest, AgentModeOnTalosWithoutAClusterReportsEmptyOsAndServices) {
  HostTree host;
  Client client(Client::Options{});
  SnapshotRequest req;
  req.mode = SnapshotMode::kAgent;
  req.root = host.root();
  req.clock = &FixedClock();
  // No kubeconfig and no in-cluster environment.
  req.env = FakeEnv({{"NODE_NAME", "talos-gpu-0"}, {"AICR_OS", "talos"}, {"HOME", host.root()}});
  req.collectors = {"os", "systemd"};
  Result<SnapshotResult> r = TakeSnapshot(client, req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (const char* type : {"OS", "SystemD"}) {
    const measurement::Measurement* m = r->snapshot.FindMeasurement(type);
    ASSERT_NE(m, nullptr) << type;
    EXPECT_TRUE(m->subtypes.empty()) << type;
  }
  bool warned = false;
  for (const std::string& w : r->warnings) {
    warned = warned || w.find("no Talos node data") != std::string::npos;
  }
  EXPECT_TRUE(warned);
}

TEST(WriteSnapshotRbacTest, WritesFourFilesOnceThenConflicts) {
  const std::string dir = ::testing::TempDir() + "/rbac-conflict";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  SnapshotRequest req;
  req.agent.ns = "gpu-operator";
  req.clock = &FixedClock();
  req.random_hex = [] { return std::string("0123456789abcdef"); };
  Result<std::string> first = WriteSnapshotRbac(req, "reader", dir);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_THAT(*first, HasSubstr("snapshot-rbac-20260101-000000-0123456789abcdef"));
  for (const char* f : {"01-role.yaml", "02-rolebinding.yaml", "03-clusterrole.yaml",
                        "04-clusterrolebinding.yaml"}) {
    EXPECT_TRUE(std::filesystem::is_regular_file(std::filesystem::path(*first) / f)) << f;
  }
  Result<std::string> second = WriteSnapshotRbac(req, "reader", dir);
  EXPECT_EQ(second.status().code(), ErrorCode::kConflict);
}

TEST(WriteSnapshotRbacTest, RejectsBadNames) {
  SnapshotRequest req;
  EXPECT_EQ(WriteSnapshotRbac(req, "", ".").status().code(), ErrorCode::kInvalidRequest);
  EXPECT_EQ(WriteSnapshotRbac(req, "Bad_Name", ".").status().code(), ErrorCode::kInvalidRequest);
}

}  // namespace
}  // namespace aicr::client
