#pragma once

/// \file
/// Reading an input document from wherever the user points: `-` (stdin), an
/// `http(s)://` URL, `cm://namespace/name`, or a local file. Every source is read
/// with a size cap and returns the raw bytes; parsing is the caller's business.

#include <chrono>
#include <cstddef>
#include <istream>
#include <string>
#include <string_view>

#include "base/cancel.h"
#include "base/limits.h"
#include "base/result.h"
#include "serialize/cm_uri.h"

namespace aicr::serialize {

struct InputOptions {
  /// Largest document accepted from any source.
  std::size_t max_bytes = limits::kMaxInputBytes;
  /// Total time for an HTTP(S) fetch.
  std::chrono::milliseconds timeout{30000};
  /// Redirects an HTTP(S) fetch follows.
  long max_redirects = 10;
  CancelToken cancel;
  /// Where cm:// sources are read from; null: cm:// fails with kUnavailable.
  ConfigMapStore* configmaps = nullptr;
  /// Replaces the process's stdin for `-` (tests). Null: file descriptor 0.
  std::istream* stdin_stream = nullptr;
  /// For cm://: the document kind (e.g. `snapshot`); keys `<kind>.<ext>` are then
  /// preferred over other document keys. Empty: any document key.
  std::string kind;
  /// For https:// (tests, private CAs): a PEM CA bundle that replaces the system store.
  std::string ca_file;
};

/// Reads the document named by `source`:
///  - `-`: standard input, up to `max_bytes`; cancellation is checked while waiting.
///  - `http://`, `https://`: HttpFetch with these options (see http_fetch.h for codes).
///  - `cm://ns/name`: the ConfigMap's document, chosen by ChooseConfigMapDocument.
///  - anything else: ReadLocalFile.
/// Errors: kInvalidRequest (empty source, over the cap, bad cm:// URI, not a regular
/// file), kNotFound (missing file, ConfigMap or key), kUnavailable (no ConfigMap store,
/// I/O and transport errors), kCanceled, and HttpFetch's codes.
Result<std::string> ReadInput(std::string_view source, const InputOptions& options = {});

/// Reads a local regular file (symlinks to one are followed) of at most `max_bytes`.
/// Errors: kNotFound `read "x": no such file`; kInvalidRequest for a directory, FIFO,
/// device or socket, a file over the cap (`read "x": file exceeds N bytes`) or a path
/// that cannot be read for lack of permission; kUnavailable for other I/O errors.
Result<std::string> ReadLocalFile(const std::string& path,
                                  std::size_t max_bytes = limits::kMaxInputBytes);

/// Picks the document key of a ConfigMap written by WriteOutput (or by AICR): keys
/// ending `.yaml`, `.json` or `.txt` are candidates (restricted to `<kind>.<ext>` when
/// `kind` is non-empty and such a key exists); the extension named by `data["format"]`
/// (`yaml`, `json`, `table` -> `txt`) is tried first, then yaml, json, txt.
/// Errors: kNotFound naming the keys present; kInvalidRequest when two candidate keys
/// share the winning extension.
Result<std::string> ChooseConfigMapDocument(const ConfigMapRef& ref, const ConfigMapData& cm,
                                            std::string_view kind = {});

}  // namespace aicr::serialize
