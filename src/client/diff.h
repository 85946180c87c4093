#pragma once

/// \file
/// Facade: comparing snapshots (stub; filled in by the diff work).

namespace aicr::client {}  // namespace aicr::client
