#pragma once

/// \file
/// The test API server's authorization policy: an ordered list of RBAC-like rules
/// read from a small YAML file (first matching rule wins, then a default).
///
/// File form:
///
///     rules:
///       - users: ["alice"]            # or groups: [...]; omitted = everyone
///         verbs: ["get", "list"]      # "*" allowed
///         resources: ["configmaps"]   # plural, "*" allowed; "pods/log" for subresources
///         apiGroups: [""]             # "" = core, "*" allowed; omitted = all
///         namespaces: ["default"]     # omitted = all namespaces and cluster scope
///         effect: deny                # deny | allow (default allow)
///     default: allow                  # allow | deny, when no rule matches
///
/// Members of group `system:masters` are always allowed.

#include <string>
#include <vector>

namespace aicr::testing::apiserver {

/// What a request asks to do, as the authorizer sees it.
struct Attributes {
  std::string user;
  std::vector<std::string> groups;
  std::string verb;         ///< get, list, watch, create, update, patch, delete, deletecollection
  std::string group;        ///< API group, "" = core
  std::string resource;     ///< plural, e.g. "pods"
  std::string subresource;  ///< e.g. "log", "status"; "" = none
  std::string ns;           ///< "" = cluster scope
  std::string name;         ///< "" for collections
};

/// An ordered rule list with a default effect.
class Policy {
 public:
  /// A policy without rules whose default is allow.
  static Policy AllowAll();
  /// Reads the YAML policy at `path`; false with `err` set on any read or format error.
  static bool LoadFile(const std::string& path, Policy* out, std::string* err);
  /// Parses a YAML policy document; false with `err` set on any format error.
  static bool LoadText(const std::string& yaml, Policy* out, std::string* err);

  /// Whether `a` is allowed; `reason` (may be null) says which rule or default decided.
  bool Allowed(const Attributes& a, std::string* reason) const;

  /// Number of rules (for diagnostics and tests).
  std::size_t rule_count() const { return rules_.size(); }

 private:
  struct Rule {
    std::vector<std::string> users;       ///< empty = any
    std::vector<std::string> groups;      ///< empty = any
    std::vector<std::string> verbs;       ///< empty = any
    std::vector<std::string> resources;   ///< empty = any
    std::vector<std::string> api_groups;  ///< empty = any
    std::vector<std::string> namespaces;  ///< empty = any
    bool has_subjects = false;            ///< users or groups given
    bool allow = true;
  };
  bool Matches(const Rule& rule, const Attributes& a) const;

  std::vector<Rule> rules_;
  bool default_allow_ = true;
};

}  // namespace aicr::testing::apiserver
