#pragma once

/// \file
/// The command table: plain data describing every command of the `aicr` binary
/// (names, aliases, arguments, flags, handler). The parser, `--help`, the shell
/// completion scripts and docs/cli-reference.md are all generated from it, so a
/// command or flag exists in one place only.
///
/// Adding a command: write `src/cli/cmd_<name>.cc` defining `CommandSpec <Name>Command()`,
/// declare it in `cli/commands.h` and add one line to `RegisterBuiltinCommands()` in
/// `cli/builtin_commands.cc`. No static self-registration.

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/cancel.h"
#include "base/result.h"
#include "base/status.h"

namespace aicr::cli {

enum class FlagType { kBool, kString, kStringList, kInt, kDuration };

/// `bool`, `string`, `string[]`, `int`, `duration`.
std::string_view FlagTypeName(FlagType type);

/// One flag. Spellings: `--name`, `--alias` for each of `aliases`, `-c` for each of `shorts`.
struct FlagSpec {
  std::string name;                       ///< canonical long name, without dashes (`accelerator`)
  std::vector<std::string> aliases = {};  ///< further long names (`gpu`)
  std::vector<char> shorts = {};          ///< one-letter names (`o` for `-o`)
  FlagType type = FlagType::kString;
  std::string default_value = {};        ///< as text; empty means none (false / 0 / unset)
  std::string env = {};                  ///< environment twin read when the flag is not given
  std::string usage = {};                ///< one lower-case line for help, completion and docs
  std::vector<std::string> values = {};  ///< fixed value set (completion, validation)
  std::string value_name = {};  ///< placeholder in help (`FILE`); defaults to the type name
  bool hidden = false;          ///< accepted but left out of help, completion and docs
  /// Root flags only: not inherited by subcommands (e.g. `--version`). Root flags are
  /// otherwise global: accepted before and after any subcommand.
  bool local = false;
};

/// One positional argument.
struct ArgSpec {
  std::string name;  ///< shown as `<name>`
  std::string usage = {};
  std::vector<std::string> values = {};  ///< fixed value set (completion, validation)
  bool required = true;
  bool variadic = false;  ///< takes all remaining arguments; must be last
};

class CommandContext;
using Handler = std::function<Status(CommandContext&)>;

/// One command; the root of the table is the binary itself (name `aicr`) and its flags
/// are the global flags. A command without a handler prints its help.
struct CommandSpec {
  std::string name;
  std::vector<std::string> aliases = {};
  std::string summary = {};      ///< one lower-case line
  std::string description = {};  ///< paragraphs for help and docs
  std::vector<ArgSpec> args = {};
  std::vector<FlagSpec> flags = {};
  std::vector<CommandSpec> subcommands = {};
  Handler handler = {};
  bool hidden = false;
};

/// Checks the table's invariants: names and flags well-formed, no duplicate command or
/// flag spelling in scope (including the built-in `-h/--help`), values only on string
/// flags and args, a variadic argument only last, no subcommands beside positional args.
/// Errors: kInternal naming the offending command and flag.
Status ValidateTable(const CommandSpec& root);

/// The subcommand of `cmd` called `name` (or with that alias), or nullptr.
const CommandSpec* FindSubcommand(const CommandSpec& cmd, std::string_view name);

/// Visible subcommand names, sorted.
std::vector<std::string> SubcommandNames(const CommandSpec& cmd);

/// Every flag spelling (`--name`, `--alias`, `-s`) of `flag`, long names first.
std::vector<std::string> FlagSpellings(const FlagSpec& flag);

/// The flags in scope for the command at the end of `path` (root first): the
/// command's own flags, then the inherited global flags. Hidden flags included.
std::vector<const FlagSpec*> FlagsInScope(const std::vector<const CommandSpec*>& path);

/// The built-in `-h/--help` flag present on every command.
const FlagSpec& HelpFlag();

/// Everything a handler may use: parsed arguments and flags, the output streams and
/// the process cancellation token.
class CommandContext {
 public:
  struct FlagValue {
    const FlagSpec* spec = nullptr;
    std::vector<std::string> values;  ///< raw text, validated against the type
    bool set = false;                 ///< given on the command line or through the env twin
  };

  CommandContext(const CommandSpec& root, std::vector<const CommandSpec*> path,
                 std::vector<std::string> args, std::map<std::string, FlagValue> flags,
                 std::ostream& out, std::ostream& err, CancelToken cancel);

  /// The whole table (root); the completion and docs commands render it.
  const CommandSpec& root() const { return root_; }
  /// Root first, the running command last.
  const std::vector<const CommandSpec*>& path() const { return path_; }
  /// `aicr recipe list`.
  std::string CommandLine() const;
  /// Positional arguments, in order.
  const std::vector<std::string>& args() const { return args_; }

  /// Whether the flag (canonical name, in scope) was given or came from its env twin.
  bool IsSet(std::string_view name) const;
  /// Whether the running command has the flag at all (for helpers shared by commands).
  bool HasFlag(std::string_view name) const;
  bool GetBool(std::string_view name) const;
  std::string GetString(std::string_view name) const;
  std::vector<std::string> GetStrings(std::string_view name) const;
  std::int64_t GetInt(std::string_view name) const;
  std::chrono::nanoseconds GetDuration(std::string_view name) const;

  /// Documents go here (stdout).
  std::ostream& out() const { return out_; }
  /// Diagnostics that bypass the logger (rare); logs go through aicr::log.
  std::ostream& err() const { return err_; }
  const CancelToken& cancel() const { return cancel_; }

 private:
  /// The value list of a flag in scope: given values, else the default.
  std::vector<std::string> Values(std::string_view name, FlagType expected) const;

  const CommandSpec& root_;
  std::vector<const CommandSpec*> path_;
  std::vector<std::string> args_;
  std::map<std::string, FlagValue> flags_;
  std::ostream& out_;
  std::ostream& err_;
  CancelToken cancel_;
};

/// Parses a Go-style duration (`300ms`, `1.5h`, `2h45m`, `0`).
/// Errors: kInvalidRequest when malformed or out of range.
Result<std::chrono::nanoseconds> ParseDuration(std::string_view text);

/// Parses a Go-style boolean (1, t, true, TRUE, True, 0, f, false, FALSE, False).
/// Errors: kInvalidRequest.
Result<bool> ParseBool(std::string_view text);

/// Parses a decimal 64-bit integer. Errors: kInvalidRequest.
Result<std::int64_t> ParseInt(std::string_view text);

}  // namespace aicr::cli
