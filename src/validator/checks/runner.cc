#include "validator/checks/runner.h"

#include <fstream>
#include <optional>
#include <utility>

#include "base/log.h"
#include "serialize/json_writer.h"
#include "validator/checks/context_loader.h"

namespace aicr::validator::checks {
namespace {

std::string TerminationLogPath(const EnvLookup& env) {
  std::optional<std::string> path = env(kTerminationLogEnv);
  return path && !path->empty() ? *path : std::string(kDefaultTerminationLogPath);
}

void WriteTerminationLog(const EnvLookup& env, std::string_view message) {
  const std::string path = TerminationLogPath(env);
  const std::string text = TruncateUtf8(message, kMaxTerminationMessageBytes);
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.flush();
  if (!file) {
    log::Debug("could not write the termination log", {{"path", path}});
  }
}

int Fail(const EnvLookup& env, std::string_view message) {
  log::Error("FAIL: " + std::string(message));
  WriteTerminationLog(env, message);
  return kExitFailed;
}

}  // namespace

std::string TruncateUtf8(std::string_view message, std::size_t max_bytes) {
  if (message.size() <= max_bytes) {
    return std::string(message);
  }
  std::size_t end = max_bytes;
  // Back off over continuation bytes (10xxxxxx) so the cut lands before a lead byte.
  while (end > 0 && (static_cast<unsigned char>(message[end]) & 0xC0U) == 0x80U) {
    --end;
  }
  return std::string(message.substr(0, end));
}

std::string ExtraLine(const serialize::Value& extra) {
  if (!extra.is_mapping() || extra.size() == 0) {
    return "";
  }
  serialize::JsonWriteOptions options;
  options.compact = true;
  options.trailing_newline = false;
  Result<std::string> json = serialize::WriteJson(extra, options);
  if (!json.ok()) {
    return "";
  }
  return std::string(kExtraLinePrefix) + *json;
}

int RunValidator(const std::vector<std::string>& args, const CheckRegistry& registry,
                 const RunnerOptions& options) {
  const EnvLookup env = options.env ? options.env : ProcessEnv();
  if (args.size() < 2 || args[1].empty()) {
    const std::string program = args.empty() ? "aicr-validator" : args[0];
    return Fail(env, "usage: " + program + " <check-name>");
  }
  const std::string& name = args[1];
  Result<CheckFunc> check = registry.Find(name);
  if (!check.ok()) {
    return Fail(env, check.status().message());
  }

  std::vector<log::Attr> attrs = {{"name", name}};
  for (const char* var : {"AICR_VALIDATOR_NAME", "AICR_VALIDATOR_PHASE", "AICR_RUN_ID"}) {
    if (std::optional<std::string> v = env(var); v && !v->empty()) {
      attrs.emplace_back(var, *v);
    }
  }
  log::Debug("starting check", attrs);

  LoadOptions load;
  load.env = env;
  load.in_cluster_root = options.in_cluster_root;
  load.timeout = options.timeout;
  load.cancel = options.cancel;
  Result<LoadedContext> loaded = LoadCheckContext(load);
  if (!loaded.ok()) {
    return Fail(env, "failed to load context: " + loaded.status().message());
  }
  serialize::Value extra = serialize::Value::EmptyMapping();
  CheckContext& ctx = loaded->ctx;
  ctx.out = options.out;
  ctx.extra = &extra;

  const CheckResult result = (*check)(ctx);

  std::ostream& out = ctx.Out();
  if (const std::string line = ExtraLine(extra); !line.empty()) {
    out << line << "\n";
  }
  out.flush();

  switch (result.verdict) {
    case Verdict::kPassed:
      log::Debug("PASS", {{"name", name}});
      return kExitPassed;
    case Verdict::kSkipped:
      log::Debug("SKIP: " + result.message, {{"name", name}});
      WriteTerminationLog(env, result.message);
      return kExitSkipped;
    case Verdict::kFailed:
      break;
  }
  return Fail(env, result.message);
}

}  // namespace aicr::validator::checks
