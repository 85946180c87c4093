#pragma once

/// \file
/// `--help` text, generated from the command table.

#include <string>
#include <vector>

#include "cli/command_table.h"

namespace aicr::cli {

/// `aicr recipe [flags]`, `aicr completion <shell>`, `aicr [flags] <command>`.
std::string UsageLine(const std::vector<const CommandSpec*>& path);

/// The full help text of the command at the end of `path` (root first), ending in `\n`.
std::string RenderHelp(const std::vector<const CommandSpec*>& path);

/// `--output, -o` style left column of a flag: every visible spelling, long names first.
std::string FlagNames(const FlagSpec& flag);

/// Text after the usage in help and docs: ` (one of: a, b)`, ` (default: x)`.
std::string FlagUsageSuffix(const FlagSpec& flag);

}  // namespace aicr::cli
