#pragma once

/// \file
/// Facade: taking snapshots (stub; filled in by the snapshot work).

namespace aicr::client {}  // namespace aicr::client
