#include "tests/k8s-apiserver/admin.h"

namespace aicr::testing::apiserver {

bool Faults::Add(const nlohmann::json& spec, std::string* err) {
  if (!spec.is_object()) {
    *err = "fault must be a JSON object";
    return false;
  }
  Fault f;
  try {
    f.method = spec.value("method", "");
    f.path = spec.value("path", "");
    f.status = spec.value("status", 0);
    f.retry_after = spec.value("retryAfter", 0);
    f.count = spec.value("count", 1);
    f.close_connection = spec.value("closeConnection", false);
    f.truncate = spec.value("truncate", false);
    f.delay_ms = spec.value("delayMs", 0);
  } catch (const std::exception& e) {
    *err = e.what();
    return false;
  }
  if (f.count <= 0 || f.status < 0 || f.status > 599 || f.delay_ms < 0 || f.delay_ms > 600000) {
    *err = "fault count, status or delayMs out of range";
    return false;
  }
  std::lock_guard<std::mutex> lock(mu_);
  faults_.push_back(f);
  return true;
}

std::optional<Fault> Faults::Take(const std::string& method, const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if ((it->method.empty() || it->method == method) && path.rfind(it->path, 0) == 0) {
      Fault f = *it;
      if (--it->count <= 0) {
        faults_.erase(it);
      }
      return f;
    }
  }
  return std::nullopt;
}

void Faults::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.clear();
}

void RequestLog::Add(nlohmann::json entry) {
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() < kCap) {
    entries_.push_back(std::move(entry));
  }
}

nlohmann::json RequestLog::Dump() {
  std::lock_guard<std::mutex> lock(mu_);
  return nlohmann::json{{"requests", entries_}};
}

void RequestLog::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
}

}  // namespace aicr::testing::apiserver
