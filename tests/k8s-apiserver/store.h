#pragma once

/// \file
/// The test API server's object store: thread-safe, in memory, with a global
/// resourceVersion counter, an event history for watches (compactable) and the
/// write semantics of the real server (preconditions, generation, managedFields,
/// owner-reference garbage collection, namespace and CRD cascades).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/k8s-apiserver/api_status.h"
#include "tests/k8s-apiserver/registry.h"
#include "tests/k8s-apiserver/selectors.h"

namespace aicr::testing::apiserver {

/// list/watch/deletecollection options.
struct ListOptions {
  Selector labels;
  Selector fields;
  std::int64_t limit = 0;
  std::string continue_token;
};

/// One change, as a watch sends it.
struct WatchEvent {
  std::uint64_t rv = 0;
  std::string type;  ///< ADDED, MODIFIED, DELETED
  std::string group_resource;
  std::string ns;
  nlohmann::json object;
  nlohmann::json previous;  ///< the object before a MODIFIED, else null
};

/// Options of a write.
struct WriteOptions {
  std::string manager;  ///< field manager
  bool dry_run = false;
  bool force = false;        ///< server-side apply force
  bool status_only = false;  ///< the status subresource
};

/// The in-memory object store.
class Store {
 public:
  using Hook = std::function<void(const nlohmann::json&)>;

  Store(Registry* registry, std::size_t max_object_bytes);

  /// Called (outside the lock) after API creates and after every delete.
  void SetHooks(Hook on_created, Hook on_deleted);

  Reply Get(const ResourceInfo& info, const std::string& ns, const std::string& name);
  Reply List(const ResourceInfo& info, const std::string& ns, const ListOptions& options);
  Reply Create(const ResourceInfo& info, const std::string& ns, nlohmann::json obj,
               const WriteOptions& options, bool run_hooks = true);
  Reply Update(const ResourceInfo& info, const std::string& ns, const std::string& name,
               nlohmann::json obj, const WriteOptions& options);
  /// `content_type` selects merge, JSON, strategic-merge or apply patch.
  Reply Patch(const ResourceInfo& info, const std::string& ns, const std::string& name,
              const std::string& content_type, const std::string& body,
              const WriteOptions& options);
  /// `delete_options` is a DeleteOptions object (may be null).
  Reply Delete(const ResourceInfo& info, const std::string& ns, const std::string& name,
               const nlohmann::json& delete_options, bool dry_run);
  Reply DeleteCollection(const ResourceInfo& info, const std::string& ns,
                         const ListOptions& options);

  /// Replaces .status of an object found by group and plural (any version).
  bool UpdateStatus(const std::string& group, const std::string& resource, const std::string& ns,
                    const std::string& name, const nlohmann::json& status);
  /// The object, by group and plural (any version).
  std::optional<nlohmann::json> Lookup(const std::string& group, const std::string& resource,
                                       const std::string& ns, const std::string& name);

  /// The matching current objects and the resourceVersion they are current at.
  std::vector<nlohmann::json> Snapshot(const ResourceInfo& info, const std::string& ns,
                                       std::uint64_t* rv);
  /// Waits up to `wait` for events newer than `after` and appends them; false
  /// when `after` is older than the compacted history (410).
  /// `seen` is the resourceVersion up to which every event has been returned.
  bool EventsAfter(std::uint64_t after, std::chrono::milliseconds wait,
                   std::vector<WatchEvent>* out, std::uint64_t* seen);
  std::uint64_t CurrentRv();
  std::uint64_t CompactedRv();
  /// Forgets the history: older resourceVersions get 410 from now on.
  void Compact();
  /// Every open watch ends when the epoch changes.
  std::uint64_t WatchEpoch();
  void CloseWatches();
  void Shutdown();
  bool ShuttingDown();

 private:
  using Key = std::pair<std::string, std::string>;  // namespace, name
  using Bucket = std::map<Key, nlohmann::json>;

  Reply CreateLocked(const ResourceInfo& info, const std::string& ns, nlohmann::json obj,
                     const WriteOptions& options, std::vector<nlohmann::json>* created);
  Reply CommitLocked(const ResourceInfo& info, const Key& key, const nlohmann::json& old,
                     nlohmann::json updated, const WriteOptions& options, bool is_apply);
  void DeleteLocked(const ResourceInfo& info, const Key& key, bool cascade,
                    std::vector<nlohmann::json>* deleted);
  Reply ValidateLocked(const ResourceInfo& info, const nlohmann::json& obj);
  nlohmann::json Output(const ResourceInfo& info, nlohmann::json obj) const;
  void EmitLocked(const std::string& type, const std::string& group_resource, const std::string& ns,
                  const nlohmann::json& obj, const nlohmann::json& prev);
  std::optional<ResourceInfo> InfoForGroupResource(const std::string& gr) const;
  std::string ListStartKey(const std::string& token, std::uint64_t* rv, bool* ok);

  Registry* registry_;
  std::size_t max_object_bytes_;
  Hook on_created_;
  Hook on_deleted_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Bucket> objects_;  // group-resource → objects
  std::uint64_t rv_ = 1;
  std::uint64_t compacted_rv_ = 0;
  std::deque<WatchEvent> history_;
  std::uint64_t epoch_ = 0;
  bool shutdown_ = false;
};

}  // namespace aicr::testing::apiserver
