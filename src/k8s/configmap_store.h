#pragma once

/// \file
/// `cm://namespace/name` inputs and outputs through the Kubernetes API: the
/// implementation of serialize::ConfigMapStore. Reads GET the ConfigMap; writes
/// are server-side apply with field manager `aicr` and force, within 30 s. The
/// connection is resolved on first use (`--kubeconfig`, KUBECONFIG, in-cluster,
/// ~/.kube/config), so commands that never touch `cm://` never read a kubeconfig.
///
/// A ConfigMap holds at most 1 MiB of data (keys plus values). A document that
/// does not fit fails before any request with a message that says so and what to
/// do instead; the API server's own 413/422 answers are reported the same way.

#include <cstddef>
#include <memory>
#include <mutex>

#include "k8s/client.h"
#include "k8s/in_cluster.h"
#include "serialize/cm_uri.h"

namespace aicr::k8s {

/// The data size limit the API server enforces on a ConfigMap.
inline constexpr std::size_t kConfigMapDataLimit = std::size_t{1} << 20;

/// The field manager of every write.
inline constexpr char kFieldManager[] = "aicr";

class ConfigMapStore final : public serialize::ConfigMapStore {
 public:
  /// Resolves the connection with `resolve` on first use.
  explicit ConfigMapStore(ResolveOptions resolve);
  /// Uses `client` (tests, or a caller that already has one).
  explicit ConfigMapStore(std::shared_ptr<const Client> client);

  Result<serialize::ConfigMapData> Get(const serialize::ConfigMapRef& ref,
                                       const CancelToken& cancel) override;
  Status Apply(const serialize::ConfigMapRef& ref, const serialize::ConfigMapData& data,
               const CancelToken& cancel) override;

 private:
  Result<std::shared_ptr<const Client>> Connect();

  ResolveOptions resolve_;
  std::mutex mu_;
  std::shared_ptr<const Client> client_;
  Status connect_error_;
  bool tried_ = false;
};

/// Bytes a ConfigMap's data counts against kConfigMapDataLimit (keys plus values).
std::size_t ConfigMapDataSize(const serialize::ConfigMapData& data);

}  // namespace aicr::k8s
