#pragma once

/// \file
/// A test-only command table: the real global flags and `completion`, plus commands
/// exercising every flag type, aliases, nested and group commands, and handlers that
/// fail with a chosen error code, throw, or honour cancellation. Tests pass it to
/// Run(table, ...) so the user-facing table holds no fake commands.

#include <csignal>
#include <stdexcept>
#include <string>

#include "base/error_code.h"
#include "cli/builtin_commands.h"
#include "cli/command_table.h"
#include "cli/commands.h"

namespace aicr::cli {

/// Prints the path, arguments and every flag in scope, one per line.
inline Status EchoHandler(CommandContext& ctx) {
  ctx.out() << "path=" << ctx.CommandLine() << "\n";
  for (const std::string& arg : ctx.args()) {
    ctx.out() << "arg=" << arg << "\n";
  }
  const CommandSpec& cmd = *ctx.path().back();
  for (const FlagSpec& flag : cmd.flags) {
    ctx.out() << flag.name << (ctx.IsSet(flag.name) ? "*" : "") << "=";
    switch (flag.type) {
      case FlagType::kBool:
        ctx.out() << (ctx.GetBool(flag.name) ? "true" : "false");
        break;
      case FlagType::kString:
        ctx.out() << ctx.GetString(flag.name);
        break;
      case FlagType::kStringList:
        for (const std::string& v : ctx.GetStrings(flag.name)) {
          ctx.out() << "[" << v << "]";
        }
        break;
      case FlagType::kInt:
        ctx.out() << ctx.GetInt(flag.name);
        break;
      case FlagType::kDuration:
        ctx.out() << ctx.GetDuration(flag.name).count() << "ns";
        break;
    }
    ctx.out() << "\n";
  }
  return OkStatus();
}

inline CommandSpec TestTable() {
  CommandSpec root = RootCommand();
  root.subcommands.push_back(CompletionCommand());
  root.subcommands.push_back(CommandSpec{
      .name = "recipe",
      .aliases = {"rcp"},
      .summary = "resolve a recipe",
      .description = "Resolves a recipe from criteria.\n",
      .flags =
          {
              FlagSpec{.name = "accelerator",
                       .aliases = {"gpu"},
                       .usage = "accelerator type (h100, gb200, ...)"},
              FlagSpec{.name = "format",
                       .shorts = {'t'},
                       .default_value = "yaml",
                       .usage = "output format",
                       .values = {"json", "table", "yaml"}},
              FlagSpec{.name = "output",
                       .shorts = {'o'},
                       .usage = "output file, '-' for stdout [default]",
                       .value_name = "FILE"},
              FlagSpec{.name = "nodes", .type = FlagType::kInt, .usage = "node count"},
              FlagSpec{.name = "timeout",
                       .type = FlagType::kDuration,
                       .default_value = "5m",
                       .env = "AICR_TEST_TIMEOUT",
                       .usage = "how long to wait"},
              FlagSpec{.name = "set",
                       .shorts = {'s'},
                       .type = FlagType::kStringList,
                       .usage = "override a value (repeatable)"},
              FlagSpec{.name = "strict",
                       .shorts = {'S'},
                       .type = FlagType::kBool,
                       .env = "AICR_TEST_STRICT",
                       .usage = "reject unknown values"},
              FlagSpec{.name = "secret", .hidden = true},
          },
      .subcommands = {CommandSpec{
          .name = "list",
          .summary = "list recipes",
          .flags = {FlagSpec{.name = "wide", .type = FlagType::kBool, .usage = "more columns"}},
          .handler = EchoHandler,
      }},
      .handler = EchoHandler,
  });
  root.subcommands.push_back(CommandSpec{
      .name = "echo",
      .summary = "print arguments",
      .args = {ArgSpec{.name = "first", .usage = "the first argument"},
               ArgSpec{.name = "rest", .usage = "more", .required = false, .variadic = true}},
      .handler = EchoHandler,
  });
  root.subcommands.push_back(CommandSpec{
      .name = "fail",
      .summary = "fail with an error code",
      .args = {ArgSpec{.name = "code", .usage = "an error code name"}},
      .handler = [](CommandContext& ctx) -> Status {
        const ErrorCode code = ErrorCodeFromName(ctx.args()[0]);
        return Status(code, "failing with " + ctx.args()[0]);
      },
  });
  root.subcommands.push_back(CommandSpec{
      .name = "throw",
      .summary = "throw an exception",
      .handler = [](CommandContext&) -> Status { throw std::runtime_error("boom"); },
  });
  root.subcommands.push_back(CommandSpec{
      .name = "interrupt",
      .summary = "raise SIGINT and report cancellation",
      .handler = [](CommandContext& ctx) -> Status {
        std::raise(SIGINT);
        return ctx.cancel().Check();
      },
  });
  root.subcommands.push_back(CommandSpec{
      .name = "group",
      .summary = "a group without a handler",
      .subcommands = {CommandSpec{.name = "leaf", .summary = "a leaf", .handler = EchoHandler}},
  });
  return root;
}

}  // namespace aicr::cli
