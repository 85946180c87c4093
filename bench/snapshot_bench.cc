// Whole-process benchmark of `aicr snapshot --local` (every host collector on this
// machine, document to stdout) against a baseline that reads the same host data
// with stock tools in the same run: `sysctl -a` plus `cat /proc/cmdline
// /proc/modules /etc/os-release`. Runs are interleaved so machine noise hits both
// alike. Prints medians and the ratio; asserts nothing. Before measuring, one run
// must produce a Snapshot document, else the benchmark stops with the reason.

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "bench/spawn.h"

namespace {

using aicr::bench::RunOnce;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Runs argv once with stdout and stderr in files; returns the exit status
// (-1 when it could not start, 128 + signal when killed).
int RunCaptured(const std::vector<std::string>& argv, const std::string& out_path,
                const std::string& err_path) {
  std::vector<char*> args;
  for (const std::string& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return -1;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) {
    return 128 + WTERMSIG(status);
  }
  return WEXITSTATUS(status);
}

std::string Tail(const std::string& text, std::size_t n) {
  return text.size() <= n ? text : "..." + text.substr(text.size() - n);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s path/to/aicr [iterations]\n", argv[0]);
    return 2;
  }
  const int iterations = argc > 2 ? std::max(1, std::atoi(argv[2])) : 30;
  const std::vector<std::string> snapshot = {argv[1], "snapshot", "--local"};
  // Files missing on this host (e.g. /proc/modules without loadable modules) are
  // skipped, as the collectors skip them.
  const std::vector<std::string> baseline = {
      "sh", "-c",
      "sysctl -a >/dev/null 2>&1; for f in /proc/cmdline /proc/modules /etc/os-release; do "
      "if [ -r \"$f\" ]; then cat \"$f\"; fi; done >/dev/null; exit 0"};

  // The command must work before its time means anything.
  char dir_template[] = "/tmp/aicr-snapshot-bench-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) {
    std::perror("snapshot bench: mkdtemp");
    return 1;
  }
  const std::string dir = dir_template;
  const std::string out = dir + "/snapshot.yaml";
  const std::string err = dir + "/stderr.txt";
  const int rc = RunCaptured(snapshot, out, err);
  const std::string doc = ReadAll(out);
  const std::string diag = ReadAll(err);
  std::remove(out.c_str());
  std::remove(err.c_str());
  rmdir(dir.c_str());
  if (rc != 0) {
    std::fprintf(stderr,
                 "snapshot bench: `aicr snapshot --local` does not work in this build or on this "
                 "machine (exit %d); nothing measured.\n%s\n",
                 rc, Tail(diag, 2000).c_str());
    return 1;
  }
  if (doc.find("kind: Snapshot") == std::string::npos ||
      doc.find("measurements:") == std::string::npos) {
    std::fprintf(stderr,
                 "snapshot bench: `aicr snapshot --local` exited 0 but printed no Snapshot "
                 "document with measurements; nothing measured.\n%s\n",
                 Tail(doc, 1000).c_str());
    return 1;
  }

  std::vector<double> t_snapshot;
  std::vector<double> t_base;
  std::vector<double> rss_snapshot;
  for (int i = 0; i < 3; ++i) {  // warm the page cache
    RunOnce(snapshot);
    RunOnce(baseline);
  }
  for (int i = 0; i < iterations; ++i) {
    const aicr::bench::Run s = RunOnce(snapshot);
    t_snapshot.push_back(s.micros);
    rss_snapshot.push_back(static_cast<double>(s.max_rss_kib));
    t_base.push_back(RunOnce(baseline).micros);
  }
  const double s = Median(t_snapshot);
  const double b = Median(t_base);
  std::printf(
      "snapshot: aicr snapshot --local median %.1f ms (peak RSS median %.1f MiB, document %zu "
      "bytes), baseline sysctl -a + cat /proc/{cmdline,modules} /etc/os-release median %.1f ms, "
      "ratio %.2fx (%d runs each)\n",
      s / 1000.0, Median(rss_snapshot) / 1024.0, doc.size(), b / 1000.0, s / b, iterations);
  return 0;
}
