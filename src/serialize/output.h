#pragma once

/// \file
/// Writing a serialized document to where the user points: stdout (empty target or
/// `-`), `cm://namespace/name`, or a local file (written atomically).

#include <ostream>
#include <string>
#include <string_view>

#include "base/cancel.h"
#include "base/clock.h"
#include "base/result.h"
#include "base/status.h"
#include "serialize/cm_uri.h"

namespace aicr::serialize {

struct OutputOptions {
  /// The document kind, e.g. `Snapshot`, `RecipeResult`; names the ConfigMap key
  /// (lower-cased) and the component label. Required for cm://.
  std::string kind;
  /// `yaml` (also when empty), `json` or `table`.
  std::string format;
  /// The document's version, for the ConfigMap version label; empty: `unknown`.
  std::string version;
  /// Where cm:// targets are written; null: cm:// fails with kUnavailable.
  ConfigMapStore* configmaps = nullptr;
  /// Stamps the ConfigMap's `timestamp`.
  const Clock* clock = &Clock::Real();
  CancelToken cancel;
  /// Replaces stdout (tests). Null: file descriptor 1, written with SIGPIPE blocked so a
  /// closed pipe is an error, not a crash.
  std::ostream* stdout_stream = nullptr;
};

/// The ConfigMap WriteOutput applies for `bytes`: data `<kind lower-cased>.<ext>`
/// (ext `yaml`, `json` or `txt`), `format`, `timestamp` (RFC 3339 from the clock), and
/// labels `app.kubernetes.io/name: aicr`, `app.kubernetes.io/component: <kind>`,
/// `app.kubernetes.io/version: <version or "unknown">`.
/// Errors: kInvalidRequest for an empty kind or an unknown format.
Result<ConfigMapData> BuildOutputConfigMap(std::string_view bytes, const OutputOptions& options);

/// Writes `bytes` to `target`:
///  - empty or `-`: stdout, flushed;
///  - `cm://ns/name`: the store's Apply with BuildOutputConfigMap's data; `table` is refused;
///  - anything else: a file, via WriteFileAtomic (the parent directory must exist).
/// Errors: kInvalidRequest (bad cm:// URI, table to cm://, unknown format, directory
/// target), kNotFound (missing parent directory), kUnavailable (no ConfigMap store, write
/// or stdout failures such as a closed pipe), kCanceled, and the store's errors.
Status WriteOutput(std::string_view target, std::string_view bytes, const OutputOptions& options);

}  // namespace aicr::serialize
