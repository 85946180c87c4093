#pragma once

/// \file
/// The objects one run of a Job-based workflow creates (the snapshot agent, the
/// validator Jobs), and their removal: each is recorded with its UID when it is
/// created and deleted later with that UID as a precondition, so an object of the
/// same name that someone else made in the meantime is never touched. Also the
/// run's namespace, which is created when missing and never deleted.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "k8s/client.h"
#include "k8s/resource.h"

namespace aicr::k8s {

/// An object a run created. `uid` is empty when the answer to the create was lost:
/// the object may exist, and is deleted only if it carries the run's id label.
struct CreatedObject {
  const Resource* resource = nullptr;
  std::string ns;
  std::string name;
  std::string uid;
};

/// What DeleteCreatedObjects did.
struct CleanupOutcome {
  /// Objects left alone on purpose (replaced by another object, not labelled with
  /// the run id), one line each.
  std::vector<std::string> notes;
  /// Requests that failed (neither done nor "not found").
  std::vector<std::string> errors;
  /// The Jobs deleted, in deletion order (callers may wait for their pods).
  std::vector<CreatedObject> jobs;
};

/// Deletes `objects` newest first (reverse order), each with its UID as a
/// precondition and Jobs with foreground propagation, every call bounded by
/// `deadline` and never cancelled (cleanup also runs after a cancelled run). An
/// object without a UID is read first and deleted only when its label `run_label`
/// equals `run_id`; a 409 (another object now has the name) is a note, a 404 is
/// success.
CleanupOutcome DeleteCreatedObjects(const Client& client, const std::vector<CreatedObject>& objects,
                                    std::string_view run_label, std::string_view run_id,
                                    std::chrono::steady_clock::time_point deadline);

/// Creates namespace `name` (labelled `app.kubernetes.io/name=aicr` and
/// `app.kubernetes.io/managed-by=aicr`) when it is missing; an existing one is kept
/// (and never deleted). With `label_existing`, an existing namespace without the
/// name label gets it, best effort (a failure is a warning). Not being allowed to
/// read namespaces is a warning: the creates that follow will tell.
/// Errors: CANCELED; the read's or the create's error otherwise (409 is success).
Status EnsureNamespace(const Client& client, std::string_view name, bool label_existing,
                       const CallOptions& call, std::vector<std::string>* warnings);

}  // namespace aicr::k8s
