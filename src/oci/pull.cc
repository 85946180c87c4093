#include "oci/pull.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <exception>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "base/status_macros.h"
#include "base/strings.h"
#include "base/temp_dir.h"
#include "checksum/safe_path.h"
#include "oci/manifest.h"

namespace aicr::oci {
namespace {

bool IsTarGzipLayer(std::string_view media_type) {
  return media_type == kMediaTypeImageLayerGzip || media_type == kMediaTypeHelmChart ||
         media_type == "application/vnd.docker.image.rootfs.diff.tar.gzip";
}

Status MakeDirs(const std::string& root, const std::string& rel, std::set<std::string>* made) {
  std::string cur;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = rel.find('/', start);
    if (slash == std::string::npos) {
      return OkStatus();
    }
    cur = rel.substr(0, slash);
    if (made->insert(cur).second) {
      const std::string path = root + "/" + cur;
      if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
        return UnavailableError("create folder " + Quote(path) + ": " + ErrnoText(errno));
      }
      struct stat st {};
      if (lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        return InvalidRequestError("create folder " + Quote(path) + ": not a folder");
      }
    }
    start = slash + 1;
  }
}

Status WriteOne(const std::string& path, const std::string& bytes) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    return UnavailableError("write " + Quote(path) + ": " + ErrnoText(errno));
  }
  std::size_t off = 0;
  while (off < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      const int err = errno;
      close(fd);
      return UnavailableError("write " + Quote(path) + ": " + ErrnoText(err));
    }
    off += static_cast<std::size_t>(n);
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    return UnavailableError("write " + Quote(path) + ": " + ErrnoText(errno));
  }
  return OkStatus();
}

}  // namespace

Result<PulledBundle> PullBundle(const Reference& ref, const PullLimits& limits,
                                const RegistryOptions& options) {
  try {
    const std::string what = "pull " + Quote(ref.String());
    if (ref.tag.empty() && ref.digest.empty()) {
      return InvalidRequestError(what + ": reference needs a tag or a digest");
    }
    RegistryClient client(ref, options);
    AICR_ASSIGN_OR_RETURN(const FetchedManifest fetched,
                          client.GetManifest(ref.Selector(), limits.max_manifest_bytes));
    if (!ref.digest.empty() && fetched.digest != ref.digest) {
      return InvalidRequestError(what + ": manifest digest " + fetched.digest + " does not match");
    }
    if (!fetched.media_type.empty() && fetched.media_type != kMediaTypeImageManifest) {
      return InvalidRequestError(what + ": unsupported manifest media type " +
                                 Quote(fetched.media_type) + " (want " +
                                 std::string(kMediaTypeImageManifest) + ")");
    }
    auto decoded = DecodeManifest(fetched.bytes);
    if (!decoded.ok()) {
      return decoded.status().WithContext(what);
    }
    const Manifest& m = *decoded;
    if (m.media_type != kMediaTypeImageManifest) {
      return InvalidRequestError(what + ": manifest mediaType " + Quote(m.media_type) + " is not " +
                                 std::string(kMediaTypeImageManifest));
    }
    if (m.layers.size() != 1) {
      return InvalidRequestError(what + ": expected exactly one layer, got " +
                                 std::to_string(m.layers.size()));
    }
    const Descriptor& layer = m.layers[0];
    if (!IsTarGzipLayer(layer.media_type)) {
      return InvalidRequestError(what + ": unsupported layer media type " +
                                 Quote(layer.media_type));
    }
    if (layer.size <= 0 || static_cast<std::uint64_t>(layer.size) > limits.max_layer_bytes) {
      return InvalidRequestError(what + ": layer size " + std::to_string(layer.size) +
                                 " is outside 1.." + std::to_string(limits.max_layer_bytes));
    }
    AICR_ASSIGN_OR_RETURN(const std::string blob,
                          client.GetBlob(layer.digest, static_cast<std::size_t>(layer.size)));
    if (static_cast<std::int64_t>(blob.size()) != layer.size) {
      return InvalidRequestError(what + ": layer is " + std::to_string(blob.size()) +
                                 " bytes, the manifest says " + std::to_string(layer.size));
    }
    archive::TarLimits tl;
    tl.max_files = limits.max_files;
    tl.max_file_bytes = limits.max_file_bytes;
    tl.max_total_bytes = limits.max_total_bytes;
    auto files = archive::ReadTarGz(blob, tl);
    if (!files.ok()) {
      return files.status().WithContext(what);
    }
    PulledBundle out;
    out.pinned = ref;
    out.pinned.tag.clear();
    out.pinned.digest = fetched.digest;
    out.manifest_digest = fetched.digest;
    out.files = std::move(*files);
    return out;
  } catch (const std::exception& e) {
    return InternalError("pull " + Quote(ref.String()) + ": " + e.what());
  }
}

Status WriteBundleFiles(const std::vector<archive::TarFile>& files, const std::string& dir) {
  namespace fs = std::filesystem;
  if (dir.empty()) {
    return InvalidRequestError("write bundle: empty output folder");
  }
  struct stat st {};
  if (lstat(dir.c_str(), &st) == 0) {
    return ConflictError("write bundle: " + Quote(dir) + " already exists");
  }
  for (const archive::TarFile& f : files) {
    auto joined = checksum::SafeJoin("root", f.path);
    if (!joined.ok() || checksum::CleanPath(f.path) != f.path) {
      return InvalidRequestError("write bundle: unsafe path " + checksum::QuotePath(f.path));
    }
  }
  std::string trimmed = dir;
  while (trimmed.size() > 1 && trimmed.back() == '/') {
    trimmed.pop_back();
  }
  // Built under a temporary name beside the target, removed unless renamed into place.
  const fs::path target(trimmed);
  Result<TempDir> staging =
      TempDir::Create(target.filename().string() + ".tmp-",
                      target.has_parent_path() ? target.parent_path().string() : std::string("."));
  if (!staging.ok()) {
    return staging.status().WithContext("write bundle");
  }
  const std::string tmp = staging->path();
  std::set<std::string> made;
  for (const archive::TarFile& f : files) {
    Status s = MakeDirs(tmp, f.path, &made);
    if (s.ok()) {
      s = WriteOne(tmp + "/" + f.path, f.bytes);
    }
    if (!s.ok()) {
      return s.WithContext("write bundle");
    }
  }
  if (renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, trimmed.c_str(), RENAME_NOREPLACE) != 0) {
    const int err = errno;
    if (err == EEXIST || err == ENOTEMPTY) {
      return ConflictError("write bundle: " + Quote(dir) + " already exists");
    }
    return UnavailableError("write bundle: rename into " + Quote(dir) + ": " + ErrnoText(err));
  }
  staging->Release();
  return OkStatus();
}

}  // namespace aicr::oci
