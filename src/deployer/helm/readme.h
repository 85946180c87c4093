#pragma once

/// \file
/// The helm deployer's bundle-root `README.md`: the component table, how to run
/// deploy.sh, per-folder manual installation and the uninstall commands.

#include <string>

#include "layout/plan.h"

namespace aicr::deployer::helm {

/// `README.md` for `plan`: a table of the components (name, version, namespace,
/// source, folders) in deployment order, deploy.sh usage with its flags,
/// environment and exit codes, `cd NNN-x && bash install.sh` for every folder,
/// and `helm uninstall <release> -n <namespace>` for every folder in reverse
/// folder order. Deterministic (no timestamps).
std::string RenderReadme(const layout::Plan& plan);

}  // namespace aicr::deployer::helm
