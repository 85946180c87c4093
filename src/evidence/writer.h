#pragma once

/// \file
/// Writes an evidence bundle to disk: `<dir>/summary-bundle/...` and
/// `<dir>/pointer.yaml`, all at once (a temporary sibling directory renamed into
/// place), so a failure leaves no partial output.

#include <string>

#include "base/status.h"
#include "evidence/builder.h"

namespace aicr::evidence {

/// OK when `dir` does not exist or is an empty directory; INVALID_REQUEST
/// `--emit-attestation "<dir>": ...` when it is a non-empty directory or not a
/// directory. Called before any work so a run never ends in a refused write.
Status CheckOutputDir(const std::string& dir);

/// Writes `bundle` into `dir` (CheckOutputDir first). The parent of `dir` must
/// exist (NOT_FOUND otherwise); I/O failures are UNAVAILABLE naming the path.
Status WriteEvidenceDir(const std::string& dir, const EvidenceBundle& bundle);

}  // namespace aicr::evidence
