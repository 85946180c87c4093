#pragma once

/// \file
/// One factory per implemented command, each in its own `cmd_<name>.cc`. The list that
/// puts them into the table is RegisterBuiltinCommands() in builtin_commands.cc.

#include "cli/command_table.h"

namespace aicr::cli {

/// `aicr snapshot` (agent Job, `--local`, agent mode).
CommandSpec SnapshotCommand();

/// `aicr recipe` and `aicr recipe list`.
CommandSpec RecipeCommand();

/// `aicr query --selector <path>`.
CommandSpec QueryCommand();

/// `aicr validate -r <recipe> [-s <snapshot>]`.
CommandSpec ValidateCommand();

/// `aicr bundle -r <recipe>`.
CommandSpec BundleCommand();

/// `aicr mirror list` (images and charts for air-gapped mirroring).
CommandSpec MirrorCommand();

/// `aicr skill --agent claude-code|codex`.
CommandSpec SkillCommand();

/// `aicr diff -b <snapshot> --target <snapshot>`.
CommandSpec DiffCommand();

/// `aicr verify <bundle-dir>`.
CommandSpec VerifyCommand();

/// `aicr verify-blob <artifact> --bundle FILE`.
CommandSpec VerifyBlobCommand();

/// `aicr evidence digest|verify|publish`.
CommandSpec EvidenceCommand();

/// `aicr completion bash|fish|zsh`.
CommandSpec CompletionCommand();

}  // namespace aicr::cli
