#pragma once

/// \file
/// A bounded, thread-safe LRU of rendered recipe and query answers. The
/// catalogue is immutable for the life of the process, so the same normalized
/// request always renders the same bytes: a hit skips resolution, rendering and
/// hashing and serves the stored body with its strong ETag.

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "server/params.h"

namespace aicr::server {

/// One rendered 200 answer.
struct CachedResponse {
  std::string body;
  std::string etag;  ///< quoted SHA-256 of `body`
  std::string content_type;
};

/// A rendered answer with its ETag computed (used with or without a cache).
std::shared_ptr<const CachedResponse> MakeCachedResponse(std::string body,
                                                         std::string_view content_type);

class ResponseCache {
 public:
  /// `max_bytes` bounds the stored bodies; 0 disables the cache.
  explicit ResponseCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}
  ResponseCache(const ResponseCache&) = delete;
  ResponseCache& operator=(const ResponseCache&) = delete;

  /// The stored answer for `key` (now most recently used), or null.
  std::shared_ptr<const CachedResponse> Find(const std::string& key);

  /// Stores `value` under `key`, evicting least recently used entries until the
  /// bodies fit. A body larger than the whole budget is not stored.
  void Insert(const std::string& key, std::shared_ptr<const CachedResponse> value);

  std::size_t entries() const;
  std::size_t bytes() const;
  std::uint64_t hits() const;
  std::uint64_t misses() const;

  /// Prometheus families `aicr_response_cache_{bytes,entries,hits_total,misses_total}`.
  std::string RenderMetrics() const;

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const CachedResponse>>;
  const std::size_t max_bytes_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // front = most recently used
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  std::size_t bytes_ = 0;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

/// The cache key of a normalized recipe or query request: every field that can
/// change the answer, so spellings that mean the same request (`gpu` and
/// `accelerator`, GET and POST) share one entry.
std::string ResponseCacheKey(std::string_view route, const RecipeEnvelope& env);

}  // namespace aicr::server
