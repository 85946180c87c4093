#include "cli/command_table.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>
#include <utility>

namespace aicr::cli {
namespace {

bool ValidName(std::string_view name) {
  if (name.empty() || name.front() == '-' || name.back() == '-') {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

bool ValidShort(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

Status ValidateFlags(const std::string& where, const std::vector<const FlagSpec*>& scope) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < scope.size(); ++i) {
    const FlagSpec& flag = *scope[i];
    if (!ValidName(flag.name)) {
      return InternalError(where + ": invalid flag name \"" + flag.name + "\"");
    }
    for (const std::string& alias : flag.aliases) {
      if (!ValidName(alias)) {
        return InternalError(where + ": flag --" + flag.name + ": invalid alias \"" + alias + "\"");
      }
    }
    for (char c : flag.shorts) {
      if (!ValidShort(c)) {
        return InternalError(where + ": flag --" + flag.name + ": invalid short name");
      }
    }
    if (!flag.values.empty() && flag.type != FlagType::kString &&
        flag.type != FlagType::kStringList) {
      return InternalError(where + ": flag --" + flag.name +
                           ": a value set needs a string or string[] flag");
    }
    for (const std::string& value : flag.values) {
      if (value.empty() || value.find_first_of(" \t\n'\"\\") != std::string::npos) {
        return InternalError(where + ": flag --" + flag.name + ": invalid value \"" + value + "\"");
      }
    }
    for (const std::string& spelling : FlagSpellings(flag)) {
      if (!seen.insert(spelling).second) {
        return InternalError(where + ": duplicate flag " + spelling);
      }
    }
  }
  return OkStatus();
}

Status ValidateCommand(const CommandSpec& cmd, std::vector<const CommandSpec*>& path) {
  path.push_back(&cmd);
  std::string where = "command \"";
  for (std::size_t i = 0; i < path.size(); ++i) {
    where += (i == 0 ? "" : " ") + path[i]->name;
  }
  where += "\"";
  if (!ValidName(cmd.name)) {
    return InternalError(where + ": invalid command name");
  }
  std::vector<const FlagSpec*> scope = FlagsInScope(path);
  scope.push_back(&HelpFlag());
  if (Status s = ValidateFlags(where, scope); !s.ok()) {
    return s;
  }
  for (std::size_t i = 0; i < cmd.args.size(); ++i) {
    const ArgSpec& arg = cmd.args[i];
    if (!ValidName(arg.name)) {
      return InternalError(where + ": invalid argument name \"" + arg.name + "\"");
    }
    for (const std::string& value : arg.values) {
      if (value.empty() || value.find_first_of(" \t\n'\"\\") != std::string::npos) {
        return InternalError(where + ": argument <" + arg.name + ">: invalid value \"" + value +
                             "\"");
      }
    }
    if (arg.variadic && i + 1 != cmd.args.size()) {
      return InternalError(where + ": variadic argument <" + arg.name + "> must be last");
    }
    if (arg.required && i > 0 && !cmd.args[i - 1].required) {
      return InternalError(where + ": required argument <" + arg.name + "> after an optional one");
    }
  }
  if (!cmd.args.empty() && !cmd.subcommands.empty()) {
    return InternalError(where + ": a command takes either arguments or subcommands");
  }
  std::set<std::string> names;
  for (const CommandSpec& sub : cmd.subcommands) {
    if (!names.insert(sub.name).second) {
      return InternalError(where + ": duplicate subcommand \"" + sub.name + "\"");
    }
    for (const std::string& alias : sub.aliases) {
      if (!ValidName(alias) || !names.insert(alias).second) {
        return InternalError(where + ": duplicate or invalid subcommand alias \"" + alias + "\"");
      }
    }
    if (Status s = ValidateCommand(sub, path); !s.ok()) {
      return s;
    }
  }
  path.pop_back();
  return OkStatus();
}

}  // namespace

std::string_view FlagTypeName(FlagType type) {
  switch (type) {
    case FlagType::kBool:
      return "bool";
    case FlagType::kString:
      return "string";
    case FlagType::kStringList:
      return "string[]";
    case FlagType::kInt:
      return "int";
    case FlagType::kDuration:
      return "duration";
  }
  return "string";
}

Status ValidateTable(const CommandSpec& root) {
  std::vector<const CommandSpec*> path;
  return ValidateCommand(root, path);
}

const CommandSpec* FindSubcommand(const CommandSpec& cmd, std::string_view name) {
  for (const CommandSpec& sub : cmd.subcommands) {
    if (sub.name == name ||
        std::find(sub.aliases.begin(), sub.aliases.end(), name) != sub.aliases.end()) {
      return &sub;
    }
  }
  return nullptr;
}

std::vector<std::string> SubcommandNames(const CommandSpec& cmd) {
  std::vector<std::string> names;
  for (const CommandSpec& sub : cmd.subcommands) {
    if (!sub.hidden) {
      names.push_back(sub.name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> FlagSpellings(const FlagSpec& flag) {
  std::vector<std::string> out;
  out.push_back("--" + flag.name);
  for (const std::string& alias : flag.aliases) {
    out.push_back("--" + alias);
  }
  for (char c : flag.shorts) {
    out.push_back(std::string("-") + c);
  }
  return out;
}

std::vector<const FlagSpec*> FlagsInScope(const std::vector<const CommandSpec*>& path) {
  std::vector<const FlagSpec*> out;
  if (path.empty()) {
    return out;
  }
  for (const FlagSpec& flag : path.back()->flags) {
    out.push_back(&flag);
  }
  if (path.size() > 1) {
    for (const FlagSpec& flag : path.front()->flags) {
      if (!flag.local) {
        out.push_back(&flag);
      }
    }
  }
  return out;
}

const FlagSpec& HelpFlag() {
  static const FlagSpec* const kHelp = new FlagSpec{
      .name = "help",
      .shorts = {'h'},
      .type = FlagType::kBool,
      .usage = "show help for the command",
  };
  return *kHelp;
}

CommandContext::CommandContext(const CommandSpec& root, std::vector<const CommandSpec*> path,
                               std::vector<std::string> args,
                               std::map<std::string, FlagValue> flags, std::ostream& out,
                               std::ostream& err, CancelToken cancel)
    : root_(root),
      path_(std::move(path)),
      args_(std::move(args)),
      flags_(std::move(flags)),
      out_(out),
      err_(err),
      cancel_(std::move(cancel)) {}

std::string CommandContext::CommandLine() const {
  std::string line;
  for (const CommandSpec* cmd : path_) {
    if (!line.empty()) {
      line += ' ';
    }
    line += cmd->name;
  }
  return line;
}

bool CommandContext::IsSet(std::string_view name) const {
  auto it = flags_.find(std::string(name));
  return it != flags_.end() && it->second.set;
}

std::vector<std::string> CommandContext::Values(std::string_view name, FlagType expected) const {
  auto it = flags_.find(std::string(name));
  assert(it != flags_.end() && "flag not in scope of this command");
  if (it == flags_.end()) {
    return {};
  }
  const FlagValue& value = it->second;
  assert(value.spec->type == expected && "flag read with the wrong type");
  (void)expected;
  if (value.set) {
    return value.values;
  }
  if (value.spec->default_value.empty()) {
    return {};
  }
  return {value.spec->default_value};
}

bool CommandContext::GetBool(std::string_view name) const {
  std::vector<std::string> v = Values(name, FlagType::kBool);
  return !v.empty() && ParseBool(v.back()).value_or(false);
}

bool CommandContext::HasFlag(std::string_view name) const {
  return flags_.find(std::string(name)) != flags_.end();
}

std::string CommandContext::GetString(std::string_view name) const {
  std::vector<std::string> v = Values(name, FlagType::kString);
  return v.empty() ? std::string() : v.back();
}

std::vector<std::string> CommandContext::GetStrings(std::string_view name) const {
  return Values(name, FlagType::kStringList);
}

std::int64_t CommandContext::GetInt(std::string_view name) const {
  std::vector<std::string> v = Values(name, FlagType::kInt);
  return v.empty() ? 0 : ParseInt(v.back()).value_or(0);
}

std::chrono::nanoseconds CommandContext::GetDuration(std::string_view name) const {
  std::vector<std::string> v = Values(name, FlagType::kDuration);
  return v.empty() ? std::chrono::nanoseconds(0)
                   : ParseDuration(v.back()).value_or(std::chrono::nanoseconds(0));
}

Result<bool> ParseBool(std::string_view text) {
  static const std::set<std::string_view> kTrue = {"1", "t", "T", "true", "TRUE", "True"};
  static const std::set<std::string_view> kFalse = {"0", "f", "F", "false", "FALSE", "False"};
  if (kTrue.count(text) != 0) {
    return true;
  }
  if (kFalse.count(text) != 0) {
    return false;
  }
  return InvalidRequestError("want true or false");
}

Result<std::int64_t> ParseInt(std::string_view text) {
  std::int64_t value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (!text.empty() && text.front() == '+') {
    ++begin;
  }
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return InvalidRequestError("not an integer");
  }
  return value;
}

Result<std::chrono::nanoseconds> ParseDuration(std::string_view text) {
  const Status bad = InvalidRequestError("not a duration (e.g. 90s, 5m, 1h30m)");
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s == "0") {
    return std::chrono::nanoseconds(0);
  }
  if (s.empty()) {
    return bad;
  }
  static const std::vector<std::pair<std::string_view, double>> kUnits = {
      {"ns", 1.0}, {"us", 1e3}, {"µs", 1e3}, {"μs", 1e3},
      {"ms", 1e6}, {"s", 1e9},  {"m", 60e9}, {"h", 3600e9},
  };
  double total = 0;
  while (!s.empty()) {
    std::size_t n = 0;
    bool digits = false;
    bool dot = false;
    while (n < s.size() && ((s[n] >= '0' && s[n] <= '9') || (s[n] == '.' && !dot))) {
      dot = dot || s[n] == '.';
      digits = digits || s[n] != '.';
      ++n;
    }
    if (!digits) {
      return bad;
    }
    double number = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + n, number);
    if (ec != std::errc() || ptr != s.data() + n) {
      return bad;
    }
    s.remove_prefix(n);
    std::size_t u = 0;
    while (u < s.size() && !((s[u] >= '0' && s[u] <= '9') || s[u] == '.')) {
      ++u;
    }
    const std::string_view unit = s.substr(0, u);
    auto it = std::find_if(kUnits.begin(), kUnits.end(),
                           [&](const auto& entry) { return entry.first == unit; });
    if (it == kUnits.end()) {
      return bad;
    }
    total += number * it->second;
    s.remove_prefix(u);
  }
  if (!std::isfinite(total) ||
      total > static_cast<double>(std::numeric_limits<std::int64_t>::max())) {
    return bad;
  }
  const auto ns = static_cast<std::int64_t>(std::llround(total));
  return std::chrono::nanoseconds(negative ? -ns : ns);
}

}  // namespace aicr::cli
