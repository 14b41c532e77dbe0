#include "common/projection/pending_counter_rows.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/projection/counter_row.h"
#include "common/projection/counter_row_sum.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"

namespace sales::projection {
namespace {

using Deltas = std::vector<std::pair<absl::string_view, absl::string_view>>;

// A RocksDB with a "rows" and a "log" family, as a projection store has its model and runner's.
class PendingCounterRowsTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override { Close(); }

  void Open() {
    rocksdb::DBOptions options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    rocksdb::ColumnFamilyOptions counter_rows;
    counter_rows.merge_operator = CounterRowSum();
    std::vector<rocksdb::ColumnFamilyDescriptor> families = {
        {rocksdb::kDefaultColumnFamilyName, {}}, {"rows", counter_rows}, {"log", {}}};
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir_.path() + "/db", families, &handles_, &db).ok());
    db_.reset(db);
  }
  void Close() {
    for (rocksdb::ColumnFamilyHandle* handle : handles_) {
      db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
    }
    handles_.clear();
    db_.reset();
  }
  rocksdb::ColumnFamilyHandle* rows() { return handles_[1]; }
  rocksdb::ColumnFamilyHandle* log() { return handles_[2]; }

  // Writes `deltas` as the store does; false when the write failed.
  bool Write(PendingCounterRows& pending, const Deltas& deltas) {
    rocksdb::WriteBatch batch;
    pending.AppendWrite(deltas, rows(), log(), batch);
    if (!db_->Write(rocksdb::WriteOptions(), &batch).ok()) return false;
    pending.Landed(deltas);
    return true;
  }
  std::string Stored(const std::string& key) {
    std::string value;
    return db_->Get(rocksdb::ReadOptions(), rows(), key, &value).ok() ? value : "<absent>";
  }
  int LogRecords() {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), log()));
    int records = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++records;
    return records;
  }

  sales::testing::TempDir dir_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

TEST_F(PendingCounterRowsTest, SmallBatchesAreLoggedSummedAndReadBackAtOpen) {
  PendingCounterRows pending;
  const std::string one = EncodeCounterSlots({{1, 2}, {9, 1}});
  const std::string two = EncodeCounterSlots({{1, -2}, {4, 5}});
  ASSERT_TRUE(Write(pending, {{"a", one}, {"b", one}}));
  ASSERT_TRUE(Write(pending, {{"a", two}}));
  EXPECT_EQ(LogRecords(), 2);
  EXPECT_EQ(Stored("a"), "<absent>") << "nothing is added to the rows yet";
  const CounterSlots* sum = pending.Find("a");
  ASSERT_NE(sum, nullptr);
  EXPECT_EQ(EncodeCounterSlots(*sum), EncodeCounterSlots({{4, 5}, {9, 1}}));
  EXPECT_EQ(pending.Find("c"), nullptr);

  PendingCounterRows loaded;
  ASSERT_TRUE(loaded.Load(*db_, log()).ok());
  EXPECT_EQ(loaded.rows(), 2u);
  EXPECT_EQ(loaded.logged_batches(), 2u);
  sum = loaded.Find("a");
  ASSERT_NE(sum, nullptr);
  EXPECT_EQ(EncodeCounterSlots(*sum), EncodeCounterSlots({{4, 5}, {9, 1}}));
  const auto copies = loaded.CopyRange("a", "b");
  ASSERT_EQ(copies.size(), 1u) << "[a, b)";
  EXPECT_EQ(copies[0].first, "a");
}

TEST_F(PendingCounterRowsTest, TheBatchAfterTheLastLoggedOneSweepsEverythingIntoTheRows) {
  PendingCounterRows pending;
  const std::string plus = EncodeCounterSlots({{3, 1}});
  const std::string minus = EncodeCounterSlots({{3, -1}});
  for (size_t i = 0; i < PendingCounterRows::kMaxLoggedBatches; ++i) {
    ASSERT_TRUE(Write(pending, {{"hot", plus}, {"zero", i % 2 == 0 ? plus : minus}}));
  }
  EXPECT_EQ(pending.logged_batches(), PendingCounterRows::kMaxLoggedBatches);
  ASSERT_TRUE(Write(pending, {{"new", plus}}));
  EXPECT_EQ(pending.rows(), 0u);
  EXPECT_EQ(LogRecords(), 0) << "the sweep deletes the log";
  EXPECT_EQ(Stored("hot"),
            EncodeCounterSlots({{3, static_cast<int64_t>(PendingCounterRows::kMaxLoggedBatches)}}));
  EXPECT_EQ(Stored("zero"), "") << "added to, summing to zero: the row exists, empty";
  EXPECT_EQ(Stored("new"), plus);

  ASSERT_TRUE(Write(pending, {{"hot", plus}}));
  EXPECT_EQ(LogRecords(), 1) << "logging again";
  PendingCounterRows loaded;
  ASSERT_TRUE(loaded.Load(*db_, log()).ok());
  EXPECT_EQ(loaded.rows(), 1u);
}

TEST_F(PendingCounterRowsTest, ABatchTooLargeToHoldIsWrittenToItsRowsAtOnce) {
  PendingCounterRows pending;
  const std::string plus = EncodeCounterSlots({{1, 1}});
  ASSERT_TRUE(Write(pending, {{"a", plus}}));
  std::vector<std::string> keys;
  for (size_t i = 0; i < PendingCounterRows::kMaxRows; ++i) keys.push_back(absl::StrCat("k", i));
  Deltas large;
  for (const std::string& key : keys) large.emplace_back(key, plus);
  ASSERT_TRUE(Write(pending, large));
  EXPECT_EQ(pending.rows(), 0u);
  EXPECT_EQ(Stored("a"), plus) << "what was pending went with it";
  EXPECT_EQ(Stored("k7"), plus);
  EXPECT_EQ(LogRecords(), 0);
}

TEST_F(PendingCounterRowsTest, ACorruptLogRecordIsDataLoss) {
  ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), log(),
                       absl::StrCat(PendingCounterRows::kLogPrefix, "x"),
                       "\x05"
                       "ab")
                  .ok());
  PendingCounterRows pending;
  const absl::Status loaded = pending.Load(*db_, log());
  EXPECT_EQ(loaded.code(), absl::StatusCode::kDataLoss) << loaded;
  EXPECT_EQ(pending.rows(), 0u);
}

}  // namespace
}  // namespace sales::projection
