#pragma once

/// \file
/// What the two Argo CD deployers (argocd, argocd-helm) share: the fixed
/// Application conventions, the `--set deployer:*` option checks, child
/// Application naming, sync-wave ordering (aicr-bundle §3.3), the upstream chart
/// coordinates a child Application points at, and the YAML quoting the hand-laid
/// Application documents use. Kept in the layout module so neither deployer
/// depends on its sibling.

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/status.h"
#include "layout/plan.h"

namespace aicr::layout::argo {

/// Namespace every generated Application lives in.
inline constexpr std::string_view kArgoNamespace = "argocd";
/// Child `spec.destination.server` when `deployer:destinationServer` is unset.
inline constexpr std::string_view kDefaultDestinationServer = "https://kubernetes.default.svc";
/// Child `spec.project` when `deployer:project` is unset (the parent always uses it).
inline constexpr std::string_view kDefaultProject = "default";
/// Revision tracked when the bundle sets none.
inline constexpr std::string_view kDefaultTargetRevision = "main";
/// Repository written when `--repo` is not given (the user edits it before applying).
inline constexpr std::string_view kPlaceholderRepoURL = "https://github.com/YOUR-ORG/YOUR-REPO.git";
/// Argo CD's cascading-deletion finalizer (`deployer:cascadeDelete=true`).
inline constexpr std::string_view kResourcesFinalizer = "resources-finalizer.argocd.argoproj.io";
/// Argo CD names a Helm-rendered child's release after the Application, and Helm
/// caps release names at 53 characters, so child names are capped the same way.
inline constexpr std::size_t kMaxChildNameLength = 53;
/// Sync-wave slots per dependency level: one per folder role (pre, primary, post,
/// readiness), so level N+1 always starts after level N's readiness gate.
inline constexpr int kSyncWaveStride = 4;
/// The shared CRD whose two diverging copies (gpu-operator and the DRA driver)
/// Argo CD would otherwise keep flipping between.
inline constexpr std::string_view kComputeDomainsCrd = "computedomains.resource.nvidia.com";

/// Whether `s` is a DNS-1123 label: 1..max_length characters of `[a-z0-9-]`,
/// starting and ending with an alphanumeric.
bool IsDns1123Label(std::string_view s, std::size_t max_length = 63);

/// Whether `s` is a DNS-1123 subdomain: at most 253 characters of dot-separated
/// DNS-1123 labels (each at most 63 characters).
bool IsDns1123Subdomain(std::string_view s);

/// Checks the Argo CD settings a deployer is about to bake in. Empty values mean
/// "use the default" and pass. INVALID_REQUEST naming the option when:
///  - `app_name` is not a DNS-1123 subdomain;
///  - `name_prefix` is not `[a-z0-9][a-z0-9-]*`;
///  - `destination_server` does not start with lower-case `https://` followed by a
///    host, or contains a quote, whitespace, `@` or a control character;
///  - `project` is not a DNS-1123 subdomain (at most 253 characters, labels of at
///    most 63).
Status ValidateArgoOptions(const GitOpsOptions& options);

/// The child Application name of `folder`: `<name_prefix><folder.release>`.
/// INVALID_REQUEST when it is not a DNS-1123 subdomain, is longer than
/// kMaxChildNameLength, or equals `parent_name`.
Result<std::string> ChildApplicationName(const GitOpsOptions& options, const Folder& folder,
                                         std::string_view parent_name);

/// The folder's phase inside its level's band: pre 0, primary 1, post 2,
/// readiness 3.
int RolePhase(FolderRole role);

/// The `argocd.argoproj.io/sync-wave` of `folder`: its 0-based linear position
/// (`index - 1`) when `plan.serial`, otherwise `level * kSyncWaveStride + phase`.
int SyncWave(const Plan& plan, const Folder& folder);

/// The chart name of an upstream component (its name when `chart` is empty).
std::string ChartName(const ComponentPlan& component);

/// Whether `url` uses the `oci://` scheme.
bool IsOciUrl(std::string_view url);

/// The `repoURL` of an upstream chart source: the Helm repository as given, or
/// for an OCI registry `<registry, trailing slashes trimmed>/<chart>` (Argo CD
/// ignores `chart` for OCI sources and pulls `<repoURL>:<targetRevision>`).
std::string ChartRepoURL(const ComponentPlan& component);

/// The `targetRevision` of an upstream chart source: the version with one leading
/// `v` removed for Helm repositories (their index uses bare versions), verbatim for
/// OCI registries (tags are literal).
std::string ChartTargetRevision(const ComponentPlan& component);

/// Whether `folder`'s Application must ignore differences on
/// kComputeDomainsCrd: it is the primary folder of `gpu-operator` at version
/// 26.7.0 or newer and the plan also deploys `nvidia-dra-driver-gpu` or
/// `nvidia-dra-driver-gpu-ocp` (both charts then ship diverging copies of the CRD).
bool IgnoresComputeDomainDifferences(const Plan& plan, const Folder& folder);

/// The end of a child Application's `spec` (YAML at two-space indent):
/// `ignoreDifferences` on kComputeDomainsCrd when IgnoresComputeDomainDifferences,
/// then `syncPolicy` with automated prune and self-heal and the sync options
/// `CreateNamespace=true`, `ServerSideApply=true`, plus `ApplyOutOfSyncOnly=true`
/// for a readiness folder and `RespectIgnoreDifferences=true` with the ignore.
std::string RenderChildSyncPolicy(const Plan& plan, const Folder& folder);

/// `s` as a YAML single-quoted scalar (`'` doubled). Falls back to a
/// double-quoted scalar when `s` holds a line break or another character a
/// single-quoted scalar cannot carry.
std::string SingleQuoted(std::string_view s);

/// `s` as a YAML double-quoted scalar.
std::string DoubleQuoted(std::string_view s);

/// `s` plain when that reads back as the same string under YAML 1.1 and 1.2,
/// double-quoted otherwise (so `1.0`, `true` or `on` stay strings).
std::string Scalar(std::string_view s);

}  // namespace aicr::layout::argo
