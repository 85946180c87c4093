// aicr-validator: the deployment-phase validator image's entry point.
//
//   aicr-validator <check>      one of: expected-resources, gpu-operator-version,
//                               operator-health
//
// The contract (exit codes, stdout evidence, termination log, environment) is
// documented in validator/checks/runner.h and context_loader.h.

#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "base/cancel.h"
#include "base/log.h"
#include "validator/checks/builtin.h"
#include "validator/checks/runner.h"

int main(int argc, char** argv) {
  using namespace aicr::validator::checks;  // NOLINT(google-build-using-namespace)
  aicr::log::Configure(aicr::log::OptionsFromEnv(false, false, isatty(2) == 1));
  const aicr::CancelToken cancel = aicr::InstallSignalCancellation();

  aicr::Result<CheckRegistry> registry = DeploymentChecks();
  if (!registry.ok()) {
    std::cerr << registry.status().ToString() << "\n";
    return kExitFailed;
  }
  std::vector<std::string> args(argv, argv + argc);
  RunnerOptions options;
  options.out = &std::cout;
  options.cancel = cancel;
  return RunValidator(args, *registry, options);
}
