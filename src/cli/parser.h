#pragma once

/// \file
/// Turns argv into a command path, positional arguments and flag values, driven only
/// by the command table; CLI11 does the tokenizing and matching. Conventions: `--name value`,
/// `--name=value`, `-o value`, `-ovalue`, `-o=value`, grouped boolean shorts (`-dv`), `--`
/// ends flags, a lone `-` or a negative number (`-5`) is an argument. Global (root) flags are
/// accepted anywhere; a non-repeatable flag may appear once. CLI11 rules unlike Go's pflag:
/// `--name=` with nothing after `=` takes the next argument as its value, a boolean short
/// takes no `=value` (write `--strict=false`), and `++` ends a subcommand's arguments.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "cli/command_table.h"

namespace aicr::cli {

/// Environment lookup seam: the value of a variable, or nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

/// The process environment.
std::optional<std::string> RealEnv(const std::string& name);

struct ParsedCommand {
  std::vector<const CommandSpec*> path;  ///< root first
  std::vector<std::string> args;         ///< positional arguments
  /// Every flag in scope of the final command plus any other given, by canonical name.
  std::map<std::string, CommandContext::FlagValue> flags;
  bool help = false;  ///< `-h/--help` seen: parsing stopped there
};

/// Parses `args` (without the program name) against `root`.
/// Errors (all kInvalidRequest, messages exact):
///   unknown command "x" for "aicr"[; did you mean "y"?]
///   unknown flag --x[; did you mean --y?]
///   flag --x given more than once
///   flag --x needs a value
///   invalid value "v" for flag --x: <reason>     (reason for bool, int, duration)
///   invalid value "v" for flag --x (valid values: a, b)[; did you mean "w"?]
///   invalid value "v" for flag --x (from $ENV): <reason>
///   unexpected argument "x" for "aicr cmd"
///   missing required argument <name> for "aicr cmd"
///   invalid value "v" for argument <name> (valid values: a, b)[; did you mean "w"?]
Result<ParsedCommand> Parse(const CommandSpec& root, const std::vector<std::string>& args,
                            const EnvLookup& env = RealEnv);

}  // namespace aicr::cli
