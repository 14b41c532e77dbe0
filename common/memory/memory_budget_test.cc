#include "common/memory/memory_budget.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rocksdb/db.h"

namespace sales::memory {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr size_t kMiB = size_t{1} << 20;

TEST(MemoryBudgetTest, ACacheThatHoldsLittleLeavesItsRoomToOneThatEvicts) {
  MemoryBudget budget(100 * kMiB, nullptr, absl::ZeroDuration());
  const double pool = 100 * kMiB * MemoryBudget::kCacheShare;

  std::shared_ptr<CacheShare> replica = budget.JoinCaches("org-replica/rows", 1);
  std::shared_ptr<CacheShare> rows = budget.JoinCaches("funnel/rows", 1);
  // A new cache starts with room to grow (1 MiB), not with its part of the share.
  EXPECT_EQ(rows->limit(), kMiB);

  replica->set_bytes(kMiB / 2);
  rows->set_bytes(kMiB);
  rows->NoteEviction();  // rebalances at once (no interval here)
  // The replica keeps what it holds plus room (1 MiB); the evicting cache gets the rest.
  EXPECT_EQ(replica->limit(), kMiB / 2 + kMiB);
  EXPECT_NEAR(static_cast<double>(rows->limit()), pool - 1.5 * kMiB, 1.0);
}

TEST(MemoryBudgetTest, CachesThatEvictSplitTheShareByWeight) {
  MemoryBudget budget(100 * kMiB, nullptr, absl::Hours(1));
  const double pool = 100 * kMiB * MemoryBudget::kCacheShare;
  std::shared_ptr<CacheShare> heavy = budget.JoinCaches("leads/aggregates", 3);
  std::shared_ptr<CacheShare> light = budget.JoinCaches("funnel/marks", 1);
  heavy->NoteEviction();  // within the interval: only noted
  light->NoteEviction();
  EXPECT_EQ(heavy->limit(), kMiB);

  // A cache joining rebalances: both evicted, so they split what the newcomer leaves, 3:1.
  std::shared_ptr<CacheShare> newcomer = budget.JoinCaches("audit/rows", 1);
  EXPECT_EQ(newcomer->limit(), kMiB);
  EXPECT_NEAR(static_cast<double>(heavy->limit()), (pool - kMiB) * 3 / 4, 1.0);
  EXPECT_NEAR(static_cast<double>(light->limit()), (pool - kMiB) / 4, 1.0);
}

TEST(MemoryBudgetTest, NoCacheGetsLessThanItsWeightsPartUnlessItHoldsLess) {
  MemoryBudget budget(100 * kMiB, nullptr, absl::Hours(1));
  const double pool = 100 * kMiB * MemoryBudget::kCacheShare;
  std::shared_ptr<CacheShare> greedy = budget.JoinCaches("greedy", 1);
  std::shared_ptr<CacheShare> steady = budget.JoinCaches("steady", 1);
  greedy->NoteEviction();
  steady->set_bytes(static_cast<size_t>(pool));  // holds (and so asks for) more than all of it
  std::shared_ptr<CacheShare> other = budget.JoinCaches("other", 2);  // rebalances
  EXPECT_GE(static_cast<double>(steady->limit()), pool / 4 - 1);
  EXPECT_GE(static_cast<double>(greedy->limit()), pool / 4 - 1);
  EXPECT_LE(greedy->limit() + steady->limit() + other->limit(), static_cast<size_t>(pool));
}

TEST(MemoryBudgetTest, FixedShareKeepsItsLimit) {
  std::shared_ptr<CacheShare> share = CacheShare::Fixed(7 * kMiB);
  share->set_bytes(3);
  EXPECT_EQ(share->limit(), 7 * kMiB);
  EXPECT_EQ(share->bytes(), 3u);
}

TEST(MemoryBudgetTest, ExportsTheBudgetRocksDbAndEveryCache) {
  metrics::MetricsRegistry registry;
  MemoryBudget budget(64 * kMiB, &registry);
  std::shared_ptr<CacheShare> share = budget.JoinCaches("leads/aggregates", 1);
  share->set_bytes(12345);

  const std::string text = registry.RenderPrometheus();
  EXPECT_THAT(text, HasSubstr("sales_memory_budget_bytes 67108864"));
  EXPECT_THAT(text, HasSubstr("sales_cache_bytes{cache=\"leads/aggregates\"} 12345"));
  EXPECT_THAT(text, HasSubstr("sales_cache_limit_bytes{cache=\"leads/aggregates\"}"));
  EXPECT_THAT(text, HasSubstr("sales_rocksdb_block_cache_bytes"));
  EXPECT_THAT(text, HasSubstr("sales_rocksdb_memtable_bytes"));

  share.reset();
  EXPECT_THAT(registry.RenderPrometheus(), Not(HasSubstr("leads/aggregates")));
}

TEST(MemoryBudgetTest, MemtablesOfEveryDatabaseAreChargedToTheSharedCache) {
  MemoryBudget budget(64 * kMiB, nullptr);
  const std::string path = ::testing::TempDir() + "/memory_budget_test_db";
  rocksdb::DestroyDB(path, rocksdb::Options()).PermitUncheckedError();
  rocksdb::Options options;
  options.create_if_missing = true;
  budget.ConfigureDatabase(options);
  rocksdb::BlockBasedTableOptions table;
  budget.ConfigureTable(table);
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, path, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);

  const std::string value(1000, 'v');
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "key" + std::to_string(i), value).ok());
  }
  EXPECT_GT(budget.memtable_bytes(), 2000u * 1000u);
  // The memtables' reservation sits in the shared block cache.
  EXPECT_GE(budget.rocksdb_cache_bytes(), budget.memtable_bytes());
  db.reset();
  rocksdb::DestroyDB(path, rocksdb::Options()).PermitUncheckedError();
}

}  // namespace
}  // namespace sales::memory
