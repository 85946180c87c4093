#pragma once

/// \file
/// Flag rows and request assembly shared by `recipe`, `recipe list` and `query`.

#include <string>
#include <vector>

#include "cli/command_table.h"
#include "client/client.h"
#include "recipe/coverage.h"

namespace aicr::cli {

/// --service --accelerator/--gpu --intent --os --platform --nodes.
std::vector<FlagSpec> CriteriaFlags();
/// The same dimensions as list filters (no --nodes).
std::vector<FlagSpec> CriteriaFilterFlags();
/// --profile --snapshot/-s --config --data --criteria-strict --kubeconfig/-k.
std::vector<FlagSpec> ResolutionFlags();
FlagSpec CriteriaStrictFlag();
/// --profile NAME=VALUE, --data DIR and -k/--kubeconfig FILE, as ResolutionFlags has them.
FlagSpec ProfileFlag();
FlagSpec DataFlag();
FlagSpec KubeconfigFlag();

/// The criteria flags that were given.
client::CriteriaInput CriteriaFromFlags(const CommandContext& ctx);
/// A recipe request from the flags in scope.
client::RecipeRequest RecipeRequestFromFlags(const CommandContext& ctx);
/// Client options for a CLI run (version, cancellation).
client::Client::Options ClientOptions(const CommandContext& ctx);
/// Logs the structured context of a resolution failure at debug level.
void LogResolutionDetails(const recipe::ResolutionErrorDetails& details);

/// `-o/--output TARGET` (file, cm://namespace/name, `-` = stdout).
FlagSpec OutputFlag();
/// `-t/--format yaml|json|table` (default yaml) for commands that write a document.
FlagSpec DocumentFormatFlag();

}  // namespace aicr::cli
