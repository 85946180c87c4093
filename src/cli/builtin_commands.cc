#include "cli/builtin_commands.h"

#include "cli/commands.h"

namespace aicr::cli {

CommandSpec RootCommand() {
  return CommandSpec{
      .name = "aicr",
      .summary = "AI Cluster Runtime: validated, version-locked configuration for GPU Kubernetes",
      .description =
          "aicr turns a description of a GPU Kubernetes environment into validated,\n"
          "version-locked configuration artifacts. Documents are written to stdout,\n"
          "logs and errors to stderr.\n",
      .flags =
          {
              FlagSpec{
                  .name = "debug",
                  .type = FlagType::kBool,
                  .env = "AICR_DEBUG",
                  .usage = "enable debug logging (text format with time, level and source)",
              },
              FlagSpec{
                  .name = "log-json",
                  .type = FlagType::kBool,
                  .env = "AICR_LOG_JSON",
                  .usage = "log one JSON object per line (wins over --debug for the format)",
              },
              FlagSpec{
                  .name = "version",
                  .shorts = {'v'},
                  .type = FlagType::kBool,
                  .usage = "print the version and exit",
                  .local = true,
              },
          },
  };
}

void RegisterBuiltinCommands(CommandSpec& root) {
  // One line per command, in the order of the documentation.
  root.subcommands.push_back(SnapshotCommand());
  root.subcommands.push_back(RecipeCommand());
  root.subcommands.push_back(QueryCommand());
  root.subcommands.push_back(ValidateCommand());
  root.subcommands.push_back(BundleCommand());
  root.subcommands.push_back(MirrorCommand());
  root.subcommands.push_back(DiffCommand());
  root.subcommands.push_back(VerifyCommand());
  root.subcommands.push_back(VerifyBlobCommand());
  root.subcommands.push_back(SkillCommand());
  root.subcommands.push_back(EvidenceCommand());
  root.subcommands.push_back(CompletionCommand());
}

CommandSpec BuildCommandTable() {
  CommandSpec root = RootCommand();
  RegisterBuiltinCommands(root);
  return root;
}

}  // namespace aicr::cli
