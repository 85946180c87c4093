#pragma once

/// \file
/// Test fixture: a classic Helm chart repository on 127.0.0.1. Charts are written
/// from in-memory files, packaged with the real `helm package`, indexed with
/// `helm repo index --url <this server>`, and the folder is served over plain HTTP
/// by cpp-httplib on a free port. Helm's cache, config and data folders live in the
/// fixture's temporary folder (helm_env()), so nothing outside it is touched.
/// Header-only; link PkgConfig::HTTPLIB.

#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/subprocess.h"
#include "base/temp_dir.h"

namespace aicr::testing {

/// One chart: `Chart.yaml` is generated from name and version (plus `kube_version`
/// as its `kubeVersion` constraint when set); `files` are further chart files by
/// relative path (`values.yaml`, `templates/deployment.yaml`).
struct ChartSpec {
  std::string name;
  std::string version;
  std::map<std::string, std::string> files = {};
  std::string kube_version = {};
};

class ChartRepo {
 public:
  ChartRepo() = default;
  ChartRepo(const ChartRepo&) = delete;
  ChartRepo& operator=(const ChartRepo&) = delete;
  ~ChartRepo() { Stop(); }

  /// Packages `charts` with the `helm` at `helm` and starts serving them. Returns ""
  /// on success, else what failed (with helm's error output).
  std::string Start(const std::string& helm, const std::vector<ChartSpec>& charts) {
    Result<TempDir> dir = TempDir::Create("aicr-chart-repo-");
    if (!dir.ok()) {
      return dir.status().message();
    }
    dir_ = std::make_unique<TempDir>(std::move(dir).value());
    const std::string root = dir_->path();
    repo_dir_ = root + "/repo";
    std::filesystem::create_directories(repo_dir_);
    for (const char* d : {"/helm-cache", "/helm-config", "/helm-data"}) {
      std::filesystem::create_directories(root + d);
    }
    env_ = {{"HELM_CACHE_HOME", root + "/helm-cache"},
            {"HELM_CONFIG_HOME", root + "/helm-config"},
            {"HELM_DATA_HOME", root + "/helm-data"}};
    for (const ChartSpec& chart : charts) {
      const std::string src = root + "/src/" + chart.name;
      std::filesystem::create_directories(src + "/templates");
      std::ofstream(src + "/Chart.yaml")
          << "apiVersion: v2\nname: " << chart.name << "\nversion: " << chart.version
          << "\ntype: application\n"
          << (chart.kube_version.empty() ? "" : "kubeVersion: \"" + chart.kube_version + "\"\n");
      for (const auto& [path, text] : chart.files) {
        std::filesystem::create_directories(std::filesystem::path(src + "/" + path).parent_path());
        std::ofstream(src + "/" + path) << text;
      }
      if (std::string err = Helm(helm, {"package", src, "--destination", repo_dir_});
          !err.empty()) {
        return err;
      }
    }
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) {
      return "cannot bind a loopback port";
    }
    if (std::string err = Helm(helm, {"repo", "index", repo_dir_, "--url", url()}); !err.empty()) {
      return err;
    }
    if (!server_.set_mount_point("/", repo_dir_)) {
      return "cannot serve " + repo_dir_;
    }
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 5000 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return "";
  }

  /// Stops serving (idempotent); requests then fail with connection refused.
  void Stop() {
    if (thread_.joinable()) {
      server_.stop();
      thread_.join();
    }
  }

  /// `http://127.0.0.1:<port>`.
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// The HELM_*_HOME variables of this fixture, for any helm the test runs.
  const std::map<std::string, std::string>& helm_env() const { return env_; }
  /// A folder the test may write into; removed with the fixture.
  std::string scratch_dir() const { return dir_ != nullptr ? dir_->path() : ""; }

 private:
  std::string Helm(const std::string& helm, std::vector<std::string> args) {
    SubprocessOptions run;
    run.argv = {helm};
    run.argv.insert(run.argv.end(), args.begin(), args.end());
    for (const auto& [k, v] : env_) {
      run.env_add.emplace_back(k, v);
    }
    run.timeout = std::chrono::seconds(60);
    Result<SubprocessResult> r = RunSubprocess(run);
    if (!r.ok()) {
      return r.status().message();
    }
    if (!r->success()) {
      return "helm " + args[0] + " failed: " + r->err;
    }
    return "";
  }

  std::unique_ptr<TempDir> dir_;
  std::string repo_dir_;
  std::map<std::string, std::string> env_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace aicr::testing
