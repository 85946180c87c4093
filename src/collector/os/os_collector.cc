#include "collector/os/os_collector.h"

#include <filesystem>
#include <map>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "collector/filter.h"
#include "collector/os/file_parser.h"

namespace aicr::collector {

namespace {

namespace fs = std::filesystem;
using measurement::Reading;
using measurement::Subtype;

constexpr std::string_view kProcSys = "/proc/sys";
constexpr std::string_view kProcSysNet = "/proc/sys/net";

/// Whitespace-separated fields of `line`.
std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && IsSpace(line[i])) {
      ++i;
    }
    std::size_t start = i;
    while (i < line.size() && !IsSpace(line[i])) {
      ++i;
    }
    if (i > start) {
      fields.push_back(line.substr(start, i - start));
    }
  }
  return fields;
}

/// Adds the readings of one sysctl file (host path `key`, parsed `lines`).
void AddSysctlEntries(const std::string& key, const std::vector<std::string>& lines,
                      std::map<std::string, Reading>& data) {
  bool all_key_value = lines.size() > 1;
  for (const std::string& line : lines) {
    if (!all_key_value) {
      break;
    }
    all_key_value = Fields(line).size() >= 2;
  }
  if (all_key_value) {
    for (const std::string& line : lines) {
      std::vector<std::string_view> fields = Fields(line);
      std::vector<std::string> rest(fields.begin() + 1, fields.end());
      data[key + "/" + std::string(fields.front())] = Reading::Str(Join(rest, " "));
    }
    return;
  }
  data[key] = Reading::Str(Join(lines, "\n"));
}

/// Whether `host_path` is `/proc/sys/net` or lies below it (never collected).
bool UnderProcSysNet(std::string_view host_path) {
  return host_path == kProcSysNet ||
         (host_path.starts_with(kProcSysNet) && host_path[kProcSysNet.size()] == '/');
}

Status Canceled(const CollectContext& ctx, std::string_view what) {
  if (ctx.cancel.IsCanceled()) {
    return CanceledError("os collector: " + std::string(what) + " canceled");
  }
  return Status();
}

}  // namespace

Result<Subtype> CollectGrub(const CollectContext& ctx) {
  AICR_ASSIGN_OR_RETURN(std::vector<std::string> lines,
                        ReadParsedLines(HostPath(ctx.root, "/proc/cmdline")));
  Subtype subtype;
  subtype.name = "grub";
  for (const std::string& line : lines) {
    std::size_t start = 0;
    while (start <= line.size()) {
      std::size_t end = line.find(' ', start);
      if (end == std::string::npos) {
        end = line.size();
      }
      std::string_view token = std::string_view(line).substr(start, end - start);
      start = end + 1;
      std::size_t eq = token.find('=');
      std::string_view key = Trim(token.substr(0, eq));
      std::string_view value = eq == std::string_view::npos ? "" : Trim(token.substr(eq + 1));
      if (key.empty()) {
        continue;
      }
      subtype.data[std::string(key)] = Reading::Str(std::string(value));
    }
  }
  subtype.data.erase(std::string(kGrubFilteredKey));
  return subtype;
}

Result<Subtype> CollectSysctl(const CollectContext& ctx) {
  AICR_RETURN_IF_ERROR(Canceled(ctx, "sysctl"));
  const std::string walk_root = HostPath(ctx.root, kProcSys);
  std::error_code ec;
  fs::file_status root_status = fs::symlink_status(walk_root, ec);
  if (ec || !fs::is_directory(root_status)) {
    return NotFoundError("sysctl directory " + Quote(walk_root) + " not found");
  }
  Subtype subtype;
  subtype.name = "sysctl";
  fs::recursive_directory_iterator it(walk_root, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    return UnavailableError("sysctl directory " + Quote(walk_root) + ": " + ec.message());
  }
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    AICR_RETURN_IF_ERROR(Canceled(ctx, "sysctl"));
    if (ec) {
      // A per-entry error: skip the entry and go on.
      ec.clear();
      continue;
    }
    const std::string path = it->path().string();
    // The walk root is a prefix of every entry; the key is the host path.
    const std::string host_path = std::string(kProcSys) + path.substr(walk_root.size());
    std::error_code status_ec;
    fs::file_status status = it->symlink_status(status_ec);
    if (status_ec) {
      continue;
    }
    if (UnderProcSysNet(host_path)) {
      if (fs::is_directory(status)) {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (!fs::is_regular_file(status)) {
      continue;  // directories are walked into; symlinks and special files are skipped
    }
    // A file without any read permission bit is unreadable in procfs even for root
    // (write-only sysctls such as vm/compact_memory); treat fixtures the same way.
    if ((status.permissions() & (fs::perms::owner_read | fs::perms::group_read |
                                 fs::perms::others_read)) == fs::perms::none) {
      continue;
    }
    Result<std::vector<std::string>> lines = ReadParsedLines(path);
    if (!lines.ok()) {
      continue;  // unreadable, oversized or not UTF-8: skip this entry
    }
    AddSysctlEntries(host_path, *lines, subtype.data);
  }
  FilterOut(subtype.data, {std::string(kSysctlFilterPattern)});
  return subtype;
}

Result<Subtype> CollectKmod(const CollectContext& ctx) {
  AICR_ASSIGN_OR_RETURN(std::vector<std::string> lines,
                        ReadParsedLines(HostPath(ctx.root, "/proc/modules")));
  Subtype subtype;
  subtype.name = "kmod";
  for (const std::string& line : lines) {
    std::vector<std::string_view> fields = Fields(line);
    if (!fields.empty()) {
      subtype.data[std::string(fields.front())] = Reading::Bool(true);
    }
  }
  return subtype;
}

Result<Subtype> CollectRelease(const CollectContext& ctx) {
  std::string path = HostPath(ctx.root, "/etc/os-release");
  std::error_code ec;
  // Only a missing file (or a dangling symlink) falls back; an unreadable or
  // malformed one is an error.
  if (fs::status(path, ec).type() == fs::file_type::not_found) {
    path = HostPath(ctx.root, "/usr/lib/os-release");
  }
  AICR_ASSIGN_OR_RETURN(std::vector<std::string> lines, ReadParsedLines(path));
  Subtype subtype;
  subtype.name = "release";
  for (const std::string& line : lines) {
    std::size_t eq = line.find('=');
    if (eq == std::string::npos) {
      continue;
    }
    std::string_view key = Trim(std::string_view(line).substr(0, eq));
    std::string_view value = Trim(std::string_view(line).substr(eq + 1));
    while (!value.empty() && (value.front() == '"' || value.front() == '\'')) {
      value.remove_prefix(1);
    }
    while (!value.empty() && (value.back() == '"' || value.back() == '\'')) {
      value.remove_suffix(1);
    }
    if (key.empty() || value.empty()) {
      continue;
    }
    subtype.data[std::string(key)] = Reading::Str(std::string(value));
  }
  return subtype;
}

Result<Collected> OsCollector::Collect(const CollectContext& ctx) const {
  using SubCollector = Result<Subtype> (*)(const CollectContext&);
  static constexpr std::pair<std::string_view, SubCollector> kSubCollectors[] = {
      {"grub", &CollectGrub},
      {"sysctl", &CollectSysctl},
      {"kmod", &CollectKmod},
      {"release", &CollectRelease},
  };
  Collected collected;
  measurement::Measurement measurement;
  measurement.type = std::string(type());
  for (const auto& [sub_name, sub_collect] : kSubCollectors) {
    AICR_RETURN_IF_ERROR(Canceled(ctx, sub_name));
    Result<Subtype> subtype = sub_collect(ctx);
    if (!subtype.ok()) {
      if (subtype.status().code() == ErrorCode::kCanceled) {
        return subtype.status();
      }
      collected.warnings.push_back("os collector: " + std::string(sub_name) +
                                   " skipped: " + subtype.status().ToString());
      continue;
    }
    if (!subtype->data.empty()) {
      measurement.subtypes.push_back(std::move(subtype).value());
    }
  }
  collected.measurement = std::move(measurement);
  return collected;
}

std::unique_ptr<Collector> NewOsCollector() { return std::make_unique<OsCollector>(); }

}  // namespace aicr::collector
