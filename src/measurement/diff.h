#pragma once

/// \file
/// Field-level comparison of two snapshots (`aicr diff`): every data reading,
/// context entry and item of every subtype is compared, and each difference is
/// reported under a path rooted at `<type>.<subtype>`. Snapshot metadata (the
/// timestamp, the capturing version, the source node) is never compared.

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "measurement/snapshot.h"
#include "serialize/value.h"

namespace aicr::measurement {

/// How a value differs between the baseline and the target.
enum class ChangeKind {
  kAdded,     ///< only in the target
  kRemoved,   ///< only in the baseline
  kModified,  ///< in both, with different text
};

/// `added`, `removed`, `modified`.
std::string_view ChangeKindName(ChangeKind kind);

/// The severity every change carries today.
inline constexpr std::string_view kChangeSeverityInfo = "info";

/// One difference. `baseline` is absent for an added value and `target` for a
/// removed one; a present empty string stays distinct from an absent side.
struct Change {
  ChangeKind kind = ChangeKind::kModified;
  std::string path;
  std::optional<std::string> baseline;
  std::optional<std::string> target;

  friend bool operator==(const Change&, const Change&) = default;
};

/// gtest printer: `modified K8s.server.version "a" -> "b"` (absent sides `_`).
void PrintTo(const Change& change, std::ostream* os);

/// Counts per kind; `total` is the number of changes.
struct DiffSummary {
  std::int64_t added = 0;
  std::int64_t removed = 0;
  std::int64_t modified = 0;
  std::int64_t total = 0;

  friend bool operator==(const DiffSummary&, const DiffSummary&) = default;
};

/// The comparison document.
struct DiffResult {
  /// Where the snapshots came from (file, URL, cm://); set by the caller.
  std::string baseline_source;
  std::string target_source;
  /// Sorted by path (byte order).
  std::vector<Change> changes;
  DiffSummary summary;

  /// Whether anything differs.
  bool HasDrift() const { return !changes.empty(); }
};

/// Compares `target` against `baseline`. Measurements are matched by type and
/// subtypes by name (the first of each when a name repeats). Paths:
///  - `<type>.<subtype>.<key>` for a data reading; a key that would read as one of
///    the structural words below (`context`, `context.…`, `items`, `items.…`,
///    `items[…`) is quoted instead: `<type>.<subtype>["context.node"]`;
///  - `<type>.<subtype>.context.<key>` for a context entry;
///  - `<type>.<subtype>.items.length` when the item counts differ (or one side has
///    none), with the counts as values;
///  - `<type>.<subtype>.items[<i>].context.<key>` and `.items[<i>].data.<key>` for
///    the entries of item i (items are compared by position).
/// Readings compare by their String() text (a null reading reads `<nil>`).
/// NodeTopology `label` and `taint` carry every reading twice (folded `data` and
/// lossless `items`); when both sides have items only the items are compared, and
/// when just one side has items only the folded data is compared, with the
/// summary's `label-count`/`taint-count` restated as the folded key count on both
/// sides, so a capture by an older build does not read as cluster drift.
DiffResult DiffSnapshots(const Snapshot& baseline, const Snapshot& target);

/// The path of data key `key` under `prefix` (quoted when it collides).
std::string DataKeyPath(std::string_view prefix, std::string_view key);

/// `{baselineSource?, targetSource?, changes: [{kind, severity, path, baseline?,
/// target?}], summary: {added, removed, modified, total}}`; empty sources are
/// left out.
serialize::Value DiffResultToValue(const DiffResult& result);

}  // namespace aicr::measurement
