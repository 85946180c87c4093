#include "mirror/helm_render.h"

#include <cctype>

#include "base/status_macros.h"
#include "base/strings.h"
#include "base/subprocess.h"

namespace aicr::mirror {
namespace {

// `major.minor` or `major.minor.patch`, digits only.
bool IsPlainVersion(std::string_view v) {
  std::size_t parts = 1;
  bool digit = false;
  for (const char c : v) {
    if (c == '.') {
      if (!digit) {
        return false;
      }
      ++parts;
      digit = false;
    } else if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      digit = true;
    } else {
      return false;
    }
  }
  return digit && parts >= 2 && parts <= 3;
}

// The last non-blank line of helm's stderr, bounded.
std::string LastErrorLine(const std::string& err) {
  std::string_view rest = Trim(err);
  const std::size_t nl = rest.find_last_of('\n');
  std::string_view line = Trim(nl == std::string_view::npos ? rest : rest.substr(nl + 1));
  if (line.substr(0, 7) == "Error: ") {
    line.remove_prefix(7);
  }
  constexpr std::size_t kMax = 400;
  std::string out(line.substr(0, kMax));
  if (line.size() > kMax) {
    out += "...";
  }
  return out.empty() ? std::string("no error output") : out;
}

}  // namespace

std::string KubeVersionFromConstraints(const std::vector<recipe::Constraint>& constraints) {
  for (const recipe::Constraint& c : constraints) {
    if (c.name != kK8sVersionConstraint) {
      continue;
    }
    std::string_view v = Trim(c.value);
    while (!v.empty() &&
           (v.front() == '>' || v.front() == '<' || v.front() == '=' || v.front() == '!' ||
            v.front() == '~' || v.front() == '^' || IsSpace(v.front()))) {
      v.remove_prefix(1);
    }
    const std::size_t end = v.find_first_of(" \t,");
    v = v.substr(0, end);
    if (!v.empty() && (v.front() == 'v' || v.front() == 'V')) {
      v.remove_prefix(1);
    }
    if (IsPlainVersion(v)) {
      return std::string(v);
    }
    break;
  }
  return std::string(kDefaultKubeVersion);
}

std::vector<std::string> HelmTemplateArgs(const ChartInput& input,
                                          const HelmRenderOptions& options) {
  std::vector<std::string> argv = {options.helm, "template", input.release};
  const bool oci = input.repository.rfind("oci://", 0) == 0;
  if (oci) {
    std::string repo = input.repository;
    while (!repo.empty() && repo.back() == '/') {
      repo.pop_back();
    }
    argv.push_back(repo + "/" + input.chart);
  } else {
    argv.push_back(input.chart);
    argv.push_back("--repo");
    argv.push_back(input.repository);
  }
  if (!input.version.empty()) {
    argv.push_back("--version");
    argv.push_back(input.version);
  }
  if (!input.namespace_.empty()) {
    argv.push_back("--namespace");
    argv.push_back(input.namespace_);
  }
  argv.push_back("--kube-version");
  argv.push_back(options.kube_version);
  for (const std::string& api : options.api_versions) {
    argv.push_back("--api-versions");
    argv.push_back(api);
  }
  argv.push_back("--values");
  argv.push_back("-");
  return argv;
}

Result<std::string> RenderHelmChart(const ChartInput& input, const HelmRenderOptions& options,
                                    const CancelToken& cancel) {
  SubprocessOptions run;
  run.argv = HelmTemplateArgs(input, options);
  run.stdin_mode = SubprocessStdin::kData;
  run.stdin_data = input.values_yaml;
  run.max_stdout_bytes = options.max_output_bytes;
  run.timeout = options.timeout;
  Result<SubprocessResult> result = RunSubprocess(run, cancel);
  if (!result.ok()) {
    if (result.status().code() == ErrorCode::kNotFound) {
      return NotFoundError(
          "helm binary not found on PATH; install helm to discover images "
          "from chart templates");
    }
    return result.status();
  }
  AICR_RETURN_IF_ERROR(cancel.Check());
  if (result->timed_out) {
    return TimeoutError("helm template timed out after " +
                        std::to_string(options.timeout.count() / 1000) + "s");
  }
  if (!result->success()) {
    return UnavailableError("helm template: " + LastErrorLine(result->err));
  }
  if (result->out_truncated) {
    return InvalidRequestError("helm template output exceeds " +
                               std::to_string(options.max_output_bytes) + " bytes");
  }
  return std::move(result->out);
}

}  // namespace aicr::mirror
