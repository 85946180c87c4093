#pragma once

/// \file
/// docs/cli-reference.md, generated from the command table and the error-code table.

#include <string>

#include "cli/command_table.h"

namespace aicr::cli {

/// The whole reference page (Markdown, ends in `\n`): global flags, every visible
/// command (recursively) with usage, summary, description, aliases, arguments and a
/// Flag | Aliases | Type | Default | Env | Description table, and the exit codes.
std::string RenderCliReference(const CommandSpec& root);

}  // namespace aicr::cli
