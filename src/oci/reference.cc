#include "oci/reference.h"

#include <string>

namespace aicr::oci {
namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

/// One DNS label: `[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?`.
bool IsLabel(std::string_view s) {
  if (s.empty() || !IsAlnum(s.front()) || !IsAlnum(s.back())) {
    return false;
  }
  for (const char c : s) {
    if (!IsAlnum(c) && c != '-') {
      return false;
    }
  }
  return true;
}

bool IsHost(std::string_view host) {
  if (const std::size_t colon = host.find(':'); colon != std::string_view::npos) {
    const std::string_view port = host.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string_view::npos) {
      return false;
    }
    host = host.substr(0, colon);
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = host.find('.', start);
    if (!IsLabel(host.substr(start, dot == std::string_view::npos ? dot : dot - start))) {
      return false;
    }
    if (dot == std::string_view::npos) {
      return true;
    }
    start = dot + 1;
  }
}

/// One repository path component: `[a-z0-9]+([._-][a-z0-9]+)*`.
bool IsPathComponent(std::string_view s) {
  if (s.empty() || !IsLowerAlnum(s.front()) || !IsLowerAlnum(s.back())) {
    return false;
  }
  bool prev_sep = false;
  for (const char c : s) {
    if (IsLowerAlnum(c)) {
      prev_sep = false;
    } else if (c == '.' || c == '_' || c == '-') {
      if (prev_sep) {
        return false;
      }
      prev_sep = true;
    } else {
      return false;
    }
  }
  return true;
}

bool IsRepository(std::string_view repo) {
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = repo.find('/', start);
    if (!IsPathComponent(
            repo.substr(start, slash == std::string_view::npos ? slash : slash - start))) {
      return false;
    }
    if (slash == std::string_view::npos) {
      return true;
    }
    start = slash + 1;
  }
}

Status Bad(std::string_view ref, const std::string& why) {
  return InvalidRequestError("invalid OCI reference \"" + std::string(ref) + "\": " + why);
}

}  // namespace

bool IsValidTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128 || !(IsAlnum(tag.front()) || tag.front() == '_')) {
    return false;
  }
  for (const char c : tag) {
    if (!IsAlnum(c) && c != '_' && c != '.' && c != '-') {
      return false;
    }
  }
  return true;
}

bool IsValidDigest(std::string_view digest) {
  constexpr std::string_view kPrefix = "sha256:";
  if (digest.size() != kPrefix.size() + 64 || digest.substr(0, kPrefix.size()) != kPrefix) {
    return false;
  }
  for (const char c : digest.substr(kPrefix.size())) {
    if (!IsHex(c)) {
      return false;
    }
  }
  return true;
}

std::string Reference::Name() const { return registry + "/" + repository; }

std::string Reference::String() const {
  std::string out = Name();
  if (!tag.empty()) {
    out += ":" + tag;
  }
  if (!digest.empty()) {
    out += "@" + digest;
  }
  return out;
}

std::string Reference::Selector() const { return digest.empty() ? tag : digest; }

Result<Reference> ParseReference(std::string_view ref) {
  std::string_view s = ref;
  if (s.substr(0, kOciScheme.size()) == kOciScheme) {
    s.remove_prefix(kOciScheme.size());
  } else if (s.find("://") != std::string_view::npos) {
    return Bad(ref, "only the oci:// scheme is supported");
  }
  if (s.empty()) {
    return Bad(ref, "empty reference");
  }
  Reference out;
  if (const std::size_t at = s.find('@'); at != std::string_view::npos) {
    out.digest = std::string(s.substr(at + 1));
    s = s.substr(0, at);
    if (!IsValidDigest(out.digest)) {
      return Bad(ref, "digest must be sha256: followed by 64 lower-case hex characters");
    }
  }
  const std::size_t first_slash = s.find('/');
  if (first_slash == std::string_view::npos) {
    return Bad(ref, "expected registry/repository");
  }
  out.registry = std::string(s.substr(0, first_slash));
  std::string_view rest = s.substr(first_slash + 1);
  const std::size_t last_slash = rest.rfind('/');
  const std::size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || colon > last_slash)) {
    out.tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    if (!IsValidTag(out.tag)) {
      return Bad(ref, "invalid tag \"" + out.tag +
                          "\" (letters, digits, '_', '.', '-'; at most 128; not starting with "
                          "'.' or '-')");
    }
  }
  out.repository = std::string(rest);
  if (!IsHost(out.registry)) {
    return Bad(ref, "invalid registry host \"" + out.registry +
                        "\": must be a valid hostname with optional port");
  }
  if (!IsRepository(out.repository)) {
    return Bad(ref, "invalid repository \"" + out.repository +
                        "\": must be lowercase alphanumeric with optional separators (., _, -) "
                        "and path segments");
  }
  if (out.Name().size() > 255) {
    return Bad(ref, "name longer than 255 characters");
  }
  return out;
}

}  // namespace aicr::oci
