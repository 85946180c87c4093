#pragma once

/// \file
/// The helm deployer's bundle-root `deploy.sh` (aicr-bundle §3.1): pre-flight
/// checks, then every `NNN-*/install.sh` in folder order with retries and
/// backoff, per-component wait arguments, the DRA post-install step, and a
/// summary. The script is static except for what only the plan knows: the bundle
/// namespaces, the CRD groups of known components, and whether the nodewright
/// and DRA blocks apply.

#include <string>

#include "base/status.h"
#include "layout/file_tree.h"
#include "layout/plan.h"

namespace aicr::deployer::helm {

/// Helm `--timeout` for `*-readiness` folders: the gate Job's own `--max-wait`
/// (1h30m) plus a buffer, so helm never preempts the gate.
inline constexpr char kReadinessHelmTimeout[] = "1h35m0s";

/// `deploy.sh` (mode 0755) for `plan`. Deterministic; shellcheck-clean.
///
/// `./deploy.sh [--no-wait] [--best-effort] [--retries N]`. Exit status: 0 done
/// (with `--best-effort`, failed components are listed but do not change it), 1
/// bad usage, a failed pre-flight check or a component that failed every attempt,
/// 2 installed but the DRA kubelet plugin restart was withheld (re-run), 130
/// interrupted. Backoff pauses run `sleep` from PATH.
std::string RenderDeployScript(const layout::Plan& plan);

/// Adds the helm deployer's root files to `tree`: `deploy.sh` (0755) and
/// `README.md` (0600, RenderReadme). A stale `undeploy.sh` in `tree` is removed.
/// INVALID_REQUEST when one of the files is already there; INTERNAL when `tree` is
/// null. Nothing is added when an error is returned.
Status GenerateHelm(const layout::Plan& plan, layout::FileTree* tree);

}  // namespace aicr::deployer::helm
