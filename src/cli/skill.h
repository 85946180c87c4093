#pragma once

/// \file
/// `aicr skill`: a skill file that teaches a coding agent (Claude Code, Codex) how to
/// drive this CLI, generated from the command table (every visible command and
/// flag) plus the catalogue's criteria values, and its installation under the
/// user's home directory.

#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "cli/command_table.h"

namespace aicr::cli {

enum class SkillAgent { kClaudeCode, kCodex };

/// "claude-code" or "codex"; INVALID_REQUEST naming both otherwise.
Result<SkillAgent> ParseSkillAgent(std::string_view name);

/// Where the agent looks for the skill, relative to $HOME:
/// `.claude/skills/aicr/SKILL.md` or `.codex/skills/aicr/SKILL.md`.
std::string SkillRelativePath(SkillAgent agent);

/// Criteria dimension -> the values the catalogue knows, in display order.
using SkillCriteria = std::vector<std::pair<std::string, std::vector<std::string>>>;

/// The skill file (Markdown with YAML front matter: name, description and, for
/// Claude Code, `user_invocable: true`): prerequisites, the command reference
/// (visible commands recursively, without `skill` and `completion`), the criteria
/// values, output formats, workflows, exit codes and practices. Deterministic.
std::string RenderSkill(const CommandSpec& root, SkillAgent agent, std::string_view version,
                        const SkillCriteria& criteria);

struct SkillInstallOptions {
  /// Overwrite an existing file without asking.
  bool force = false;
  /// Where the overwrite answer is read (a terminal); null = not interactive, so an
  /// existing file is refused unless `force`.
  std::istream* confirm_in = nullptr;
  /// Where the overwrite question is written.
  std::ostream* prompt_out = nullptr;
};

/// Whether the skill was written (false: the user declined to overwrite).
struct SkillInstallResult {
  bool written = false;
};

/// Writes `content` to `path` atomically with mode 0600, creating the parent
/// directories (0755). An existing file is replaced only with `force` or a `y`/`yes`
/// answer to `skill file already exists: <path>\noverwrite? [y/N]: `. Errors:
/// INVALID_REQUEST for a symlink at `path`, and for an existing file when neither
/// forced nor interactive (`... (use --force to overwrite, or remove it first)`);
/// UNAVAILABLE for I/O failures.
Result<SkillInstallResult> InstallSkill(const std::string& path, std::string_view content,
                                        const SkillInstallOptions& options);

}  // namespace aicr::cli
