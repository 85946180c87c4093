// The `aicr` binary: everything lives in aicr::cli::Run so tests can drive it in-process.

#include <iostream>
#include <string>
#include <vector>

#include "cli/app.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return aicr::cli::Run(args, std::cout, std::cerr);
}
