#pragma once

/// \file
/// Test helper: validates Kubernetes objects in YAML files with an independent
/// consumer, tests/tools/validate-k8s.mjs, which checks each object against the JSON
/// schema of its apiVersion/kind shipped by the pinned npm packages kubernetes-models,
/// @kubernetes-models/argo-cd and @kubernetes-models/flux-cd (installed into
/// tests/tools/node_modules by scripts/install-tools.sh). Header-only.
///
///   REQUIRE_K8S_VALIDATOR();
///   const auto r = aicr::testing::ValidateK8sFiles({path});
///   EXPECT_EQ(r.exit_code, 0) << r.output;
///
/// Exit codes: 0 every known object is valid; 1 an object is invalid, a document is
/// not YAML, or (strict) an object's apiVersion/kind has no schema; 2 usage error or
/// unreadable file; 127 node could not be run. Objects without a schema are listed
/// as "unvalidated <apiVersion> <kind>" and do not fail unless `strict`.

#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "tests/e2e/subprocess.h"

namespace aicr::testing {

struct K8sValidation {
  int exit_code = -1;  ///< the validator's exit status (see the file comment)
  std::string output;  ///< its stdout, then its stderr
};

/// The repository root: $AICR_SOURCE_DIR when set, else the build's AICR_SOURCE_DIR.
inline std::string K8sValidatorSourceDir() {
  const char* env = std::getenv("AICR_SOURCE_DIR");
  if (env != nullptr && *env != '\0') {
    return env;
  }
#ifdef AICR_SOURCE_DIR
  return AICR_SOURCE_DIR;
#else
  return "";
#endif
}

/// The absolute path of tests/tools/validate-k8s.mjs.
inline std::string K8sValidatorScript() {
  return K8sValidatorSourceDir() + "/tests/tools/validate-k8s.mjs";
}

/// Why the validator cannot run here ("" when it can): node missing from PATH, the
/// script missing, or the npm packages not installed (scripts/install-tools.sh).
inline std::string K8sValidatorMissing() {
  if (K8sValidatorSourceDir().empty()) {
    return "AICR_SOURCE_DIR is not set";
  }
  if (access(K8sValidatorScript().c_str(), R_OK) != 0) {
    return K8sValidatorScript() + " not found";
  }
  if (!HaveProgram("node")) {
    return "node is not on PATH";
  }
  const std::string modules = K8sValidatorSourceDir() + "/tests/tools/node_modules/";
  for (const char* pkg :
       {"kubernetes-models", "@kubernetes-models/argo-cd", "@kubernetes-models/flux-cd", "yaml"}) {
    const std::string manifest = modules + pkg + "/package.json";
    if (access(manifest.c_str(), R_OK) != 0) {
      return std::string("npm package ") + pkg + " is not installed";
    }
  }
  return "";
}

namespace internal {

inline K8sValidation RunK8sValidator(std::vector<std::string> args, bool strict,
                                     const std::string& stdin_data) {
  std::vector<std::string> argv = {"node", K8sValidatorScript()};
  if (strict) {
    argv.emplace_back("--strict");
  }
  argv.emplace_back("--");
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions options;
  options.stdin_data = stdin_data;
  ProcessResult r = RunProcess(argv, options);
  return {r.exit_code, r.out + r.err};
}

}  // namespace internal

/// Validates every YAML document in `files` (a "-" among them reads an empty stdin).
inline K8sValidation ValidateK8sFiles(const std::vector<std::string>& files, bool strict = false) {
  return internal::RunK8sValidator(files, strict, "");
}

/// Validates the YAML stream `yaml` (fed on stdin; messages name it "<stdin>").
inline K8sValidation ValidateK8sYaml(const std::string& yaml, bool strict = false) {
  return internal::RunK8sValidator({"-"}, strict, yaml);
}

}  // namespace aicr::testing

/// Skips the test when the Kubernetes object validator cannot run (node or the npm
/// packages missing), except on CI (CI=true), where that is a failure: CI runs
/// scripts/install-tools.sh.
#define REQUIRE_K8S_VALIDATOR()                                                           \
  do {                                                                                    \
    const std::string k8s_validator_missing = ::aicr::testing::K8sValidatorMissing();     \
    if (!k8s_validator_missing.empty()) {                                                 \
      const char* ci = std::getenv("CI");                                                 \
      if (ci != nullptr && std::string(ci) == "true") {                                   \
        FAIL() << k8s_validator_missing << "; required on CI (scripts/install-tools.sh)"; \
      }                                                                                   \
      GTEST_SKIP() << k8s_validator_missing << "; run scripts/install-tools.sh";          \
    }                                                                                     \
  } while (false)
