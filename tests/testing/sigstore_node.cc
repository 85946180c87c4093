#include "tests/testing/sigstore_node.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "base/subprocess.h"

namespace aicr::testing {
namespace {

std::string ToolsDir() {
  const char* env = std::getenv("AICR_SOURCE_DIR");
  const std::string source =
      env != nullptr && *env != '\0' ? std::string(env) : std::string(AICR_SOURCE_DIR);
  return source + "/tests/tools";
}

// The node executable on PATH, or "".
std::string NodePath() {
  const char* path = std::getenv("PATH");
  const std::string dirs = path != nullptr ? path : "";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::string dir = dirs.substr(start, end - start);
    if (!dir.empty() && access((dir + "/node").c_str(), X_OK) == 0) {
      return dir + "/node";
    }
    start = end + 1;
  }
  return "";
}

}  // namespace

std::string SigstoreNodeProblem() {
  if (NodePath().empty()) {
    return "node is not on PATH";
  }
  for (const char* pkg :
       {"@sigstore/verify", "@sigstore/bundle", "@sigstore/core", "@sigstore/protobuf-specs"}) {
    if (access((ToolsDir() + "/node_modules/" + pkg + "/package.json").c_str(), R_OK) != 0) {
      return std::string(pkg) + " is not installed in tests/tools/node_modules";
    }
  }
  return "";
}

NodeRun RunSigstoreNodeScript(const std::string& script, const std::vector<std::string>& args) {
  SubprocessOptions options;
  options.argv = {NodePath(), ToolsDir() + "/" + script};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.timeout = std::chrono::seconds(60);
  Result<SubprocessResult> result = RunSubprocess(options);
  NodeRun run;
  if (!result.ok()) {
    run.err = result.status().ToString();
    return run;
  }
  run.exit_code = result->timed_out ? -1 : result->exit_code;
  run.out = result->out;
  run.err = result->err;
  return run;
}

}  // namespace aicr::testing
