#pragma once

/// \file
/// The collector family's builtin list: the one explicit place where the host
/// collectors are registered.
///
/// Cluster collectors (`k8s`, `topology`) need a Kubernetes client, so they are
/// not registered here: a caller holding a client adds them to the returned
/// registry with Registry::Add.

#include "snapshotter/registry.h"

namespace aicr::snapshotter {

/// A registry holding the host collectors `gpu`, `os` and `systemd` (its default
/// units).
Registry BuiltinHostCollectors();

}  // namespace aicr::snapshotter
