// The read-only pre-flight permission gate of the snapshot agent.

#include "snapshotter/agent_preflight.h"

#include <string>
#include <vector>

#include "base/status_macros.h"
#include "base/strings.h"

namespace aicr::snapshotter {
namespace {

// One permission the pre-flight gate asks about.
struct Need {
  std::string verb;
  std::string group;
  std::string resource;
  std::string subresource;
  std::string ns;  // "" = cluster scope
};

std::string DescribeNeed(const Need& n) {
  std::string res = n.resource;
  if (!n.subresource.empty()) {
    res += "/" + n.subresource;
  }
  if (!n.group.empty()) {
    res += "." + n.group;
  }
  std::string scope = n.ns.empty() ? "cluster-wide" : "in namespace " + Quote(n.ns);
  return n.verb + " " + res + " " + scope;
}

std::vector<Need> CallerNeeds(const AgentConfig& config, bool existing_sa, bool staging) {
  const std::string& ns = config.ns;
  std::vector<Need> needs;
  needs.push_back({"get", "", "serviceaccounts", "", ns});
  for (const char* verb : {"create", "get", "list", "watch", "delete"}) {
    needs.push_back({verb, "batch", "jobs", "", ns});
  }
  for (const char* verb : {"get", "list", "watch"}) {
    needs.push_back({verb, "", "pods", "", ns});
  }
  needs.push_back({"get", "", "pods", "log", ns});
  needs.push_back({"get", "", "configmaps", "", ns});
  needs.push_back({"list", "", "configmaps", "", ns});
  if (staging) {
    needs.push_back({"delete", "", "configmaps", "", ns});
  }
  if (!existing_sa) {
    const std::string rbac = "rbac.authorization.k8s.io";
    for (const char* verb : {"create", "delete"}) {
      needs.push_back({verb, "", "serviceaccounts", "", ns});
      needs.push_back({verb, rbac, "roles", "", ns});
      needs.push_back({verb, rbac, "rolebindings", "", ns});
      needs.push_back({verb, rbac, "clusterroles", "", ""});
      needs.push_back({verb, rbac, "clusterrolebindings", "", ""});
    }
  }
  return needs;
}

std::vector<Need> AgentNeeds(const AgentConfig& config) {
  std::vector<Need> needs;
  for (const AgentRule& rule : AgentRoleRules()) {
    for (const std::string& res : rule.resources) {
      for (const std::string& verb : rule.verbs) {
        needs.push_back({verb, rule.group, res, "", config.ns});
      }
    }
  }
  for (const AgentRule& rule : AgentClusterRoleRules()) {
    for (const std::string& res : rule.resources) {
      for (const std::string& verb : rule.verbs) {
        needs.push_back({verb, rule.group, res, "", ""});
      }
    }
  }
  return needs;
}

k8s::AccessCheck ToCheck(const Need& n) {
  k8s::AccessCheck c;
  c.verb = n.verb;
  c.group = n.group;
  c.resource = n.resource;
  c.subresource = n.subresource;
  c.ns = n.ns;
  return c;
}

}  // namespace

Status PreflightGate(const k8s::Client& client, const AgentConfig& config, bool existing_sa,
                     bool staging, const CancelToken& cancel) {
  k8s::CallOptions call;
  call.cancel = cancel;
  std::vector<std::string> misses;
  for (const Need& n : CallerNeeds(config, existing_sa, staging)) {
    AICR_ASSIGN_OR_RETURN(k8s::AccessDecision d, client.SelfSubjectAccessReview(ToCheck(n), call));
    if (!d.allowed) {
      misses.push_back("the caller cannot " + DescribeNeed(n));
    }
  }
  if (existing_sa) {
    const std::string user =
        "system:serviceaccount:" + config.ns + ":" + config.service_account_name;
    const std::vector<std::string> groups = {
        "system:serviceaccounts", "system:serviceaccounts:" + config.ns, "system:authenticated"};
    for (const Need& n : AgentNeeds(config)) {
      AICR_ASSIGN_OR_RETURN(k8s::AccessDecision d,
                            client.SubjectAccessReview(ToCheck(n), user, groups, call));
      if (!d.allowed) {
        misses.push_back("service account " + Quote(config.ns + "/" + config.service_account_name) +
                         " cannot " + DescribeNeed(n));
      }
    }
  }
  if (misses.empty()) {
    return OkStatus();
  }
  return UnauthorizedError("snapshot agent pre-flight check: " + std::to_string(misses.size()) +
                           " missing permission" + (misses.size() == 1 ? "" : "s") + ": " +
                           Join(misses, "; "));
}

}  // namespace aicr::snapshotter
