#include "serialize/cm_uri.h"

#include <string>

#include "base/strings.h"

namespace aicr::serialize {
namespace {

constexpr std::string_view kExpected = "expected format cm://namespace/name";

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

Status Invalid(std::string_view uri, std::string_view why) {
  std::string msg = "invalid ConfigMap URI " + Quote(uri) + ": ";
  if (!why.empty()) {
    msg += why;
    msg += "; ";
  }
  msg += kExpected;
  return InvalidRequestError(std::move(msg));
}

}  // namespace

std::string ConfigMapRef::ToUri() const { return std::string(kConfigMapScheme) + ns + "/" + name; }

bool IsConfigMapUri(std::string_view uri) {
  return uri.substr(0, kConfigMapScheme.size()) == kConfigMapScheme;
}

bool IsDns1123Label(std::string_view s) {
  if (s.empty() || s.size() > 63 || !IsLowerAlnum(s.front()) || !IsLowerAlnum(s.back())) {
    return false;
  }
  for (char c : s) {
    if (!IsLowerAlnum(c) && c != '-') {
      return false;
    }
  }
  return true;
}

bool IsDns1123Subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) {
    return false;
  }
  while (true) {
    const std::size_t dot = s.find('.');
    const std::string_view label = s.substr(0, dot);
    // Kubernetes checks the whole name against a regex, not each label's length.
    if (label.empty() || !IsLowerAlnum(label.front()) || !IsLowerAlnum(label.back())) {
      return false;
    }
    for (char c : label) {
      if (!IsLowerAlnum(c) && c != '-') {
        return false;
      }
    }
    if (dot == std::string_view::npos) {
      return true;
    }
    s.remove_prefix(dot + 1);
  }
}

Result<ConfigMapRef> ParseConfigMapUri(std::string_view uri) {
  if (!IsConfigMapUri(uri)) {
    return Invalid(uri, "missing cm:// prefix");
  }
  const std::string_view rest = uri.substr(kConfigMapScheme.size());
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos) {
    return Invalid(uri, "missing name");
  }
  const std::string_view ns = Trim(rest.substr(0, slash));
  const std::string_view name = Trim(rest.substr(slash + 1));
  if (ns.empty()) {
    return Invalid(uri, "empty namespace");
  }
  if (name.empty()) {
    return Invalid(uri, "empty name");
  }
  if (!IsDns1123Label(ns)) {
    return Invalid(uri, "namespace " + Quote(ns) +
                            " is not a valid Kubernetes namespace (lower-case letters, digits "
                            "and '-', starting and ending with a letter or digit, at most 63 "
                            "characters)");
  }
  if (!IsDns1123Subdomain(name)) {
    return Invalid(uri, "name " + Quote(name) +
                            " is not a valid ConfigMap name (lower-case letters, digits, '-' "
                            "and '.', starting and ending with a letter or digit, at most 253 "
                            "characters)");
  }
  return ConfigMapRef{std::string(ns), std::string(name)};
}

Status ConfigMapStoreUnavailable(const ConfigMapRef& ref) {
  return UnavailableError(ref.ToUri() +
                          ": Kubernetes ConfigMap access is not available in this build");
}

}  // namespace aicr::serialize
