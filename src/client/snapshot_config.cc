#include <map>
#include <optional>
#include <string>
#include <utility>

#include "base/status_macros.h"
#include "client/config_fields.h"
#include "client/snapshot.h"
#include "serialize/yaml_writer.h"
#include "snapshotter/agent.h"

namespace aicr::client {
namespace {

using config_fields::Bool;
using config_fields::CheckKeys;
using config_fields::List;
using config_fields::StringMap;
using config_fields::Text;
using config_fields::TypeName;
using serialize::Value;

constexpr char kRoot[] = "spec.snapshot";

// agent.requests / agent.limits: `cpu=1,memory=2Gi` or a mapping.
Result<std::optional<std::map<std::string, std::string>>> Resources(const Value& parent,
                                                                    const char* key,
                                                                    const std::string& path) {
  const Value* v = parent.Find(key);
  if (v == nullptr || v->is_null()) {
    return std::optional<std::map<std::string, std::string>>();
  }
  std::string text;
  if (const std::string* s = v->if_string()) {
    text = *s;
  } else if (v->is_mapping()) {
    AICR_ASSIGN_OR_RETURN(auto m, StringMap(parent, key, path));
    for (const auto& [name, qty] : *m) {
      text += (text.empty() ? "" : ",") + name + "=" + qty;
    }
  } else {
    return InvalidRequestError("config " + path + "." + key +
                               ": expected a string (cpu=500m,memory=1Gi) or a mapping, got " +
                               TypeName(*v));
  }
  Result<std::map<std::string, std::string>> parsed = snapshotter::ParseResourceList(text);
  if (!parsed.ok()) {
    return parsed.status().WithContext("config " + path + "." + key);
  }
  return std::optional<std::map<std::string, std::string>>(std::move(parsed).value());
}

}  // namespace

Result<SnapshotConfig> DecodeSnapshotConfig(const Value& snapshot) {
  SnapshotConfig cfg;
  if (snapshot.is_null()) {
    return cfg;
  }
  const std::string root = kRoot;
  AICR_RETURN_IF_ERROR(CheckKeys(snapshot, root, {"output", "agent", "execution"}));
  if (const Value* out = snapshot.Find("output"); out != nullptr && !out->is_null()) {
    const std::string path = root + ".output";
    AICR_RETURN_IF_ERROR(CheckKeys(*out, path, {"path", "format", "template"}));
    AICR_ASSIGN_OR_RETURN(cfg.output_path, Text(*out, "path", path));
    AICR_ASSIGN_OR_RETURN(cfg.output_format, Text(*out, "format", path));
    AICR_ASSIGN_OR_RETURN(cfg.output_template, Text(*out, "template", path));
    if (!cfg.output_format.empty() && cfg.output_format != "yaml" && cfg.output_format != "json" &&
        cfg.output_format != "table") {
      return InvalidRequestError("config " + path + ".format: \"" + cfg.output_format +
                                 "\" is not one of yaml, json, table");
    }
  }
  if (const Value* agent = snapshot.Find("agent"); agent != nullptr && !agent->is_null()) {
    const std::string path = root + ".agent";
    AICR_RETURN_IF_ERROR(CheckKeys(
        *agent, path,
        {"namespace", "image", "imagePullSecrets", "jobName", "serviceAccountName", "nodeSelector",
         "tolerations", "requireGpu", "runtimeClassName", "os", "requests", "limits"}));
    AICR_ASSIGN_OR_RETURN(cfg.ns, Text(*agent, "namespace", path));
    AICR_ASSIGN_OR_RETURN(cfg.image, Text(*agent, "image", path));
    AICR_ASSIGN_OR_RETURN(cfg.image_pull_secrets, List(*agent, "imagePullSecrets", path));
    AICR_ASSIGN_OR_RETURN(cfg.job_name, Text(*agent, "jobName", path));
    AICR_ASSIGN_OR_RETURN(cfg.service_account_name, Text(*agent, "serviceAccountName", path));
    AICR_ASSIGN_OR_RETURN(cfg.node_selector, StringMap(*agent, "nodeSelector", path));
    AICR_ASSIGN_OR_RETURN(const auto tolerations, List(*agent, "tolerations", path));
    if (tolerations.has_value()) {
      std::vector<snapshotter::Toleration> parsed;
      for (std::size_t i = 0; i < tolerations->size(); ++i) {
        Result<snapshotter::Toleration> t = snapshotter::ParseToleration((*tolerations)[i]);
        if (!t.ok()) {
          return t.status().WithContext("config " + path + ".tolerations[" + std::to_string(i) +
                                        "]");
        }
        parsed.push_back(std::move(t).value());
      }
      cfg.tolerations = std::move(parsed);
    }
    AICR_ASSIGN_OR_RETURN(cfg.require_gpu, Bool(*agent, "requireGpu", path));
    AICR_ASSIGN_OR_RETURN(cfg.runtime_class, Text(*agent, "runtimeClassName", path));
    AICR_ASSIGN_OR_RETURN(cfg.os, Text(*agent, "os", path));
    if (!NormalizeSnapshotOs(cfg.os).has_value()) {
      return InvalidRequestError("config " + path + ".os: \"" + cfg.os +
                                 "\" is not one of ubuntu, rhel, cos, amazonlinux, ol, talos");
    }
    AICR_ASSIGN_OR_RETURN(cfg.requests, Resources(*agent, "requests", path));
    AICR_ASSIGN_OR_RETURN(cfg.limits, Resources(*agent, "limits", path));
  }
  if (const Value* exec = snapshot.Find("execution"); exec != nullptr && !exec->is_null()) {
    const std::string path = root + ".execution";
    AICR_RETURN_IF_ERROR(
        CheckKeys(*exec, path, {"timeout", "noCleanup", "privileged", "maxNodesPerEntry"}));
    AICR_ASSIGN_OR_RETURN(cfg.timeout, Text(*exec, "timeout", path));
    AICR_ASSIGN_OR_RETURN(cfg.no_cleanup, Bool(*exec, "noCleanup", path));
    AICR_ASSIGN_OR_RETURN(cfg.privileged, Bool(*exec, "privileged", path));
    if (const Value* n = exec->Find("maxNodesPerEntry"); n != nullptr && !n->is_null()) {
      const std::int64_t* i = n->if_int();
      if (i == nullptr || *i < 0 || *i > 1'000'000) {
        return InvalidRequestError("config " + path +
                                   ".maxNodesPerEntry: expected a non-negative integer");
      }
      cfg.max_nodes_per_entry = static_cast<int>(*i);
    }
  }
  return cfg;
}

}  // namespace aicr::client
