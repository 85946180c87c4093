#include <string>

#include "base/status_macros.h"
#include "cli/commands.h"
#include "cli/completion.h"

namespace aicr::cli {
namespace {

Status RunCompletion(CommandContext& ctx) {
  AICR_ASSIGN_OR_RETURN(const std::string script, CompletionScript(ctx.root(), ctx.args().at(0)));
  ctx.out() << script;
  return OkStatus();
}

}  // namespace

CommandSpec CompletionCommand() {
  return CommandSpec{
      .name = "completion",
      .summary = "print a shell completion script",
      .description =
          "Prints a completion script for bash, zsh or fish to stdout. Load it with:\n"
          "\n"
          "    bash:  source <(aicr completion bash)\n"
          "    zsh:   source <(aicr completion zsh)    (after compinit)\n"
          "    fish:  aicr completion fish | source\n",
      .args = {ArgSpec{
          .name = "shell",
          .usage = "the shell to complete for",
          .values = CompletionShells(),
      }},
      .handler = RunCompletion,
  };
}

}  // namespace aicr::cli
