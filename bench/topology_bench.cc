// NodeTopology aggregation for a synthetic cluster (5,000 nodes by default) served
// by the in-repo test API server: the topology collector's wall time and peak RSS,
// each against its target (under 2 s, under 100 MiB), and, as the baseline
// measured in the same run against the same server, `kubectl get nodes -o json`.
// Every collection runs in a forked child so its memory is measured alone; the
// child also checks that it saw every node. Prints medians, targets, pass/fail and
// the ratio; asserts nothing about timings.

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bench/spawn.h"
#include "collector/topology/topology_collector.h"
#include "k8s/client.h"
#include "k8s/rest_config.h"
#include "tests/k8s-apiserver/test_apiserver.h"

namespace {

using aicr::bench::RunOnce;

constexpr double kTargetSeconds = 2.0;
constexpr double kTargetMiB = 100.0;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// `key` from /proc/self/status in KiB (VmRSS, VmHWM), or -1.
long StatusKib(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(key) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) {
      return std::strtol(line.c_str() + prefix.size(), nullptr, 10);
    }
  }
  return -1;
}

// A GPU cluster of `n` nodes: GPU node groups of several products over four
// zones, a CPU system pool, and taints of several kinds (GPU, dedicated
// training, spot, cordoned).
std::string SeedYaml(int n) {
  struct Pool {
    const char* product;  // empty: CPU pool
    const char* instance;
    const char* family;
  };
  const Pool pools[] = {
      {"NVIDIA-H100-80GB-HBM3", "p5.48xlarge", "h100"},
      {"NVIDIA-H200", "p5e.48xlarge", "h200"},
      {"NVIDIA-A100-SXM4-80GB", "p4de.24xlarge", "a100"},
      {"NVIDIA-L40S", "g6e.48xlarge", "l40s"},
      {"", "m7i.8xlarge", "system"},
  };
  const char* zones[] = {"us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"};
  std::ostringstream out;
  for (int i = 0; i < n; ++i) {
    const Pool& pool = pools[i % 5];
    const bool gpu = pool.product[0] != '\0';
    const char* zone = zones[(i / 5) % 4];
    char name[64];
    std::snprintf(name, sizeof(name), "ip-10-%d-%d-%d.us-west-2.compute.internal", (i >> 16) & 255,
                  (i >> 8) & 255, i & 255);
    out << "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: " << name << "\n  labels:\n"
        << "    kubernetes.io/arch: amd64\n    kubernetes.io/os: linux\n"
        << "    kubernetes.io/hostname: " << name << "\n"
        << "    node.kubernetes.io/instance-type: " << pool.instance << "\n"
        << "    topology.kubernetes.io/region: us-west-2\n"
        << "    topology.kubernetes.io/zone: " << zone << "\n"
        << "    eks.amazonaws.com/nodegroup: " << pool.family << "-" << zone << "\n"
        << "    eks.amazonaws.com/capacityType: " << (i % 7 == 0 ? "SPOT" : "ON_DEMAND") << "\n";
    if (gpu) {
      out << "    nvidia.com/gpu.present: \"true\"\n"
          << "    nvidia.com/gpu.product: " << pool.product << "\n"
          << "    nvidia.com/gpu.count: \"8\"\n"
          << "    nvidia.com/cuda.driver.major: \"570\"\n"
          << "    feature.node.kubernetes.io/pci-10de.present: \"true\"\n";
    } else {
      out << "    node-role.kubernetes.io/system: \"\"\n";
    }
    out << "spec:\n  providerID: aws:///" << zone << "/i-" << std::hex << (0x10000000 + i)
        << std::dec << "\n";
    std::vector<std::string> taints;
    if (gpu) {
      taints.push_back("{key: nvidia.com/gpu, value: present, effect: NoSchedule}");
    }
    if (gpu && i % 3 == 0) {
      taints.push_back("{key: dedicated, value: training, effect: NoExecute}");
    }
    if (i % 7 == 0) {
      taints.push_back("{key: spot, value: \"true\", effect: PreferNoSchedule}");
    }
    if (i % 97 == 0) {
      taints.push_back("{key: node.kubernetes.io/unschedulable, effect: NoSchedule}");
    }
    if (!taints.empty()) {
      out << "  taints:\n";
      for (const std::string& t : taints) {
        out << "  - " << t << "\n";
      }
    }
  }
  return out.str();
}

struct Collection {
  double seconds = 0;
  double peak_mib = 0;
  double growth_mib = 0;
  long nodes = -1;
};

// One collection in a forked child; nullopt-like (nodes < 0) on failure.
Collection CollectInChild(const std::string& url) {
  int fds[2];
  if (pipe(fds) != 0) {
    return {};
  }
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const long start_kib = StatusKib("VmRSS");
    const auto start = std::chrono::steady_clock::now();
    aicr::k8s::RestConfig config;
    config.server = url;
    auto client = aicr::k8s::Client::Connect(config);
    long nodes = -1;
    if (client.ok()) {
      aicr::collector::TopologyCollector collector(
          std::make_shared<const aicr::k8s::Client>(std::move(client).value()), 0);
      auto got = collector.Collect(aicr::collector::CollectContext{});
      if (got.ok() && got->measurement.has_value()) {
        const aicr::measurement::Subtype* summary = got->measurement->FindSubtype("summary");
        const aicr::measurement::Reading* count =
            summary != nullptr ? summary->Find("node-count") : nullptr;
        if (count != nullptr && count->AsInteger().has_value()) {
          nodes = static_cast<long>(*count->AsInteger());
        }
      } else if (!got.ok()) {
        std::fprintf(stderr, "topology bench: collection failed: %s\n",
                     got.status().ToString().c_str());
      }
    } else {
      std::fprintf(stderr, "topology bench: connect failed: %s\n",
                   client.status().ToString().c_str());
    }
    const auto end = std::chrono::steady_clock::now();
    Collection c;
    c.seconds = std::chrono::duration<double>(end - start).count();
    c.peak_mib = static_cast<double>(StatusKib("VmHWM")) / 1024.0;
    c.growth_mib = static_cast<double>(StatusKib("VmHWM") - start_kib) / 1024.0;
    c.nodes = nodes;
    const ssize_t w = write(fds[1], &c, sizeof(c));
    _exit(w == static_cast<ssize_t>(sizeof(c)) ? 0 : 1);
  }
  close(fds[1]);
  Collection c;
  const ssize_t r = pid > 0 ? read(fds[0], &c, sizeof(c)) : -1;
  close(fds[0]);
  int status = 0;
  if (pid > 0) {
    waitpid(pid, &status, 0);
  }
  if (r != static_cast<ssize_t>(sizeof(c)) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return {};
  }
  return c;
}

std::string Kubectl() {
  const char* env = std::getenv("KUBECTL");
  if (env != nullptr && *env != '\0') {
    return env;
  }
#ifdef AICR_TOOLS_BIN
  const std::string pinned = std::string(AICR_TOOLS_BIN) + "/kubectl";
  if (access(pinned.c_str(), X_OK) == 0) {
    return pinned;
  }
#endif
  return "kubectl";
}

const char* Verdict(bool ok) { return ok ? "PASS" : "FAIL"; }

}  // namespace

int main(int argc, char** argv) {
  const int nodes = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5000;
  const int iterations = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;

  char dir_template[] = "/tmp/aicr-topology-bench-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) {
    std::perror("topology bench: mkdtemp");
    return 1;
  }
  const std::string dir = dir_template;
  const std::string seed = dir + "/nodes.yaml";
  std::ofstream(seed) << SeedYaml(nodes);
  std::unique_ptr<aicr::testing::TestApiServer> server =
      aicr::testing::TestApiServer::Start({.seeds = {seed}});
  if (server == nullptr) {
    std::fprintf(stderr, "topology bench: the test API server did not start\n");
    return 1;
  }
  const std::string kubeconfig = server->WriteKubeconfig(dir);
  const std::vector<std::string> kubectl = {
      Kubectl(), "--kubeconfig", kubeconfig, "get", "nodes", "-o", "json", "--request-timeout=60s"};

  // Warm both paths once; the collector must see every node.
  const Collection first = CollectInChild(server->url());
  if (first.nodes != nodes) {
    std::fprintf(stderr, "topology bench: the collector reported %ld nodes, expected %d\n",
                 first.nodes, nodes);
    return 1;
  }
  RunOnce(kubectl);

  std::vector<double> t_collect;
  std::vector<double> t_kubectl;
  double peak = 0;
  double growth = 0;
  for (int i = 0; i < iterations; ++i) {
    const Collection c = CollectInChild(server->url());
    if (c.nodes != nodes) {
      std::fprintf(stderr, "topology bench: run %d reported %ld nodes\n", i, c.nodes);
      return 1;
    }
    t_collect.push_back(c.seconds);
    peak = std::max(peak, c.peak_mib);
    growth = std::max(growth, c.growth_mib);
    t_kubectl.push_back(RunOnce(kubectl).micros / 1e6);
  }
  const double tc = Median(t_collect);
  const double tk = Median(t_kubectl);
  std::printf(
      "topology: %d nodes, %d runs: collection median %.3f s (target < %.1f s: %s); peak RSS "
      "%.1f MiB, growth %.1f MiB (target < %.0f MiB: %s)\n",
      nodes, iterations, tc, kTargetSeconds, Verdict(tc < kTargetSeconds), peak, growth, kTargetMiB,
      Verdict(peak < kTargetMiB));
  std::printf(
      "topology: baseline kubectl get nodes -o json median %.3f s; collector/kubectl ratio "
      "%.2fx\n",
      tk, tc / tk);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}
