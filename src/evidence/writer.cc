#include "evidence/writer.h"

#include <filesystem>
#include <system_error>

#include "base/atomic_file.h"
#include "base/status_macros.h"
#include "base/temp_dir.h"
#include "evidence/manifest.h"

namespace aicr::evidence {
namespace {

namespace fs = std::filesystem;

Status DirError(const std::string& dir, const std::string& what) {
  return InvalidRequestError("--emit-attestation \"" + dir + "\": " + what);
}

}  // namespace

Status CheckOutputDir(const std::string& dir) {
  if (dir.empty()) {
    return InvalidRequestError("--emit-attestation: empty directory");
  }
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (ec || !fs::exists(st)) {
    return OkStatus();
  }
  if (!fs::is_directory(st)) {
    return DirError(dir, "exists and is not a directory");
  }
  if (!fs::is_empty(dir, ec) || ec) {
    return DirError(dir, "directory is not empty; choose a new one");
  }
  return OkStatus();
}

Status WriteEvidenceDir(const std::string& dir, const EvidenceBundle& bundle) {
  AICR_RETURN_IF_ERROR(CheckOutputDir(dir));
  fs::path target = fs::path(dir);
  if (!target.has_filename()) {
    target = target.parent_path();
  }
  fs::path parent = target.parent_path();
  if (parent.empty()) {
    parent = ".";
  }
  std::error_code ec;
  if (!fs::is_directory(parent, ec)) {
    return NotFoundError("--emit-attestation \"" + dir + "\": parent directory " + parent.string() +
                         " does not exist");
  }
  // Built under a temporary name beside the target, removed unless renamed into place.
  AICR_ASSIGN_OR_RETURN(TempDir staging, TempDir::Create("." + target.filename().string() + ".tmp-",
                                                         parent.string()));
  const fs::path tmp(staging.path());
  fs::permissions(tmp,
                  fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                      fs::perms::others_read | fs::perms::others_exec,
                  ec);
  const fs::path summary = tmp / kSummaryBundleDir;
  for (const auto& [rel, bytes] : bundle.files) {
    const fs::path path = summary / rel;
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      return UnavailableError("create " + path.parent_path().string() + ": " + ec.message());
    }
    AICR_RETURN_IF_ERROR(WriteFileAtomic(path.string(), bytes));
  }
  AICR_RETURN_IF_ERROR(WriteFileAtomic((tmp / kPointerFile).string(), bundle.pointer_yaml));
  if (fs::exists(target, ec)) {
    fs::remove(target, ec);  // empty (CheckOutputDir)
    if (ec) {
      return UnavailableError("replace empty directory " + target.string() + ": " + ec.message());
    }
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    return UnavailableError("rename " + tmp.string() + " to " + target.string() + ": " +
                            ec.message());
  }
  staging.Release();
  return OkStatus();
}

}  // namespace aicr::evidence
