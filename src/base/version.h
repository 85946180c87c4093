#pragma once

/// \file
/// Build identity baked in at configure time.

#include <string>

namespace aicr {

struct BuildInfo {
  std::string version;  ///< e.g. `v0.1.0`, or `dev` for local builds
  std::string commit;   ///< short commit hash, or `unknown`
  std::string date;     ///< commit date (ISO 8601), or `unknown`
};

const BuildInfo& GetBuildInfo();

/// `aicr version <ver> (commit: <sha>, date: <date>)`.
std::string VersionLine(const std::string& program);

}  // namespace aicr
