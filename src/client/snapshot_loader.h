#pragma once

/// \file
/// Reading a snapshot document from wherever the user points, shared by every
/// facade call that takes one (`recipe --snapshot`, `diff`).

#include <string_view>

#include "base/cancel.h"
#include "base/result.h"
#include "measurement/snapshot.h"
#include "serialize/cm_uri.h"

namespace aicr::client {

/// Reads `source` (a file, `-`, an http(s) URL or `cm://ns/name`, preferring the
/// ConfigMap's `snapshot.<ext>` key), parses it as YAML or JSON and applies the
/// snapshot loader gates. Read errors carry the `snapshot` context, parse and
/// decode errors `snapshot "<source>"`; cm:// needs `configmaps` (else UNAVAILABLE).
Result<measurement::Snapshot> LoadSnapshot(std::string_view source,
                                           serialize::ConfigMapStore* configmaps,
                                           const CancelToken& cancel);

}  // namespace aicr::client
