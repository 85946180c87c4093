// aicrd: the stateless AICR REST server. Configuration comes from the
// environment (see server/config.h); logs are JSON lines on stderr.

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "base/log.h"
#include "base/version.h"
#include "server/config.h"
#include "server/server.h"

int main(int argc, char** argv) {
  using aicr::server::Config;
  if (argc > 1 && (std::string(argv[1]) == "--version" || std::string(argv[1]) == "version")) {
    std::cout << aicr::VersionLine("aicrd") << "\n";
    return 0;
  }
  if (argc > 1) {
    std::cerr << "usage: aicrd [--version]\n(configured through the environment: PORT, "
                 "AICR_SERVER_ADDRESS, SHUTDOWN_TIMEOUT_SECONDS, AICR_LOG_LEVEL, ...)\n";
    return 2;
  }
  aicr::Result<Config> config = aicr::server::ConfigFromEnv(aicr::ProcessEnv());
  aicr::log::Options log_options;
  log_options.format = aicr::log::Format::kJson;
  log_options.min_level = config.ok() ? config->log_level : aicr::log::Level::kInfo;
  aicr::log::Configure(log_options);
  if (!config.ok()) {
    aicr::log::Error("invalid configuration", {{"error", config.status().message()}});
    return 2;
  }
  // Signals are taken synchronously by this thread; every other thread blocks them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  aicr::server::Server server(*config);
  aicr::Result<int> port = server.Start();
  if (!port.ok()) {
    aicr::log::Error("cannot start", {{"error", port.status().message()}});
    return 6;
  }
  aicr::log::Info("aicrd listening",
                  {{"address", config->address.empty() ? "0.0.0.0" : config->address},
                   {"port", std::to_string(*port)},
                   {"version", aicr::GetBuildInfo().version}});
  int sig = 0;
  while (sigwait(&signals, &sig) != 0) {
  }
  aicr::log::Info("shutdown signal received", {{"signal", std::to_string(sig)}});
  if (!server.Shutdown()) {
    aicr::log::Error("in-flight requests did not finish; exiting");
    std::fflush(nullptr);
    std::_Exit(1);
  }
  aicr::log::Info("aicrd stopped");
  return 0;
}
