// Whole-process benchmark of bundle signing and verification on the largest
// catalogue recipe (chosen by the Makefile), each against a baseline measured in
// the same run and interleaved with it so machine noise hits both alike:
//   - `aicr bundle --attest --signing-key … --tlog-upload=false` against the same
//     `aicr bundle` unsigned: the ratio is the cost of attesting;
//   - `aicr verify --key …` of the signed bundle against `sha256sum -c
//     checksums.txt` in the bundle (the inventory check alone, by coreutils).
// Keys are made with the openssl tool (Ed25519 and ECDSA P-256). Prints medians
// and ratios; asserts nothing.
//
// usage: aicr_bench_attest path/to/aicr recipe.yaml [iterations]

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/spawn.h"

namespace {

namespace fs = std::filesystem;
using aicr::bench::RunOnce;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::vector<std::string> Bundle(const std::string& aicr, const std::string& recipe,
                                const std::string& out) {
  return {aicr,
          "bundle",
          "-r",
          recipe,
          "-o",
          out,
          "--system-node-selector",
          "nodeGroup=system",
          "--accelerated-node-selector",
          "nvidia.com/gpu.present=true"};
}

void MeasureKey(const std::string& aicr, const std::string& recipe, const fs::path& work,
                const std::string& algorithm, const std::vector<std::string>& genkey,
                int iterations) {
  const std::string key = (work / (algorithm + ".pem")).string();
  const std::string pub = (work / (algorithm + ".pub.pem")).string();
  std::vector<std::string> gen = genkey;
  gen.insert(gen.end(), {"-out", key});
  RunOnce(gen);
  RunOnce({"openssl", "pkey", "-in", key, "-pubout", "-out", pub});

  const std::string plain_dir = (work / ("plain-" + algorithm)).string();
  const std::string signed_dir = (work / ("signed-" + algorithm)).string();
  const std::vector<std::string> plain = Bundle(aicr, recipe, plain_dir);
  std::vector<std::string> attested = Bundle(aicr, recipe, signed_dir);
  attested.insert(attested.end(),
                  {"--attest", "--signing-key", "file://" + key, "--tlog-upload=false"});
  const std::vector<std::string> verify = {aicr, "verify", signed_dir, "--key", pub};
  const std::vector<std::string> sums = {
      "/bin/sh", "-c", "cd \"$0\" && sha256sum --quiet -c checksums.txt", signed_dir};

  // Warm-up (RunOnce stops the benchmark if any of them fails).
  RunOnce(plain);
  RunOnce(attested);
  RunOnce(verify);
  RunOnce(sums);
  std::vector<double> t_plain, t_signed, t_verify, t_sums;
  long rss = 0;
  for (int i = 0; i < iterations; ++i) {
    t_plain.push_back(RunOnce(plain).micros);
    t_signed.push_back(RunOnce(attested).micros);
    const aicr::bench::Run v = RunOnce(verify);
    t_verify.push_back(v.micros);
    rss = std::max(rss, v.max_rss_kib);
    t_sums.push_back(RunOnce(sums).micros);
  }
  std::size_t files = 0;
  std::uintmax_t bytes = 0;
  for (const auto& e : fs::recursive_directory_iterator(signed_dir)) {
    if (e.is_regular_file()) {
      ++files;
      bytes += e.file_size();
    }
  }
  const double p = Median(t_plain), s = Median(t_signed), v = Median(t_verify), c = Median(t_sums);
  std::printf("%-8s bundle (%zu files, %ju bytes): unsigned %.1f ms, attested %.1f ms (%.2fx)\n",
              algorithm.c_str(), files, bytes, p / 1000, s / 1000, s / p);
  std::printf("%-8s verify --key %.1f ms (peak RSS %.1f MiB) vs sha256sum -c %.1f ms (%.2fx)\n",
              algorithm.c_str(), v / 1000, static_cast<double>(rss) / 1024, c / 1000, v / c);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s path/to/aicr recipe.yaml [iterations]\n", argv[0]);
    return 2;
  }
  const std::string aicr = argv[1];
  const std::string recipe = argv[2];
  const int iterations = argc > 3 ? std::max(1, std::atoi(argv[3])) : 15;
  char dir_template[] = "/tmp/aicr-attest-bench-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) {
    std::fprintf(stderr, "bench: cannot create a temporary directory\n");
    return 1;
  }
  const fs::path work = dir_template;
  std::printf("sign + verify, %d interleaved runs each (medians)\n", iterations);
  MeasureKey(aicr, recipe, work, "ed25519", {"openssl", "genpkey", "-algorithm", "ed25519"},
             iterations);
  MeasureKey(aicr, recipe, work, "p256",
             {"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"},
             iterations);
  std::error_code ec;
  fs::remove_all(work, ec);
  return 0;
}
