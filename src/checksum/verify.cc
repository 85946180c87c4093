#include "checksum/verify.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "base/status_macros.h"
#include "base/strings.h"
#include "checksum/manifest.h"
#include "checksum/safe_path.h"
#include "checksum/sha256.h"
#include "checksum/walk.h"

namespace aicr::checksum {
namespace {

constexpr std::string_view kManifestMissingPrefix = "checksums.txt not found in ";
constexpr std::string_view kAttestationDir = "attestation";
constexpr std::string_view kDataDir = "data";

/// Problems found in a tree, reported together.
class Problems {
 public:
  void Add(std::string path, std::string reason) {
    items_.emplace_back(std::move(path), std::move(reason));
  }
  bool empty() const { return items_.empty(); }

  /// `<head> (N problems): "p": reason; ...; and K more`.
  Status ToError(const std::string& head) {
    std::sort(items_.begin(), items_.end());
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < items_.size() && i < kMaxReportedProblems; ++i) {
      lines.push_back(QuotePath(items_[i].first) + ": " + items_[i].second);
    }
    if (items_.size() > kMaxReportedProblems) {
      lines.push_back("and " + std::to_string(items_.size() - kMaxReportedProblems) + " more");
    }
    const std::string count =
        std::to_string(items_.size()) + (items_.size() == 1 ? " problem" : " problems");
    return InvalidRequestError(head + " (" + count + "): " + Join(lines, "; "));
  }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

bool IsDisallowedType(const struct stat& st) {
  return !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

/// Reads all of `fd` up to `cap` bytes; kInvalidRequest when there is more.
Result<std::string> ReadCapped(int fd, std::size_t cap, std::string_view what) {
  std::string out;
  std::array<char, std::size_t{64} * 1024> buf{};
  while (true) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return UnavailableError("read " + std::string(what) + ": " + ErrnoText(errno));
    }
    if (n == 0) {
      return out;
    }
    out.append(buf.data(), static_cast<std::size_t>(n));
    if (out.size() > cap) {
      return InvalidRequestError(std::string(what) + ": manifest larger than " +
                                 std::to_string(cap) + " bytes");
    }
  }
}

bool UnderAny(const std::string& path, const std::set<std::string>& roots) {
  if (roots.count(path) != 0) {
    return true;
  }
  for (std::size_t slash = path.find('/'); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    if (roots.count(path.substr(0, slash)) != 0) {
      return true;
    }
  }
  return false;
}

bool InAttestationDir(std::string_view path) {
  return path.size() > kAttestationDir.size() &&
         path.compare(0, kAttestationDir.size(), kAttestationDir) == 0 &&
         path[kAttestationDir.size()] == '/';
}

}  // namespace

std::string ManifestMissingMessage(std::string_view dir) {
  return std::string(kManifestMissingPrefix) + QuotePath(dir);
}

bool IsManifestMissing(const Status& status) {
  return status.code() == ErrorCode::kNotFound &&
         status.message().rfind(kManifestMissingPrefix, 0) == 0;
}

Status ValidateOutputRoot(const std::string& dir) {
  Result<UniqueFd> root = OpenDirNoFollow(dir);
  if (!root.ok()) {
    if (root.status().code() == ErrorCode::kNotFound) {
      return OkStatus();
    }
    return root.status().WithContext("output directory");
  }
  Problems problems;
  WalkVisitor visitor;
  visitor.on_entry = [&](const WalkEntry& e) {
    if (S_ISDIR(e.st.st_mode)) {
      return WalkAction::kDescend;
    }
    if (IsDisallowedType(e.st)) {
      problems.Add(e.path, FileTypeName(e.st) + " (only regular files and directories allowed)");
    }
    return WalkAction::kSkip;
  };
  AICR_RETURN_IF_ERROR(WalkNoFollow(root->get(), visitor));
  if (!problems.empty()) {
    return problems.ToError("output directory " + QuotePath(dir) + " is unsafe");
  }
  return OkStatus();
}

Result<VerifyReport> VerifyBundle(const std::string& dir) {
  Result<UniqueFd> root = OpenDirNoFollow(dir);
  if (!root.ok()) {
    if (root.status().code() == ErrorCode::kNotFound) {
      return NotFoundError("bundle directory " + QuotePath(dir) + " not found");
    }
    return root.status().WithContext("bundle");
  }
  const int root_fd = root->get();

  // The one read of the manifest: its digest and its entries come from these bytes.
  const std::string manifest_name(kManifestName);
  Result<UniqueFd> manifest_fd = OpenRegularNoFollow(root_fd, manifest_name, kManifestName);
  if (!manifest_fd.ok()) {
    if (manifest_fd.status().code() == ErrorCode::kNotFound) {
      return NotFoundError(ManifestMissingMessage(dir));
    }
    return manifest_fd.status();
  }
  struct stat manifest_st {};
  if (::fstat(manifest_fd->get(), &manifest_st) != 0) {
    return UnavailableError("stat " + std::string(kManifestName) + ": " + ErrnoText(errno));
  }
  AICR_ASSIGN_OR_RETURN(const std::string manifest_bytes,
                        ReadCapped(manifest_fd->get(), kMaxManifestBytes, kManifestName));
  AICR_ASSIGN_OR_RETURN(const std::vector<Entry> entries, ParseManifest(manifest_bytes));

  VerifyReport report;
  report.manifest_sha256 = Sha256Hex(manifest_bytes);
  std::map<std::string, std::string, std::less<>> listed;
  for (const Entry& e : entries) {
    listed.emplace(e.path, e.digest);
  }

  Problems problems;
  std::set<std::string> seen;     // listed files found and checked (match or not)
  std::set<std::string> blocked;  // paths reported already; listed files below are not "missing"
  WalkVisitor visitor;
  visitor.on_entry = [&](const WalkEntry& e) {
    const auto it = listed.find(e.path);
    const bool is_listed = it != listed.end();
    if (S_ISLNK(e.st.st_mode) || IsDisallowedType(e.st)) {
      blocked.insert(e.path);
      problems.Add(e.path, std::string(is_listed ? "listed file is a " : "unexpected ") +
                               FileTypeName(e.st) +
                               " (bundles hold only regular files and directories)");
      return WalkAction::kSkip;
    }
    if (S_ISDIR(e.st.st_mode)) {
      if (is_listed) {
        blocked.insert(e.path);
        problems.Add(e.path, "listed file is a directory");
        return WalkAction::kSkip;
      }
      if (e.path == kDataDir) {
        report.has_data_dir = true;
      }
      return WalkAction::kDescend;
    }
    // A regular file.
    if (e.path == kManifestName) {
      if (e.st.st_dev != manifest_st.st_dev || e.st.st_ino != manifest_st.st_ino) {
        problems.Add(e.path, "replaced while being verified");
      }
      return WalkAction::kSkip;
    }
    if (is_listed) {
      seen.insert(e.path);
      Result<UniqueFd> fd = OpenRegularNoFollow(e.dir_fd, std::string(e.name), e.path);
      if (!fd.ok()) {
        problems.Add(e.path, "cannot open: " + fd.status().message());
        return WalkAction::kSkip;
      }
      Result<std::string> digest = Sha256HexOfFd(fd->get(), QuotePath(e.path));
      if (!digest.ok()) {
        problems.Add(e.path, digest.status().message());
      } else if (*digest != it->second) {
        problems.Add(e.path, "digest mismatch: listed " + it->second + ", actual " + *digest);
      } else {
        ++report.files_verified;
      }
      return WalkAction::kSkip;
    }
    if (e.path == kBundleAttestationPath) {
      report.has_bundle_attestation = true;
    } else if (e.path == kBinaryAttestationPath) {
      report.has_binary_attestation = true;
    } else if (InAttestationDir(e.path)) {
      problems.Add(e.path,
                   "unexpected file (attestation/ holds only bundle-attestation.sigstore.json "
                   "and aicr-attestation.sigstore.json)");
    } else {
      problems.Add(e.path, "unexpected file (not listed in checksums.txt)");
    }
    return WalkAction::kSkip;
  };
  visitor.on_dir_end = [&](const std::string& path, std::size_t count) {
    if (count == 0) {
      problems.Add(path, "empty directory");
    }
  };
  AICR_RETURN_IF_ERROR(WalkNoFollow(root_fd, visitor));

  for (const auto& [path, digest] : listed) {
    if (seen.count(path) == 0 && !UnderAny(path, blocked)) {
      problems.Add(path, "listed file is missing");
    }
  }
  if (!problems.empty()) {
    return problems.ToError("bundle " + QuotePath(dir) + " failed verification");
  }
  return report;
}

}  // namespace aicr::checksum
