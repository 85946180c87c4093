#pragma once

/// \file
/// Test helper: a sandbox of fake executables for running generated shell scripts
/// (install.sh, apply-crds.sh, deploy.sh) without a cluster. Each fake appends its
/// argv as one line (`name arg1 arg2 ...`) to a call log and answers from rules;
/// real utilities the scripts need (bash, sed, awk, ...) are linked in beside them,
/// so PATH can hold this one directory and nothing else. Header-only.

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace aicr::testing {

/// Where `program` is on the current PATH, or "".
inline std::string FindOnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) {
      continue;
    }
    const std::string candidate = dir + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return "";
}

/// Fake executables plus links to real utilities in `<root>/bin`, state (call log,
/// rules, captured stdin) in `<root>/state`.
class FakeCommands {
 public:
  /// Utilities the generated scripts use, linked in by LinkStandardUtilities().
  static const std::vector<std::string>& StandardUtilities() {
    static const std::vector<std::string> kUtilities = {
        "awk", "basename", "bash",   "cat", "cut", "dirname", "env",  "grep", "head",
        "ls",  "mkdir",    "mktemp", "rm",  "sed", "sort",    "tail", "tr",   "wc"};
    return kUtilities;
  }

  explicit FakeCommands(std::string root) : root_(std::move(root)) {
    std::filesystem::create_directories(bin_dir());
    std::filesystem::create_directories(state_dir());
    std::ofstream(state_dir() + "/calls.log", std::ios::trunc).flush();
  }

  const std::string& root() const { return root_; }
  std::string bin_dir() const { return root_ + "/bin"; }
  std::string state_dir() const { return root_ + "/state"; }

  /// Links every StandardUtilities() program found on PATH into bin_dir().
  void LinkStandardUtilities() {
    for (const std::string& name : StandardUtilities()) {
      Link(name);
    }
  }

  /// Links the real `name` (from PATH) into bin_dir(); false when it is not installed.
  bool Link(const std::string& name) {
    const std::string target = FindOnPath(name);
    if (target.empty()) {
      return false;
    }
    std::error_code ec;
    std::filesystem::remove(bin_dir() + "/" + name, ec);
    std::filesystem::create_symlink(target, bin_dir() + "/" + name, ec);
    return !ec;
  }

  /// Adds a fake `name` that logs its argv and answers from the rules (exit 0 and no
  /// output when none matches). Its standard input is appended to
  /// `state/<name>.stdin` when its arguments contain `-f -`.
  void Fake(const std::string& name) { WriteFake(name, /*passthrough=*/false); }

  /// Adds a fake `name` that logs its argv, then runs its own arguments after the
  /// first (as `timeout DURATION CMD...` does).
  void FakePassthrough(const std::string& name) { WriteFake(name, /*passthrough=*/true); }

  /// When fake `name` is called with arguments matching the bash glob `glob`, it
  /// writes `output` (printf %b escapes) to stdout and exits `exit_code`. Rules are
  /// tried in the order added; `times` > 0 limits a rule to its first `times`
  /// matches. The output `BLOCK` makes the fake create `state/blocked` and sleep;
  /// `EXEC <path>` makes it run the program at <path> with its own arguments.
  void Rule(const std::string& name, const std::string& glob, int exit_code,
            const std::string& output = "", int times = 0) {
    std::ofstream rules(state_dir() + "/rules", std::ios::app);
    rules << name << kSep << glob << kSep << times << kSep << exit_code << kSep << output << "\n";
  }

  /// Every logged call, in order.
  std::vector<std::string> Calls() const { return Lines(state_dir() + "/calls.log"); }

  /// Logged calls starting with `prefix` (e.g. "helm upgrade").
  std::vector<std::string> Calls(const std::string& prefix) const {
    std::vector<std::string> out;
    for (const std::string& line : Calls()) {
      if (line.rfind(prefix, 0) == 0) {
        out.push_back(line);
      }
    }
    return out;
  }

  /// The text of `state/<file>`, or "".
  std::string State(const std::string& file) const {
    std::ifstream in(state_dir() + "/" + file, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  /// Clears the call log.
  void ResetCalls() { std::ofstream(state_dir() + "/calls.log", std::ios::trunc).flush(); }

  /// Removes every rule and its use counter.
  void ClearRules() {
    std::filesystem::remove(state_dir() + "/rules");
    for (const auto& entry : std::filesystem::directory_iterator(state_dir())) {
      if (entry.path().filename().string().rfind("used.", 0) == 0) {
        std::filesystem::remove(entry.path());
      }
    }
  }

 private:
  static constexpr char kSep = '\x1f';

  static std::vector<std::string> Lines(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> out;
    std::string line;
    while (std::getline(in, line)) {
      out.push_back(line);
    }
    return out;
  }

  void WriteFake(const std::string& name, bool passthrough) {
    std::string sleep_bin = FindOnPath("sleep");
    if (sleep_bin.empty()) {
      sleep_bin = "/bin/sleep";
    }
    std::string bash_bin = FindOnPath("bash");
    if (bash_bin.empty()) {
      bash_bin = "/bin/bash";
    }
    const std::string path = bin_dir() + "/" + name;
    std::ofstream out(path, std::ios::trunc);
    out << "#!" << bash_bin << "\n"
        << "state='" << state_dir() << "'\n"
        << "me='" << name << "'\n"
        << R"sh(line="${me}"
for a in "$@"; do line+=" ${a}"; done
printf '%s\n' "${line}" >>"${state}/calls.log"
)sh";
    if (passthrough) {
      out << "shift\nexec \"$@\"\n";
    } else {
      out << R"sh(args="$*"
if [[ " ${args} " == *" -f - "* ]]; then
  while IFS= read -r l || [[ -n "${l}" ]]; do printf '%s\n' "${l}"; done >>"${state}/${me}.stdin"
fi
n=0
if [[ -f "${state}/rules" ]]; then
  while IFS=$'\x1f' read -r r_name r_glob r_times r_exit r_out; do
    n=$((n + 1))
    [[ "${r_name}" == "${me}" ]] || continue
    # shellcheck disable=SC2053
    [[ "${args}" == ${r_glob} ]] || continue
    if ((r_times > 0)); then
      used=0
      [[ -f "${state}/used.${n}" ]] && used="$(<"${state}/used.${n}")"
      ((used < r_times)) || continue
      echo $((used + 1)) >"${state}/used.${n}"
    fi
    if [[ "${r_out}" == "EXEC "* ]]; then
      exec "${r_out#EXEC }" "$@"
    fi
    if [[ "${r_out}" == BLOCK ]]; then
      : >"${state}/blocked"
      exec )sh"
          << sleep_bin << R"sh( 60
    fi
    printf '%b' "${r_out}"
    exit "${r_exit}"
  done <"${state}/rules"
fi
exit 0
)sh";
    }
    out.close();
    chmod(path.c_str(), 0755);
  }

  std::string root_;
};

}  // namespace aicr::testing
