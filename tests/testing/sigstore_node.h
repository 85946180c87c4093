#pragma once

// Running the independent Sigstore implementation the tests compare against: the pinned npm
// packages (@sigstore/verify, @sigstore/bundle, @sigstore/core, @sigstore/protobuf-specs) through
// the scripts in tests/tools, with the node executable found on PATH.

#include <cstdlib>
#include <string>
#include <vector>

namespace aicr::testing {

/// What a node script printed and how it ended (exit_code -1 when it could not run or timed out).
struct NodeRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Why the node tooling is unusable ("node is not on PATH", "<pkg> is not installed ..."), or ""
/// when node and the packages are present.
std::string SigstoreNodeProblem();

/// Runs `node tests/tools/<script> <args...>` (60 s limit).
NodeRun RunSigstoreNodeScript(const std::string& script, const std::vector<std::string>& args);

}  // namespace aicr::testing

// Skips when node or the packages are missing, except on CI (CI=true), where that fails.
#define AICR_REQUIRE_SIGSTORE_NODE()                                    \
  do {                                                                  \
    const std::string problem = ::aicr::testing::SigstoreNodeProblem(); \
    if (!problem.empty()) {                                             \
      const char* ci = std::getenv("CI");                               \
      if (ci != nullptr && std::string(ci) == "true") {                 \
        FAIL() << problem << "; CI runs scripts/install-tools.sh";      \
      }                                                                 \
      GTEST_SKIP() << problem << "; run scripts/install-tools.sh";      \
    }                                                                   \
  } while (false)
