#include "cli/commands.h"

namespace aicr::cli {

CommandSpec SnapshotCommand() {
  return CommandSpec{.name = "snapshot", .summary = "(not yet implemented)"};
}

}  // namespace aicr::cli
