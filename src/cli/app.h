#pragma once

/// \file
/// The `aicr` entry point: parse argv against the command table, configure logging,
/// run the handler, and convert its Status to an exit code exactly once.
///
/// Errors print through the logger to stderr: `Error: <message>` in the default CLI
/// format, `command failed` with attributes `error` and `exitCode` in the debug-text
/// and JSON formats. Usage errors exit 2; exceptions escaping a handler exit 8.

#include <iosfwd>
#include <string>
#include <vector>

#include "cli/command_table.h"
#include "cli/parser.h"

namespace aicr::cli {

/// Runs the real `aicr` table. `args` excludes the program name.
int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// Runs `table` (tests pass their own). `env` resolves the flags' environment twins.
int Run(const CommandSpec& table, const std::vector<std::string>& args, std::ostream& out,
        std::ostream& err, const EnvLookup& env = RealEnv);

}  // namespace aicr::cli
