#pragma once

/// \file
/// The flux deployer (aicr-bundle §3.5): turns the numbered `NNN-*` folders the
/// layout module wrote into a Flux GitOps tree without number prefixes:
///
///   kustomization.yaml                 root Kustomization, resources sorted
///   README.md
///   sources/helmrepo-<name>.yaml       HelmRepository per chart repository
///   sources/gitrepo-<name>.yaml        GitRepository serving the local charts
///   <release>/helmrelease.yaml         one HelmRelease per release
///   <release>/configmap-values.yaml    the `--dynamic` values (valuesFrom)
///   <release>/Chart.yaml, templates/*  local charts (pre, post, manifest-only)
///
/// Every Flux object lives in the flux namespace (`--flux-namespace`); each
/// HelmRelease installs into its component's namespace (`spec.targetNamespace`).
/// Ordering is Flux's native DAG: a component's head release (`<c>-pre` when it has
/// pre-manifests, else `<c>`) depends on the terminal release (`<d>-post` for a
/// mixed chart + manifests component, else `<d>`) of each dependency, or with
/// `--serial` on the previous component's terminal release; inside a component the
/// chain is pre → primary → post.
///
/// Local charts: their templates were rendered at bundle time by the layout module
/// (as for every other deployer), so the chart ships final manifests. Their
/// HelmRelease values are still wrapped as `{<component>: values}` (vendored
/// wrapper charts: `{<chart>: values}`), the shape upstream passes to templates
/// that read `index .Values "<component>"`; with pre-rendered templates those
/// values are informational and do not change what is applied.

#include <string>
#include <string_view>

#include "base/status.h"
#include "layout/file_tree.h"
#include "layout/plan.h"

namespace aicr::deployer::flux {

/// The entry point Flux (or `kubectl kustomize`) builds.
inline constexpr std::string_view kKustomizationName = "kustomization.yaml";
/// The bundle walkthrough.
inline constexpr std::string_view kReadmeName = "README.md";
/// Per-release file names.
inline constexpr std::string_view kHelmReleaseName = "helmrelease.yaml";
inline constexpr std::string_view kConfigMapName = "configmap-values.yaml";
/// The folder holding the HelmRepository and GitRepository objects.
inline constexpr std::string_view kSourcesDir = "sources";
/// GitRepository URL written when `--repo` is not given.
inline constexpr std::string_view kPlaceholderRepoUrl = "https://github.com/YOUR_ORG/YOUR_REPO.git";
/// GitRepository branch written when no target revision is set.
inline constexpr std::string_view kDefaultBranch = "main";

/// Rewrites `tree`, which holds the plan's `NNN-*` folders, into the flux layout
/// above. From each numbered folder the local-chart files (`Chart.yaml`,
/// `templates/*`, vendored `charts/*`) move to `<release>/`; `install.sh`,
/// `apply-crds.sh`, `upstream.env`, `values.yaml` and `cluster-values.yaml` are
/// dropped (values travel inline in the HelmRelease, dynamic ones in a ConfigMap).
/// Files outside the numbered folders are kept. New files are 0600, moved files
/// keep their mode. On error `tree` is left unchanged.
///
/// Errors: INVALID_REQUEST when a folder is a readiness gate (flux bundles do not
/// support `--readiness-hooks`), a release name is not a DNS-1123 label, a
/// namespace (a component's or the flux namespace) is not a DNS-1123 label, the
/// `--repo` URL is not https://, http:// or ssh:// (Flux's GitRepository schemes;
/// an `oci://` bundle repository is not supported), a chart repository is not
/// https://, http:// or oci://, two
/// folders share a release name, a dependency cycle exists, two chart repository
/// URLs map to one source name, a dynamic path is invalid, or a generated path is
/// already in `tree`; INTERNAL when `tree` is null, a folder names a component that
/// is not in the plan or has an unsafe directory, a component has no primary
/// folder, or an upstream folder's component has no repository.
Status GenerateFlux(const layout::Plan& plan, layout::FileTree* tree);

/// The Kubernetes name of the source object for a repository URL: lower-cased,
/// `oci://`, `https://` and `http://` stripped, then one trailing `/` and one
/// trailing `.git`, every run of characters outside `[a-z0-9-]` replaced by `-`,
/// leading and trailing `-` trimmed, cut to 63 characters (trailing `-` trimmed
/// again); `default-source` when nothing is left.
std::string SourceName(std::string_view url);

/// bundle-info `layout.releases[].path` of a folder in a flux bundle: `<release>`.
std::string ReleasePath(const layout::Folder& folder);

/// bundle-info `layout.releases[].manifest`: `<release>/helmrelease.yaml`.
std::string ReleaseManifest(const layout::Folder& folder);

}  // namespace aicr::deployer::flux
