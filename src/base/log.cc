#include "base/log.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

namespace aicr::log {
namespace {

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "DEBUG";
    case Level::kInfo:
      return "INFO";
    case Level::kWarn:
      return "WARN";
    case Level::kError:
      return "ERROR";
  }
  return "INFO";
}

// Shortens a compiler-supplied path to the part from src/ on, so logs do not leak
// build machine paths.
std::string_view ShortFile(std::string_view file) {
  const size_t pos = file.rfind("src/");
  return pos == std::string_view::npos ? file : file.substr(pos);
}

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(u));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// logfmt value: bare when it has no spaces, quotes, '=' or control characters.
void AppendTextValue(std::string& out, std::string_view s) {
  const bool bare = !s.empty() && std::none_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20;
  });
  if (bare) {
    out += s;
  } else {
    AppendJsonString(out, s);
  }
}

std::unique_ptr<Logger>& DefaultSlot() {
  static std::unique_ptr<Logger> slot = std::make_unique<Logger>(std::cerr, Options{});
  return slot;
}

Logger* g_override = nullptr;

}  // namespace

bool EnvTruthy(std::string_view value) {
  std::string v(value);
  std::transform(v.begin(), v.end(), v.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return v == "1" || v == "true" || v == "yes" || v == "on";
}

Options OptionsFromEnv(bool debug_flag, bool log_json_flag, bool stderr_is_tty) {
  auto env = [](const char* name) -> std::string_view {
    const char* v = std::getenv(name);
    return v == nullptr ? std::string_view() : std::string_view(v);
  };
  const bool debug = debug_flag || EnvTruthy(env("AICR_DEBUG"));
  const bool json = log_json_flag || EnvTruthy(env("AICR_LOG_JSON"));
  Options o;
  o.min_level = debug ? Level::kDebug : Level::kInfo;
  o.format = json ? Format::kJson : (debug ? Format::kText : Format::kCli);
  o.color = o.format == Format::kCli && stderr_is_tty && std::getenv("NO_COLOR") == nullptr;
  return o;
}

Logger::Logger(std::ostream& out, Options options, const Clock& clock)
    : out_(out), options_(options), clock_(clock) {}

void Logger::Log(Level level, std::string_view msg, const std::vector<Attr>& attrs,
                 SourceLocation loc) {
  if (!Enabled(level)) {
    return;
  }
  std::string line;
  switch (options_.format) {
    case Format::kCli: {
      const bool red = options_.color && level == Level::kError;
      const bool yellow = options_.color && level == Level::kWarn;
      if (red) {
        line += "\x1b[31m";
      } else if (yellow) {
        line += "\x1b[33m";
      }
      line += msg;
      for (const Attr& a : attrs) {
        line += ' ';
        line += a.first;
        line += '=';
        AppendTextValue(line, a.second);
      }
      if (red || yellow) {
        line += "\x1b[0m";
      }
      break;
    }
    case Format::kText: {
      line += "time=";
      line += FormatRfc3339(clock_.Now());
      line += " level=";
      line += LevelName(level);
      line += " source=";
      line += ShortFile(loc.file);
      line += ':';
      line += std::to_string(loc.line);
      line += " msg=";
      AppendTextValue(line, msg);
      for (const Attr& a : attrs) {
        line += ' ';
        line += a.first;
        line += '=';
        AppendTextValue(line, a.second);
      }
      break;
    }
    case Format::kJson: {
      line += "{\"time\":";
      AppendJsonString(line, FormatRfc3339(clock_.Now()));
      line += ",\"level\":";
      AppendJsonString(line, LevelName(level));
      line += ",\"source\":";
      std::string source(ShortFile(loc.file));
      source += ':';
      source += std::to_string(loc.line);
      AppendJsonString(line, source);
      line += ",\"msg\":";
      AppendJsonString(line, msg);
      for (const Attr& a : attrs) {
        line += ',';
        AppendJsonString(line, a.first);
        line += ':';
        AppendJsonString(line, a.second);
      }
      line += '}';
      break;
    }
  }
  line += '\n';
  std::lock_guard<std::mutex> lock(mu_);
  out_ << line;
  out_.flush();
}

Logger& Default() {
  if (g_override != nullptr) {
    return *g_override;
  }
  return *DefaultSlot();
}

void Configure(const Options& options) {
  DefaultSlot() = std::make_unique<Logger>(std::cerr, options);
}

void SetDefaultForTest(Logger* logger) { g_override = logger; }

}  // namespace aicr::log
