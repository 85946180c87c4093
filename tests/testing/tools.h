#pragma once

/// \file
/// Test helper: the pinned real tools (helm, kubectl) that scripts/install-tools.sh
/// unpacks from the npm package named in tests/tools/package.json. Tests use them as
/// consumers of generated artifacts. Header-only.

#include <unistd.h>

#include <cstdlib>
#include <string>

namespace aicr::testing {

/// The directory holding the pinned tools: $AICR_TOOLS_BIN when set, else the
/// build's AICR_TOOLS_BIN (CMake cache, default `<source>/build/tools/bin`).
inline std::string ToolsBinDir() {
  const char* env = std::getenv("AICR_TOOLS_BIN");
  if (env != nullptr && *env != '\0') {
    return env;
  }
#ifdef AICR_TOOLS_BIN
  return AICR_TOOLS_BIN;
#else
  return "";
#endif
}

/// The absolute path of the pinned tool `name` ("helm", "kubectl"), or "" when it
/// is not installed (run scripts/install-tools.sh).
inline std::string ToolPath(const std::string& name) {
  const std::string dir = ToolsBinDir();
  if (dir.empty()) {
    return "";
  }
  const std::string path = dir + "/" + name;
  return access(path.c_str(), X_OK) == 0 ? path : "";
}

}  // namespace aicr::testing

/// Skips the test when the pinned tool `name` is not installed, except on CI
/// (CI=true), where its absence is a failure: CI runs scripts/install-tools.sh.
#define REQUIRE_TOOL(name)                                                         \
  do {                                                                             \
    if (::aicr::testing::ToolPath(name).empty()) {                                 \
      const char* ci = std::getenv("CI");                                          \
      if (ci != nullptr && std::string(ci) == "true") {                            \
        FAIL() << (name) << " is required on CI (scripts/install-tools.sh)";       \
      }                                                                            \
      GTEST_SKIP() << (name) << " is not installed; run scripts/install-tools.sh"; \
    }                                                                              \
  } while (false)
