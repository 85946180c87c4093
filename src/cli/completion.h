#pragma once

/// \file
/// Shell completion scripts for bash, zsh and fish, generated as static text from the
/// command table: every visible command and alias, every flag spelling in scope, and
/// the fixed value sets of flags and arguments. zsh and fish show `name:usage`.

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "cli/command_table.h"

namespace aicr::cli {

/// The shells `aicr completion` supports, sorted.
const std::vector<std::string>& CompletionShells();

std::string BashCompletion(const CommandSpec& root);
std::string ZshCompletion(const CommandSpec& root);
std::string FishCompletion(const CommandSpec& root);

/// The script for `shell`. Errors: kInvalidRequest for an unknown shell, with a
/// "did you mean" suggestion and the valid names.
Result<std::string> CompletionScript(const CommandSpec& root, std::string_view shell);

}  // namespace aicr::cli
