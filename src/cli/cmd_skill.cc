// `aicr skill --agent claude-code|codex [--stdout] [--force]`: the agent skill file,
// printed or installed under $HOME.

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <set>
#include <string>

#include "base/status_macros.h"
#include "base/version.h"
#include "cli/commands.h"
#include "cli/recipe_flags.h"
#include "cli/skill.h"
#include "client/client.h"

namespace aicr::cli {
namespace {

// The values each criteria dimension takes in the embedded catalogue's overlays.
Result<SkillCriteria> CatalogueCriteria(const CommandContext& ctx) {
  client::Client cli(ClientOptions(ctx));
  client::ListRequest list;
  list.skip_health = true;
  AICR_ASSIGN_OR_RETURN(const std::vector<client::ListItem> items, cli.ListRecipes(list));
  SkillCriteria out;
  for (const recipe::Dimension d :
       {recipe::Dimension::kService, recipe::Dimension::kAccelerator, recipe::Dimension::kIntent,
        recipe::Dimension::kOs, recipe::Dimension::kPlatform}) {
    std::set<std::string> values;
    for (const client::ListItem& item : items) {
      const std::string& v = item.criteria.Get(d);
      if (!v.empty() && v != recipe::kAny) {
        values.insert(v);
      }
    }
    if (!values.empty()) {
      out.emplace_back(std::string(recipe::DimensionName(d)),
                       std::vector<std::string>(values.begin(), values.end()));
    }
  }
  return out;
}

Status RunSkill(CommandContext& ctx) {
  if (!ctx.IsSet("agent")) {
    return InvalidRequestError("required flag --agent not set (claude-code or codex)");
  }
  AICR_ASSIGN_OR_RETURN(const SkillAgent agent, ParseSkillAgent(ctx.GetString("agent")));
  AICR_ASSIGN_OR_RETURN(const SkillCriteria criteria, CatalogueCriteria(ctx));
  const std::string content = RenderSkill(ctx.root(), agent, GetBuildInfo().version, criteria);
  if (ctx.GetBool("stdout")) {
    ctx.out() << content;
    return OkStatus();
  }
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') {
    return InvalidRequestError("HOME is not set: cannot place the skill file (use --stdout)");
  }
  const std::string path = std::string(home) + "/" + SkillRelativePath(agent);
  SkillInstallOptions install;
  install.force = ctx.GetBool("force");
  if (isatty(STDIN_FILENO) == 1) {
    install.confirm_in = &std::cin;
    install.prompt_out = &ctx.err();
  }
  AICR_ASSIGN_OR_RETURN(const SkillInstallResult written, InstallSkill(path, content, install));
  if (!written.written) {
    ctx.err() << "kept the existing " << path << "\n";
    return OkStatus();
  }
  ctx.out() << path << "\n";
  return OkStatus();
}

}  // namespace

CommandSpec SkillCommand() {
  return CommandSpec{
      .name = "skill",
      .summary = "write a skill file that teaches a coding agent to use aicr",
      .description =
          "Generates a skill file for a coding agent from this binary's commands and flags\n"
          "and the catalogue's criteria values, and writes it where the agent looks for\n"
          "it: ~/.claude/skills/aicr/SKILL.md (claude-code) or ~/.codex/skills/aicr/SKILL.md\n"
          "(codex), mode 0600, printing the path. An existing file is replaced after a\n"
          "y/N question on a terminal, otherwise only with --force. --stdout prints the\n"
          "file instead.\n"
          "\n"
          "    aicr skill --agent claude-code\n"
          "    aicr skill --agent codex --stdout > SKILL.md\n",
      .flags = {FlagSpec{.name = "agent",
                         .usage = "the coding agent to write the skill for (required)",
                         .values = {"claude-code", "codex"},
                         .value_name = "AGENT"},
                FlagSpec{.name = "stdout",
                         .type = FlagType::kBool,
                         .usage = "print the skill file instead of installing it"},
                FlagSpec{.name = "force",
                         .type = FlagType::kBool,
                         .usage = "replace an existing skill file without asking"}},
      .handler = RunSkill,
  };
}

}  // namespace aicr::cli
