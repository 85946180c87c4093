#pragma once

/// \file
/// The snapshot agent's read-only pre-flight gate: before anything is created, the
/// caller (SelfSubjectAccessReview) and, for an existing service account used
/// verbatim, that account (SubjectAccessReview) are checked against every
/// permission the run needs. All misses are reported in one UNAUTHORIZED error
/// naming verb, resource, scope and subject.

#include "base/cancel.h"
#include "base/status.h"
#include "k8s/client.h"
#include "snapshotter/agent.h"

namespace aicr::snapshotter {

/// `staging` = the result goes to a staging ConfigMap the run deletes (adds
/// configmaps delete to the caller's needs).
Status PreflightGate(const k8s::Client& client, const AgentConfig& config, bool existing_sa,
                     bool staging, const CancelToken& cancel);

}  // namespace aicr::snapshotter
