#include "cli/commands.h"

namespace aicr::cli {

CommandSpec DiffCommand() {
  return CommandSpec{.name = "diff", .summary = "(not yet implemented)"};
}

}  // namespace aicr::cli
