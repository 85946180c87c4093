#include "collector/topology/topology_collector.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "base/status_macros.h"
#include "base/strings.h"
#include "k8s/resource.h"

namespace aicr::collector {
namespace {

using measurement::Item;
using measurement::Reading;
using measurement::Subtype;

using NodeSet = std::set<std::string>;

std::string StringAt(const serialize::Value& v, std::string_view key) {
  const serialize::Value* found = v.Find(key);
  if (found == nullptr || !found->is_string()) return "";
  return *found->if_string();
}

Item MakeItem(std::map<std::string, std::string> context, const NodeSet& nodes, int max) {
  Item item;
  item.context = std::move(context);
  const std::vector<std::string> list(nodes.begin(), nodes.end());
  item.data["node-count"] = Reading::Int(static_cast<std::int64_t>(list.size()));
  item.data["node-list"] = Reading::Str(JoinNodeList(list, max));
  item.data["truncated"] = Reading::Bool(max > 0 && list.size() > static_cast<std::size_t>(max));
  return item;
}

}  // namespace

TopologyCollector::TopologyCollector(std::shared_ptr<const k8s::Client> client,
                                     std::optional<int> max_nodes_per_entry)
    : client_(std::move(client)), max_nodes_per_entry_(max_nodes_per_entry) {}

int MaxNodesPerEntryFromEnv(const EnvLookup& env) {
  const EnvLookup lookup = env ? env : ProcessEnv();
  std::optional<std::string> text = lookup("AICR_MAX_NODES_PER_ENTRY");
  if (!text.has_value()) return 0;
  const std::string trimmed(Trim(*text));
  int value = 0;
  const char* end = trimmed.data() + trimmed.size();
  auto [ptr, ec] = std::from_chars(trimmed.data(), end, value);
  if (ec != std::errc() || ptr != end || trimmed.empty() || value < 0) return 0;
  return value;
}

std::string JoinNodeList(const std::vector<std::string>& nodes, int max) {
  const std::size_t shown =
      max > 0 ? std::min(nodes.size(), static_cast<std::size_t>(max)) : nodes.size();
  std::string out;
  for (std::size_t i = 0; i < shown; ++i) {
    if (i > 0) out += ',';
    out += nodes[i];
  }
  if (shown < nodes.size()) out += " (+" + std::to_string(nodes.size() - shown) + " more)";
  return out;
}

measurement::Measurement BuildTopology(const std::vector<serialize::Value>& nodes,
                                       int max_nodes_per_entry) {
  // label key -> value -> nodes; taint key -> effect -> value -> nodes.
  std::map<std::string, std::map<std::string, NodeSet>> labels;
  std::map<std::string, std::map<std::string, std::map<std::string, NodeSet>>> taints;
  for (const serialize::Value& node : nodes) {
    const serialize::Value* metadata = node.Find("metadata");
    if (metadata == nullptr) continue;
    const std::string name = StringAt(*metadata, "name");
    if (const serialize::Value* l = metadata->Find("labels"); l != nullptr && l->is_mapping()) {
      for (const auto& [key, value] : *l->if_mapping()) {
        labels[key][value.is_string() ? *value.if_string() : Reading::FromValue(value).String()]
            .insert(name);
      }
    }
    const serialize::Value* t = node.FindPath("spec.taints");
    if (t != nullptr && t->is_sequence()) {
      for (const serialize::Value& taint : *t->if_sequence()) {
        taints[StringAt(taint, "key")][StringAt(taint, "effect")][StringAt(taint, "value")].insert(
            name);
      }
    }
  }

  const int max = max_nodes_per_entry;
  Subtype label;
  label.name = "label";
  for (const auto& [key, values] : labels) {
    for (const auto& [value, set] : values) {
      Item item = MakeItem({{"key", key}, {"value", value}}, set, max);
      const std::string data_key = values.size() > 1 ? key + "." + value : key;
      label.data[data_key] = Reading::Str(value + "|" + *item.data["node-list"].if_string());
      label.items.push_back(std::move(item));
    }
  }
  Subtype taint;
  taint.name = "taint";
  for (const auto& [key, effects] : taints) {
    for (const auto& [effect, values] : effects) {
      for (const auto& [value, set] : values) {
        Item item = MakeItem({{"key", key}, {"value", value}, {"effect", effect}}, set, max);
        const std::string& list = *item.data["node-list"].if_string();
        if (effects.size() == 1) {
          taint.data[key] = Reading::Str(effect + "|" + value + "|" + list);
        } else {
          taint.data[key + "." + effect] = Reading::Str(value + "|" + list);
        }
        taint.items.push_back(std::move(item));
      }
    }
  }
  Subtype summary;
  summary.name = "summary";
  summary.data["node-count"] = Reading::Int(static_cast<std::int64_t>(nodes.size()));
  summary.data["taint-count"] = Reading::Int(static_cast<std::int64_t>(taint.items.size()));
  summary.data["label-count"] = Reading::Int(static_cast<std::int64_t>(label.items.size()));

  measurement::Measurement m;
  m.type = "NodeTopology";
  m.subtypes.push_back(std::move(summary));
  m.subtypes.push_back(std::move(taint));
  m.subtypes.push_back(std::move(label));
  return m;
}

Result<Collected> TopologyCollector::Collect(const CollectContext& ctx) const {
  Collected out;
  if (client_ == nullptr) {
    out.measurement = BuildTopology({}, 0);
    out.measurement->subtypes.resize(1);  // summary only
    return out;
  }
  if (ctx.cancel.IsCanceled()) {
    return Status(ErrorCode::kCanceled, "topology: collection canceled");
  }
  const int max = max_nodes_per_entry_.has_value() ? std::max(0, *max_nodes_per_entry_)
                                                   : MaxNodesPerEntryFromEnv(ctx.env);
  std::vector<serialize::Value> nodes;
  k8s::ListOptions options;
  options.limit = kTopologyPageSize;
  k8s::CallOptions call;
  call.cancel = ctx.cancel;
  call.timeout = kTopologyCollectorTimeout;
  do {
    AICR_ASSIGN_OR_RETURN(k8s::ObjectList page,
                          client_->List(k8s::resources::kNodes, "", options, call));
    for (serialize::Value& node : page.items) nodes.push_back(std::move(node));
    options.continue_token = page.continue_token;
  } while (!options.continue_token.empty());
  out.measurement = BuildTopology(nodes, max);
  return out;
}

}  // namespace aicr::collector
