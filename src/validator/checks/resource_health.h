#pragma once

/// \file
/// Whether one expected resource (`{kind, name, namespace}` of a recipe component)
/// exists and is healthy, with typed readiness per kind:
///
///   Deployment                status.availableReplicas >= spec.replicas (absent: 1)
///   StatefulSet               status.readyReplicas >= spec.replicas (absent: 1)
///   DaemonSet                 status.desiredNumberScheduled > 0 and
///                             status.numberReady == status.desiredNumberScheduled
///   CustomResourceDefinition  condition Established is True (cluster-scoped)
///   Service, ConfigMap, Secret  exists
///
/// Any other kind is unsupported (a failure, not a skip).

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "k8s/client.h"
#include "k8s/resource.h"
#include "recipe/model.h"

namespace aicr::validator::checks {

/// The API resource of a supported kind; nullopt for any other kind.
std::optional<k8s::Resource> ResourceForKind(std::string_view kind);

/// The readiness verdict on a fetched object of `kind` (a supported kind): OK, or
/// INTERNAL with `not healthy: 1/3 replicas available`, `not healthy: 0/2 pods ready`,
/// `not healthy: no pods scheduled (0 desired)`, `not established: <reason>`.
Status ObjectHealth(std::string_view kind, const serialize::Value& object);

/// Fetches the resource and judges it. Errors (messages without the resource name;
/// the caller adds it): INVALID_REQUEST `unsupported resource kind "X"`; NOT_FOUND
/// `not found`; the client's error prefixed `failed to get: ` for other API errors;
/// and those of ObjectHealth.
Status VerifyResource(const k8s::Client& client, const recipe::ExpectedResource& resource,
                      const k8s::CallOptions& call);

}  // namespace aicr::validator::checks
