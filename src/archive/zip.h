#pragma once

/// \file
/// A deterministic ZIP writer for bundles served over HTTP (zlib does the DEFLATE
/// and the CRC-32). The same entries always give the same bytes.

#include <cstddef>
#include <string>
#include <vector>

#include "base/result.h"

namespace aicr::archive {

/// One regular file of an archive.
struct ZipEntry {
  std::string path;      ///< `/`-separated, relative, e.g. `charts/gpu-operator/values.yaml`
  std::string bytes;     ///< the file's content
  unsigned mode = 0644;  ///< Unix permission bits, at most 0777
};

/// The most entries (files plus generated folders) one archive may hold: the classic
/// ZIP count field, without ZIP64.
inline constexpr std::size_t kMaxZipEntries = 0xfffe;
/// Sizes and offsets stay below this: the classic 32-bit fields, without ZIP64.
inline constexpr std::size_t kMaxZipBytes = 0xfffffffe;

/// Deterministic ZIP: entries in the given order (callers pass sorted paths), DEFLATE
/// (zlib) when it shrinks the entry else STORED, fixed DOS timestamp 1980-01-01 00:00,
/// Unix mode in external attributes (made-by Unix), directory entries for parent
/// folders first (mode 0755), no extra fields, and the UTF-8 name flag only on names
/// with non-ASCII bytes.
///
/// ZIP64 is not written: an archive that would need it (more than kMaxZipEntries
/// entries, or an entry, offset or the whole archive above kMaxZipBytes) is refused
/// with INVALID_REQUEST. So is an unsafe path (empty, absolute, a `..` or `.` or
/// empty segment, a backslash, NUL or another control character), a path given twice,
/// a path that is both a file and a parent folder, and a mode above 0777.
Result<std::string> WriteZip(const std::vector<ZipEntry>& entries);

}  // namespace aicr::archive
