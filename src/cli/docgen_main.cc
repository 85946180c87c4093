// aicr_docgen: renders docs/cli-reference.md from the command table.
//   aicr_docgen            print to stdout
//   aicr_docgen <path>     write <path> atomically

#include <iostream>
#include <string>

#include "base/atomic_file.h"
#include "cli/builtin_commands.h"
#include "cli/docs.h"

int main(int argc, char** argv) {
  const std::string text = aicr::cli::RenderCliReference(aicr::cli::BuildCommandTable());
  if (argc < 2) {
    std::cout << text;
    return std::cout ? 0 : 1;
  }
  const aicr::Status status = aicr::WriteFileAtomic(argv[1], text);
  if (!status.ok()) {
    std::cerr << "aicr_docgen: " << status.message() << "\n";
    return 1;
  }
  return 0;
}
