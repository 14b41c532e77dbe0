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
  // Its table's slots (a 32-byte string and a value, and a control byte: 41 bytes) count: room
  // for a table of 255 slots, which holds up to 223 entries, not for one of 511.
  const size_t budget = 16 << 10;
  BoundedCache<uint64_t> cache(budget);
  for (uint64_t i = 0; i < 1000; ++i) {
    cache.Put(absl::StrCat("key-", 1000 + i), i);
    ASSERT_LE(cache.bytes(), budget);
  }
  EXPECT_LE(cache.size(), 223);
  EXPECT_GE(cache.size(), 150);  // evicting never empties it
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

TEST(BoundedCacheTest, CountsTheHeapOfLongKeysAndValues) {
  BoundedCache<std::optional<std::string>> cache(1 << 20);
  cache.Put("short", std::string("v"));  // both fit in their string objects
  const size_t with_short = cache.bytes();
  cache.Put(std::string(100, 'k'), std::string(1000, 'v'));
  EXPECT_GE(cache.bytes() - with_short, 1100u);
  cache.Clear();
  EXPECT_LT(cache.bytes(), 1000u);  // its small table stays; the entries' heap is gone
}

TEST(BoundedCacheTest, ZeroBudgetCachesNothing) {
  BoundedCache<uint64_t> cache(0);
  cache.Put("a", 1);
  EXPECT_EQ(cache.Find("a"), nullptr);
  EXPECT_EQ(cache.forgotten(), 1u) << "a refused entry is one it let go of";
}

TEST(BoundedCacheTest, CountsWhenItLetsGoOfEntriesItWasGiven) {
  BoundedCache<uint64_t> cache(16 << 10);
  cache.Put("a", 1);
  cache.Put("a", 2);  // replaced: nothing forgotten
  EXPECT_TRUE(cache.Replace("a", 3));
  EXPECT_EQ(cache.Take("a"), 3u);  // handed back: not forgotten either
  cache.Clear();                   // empty: nothing to let go of
  EXPECT_EQ(cache.forgotten(), 0u);

  cache.Put("b", 1);
  cache.Clear();
  EXPECT_EQ(cache.forgotten(), 1u);

  // Past its budget it evicts (see StaysWithinItsBudgetAndKeepsMostEntries).
  uint64_t put = 0;
  while (cache.forgotten() == 1 && put < 1000) {
    cache.Put(absl::StrCat("key-", 1000 + put), put);
    ++put;
  }
  EXPECT_EQ(cache.forgotten(), 2u);
  EXPECT_LT(cache.size(), put) << "the count grew when entries were evicted";
}

}  // namespace
}  // namespace sales::projection::internal
