#pragma once

/// \file
/// The argocd-helm deployer (aicr-bundle §3.4): the bundle as a Helm chart whose
/// templates are the Argo CD Applications. Installing the chart creates a parent
/// Application (`templates/aicr-stack.yaml`) plus one child Application per
/// numbered folder (`templates/<release>.yaml`); the publish location (`repoURL`,
/// `targetRevision`) and the child options (`deployer.*`) are chart values given
/// at install time, so the same chart bytes work from any registry. Every value of
/// an upstream chart is overridable at install time with
/// `--set <overrideKey>.<path>=...`: its child merges the static values shipped in
/// `static/<component>.yaml` with `.Values.<overrideKey>`.

#include <string>
#include <string_view>

#include "base/status.h"
#include "layout/file_tree.h"
#include "layout/plan.h"

namespace aicr::deployer::argocd_helm {

/// The chart name when none is given (the last path segment of an OCI target
/// otherwise).
inline constexpr std::string_view kDefaultChartName = "aicr-bundle";
/// The parent Application's name when `appName` is not set.
inline constexpr std::string_view kDefaultAppName = "aicr-stack";
/// The parent Application template.
inline constexpr std::string_view kParentTemplate = "templates/aicr-stack.yaml";
/// Root values keys the chart reserves (a component override key may not use them).
inline constexpr std::string_view kReservedValueKeys[] = {"appName", "deployer", "repoURL",
                                                          "targetRevision"};

struct ArgoCDHelmOptions {
  /// `Chart.yaml` name; "" = kDefaultChartName. Must be a DNS-1123 label.
  std::string chart_name;
  /// `Chart.yaml` version; "" = layout::ChartVersionFor(plan.aicr_version).
  std::string chart_version;
};

/// Turns a tree holding the numbered folders (layout::WriteFolders) into the chart:
/// adds `Chart.yaml`, `values.yaml`, `values.schema.json`, `static/<component>.yaml`
/// for every upstream Helm component, `templates/<release>.yaml` per folder,
/// `templates/aicr-stack.yaml` and `README.md` (all 0600), and removes
/// `install.sh`, `upstream.env`, `cluster-values.yaml` and `apply-crds.sh` from the
/// folders (path-based children still read the folders from the published chart).
/// `tree` is left unchanged when an error is returned.
///
/// `plan.gitops.repo_url`, when set (e.g. the OCI parent namespace of a pushed
/// bundle), becomes the default `repoURL` value; `--dynamic` paths become stubs
/// under `<overrideKey>` in `values.yaml` (their bundle-time value, or "").
///
/// Errors: INVALID_REQUEST for an invalid Argo CD option
/// (layout::argo::ValidateArgoOptions) or chart name, a child Application name that
/// is invalid, longer than 53 characters or equal to the parent's, an override key
/// that is reserved or shared by two components, a release named like the parent
/// template, an unsafe folder name, or a file that already exists; INTERNAL when a
/// folder names a component missing from the plan, an upstream folder's component
/// has no repository, a dynamic path is invalid, or `tree` is null.
Status GenerateArgoCDHelm(const layout::Plan& plan, const ArgoCDHelmOptions& options,
                          layout::FileTree* tree);

/// GenerateArgoCDHelm with default options.
Status GenerateArgoCDHelm(const layout::Plan& plan, layout::FileTree* tree);

}  // namespace aicr::deployer::argocd_helm
