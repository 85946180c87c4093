// OCI push/pull throughput of a ~20 MiB bundle against a local registry (Debian's
// docker-registry on loopback), each against `curl` moving the same layer blob to and
// from the same registry in the same run (interleaved, so machine noise hits both).
// Prints medians and ratios. Asserts nothing.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "base/subprocess.h"
#include "oci/manifest.h"
#include "oci/pull.h"
#include "oci/push.h"
#include "tests/testing/oci_registry.h"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

/// ~20 MiB of bundle-like files: YAML text that compresses, plus some incompressible bytes.
std::vector<aicr::oci::BundleFile> MakeBundle() {
  std::mt19937_64 rng(42);
  std::vector<aicr::oci::BundleFile> files;
  for (int i = 0; i < 200; ++i) {
    std::string text;
    while (text.size() < 64 * 1024) {
      text += "component-" + std::to_string(i) +
              ":\n  image: nvcr.io/nvidia/x:" + std::to_string(rng() % 1000) +
              "\n  replicas: " + std::to_string(rng() % 9) + "\n";
    }
    files.push_back({"components/c" + std::to_string(i) + "/values.yaml", text, false});
  }
  std::string noise(std::size_t{8} * 1024 * 1024, '\0');
  for (char& c : noise) {
    c = static_cast<char>(rng());
  }
  files.push_back({"blobs/noise.bin", noise, false});
  return files;
}

bool Curl(const std::vector<std::string>& args, std::string* out = nullptr) {
  aicr::SubprocessOptions o;
  o.argv = {"curl", "-sS", "--fail"};
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  auto r = aicr::RunSubprocess(o);
  if (!r.ok() || !r->success()) {
    std::fprintf(stderr, "bench: curl failed: %s\n",
                 r.ok() ? r->err.c_str() : r.status().ToString().c_str());
    return false;
  }
  if (out != nullptr) {
    *out = r->out;
  }
  return true;
}

/// Monolithic upload of `file` (digest `digest`) with curl: POST, then PUT ?digest=.
bool CurlUpload(const std::string& host, const std::string& repo, const std::string& file,
                const std::string& digest) {
  std::string headers;
  if (!Curl({"-X", "POST", "-D", "-", "-o", "/dev/null",
             "http://" + host + "/v2/" + repo + "/blobs/uploads/"},
            &headers)) {
    return false;
  }
  std::string location;
  std::size_t pos = 0;
  while (pos < headers.size()) {
    std::size_t eol = headers.find('\n', pos);
    if (eol == std::string::npos) eol = headers.size();
    std::string line = headers.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() > 9 &&
        (line.compare(0, 9, "Location:") == 0 || line.compare(0, 9, "location:") == 0)) {
      location = line.substr(10);
    }
    pos = eol + 1;
  }
  if (location.rfind("http", 0) != 0) {
    location = "http://" + host + location;
  }
  return Curl(
      {"-X", "PUT", "-H", "Content-Type: application/octet-stream", "--data-binary", "@" + file,
       location + (location.find('?') == std::string::npos ? "?" : "&") + "digest=" + digest, "-o",
       "/dev/null"});
}

}  // namespace

int main() {
  aicr::testing::OciRegistry reg;
  if (const std::string why = reg.Start(); !why.empty()) {
    std::fprintf(stderr, "oci bench: %s\n", why.c_str());
    return 1;
  }
  const auto files = MakeBundle();
  std::size_t raw_bytes = 0;
  for (const auto& f : files) raw_bytes += f.bytes.size();

  const auto t0 = Clock::now();
  auto artifact = aicr::oci::BuildBundleArtifact(files, "bench");
  const double build_ms = Ms(Clock::now() - t0);
  if (!artifact.ok()) {
    std::fprintf(stderr, "oci bench: %s\n", artifact.status().ToString().c_str());
    return 1;
  }
  const std::string layer_file = reg.scratch() + "/layer.tgz";
  std::ofstream(layer_file, std::ios::binary) << artifact->layer;
  const std::string layer_digest = aicr::oci::DigestOf(artifact->layer);

  aicr::oci::RegistryOptions opts;
  opts.plain_http = true;
  opts.docker_config = reg.scratch() + "/none.json";

  constexpr int kIterations = 5;
  std::vector<double> push_ms, curl_up_ms, pull_ms, curl_down_ms;
  for (int i = 0; i < kIterations + 1; ++i) {
    const std::string n = std::to_string(i);
    // A fresh repository each time, so nothing is skipped as already present.
    auto s = Clock::now();
    auto pushed = aicr::oci::PushBundle(
        aicr::oci::Reference{reg.host(), "bench/ours" + n, "v1", ""}, files, "bench", opts);
    const double push = Ms(Clock::now() - s);
    if (!pushed.ok()) {
      std::fprintf(stderr, "oci bench: %s\n", pushed.status().ToString().c_str());
      return 1;
    }
    s = Clock::now();
    if (!CurlUpload(reg.host(), "bench/curl" + n, layer_file, layer_digest)) return 1;
    const double up = Ms(Clock::now() - s);

    s = Clock::now();
    auto pulled = aicr::oci::PullBundle(pushed->pinned, aicr::oci::PullLimits{}, opts);
    const double pull = Ms(Clock::now() - s);
    if (!pulled.ok()) {
      std::fprintf(stderr, "oci bench: %s\n", pulled.status().ToString().c_str());
      return 1;
    }
    s = Clock::now();
    if (!Curl({"-o", "/dev/null",
               "http://" + reg.host() + "/v2/bench/curl" + n + "/blobs/" + layer_digest})) {
      return 1;
    }
    const double down = Ms(Clock::now() - s);
    if (i == 0) continue;  // warm-up
    push_ms.push_back(push);
    curl_up_ms.push_back(up);
    pull_ms.push_back(pull);
    curl_down_ms.push_back(down);
  }
  const double mib = static_cast<double>(raw_bytes) / (1024.0 * 1024.0);
  const double layer_mib = static_cast<double>(artifact->layer.size()) / (1024.0 * 1024.0);
  std::printf("oci bench: %zu files, %.1f MiB raw, %.1f MiB layer (tar+gzip alone: %.0f ms)\n",
              files.size(), mib, layer_mib, build_ms);
  const double push = Median(push_ms), up = Median(curl_up_ms);
  const double pull = Median(pull_ms), down = Median(curl_down_ms);
  std::printf(
      "  push (pack + upload)  %8.1f ms  %7.1f MiB/s raw | curl upload of the layer %8.1f ms"
      "  ratio %.2fx\n",
      push, mib / (push / 1000.0), up, push / up);
  std::printf(
      "  pull (fetch + unpack) %8.1f ms  %7.1f MiB/s raw | curl download of the layer %6.1f ms"
      "  ratio %.2fx\n",
      pull, mib / (pull / 1000.0), down, pull / down);
  return 0;
}
