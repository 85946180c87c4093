#pragma once

// The real `aicr` binary run offline for black-box tests: no kubeconfig, no in-cluster
// environment, no log-format overrides, HOME in the test's private directory; and the
// embedded catalogue's EKS H100 training recipe written once per test process.
// Needs AICR_BINARY (the target's compile definition).

#include <string>
#include <vector>

#include "tests/e2e/subprocess.h"

namespace aicr::testing {

inline ProcessResult OfflineAicr(std::vector<std::string> args) {
  args.insert(args.begin(), AICR_BINARY);
  ProcessOptions options;
  options.env_unset = {"AICR_DEBUG",    "AICR_LOG_JSON",           "NO_COLOR",
                       "KUBECONFIG",    "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT",
                       "AICR_NAMESPACE"};
  options.env_set["HOME"] = TestTempDir();
  return RunProcess(args, options);
}

// `aicr recipe --service eks --accelerator h100 --intent training`, written to a file once.
inline const std::string& EksH100TrainingRecipe() {
  static const std::string path = [] {
    const std::string p = TestTempDir() + "/eks-h100-training-recipe.yaml";
    const ProcessResult r = OfflineAicr(
        {"recipe", "--service", "eks", "--accelerator", "h100", "--intent", "training", "-o", p});
    if (r.exit_code != 0) {
      return std::string();
    }
    return p;
  }();
  return path;
}

}  // namespace aicr::testing
