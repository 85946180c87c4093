#include "layout/argo.h"

#include <array>
#include <optional>

#include "base/strings.h"
#include "serialize/scalar.h"

namespace aicr::layout::argo {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool IsControl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

// major.minor.patch of a version such as `v26.7.0` or `26.7.0-rc.1`; missing
// minor/patch count as 0. nullopt when the numbers cannot be read.
std::optional<std::array<long, 3>> ParseVersionCore(std::string_view v) {
  if (!v.empty() && (v.front() == 'v' || v.front() == 'V')) {
    v.remove_prefix(1);
  }
  const std::size_t end = v.find_first_of("-+");
  if (end != std::string_view::npos) {
    v = v.substr(0, end);
  }
  std::array<long, 3> out = {0, 0, 0};
  std::size_t part = 0;
  std::size_t digits = 0;
  for (const char c : v) {
    if (c == '.') {
      if (digits == 0 || ++part >= out.size()) {
        return std::nullopt;
      }
      digits = 0;
      continue;
    }
    if (c < '0' || c > '9' || digits >= 9) {
      return std::nullopt;
    }
    out[part] = out[part] * 10 + (c - '0');
    ++digits;
  }
  if (digits == 0) {
    return std::nullopt;
  }
  return out;
}

}  // namespace

bool IsDns1123Label(std::string_view s, std::size_t max_length) {
  if (s.empty() || s.size() > max_length || !IsLowerAlnum(s.front()) || !IsLowerAlnum(s.back())) {
    return false;
  }
  for (const char c : s) {
    if (!IsLowerAlnum(c) && c != '-') {
      return false;
    }
  }
  return true;
}

bool IsDns1123Subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) {
    return false;
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    if (!IsDns1123Label(s.substr(start, dot == std::string_view::npos ? s.npos : dot - start))) {
      return false;
    }
    if (dot == std::string_view::npos) {
      return true;
    }
    start = dot + 1;
  }
}

Status ValidateArgoOptions(const GitOpsOptions& options) {
  if (!options.app_name.empty() && !IsDns1123Subdomain(options.app_name)) {
    return InvalidRequestError("invalid app name " + Quote(options.app_name) +
                               ": must be a DNS-1123 subdomain (lower-case alphanumerics, '-' "
                               "and '.', at most 253 characters)");
  }
  const std::string& prefix = options.name_prefix;
  if (!prefix.empty()) {
    bool ok = IsLowerAlnum(prefix.front());
    for (const char c : prefix) {
      ok = ok && (IsLowerAlnum(c) || c == '-');
    }
    if (!ok) {
      return InvalidRequestError("invalid deployer namePrefix " + Quote(prefix) +
                                 ": must be lower-case alphanumerics and '-', starting with an "
                                 "alphanumeric");
    }
  }
  const std::string& server = options.destination_server;
  if (!server.empty()) {
    constexpr std::string_view kScheme = "https://";
    if (!server.starts_with(kScheme) || server.size() == kScheme.size() ||
        server[kScheme.size()] == ':' || server[kScheme.size()] == '/') {
      return InvalidRequestError("invalid deployer destinationServer " + Quote(server) +
                                 ": must be an absolute https:// URL (lower-case scheme) with a "
                                 "host name");
    }
    for (const char c : server) {
      if (c == '\'' || c == '"' || c == '@' || IsSpace(c) || IsControl(c)) {
        return InvalidRequestError("invalid deployer destinationServer " + Quote(server) +
                                   ": must not contain quotes, whitespace, control characters "
                                   "or '@'");
      }
    }
  }
  if (!options.project.empty() && !IsDns1123Subdomain(options.project)) {
    return InvalidRequestError("invalid deployer project " + Quote(options.project) +
                               ": must be a DNS-1123 subdomain (at most 253 characters, "
                               "dot-separated labels of at most 63)");
  }
  return OkStatus();
}

Result<std::string> ChildApplicationName(const GitOpsOptions& options, const Folder& folder,
                                         std::string_view parent_name) {
  std::string name = options.name_prefix + folder.release;
  if (!IsDns1123Subdomain(name)) {
    return InvalidRequestError("child Application name " + Quote(name) + " of folder " +
                               Quote(folder.dir) + " is not a DNS-1123 subdomain");
  }
  if (name.size() > kMaxChildNameLength) {
    return InvalidRequestError(
        "child Application name " + Quote(name) + " is " + std::to_string(name.size()) +
        " characters long: Argo CD uses it as the Helm release name, which Helm limits to " +
        std::to_string(kMaxChildNameLength) + "; shorten deployer namePrefix");
  }
  if (name == parent_name) {
    return InvalidRequestError("child Application name " + Quote(name) +
                               " collides with the parent Application name; choose another "
                               "--app-name or deployer namePrefix");
  }
  return name;
}

int RolePhase(FolderRole role) {
  switch (role) {
    case FolderRole::kPre:
      return 0;
    case FolderRole::kPrimary:
      return 1;
    case FolderRole::kPost:
      return 2;
    case FolderRole::kReadiness:
      return 3;
  }
  return 1;
}

int SyncWave(const Plan& plan, const Folder& folder) {
  if (plan.serial) {
    return folder.index - 1;
  }
  return folder.level * kSyncWaveStride + RolePhase(folder.role);
}

std::string ChartName(const ComponentPlan& component) {
  return component.chart.empty() ? component.name : component.chart;
}

bool IsOciUrl(std::string_view url) { return url.starts_with("oci://"); }

std::string ChartRepoURL(const ComponentPlan& component) {
  if (!IsOciUrl(component.repository)) {
    return component.repository;
  }
  std::string_view registry = component.repository;
  while (registry.ends_with('/')) {
    registry.remove_suffix(1);
  }
  return std::string(registry) + "/" + ChartName(component);
}

std::string ChartTargetRevision(const ComponentPlan& component) {
  if (IsOciUrl(component.repository)) {
    return component.version;
  }
  std::string_view v = component.version;
  if (v.starts_with('v')) {
    v.remove_prefix(1);
  }
  return std::string(v);
}

bool IgnoresComputeDomainDifferences(const Plan& plan, const Folder& folder) {
  if (folder.component != "gpu-operator" || folder.role != FolderRole::kPrimary) {
    return false;
  }
  if (plan.Find("nvidia-dra-driver-gpu") == nullptr &&
      plan.Find("nvidia-dra-driver-gpu-ocp") == nullptr) {
    return false;
  }
  const ComponentPlan* gpu = plan.Find(folder.component);
  if (gpu == nullptr) {
    return false;
  }
  const auto version = ParseVersionCore(gpu->version);
  constexpr std::array<long, 3> kFirstDiverging = {26, 7, 0};
  return version.has_value() && *version >= kFirstDiverging;
}

std::string RenderChildSyncPolicy(const Plan& plan, const Folder& folder) {
  std::string out;
  const bool ignore_compute_domains = IgnoresComputeDomainDifferences(plan, folder);
  if (ignore_compute_domains) {
    out += "  ignoreDifferences:\n";
    out += "    - group: apiextensions.k8s.io\n";
    out += "      kind: CustomResourceDefinition\n";
    out += "      name: " + std::string(kComputeDomainsCrd) + "\n";
    out += "      jsonPointers:\n";
    out += "        - /spec\n";
  }
  out += "  syncPolicy:\n";
  out += "    automated:\n";
  out += "      prune: true\n";
  out += "      selfHeal: true\n";
  out += "    syncOptions:\n";
  out += "      - CreateNamespace=true\n";
  // Server-side apply on every child: some charts ship CRDs larger than the
  // client-side last-applied annotation allows.
  out += "      - ServerSideApply=true\n";
  if (folder.role == FolderRole::kReadiness) {
    // The gate Job carries Replace=true,Force=true; without this Argo CD would
    // recreate it on every sync.
    out += "      - ApplyOutOfSyncOnly=true\n";
  }
  if (ignore_compute_domains) {
    // Without it the ignored fields would still be applied on sync.
    out += "      - RespectIgnoreDifferences=true\n";
  }
  return out;
}

std::string SingleQuoted(std::string_view s) {
  for (const char c : s) {
    if (IsControl(c)) {
      return DoubleQuoted(s);
    }
  }
  if (!serialize::IsValidUtf8(s)) {
    return DoubleQuoted(s);
  }
  std::string out = "'";
  for (const char c : s) {
    out += c;
    if (c == '\'') {
      out += '\'';
    }
  }
  out += '\'';
  return out;
}

std::string DoubleQuoted(std::string_view s) { return serialize::DoubleQuote(s); }

std::string Scalar(std::string_view s) {
  return serialize::NeedsQuoting(s) ? DoubleQuoted(s) : std::string(s);
}

}  // namespace aicr::layout::argo
