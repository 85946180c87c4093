// aicr_test_apiserver: a wire-compatible Kubernetes API server for tests (see README.md).

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <thread>

#include "tests/k8s-apiserver/server.h"

int main(int argc, char** argv) {
  using aicr::testing::apiserver::ApiServer;
  using aicr::testing::apiserver::ServerConfig;
  ServerConfig config;
  std::string err;
  if (!aicr::testing::apiserver::ParseFlags(argc, argv, &config, &err)) {
    std::cerr << "aicr_test_apiserver: " << err << "\n";
    return 2;
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  ApiServer server(config);
  if (!server.Start(&err)) {
    std::cerr << "aicr_test_apiserver: " << err << "\n";
    return 1;
  }
  std::thread signals([&server, set] {
    int sig = 0;
    sigwait(&set, &sig);
    server.Stop();
  });
  std::printf("{\"url\":\"%s\"}\n", server.url().c_str());
  std::fflush(stdout);
  server.Serve();
  server.Stop();
  pthread_kill(signals.native_handle(), SIGTERM);
  signals.join();
  return 0;
}
