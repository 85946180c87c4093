#pragma once

/// \file
/// Watching a collection. WatchDecoder turns the byte stream of a watch answer (one
/// JSON event per line, `{"type":"ADDED","object":{...}}`) into events, whatever
/// the chunking. Watch() runs watch requests in a loop, resuming after the server
/// ends a stream and relisting after 410 Gone.

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/cancel.h"
#include "base/status.h"
#include "k8s/client.h"
#include "k8s/resource.h"
#include "k8s/retry.h"
#include "serialize/value.h"

namespace aicr::k8s {

/// Longest event line the decoder accepts by default.
inline constexpr std::size_t kDefaultMaxWatchLineBytes = std::size_t{16} * 1024 * 1024;

/// Event types: ADDED, MODIFIED, DELETED, BOOKMARK, ERROR (object is a Status)
/// from the server, and RELIST from Watch() (see there).
struct WatchEvent {
  std::string type;
  serialize::Value object;
  /// Not OK for a line that is not a valid event (type and object are then empty);
  /// kUnavailable `watch: malformed event: ...`.
  Status status;
};

class WatchDecoder {
 public:
  explicit WatchDecoder(std::size_t max_line_bytes = kDefaultMaxWatchLineBytes);

  /// Consumes `chunk` and appends every event completed by it to `out` (malformed
  /// lines as events with an error status; blank lines are skipped). Fails with
  /// kInvalidRequest `watch: event line exceeds N bytes` when a line grows past the
  /// cap; the decoder then rejects every later call.
  Status Feed(std::string_view chunk, std::vector<WatchEvent>* out);

  /// The stream ended: kUnavailable `watch: stream ended inside an event` when
  /// bytes of an unfinished line are pending (an unterminated but complete last
  /// line is accepted and appended to `out`).
  Status Finish(std::vector<WatchEvent>* out);

 private:
  void DecodeLine(std::string_view line, std::vector<WatchEvent>* out) const;

  std::size_t max_line_bytes_;
  std::string pending_;
  bool broken_ = false;
};

/// What the callback wants next.
enum class WatchAction { kContinue, kStop };

using WatchCallback = std::function<WatchAction(const WatchEvent& event)>;

struct WatchOptions {
  std::string label_selector;
  std::string field_selector;
  /// Where to start; "" = list first (a RELIST, see Watch()).
  std::string resource_version;
  /// Asked of the server for each watch request; the stream is resumed after it.
  int timeout_seconds = 300;
  CancelToken cancel;
  /// Backoff after connection errors and 429/5xx; max_attempts consecutive
  /// failures end the watch with the last error.
  RetryPolicy retry;
  RetryEnv env = RetryEnv::Real();
};

/// Watches `r` in `ns` ("" = all namespaces) until the callback returns kStop (OK)
/// or `options.cancel` fires (kCanceled).
///
/// Contract for the callback:
///  - ADDED / MODIFIED / DELETED are delivered as the server sends them; BOOKMARK
///    events only advance the tracked resourceVersion and are not delivered.
///  - RELIST (object null) starts a re-sync: the callback should forget what it
///    knows, because ADDED events for every current object follow (from ListAll),
///    then watching resumes from the list's resourceVersion. A RELIST happens when
///    there is no start resourceVersion and whenever the server answers 410 Gone
///    (as the HTTP status or as an ERROR event with code 410).
///  - Other ERROR events end the watch with their Status. A malformed event line or
///    an HTTP error other than 410/429/5xx ends it too.
/// When the server closes the stream (its timeout, a restart, a dropped
/// connection), the watch resumes from the last resourceVersion seen.
Status Watch(const Client& client, const Resource& r, std::string_view ns,
             const WatchOptions& options, const WatchCallback& callback);

}  // namespace aicr::k8s
