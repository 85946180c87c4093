#include "checksum/manifest.h"

#include <algorithm>
#include <map>
#include <optional>

#include "base/status.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "checksum/fold.h"
#include "checksum/safe_path.h"
#include "checksum/sha256.h"

namespace aicr::checksum {
namespace {

std::string LinePrefix(std::size_t line) {
  return std::string(kManifestName) + " line " + std::to_string(line) + ": ";
}

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool IsUpperHex(char c) { return c >= 'A' && c <= 'F'; }

/// Why `digest` is not a manifest digest, or "" when it is one.
std::string DigestProblem(std::string_view digest) {
  if (digest.size() != kSha256HexLength) {
    return "digest has " + std::to_string(digest.size()) + " characters, want 64";
  }
  for (const char c : digest) {
    if (IsUpperHex(c)) {
      return "digest must be lowercase hex";
    }
    if (!IsHex(c)) {
      return "digest contains a non-hex character";
    }
  }
  return "";
}

/// Why `path` is not a clean, safe relative manifest path, or "" when it is one.
std::string PathProblem(std::string_view path) {
  if (path.empty()) {
    return "missing path";
  }
  const std::string q = "path " + QuotePath(path);
  if (path.size() > kMaxPathBytes) {
    return "path longer than " + std::to_string(kMaxPathBytes) + " bytes";
  }
  for (const char c : path) {
    switch (c) {
      case '\0':
        return q + " contains a NUL byte";
      case '\t':
        return q + " contains a tab";
      case '\r':
        return q + " contains a carriage return";
      case '\n':
        return q + " contains a newline";
      case '\\':
        return q + " contains a backslash";
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
          return q + " contains a control character";
        }
    }
  }
  if (!IsValidUtf8(path)) {
    return q + " is not valid UTF-8";
  }
  if (path.front() == '/') {
    return q + " is absolute";
  }
  if (path.size() >= 2 && path[1] == ':' &&
      ((path[0] >= 'A' && path[0] <= 'Z') || (path[0] >= 'a' && path[0] <= 'z'))) {
    return q + " starts with a drive letter";
  }
  if (path.front() == ' ') {
    return q + " starts with a space";
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    const std::string_view seg = path.substr(start, end - start);
    if (seg.empty()) {
      return q + " has an empty segment";
    }
    if (seg == ".") {
      return q + " has a \".\" segment";
    }
    if (seg == "..") {
      return q + " has a \"..\" segment";
    }
    if (seg.size() > kMaxSegmentBytes) {
      return q + " has a segment longer than " + std::to_string(kMaxSegmentBytes) + " bytes";
    }
    if (slash == std::string_view::npos) {
      return "";
    }
    start = slash + 1;
  }
}

bool EqualOrBelow(std::string_view key, std::string_view reserved) {
  return key == reserved ||
         (key.size() > reserved.size() && key.compare(0, reserved.size(), reserved) == 0 &&
          key[reserved.size()] == '/');
}

/// Accumulates entries line by line and rejects each that breaks a manifest rule.
class Checker {
 public:
  Status Add(std::size_t line, std::string_view digest, std::string_view path) {
    const std::string at = LinePrefix(line);
    if (std::string why = DigestProblem(digest); !why.empty()) {
      return InvalidRequestError(at + why);
    }
    if (std::string why = PathProblem(path); !why.empty()) {
      return InvalidRequestError(at + why);
    }
    const std::string q = "path " + QuotePath(path);
    const std::string key = FoldKey(path).value_or(std::string(path));
    if (EqualOrBelow(key, kManifestName)) {
      return InvalidRequestError(at + q + ": the manifest must not list itself");
    }
    for (const std::string_view reserved : {kBundleAttestationPath, kBinaryAttestationPath}) {
      if (EqualOrBelow(key, reserved)) {
        return InvalidRequestError(at + q + " is reserved for attestation metadata");
      }
    }
    if (const auto it = files_.find(key); it != files_.end()) {
      if (it->second.path == path) {
        return InvalidRequestError(at + "duplicate " + q + " (also on line " +
                                   std::to_string(it->second.line) + ")");
      }
      return InvalidRequestError(at + q + " duplicates " + QuotePath(it->second.path) +
                                 " on line " + std::to_string(it->second.line) +
                                 " under case folding");
    }
    if (const auto it = dirs_.find(key); it != dirs_.end()) {
      return InvalidRequestError(at + q + " is a directory of " + QuotePath(it->second.path) +
                                 " on line " + std::to_string(it->second.line));
    }
    for (std::size_t slash = key.find('/'); slash != std::string::npos;
         slash = key.find('/', slash + 1)) {
      if (const auto it = files_.find(key.substr(0, slash)); it != files_.end()) {
        return InvalidRequestError(at + q + " is below the file " + QuotePath(it->second.path) +
                                   " on line " + std::to_string(it->second.line));
      }
    }
    files_.emplace(key, Seen{line, std::string(path)});
    for (std::size_t slash = key.find('/'); slash != std::string::npos;
         slash = key.find('/', slash + 1)) {
      dirs_.emplace(key.substr(0, slash), Seen{line, std::string(path)});
    }
    return OkStatus();
  }

 private:
  struct Seen {
    std::size_t line;
    std::string path;
  };
  std::map<std::string, Seen> files_;  // fold key -> first line listing it
  std::map<std::string, Seen> dirs_;   // fold key of an ancestor directory -> first line
};

Status EmptyManifestError() {
  return InvalidRequestError(std::string(kManifestName) + ": empty manifest");
}

}  // namespace

Result<std::vector<Entry>> ParseManifest(std::string_view text) {
  if (text.size() > kMaxManifestBytes) {
    return InvalidRequestError(std::string(kManifestName) + ": manifest larger than " +
                               std::to_string(kMaxManifestBytes) + " bytes");
  }
  if (Trim(text).empty()) {
    return EmptyManifestError();
  }
  std::vector<Entry> entries;
  Checker checker;
  std::size_t line_no = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    ++line_no;
    const std::size_t nl = text.find('\n', start);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (Trim(line).empty()) {
      return InvalidRequestError(LinePrefix(line_no) + "blank line");
    }
    const std::size_t digest_end = line.find_first_of(" \t");
    const std::string_view digest = line.substr(0, digest_end);
    if (std::string why = DigestProblem(digest); !why.empty()) {
      return InvalidRequestError(LinePrefix(line_no) + why);
    }
    if (digest_end == std::string_view::npos) {
      return InvalidRequestError(LinePrefix(line_no) + "missing separator and path");
    }
    std::size_t path_start = line.find_first_not_of(" \t", digest_end);
    if (path_start == std::string_view::npos) {
      path_start = line.size();
    }
    if (line.substr(digest_end, path_start - digest_end) != "  ") {
      return InvalidRequestError(LinePrefix(line_no) +
                                 "separator between digest and path must be exactly two spaces");
    }
    const std::string_view path = line.substr(path_start);
    AICR_RETURN_IF_ERROR(checker.Add(line_no, digest, path));
    entries.push_back(Entry{std::string(digest), std::string(path)});
  }
  return entries;
}

Result<std::string> MarshalManifest(std::vector<Entry> entries) {
  if (entries.empty()) {
    return EmptyManifestError();
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.path < b.path; });
  Checker checker;
  std::string out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    AICR_RETURN_IF_ERROR(checker.Add(i + 1, entries[i].digest, entries[i].path));
    out += entries[i].digest;
    out += "  ";
    out += entries[i].path;
    out += '\n';
  }
  if (out.size() > kMaxManifestBytes) {
    return InvalidRequestError(std::string(kManifestName) + ": manifest larger than " +
                               std::to_string(kMaxManifestBytes) + " bytes");
  }
  return out;
}

Result<std::string> BuildManifest(
    const std::vector<std::pair<std::string_view, std::string_view>>& files) {
  std::vector<Entry> entries;
  entries.reserve(files.size());
  for (const auto& [path, bytes] : files) {
    entries.push_back(Entry{Sha256Hex(bytes), std::string(path)});
  }
  return MarshalManifest(std::move(entries));
}

bool IsReservedMetadataPath(std::string_view path) {
  return path == kBundleAttestationPath || path == kBinaryAttestationPath;
}

}  // namespace aicr::checksum
