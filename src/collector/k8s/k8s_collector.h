#pragma once

/// \file
/// The Kubernetes collector (measurement type `K8s`): subtypes `server` (the API
/// server version), `image` (container image name -> tag over all pods), `policy`
/// (the flattened `spec` of ClusterPolicy objects) and `node` (facts about the node
/// the snapshot runs on), in that order. Without a client it reports the same four
/// subtypes with empty data. A deterministic sub-collector error (not found,
/// forbidden, malformed request) leaves that subtype empty with a warning; a
/// transient one (timeout, unavailable, rate limit, internal server error,
/// cancellation) fails the whole collector, so it is never reported as an empty
/// success.

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/env.h"
#include "base/result.h"
#include "base/status.h"
#include "collector/collector.h"
#include "k8s/client.h"
#include "measurement/snapshot.h"
#include "serialize/value.h"

namespace aicr::collector {

/// The K8s collector's time budget.
inline constexpr std::chrono::milliseconds kK8sCollectorTimeout = std::chrono::seconds(60);

class K8sCollector : public Collector {
 public:
  /// `client` null = no cluster (the empty measurement).
  explicit K8sCollector(std::shared_ptr<const k8s::Client> client);

  std::string_view name() const override { return "k8s"; }
  std::string_view type() const override { return "K8s"; }
  std::chrono::milliseconds timeout() const override { return kK8sCollectorTimeout; }
  Result<Collected> Collect(const CollectContext& ctx) const override;

 private:
  std::shared_ptr<const k8s::Client> client_;
};

/// The measurement reported without a cluster: subtypes server, image, policy and
/// node with empty data, and mariadb-operator with `collection-state: unknown`.
measurement::Measurement EmptyK8sMeasurement();

/// Whether an error from the API is transient (the collector fails) rather than
/// deterministic (the subtype is left empty): timeout, unavailable, rate limit,
/// internal, canceled.
bool IsTransientK8sError(const Status& status);

/// Splits a container image reference into (name, tag): everything up to the last
/// `/` is dropped, then any `@digest`, then the rest is split at the last `:`;
/// no tag -> `latest`. `nvcr.io/nvidia/gpu-operator:v25.3.0@sha256:ab` ->
/// (`gpu-operator`, `v25.3.0`).
std::pair<std::string, std::string> ParseImageReference(std::string_view image);

/// Flattens `value` below `prefix` into dotted keys: mappings recurse (`a.b.c`),
/// empty sequences are dropped, non-empty sequences become compact JSON text,
/// scalars their Go `%v` text (bool `true`/`false`, integers without `.0`, floats
/// in shortest form, null `<nil>`). Every reading is a string.
void FlattenSpec(const serialize::Value& value, const std::string& prefix,
                 std::map<std::string, measurement::Reading>* out);

/// Maps a provider-id scheme (already lower-cased) to the platform name: aws -> eks,
/// gce -> gke, azure -> aks, oci -> oke, anything else verbatim.
std::string MapProviderScheme(std::string_view scheme);

/// `server`: gitVersion as `version`, plus `platform` and `goVersion` when present.
Result<measurement::Subtype> CollectServer(const k8s::Client& client, const CancelToken& cancel);
/// `image`: image name -> tag over the containers, init containers and ephemeral
/// containers of every pod; pods in namespace/name order, containers in spec order,
/// the last occurrence of a name wins.
Result<measurement::Subtype> CollectImages(const k8s::Client& client, const CancelToken& cancel);
/// `policy`: discovers resources of kind ClusterPolicy (preferred version of every
/// group, subresources skipped, a failing group skipped with a warning), lists them
/// and flattens each object's `spec` (objects in namespace/name order).
Result<measurement::Subtype> CollectPolicy(const k8s::Client& client, const CancelToken& cancel,
                                           std::vector<std::string>* warnings);
/// `node`: facts about node `node_name` (source-node, provider, provider-id,
/// container-runtime-id/-name/-version, kubelet-version, kernel-version,
/// operating-system, os-image). INVALID_REQUEST when `node_name` is empty.
Result<measurement::Subtype> CollectNode(const k8s::Client& client, std::string_view node_name,
                                         const CancelToken& cancel);

/// `mariadb-operator`: discovery of `k8s.mariadb.com` `mariadbs` (the group's
/// preferred version). `collection-state`: `absent` (no such API), `api-detected`
/// (API served, no objects), `crs-detected` (objects exist) or `unknown` (a
/// discovery or list error that is not transient); `api-available` (bool) and
/// `api-version` (`k8s.mariadb.com/v1alpha1`, when available). Transient errors
/// are returned.
Result<measurement::Subtype> CollectMariaDbOperator(const k8s::Client& client,
                                                    const CancelToken& cancel);

/// `default-storage-class`: pages the StorageClasses (limit 500); a default one has
/// annotation `storageclass.kubernetes.io/is-default-class` or
/// `storageclass.beta.kubernetes.io/is-default-class` equal to `true`.
/// `collection-state`: `present` (one), `multiple`, `absent` (none) or `unknown` (a
/// list error that is not transient; then only this key); `default-count` (int) and
/// `default-classes` (sorted, comma-joined). Transient errors are returned.
Result<measurement::Subtype> CollectDefaultStorageClass(const k8s::Client& client,
                                                        const CancelToken& cancel);

}  // namespace aicr::collector
