#include "serialize/curl_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "serialize/http_fetch.h"
#include "tests/testing/status_matchers.h"

namespace aicr::serialize {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(CurlLoaderTest, ResolvesEveryEntryPoint) {
  const Result<const CurlApi*> api = LoadCurl();
  ASSERT_THAT(api, IsOk());
  const CurlApi& c = **api;
  EXPECT_NE(c.global_init, nullptr);
  EXPECT_NE(c.version_info, nullptr);
  EXPECT_NE(c.free, nullptr);
  EXPECT_NE(c.easy_init, nullptr);
  EXPECT_NE(c.easy_cleanup, nullptr);
  EXPECT_NE(c.easy_setopt, nullptr);
  EXPECT_NE(c.easy_getinfo, nullptr);
  EXPECT_NE(c.easy_perform, nullptr);
  EXPECT_NE(c.easy_strerror, nullptr);
  EXPECT_NE(c.url, nullptr);
  EXPECT_NE(c.url_cleanup, nullptr);
  EXPECT_NE(c.url_set, nullptr);
  EXPECT_NE(c.url_get, nullptr);
  EXPECT_NE(c.url_strerror, nullptr);
  const curl_version_info_data* info = c.version_info(CURLVERSION_NOW);
  ASSERT_NE(info, nullptr);
  EXPECT_GE(info->version_num, kMinCurlVersionNum);
  // The variadic entry points work through their pointers.
  CURL* h = c.easy_init();
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(c.easy_setopt(h, CURLOPT_TIMEOUT_MS, 1000L), CURLE_OK);
  long code = -1;
  EXPECT_EQ(c.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code), CURLE_OK);
  EXPECT_EQ(code, 0);
  c.easy_cleanup(h);
}

TEST(CurlLoaderTest, LoadsOnceAcrossThreads) {
  const Result<const CurlApi*> first = LoadCurl();
  ASSERT_THAT(first, IsOk());
  std::vector<const CurlApi*> seen(8, nullptr);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&seen, i] {
      const Result<const CurlApi*> api = LoadCurl();
      seen[i] = api.ok() ? *api : nullptr;
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  for (const CurlApi* api : seen) {
    EXPECT_EQ(api, *first);
  }
}

/// Points the loader at another library for one test, then restores the default.
class CurlLoaderFailureTest : public ::testing::Test {
 protected:
  void TearDown() override {
    SetCurlLibraryNameForTest("");
    EXPECT_THAT(LoadCurl(), IsOk());
  }
};

TEST_F(CurlLoaderFailureTest, MissingLibraryIsUnavailable) {
  SetCurlLibraryNameForTest("libaicr-no-such-curl.so.4");
  const auto matches =
      StatusIs(ErrorCode::kUnavailable, AllOf(StartsWith("http: libcurl is not available: "),
                                              HasSubstr("libaicr-no-such-curl.so.4")));
  EXPECT_THAT(LoadCurl(), matches);
  // HttpFetch reports it instead of crashing, before touching the URL; and the
  // failure is remembered.
  EXPECT_THAT(HttpFetch("http://127.0.0.1:1/x"), matches);
  EXPECT_THAT(HttpFetch("not a url"), matches);
}

TEST_F(CurlLoaderFailureTest, MissingSymbolIsUnavailable) {
#ifndef __GLIBC__
  GTEST_SKIP() << "needs glibc's libc.so.6 as a library without curl symbols";
#endif
  SetCurlLibraryNameForTest("libc.so.6");
  EXPECT_THAT(
      HttpFetch("http://127.0.0.1:1/x"),
      StatusIs(ErrorCode::kUnavailable, AllOf(StartsWith("http: libcurl is not available: "),
                                              HasSubstr("curl_global_init"))));
}

TEST_F(CurlLoaderFailureTest, RestoringTheDefaultLoadsAgain) {
  const Result<const CurlApi*> before = LoadCurl();
  ASSERT_THAT(before, IsOk());
  SetCurlLibraryNameForTest("libaicr-no-such-curl.so.4");
  ASSERT_FALSE(LoadCurl().ok());
  SetCurlLibraryNameForTest("");
  const Result<const CurlApi*> after = LoadCurl();
  ASSERT_THAT(after, IsOk());
  // A table handed out before the reset is still usable.
  EXPECT_NE((*before)->version_info(CURLVERSION_NOW), nullptr);
}

}  // namespace
}  // namespace aicr::serialize
