#include "cli/parser.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <utility>

#include "base/log.h"
#include "base/suggest.h"

namespace aicr::cli {
namespace {

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out += sep;
    }
    out += items[i];
  }
  return out;
}

std::string CommandName(const std::vector<const CommandSpec*>& path) {
  std::vector<std::string> names;
  names.reserve(path.size());
  for (const CommandSpec* cmd : path) {
    names.push_back(cmd->name);
  }
  return Join(names, " ");
}

/// ` (valid values: a, b); did you mean "y"?`.
std::string ChoiceHint(std::string_view value, const std::vector<std::string>& values) {
  std::string out = " (valid values: " + Join(values, ", ") + ")";
  const std::string match = ClosestMatch(value, values);
  if (!match.empty()) {
    out += "; did you mean " + Quote(match) + "?";
  }
  return out;
}

class Parser {
 public:
  Parser(const CommandSpec& root, const std::vector<std::string>& args, const EnvLookup& env)
      : args_(args), env_(env) {
    result_.path.push_back(&root);
  }

  Result<ParsedCommand> Run() {
    bool flags_done = false;
    for (i_ = 0; i_ < args_.size(); ++i_) {
      const std::string& tok = args_[i_];
      if (!flags_done && tok == "--") {
        flags_done = true;
        continue;
      }
      if (!flags_done && tok.size() > 1 && tok[0] == '-') {
        Status s = tok[1] == '-' ? LongFlag(tok) : ShortFlags(tok);
        if (!s.ok()) {
          return s;
        }
        if (result_.help) {
          break;
        }
        continue;
      }
      if (Status s = Positional(tok, flags_done); !s.ok()) {
        return s;
      }
    }
    if (!result_.help) {
      if (Status s = ApplyEnvAndDefaults(); !s.ok()) {
        return s;
      }
      if (Status s = CheckArgs(); !s.ok()) {
        return s;
      }
    } else {
      AddScopeEntries();
    }
    return std::move(result_);
  }

 private:
  const CommandSpec& Current() const { return *result_.path.back(); }

  std::vector<const FlagSpec*> Scope() const {
    std::vector<const FlagSpec*> scope = FlagsInScope(result_.path);
    scope.push_back(&HelpFlag());
    return scope;
  }

  const FlagSpec* FindLong(std::string_view name) const {
    for (const FlagSpec* flag : Scope()) {
      if (flag->name == name ||
          std::find(flag->aliases.begin(), flag->aliases.end(), name) != flag->aliases.end()) {
        return flag;
      }
    }
    return nullptr;
  }

  const FlagSpec* FindShort(char c) const {
    for (const FlagSpec* flag : Scope()) {
      if (std::find(flag->shorts.begin(), flag->shorts.end(), c) != flag->shorts.end()) {
        return flag;
      }
    }
    return nullptr;
  }

  Status UnknownFlag(const std::string& shown, const std::string& as_long) const {
    std::string msg = "unknown flag " + shown;
    if (!as_long.empty()) {
      std::vector<std::string> longs;
      for (const FlagSpec* flag : Scope()) {
        if (flag->hidden) {
          continue;
        }
        for (const std::string& spelling : FlagSpellings(*flag)) {
          if (spelling.size() > 2) {
            longs.push_back(spelling);
          }
        }
      }
      const bool exact = std::find(longs.begin(), longs.end(), as_long) != longs.end();
      const std::string match = exact ? as_long : ClosestMatch(as_long, longs);
      if (!match.empty()) {
        msg += "; did you mean " + match + "?";
      }
    }
    return InvalidRequestError(msg);
  }

  Status LongFlag(const std::string& tok) {
    const std::size_t eq = tok.find('=');
    const std::string name = tok.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const std::string shown = "--" + name;
    const FlagSpec* flag = FindLong(name);
    if (flag == nullptr) {
      return UnknownFlag(shown, shown);
    }
    if (eq != std::string::npos) {
      return Record(*flag, shown, tok.substr(eq + 1));
    }
    if (flag->type == FlagType::kBool) {
      return Record(*flag, shown, "true");
    }
    return TakeNext(*flag, shown);
  }

  Status ShortFlags(const std::string& tok) {
    for (std::size_t k = 1; k < tok.size(); ++k) {
      const FlagSpec* flag = FindShort(tok[k]);
      const std::string shown = std::string("-") + tok[k];
      if (flag == nullptr) {
        if (k == 1 && tok.size() > 2) {
          // `-debug`: a long name typed with one dash.
          const std::size_t eq = tok.find('=');
          return UnknownFlag(tok.substr(0, eq), "-" + tok.substr(0, eq));
        }
        return UnknownFlag(shown, "");
      }
      const std::string rest = tok.substr(k + 1);
      if (flag->type == FlagType::kBool) {
        if (!rest.empty() && rest[0] == '=') {
          return Record(*flag, shown, rest.substr(1));
        }
        if (Status s = Record(*flag, shown, "true"); !s.ok() || result_.help) {
          return s;
        }
        continue;
      }
      if (!rest.empty()) {
        return Record(*flag, shown, rest[0] == '=' ? rest.substr(1) : rest);
      }
      return TakeNext(*flag, shown);
    }
    return OkStatus();
  }

  Status TakeNext(const FlagSpec& flag, const std::string& shown) {
    if (i_ + 1 >= args_.size()) {
      return InvalidRequestError("flag " + shown + " needs a value");
    }
    ++i_;
    return Record(flag, shown, args_[i_]);
  }

  static Status CheckValue(const FlagSpec& flag, const std::string& shown, const std::string& value,
                           const std::string& origin) {
    const std::string prefix = "invalid value " + Quote(value) + " for flag " + shown + origin;
    Status s;
    switch (flag.type) {
      case FlagType::kBool:
        s = ParseBool(value).status();
        break;
      case FlagType::kInt:
        s = ParseInt(value).status();
        break;
      case FlagType::kDuration:
        s = ParseDuration(value).status();
        break;
      case FlagType::kString:
      case FlagType::kStringList:
        if (!flag.values.empty() &&
            std::find(flag.values.begin(), flag.values.end(), value) == flag.values.end()) {
          return InvalidRequestError(prefix + ChoiceHint(value, flag.values));
        }
        break;
    }
    if (!s.ok()) {
      return InvalidRequestError(prefix + ": " + s.message());
    }
    return OkStatus();
  }

  Status Record(const FlagSpec& flag, const std::string& shown, const std::string& value) {
    CommandContext::FlagValue& slot = result_.flags[flag.name];
    slot.spec = &flag;
    if (slot.set && flag.type != FlagType::kStringList) {
      return InvalidRequestError("flag " + shown + " given more than once");
    }
    if (Status s = CheckValue(flag, shown, value, ""); !s.ok()) {
      return s;
    }
    slot.set = true;
    slot.values.push_back(value);
    if (&flag == &HelpFlag()) {
      result_.help = ParseBool(value).value_or(false);
    }
    return OkStatus();
  }

  Status Positional(const std::string& tok, bool flags_done) {
    const CommandSpec& cmd = Current();
    if (!cmd.subcommands.empty() && !flags_done) {
      if (const CommandSpec* sub = FindSubcommand(cmd, tok); sub != nullptr) {
        result_.path.push_back(sub);
        return OkStatus();
      }
      std::string msg =
          "unknown command " + Quote(tok) + " for " + Quote(CommandName(result_.path));
      const std::string match = ClosestMatch(tok, SubcommandNames(cmd));
      if (!match.empty()) {
        msg += "; did you mean " + Quote(match) + "?";
      }
      return InvalidRequestError(msg);
    }
    const bool variadic = !cmd.args.empty() && cmd.args.back().variadic;
    if (!variadic && result_.args.size() >= cmd.args.size()) {
      return InvalidRequestError("unexpected argument " + Quote(tok) + " for " +
                                 Quote(CommandName(result_.path)));
    }
    const ArgSpec& spec = cmd.args[std::min(result_.args.size(), cmd.args.size() - 1)];
    if (!spec.values.empty() &&
        std::find(spec.values.begin(), spec.values.end(), tok) == spec.values.end()) {
      return InvalidRequestError("invalid value " + Quote(tok) + " for argument <" + spec.name +
                                 ">" + ChoiceHint(tok, spec.values));
    }
    result_.args.push_back(tok);
    return OkStatus();
  }

  void AddScopeEntries() {
    for (const FlagSpec* flag : Scope()) {
      result_.flags[flag->name].spec = flag;
    }
  }

  Status ApplyEnvAndDefaults() {
    AddScopeEntries();
    for (auto& [name, slot] : result_.flags) {
      if (slot.set || slot.spec->env.empty()) {
        continue;
      }
      const std::optional<std::string> value = env_(slot.spec->env);
      if (!value.has_value() || value->empty()) {
        continue;
      }
      std::string text = *value;
      if (slot.spec->type == FlagType::kBool) {
        text = log::EnvTruthy(text) ? "true" : "false";
      }
      if (Status s = CheckValue(*slot.spec, "--" + name, text, " (from $" + slot.spec->env + ")");
          !s.ok()) {
        return s;
      }
      slot.set = true;
      slot.values = {text};
    }
    return OkStatus();
  }

  Status CheckArgs() const {
    const CommandSpec& cmd = Current();
    if (!cmd.handler) {
      return OkStatus();  // a group command only prints its help
    }
    for (std::size_t k = result_.args.size(); k < cmd.args.size(); ++k) {
      if (cmd.args[k].required) {
        return InvalidRequestError("missing required argument <" + cmd.args[k].name + "> for " +
                                   Quote(CommandName(result_.path)));
      }
    }
    return OkStatus();
  }

  const std::vector<std::string>& args_;
  const EnvLookup& env_;
  std::size_t i_ = 0;
  ParsedCommand result_;
};

}  // namespace

std::optional<std::string> RealEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) {
    return std::nullopt;
  }
  return std::string(value);
}

Result<ParsedCommand> Parse(const CommandSpec& root, const std::vector<std::string>& args,
                            const EnvLookup& env) {
  Parser parser(root, args, env);
  return parser.Run();
}

}  // namespace aicr::cli
