#pragma once

/// \file
/// The bundle's `checksums.txt` (aicr-bundle §4): one `<64 lowercase hex sha256>␠␠<path>`
/// line per file, sorted by path in byte order, each ending in `\n`. The same rules
/// guard parsing and generation, so whatever MarshalManifest writes ParseManifest
/// reads back unchanged, and `sha256sum -c checksums.txt` accepts it.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/limits.h"
#include "base/result.h"

namespace aicr::checksum {

/// The manifest's own name, at the bundle root. It never lists itself.
inline constexpr std::string_view kManifestName = "checksums.txt";
/// The attestation files a bundle may carry besides the listed files; they are
/// written after checksums.txt and so are never listed in it.
inline constexpr std::string_view kBundleAttestationPath =
    "attestation/bundle-attestation.sigstore.json";
inline constexpr std::string_view kBinaryAttestationPath =
    "attestation/aicr-attestation.sigstore.json";

/// Size caps: the whole manifest, one path, one path segment.
inline constexpr std::size_t kMaxManifestBytes = limits::kMaxInputBytes;
inline constexpr std::size_t kMaxPathBytes = 4096;
inline constexpr std::size_t kMaxSegmentBytes = 255;

/// One manifest line.
struct Entry {
  std::string digest;  ///< 64 lowercase hex characters
  std::string path;    ///< relative, slash-separated, clean

  friend bool operator==(const Entry& a, const Entry& b) = default;
};

/// Parses manifest text. Entries come back in file order (older bundles were not
/// sorted, so order is not checked). A missing final newline is accepted.
///
/// Every rejection is kInvalidRequest with the message `checksums.txt: empty manifest`
/// (empty or whitespace-only text), `checksums.txt: manifest larger than N bytes`, or
/// `checksums.txt line N: <reason>` for:
///   - a blank (empty or whitespace-only) line anywhere but after the final newline;
///   - a digest that is not exactly 64 lowercase hex characters (uppercase, wrong
///     length, non-hex);
///   - a separator other than exactly two spaces (one space, `␠*` binary marker, three
///     spaces, tabs), or no path;
///   - a path that is absolute, starts with a drive letter (`C:`), contains a
///     backslash, a NUL, tab, CR, LF or other ASCII control byte, an empty segment
///     (`//`, trailing `/`), a `.` segment (`./a`, `.`), a `..` segment, is not valid
///     UTF-8, or exceeds kMaxPathBytes / kMaxSegmentBytes;
///   - a path listed twice, exactly or under case folding (FoldKey in fold.h: `A.txt`
///     vs `a.txt`, `s` vs `ſ`, `k` vs Kelvin `K`); since non-canonical spellings are
///     rejected outright, canonical aliases (`a//b`, `a/./b`) cannot slip through;
///   - a path that is also (or, under folding, aliases) a directory of another listed
///     path, e.g. `a` with `a/b`;
///   - `checksums.txt` in any case fold, or a path below it;
///   - a reserved attestation path (kBundleAttestationPath, kBinaryAttestationPath) in
///     any case fold, or a path below one.
Result<std::vector<Entry>> ParseManifest(std::string_view text);

/// The manifest text for `entries`: sorted by path in byte order, one
/// `<digest>␠␠<path>\n` line each. The entries are checked with the rules of
/// ParseManifest, `line N` counting in sorted order; an empty list is an error.
Result<std::string> MarshalManifest(std::vector<Entry> entries);

/// The manifest for in-memory files given as (path, bytes) pairs, digesting each
/// file's bytes. Views, so a caller holding a bundle's files in memory (e.g. a
/// layout::FileTree) builds the manifest without copying them; the views must stay
/// valid for the call. Errors as for MarshalManifest.
Result<std::string> BuildManifest(
    const std::vector<std::pair<std::string_view, std::string_view>>& files);

/// Whether `path` is exactly one of the two attestation paths.
bool IsReservedMetadataPath(std::string_view path);

}  // namespace aicr::checksum
