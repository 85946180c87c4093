#include "cli/flag_config.h"

#include <utility>

namespace aicr::cli {

std::string Pick(const CommandContext& ctx, const char* flag, const std::string& config) {
  if (ctx.IsSet(flag) || config.empty()) {
    return ctx.GetString(flag);
  }
  return config;
}

std::string PickOr(const CommandContext& ctx, const char* flag, const std::string& config,
                   const std::string& fallback) {
  if (ctx.IsSet(flag)) {
    return ctx.GetString(flag);
  }
  return config.empty() ? fallback : config;
}

bool PickBool(const CommandContext& ctx, const char* flag, std::optional<bool> config) {
  if (ctx.IsSet(flag) || !config.has_value()) {
    return ctx.GetBool(flag);
  }
  return *config;
}

std::vector<std::string> PickList(const CommandContext& ctx, const char* flag,
                                  const std::optional<std::vector<std::string>>& config) {
  if (ctx.IsSet(flag) || !config.has_value()) {
    return ctx.GetStrings(flag);
  }
  return *config;
}

Result<std::map<std::string, std::string>> ParseSelectors(const std::vector<std::string>& items) {
  std::map<std::string, std::string> out;
  for (const std::string& item : items) {
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidRequestError("--node-selector \"" + item + "\": expected key=value");
    }
    out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

Result<std::vector<snapshotter::Toleration>> ParseTolerations(const std::vector<std::string>& items,
                                                              const std::string& where) {
  std::vector<snapshotter::Toleration> out;
  for (const std::string& item : items) {
    Result<snapshotter::Toleration> t = snapshotter::ParseToleration(item);
    if (!t.ok()) {
      return t.status().WithContext(where + " \"" + item + "\"");
    }
    out.push_back(std::move(t).value());
  }
  return out;
}

}  // namespace aicr::cli
