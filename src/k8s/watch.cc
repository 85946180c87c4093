#include "k8s/watch.h"

#include <optional>
#include <utility>

#include "base/status_macros.h"
#include "k8s/errors.h"
#include "serialize/json_reader.h"

namespace aicr::k8s {
namespace {

using serialize::Value;

std::string ResourceVersionOf(const Value& object) {
  const Value* rv = object.FindPath("metadata.resourceVersion");
  return rv != nullptr && rv->is_string() ? *rv->if_string() : std::string();
}

}  // namespace

WatchDecoder::WatchDecoder(std::size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

void WatchDecoder::DecodeLine(std::string_view line, std::vector<WatchEvent>* out) const {
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  if (line.find_first_not_of(" \t") == std::string_view::npos) {
    return;
  }
  WatchEvent event;
  serialize::ParseOptions options;
  options.max_bytes = max_line_bytes_;
  auto parsed = serialize::ParseJson(line, options);
  if (!parsed.ok()) {
    event.status = UnavailableError("watch: malformed event: " + parsed.status().message());
    out->push_back(std::move(event));
    return;
  }
  Value* type = parsed->Find("type");
  Value* object = parsed->Find("object");
  if (type == nullptr || !type->is_string() || type->if_string()->empty() || object == nullptr ||
      !object->is_mapping()) {
    event.status =
        UnavailableError("watch: malformed event: expected a type string and an object mapping");
    out->push_back(std::move(event));
    return;
  }
  event.type = *type->if_string();
  event.object = std::move(*object);
  out->push_back(std::move(event));
}

Status WatchDecoder::Feed(std::string_view chunk, std::vector<WatchEvent>* out) {
  const auto too_long = [this] {
    broken_ = true;
    pending_.clear();
    return InvalidRequestError("watch: event line exceeds " + std::to_string(max_line_bytes_) +
                               " bytes");
  };
  if (broken_) {
    return InvalidRequestError("watch: decoder stopped after an earlier error");
  }
  while (!chunk.empty()) {
    const std::size_t nl = chunk.find('\n');
    const std::string_view part = chunk.substr(0, nl);
    if (pending_.size() + part.size() > max_line_bytes_) {
      return too_long();
    }
    if (nl == std::string_view::npos) {
      pending_.append(part);
      return OkStatus();
    }
    if (pending_.empty()) {
      DecodeLine(part, out);
    } else {
      pending_.append(part);
      DecodeLine(pending_, out);
      pending_.clear();
    }
    chunk.remove_prefix(nl + 1);
  }
  return OkStatus();
}

Status WatchDecoder::Finish(std::vector<WatchEvent>* out) {
  if (broken_) {
    return InvalidRequestError("watch: decoder stopped after an earlier error");
  }
  if (pending_.find_first_not_of(" \t\r") == std::string::npos) {
    pending_.clear();
    return OkStatus();
  }
  const std::size_t before = out->size();
  DecodeLine(pending_, out);
  pending_.clear();
  if (out->size() > before && !out->back().status.ok()) {
    out->pop_back();
    return UnavailableError("watch: stream ended inside an event");
  }
  return OkStatus();
}

namespace {

/// The state of one Watch() call.
class Watcher {
 public:
  Watcher(const Client& client, const Resource& r, std::string_view ns, const WatchOptions& options,
          const WatchCallback& callback)
      : client_(client),
        r_(r),
        ns_(r.namespaced ? std::string(ns) : std::string()),
        options_(options),
        callback_(callback),
        rv_(options.resource_version) {}

  Status Run();

 private:
  enum class Outcome { kStopped, kResume, kRelist, kFailed };

  /// One watch request; kFailed sets `error` (retryable or not per `retryable`).
  Outcome WatchOnce(Status* error, bool* retryable, bool* progressed);
  /// ListAll + RELIST + ADDED...; kStopped when the callback stopped.
  Outcome Relist(Status* error, bool* retryable);
  Status Backoff(int failures, const Status& last);

  const Client& client_;
  const Resource& r_;
  const std::string ns_;
  const WatchOptions& options_;
  const WatchCallback& callback_;
  std::string rv_;
};

Status Watcher::Backoff(int failures, const Status& last) {
  if (failures >= options_.retry.max_attempts) {
    return last;
  }
  const auto delay = BackoffDelay(options_.retry, failures - 1, options_.env.random());
  Status waited = WaitBeforeRetry(options_.env, delay, std::nullopt, options_.cancel);
  if (!waited.ok()) {
    return CanceledError("watch " + DescribeObject(r_, ns_, "") + ": canceled");
  }
  return OkStatus();
}

Watcher::Outcome Watcher::Relist(Status* error, bool* retryable) {
  ListOptions lo;
  lo.label_selector = options_.label_selector;
  lo.field_selector = options_.field_selector;
  CallOptions call;
  call.cancel = options_.cancel;
  auto list = client_.ListAll(r_, ns_, lo, call);
  if (!list.ok()) {
    *error = list.status();
    *retryable = list.status().code() == ErrorCode::kUnavailable ||
                 list.status().code() == ErrorCode::kRateLimitExceeded ||
                 list.status().code() == ErrorCode::kTimeout;
    return Outcome::kFailed;
  }
  rv_ = list->resource_version;
  WatchEvent relist;
  relist.type = "RELIST";
  if (callback_(relist) == WatchAction::kStop) {
    return Outcome::kStopped;
  }
  for (Value& item : list->items) {
    WatchEvent added;
    added.type = "ADDED";
    added.object = std::move(item);
    if (callback_(added) == WatchAction::kStop) {
      return Outcome::kStopped;
    }
  }
  return Outcome::kResume;
}

Watcher::Outcome Watcher::WatchOnce(Status* error, bool* retryable, bool* progressed) {
  const std::string what = "watch " + DescribeObject(r_, ns_, "");
  Request req;
  req.path = CollectionPath(r_, ns_);
  req.query.emplace_back("watch", "true");
  req.query.emplace_back("allowWatchBookmarks", "true");
  req.query.emplace_back("timeoutSeconds", std::to_string(options_.timeout_seconds));
  if (!rv_.empty()) {
    req.query.emplace_back("resourceVersion", rv_);
  }
  if (!options_.label_selector.empty()) {
    req.query.emplace_back("labelSelector", options_.label_selector);
  }
  if (!options_.field_selector.empty()) {
    req.query.emplace_back("fieldSelector", options_.field_selector);
  }
  // The server ends the stream after timeoutSeconds; allow a margin beyond it.
  req.timeout = std::chrono::seconds(options_.timeout_seconds + 30);
  req.cancel = options_.cancel;

  WatchDecoder decoder;
  std::vector<WatchEvent> events;
  std::optional<Outcome> verdict;
  // Handles decoded events; false ends the stream with `verdict` set.
  const auto handle = [&]() -> bool {
    for (WatchEvent& e : events) {
      if (!e.status.ok()) {
        *error = e.status.WithContext(what);
        *retryable = false;
        verdict = Outcome::kFailed;
        return false;
      }
      if (e.type == "BOOKMARK") {
        if (std::string rv = ResourceVersionOf(e.object); !rv.empty()) {
          rv_ = std::move(rv);
        }
        continue;
      }
      if (e.type == "ERROR") {
        ApiStatus s;
        s.code = 0;
        if (const Value* c = e.object.Find("code"); c != nullptr && c->is_int()) {
          s.code = static_cast<int>(*c->if_int());
        }
        if (const Value* m = e.object.Find("message"); m != nullptr && m->is_string()) {
          s.message = *m->if_string();
        }
        if (const Value* m = e.object.Find("reason"); m != nullptr && m->is_string()) {
          s.reason = *m->if_string();
        }
        if (s.code == 410) {
          verdict = Outcome::kRelist;
          return false;
        }
        *error = StatusFromApiStatus(s.code == 0 ? 500 : s.code, s, what);
        *retryable = false;
        verdict = Outcome::kFailed;
        return false;
      }
      if (std::string rv = ResourceVersionOf(e.object); !rv.empty()) {
        rv_ = std::move(rv);
      }
      *progressed = true;
      if (callback_(e) == WatchAction::kStop) {
        verdict = Outcome::kStopped;
        return false;
      }
    }
    events.clear();
    return true;
  };
  Status decode_error;
  auto response = client_.transport().Stream(req, [&](std::string_view chunk) {
    Status fed = decoder.Feed(chunk, &events);
    if (!handle()) {
      return false;
    }
    if (!fed.ok()) {
      decode_error = fed;
      return false;
    }
    return true;
  });
  if (verdict.has_value()) {
    return *verdict;
  }
  if (!decode_error.ok()) {
    *error = decode_error.WithContext(what);
    *retryable = false;
    return Outcome::kFailed;
  }
  if (!response.ok()) {
    *error = response.status();
    *retryable = response.status().code() != ErrorCode::kCanceled &&
                 response.status().code() != ErrorCode::kInvalidRequest;
    return Outcome::kFailed;
  }
  if (response->status == 410) {
    return Outcome::kRelist;
  }
  if (!response->ok()) {
    *error = StatusFromHttp(response->status, response->body, what);
    *retryable = IsRetryableHttpStatus(response->status);
    return Outcome::kFailed;
  }
  // The server ended the stream. A cut inside an event is a dropped connection.
  Status finished = decoder.Finish(&events);
  if (!handle()) {
    return *verdict;
  }
  if (!finished.ok()) {
    *error = finished.WithContext(what);
    *retryable = true;
    return Outcome::kFailed;
  }
  return Outcome::kResume;
}

Status Watcher::Run() {
  int failures = 0;
  bool need_list = rv_.empty();
  for (;;) {
    if (options_.cancel.IsCanceled()) {
      return CanceledError("watch " + DescribeObject(r_, ns_, "") + ": canceled");
    }
    Status error;
    bool retryable = false;
    bool progressed = false;
    Outcome outcome =
        need_list ? Relist(&error, &retryable) : WatchOnce(&error, &retryable, &progressed);
    switch (outcome) {
      case Outcome::kStopped:
        return OkStatus();
      case Outcome::kRelist:
        need_list = true;
        failures = 0;
        continue;
      case Outcome::kResume:
        need_list = false;
        failures = 0;
        continue;
      case Outcome::kFailed:
        if (error.code() == ErrorCode::kCanceled || options_.cancel.IsCanceled()) {
          return CanceledError("watch " + DescribeObject(r_, ns_, "") + ": canceled");
        }
        if (!retryable) {
          return error;
        }
        failures = progressed ? 1 : failures + 1;
        AICR_RETURN_IF_ERROR(Backoff(failures, error));
        continue;
    }
  }
}

}  // namespace

Status Watch(const Client& client, const Resource& r, std::string_view ns,
             const WatchOptions& options, const WatchCallback& callback) {
  Watcher watcher(client, r, ns, options, callback);
  return watcher.Run();
}

}  // namespace aicr::k8s
