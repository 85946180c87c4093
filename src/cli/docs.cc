#include "cli/docs.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "base/error_code.h"
#include "base/strings.h"
#include "cli/help.h"

namespace aicr::cli {
namespace {

std::string Cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string Code(std::string_view s) { return s.empty() ? std::string() : "`" + Cell(s) + "`"; }

void FlagTable(std::string& out, const std::vector<const FlagSpec*>& flags) {
  out += "| Flag | Aliases | Type | Default | Env | Description |\n";
  out += "|---|---|---|---|---|---|\n";
  for (const FlagSpec* flag : flags) {
    if (flag->hidden) {
      continue;
    }
    std::vector<std::string> aliases;
    for (const std::string& spelling : FlagSpellings(*flag)) {
      if (spelling != "--" + flag->name) {
        aliases.push_back(Code(spelling));
      }
    }
    std::string description = flag->usage;
    if (!flag->values.empty()) {
      description += " (one of: " + Join(flag->values, ", ") + ")";
    }
    out += "| " + Code("--" + flag->name) + " | " + Join(aliases, ", ") + " | " +
           Code(FlagTypeName(flag->type)) + " | " + Code(flag->default_value) + " | " +
           Code(flag->env) + " | " + Cell(description) + " |\n";
  }
}

std::string_view CodeMeaning(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "success";
    case ErrorCode::kInvalidRequest:
      return "invalid arguments, flags or input (usage errors included)";
    case ErrorCode::kMethodNotAllowed:
      return "operation not allowed";
    case ErrorCode::kConflict:
      return "conflict: drift, failed upgrade check, existing output";
    case ErrorCode::kNotFound:
      return "a named resource, file or recipe does not exist";
    case ErrorCode::kUnauthorized:
      return "missing or rejected credentials";
    case ErrorCode::kTimeout:
      return "an operation ran out of time";
    case ErrorCode::kUnavailable:
      return "a dependency (cluster, registry, URL) is unavailable";
    case ErrorCode::kRateLimitExceeded:
      return "rate limited";
    case ErrorCode::kInternal:
      return "internal error (a bug)";
    case ErrorCode::kCanceled:
      return "canceled by SIGINT or SIGTERM";
    case ErrorCode::kUnknown:
      return "an error without a structured code";
  }
  return "";
}

void Command(std::string& out, std::vector<const CommandSpec*>& path) {
  const CommandSpec& cmd = *path.back();
  std::string title;
  for (const CommandSpec* c : path) {
    title += (title.empty() ? "" : " ") + c->name;
  }
  out += "\n### `" + title + "`\n\n";
  if (!cmd.summary.empty()) {
    out += cmd.summary + "\n\n";
  }
  out += "```\n" + UsageLine(path) + "\n```\n";
  if (!cmd.description.empty()) {
    out += "\n" + cmd.description;
    if (cmd.description.back() != '\n') {
      out += "\n";
    }
  }
  if (!cmd.aliases.empty()) {
    std::vector<std::string> aliases;
    for (const std::string& alias : cmd.aliases) {
      aliases.push_back(Code(alias));
    }
    out += "\nAliases: " + Join(aliases, ", ") + "\n";
  }
  std::vector<const CommandSpec*> subs;
  for (const CommandSpec& sub : cmd.subcommands) {
    if (!sub.hidden) {
      subs.push_back(&sub);
    }
  }
  std::sort(subs.begin(), subs.end(),
            [](const CommandSpec* a, const CommandSpec* b) { return a->name < b->name; });
  if (!subs.empty()) {
    out += "\n| Command | Description |\n|---|---|\n";
    for (const CommandSpec* sub : subs) {
      out += "| " + Code(title + " " + sub->name) + " | " + Cell(sub->summary) + " |\n";
    }
  }
  if (!cmd.args.empty()) {
    out += "\n| Argument | Required | Values | Description |\n|---|---|---|---|\n";
    for (const ArgSpec& arg : cmd.args) {
      std::vector<std::string> values;
      for (const std::string& v : arg.values) {
        values.push_back(Code(v));
      }
      out += "| " + Code("<" + arg.name + ">" + (arg.variadic ? "..." : "")) + " | " +
             (arg.required ? "yes" : "no") + " | " + Join(values, ", ") + " | " + Cell(arg.usage) +
             " |\n";
    }
  }
  std::vector<const FlagSpec*> flags;
  for (const FlagSpec& flag : cmd.flags) {
    if (!flag.hidden) {
      flags.push_back(&flag);
    }
  }
  if (!flags.empty()) {
    out += "\n";
    FlagTable(out, flags);
  }
  for (const CommandSpec* sub : subs) {
    path.push_back(sub);
    Command(out, path);
    path.pop_back();
  }
}

}  // namespace

std::string RenderCliReference(const CommandSpec& root) {
  const std::string& prog = root.name;
  std::string out;
  out += "# `" + prog + "` command reference\n\n";
  out += "<!-- Generated from the command table in src/cli by " + prog +
         "_docgen; do not edit.\n     Regenerate with: cmake --build <build-dir> --target docs "
         "-->\n\n";
  if (!root.description.empty()) {
    out += root.description;
    if (root.description.back() != '\n') {
      out += "\n";
    }
    out += "\n";
  }
  out += "```\n" + UsageLine({&root}) + "\n```\n\n";
  out += "## Global flags\n\n";
  out += "Global flags are accepted before or after the command name, except where noted.\n\n";
  std::vector<const FlagSpec*> globals;
  for (const FlagSpec& flag : root.flags) {
    globals.push_back(&flag);
  }
  globals.push_back(&HelpFlag());
  FlagTable(out, globals);
  std::vector<std::string> local;
  for (const FlagSpec& flag : root.flags) {
    if (flag.local && !flag.hidden) {
      local.push_back(Code("--" + flag.name));
    }
  }
  if (!local.empty()) {
    out += "\nOnly before the command: " + Join(local, ", ") +
           ". `-h/--help` is accepted by every command.\n";
  }
  out += "\n## Commands\n";
  std::vector<const CommandSpec*> subs;
  for (const CommandSpec& sub : root.subcommands) {
    if (!sub.hidden) {
      subs.push_back(&sub);
    }
  }
  std::sort(subs.begin(), subs.end(),
            [](const CommandSpec* a, const CommandSpec* b) { return a->name < b->name; });
  for (const CommandSpec* sub : subs) {
    std::vector<const CommandSpec*> path = {&root, sub};
    Command(out, path);
  }
  out += "\n## Exit codes\n\n";
  out += "Errors are printed to stderr and mapped once to an exit code.\n\n";
  out += "| Exit | Error code | Meaning |\n|---|---|---|\n";
  std::vector<std::pair<int, ErrorCode>> codes;
  for (int i = static_cast<int>(ErrorCode::kOk); i <= static_cast<int>(ErrorCode::kUnknown); ++i) {
    const auto code = static_cast<ErrorCode>(i);
    codes.emplace_back(ExitCodeFor(code), code);
  }
  std::stable_sort(codes.begin(), codes.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [exit_code, code] : codes) {
    out += "| " + std::to_string(exit_code) + " | " +
           (code == ErrorCode::kOk ? std::string() : Code(ErrorCodeName(code))) + " | " +
           std::string(CodeMeaning(code)) + " |\n";
  }
  return out;
}

}  // namespace aicr::cli
