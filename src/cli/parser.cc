#include "cli/parser.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <utility>

#include "base/log.h"
#include "base/strings.h"
#include "base/suggest.h"

// CLI11 does the tokenizing and matching: subcommands and their aliases, `--name value`,
// `--name=value`, `-ovalue`, grouped shorts, `--`, global flags through fallthrough. Every
// spelling of a flag is its own CLI11 option whose callback fires as it is parsed
// (trigger_on_parse) and every positional has a validator that CLI11 calls as it is parsed
// (validate_positionals), so errors come out in argv order and name the spelling used.
// This file adds what CLI11 has no word for: the table's scopes, value checks and env twins.

namespace aicr::cli {
namespace {

/// Carries a final Status out of a CLI11 callback.
struct Failed {
  Status status;
};
/// Thrown by `-h/--help`: parsing stops there.
struct HelpSeen {};

/// Unbounded positionals: a variadic argument and the catch-all that rejects extra ones.
constexpr int kUnbounded = CLI::detail::expected_max_vector_size;

/// ` (valid values: a, b); did you mean "y"?`.
std::string ChoiceHint(std::string_view value, const std::vector<std::string>& values) {
  std::string out = " (valid values: " + Join(values, ", ") + ")";
  const std::string match = ClosestMatch(value, values);
  if (!match.empty()) {
    out += "; did you mean " + Quote(match) + "?";
  }
  return out;
}

bool Contains(const std::vector<std::string>& items, std::string_view item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

class Parser {
 public:
  Parser(const CommandSpec& root, const EnvLookup& env) : env_(env) {
    result_.path.push_back(&root);
    app_.set_help_flag();  // -h/--help is a table flag like any other
    // Unknown flags wait in remaining(); unknown ones in a subcommand fall through to the root,
    // which holds the global flags; one subcommand per level, so once `recipe` is chosen a
    // later `completion` is an argument, not a sibling command.
    app_.allow_extras()->fallthrough()->validate_positionals()->require_subcommand(0, 1);
    Build(app_, root, root.name);
    for (const std::string& spelling : FlagSpellings(HelpFlag())) {
      AddSpelling(app_, HelpFlag(), spelling);
    }
  }

  Result<ParsedCommand> Run(const std::vector<std::string>& args) {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 pops from the back
    try {
      app_.parse(reversed);
      ThrowIfUnknownFlag();
    } catch (const HelpSeen&) {
      result_.help = true;
    } catch (const Failed& failed) {
      return failed.status;
    } catch (const CLI::ArgumentMismatch& e) {
      return MissingValue(e.what());
    } catch (const CLI::Error& e) {
      return InvalidRequestError(e.what());
    }
    CollectArgs();
    AddScopeEntries();
    if (!result_.help) {
      if (Status s = ApplyEnv(); !s.ok()) {
        return s;
      }
      if (Status s = CheckRequiredArgs(); !s.ok()) {
        return s;
      }
    }
    return std::move(result_);
  }

 private:
  // --- Building the CLI11 tree from the table -------------------------------------------

  /// `name` is the command line of `cmd` (`aicr recipe`).
  void Build(CLI::App& app, const CommandSpec& cmd, const std::string& name) {
    for (const FlagSpec& flag : cmd.flags) {
      for (const std::string& spelling : FlagSpellings(flag)) {
        AddSpelling(app, flag, spelling);
      }
    }
    std::vector<CLI::Option*>& positionals = positionals_[&cmd];
    for (const ArgSpec& arg : cmd.args) {
      CLI::Option* opt =
          app.add_option(arg.name)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
      if (arg.variadic) {
        opt->expected(kUnbounded, kUnbounded);  // never full: keeps `--` inside this command
      }
      opt->check(CLI::Validator(
          [this, &arg](std::string& value) {
            ThrowIfUnknownFlag();
            if (!arg.values.empty() && !Contains(arg.values, value)) {
              throw Failed{InvalidRequestError("invalid value " + Quote(value) + " for argument <" +
                                               arg.name + ">" + ChoiceHint(value, arg.values))};
            }
            return std::string();
          },
          ""));
      positionals.push_back(opt);
    }
    if (cmd.args.empty() || !cmd.args.back().variadic) {
      // Takes any positional the command has no room for (and subcommand typos). Never
      // full, so CLI11 keeps `--` and what follows inside this command.
      CLI::Option* extra = app.add_option("EXTRA")->expected(kUnbounded, kUnbounded);
      extra->check(CLI::Validator(
          [this, &cmd, &app, name](std::string& value) -> std::string {
            ThrowIfUnknownFlag();
            throw Failed{ExtraPositional(cmd, name, value, Contains(app.remaining(), "--"))};
          },
          ""));
    }
    for (const CommandSpec& sub_spec : cmd.subcommands) {
      CLI::App* sub = app.add_subcommand(sub_spec.name);
      for (const std::string& alias : sub_spec.aliases) {
        sub->alias(alias);
      }
      sub->preparse_callback([this, &sub_spec](std::size_t) {
        ThrowIfUnknownFlag();
        result_.path.push_back(&sub_spec);
      });
      Build(*sub, sub_spec, name + " " + sub_spec.name);
    }
  }

  void AddSpelling(CLI::App& app, const FlagSpec& flag, const std::string& spelling) {
    CLI::Option* opt = app.add_option(spelling, [this, &flag, spelling](const CLI::results_t& res) {
      OnFlag(flag, spelling, res.empty() ? std::string() : res.front());
      return true;
    });
    opt->trigger_on_parse();
    if (flag.type == FlagType::kBool) {
      opt->expected(0);  // a flag: `--x` means true, `--x=false` still works
    }
  }

  // --- Hooks CLI11 calls while parsing -----------------------------------------------------

  void OnFlag(const FlagSpec& flag, const std::string& spelling, std::string value) {
    ThrowIfUnknownFlag();
    if (!InScope(flag)) {
      throw Failed{UnknownFlag(spelling)};  // found by fallthrough, but not global (--version)
    }
    if (spelling.size() == 2 && flag.type != FlagType::kBool && !value.empty() &&
        value.front() == '=') {
      value.erase(0, 1);  // `-o=x`: CLI11 keeps the `=`
    }
    CommandContext::FlagValue& slot = result_.flags[flag.name];
    slot.spec = &flag;
    if (slot.set && flag.type != FlagType::kStringList) {
      throw Failed{InvalidRequestError("flag " + spelling + " given more than once")};
    }
    if (Status s = CheckValue(flag, spelling, value, ""); !s.ok()) {
      throw Failed{s};
    }
    slot.set = true;
    slot.values.push_back(value);
    if (&flag == &HelpFlag() && ParseBool(value).value_or(false)) {
      throw HelpSeen{};
    }
  }

  /// Unknown flags wait in CLI11's "remaining" list; report the first one before any later
  /// error so that errors come in argv order. `--` marks are not flags.
  void ThrowIfUnknownFlag() const {
    for (const std::string& item : app_.remaining(true)) {
      if (item != "--") {
        throw Failed{UnknownFlag(item)};
      }
    }
  }

  // --- Messages ----------------------------------------------------------------------------

  std::string CommandName() const {
    std::vector<std::string> names;
    for (const CommandSpec* cmd : result_.path) {
      names.push_back(cmd->name);
    }
    return Join(names, " ");
  }

  static Status ExtraPositional(const CommandSpec& cmd, const std::string& name,
                                const std::string& value, bool after_double_dash) {
    if (cmd.subcommands.empty() || after_double_dash) {
      return InvalidRequestError("unexpected argument " + Quote(value) + " for " + Quote(name));
    }
    std::string msg = "unknown command " + Quote(value) + " for " + Quote(name);
    const std::string match = ClosestMatch(value, SubcommandNames(cmd));
    if (!match.empty()) {
      msg += "; did you mean " + Quote(match) + "?";
    }
    return InvalidRequestError(msg);
  }

  /// `token` as typed (`--fromat=json`, `-x`, `-debug`); suggests a visible long spelling.
  Status UnknownFlag(const std::string& token) const {
    const std::string shown = token.substr(0, token.find('=', 2));
    std::string msg = "unknown flag " + shown;
    if (shown.size() > 2) {
      const std::string as_long = shown[1] == '-' ? shown : "-" + shown;  // `-debug`
      std::vector<std::string> longs;
      for (const FlagSpec* flag : Scope()) {
        for (const std::string& spelling : FlagSpellings(*flag)) {
          if (!flag->hidden && spelling.size() > 2) {
            longs.push_back(spelling);
          }
        }
      }
      const std::string match = Contains(longs, as_long) ? as_long : ClosestMatch(as_long, longs);
      if (!match.empty()) {
        msg += "; did you mean " + match + "?";
      }
    }
    return InvalidRequestError(msg);
  }

  /// CLI11 ran out of arguments for an option; its message starts with the option's name.
  Status MissingValue(const std::string& what) const {
    if (Status s = PendingUnknownFlag(); !s.ok()) {
      return s;
    }
    const std::string spelling = what.substr(0, what.find(':'));
    for (const FlagSpec* flag : Scope()) {
      if (Contains(FlagSpellings(*flag), spelling)) {
        return InvalidRequestError("flag " + spelling + " needs a value");
      }
    }
    return UnknownFlag(spelling);
  }

  Status PendingUnknownFlag() const {
    try {
      ThrowIfUnknownFlag();
    } catch (const Failed& failed) {
      return failed.status;
    }
    return OkStatus();
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
        if (!flag.values.empty() && !Contains(flag.values, value)) {
          return InvalidRequestError(prefix + ChoiceHint(value, flag.values));
        }
        break;
    }
    if (!s.ok()) {
      return InvalidRequestError(prefix + ": " + s.message());
    }
    return OkStatus();
  }

  // --- After parsing -----------------------------------------------------------------------

  std::vector<const FlagSpec*> Scope() const {
    std::vector<const FlagSpec*> scope = FlagsInScope(result_.path);
    scope.push_back(&HelpFlag());
    return scope;
  }

  bool InScope(const FlagSpec& flag) const {
    const std::vector<const FlagSpec*> scope = Scope();
    return std::find(scope.begin(), scope.end(), &flag) != scope.end();
  }

  void CollectArgs() {
    for (const CLI::Option* opt : positionals_[result_.path.back()]) {
      const CLI::results_t& values = opt->results();
      result_.args.insert(result_.args.end(), values.begin(), values.end());
    }
  }

  void AddScopeEntries() {
    for (const FlagSpec* flag : Scope()) {
      result_.flags[flag->name].spec = flag;
    }
  }

  /// Env twins, read through the EnvLookup seam (CLI11's envname would call getenv).
  Status ApplyEnv() {
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

  Status CheckRequiredArgs() const {
    const CommandSpec& cmd = *result_.path.back();
    if (!cmd.handler) {
      return OkStatus();  // a group command only prints its help
    }
    for (std::size_t k = result_.args.size(); k < cmd.args.size(); ++k) {
      if (cmd.args[k].required) {
        return InvalidRequestError("missing required argument <" + cmd.args[k].name + "> for " +
                                   Quote(CommandName()));
      }
    }
    return OkStatus();
  }

  const EnvLookup& env_;
  CLI::App app_;
  std::map<const CommandSpec*, std::vector<CLI::Option*>> positionals_;
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
  try {
    Parser parser(root, env);
    return parser.Run(args);
  } catch (const CLI::ConstructionError& e) {
    return InternalError(std::string("command table rejected by CLI11: ") + e.what());
  }
}

}  // namespace aicr::cli
