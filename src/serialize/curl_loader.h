#pragma once

/// \file
/// libcurl, loaded on first use with dlopen instead of being linked: the aicr binary
/// starts without libcurl and the ~35 shared objects it pulls in, and pays for them
/// only when an input is an http(s) URL. <curl/curl.h> supplies the types and
/// constants; every function comes from the table below.

#include <curl/curl.h>

#include <memory>
#include <string>

#include "base/result.h"

namespace aicr::serialize {

/// The shared object opened by default (the SONAME of libcurl 7.16 and later).
inline constexpr const char* kCurlLibraryName = "libcurl.so.4";

/// The oldest libcurl accepted at run time: CURLOPT_PROTOCOLS_STR appeared in 7.85.0.
inline constexpr unsigned kMinCurlVersionNum = 0x075500;

/// The libcurl entry points aicr uses, each typed exactly as <curl/curl.h> declares
/// it (curl_easy_setopt and curl_easy_getinfo stay variadic: pass them the argument
/// types libcurl documents for each option, e.g. `long` and not `int`).
struct CurlApi {
  decltype(&::curl_global_init) global_init = nullptr;
  decltype(&::curl_version_info) version_info = nullptr;
  decltype(&::curl_free) free = nullptr;
  decltype(&::curl_easy_init) easy_init = nullptr;
  decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&::curl_easy_setopt) easy_setopt = nullptr;
  decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&::curl_easy_perform) easy_perform = nullptr;
  decltype(&::curl_easy_strerror) easy_strerror = nullptr;
  decltype(&::curl_url) url = nullptr;
  decltype(&::curl_url_cleanup) url_cleanup = nullptr;
  decltype(&::curl_url_set) url_set = nullptr;
  decltype(&::curl_url_get) url_get = nullptr;
  decltype(&::curl_url_strerror) url_strerror = nullptr;
};

/// A request-header list in libcurl's `curl_slist` shape, built and freed here
/// because the table above has neither curl_slist_append nor curl_slist_free_all.
/// Pass get() as CURLOPT_HTTPHEADER; the list must outlive the transfer.
class CurlHeaderList {
 public:
  CurlHeaderList() = default;
  CurlHeaderList(const CurlHeaderList&) = delete;
  CurlHeaderList& operator=(const CurlHeaderList&) = delete;
  CurlHeaderList(CurlHeaderList&&) noexcept = default;
  CurlHeaderList& operator=(CurlHeaderList&&) noexcept = default;
  ~CurlHeaderList() = default;

  /// Appends one `Name: value` line.
  void Add(const std::string& line);
  /// The head of the list (nullptr when empty).
  curl_slist* get() const { return head_.get(); }

 private:
  struct Deleter {
    void operator()(curl_slist* list) const;
  };
  std::unique_ptr<curl_slist, Deleter> head_;
  curl_slist* tail_ = nullptr;
};

/// Opens libcurl, resolves every CurlApi entry and runs curl_global_init, once per
/// process (thread-safe; later calls return the same table without locking). The
/// library is never unloaded and the table stays valid until exit.
/// Errors (remembered, so a failed load is not retried):
///  - kUnavailable "http: libcurl is not available: <reason>": the library cannot be
///    opened, lacks one of the symbols, or is older than kMinCurlVersionNum;
///  - kInternal: curl_global_init failed.
Result<const CurlApi*> LoadCurl();

/// Test hook: makes the next LoadCurl open `name` instead of kCurlLibraryName (an
/// empty name restores the default) and forgets the outcome of earlier loads. Tables
/// returned before stay valid. Not for production code.
void SetCurlLibraryNameForTest(std::string name);

}  // namespace aicr::serialize
