#pragma once

/// \file
/// The deployer table: every deployer `aicr bundle -d` accepts, with its entry
/// point, result type, which flags apply to it, and its generator. The bundler
/// looks deployers up here; a deployer is added by one row.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "bundler/bundler.h"
#include "layout/file_tree.h"
#include "layout/plan.h"

namespace aicr::bundler {

struct DeployerSpec {
  std::string name;
  std::string entrypoint;        ///< bundle-info layout.entrypoint
  std::string result_type;       ///< `helm-bundle`, `argocd-applications`, ...
  bool readiness_hooks = false;  ///< --readiness-hooks allowed
  bool dynamic_values = true;    ///< --dynamic allowed
  bool argo_options = false;     ///< --app-name and --set deployer:* allowed
  bool takes_repo = false;       ///< --repo used (argocd, flux)
  bool ignores_repo = false;     ///< --repo accepted with a warning (argocd-helm)
  bool flux_options = false;     ///< --flux-namespace, --flux-oci-source-name allowed
  /// What bundle-info records: the repository (given or this placeholder) and the
  /// revision `main` when `records_repo`; the app name (given or this default)
  /// when `records_app_name`.
  bool records_repo = false;
  std::string placeholder_repo;
  bool records_app_name = false;
  std::string default_app_name;
  /// Adds the deployer's files to a tree holding the NNN-* folders.
  std::function<Status(const layout::Plan&, layout::FileTree*)> generate;
  /// bundle-info `layout.releases[].path` and `.manifest` for a folder.
  std::function<std::string(const layout::Folder&)> release_path;
  std::function<std::string(const layout::Folder&)> release_manifest;
};

/// The row named `name`, or nullptr.
const DeployerSpec* FindDeployer(std::string_view name);

/// Every deployer name, in documentation order.
std::vector<std::string> DeployerNames();

/// Checks that every flag `options` sets applies to `deployer` and resolves the
/// GitOps settings (`--repo`, `--app-name`, `--set deployer:*`, flux flags) into
/// `gitops`. INVALID_REQUEST naming the flag and the deployer otherwise; notes for
/// accepted-but-ignored flags and placeholders go to `warnings`.
Status ResolveDeployerOptions(const DeployerSpec& deployer, const BundleOptions& options,
                              const std::map<std::string, std::string>& deployer_set,
                              layout::GitOpsOptions* gitops, std::vector<std::string>* warnings);

}  // namespace aicr::bundler
