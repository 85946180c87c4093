#pragma once

/// \file
/// The collector registry: an object (no static self-registration) holding
/// collectors by their registry name. Names are unique; lookups of unknown names
/// fail with a "did you mean" suggestion and the sorted list of names.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "collector/collector.h"

namespace aicr::snapshotter {

class Registry {
 public:
  Registry() = default;
  Registry(Registry&&) = default;
  Registry& operator=(Registry&&) = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  /// Adds `collector` under its name(). INVALID_REQUEST for a null collector, an
  /// empty name, or a name already registered (the message names it).
  Status Add(std::unique_ptr<collector::Collector> collector);

  /// The collector registered as `name`. NOT_FOUND otherwise, with a "did you mean"
  /// suggestion when one is close and the sorted list of registered names. The
  /// collector is shared so that a run that outlives its caller stays valid.
  Result<std::shared_ptr<const collector::Collector>> Find(std::string_view name) const;

  /// Registered names, sorted.
  std::vector<std::string> Names() const;

  std::size_t size() const { return collectors_.size(); }
  bool empty() const { return collectors_.empty(); }

 private:
  std::map<std::string, std::shared_ptr<const collector::Collector>, std::less<>> collectors_;
};

}  // namespace aicr::snapshotter
