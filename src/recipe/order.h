#pragma once

/// \file
/// Deployment order over the enabled component refs: the lexicographically smallest
/// topological order (dependencies first) and dependency-depth tiers. Disabled refs
/// are not nodes; an edge to a declared-but-disabled component is dropped (it is
/// assumed to be provided externally); an edge to an undeclared name is kept, so it
/// blocks its dependent like a cycle would.

#include <string>
#include <vector>

#include "base/result.h"
#include "recipe/model.h"

namespace aicr::recipe {

/// Kahn's algorithm with an always-sorted ready set. INVALID_REQUEST
/// `cannot determine deployment order: circular dependencies exist` when some
/// enabled ref can never be placed.
Result<std::vector<std::string>> TopologicalSort(const std::vector<ComponentRef>& refs);

/// BFS tiers of the same graph, each tier sorted. INVALID_REQUEST
/// `cannot determine deployment levels: circular dependencies exist`.
Result<std::vector<std::vector<std::string>>> TopologicalLevels(
    const std::vector<ComponentRef>& refs);

}  // namespace aicr::recipe
