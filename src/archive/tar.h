#pragma once

/// \file
/// Deterministic gzip-compressed tar archives (libarchive does the tar and gzip
/// framing) and a hardened reader for untrusted ones. The same files always give the
/// same bytes: this is the layer format of pushed OCI bundles and Helm charts.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace aicr::archive {

/// One regular file of a tar archive.
struct TarFile {
  std::string path;  ///< `/`-separated, relative, e.g. `templates/deployment.yaml`
  std::string bytes;
  bool executable = false;  ///< mode 0755 instead of 0644

  friend bool operator==(const TarFile& a, const TarFile& b) = default;
};

/// Deterministic tar.gz of `files`, each stored as `<prefix>/<path>` (just `<path>`
/// when `prefix` is empty; a trailing `/` on `prefix` is ignored). Entries are sorted
/// by path in byte order; every parent folder is written once as a directory entry
/// before its first child. Metadata is fixed: mtime 0, uid/gid 0, empty user and
/// group names, mode 0644 (0755 for executables and folders), POSIX pax-restricted
/// format (plain ustar headers unless a name needs a pax record). gzip: default
/// level, mtime 0, no file name, OS byte 3 (Unix).
/// Errors (INVALID_REQUEST, naming the path): an unsafe path or prefix (empty,
/// absolute, a `.`/`..`/empty segment, a backslash, NUL or another control
/// character), a path given twice, a path that is both a file and a parent folder.
Result<std::string> WriteTarGz(std::vector<TarFile> files, std::string_view prefix = "");

/// Caps enforced by ReadTarGz while it streams, before anything is buffered.
struct TarLimits {
  std::size_t max_files = 10000;                                      ///< regular files
  std::uint64_t max_file_bytes = std::uint64_t{256} * 1024 * 1024;    ///< one file
  std::uint64_t max_total_bytes = std::uint64_t{1024} * 1024 * 1024;  ///< all files, uncompressed
};

/// Reads an untrusted tar.gz: returns its regular files (sorted by path; directory
/// entries are validated and dropped, `executable` set when any x bit is on).
/// Errors, all INVALID_REQUEST naming the offending entry where there is one:
/// not gzip or a corrupt stream; a second (concatenated) gzip member or any bytes
/// after the gzip stream; an entry that is not a regular file or directory
/// (symlink, hardlink, character/block device, FIFO, socket, sparse file); a path
/// that is not canonical and local (absolute, `..` or `.` segment, empty segment
/// `//`, backslash, NUL or other control character, over 4096 bytes); the same path
/// twice, or a file below a path that is a file; more files than
/// `limits.max_files`, a file over `limits.max_file_bytes`, or more than
/// `limits.max_total_bytes` in all.
Result<std::vector<TarFile>> ReadTarGz(std::string_view tgz, const TarLimits& limits = {});

}  // namespace aicr::archive
