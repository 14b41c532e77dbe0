#include "common/projection/internal/bounded_cache.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace sales::projection::internal {
namespace {

TEST(BoundedCacheTest, FindsWhatWasPutAndReplaces) {
  BoundedCache<std::optional<std::string>> cache(1 << 20);
  EXPECT_EQ(cache.Find("a"), nullptr);
  cache.Put("a", "1");
  cache.Put("b", std::nullopt);  // a row known to be absent
  ASSERT_NE(cache.Find("a"), nullptr);
  EXPECT_EQ(*cache.Find("a"), "1");
  ASSERT_NE(cache.Find("b"), nullptr);
  EXPECT_EQ(*cache.Find("b"), std::nullopt);
  cache.Put("a", "2");
  EXPECT_EQ(*cache.Find("a"), "2");
  EXPECT_EQ(cache.size(), 2);
  cache.Clear();
  EXPECT_EQ(cache.Find("a"), nullptr);
}

TEST(BoundedCacheTest, StaysWithinItsBudgetAndKeepsMostEntries) {
  const size_t budget = 100 * (kCacheEntryOverhead + 8);  // ~100 entries with 8-byte keys
  BoundedCache<uint64_t> cache(budget);
  for (uint64_t i = 0; i < 1000; ++i) cache.Put(absl::StrCat("key-", 1000 + i), i);
  EXPECT_LE(cache.size(), 100);
  EXPECT_GE(cache.size(), 80);
  // Whatever is still there has its latest value.
  size_t found = 0;
  for (uint64_t i = 0; i < 1000; ++i) {
    if (const uint64_t* value = cache.Find(absl::StrCat("key-", 1000 + i))) {
      EXPECT_EQ(*value, i);
      ++found;
    }
  }
  EXPECT_EQ(found, cache.size());
}

TEST(BoundedCacheTest, ZeroBudgetCachesNothing) {
  BoundedCache<uint64_t> cache(0);
  cache.Put("a", 1);
  EXPECT_EQ(cache.Find("a"), nullptr);
}

}  // namespace
}  // namespace sales::projection::internal
