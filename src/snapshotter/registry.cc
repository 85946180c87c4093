#include "snapshotter/registry.h"

#include <utility>

#include "base/suggest.h"

namespace aicr::snapshotter {

Status Registry::Add(std::unique_ptr<collector::Collector> collector) {
  if (collector == nullptr) {
    return InvalidRequestError("collector registry: null collector");
  }
  std::string name(collector->name());
  if (name.empty()) {
    return InvalidRequestError("collector registry: collector with an empty name");
  }
  if (collectors_.contains(name)) {
    return InvalidRequestError("collector registry: collector \"" + name +
                               "\" is already registered");
  }
  collectors_.emplace(std::move(name),
                      std::shared_ptr<const collector::Collector>(std::move(collector)));
  return OkStatus();
}

Result<std::shared_ptr<const collector::Collector>> Registry::Find(std::string_view name) const {
  if (auto it = collectors_.find(name); it != collectors_.end()) {
    return it->second;
  }
  std::vector<std::string> names = Names();
  std::string message = "unknown collector \"" + std::string(name) + "\"";
  if (std::string suggestion = ClosestMatch(name, names); !suggestion.empty()) {
    message += " (did you mean \"" + suggestion + "\"?)";
  }
  message += "; available: ";
  if (names.empty()) {
    message += "none";
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    message += (i == 0 ? "" : ", ") + names[i];
  }
  return NotFoundError(std::move(message));
}

std::vector<std::string> Registry::Names() const {
  std::vector<std::string> names;
  names.reserve(collectors_.size());
  for (const auto& [name, collector] : collectors_) {
    names.push_back(name);
  }
  return names;
}

}  // namespace aicr::snapshotter
