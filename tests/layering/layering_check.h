#pragma once

/// \file
/// Checks the layer rules of DESIGN §2 from the source tree itself: every quoted
/// `#include` under src/ must point at the including module or a module it declares
/// (transitively) in its `aicr_cc_library(... DEPS ...)`, declared edges must point
/// down the layers, a family member (deployer_helm) must not depend on a sibling
/// (deployer_flux), the module graph must be acyclic, and a third-party library's
/// headers may only be included by the module that wraps it.

#include <string>
#include <vector>

namespace aicr::layering {

/// Returns one line per violation, sorted; empty when the tree under `root`
/// (which holds `src/`) obeys the rules.
std::vector<std::string> CheckTree(const std::string& root);

}  // namespace aicr::layering
