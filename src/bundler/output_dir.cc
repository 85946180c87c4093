#include "bundler/output_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <filesystem>
#include <set>
#include <string_view>
#include <vector>

#include "base/status_macros.h"
#include "base/strings.h"
#include "checksum/manifest.h"
#include "checksum/verify.h"

namespace aicr::bundler {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kChecksums = "checksums.txt";

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool IsNumberedFolder(std::string_view name) {
  return name.size() > 4 && name[3] == '-' && std::isdigit(static_cast<unsigned char>(name[0])) &&
         std::isdigit(static_cast<unsigned char>(name[1])) &&
         std::isdigit(static_cast<unsigned char>(name[2]));
}

Status IoError(const std::string& what, const std::string& path) {
  return InternalError(what + " " + path + ": " + ErrnoText(errno));
}

Result<std::vector<std::string>> ListDir(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) {
    return IoError("cannot read directory", dir);
  }
  std::vector<std::string> names;
  while (const dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") {
      names.push_back(name);
    }
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::string> ReadSmallFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    return IoError("cannot open", path);
  }
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0) {
      close(fd);
      return IoError("cannot read", path);
    }
    if (n == 0) {
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > (64u << 20)) {
      close(fd);
      return InvalidRequestError("previous " + path + " is too large");
    }
  }
  close(fd);
  return out;
}

// The top-level entries of `out_dir` that belong to a previous bundle. Anything
// else present is an error: we never delete or adopt files we did not write.
Result<std::vector<std::string>> PreviousBundleEntries(const std::string& out_dir) {
  AICR_ASSIGN_OR_RETURN(auto names, ListDir(out_dir));
  std::set<std::string> owned;
  const std::string checksums = out_dir + "/" + std::string(kChecksums);
  struct stat st {};
  if (lstat(checksums.c_str(), &st) == 0) {
    AICR_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(checksums));
    auto entries = checksum::ParseManifest(text);
    if (!entries.ok()) {
      return InvalidRequestError("output directory " + out_dir +
                                 " has an unreadable checksums.txt (" + entries.status().message() +
                                 "); remove it or choose another directory");
    }
    owned.insert(std::string(kChecksums));
    owned.insert("attestation");
    for (const auto& e : *entries) {
      owned.insert(e.path.substr(0, e.path.find('/')));
    }
  }
  std::vector<std::string> previous;
  std::vector<std::string> foreign;
  for (const auto& name : names) {
    if (owned.count(name) != 0 || IsNumberedFolder(name) || StartsWith(name, kStagePrefix) ||
        StartsWith(name, kRetiredPrefix)) {
      previous.push_back(name);
    } else {
      foreign.push_back(name);
    }
  }
  if (!foreign.empty()) {
    if (foreign.size() > 10) {
      const std::size_t more = foreign.size() - 10;
      foreign.resize(10);
      foreign.push_back("and " + std::to_string(more) + " more");
    }
    return InvalidRequestError(
        "output directory " + out_dir + " contains files that are not part of a previous bundle (" +
        Join(foreign, ", ") + "); choose an empty or new directory, or remove them");
  }
  return previous;
}

Status WriteFileAt(const std::string& path, const layout::File& file) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    return IoError("cannot create", path);
  }
  std::size_t done = 0;
  while (done < file.bytes.size()) {
    const ssize_t n = write(fd, file.bytes.data() + done, file.bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      close(fd);
      return IoError("cannot write", path);
    }
    done += static_cast<std::size_t>(n);
  }
  if (fchmod(fd, static_cast<mode_t>(file.mode)) != 0) {
    close(fd);
    return IoError("cannot chmod", path);
  }
  if (close(fd) != 0) {
    return IoError("cannot close", path);
  }
  return OkStatus();
}

Status MakeDirs(const std::string& root, const std::string& rel, std::set<std::string>* made) {
  std::size_t slash = rel.find('/');
  while (slash != std::string::npos) {
    const std::string dir = rel.substr(0, slash);
    if (made->insert(dir).second) {
      const std::string full = root + "/" + dir;
      if (mkdir(full.c_str(), 0755) != 0) {
        return IoError("cannot create directory", full);
      }
      chmod(full.c_str(), 0755);
    }
    slash = rel.find('/', slash + 1);
  }
  return OkStatus();
}

Status WriteTree(const layout::FileTree& tree, const std::string& root) {
  std::set<std::string> made;
  for (const auto& [path, file] : tree.files()) {
    AICR_RETURN_IF_ERROR(MakeDirs(root, path, &made));
    AICR_RETURN_IF_ERROR(WriteFileAt(root + "/" + path, file));
  }
  return OkStatus();
}

void RemoveAll(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
}

Result<std::string> MakeTempDir(const std::string& parent, const char* prefix) {
  std::string templ = parent + "/" + prefix + "XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    return IoError("cannot create a staging directory in", parent);
  }
  chmod(templ.c_str(), 0755);
  return templ;
}

Result<std::string> ParentOf(const std::string& out_dir) {
  const fs::path p = fs::path(out_dir).lexically_normal();
  fs::path parent = p.parent_path();
  if (parent.empty()) {
    parent = ".";
  }
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) {
    return InternalError("cannot create " + parent.string() + ": " + ec.message());
  }
  return parent.string();
}

// Moves the new bundle's top-level entries from `stage` into `out_dir`, retiring
// `previous` into a sibling directory first; undone on failure.
Status Swap(const std::string& stage, const std::string& out_dir,
            const std::vector<std::string>& previous) {
  AICR_ASSIGN_OR_RETURN(std::string retired, MakeTempDir(out_dir, kRetiredPrefix));
  const std::string stage_name = stage.substr(stage.find_last_of('/') + 1);
  const std::string retired_name = retired.substr(retired.find_last_of('/') + 1);
  std::vector<std::string> moved_out;
  std::vector<std::string> moved_in;
  const auto rollback = [&] {
    for (const auto& name : moved_in) {
      rename((out_dir + "/" + name).c_str(), (stage + "/" + name).c_str());
    }
    for (const auto& name : moved_out) {
      rename((retired + "/" + name).c_str(), (out_dir + "/" + name).c_str());
    }
    RemoveAll(retired);
  };
  for (const auto& name : previous) {
    if (name == stage_name || name == retired_name) {
      continue;
    }
    if (StartsWith(name, kStagePrefix) || StartsWith(name, kRetiredPrefix)) {
      RemoveAll(out_dir + "/" + name);  // leftovers of an interrupted run
      continue;
    }
    if (rename((out_dir + "/" + name).c_str(), (retired + "/" + name).c_str()) != 0) {
      const Status st = IoError("cannot retire", out_dir + "/" + name);
      rollback();
      return st;
    }
    moved_out.push_back(name);
  }
  auto fresh = ListDir(stage);
  if (!fresh.ok()) {
    rollback();
    return fresh.status();
  }
  for (const auto& name : *fresh) {
    if (rename((stage + "/" + name).c_str(), (out_dir + "/" + name).c_str()) != 0) {
      const Status st = IoError("cannot publish", out_dir + "/" + name);
      rollback();
      return st;
    }
    moved_in.push_back(name);
  }
  RemoveAll(retired);
  RemoveAll(stage);
  return OkStatus();
}

}  // namespace

Status PublishBundle(const layout::FileTree& tree, const std::string& out_dir) {
  if (out_dir.empty()) {
    return InvalidRequestError("output directory must not be empty");
  }
  if (tree.Find(kChecksums) == nullptr) {
    return InternalError("bundle tree has no checksums.txt");
  }
  struct stat st {};
  const bool exists = lstat(out_dir.c_str(), &st) == 0;
  std::vector<std::string> previous;
  std::string stage_parent;
  if (exists) {
    if (S_ISLNK(st.st_mode)) {
      return InvalidRequestError("output directory " + out_dir + " is a symlink");
    }
    if (!S_ISDIR(st.st_mode)) {
      return InvalidRequestError("output path " + out_dir + " exists and is not a directory");
    }
    AICR_RETURN_IF_ERROR(checksum::ValidateOutputRoot(out_dir));
    AICR_ASSIGN_OR_RETURN(previous, PreviousBundleEntries(out_dir));
    stage_parent = out_dir;
  } else {
    AICR_ASSIGN_OR_RETURN(stage_parent, ParentOf(out_dir));
  }
  AICR_ASSIGN_OR_RETURN(std::string stage, MakeTempDir(stage_parent, kStagePrefix));
  Status status = WriteTree(tree, stage);
  if (status.ok()) {
    auto verified = checksum::VerifyBundle(stage);
    if (!verified.ok()) {
      status =
          InternalError("generated bundle failed verification: " + verified.status().message());
    }
  }
  if (status.ok()) {
    if (!exists) {
      if (rename(stage.c_str(), out_dir.c_str()) != 0) {
        status = IoError("cannot publish", out_dir);
      }
    } else {
      status = Swap(stage, out_dir, previous);
    }
  }
  if (!status.ok()) {
    RemoveAll(stage);
  }
  return status;
}

}  // namespace aicr::bundler
