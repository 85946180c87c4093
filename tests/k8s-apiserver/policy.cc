#include "tests/k8s-apiserver/policy.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace aicr::testing::apiserver {
namespace {

constexpr std::size_t kMaxPolicyBytes = 1 << 20;
constexpr std::size_t kMaxRules = 10000;

bool ReadList(const YAML::Node& rule, const char* key, std::vector<std::string>* out,
              std::string* err) {
  const YAML::Node n = rule[key];
  if (!n) {
    return true;
  }
  if (!n.IsSequence()) {
    *err = std::string("policy: \"") + key + "\" must be a list";
    return false;
  }
  for (const YAML::Node& item : n) {
    if (!item.IsScalar()) {
      *err = std::string("policy: \"") + key + "\" must list strings";
      return false;
    }
    out->push_back(item.as<std::string>());
  }
  if (out->empty()) {
    *err = std::string("policy: \"") + key + "\" must not be empty";
    return false;
  }
  return true;
}

bool AnyOf(const std::vector<std::string>& list, const std::string& value) {
  return list.empty() || std::find(list.begin(), list.end(), "*") != list.end() ||
         std::find(list.begin(), list.end(), value) != list.end();
}

bool ResourceMatches(const std::vector<std::string>& list, const std::string& resource,
                     const std::string& subresource) {
  if (list.empty()) {
    return true;
  }
  const std::string full = subresource.empty() ? resource : resource + "/" + subresource;
  for (const std::string& r : list) {
    if (r == "*" || r == full) {
      return true;
    }
    // "*/log" matches any resource's log subresource; "pods/*" every pod subresource.
    if (!subresource.empty() && (r == "*/" + subresource || r == resource + "/*")) {
      return true;
    }
  }
  return false;
}

}  // namespace

Policy Policy::AllowAll() { return Policy(); }

bool Policy::LoadFile(const std::string& path, Policy* out, std::string* err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *err = "policy: cannot read \"" + path + "\"";
    return false;
  }
  std::string text;
  text.resize(kMaxPolicyBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxPolicyBytes) {
    *err = "policy: \"" + path + "\" is larger than 1 MiB";
    return false;
  }
  return LoadText(text, out, err);
}

bool Policy::LoadText(const std::string& yaml, Policy* out, std::string* err) {
  std::string ignored;
  if (err == nullptr) {
    err = &ignored;
  }
  if (yaml.size() > kMaxPolicyBytes) {
    *err = "policy: document is larger than 1 MiB";
    return false;
  }
  Policy policy;
  try {
    const YAML::Node doc = YAML::Load(yaml);
    if (doc.IsNull()) {
      *out = policy;
      return true;
    }
    if (!doc.IsMap()) {
      *err = "policy: document must be a mapping";
      return false;
    }
    for (const auto& kv : doc) {
      const std::string key = kv.first.as<std::string>();
      if (key != "rules" && key != "default") {
        *err = "policy: unknown field \"" + key + "\"";
        return false;
      }
    }
    if (const YAML::Node d = doc["default"]) {
      const std::string v = d.as<std::string>();
      if (v != "allow" && v != "deny") {
        *err = "policy: default must be allow or deny, not \"" + v + "\"";
        return false;
      }
      policy.default_allow_ = v == "allow";
    }
    if (const YAML::Node rules = doc["rules"]) {
      if (!rules.IsSequence()) {
        *err = "policy: rules must be a list";
        return false;
      }
      if (rules.size() > kMaxRules) {
        *err = "policy: too many rules";
        return false;
      }
      std::size_t index = 0;
      for (const YAML::Node& r : rules) {
        const std::string where = "policy: rule " + std::to_string(index);
        if (!r.IsMap()) {
          *err = where + " must be a mapping";
          return false;
        }
        for (const auto& kv : r) {
          const std::string key = kv.first.as<std::string>();
          static const char* const kKnown[] = {"users",     "groups",     "verbs", "resources",
                                               "apiGroups", "namespaces", "effect"};
          if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
            *err = where + ": unknown field \"" + key + "\"";
            return false;
          }
        }
        Rule rule;
        std::string list_err;
        if (!ReadList(r, "users", &rule.users, &list_err) ||
            !ReadList(r, "groups", &rule.groups, &list_err) ||
            !ReadList(r, "verbs", &rule.verbs, &list_err) ||
            !ReadList(r, "resources", &rule.resources, &list_err) ||
            !ReadList(r, "apiGroups", &rule.api_groups, &list_err) ||
            !ReadList(r, "namespaces", &rule.namespaces, &list_err)) {
          *err = where + ": " + list_err.substr(std::string("policy: ").size());
          return false;
        }
        rule.has_subjects = !rule.users.empty() || !rule.groups.empty();
        if (const YAML::Node e = r["effect"]) {
          const std::string v = e.as<std::string>();
          if (v != "allow" && v != "deny") {
            *err = where + ": effect must be allow or deny, not \"" + v + "\"";
            return false;
          }
          rule.allow = v == "allow";
        }
        policy.rules_.push_back(std::move(rule));
        ++index;
      }
    }
  } catch (const YAML::Exception& e) {
    *err = std::string("policy: ") + e.what();
    return false;
  }
  *out = std::move(policy);
  return true;
}

bool Policy::Matches(const Rule& rule, const Attributes& a) const {
  if (rule.has_subjects) {
    bool subject = std::find(rule.users.begin(), rule.users.end(), a.user) != rule.users.end() ||
                   std::find(rule.users.begin(), rule.users.end(), "*") != rule.users.end();
    for (const std::string& g : a.groups) {
      if (std::find(rule.groups.begin(), rule.groups.end(), g) != rule.groups.end()) {
        subject = true;
      }
    }
    if (std::find(rule.groups.begin(), rule.groups.end(), "*") != rule.groups.end()) {
      subject = true;
    }
    if (!subject) {
      return false;
    }
  }
  if (!AnyOf(rule.verbs, a.verb) || !AnyOf(rule.api_groups, a.group) ||
      !ResourceMatches(rule.resources, a.resource, a.subresource)) {
    return false;
  }
  if (!rule.namespaces.empty() && !AnyOf(rule.namespaces, a.ns)) {
    return false;
  }
  return true;
}

bool Policy::Allowed(const Attributes& a, std::string* reason) const {
  std::string ignored;
  if (reason == nullptr) {
    reason = &ignored;
  }
  if (std::find(a.groups.begin(), a.groups.end(), "system:masters") != a.groups.end()) {
    *reason = "allowed: group system:masters";
    return true;
  }
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    if (Matches(rules_[i], a)) {
      *reason =
          std::string(rules_[i].allow ? "allowed" : "denied") + " by rule " + std::to_string(i);
      return rules_[i].allow;
    }
  }
  *reason = std::string(default_allow_ ? "allowed" : "denied") + " by default";
  return default_allow_;
}

}  // namespace aicr::testing::apiserver
