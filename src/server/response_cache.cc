#include "server/response_cache.h"

#include <optional>
#include <utility>

#include "checksum/sha256.h"

namespace aicr::server {
namespace {

// Length-prefixed so no field value can forge another field's boundary.
void AppendField(std::string& key, std::string_view name, std::string_view value) {
  key.append(name);
  key.push_back('=');
  key.append(std::to_string(value.size()));
  key.push_back(':');
  key.append(value);
  key.push_back(';');
}

void AppendOptional(std::string& key, std::string_view name,
                    const std::optional<std::string>& value) {
  if (value.has_value()) {
    AppendField(key, name, *value);
  }
}

}  // namespace

std::shared_ptr<const CachedResponse> MakeCachedResponse(std::string body,
                                                         std::string_view content_type) {
  auto out = std::make_shared<CachedResponse>();
  out->etag = "\"" + checksum::Sha256Hex(body) + "\"";
  out->body = std::move(body);
  out->content_type = std::string(content_type);
  return out;
}

std::shared_ptr<const CachedResponse> ResponseCache::Find(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

void ResponseCache::Insert(const std::string& key, std::shared_ptr<const CachedResponse> value) {
  if (value == nullptr || value->body.size() > max_bytes_) {
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    bytes_ -= it->second->second->body.size();
    lru_.erase(it->second);
    index_.erase(it);
  }
  while (!lru_.empty() && bytes_ + value->body.size() > max_bytes_) {
    bytes_ -= lru_.back().second->body.size();
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
  bytes_ += value->body.size();
  lru_.emplace_front(key, std::move(value));
  index_[key] = lru_.begin();
}

std::size_t ResponseCache::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

std::size_t ResponseCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

std::uint64_t ResponseCache::hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hits_;
}

std::uint64_t ResponseCache::misses() const {
  std::lock_guard<std::mutex> lock(mu_);
  return misses_;
}

std::string ResponseCache::RenderMetrics() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  auto family = [&out](std::string_view name, std::string_view type, std::string_view help,
                       std::uint64_t value) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
    out.append(name).append(" ").append(std::to_string(value)).append("\n");
  };
  family("aicr_response_cache_bytes", "gauge", "Bytes of rendered answers cached.", bytes_);
  family("aicr_response_cache_entries", "gauge", "Rendered answers cached.", lru_.size());
  family("aicr_response_cache_hits_total", "counter", "Recipe and query answers served from cache.",
         hits_);
  family("aicr_response_cache_misses_total", "counter", "Recipe and query answers rendered.",
         misses_);
  return out;
}

std::string ResponseCacheKey(std::string_view route, const RecipeEnvelope& env) {
  const client::RecipeRequest& r = env.request;
  std::string key;
  AppendField(key, "route", route);
  AppendOptional(key, "service", r.criteria.service);
  AppendOptional(key, "accelerator", r.criteria.accelerator);
  AppendOptional(key, "intent", r.criteria.intent);
  AppendOptional(key, "os", r.criteria.os);
  AppendOptional(key, "platform", r.criteria.platform);
  if (r.criteria.nodes.has_value()) {
    AppendField(key, "nodes", std::to_string(*r.criteria.nodes));
  }
  AppendField(key, "profile", r.profile);
  AppendField(key, "snapshot", r.snapshot);
  AppendField(key, "config", r.config);
  AppendField(key, "data", r.data_dir);
  AppendField(key, "strict", r.criteria_strict ? "1" : "0");
  AppendOptional(key, "selector", env.selector);
  return key;
}

}  // namespace aicr::server
