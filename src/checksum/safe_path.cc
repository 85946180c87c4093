#include "checksum/safe_path.h"

#include <vector>

#include "base/status.h"
#include "base/strings.h"

namespace aicr::checksum {
namespace {

bool IsControl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7F;
}

bool HasDriveLetter(std::string_view p) {
  return p.size() >= 2 && p[1] == ':' &&
         ((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z'));
}

}  // namespace

bool IsSafePathComponent(std::string_view name) {
  if (name.empty() || name == "." || name == "..") {
    return false;
  }
  for (const char c : name) {
    if (c == '/' || c == '\\' || IsControl(c)) {
      return false;
    }
  }
  return true;
}

std::string CleanPath(std::string_view path) {
  if (path.empty()) {
    return ".";
  }
  const bool rooted = path.front() == '/';
  std::vector<std::string_view> parts;
  std::size_t dotdot_floor = 0;  // leading ".." kept in an unrooted path
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      slash = path.size();
    }
    const std::string_view seg = path.substr(start, slash - start);
    if (seg.empty() || seg == ".") {
      // skip
    } else if (seg == "..") {
      if (parts.size() > dotdot_floor) {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(seg);
        ++dotdot_floor;
      }
    } else {
      parts.push_back(seg);
    }
    start = slash + 1;
  }
  std::string out = rooted ? "/" : "";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) {
      out += '/';
    }
    out += parts[i];
  }
  return out.empty() ? "." : out;
}

Result<std::string> SafeJoin(std::string_view base, std::string_view rel) {
  const std::string what = "path " + QuotePath(rel);
  if (base.empty()) {
    return InvalidRequestError(what + ": empty base directory");
  }
  if (rel.empty()) {
    return InvalidRequestError("empty path");
  }
  if (rel.front() == '/') {
    return InvalidRequestError(what + " is absolute");
  }
  if (HasDriveLetter(rel)) {
    return InvalidRequestError(what + " has a drive letter");
  }
  for (const char c : rel) {
    if (c == '\\') {
      return InvalidRequestError(what + " contains a backslash");
    }
    if (IsControl(c)) {
      return InvalidRequestError(what + " contains a control character");
    }
  }
  std::string cleaned = CleanPath(rel);
  if (cleaned == ".") {
    return InvalidRequestError(what + " resolves to the base directory itself");
  }
  if (cleaned == ".." || cleaned.rfind("../", 0) == 0) {
    return InvalidRequestError(what + " escapes the base directory");
  }
  const std::string clean_base = CleanPath(base);
  if (clean_base == ".") {
    return cleaned;
  }
  if (clean_base == "/") {
    return "/" + cleaned;
  }
  return clean_base + "/" + cleaned;
}

std::string QuotePath(std::string_view s) { return EscapedQuote(s); }

}  // namespace aicr::checksum
