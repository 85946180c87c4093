#pragma once

/// \file
/// The `aicr` command table.

#include "cli/command_table.h"

namespace aicr::cli {

/// The root (`aicr`) with the global flags and no commands.
CommandSpec RootCommand();

/// Appends every implemented command to `root`, one explicit line each.
void RegisterBuiltinCommands(CommandSpec& root);

/// RootCommand() with RegisterBuiltinCommands() applied: the table of the binary.
CommandSpec BuildCommandTable();

}  // namespace aicr::cli
