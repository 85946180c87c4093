#include "overrides/flags.h"

#include <utility>

#include "serialize/input.h"
#include "serialize/json_reader.h"
#include "serialize/scalar.h"
#include "serialize/yaml_reader.h"

namespace aicr::overrides {
namespace {

using serialize::Mapping;
using serialize::Value;

constexpr std::string_view kEffectNoSchedule = "NoSchedule";
constexpr std::string_view kEffectPreferNoSchedule = "PreferNoSchedule";
constexpr std::string_view kEffectNoExecute = "NoExecute";

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// `[A-Za-z0-9][A-Za-z0-9._-]*`
bool IsSafePathSegment(std::string_view seg) {
  if (seg.empty() || !IsAlnum(seg[0])) {
    return false;
  }
  for (const char c : seg) {
    if (!IsAlnum(c) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

std::string Q(std::string_view s) { return serialize::DoubleQuote(s); }

Status FlagError(std::string_view flag, std::string_view input, std::string_view reason) {
  return InvalidRequestError("invalid " + std::string(flag) + " " + Q(input) + ": " +
                             std::string(reason));
}

Status EffectError(std::string_view flag, std::string_view input, std::string_view effect) {
  return FlagError(
      flag, input,
      "invalid taint effect " + Q(effect) + ", expected " + std::string(kEffectNoSchedule) + ", " +
          std::string(kEffectPreferNoSchedule) + ", or " + std::string(kEffectNoExecute));
}

bool IsValidEffect(std::string_view effect) {
  return effect == kEffectNoSchedule || effect == kEffectPreferNoSchedule ||
         effect == kEffectNoExecute;
}

// Rejects the typed uses of scalar-only keys.
Status CheckTypedEntry(const TypedComponentPath& tp, std::string_view flag, std::string_view spec) {
  if (tp.component == kDeployerKey) {
    return FlagError(flag, spec,
                     "deployer options do not support --set-json/--set-file; use --set "
                     "deployer:<key>=<value>");
  }
  if (tp.path == kEnabledKey) {
    return FlagError(flag, spec,
                     "\"enabled\" is the component enable/disable toggle and must be set with "
                     "--set (e.g. --set " +
                         tp.component + ":enabled=false), not --set-json/--set-file");
  }
  return OkStatus();
}

// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`, at most 63 characters.
bool IsQualifiedNamePart(std::string_view s) {
  if (s.empty() || s.size() > 63 || !IsAlnum(s.front()) || !IsAlnum(s.back())) {
    return false;
  }
  for (const char c : s) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

// DNS-1123 subdomain: at most 253 characters of dot-separated
// `[a-z0-9]([-a-z0-9]*[a-z0-9])?` labels.
bool IsDns1123Subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) {
    return false;
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    const std::string_view label =
        s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || !IsLowerAlnum(label.front()) || !IsLowerAlnum(label.back())) {
      return false;
    }
    for (const char c : label) {
      if (!IsLowerAlnum(c) && c != '-') {
        return false;
      }
    }
    if (dot == std::string_view::npos) {
      return true;
    }
    start = dot + 1;
  }
}

Result<std::vector<TypedComponentPath>> ParseTyped(
    const std::vector<std::string>& specs, std::string_view flag,
    const std::function<Result<Value>(const std::string& raw)>& decode) {
  std::vector<TypedComponentPath> out;
  out.reserve(specs.size());
  for (const std::string& spec : specs) {
    Result<ComponentPath> cp = ParseComponentPath(spec, flag);
    if (!cp.ok()) {
      return cp.status();
    }
    if (!cp->value.has_value()) {
      return FlagError(flag, spec, "expected component:path=value");
    }
    TypedComponentPath tp{cp->component, cp->path, Value()};
    if (Status status = CheckTypedEntry(tp, flag, spec); !status.ok()) {
      return status;
    }
    Result<Value> decoded = decode(*cp->value);
    if (!decoded.ok()) {
      return Status(decoded.status().code(), "invalid " + std::string(flag) + " " + Q(spec) + ": " +
                                                 decoded.status().message());
    }
    tp.value = *std::move(decoded);
    out.push_back(std::move(tp));
  }
  return out;
}

}  // namespace

Result<ComponentPath> ParseComponentPath(std::string_view input, std::string_view flag) {
  const std::string_view expected =
      flag == "--dynamic" ? "expected component:path" : "expected component:path=value";
  const std::size_t colon = input.find(':');
  if (colon == std::string_view::npos) {
    return FlagError(flag, input, expected);
  }
  ComponentPath cp;
  cp.component = std::string(input.substr(0, colon));
  const std::string_view rest = input.substr(colon + 1);
  const std::size_t eq = rest.find('=');
  cp.path = std::string(rest.substr(0, eq));
  if (eq != std::string_view::npos) {
    cp.value = std::string(rest.substr(eq + 1));
  }
  if (cp.component.empty() || cp.path.empty()) {
    return FlagError(flag, input, "component and path cannot be empty");
  }
  if (cp.value.has_value() && cp.value->empty()) {
    return FlagError(flag, input, "value cannot be empty");
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = cp.path.find('.', start);
    const std::string_view seg = std::string_view(cp.path).substr(
        start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!IsSafePathSegment(seg)) {
      return FlagError(flag, input,
                       "invalid path segment " + Q(seg) +
                           ": a segment starts with a letter or digit and contains only "
                           "letters, digits, '.', '-' or '_'");
    }
    if (dot == std::string::npos) {
      break;
    }
    start = dot + 1;
  }
  return cp;
}

Result<std::vector<ComponentPath>> ParseSetFlags(const std::vector<std::string>& specs) {
  std::vector<ComponentPath> out;
  out.reserve(specs.size());
  for (const std::string& spec : specs) {
    Result<ComponentPath> cp = ParseComponentPath(spec, "--set");
    if (!cp.ok()) {
      return cp.status();
    }
    if (!cp->value.has_value()) {
      return FlagError("--set", spec, "expected component:path=value");
    }
    out.push_back(*std::move(cp));
  }
  return out;
}

Result<std::vector<ComponentPath>> ParseDynamicFlags(const std::vector<std::string>& specs) {
  std::vector<ComponentPath> out;
  out.reserve(specs.size());
  for (const std::string& spec : specs) {
    Result<ComponentPath> cp = ParseComponentPath(spec, "--dynamic");
    if (!cp.ok()) {
      return cp.status();
    }
    if (cp->value.has_value()) {
      return FlagError("--dynamic", spec, "a dynamic declaration does not accept =value");
    }
    out.push_back(*std::move(cp));
  }
  return out;
}

Result<std::vector<TypedComponentPath>> ParseSetJsonFlags(const std::vector<std::string>& specs) {
  return ParseTyped(specs, "--set-json",
                    [](const std::string& raw) { return serialize::ParseJson(raw); });
}

Result<std::string> ReadSetFile(const std::string& path) {
  return serialize::ReadLocalFile(path, kMaxSetFileBytes);
}

Result<std::vector<TypedComponentPath>> ParseSetFileFlags(const std::vector<std::string>& specs,
                                                          const ValueFileReader& reader) {
  const ValueFileReader& read = reader ? reader : ValueFileReader(ReadSetFile);
  return ParseTyped(specs, "--set-file", [&read](const std::string& path) -> Result<Value> {
    Result<std::string> text = read(path);
    if (!text.ok()) {
      return text.status();
    }
    if (text->size() > kMaxSetFileBytes) {
      return InvalidRequestError("value file " + Q(path) + " exceeds " +
                                 std::to_string(kMaxSetFileBytes) + " bytes");
    }
    return serialize::ParseYaml(*text);
  });
}

Result<std::vector<TypedComponentPath>> ParseTypedFlags(const std::vector<std::string>& set_file,
                                                        const std::vector<std::string>& set_json,
                                                        const ValueFileReader& reader) {
  Result<std::vector<TypedComponentPath>> files = ParseSetFileFlags(set_file, reader);
  if (!files.ok()) {
    return files.status();
  }
  Result<std::vector<TypedComponentPath>> json = ParseSetJsonFlags(set_json);
  if (!json.ok()) {
    return json.status();
  }
  std::vector<TypedComponentPath> out = *std::move(files);
  for (TypedComponentPath& tp : *json) {
    out.push_back(std::move(tp));
  }
  return out;
}

Result<std::map<std::string, std::string>> ParseNodeSelectors(const std::vector<std::string>& specs,
                                                              std::string_view flag) {
  std::map<std::string, std::string> out;
  for (const std::string& spec : specs) {
    const std::size_t eq = spec.find('=');
    if (eq == std::string::npos) {
      return FlagError(flag, spec, "expected key=value");
    }
    if (eq == 0) {
      return FlagError(flag, spec, "key cannot be empty");
    }
    out[spec.substr(0, eq)] = spec.substr(eq + 1);
  }
  return out;
}

Value Toleration::ToValue() const {
  Mapping m;
  if (!key.empty()) {
    m.Set("key", Value(key));
  }
  if (!op.empty()) {
    m.Set("operator", Value(op));
  }
  if (!value.empty()) {
    m.Set("value", Value(value));
  }
  if (!effect.empty()) {
    m.Set("effect", Value(effect));
  }
  if (toleration_seconds.has_value()) {
    m.Set("tolerationSeconds", Value(*toleration_seconds));
  }
  return Value(std::move(m));
}

std::vector<Toleration> DefaultTolerations() { return {Toleration{"", "Exists", "", "", {}}}; }

Result<std::vector<Toleration>> ParseTolerations(const std::vector<std::string>& specs,
                                                 std::string_view flag) {
  std::vector<Toleration> out;
  out.reserve(specs.size());
  for (const std::string& spec : specs) {
    if (spec == "*") {
      out.push_back(Toleration{"", "Exists", "", "", {}});
      continue;
    }
    const std::size_t colon = spec.find(':');
    if (colon == std::string::npos || spec.find(':', colon + 1) != std::string::npos) {
      return FlagError(flag, spec, "expected key=value:effect or key:effect");
    }
    const std::string_view head = std::string_view(spec).substr(0, colon);
    const std::string_view effect = std::string_view(spec).substr(colon + 1);
    if (!IsValidEffect(effect)) {
      return EffectError(flag, spec, effect);
    }
    Toleration t;
    t.effect = std::string(effect);
    const std::size_t eq = head.find('=');
    t.key = std::string(head.substr(0, eq));
    if (eq != std::string_view::npos) {
      t.value = std::string(head.substr(eq + 1));
    }
    t.op = t.value.empty() ? "Exists" : "Equal";
    out.push_back(std::move(t));
  }
  return out;
}

std::string Taint::ToString() const {
  if (value.empty()) {
    return key + ":" + effect;
  }
  return key + "=" + value + ":" + effect;
}

Result<Taint> ParseTaint(std::string_view spec, std::string_view flag) {
  if (spec.empty()) {
    return InvalidRequestError("invalid " + std::string(flag) + ": taint cannot be empty");
  }
  const std::size_t colon = spec.find(':');
  if (colon == std::string_view::npos || spec.find(':', colon + 1) != std::string_view::npos) {
    return FlagError(flag, spec, "expected key=value:effect or key:effect");
  }
  const std::string_view head = spec.substr(0, colon);
  const std::string_view effect = spec.substr(colon + 1);
  Taint t;
  const std::size_t eq = head.find('=');
  t.key = std::string(head.substr(0, eq));
  if (eq != std::string_view::npos) {
    t.value = std::string(head.substr(eq + 1));
  }
  if (t.key.empty()) {
    return FlagError(flag, spec, "key cannot be empty");
  }
  if (!IsValidEffect(effect)) {
    return EffectError(flag, spec, effect);
  }
  t.effect = std::string(effect);
  return t;
}

std::string NodeLabel::ToString() const { return key + "=" + value; }

NodeLabel DefaultDraEvictionNodeLabel() {
  return NodeLabel{"nvidia.com/dra-kubelet-plugin", "true"};
}

Result<NodeLabel> ParseNodeLabel(std::string_view spec, std::string_view flag) {
  const std::size_t eq = spec.find('=');
  if (eq == std::string_view::npos) {
    return FlagError(flag, spec, "expected key=value");
  }
  NodeLabel label{std::string(spec.substr(0, eq)), std::string(spec.substr(eq + 1))};
  const std::size_t slash = label.key.find('/');
  bool key_ok = false;
  if (slash == std::string::npos) {
    key_ok = IsQualifiedNamePart(label.key);
  } else {
    const std::string_view prefix = std::string_view(label.key).substr(0, slash);
    const std::string_view name = std::string_view(label.key).substr(slash + 1);
    key_ok = IsDns1123Subdomain(prefix) && IsQualifiedNamePart(name);
  }
  if (!key_ok) {
    return FlagError(flag, spec,
                     "invalid node label key " + Q(label.key) +
                         ": expected [prefix/]name with a DNS-1123 subdomain prefix of at most "
                         "253 characters and a name of at most 63 alphanumeric, '-', '_' or "
                         "'.' characters that starts and ends alphanumeric");
  }
  if (!label.value.empty() && !IsQualifiedNamePart(label.value)) {
    return FlagError(flag, spec,
                     "invalid node label value " + Q(label.value) +
                         ": expected at most 63 alphanumeric, '-', '_' or '.' characters that "
                         "start and end alphanumeric");
  }
  return label;
}

}  // namespace aicr::overrides
