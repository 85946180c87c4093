#include "recipe/order.h"

#include <map>
#include <set>

namespace aicr::recipe {
namespace {

struct Graph {
  std::map<std::string, int> in_degree;                        // enabled nodes only
  std::map<std::string, std::vector<std::string>> dependents;  // dep -> dependents
};

Graph BuildGraph(const std::vector<ComponentRef>& refs) {
  std::set<std::string> declared;
  std::set<std::string> enabled;
  for (const auto& r : refs) {
    declared.insert(r.name);
    if (r.IsEnabled()) {
      enabled.insert(r.name);
    }
  }
  Graph g;
  for (const auto& r : refs) {
    if (enabled.count(r.name) == 0) {
      continue;
    }
    int degree = 0;
    for (const auto& dep : r.dependency_refs) {
      if (declared.count(dep) != 0 && enabled.count(dep) == 0) {
        continue;  // declared but disabled: satisfied externally
      }
      ++degree;
      g.dependents[dep].push_back(r.name);
    }
    g.in_degree[r.name] = degree;
  }
  return g;
}

}  // namespace

Result<std::vector<std::string>> TopologicalSort(const std::vector<ComponentRef>& refs) {
  Graph g = BuildGraph(refs);
  std::set<std::string> ready;  // always sorted: smallest name first
  for (const auto& [name, degree] : g.in_degree) {
    if (degree == 0) {
      ready.insert(name);
    }
  }
  std::vector<std::string> order;
  while (!ready.empty()) {
    std::string node = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(node);
    for (const auto& dependent : g.dependents[node]) {
      if (--g.in_degree[dependent] == 0) {
        ready.insert(dependent);
      }
    }
  }
  if (order.size() != g.in_degree.size()) {
    return InvalidRequestError("cannot determine deployment order: circular dependencies exist");
  }
  return order;
}

Result<std::vector<std::vector<std::string>>> TopologicalLevels(
    const std::vector<ComponentRef>& refs) {
  Graph g = BuildGraph(refs);
  std::set<std::string> current;
  for (const auto& [name, degree] : g.in_degree) {
    if (degree == 0) {
      current.insert(name);
    }
  }
  std::vector<std::vector<std::string>> levels;
  std::size_t processed = 0;
  while (!current.empty()) {
    levels.emplace_back(current.begin(), current.end());
    processed += current.size();
    std::set<std::string> next;
    for (const auto& node : current) {
      for (const auto& dependent : g.dependents[node]) {
        if (--g.in_degree[dependent] == 0) {
          next.insert(dependent);
        }
      }
    }
    current = std::move(next);
  }
  if (processed != g.in_degree.size()) {
    return InvalidRequestError("cannot determine deployment levels: circular dependencies exist");
  }
  return levels;
}

}  // namespace aicr::recipe
