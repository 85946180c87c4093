#pragma once

/// \file
/// The argocd deployer (aicr-bundle §3.3): an Argo CD app-of-apps. Every numbered
/// `NNN-*` folder the layout module wrote gets an `application.yaml` (a child
/// Application), the bundle root gets `app-of-apps.yaml` (the parent, which picks
/// up every `*/application.yaml`) and `README.md`. Files Argo CD never reads
/// (`install.sh`, `upstream.env`, `cluster-values.yaml`, `apply-crds.sh`) are
/// removed from the folders.

#include <string>
#include <string_view>

#include "base/status.h"
#include "layout/file_tree.h"
#include "layout/plan.h"

namespace aicr::deployer::argocd {

/// The parent Application manifest at the bundle root (the entry point).
inline constexpr std::string_view kAppOfAppsName = "app-of-apps.yaml";
/// The child Application manifest inside every `NNN-*` folder.
inline constexpr std::string_view kApplicationName = "application.yaml";
/// The bundle walkthrough.
inline constexpr std::string_view kReadmeName = "README.md";
/// The parent Application's name when `--app-name` is not given.
inline constexpr std::string_view kDefaultAppName = "nvidia-stack";

/// Adds `NNN-*/application.yaml` for every folder of `plan`, `app-of-apps.yaml` and
/// `README.md` (all 0600), and removes `install.sh`, `upstream.env`,
/// `cluster-values.yaml` and `apply-crds.sh` from every folder. `tree` is left
/// unchanged when an error is returned.
///
/// Child Applications point at the bundle repository (`plan.gitops.repo_url`, or
/// a placeholder the user replaces) for local-chart folders, and at the upstream
/// chart repository for upstream folders, reading their values from the bundle
/// repository through a `$values` reference; when the bundle repository is
/// `oci://` (where `$values` is unavailable) the values are inlined instead.
///
/// Errors: INVALID_REQUEST when a component has `--dynamic` paths (Argo CD
/// Applications carry no install-time values; use argocd-helm), when an Argo CD
/// option is invalid (layout::argo::ValidateArgoOptions), when a child Application
/// name is invalid, longer than 53 characters, collides with the parent or another
/// child, when a folder name is unsafe, or when one of the files already exists;
/// INTERNAL when a folder names a component missing from the plan, an upstream
/// folder's component has no repository, or `tree` is null.
Status GenerateArgoCD(const layout::Plan& plan, layout::FileTree* tree);

/// The child Application of `folder` (deterministic YAML text). The plan, the
/// folder and `name` (from layout::argo::ChildApplicationName) must be valid.
std::string RenderApplication(const layout::Plan& plan, const layout::Folder& folder,
                              const std::string& name);

/// The parent Application (`app-of-apps.yaml`).
std::string RenderAppOfApps(const layout::Plan& plan);

/// The bundle's README.md: components with their sync waves, how to publish the
/// bundle and apply the parent Application, and how to remove it.
std::string RenderArgoCDReadme(const layout::Plan& plan);

}  // namespace aicr::deployer::argocd
