#include "cli/skill.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "base/atomic_file.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "cli/help.h"

namespace aicr::cli {
namespace {

namespace fs = std::filesystem;

// Whitespace runs (newlines included) as single spaces, for one-line Markdown items.
std::string OneLine(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += c;
  }
  return out;
}

void FlagItem(std::string& out, const FlagSpec& flag) {
  if (flag.hidden) {
    return;
  }
  std::vector<std::string> other;
  for (const std::string& spelling : FlagSpellings(flag)) {
    if (spelling != "--" + flag.name) {
      other.push_back(spelling);
    }
  }
  out += "- `--" + flag.name + "`";
  if (!other.empty()) {
    out += " (" + Join(other, ", ") + ")";
  }
  if (flag.type != FlagType::kString) {
    out += " [" + std::string(FlagTypeName(flag.type)) + "]";
  }
  if (!flag.usage.empty()) {
    out += " — " + OneLine(flag.usage);
  }
  if (!flag.default_value.empty()) {
    out += " (default: `" + flag.default_value + "`)";
  }
  if (!flag.env.empty()) {
    out += " (env: `" + flag.env + "`)";
  }
  if (!flag.values.empty()) {
    out += "  \n  Values: `" + Join(flag.values, "`, `") + "`";
  }
  out += "\n";
}

bool Skipped(const CommandSpec& cmd) {
  return cmd.hidden || cmd.name == "skill" || cmd.name == "completion";
}

void CommandEntry(std::string& out, std::vector<const CommandSpec*> path, int depth) {
  const CommandSpec& cmd = *path.back();
  out += std::string(static_cast<std::size_t>(depth) + 3, '#') + " `" + UsageLine(path) + "`\n\n";
  if (!cmd.summary.empty()) {
    out += OneLine(cmd.summary) + ".\n\n";
  }
  bool any_flag = false;
  for (const FlagSpec& flag : cmd.flags) {
    any_flag = any_flag || !flag.hidden;
  }
  if (any_flag) {
    out += "Flags:\n\n";
    for (const FlagSpec& flag : cmd.flags) {
      FlagItem(out, flag);
    }
    out += "\n";
  }
  std::vector<const CommandSpec*> subs;
  for (const CommandSpec& sub : cmd.subcommands) {
    if (!Skipped(sub)) {
      subs.push_back(&sub);
    }
  }
  std::sort(subs.begin(), subs.end(),
            [](const CommandSpec* a, const CommandSpec* b) { return a->name < b->name; });
  for (const CommandSpec* sub : subs) {
    std::vector<const CommandSpec*> child = path;
    child.push_back(sub);
    CommandEntry(out, child, depth + 1);
  }
}

constexpr std::string_view kWorkflows = R"(## Typical workflows

Resolve, check and bundle a recipe without touching a cluster:

```bash
aicr recipe --service eks --accelerator h100 --intent training --os ubuntu -o recipe.yaml
aicr validate -r recipe.yaml -s snapshot.yaml --no-cluster
aicr bundle -r recipe.yaml -o ./bundle
aicr verify ./bundle
```

Capture a cluster and let the snapshot choose the criteria:

```bash
aicr snapshot -o snapshot.yaml
aicr recipe -s snapshot.yaml --intent training -o recipe.yaml
```

Read one value of the hydrated recipe:

```bash
aicr query --service gke --accelerator h100 --intent training \
  --selector components.gpu-operator.values.driver -t json
```

Override chart values while bundling:

```bash
aicr bundle -r recipe.yaml --set gpu-operator:driver.version=580.105.08 -o ./bundle
```

)";

constexpr std::string_view kOutput = R"(## Output

Documents go to stdout (or `-o FILE`, `-o cm://namespace/name`); logs and errors go to
stderr. Pass `-t json` (or `--format json`) when parsing output; YAML is the default.

)";

constexpr std::string_view kErrors = R"(## Exit codes and errors

- `0` success; `2` invalid input or a failed check; `3` not found; `4` unauthorized
  (a verification failed); `5` timeout; `6` unavailable; `8` internal; `9` canceled.
- Errors are printed as `Error: <reason>` on stderr; `--debug` adds detail.
- An unknown criteria value fails resolution: use the values listed above.

)";

constexpr std::string_view kPractices = R"(## Practices

- Run `aicr --version` first and keep outputs next to the version that made them.
- Prefer `-t json` and `jq` for reading results; never scrape the YAML by hand.
- Keep recipes and bundles under version control; regenerate rather than edit them.
- Check bundles with `aicr verify` before handing them to a deployment tool.
)";

}  // namespace

Result<SkillAgent> ParseSkillAgent(std::string_view name) {
  if (name == "claude-code") {
    return SkillAgent::kClaudeCode;
  }
  if (name == "codex") {
    return SkillAgent::kCodex;
  }
  return InvalidRequestError("unsupported agent " + Quote(name) +
                             ": must be one of claude-code, codex");
}

std::string SkillRelativePath(SkillAgent agent) {
  return agent == SkillAgent::kClaudeCode ? ".claude/skills/aicr/SKILL.md"
                                          : ".codex/skills/aicr/SKILL.md";
}

std::string RenderSkill(const CommandSpec& root, SkillAgent agent, std::string_view version,
                        const SkillCriteria& criteria) {
  std::string out = "---\nname: aicr\ndescription: |\n";
  out += "  Drives the AICR CLI (AI Cluster Runtime): resolve version-locked recipes for GPU\n";
  out += "  Kubernetes clusters, snapshot and validate clusters, render deployment bundles\n";
  out += "  (Helm, Helmfile, Argo CD, Flux) and verify bundles and evidence.\n";
  if (agent == SkillAgent::kClaudeCode) {
    out += "user_invocable: true\n";
  }
  out += "---\n\n";
  out += "# AICR CLI (" + std::string(version) + ")\n\n";
  out += "## Before you start\n\nCheck that the CLI is installed and which version it is:\n\n";
  out += "```bash\naicr --version\n```\n\n";

  out += "## Command reference\n\n";
  out += "### Global flags\n\nAccepted by every command:\n\n";
  for (const FlagSpec& flag : root.flags) {
    FlagItem(out, flag);
  }
  out += "\n";
  std::vector<const CommandSpec*> subs;
  for (const CommandSpec& sub : root.subcommands) {
    if (!Skipped(sub)) {
      subs.push_back(&sub);
    }
  }
  std::sort(subs.begin(), subs.end(),
            [](const CommandSpec* a, const CommandSpec* b) { return a->name < b->name; });
  for (const CommandSpec* sub : subs) {
    CommandEntry(out, {&root, sub}, 0);
  }

  if (!criteria.empty()) {
    out += "## Criteria values\n\nValues the embedded catalogue knows for the criteria flags:\n\n";
    for (const auto& [dimension, values] : criteria) {
      out += "- **" + dimension + "**: `" + Join(values, "`, `") + "`\n";
    }
    out += "\n";
  }
  out += kOutput;
  out += kWorkflows;
  out += kErrors;
  out += kPractices;
  return out;
}

Result<SkillInstallResult> InstallSkill(const std::string& path, std::string_view content,
                                        const SkillInstallOptions& options) {
  std::error_code ec;
  const fs::path target(path);
  fs::create_directories(target.parent_path(), ec);
  if (ec) {
    return UnavailableError("create " + Quote(target.parent_path().string()) + ": " + ec.message());
  }
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode)) {
      return InvalidRequestError("refusing to replace the symlink at " + Quote(path));
    }
    if (!options.force) {
      if (options.confirm_in == nullptr) {
        return InvalidRequestError("skill file already exists: " + path +
                                   " (use --force to overwrite, or remove it first)");
      }
      if (options.prompt_out != nullptr) {
        *options.prompt_out << "skill file already exists: " << path
                            << "\noverwrite? [y/N]: " << std::flush;
      }
      std::string answer;
      std::getline(*options.confirm_in, answer);
      answer = AsciiLower(Trim(answer));
      if (answer != "y" && answer != "yes") {
        return SkillInstallResult{false};
      }
    }
  }
  AICR_RETURN_IF_ERROR(WriteFileAtomic(path, content));
  if (chmod(path.c_str(), 0600) != 0) {
    return UnavailableError("chmod " + Quote(path) + ": " + std::strerror(errno));
  }
  return SkillInstallResult{true};
}

}  // namespace aicr::cli
