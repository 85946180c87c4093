#pragma once

/// \file
/// The OS collector (measurement type `OS`): sub-collectors `grub` (the kernel
/// command line), `sysctl` (/proc/sys outside /proc/sys/net), `kmod` (loaded
/// modules) and `release` (os-release), run in that order. A failing sub-collector
/// is skipped with a warning; only cancellation fails the whole collector.

#include <chrono>
#include <memory>
#include <string_view>

#include "base/result.h"
#include "collector/collector.h"
#include "measurement/snapshot.h"

namespace aicr::collector {

/// Keys dropped from the `grub` subtype.
inline constexpr std::string_view kGrubFilteredKey = "root";
/// Keys dropped from the `sysctl` subtype.
inline constexpr std::string_view kSysctlFilterPattern = "/proc/sys/dev/cdrom/*";

/// `grub`: `/proc/cmdline` tokens (split on single spaces) as `key` -> `value`
/// (split at the first `=`, both trimmed; a bare token maps to ""), without `root`.
Result<measurement::Subtype> CollectGrub(const CollectContext& ctx);

/// `sysctl`: every readable regular file below `/proc/sys` except under
/// `/proc/sys/net`, keyed by its host path (symlinks, unreadable files and
/// per-entry errors skipped). A file of several lines that are all `k v...` gives
/// one entry per line keyed `<path>/<k>`; otherwise the value is its lines joined
/// by `\n`. `/proc/sys/dev/cdrom/*` is filtered out. CANCELED on cancellation.
Result<measurement::Subtype> CollectSysctl(const CollectContext& ctx);

/// `kmod`: the first field of each `/proc/modules` line -> true.
Result<measurement::Subtype> CollectKmod(const CollectContext& ctx);

/// `release`: `/etc/os-release` (or `/usr/lib/os-release` when the former does not
/// exist) `KEY=value` lines, values trimmed of quotes, empty values skipped.
Result<measurement::Subtype> CollectRelease(const CollectContext& ctx);

class OsCollector : public Collector {
 public:
  std::string_view name() const override { return "os"; }
  std::string_view type() const override { return "OS"; }
  std::chrono::milliseconds timeout() const override { return std::chrono::seconds(10); }
  /// Subtypes in the order grub, sysctl, kmod, release; a sub-collector that fails
  /// adds a warning, one that finds nothing adds no subtype. CANCELED on cancellation.
  Result<Collected> Collect(const CollectContext& ctx) const override;
};

/// A new OsCollector.
std::unique_ptr<Collector> NewOsCollector();

}  // namespace aicr::collector
