#include "snapshotter/agent.h"

namespace aicr::snapshotter {}  // namespace aicr::snapshotter
