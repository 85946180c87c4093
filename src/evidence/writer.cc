#include "evidence/writer.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "base/atomic_file.h"
#include "base/status_macros.h"
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
  std::string tmpl = (parent / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) {
    return UnavailableError("create temporary directory in " + parent.string() + ": " +
                            std::strerror(errno));
  }
  const fs::path tmp(buf.data());
  auto fail = [&](Status s) {
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
    return s;
  };
  fs::permissions(tmp,
                  fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                      fs::perms::others_read | fs::perms::others_exec,
                  ec);
  const fs::path summary = tmp / kSummaryBundleDir;
  for (const auto& [rel, bytes] : bundle.files) {
    const fs::path path = summary / rel;
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      return fail(UnavailableError("create " + path.parent_path().string() + ": " + ec.message()));
    }
    if (Status s = WriteFileAtomic(path.string(), bytes); !s.ok()) {
      return fail(s);
    }
  }
  if (Status s = WriteFileAtomic((tmp / kPointerFile).string(), bundle.pointer_yaml); !s.ok()) {
    return fail(s);
  }
  if (fs::exists(target, ec)) {
    fs::remove(target, ec);  // empty (CheckOutputDir)
    if (ec) {
      return fail(
          UnavailableError("replace empty directory " + target.string() + ": " + ec.message()));
    }
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    return fail(UnavailableError("rename " + tmp.string() + " to " + target.string() + ": " +
                                 ec.message()));
  }
  return OkStatus();
}

}  // namespace aicr::evidence
