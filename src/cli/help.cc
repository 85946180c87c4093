#include "cli/help.h"

#include <algorithm>
#include <utility>

#include "base/strings.h"

namespace aicr::cli {
namespace {

std::string ArgToken(const ArgSpec& arg) {
  std::string token = "<" + arg.name + ">";
  if (arg.variadic) {
    token += "...";
  }
  return arg.required ? token : "[" + token + "]";
}

/// Left column of a help flag row: `-o, --output string`, `    --debug`.
std::string FlagColumn(const FlagSpec& flag) {
  std::string col = flag.shorts.empty() ? "    " : "";
  for (std::size_t i = 0; i < flag.shorts.size(); ++i) {
    col += std::string("-") + flag.shorts[i] + ", ";
  }
  std::vector<std::string> longs = {"--" + flag.name};
  for (const std::string& alias : flag.aliases) {
    longs.push_back("--" + alias);
  }
  col += Join(longs, ", ");
  if (flag.type != FlagType::kBool) {
    col += " " + (flag.value_name.empty() ? std::string(FlagTypeName(flag.type)) : flag.value_name);
  }
  return col;
}

std::string FlagRowText(const FlagSpec& flag) {
  std::string text = flag.usage + FlagUsageSuffix(flag);
  if (!flag.env.empty()) {
    text += " [$" + flag.env + "]";
  }
  return text;
}

void AppendTable(std::string& out, const std::string& title,
                 const std::vector<std::pair<std::string, std::string>>& rows) {
  if (rows.empty()) {
    return;
  }
  std::size_t width = 0;
  for (const auto& row : rows) {
    width = std::max(width, row.first.size());
  }
  out += "\n" + title + ":\n";
  for (const auto& [left, right] : rows) {
    std::string line = "  " + left;
    if (!right.empty()) {
      line += std::string(width - left.size() + 2, ' ') + right;
    }
    out += line + "\n";
  }
}

std::vector<std::pair<std::string, std::string>> FlagRows(
    const std::vector<const FlagSpec*>& flags) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const FlagSpec* flag : flags) {
    if (!flag->hidden) {
      rows.emplace_back(FlagColumn(*flag), FlagRowText(*flag));
    }
  }
  return rows;
}

}  // namespace

std::string FlagNames(const FlagSpec& flag) { return Join(FlagSpellings(flag), ", "); }

std::string FlagUsageSuffix(const FlagSpec& flag) {
  std::string out;
  if (!flag.values.empty()) {
    out += " (one of: " + Join(flag.values, ", ") + ")";
  }
  if (!flag.default_value.empty()) {
    out += " (default: " + flag.default_value + ")";
  }
  return out;
}

std::string UsageLine(const std::vector<const CommandSpec*>& path) {
  std::vector<std::string> parts;
  for (const CommandSpec* cmd : path) {
    parts.push_back(cmd->name);
  }
  const CommandSpec& cmd = *path.back();
  const bool has_flags =
      std::any_of(cmd.flags.begin(), cmd.flags.end(), [](const FlagSpec& f) { return !f.hidden; });
  if (has_flags) {
    parts.emplace_back("[flags]");
  }
  if (!cmd.subcommands.empty()) {
    parts.emplace_back("<command>");
  }
  for (const ArgSpec& arg : cmd.args) {
    parts.push_back(ArgToken(arg));
  }
  return Join(parts, " ");
}

std::string RenderHelp(const std::vector<const CommandSpec*>& path) {
  const CommandSpec& cmd = *path.back();
  std::string out;
  std::string title;
  for (const CommandSpec* c : path) {
    title += (title.empty() ? "" : " ") + c->name;
  }
  out += title;
  if (!cmd.summary.empty()) {
    out += " - " + cmd.summary;
  }
  out += "\n\nUsage:\n  " + UsageLine(path) + "\n";
  if (!cmd.description.empty()) {
    out += "\n" + cmd.description;
    if (cmd.description.back() != '\n') {
      out += "\n";
    }
  }
  if (!cmd.aliases.empty()) {
    out += "\nAliases:\n  " + Join(cmd.aliases, ", ") + "\n";
  }
  std::vector<std::pair<std::string, std::string>> commands;
  std::vector<const CommandSpec*> subs;
  for (const CommandSpec& sub : cmd.subcommands) {
    if (!sub.hidden) {
      subs.push_back(&sub);
    }
  }
  std::sort(subs.begin(), subs.end(),
            [](const CommandSpec* a, const CommandSpec* b) { return a->name < b->name; });
  for (const CommandSpec* sub : subs) {
    commands.emplace_back(sub->name, sub->summary);
  }
  AppendTable(out, "Commands", commands);
  std::vector<std::pair<std::string, std::string>> args;
  for (const ArgSpec& arg : cmd.args) {
    std::string text = arg.usage;
    if (!arg.values.empty()) {
      text += " (one of: " + Join(arg.values, ", ") + ")";
    }
    args.emplace_back(ArgToken(arg), text);
  }
  AppendTable(out, "Arguments", args);
  std::vector<const FlagSpec*> own;
  for (const FlagSpec& flag : cmd.flags) {
    own.push_back(&flag);
  }
  std::vector<const FlagSpec*> global;
  if (path.size() > 1) {
    for (const FlagSpec& flag : path.front()->flags) {
      if (!flag.local) {
        global.push_back(&flag);
      }
    }
    global.push_back(&HelpFlag());
  } else {
    own.push_back(&HelpFlag());
  }
  AppendTable(out, path.size() > 1 ? "Flags" : "Global flags", FlagRows(own));
  AppendTable(out, "Global flags", FlagRows(global));
  if (!subs.empty()) {
    out += "\nRun \"" + title + " <command> --help\" for more information on a command.\n";
  }
  return out;
}

}  // namespace aicr::cli
