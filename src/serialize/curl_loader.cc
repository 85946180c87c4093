#include "serialize/curl_loader.h"

#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace aicr::serialize {
namespace {

struct LoaderState {
  std::mutex mu;
  std::string library = kCurlLibraryName;  // guarded by mu
  bool attempted = false;                  // guarded by mu
  Status error;                            // guarded by mu; the failed load's status
  /// Every table ever loaded; never shrinks, so pointers handed out stay valid.
  std::vector<std::unique_ptr<const CurlApi>> tables;  // guarded by mu
};

/// Never destroyed: a fetch on another thread may still run while statics are torn down.
LoaderState& State() {
  static LoaderState* const state = new LoaderState;
  return *state;
}

/// The loaded table, for the lock-free fast path; null until a load succeeds.
std::atomic<const CurlApi*> g_api{nullptr};

std::string DlError(const std::string& fallback) {
  const char* e = dlerror();
  return e != nullptr ? std::string(e) : fallback;
}

template <typename Fn>
bool Resolve(void* lib, const char* name, Fn* out, std::string* error) {
  (void)dlerror();  // clear any stale error
  void* sym = dlsym(lib, name);
  if (sym == nullptr) {
    *error = DlError(std::string("undefined symbol: ") + name);
    return false;
  }
  *out = reinterpret_cast<Fn>(sym);
  return true;
}

Status Unavailable(const std::string& why) {
  return UnavailableError("http: libcurl is not available: " + why);
}

/// dlopen + dlsym + version check + curl_global_init. Called with State().mu held.
Result<std::unique_ptr<const CurlApi>> Load(const std::string& library) {
  (void)dlerror();
  // RTLD_NOW: a missing dependency of libcurl fails here, not in the middle of a fetch.
  // The handle is never closed: libcurl and its TLS library do not support unloading.
  void* lib = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    return Unavailable(DlError("cannot open " + library));
  }
  auto api = std::make_unique<CurlApi>();
  std::string error;
  const bool ok = Resolve(lib, "curl_global_init", &api->global_init, &error) &&
                  Resolve(lib, "curl_version_info", &api->version_info, &error) &&
                  Resolve(lib, "curl_free", &api->free, &error) &&
                  Resolve(lib, "curl_easy_init", &api->easy_init, &error) &&
                  Resolve(lib, "curl_easy_cleanup", &api->easy_cleanup, &error) &&
                  Resolve(lib, "curl_easy_setopt", &api->easy_setopt, &error) &&
                  Resolve(lib, "curl_easy_getinfo", &api->easy_getinfo, &error) &&
                  Resolve(lib, "curl_easy_perform", &api->easy_perform, &error) &&
                  Resolve(lib, "curl_easy_strerror", &api->easy_strerror, &error) &&
                  Resolve(lib, "curl_url", &api->url, &error) &&
                  Resolve(lib, "curl_url_cleanup", &api->url_cleanup, &error) &&
                  Resolve(lib, "curl_url_set", &api->url_set, &error) &&
                  Resolve(lib, "curl_url_get", &api->url_get, &error) &&
                  Resolve(lib, "curl_url_strerror", &api->url_strerror, &error);
  if (!ok) {
    return Unavailable(error);
  }
  const curl_version_info_data* info = api->version_info(CURLVERSION_NOW);
  if (info == nullptr || info->version_num < kMinCurlVersionNum) {
    const std::string found = info != nullptr && info->version != nullptr ? info->version : "?";
    return Unavailable(library + " is version " + found + ", older than 7.85.0");
  }
  if (const CURLcode rc = api->global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK) {
    return InternalError(std::string("initialize libcurl: ") + api->easy_strerror(rc));
  }
  return std::unique_ptr<const CurlApi>(std::move(api));
}

}  // namespace

Result<const CurlApi*> LoadCurl() {
  if (const CurlApi* api = g_api.load(std::memory_order_acquire); api != nullptr) {
    return api;
  }
  LoaderState& s = State();
  const std::lock_guard<std::mutex> lock(s.mu);
  if (const CurlApi* api = g_api.load(std::memory_order_relaxed); api != nullptr) {
    return api;  // another thread finished loading while this one waited
  }
  if (!s.attempted) {
    s.attempted = true;
    Result<std::unique_ptr<const CurlApi>> loaded = Load(s.library);
    if (!loaded.ok()) {
      s.error = loaded.status();
    } else {
      s.tables.push_back(std::move(loaded).value());
      g_api.store(s.tables.back().get(), std::memory_order_release);
      return s.tables.back().get();
    }
  }
  return s.error;
}

void SetCurlLibraryNameForTest(std::string name) {
  LoaderState& s = State();
  const std::lock_guard<std::mutex> lock(s.mu);
  s.library = name.empty() ? std::string(kCurlLibraryName) : std::move(name);
  s.attempted = false;
  s.error = OkStatus();
  g_api.store(nullptr, std::memory_order_release);
}

void CurlHeaderList::Add(const std::string& line) {
  auto* node = new curl_slist;
  node->data = new char[line.size() + 1];
  std::copy(line.begin(), line.end(), node->data);
  node->data[line.size()] = '\0';
  node->next = nullptr;
  if (tail_ == nullptr) {
    head_.reset(node);
  } else {
    tail_->next = node;
  }
  tail_ = node;
}

void CurlHeaderList::Deleter::operator()(curl_slist* list) const {
  while (list != nullptr) {
    curl_slist* next = list->next;
    delete[] list->data;
    delete list;
    list = next;
  }
}

}  // namespace aicr::serialize
