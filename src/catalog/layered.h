#pragma once

/// \file
/// `--data DIR`: an external directory layered over the embedded catalogue, with the
/// semantics of AICR's LayeredDataProvider.
///
/// The directory must exist, be a directory and hold `registry.yaml`. It is walked
/// once, at construction; every file found must be a regular file within the size
/// cap, and no symlink (to a file or a directory) may appear unless allowed. Hidden
/// entries (a name starting with `.`, e.g. `.git/` or editor swap files) are skipped
/// entirely, exactly as the embed tool skips them, so they are never checked or
/// read.
///
/// Semantics:
///  - `registry.yaml` is merged: the external header is validated (kind
///    `ComponentRegistry`, apiVersion `aicr.run/v1alpha2` or `aicr.run/v1beta1`),
///    external component names must be present and unique; the embedded document is
///    kept (header and every other top-level key), its `components` keep their
///    order, an external component with the same `name` replaces the embedded one
///    wholesale and new names are appended in external order. The result is written
///    with the canonical YAML writer; Source is kSourceMerged. When the embedded tree
///    has no registry, the external document is used (still re-serialized, still
///    reported merged).
///  - `validators/catalog.yaml`, when present externally, is merged likewise by
///    validator `name` under the top-level `validators` list (names present and
///    unique externally). When the embedded tree has none, the external file is used
///    as is and reported kSourceExternal.
///  - any other path: the external file replaces the embedded one, or is added;
///    Source kSourceExternal. Other files are read lazily, with the cap re-checked
///    and, unless symlinks are allowed, a final-component symlink refused again.
///  - PreparsedJson answers only for paths served unchanged from the embedded tree
///    (neither external nor merged), with the embedded provider's answer.
///
/// Both merges happen at construction, so malformed external data fails early.
/// Errors are INVALID_REQUEST (bad user input, exit 2) naming the directory or the
/// relative path, e.g. `data directory "d": registry.yaml not found`,
/// `data file "a/b.yaml": symlinks are not allowed`, `data file "big.yaml": exceeds
/// 10485760 bytes`, `data file "registry.yaml": kind must be ComponentRegistry, got
/// "X"`; UNAVAILABLE for I/O failures; INTERNAL when the embedded registry or
/// catalogue itself does not parse.

#include <cstddef>
#include <memory>
#include <string>

#include "base/limits.h"
#include "base/result.h"
#include "catalog/data_provider.h"

namespace aicr::catalog {

struct LayeredOptions {
  /// Largest external file accepted (a file of exactly this size is fine).
  std::size_t max_file_bytes = limits::kMaxDataFileBytes;
  /// Follow symlinks (to files and directories) instead of rejecting them. Directory
  /// nesting is capped, so a symlink cycle fails instead of looping.
  bool allow_symlinks = false;
};

/// Layers `dir` over `embedded`, which must outlive the returned provider. Its
/// identity is `layered:<canonical dir>` (the embedded provider and the options are
/// not part of it: a process layers one directory over EmbeddedProvider()).
Result<std::unique_ptr<DataProvider>> MakeLayeredProvider(const std::string& dir,
                                                          const DataProvider& embedded,
                                                          const LayeredOptions& options = {});

}  // namespace aicr::catalog
