#include "cli/app.h"

#include <unistd.h>

#include <exception>
#include <iostream>
#include <utility>

#include "base/cancel.h"
#include "base/error_code.h"
#include "base/log.h"
#include "base/version.h"
#include "cli/builtin_commands.h"
#include "cli/help.h"

namespace aicr::cli {
namespace {

/// Global logging flags as typed, for errors found before parsing succeeds.
bool ScanFlag(const std::vector<std::string>& args, const std::string& name) {
  for (const std::string& arg : args) {
    if (arg == "--") {
      break;
    }
    if (arg == "--" + name || arg == "--" + name + "=true" || arg == "--" + name + "=1") {
      return true;
    }
  }
  return false;
}

/// Converts a failed Status once: logs it to `err` and returns the exit code.
int ReportError(const Status& status, std::ostream& err, const log::Options& options) {
  const int code = ExitCodeFor(status);
  log::Logger logger(err, options);
  if (options.format == log::Format::kCli) {
    logger.Log(log::Level::kError, "Error: " + status.message());
  } else {
    logger.Log(log::Level::kError, "command failed",
               {{"error", status.message()}, {"exitCode", std::to_string(code)}});
  }
  err.flush();
  return code;
}

int RunParsed(const CommandSpec& table, const std::vector<std::string>& args, std::ostream& out,
              std::ostream& err, const EnvLookup& env, log::Options& options) {
  const bool tty = &err == &std::cerr && isatty(STDERR_FILENO) == 1;
  options = log::OptionsFromEnv(ScanFlag(args, "debug"), ScanFlag(args, "log-json"), tty);
  if (Status s = ValidateTable(table); !s.ok()) {
    return ReportError(s, err, options);
  }
  Result<ParsedCommand> parsed = Parse(table, args, env);
  if (!parsed.ok()) {
    return ReportError(parsed.status(), err, options);
  }
  ParsedCommand& cmd = parsed.value();
  CommandContext ctx(table, cmd.path, cmd.args, cmd.flags, out, err, CancelToken::None());
  const bool root_has_logging_flags =
      cmd.flags.count("debug") != 0 && cmd.flags.count("log-json") != 0;
  if (root_has_logging_flags) {
    options = log::OptionsFromEnv(ctx.GetBool("debug"), ctx.GetBool("log-json"), tty);
  }
  log::Configure(options);

  if (cmd.help) {
    out << RenderHelp(cmd.path);
    return 0;
  }
  if (cmd.flags.count("version") != 0 && ctx.IsSet("version") && ctx.GetBool("version")) {
    out << VersionLine(table.name) << "\n";
    return 0;
  }
  const CommandSpec& leaf = *cmd.path.back();
  if (!leaf.handler) {
    out << RenderHelp(cmd.path);
    return 0;
  }
  CommandContext run_ctx(table, std::move(cmd.path), std::move(cmd.args), std::move(cmd.flags), out,
                         err, InstallSignalCancellation());
  Status status = leaf.handler(run_ctx);
  out.flush();
  if (status.ok() && !out) {
    status = UnavailableError("writing to standard output failed");
  }
  if (!status.ok()) {
    return ReportError(status, err, options);
  }
  return 0;
}

}  // namespace

int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  static const CommandSpec* const table = new CommandSpec(BuildCommandTable());
  return Run(*table, args, out, err, RealEnv);
}

int Run(const CommandSpec& table, const std::vector<std::string>& args, std::ostream& out,
        std::ostream& err, const EnvLookup& env) {
  log::Options options;
  try {
    return RunParsed(table, args, out, err, env, options);
  } catch (const std::exception& e) {
    return ReportError(InternalError(std::string("internal error: ") + e.what()), err, options);
  } catch (...) {
    return ReportError(InternalError("internal error: unknown exception"), err, options);
  }
}

}  // namespace aicr::cli
