#pragma once

/// \file
/// Parsing of the `aicr bundle` value and scheduling flags into plain data:
/// `--set`, `--set-json`, `--set-file`, `--dynamic`, the node selector and toleration
/// flags, `--workload-gate` and `--dra-eviction-node-label`. Nothing here consults the
/// registry or the recipe; every error is INVALID_REQUEST naming the flag and quoting the
/// offending input (NOT_FOUND for a missing `--set-file` file).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "serialize/value.h"

namespace aicr::overrides {

/// The `--set` path that includes or excludes a component instead of setting a value.
inline constexpr std::string_view kEnabledKey = "enabled";
/// The `--set` component key reserved for deployer (Argo CD) options.
inline constexpr std::string_view kDeployerKey = "deployer";
/// Largest `--set-file` value file.
inline constexpr std::size_t kMaxSetFileBytes = std::size_t{1024} * 1024;

/// `component:path[=value]` as given to `--set` or `--dynamic`. `component` is the key
/// the user typed: a canonical name, a registry valueOverrideKeys alias or `deployer`.
struct ComponentPath {
  std::string component;
  std::string path;
  /// Set for `--set`, absent for `--dynamic`.
  std::optional<std::string> value;

  friend bool operator==(const ComponentPath&, const ComponentPath&) = default;
};

/// A `--set-json` / `--set-file` entry: the value is already decoded.
struct TypedComponentPath {
  std::string component;
  std::string path;
  serialize::Value value;

  friend bool operator==(const TypedComponentPath&, const TypedComponentPath&) = default;
};

/// Splits `component:path[=value]` at the first ':' and then the first '='. The
/// component, the path and (when '=' is present) the value must be non-empty, and each
/// dot segment of the path must match `[A-Za-z0-9][A-Za-z0-9._-]*` (no template or
/// traversal characters). `flag` (e.g. `--set`) only names the flag in errors:
/// `invalid --set "x": expected component:path=value`.
Result<ComponentPath> ParseComponentPath(std::string_view input, std::string_view flag);

/// `--set` entries; each must carry `=value`. Order is kept (the last entry wins per
/// component and path when they are grouped).
Result<std::vector<ComponentPath>> ParseSetFlags(const std::vector<std::string>& specs);

/// `--dynamic` entries; `=value` is rejected.
Result<std::vector<ComponentPath>> ParseDynamicFlags(const std::vector<std::string>& specs);

/// `--set-json` entries: the text after the first '=' is one JSON value (object, array,
/// string, number, bool or null). The path `enabled` and the component `deployer` are
/// rejected (both are scalar-`--set` only).
Result<std::vector<TypedComponentPath>> ParseSetJsonFlags(const std::vector<std::string>& specs);

/// Reads the file a `--set-file` entry names.
using ValueFileReader = std::function<Result<std::string>(const std::string& path)>;

/// Reads a local regular file of at most kMaxSetFileBytes (serialize::ReadLocalFile):
/// NOT_FOUND when missing, INVALID_REQUEST for a non-regular file or one over the cap.
Result<std::string> ReadSetFile(const std::string& path);

/// `--set-file` entries: the text after the first '=' is a file path; `reader` (default
/// ReadSetFile) returns its content, parsed as one YAML document (JSON included). The
/// same `enabled` / `deployer` rejections as ParseSetJsonFlags apply.
Result<std::vector<TypedComponentPath>> ParseSetFileFlags(const std::vector<std::string>& specs,
                                                          const ValueFileReader& reader = {});

/// All typed overrides in precedence order: `--set-file` entries first, then
/// `--set-json`, so an inline `--set-json` wins on the same component and path.
Result<std::vector<TypedComponentPath>> ParseTypedFlags(const std::vector<std::string>& set_file,
                                                        const std::vector<std::string>& set_json,
                                                        const ValueFileReader& reader = {});

/// `key=value` node selectors (split at the first '='; the value may be empty, the key
/// may not). A repeated key keeps its last value. `flag` names the flag in errors.
Result<std::map<std::string, std::string>> ParseNodeSelectors(const std::vector<std::string>& specs,
                                                              std::string_view flag);

/// A Kubernetes toleration as the bundler renders it.
struct Toleration {
  std::string key;
  /// `Equal`, `Exists` or "".
  std::string op;
  std::string value;
  /// `NoSchedule`, `PreferNoSchedule`, `NoExecute` or "".
  std::string effect;
  std::optional<std::int64_t> toleration_seconds;

  /// `{key, operator, value, effect, tolerationSeconds}` in that order, empty fields left out.
  serialize::Value ToValue() const;

  friend bool operator==(const Toleration&, const Toleration&) = default;
};

/// The wildcard toleration `{operator: Exists}` the CLI uses when no accelerated
/// toleration is given (upstream `snapshotter.DefaultTolerations`).
std::vector<Toleration> DefaultTolerations();

/// Toleration flags: `key=value:Effect` (operator Equal), `key:Effect` (operator Exists),
/// or `*` (the wildcard `{operator: Exists}`). Exactly one ':' is required: forms without
/// an effect, and values containing ':', are rejected, as upstream does. Effect is one of
/// NoSchedule, PreferNoSchedule, NoExecute. An empty input gives an empty list (the CLI
/// substitutes DefaultTolerations where it wants the default).
Result<std::vector<Toleration>> ParseTolerations(const std::vector<std::string>& specs,
                                                 std::string_view flag);

/// A node taint (`--workload-gate`).
struct Taint {
  std::string key;
  std::string value;
  std::string effect;

  /// `key=value:Effect`, or `key:Effect` when the value is empty.
  std::string ToString() const;

  friend bool operator==(const Taint&, const Taint&) = default;
};

/// `key[=value]:Effect`; the key is required. The CLI treats an empty flag as unset
/// before calling this (here an empty string is an error).
Result<Taint> ParseTaint(std::string_view spec, std::string_view flag = "--workload-gate");

/// One Kubernetes node label.
struct NodeLabel {
  std::string key;
  std::string value;

  /// `key=value`.
  std::string ToString() const;

  friend bool operator==(const NodeLabel&, const NodeLabel&) = default;
};

/// `nvidia.com/dra-kubelet-plugin=true`, the label used when `--dra-eviction-node-label`
/// is not given.
NodeLabel DefaultDraEvictionNodeLabel();

/// `key=value` (split at the first '='), validated as Kubernetes does: the key is a
/// qualified name (`[prefix/]name`, prefix a DNS-1123 subdomain of at most 253
/// characters, name at most 63 characters of `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`)
/// and the value is empty or a name of the same shape.
Result<NodeLabel> ParseNodeLabel(std::string_view spec,
                                 std::string_view flag = "--dra-eviction-node-label");

}  // namespace aicr::overrides
