#pragma once

/// \file
/// The helmfile deployer (aicr-bundle §3.2): the root `helmfile.yaml` (or, when the
/// dependency DAG spans several levels, one `level-<i>.yaml` per non-empty level
/// referenced from a `helmfiles:` list in `helmfile.yaml`) and `README.md`. The
/// numbered `NNN-*` folders are written by the layout module; this module only
/// reads the plan and adds the root files.

#include <string>
#include <string_view>

#include "base/status.h"
#include "layout/file_tree.h"
#include "layout/plan.h"

namespace aicr::deployer::helmfile {

/// Name of the entry point helmfile discovers by default.
inline constexpr std::string_view kHelmfileName = "helmfile.yaml";
/// Prefix of the per-level sub-helmfiles (`level-0.yaml`, `level-1.yaml`, ...).
inline constexpr std::string_view kLevelFilePrefix = "level-";
/// Name of the bundle walkthrough.
inline constexpr std::string_view kReadmeName = "README.md";

/// `helmDefaults.timeout` in seconds (deploy.sh's `HELM_TIMEOUT=10m`).
inline constexpr int kDefaultTimeoutSeconds = 600;

/// Adds `helmfile.yaml` (plus `level-<i>.yaml` files in the stratified layout) and
/// `README.md` to `tree`, all with mode 0600. Nothing is added when an error is
/// returned.
///
/// Errors: INVALID_REQUEST when a folder is a readiness gate (helmfile bundles do not
/// support `--readiness-hooks`), has an unsupported kind, a negative level or an
/// unsafe directory name, when two repository URLs collide on one alias, or when one
/// of the files is already in `tree`; INTERNAL when a folder names a component that
/// is not in the plan, an upstream folder's component has no repository, or `tree`
/// is null.
Status GenerateHelmfile(const layout::Plan& plan, layout::FileTree* tree);

/// The bundle's README.md: prerequisites, component table, `helmfile diff` /
/// `helmfile apply` / `helmfile destroy`. Deterministic.
std::string RenderHelmfileReadme(const layout::Plan& plan);

/// The helmfile repository alias for a chart repository URL: lower-cased, with
/// `oci://`, `https://`, `http://`, one trailing `/` and one trailing `.git`
/// stripped, every run of characters outside `[a-z0-9-]` replaced by `-`, leading
/// and trailing `-` trimmed, cut to 63 characters; `default-repo` when empty.
std::string RepositoryAlias(std::string_view url);

/// A `needs:` entry: `name` when the dependency lives in the dependent's namespace
/// (or its namespace is empty), `<dep_namespace>/<name>` otherwise.
std::string NeedsRef(std::string_view dependent_namespace, std::string_view dep_namespace,
                     std::string_view dep_name);

}  // namespace aicr::deployer::helmfile
