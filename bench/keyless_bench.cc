// Keyless Sigstore verification time per bundle, offline, on the public conformance
// bundles beside the checkout (../shared/conformance/sigstore-bundle-verify): parse
// the bundle, then VerifyKeyless against the public-good root (Rekor v1 entry with
// SET, inclusion proof and checkpoint; Fulcio chain at the signing time; SCT;
// signature; identity) — and, as a baseline measured in the same run, parsing the
// bundle alone. Prints medians and the ratio (target: well under 10 ms per bundle).
// Asserts nothing.
//
// usage: aicr_bench_keyless path/to/sigstore-bundle-verify [iterations]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "attest/sigstore_bundle.h"
#include "attest/trusted_root.h"
#include "attest/verify_keyless.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double MicrosSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s path/to/sigstore-bundle-verify [iterations]\n", argv[0]);
    return 2;
  }
  const fs::path cases = argv[1];
  const int iterations = argc > 2 ? std::max(1, std::atoi(argv[2])) : 200;
  const std::string identity =
      "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/"
      "workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
  auto root = aicr::attest::ParseTrustedRoot(Slurp(cases / "trusted_root.public_good.json"));
  if (!root.ok()) {
    std::fprintf(stderr, "bench: %s\n", root.status().ToString().c_str());
    return 1;
  }
  aicr::attest::Artifact artifact;
  artifact.bytes = Slurp(cases / "a.txt");
  aicr::attest::IdentityPolicy policy;
  policy.san = identity;
  policy.issuer = "https://token.actions.githubusercontent.com";
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  std::printf("keyless verification, %d interleaved runs per bundle (medians)\n", iterations);
  for (const char* name : {"happy-path-v0.3", "happy-path-intoto-in-dsse-v3"}) {
    const std::string json = Slurp(cases / name / "bundle.sigstore.json");
    aicr::attest::Artifact subject = artifact;
    if (std::string(name) == "happy-path-intoto-in-dsse-v3") {
      subject.bytes.reset();
      subject.sha256_hex = "a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf";
    }
    std::vector<double> parse_us, verify_us;
    for (int i = 0; i < iterations; ++i) {
      auto t0 = Clock::now();
      auto parsed = aicr::attest::ParseSigstoreBundle(json);
      parse_us.push_back(MicrosSince(t0));
      t0 = Clock::now();
      auto bundle = aicr::attest::ParseSigstoreBundle(json);
      const auto outcome = aicr::attest::VerifyKeyless(*bundle, *root, policy, subject, now);
      verify_us.push_back(MicrosSince(t0));
      if (!parsed.ok() || !outcome.verified) {
        std::fprintf(stderr, "bench: %s did not verify: %s\n", name, outcome.reason.c_str());
        return 1;
      }
    }
    const double p = Median(parse_us), v = Median(verify_us);
    std::printf("%-30s parse %.3f ms, parse + verify %.3f ms (%.1fx)\n", name, p / 1000, v / 1000,
                v / p);
  }
  return 0;
}
