#pragma once

/// \file
/// Publishing a generated bundle to its output directory without ever leaving a
/// half-written one (aicr-bundle §7, issue "output directory semantics"):
///
/// 1. The output root is checked first: it must be a real directory (or absent)
///    with no symlinks, FIFOs, sockets or devices anywhere below it, and it may
///    hold only a previous bundle (the files its `checksums.txt` lists, its
///    attestation files, and stale `NNN-*` folders), so unrelated files are never
///    deleted or swept into a new bundle.
/// 2. The tree is written into a private staging directory on the same
///    filesystem and verified there with the closed-world checksum verifier.
/// 3. Only then are the previous bundle's entries moved aside and the new ones
///    moved in (renames only; rolled back on failure) and the old ones removed.

#include <string>

#include "base/status.h"
#include "layout/file_tree.h"

namespace aicr::bundler {

/// Prefix of the staging and retired-bundle directories (hidden, same filesystem).
inline constexpr char kStagePrefix[] = ".aicr-bundle-stage-";
inline constexpr char kRetiredPrefix[] = ".aicr-bundle-old-";

/// Writes `tree` (which must contain `checksums.txt` covering every other file)
/// as the bundle at `out_dir`. INVALID_REQUEST when the output root is unusable
/// (named in the message); INTERNAL on an I/O failure. On any error the previous
/// content of `out_dir` is unchanged.
Status PublishBundle(const layout::FileTree& tree, const std::string& out_dir);

}  // namespace aicr::bundler
