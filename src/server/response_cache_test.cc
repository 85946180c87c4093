#include "server/response_cache.h"

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace aicr::server {
namespace {

std::shared_ptr<const CachedResponse> Body(std::size_t n, char fill = 'x') {
  return MakeCachedResponse(std::string(n, fill), "application/json");
}

TEST(ResponseCacheTest, MakeCachedResponseTagsTheBytes) {
  auto a = MakeCachedResponse("abc", "text/plain");
  EXPECT_EQ(a->etag, "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"");
  EXPECT_EQ(a->body, "abc");
  EXPECT_EQ(a->content_type, "text/plain");
}

TEST(ResponseCacheTest, FindsWhatWasInsertedAndCountsHitsAndMisses) {
  ResponseCache cache(1000);
  EXPECT_EQ(cache.Find("a"), nullptr);
  auto body = Body(10);
  cache.Insert("a", body);
  EXPECT_EQ(cache.Find("a"), body);
  EXPECT_EQ(cache.hits(), 1U);
  EXPECT_EQ(cache.misses(), 1U);
  EXPECT_EQ(cache.entries(), 1U);
  EXPECT_EQ(cache.bytes(), 10U);
}

TEST(ResponseCacheTest, EvictsLeastRecentlyUsedToStayWithinBytes) {
  ResponseCache cache(30);
  cache.Insert("a", Body(10));
  cache.Insert("b", Body(10));
  cache.Insert("c", Body(10));
  ASSERT_NE(cache.Find("a"), nullptr);  // a is now the most recently used
  cache.Insert("d", Body(10));          // evicts b
  EXPECT_EQ(cache.Find("b"), nullptr);
  EXPECT_NE(cache.Find("a"), nullptr);
  EXPECT_NE(cache.Find("c"), nullptr);
  EXPECT_NE(cache.Find("d"), nullptr);
  EXPECT_EQ(cache.bytes(), 30U);
  cache.Insert("e", Body(25));  // needs three evictions
  EXPECT_EQ(cache.entries(), 1U);
  EXPECT_EQ(cache.bytes(), 25U);
}

TEST(ResponseCacheTest, ReplacingAKeyKeepsTheByteCountExact) {
  ResponseCache cache(100);
  cache.Insert("a", Body(40));
  cache.Insert("a", Body(20, 'y'));
  EXPECT_EQ(cache.entries(), 1U);
  EXPECT_EQ(cache.bytes(), 20U);
  EXPECT_EQ(cache.Find("a")->body, std::string(20, 'y'));
}

TEST(ResponseCacheTest, OversizedBodiesAndDisabledCacheStoreNothing) {
  ResponseCache small(5);
  small.Insert("a", Body(6));
  EXPECT_EQ(small.entries(), 0U);
  ResponseCache off(0);
  off.Insert("a", Body(1));
  EXPECT_EQ(off.Find("a"), nullptr);
  EXPECT_EQ(off.bytes(), 0U);
}

TEST(ResponseCacheTest, ConcurrentUseStaysConsistent) {
  ResponseCache cache(64 * 8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string key = std::to_string((i * 7 + t) % 20);
        if (cache.Find(key) == nullptr) {
          cache.Insert(key, Body(64));
        }
      }
    });
  }
  for (std::thread& th : threads) {
    th.join();
  }
  EXPECT_LE(cache.bytes(), 64U * 8);
  EXPECT_EQ(cache.bytes(), cache.entries() * 64);
  EXPECT_EQ(cache.hits() + cache.misses(), 8000U);
}

TEST(ResponseCacheTest, KeysSeparateEveryFieldAndCannotBeForged) {
  RecipeEnvelope base;
  base.request.criteria.service = "eks";
  base.request.criteria.accelerator = "h100";
  std::set<std::string> keys;
  keys.insert(ResponseCacheKey("recipe", base));
  keys.insert(ResponseCacheKey("query", base));
  auto vary = [&](auto mutate) {
    RecipeEnvelope e = base;
    mutate(e);
    keys.insert(ResponseCacheKey("recipe", e));
  };
  vary([](RecipeEnvelope& e) { e.request.criteria.intent = "training"; });
  vary([](RecipeEnvelope& e) { e.request.criteria.os = "ubuntu"; });
  vary([](RecipeEnvelope& e) { e.request.criteria.platform = "kubeflow"; });
  vary([](RecipeEnvelope& e) { e.request.criteria.nodes = 8; });
  vary([](RecipeEnvelope& e) { e.request.profile = "a=b"; });
  vary([](RecipeEnvelope& e) { e.request.criteria_strict = true; });
  vary([](RecipeEnvelope& e) { e.selector = "components"; });
  // A value that spells another field's encoding must not collide with it.
  vary([](RecipeEnvelope& e) { e.request.criteria.service = "eks;accelerator=4:h100"; });
  vary([](RecipeEnvelope& e) { e.request.criteria.accelerator = std::nullopt; });
  EXPECT_EQ(keys.size(), 11U);
  // Equal requests share a key.
  RecipeEnvelope same = base;
  EXPECT_EQ(ResponseCacheKey("recipe", same), ResponseCacheKey("recipe", base));
}

}  // namespace
}  // namespace aicr::server
