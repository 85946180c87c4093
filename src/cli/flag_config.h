#pragma once

/// \file
/// Flag-over-`--config` precedence, and the `key=value` / toleration list parsers
/// shared by the commands that read an AICRConfig (`bundle`, `snapshot`,
/// `validate`, `verify`).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "cli/command_table.h"
#include "snapshotter/agent.h"

namespace aicr::cli {

/// The flag when given on the command line (or by its environment twin); else
/// the config's value when not empty; else the flag's default.
std::string Pick(const CommandContext& ctx, const char* flag, const std::string& config);
/// As Pick, with `fallback` instead of the flag's default.
std::string PickOr(const CommandContext& ctx, const char* flag, const std::string& config,
                   const std::string& fallback);
/// The flag when given, else the config's value when present, else the default.
bool PickBool(const CommandContext& ctx, const char* flag, std::optional<bool> config);
/// A list flag replaces the config list; otherwise the config list, else the default.
std::vector<std::string> PickList(const CommandContext& ctx, const char* flag,
                                  const std::optional<std::vector<std::string>>& config);

/// `key=value` items into a map; INVALID_REQUEST `--node-selector "<item>":
/// expected key=value` for an item without a key or `=`.
Result<std::map<std::string, std::string>> ParseSelectors(const std::vector<std::string>& items);
/// `key[=value]:effect` items (snapshotter::ParseToleration); errors name `where`
/// and the item.
Result<std::vector<snapshotter::Toleration>> ParseTolerations(const std::vector<std::string>& items,
                                                              const std::string& where);

}  // namespace aicr::cli
