#pragma once

/// \file
/// Structured logging to stderr. Three formats:
///  - CLI (default): the bare message; errors in red on a colour TTY unless NO_COLOR.
///  - debug text (`--debug` / AICR_DEBUG): `time=… level=… source=file:line msg="…" k=v …`.
///  - JSON (`--log-json` / AICR_LOG_JSON): one object per line
///    `{"time":…,"level":…,"source":…,"msg":…,<attrs>}`; wins over debug for the format.
/// Documents never go through the logger: they go to stdout.

#include <iosfwd>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"

namespace aicr::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class Format { kCli, kText, kJson };

/// Where a log call was made. Filled by default arguments at the call site
/// (std::source_location is not available with every supported compiler).
struct SourceLocation {
  const char* file;
  int line;
  static constexpr SourceLocation Current(const char* file = __builtin_FILE(),
                                          int line = __builtin_LINE()) {
    return SourceLocation{file, line};
  }
};

/// One key/value attribute; values are logged as strings.
using Attr = std::pair<std::string, std::string>;

struct Options {
  Format format = Format::kCli;
  Level min_level = Level::kInfo;
  bool color = false;
};

/// Options from the environment and the global flags: `debug`/`log_json` are the
/// flag values; AICR_DEBUG / AICR_LOG_JSON (1, true, yes, on) turn them on too;
/// colour is on only for a TTY stderr without NO_COLOR.
Options OptionsFromEnv(bool debug_flag, bool log_json_flag, bool stderr_is_tty);

/// True for 1/true/yes/on in any case.
bool EnvTruthy(std::string_view value);

class Logger {
 public:
  Logger(std::ostream& out, Options options, const Clock& clock = Clock::Real());

  void Log(Level level, std::string_view msg, const std::vector<Attr>& attrs = {},
           SourceLocation loc = SourceLocation::Current());

  const Options& options() const { return options_; }
  bool Enabled(Level level) const { return level >= options_.min_level; }

 private:
  std::ostream& out_;
  Options options_;
  const Clock& clock_;
  std::mutex mu_;
};

/// The process logger (stderr, CLI format, info) until Configure() replaces it.
Logger& Default();
/// Replaces the process logger's options (not thread-safe against concurrent logging).
void Configure(const Options& options);
/// For tests: route the process logger to `logger`; nullptr restores the default.
void SetDefaultForTest(Logger* logger);

inline void Debug(std::string_view msg, const std::vector<Attr>& attrs = {},
                  SourceLocation loc = SourceLocation::Current()) {
  Default().Log(Level::kDebug, msg, attrs, loc);
}
inline void Info(std::string_view msg, const std::vector<Attr>& attrs = {},
                 SourceLocation loc = SourceLocation::Current()) {
  Default().Log(Level::kInfo, msg, attrs, loc);
}
inline void Warn(std::string_view msg, const std::vector<Attr>& attrs = {},
                 SourceLocation loc = SourceLocation::Current()) {
  Default().Log(Level::kWarn, msg, attrs, loc);
}
inline void Error(std::string_view msg, const std::vector<Attr>& attrs = {},
                  SourceLocation loc = SourceLocation::Current()) {
  Default().Log(Level::kError, msg, attrs, loc);
}

}  // namespace aicr::log
