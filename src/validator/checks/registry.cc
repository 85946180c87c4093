#include "validator/checks/registry.h"

#include <utility>

#include "base/strings.h"
#include "base/suggest.h"

namespace aicr::validator::checks {

Status CheckRegistry::Add(std::string name, CheckFunc func) {
  if (name.empty()) {
    return InvalidRequestError("check name is empty");
  }
  if (!func) {
    return InvalidRequestError("check " + Quote(name) + " has no function");
  }
  if (checks_.count(name) != 0) {
    return InvalidRequestError("duplicate check " + Quote(name));
  }
  checks_.emplace(std::move(name), std::move(func));
  return OkStatus();
}

Result<CheckFunc> CheckRegistry::Find(std::string_view name) const {
  const auto it = checks_.find(name);
  if (it != checks_.end()) {
    return it->second;
  }
  const std::vector<std::string> names = Names();
  std::string message = "unknown check: " + std::string(name);
  const std::string closest = ClosestMatch(name, names);
  if (!closest.empty()) {
    message += ", did you mean " + Quote(closest) + "?";
  }
  message += " (available: " + Join(names, ", ") + ")";
  return NotFoundError(std::move(message));
}

std::vector<std::string> CheckRegistry::Names() const {
  std::vector<std::string> names;
  names.reserve(checks_.size());
  for (const auto& [name, func] : checks_) {
    names.push_back(name);
  }
  return names;
}

}  // namespace aicr::validator::checks
