#pragma once

/// \file
/// Typed operations on a Kubernetes API server. Objects are serialize::Value
/// mappings as the server sends them. Every call takes CallOptions (timeout,
/// cancellation, response cap) and fails with the Status of errors.h, whose message
/// names the object: `configmaps "x" in namespace "ns": not found`. A response that
/// is not the JSON it should be is kUnavailable `...: malformed response: ...`.
///
/// Namespaces: for a namespaced resource an empty `ns` means the RestConfig's
/// namespace (or `default`), except in List/ListAll/Watch, where it means all
/// namespaces; Create/Update/Apply use the object's metadata.namespace first.
/// Cluster-scoped resources ignore `ns`.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/cancel.h"
#include "base/result.h"
#include "k8s/resource.h"
#include "k8s/transport.h"
#include "serialize/value.h"

namespace aicr::k8s {

struct CallOptions {
  /// nullopt = RestConfig::default_timeout.
  std::optional<std::chrono::milliseconds> timeout;
  CancelToken cancel;
  std::size_t max_response_bytes = kDefaultMaxResponseBytes;
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  /// Page size (0 = no limit); ListAll uses 500 when 0.
  std::int64_t limit = 0;
  /// The continue token of the previous page (List only).
  std::string continue_token;
  std::string resource_version;
};

struct ObjectList {
  std::vector<serialize::Value> items;
  std::string resource_version;  ///< metadata.resourceVersion of the list
  std::string continue_token;    ///< "" on the last page
};

struct DeleteOptions {
  std::string propagation_policy;  ///< Foreground | Background | Orphan, or ""
  std::string precondition_uid;
  std::string precondition_resource_version;
  std::optional<std::int64_t> grace_period_seconds;
};

struct ApplyOptions {
  std::string field_manager;  ///< required
  bool force = false;
};

struct LogOptions {
  std::string container;
  std::optional<std::int64_t> tail_lines;
  bool follow = false;  ///< StreamLogs only
  bool timestamps = false;
};

/// What a SelfSubjectAccessReview / SubjectAccessReview asks about.
struct AccessCheck {
  std::string verb;
  std::string group;
  std::string resource;
  std::string subresource;
  std::string ns;
  std::string name;
};

struct AccessDecision {
  bool allowed = false;
  bool denied = false;
  std::string reason;
};

class Client {
 public:
  explicit Client(std::shared_ptr<const Transport> transport);

  /// A client for `config` with the credentials of MakeCredentialSource(config).
  /// Errors: those of MakeCredentialSource and Transport::Create.
  static Result<Client> Connect(const RestConfig& config);

  const Transport& transport() const { return *transport_; }
  /// The namespace an empty `ns` stands for (RestConfig::ns or `default`).
  std::string DefaultNamespace() const;

  // Discovery.
  /// GET /version (major, minor, gitVersion, ...).
  Result<serialize::Value> ServerVersion(const CallOptions& call = {}) const;
  /// GET /api (APIVersions: the core versions).
  Result<serialize::Value> CoreApiVersions(const CallOptions& call = {}) const;
  /// GET /apis (APIGroupList).
  Result<serialize::Value> ApiGroups(const CallOptions& call = {}) const;
  /// GET /api/v1 or /apis/<group>/<version> (APIResourceList); `group_version` is
  /// `v1` or `apps/v1`.
  Result<serialize::Value> ServerResources(std::string_view group_version,
                                           const CallOptions& call = {}) const;

  // Objects.
  Result<serialize::Value> Get(const Resource& r, std::string_view ns, std::string_view name,
                               const CallOptions& call = {}) const;
  /// One page.
  Result<ObjectList> List(const Resource& r, std::string_view ns, const ListOptions& options = {},
                          const CallOptions& call = {}) const;
  /// Every page, following continue tokens; the resourceVersion is the first page's.
  Result<ObjectList> ListAll(const Resource& r, std::string_view ns,
                             const ListOptions& options = {}, const CallOptions& call = {}) const;
  Result<serialize::Value> Create(const Resource& r, std::string_view ns,
                                  const serialize::Value& object,
                                  const CallOptions& call = {}) const;
  /// PUT of the whole object; metadata.uid and metadata.resourceVersion in
  /// `object` act as preconditions (409 Conflict when stale).
  Result<serialize::Value> Update(const Resource& r, std::string_view ns,
                                  const serialize::Value& object,
                                  const CallOptions& call = {}) const;
  /// Returns the server's answer (the object being deleted, or a Status).
  Result<serialize::Value> Delete(const Resource& r, std::string_view ns, std::string_view name,
                                  const DeleteOptions& options = {},
                                  const CallOptions& call = {}) const;
  /// Server-side apply: `manifest` is the YAML or JSON text of the object.
  Result<serialize::Value> Apply(const Resource& r, std::string_view ns, std::string_view name,
                                 std::string_view manifest, const ApplyOptions& options,
                                 const CallOptions& call = {}) const;
  /// JSON merge patch (RFC 7386).
  Result<serialize::Value> Patch(const Resource& r, std::string_view ns, std::string_view name,
                                 const serialize::Value& patch, const CallOptions& call = {}) const;

  // Pod logs.
  Result<std::string> GetLogs(std::string_view ns, std::string_view pod,
                              const LogOptions& options = {}, const CallOptions& call = {}) const;
  /// Streams the log to `on_chunk` (which may return false to stop) until the
  /// server ends it; with follow, until the container ends, the call times out
  /// (timeout zero = never) or is canceled.
  Status StreamLogs(std::string_view ns, std::string_view pod, const LogOptions& options,
                    const ChunkCallback& on_chunk, const CallOptions& call = {}) const;

  // Authorization.
  Result<AccessDecision> SelfSubjectAccessReview(const AccessCheck& check,
                                                 const CallOptions& call = {}) const;
  Result<AccessDecision> SubjectAccessReview(const AccessCheck& check, std::string_view user,
                                             const std::vector<std::string>& groups,
                                             const CallOptions& call = {}) const;

  /// Sends `request` (its timeout, cancel and cap replaced by `call`) and parses a
  /// 2xx JSON answer; other answers become errors about `what`.
  Result<serialize::Value> Call(Request request, std::string_view what,
                                const CallOptions& call) const;

 private:
  std::string Namespace(const Resource& r, std::string_view ns,
                        const serialize::Value* object) const;

  std::shared_ptr<const Transport> transport_;
};

/// Parses a JSON response body (capped at `max_bytes`); kUnavailable
/// `<what>: malformed response: ...` when it is not JSON.
Result<serialize::Value> ParseResponse(std::string_view body, std::string_view what,
                                       std::size_t max_bytes = kDefaultMaxResponseBytes);

}  // namespace aicr::k8s
