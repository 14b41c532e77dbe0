#include "common/projection/projection_store.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/memory/memory_budget.h"
#include "common/projection/counter_row.h"
#include "common/projection/event_applier.h"
#include "common/projection/pending_counter_rows.h"
#include "common/projection/testing/stream_chain_projection.h"
#include "common/status/status_macros.h"
#include "common/testing/temp_dir.h"
#include "common/testing/wal_files.h"
#include "gtest/gtest.h"

namespace sales::projection {
namespace {

std::unique_ptr<ProjectionStore> OpenStore(const std::string& path) {
  auto store = ProjectionStore::Open(path);
  EXPECT_TRUE(store.ok()) << store.status();
  return *std::move(store);
}

TEST(ProjectionStoreTest, BatchReadsItsOwnWritesAndCommitsAtomically) {
  sales::testing::TempDir dir;
  auto store = OpenStore(dir.path() + "/p");
  StoreBatch batch = store->NewBatch();
  batch.txn().Put("a", "1");
  batch.SetMark("topic", "s-1", 4);
  EXPECT_EQ(*batch.txn().Get("a"), "1");
  EXPECT_EQ(*batch.Mark("topic", "s-1"), 4);
  EXPECT_EQ(*store->Get("a"), std::nullopt);  // not committed yet

  ASSERT_TRUE(store->Commit(batch).ok());
  EXPECT_EQ(*store->Get("a"), "1");
  EXPECT_EQ(*store->NewBatch().Mark("topic", "s-1"), 4);
}

TEST(ProjectionStoreTest, RollbackToSavePointDiscardsOnlyLaterWrites) {
  sales::testing::TempDir dir;
  auto store = OpenStore(dir.path() + "/p");
  StoreBatch batch = store->NewBatch();
  batch.txn().Put("kept", "1");
  batch.SetSavePoint();
  batch.txn().Put("dropped", "2");
  ASSERT_TRUE(batch.RollbackToSavePoint().ok());
  ASSERT_TRUE(store->Commit(batch).ok());
  EXPECT_EQ(*store->Get("kept"), "1");
  EXPECT_EQ(*store->Get("dropped"), std::nullopt);
}

TEST(ProjectionStoreTest, NestedSavePointsAndDeletesAreReadYourWrites) {
  sales::testing::TempDir dir;
  auto store = OpenStore(dir.path() + "/p");
  StoreBatch setup = store->NewBatch();
  setup.txn().Put("gone", "x");
  ASSERT_TRUE(store->Commit(setup).ok());

  StoreBatch batch = store->NewBatch();
  batch.txn().Put("a", "1");
  batch.SetSavePoint();
  batch.txn().Put("a", "2");
  batch.txn().Delete("gone");
  batch.SetSavePoint();
  batch.txn().Put("c", "3");
  EXPECT_EQ(*batch.txn().Get("c"), "3");
  ASSERT_TRUE(batch.RollbackToSavePoint().ok());  // drops c only
  EXPECT_EQ(*batch.txn().Get("c"), std::nullopt);
  EXPECT_EQ(*batch.txn().Get("gone"), std::nullopt);
  EXPECT_FALSE(store->Commit(batch).ok()) << "committed with an open save point";
  batch.DiscardSavePoint();  // keeps a=2 and the delete
  EXPECT_EQ(*batch.txn().Get("a"), "2");
  ASSERT_TRUE(store->Commit(batch).ok());
  EXPECT_EQ(*store->Get("a"), "2");
  EXPECT_EQ(*store->Get("gone"), std::nullopt);
  EXPECT_EQ(*store->Get("c"), std::nullopt);
  EXPECT_EQ(*store->NewBatch().txn().Get("gone"), std::nullopt);
}

TEST(ProjectionStoreTest, ADroppedBatchLeavesNoTraceInLaterBatches) {
  sales::testing::TempDir dir;
  auto store = OpenStore(dir.path() + "/p");
  StoreBatch committed = store->NewBatch();
  committed.txn().Put("row", "v1");
  committed.SetMark("topic", "s-1", 3);
  ASSERT_TRUE(store->Commit(committed).ok());
  {
    StoreBatch dropped = store->NewBatch();
    EXPECT_EQ(*dropped.Mark("topic", "s-1"), 3);  // fills the caches with committed values
    EXPECT_EQ(*dropped.txn().Get("row"), "v1");
    dropped.SetMark("topic", "s-1", 5);
    dropped.SetMark("topic", "s-2", 1);
    dropped.txn().Put("row", "v2");
    dropped.txn().Put("new", "n");
    EXPECT_EQ(*dropped.Mark("topic", "s-1"), 5);
  }  // discarded, as the runner does with a failed batch
  StoreBatch later = store->NewBatch();
  EXPECT_EQ(*later.Mark("topic", "s-1"), 3);
  EXPECT_EQ(*later.Mark("topic", "s-2"), 0);
  EXPECT_EQ(*later.txn().Get("row"), "v1");
  EXPECT_EQ(*later.txn().Get("new"), std::nullopt);
}

TEST(ProjectionStoreTest, MutableMarkReadsAndAdvancesAStreamsMarkAsMarkAndSetMarkDo) {
  sales::testing::TempDir dir;
  auto store = OpenStore(dir.path() + "/p");
  StoreBatch first = store->NewBatch();
  first.SetMark("topic", "s-1", 3);
  ASSERT_TRUE(store->Commit(first).ok());

  StoreBatch batch = store->NewBatch();
  absl::StatusOr<uint64_t*> mark = batch.MutableMark("topic", "s-1");
  ASSERT_TRUE(mark.ok()) << mark.status();
  EXPECT_EQ(**mark, 3u) << "the committed mark";
  **mark = 5;
  EXPECT_EQ(*batch.Mark("topic", "s-1"), 5u) << "read-your-writes";
  absl::StatusOr<uint64_t*> untouched = batch.MutableMark("topic", "s-new");
  ASSERT_TRUE(untouched.ok()) << untouched.status();
  EXPECT_EQ(**untouched, 0u);  // a new stream, nothing applied of it
  ASSERT_TRUE(store->Commit(batch).ok());

  EXPECT_EQ(*store->NewBatch().Mark("topic", "s-1"), 5u);
  EXPECT_EQ(store->Digest()->streams, 1u) << "a mark left at 0 is not stored";
  store.reset();
  EXPECT_EQ(*OpenStore(dir.path() + "/p")->NewBatch().Mark("topic", "s-1"), 5u);
}

// A store opened with marks on disk has none of them cached: a mark its cache lacks is read from
// RocksDB (a store opened empty may answer 0 for those without a read, while its cache has
// dropped none).
TEST(ProjectionStoreTest, MarksStoredBeforeTheStoreWasOpenedAreReadFromDisk) {
  sales::testing::TempDir dir;
  {
    auto store = OpenStore(dir.path() + "/p");
    StoreBatch batch = store->NewBatch();
    for (int i = 0; i < 50; ++i) batch.SetMark("topic", absl::StrCat("s-", i), i + 1);
    ASSERT_TRUE(store->Commit(batch).ok());
  }
  auto store = OpenStore(dir.path() + "/p");
  StoreBatch batch = store->NewBatch();
  EXPECT_EQ(*batch.Mark("topic", "s-new"), 0u);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(**batch.MutableMark("topic", absl::StrCat("s-", i)), static_cast<uint64_t>(i + 1));
  }
}

// A store that cannot read its marks must not take every stream for new (which would apply every
// event from Kafka again): it refuses to open instead.
TEST(ProjectionStoreTest, AStoreWhoseMarksCannotBeReadRefusesToOpen) {
  sales::testing::TempDir dir;
  const std::string path = dir.path() + "/p";
  {
    auto store = OpenStore(path);
    StoreBatch batch = store->NewBatch();
    for (int i = 0; i < 2000; ++i) batch.SetMark("topic", absl::StrCat("stream-", i), 1);
    ASSERT_TRUE(store->Commit(batch).ok());
  }
  OpenStore(path).reset();  // the WAL is replayed and flushed into table files
  int corrupted = 0;
  for (const auto& entry : std::filesystem::directory_iterator(path)) {
    if (entry.path().extension() != ".sst") continue;
    // The data blocks come first; the footer, index and filter at the end stay intact.
    std::fstream file(entry.path(), std::ios::in | std::ios::out | std::ios::binary);
    const std::string garbage(64, '\xAB');
    for (std::streamoff at = 0; at + 64 < static_cast<std::streamoff>(entry.file_size()) / 2;
         at += 512) {
      file.seekp(at);
      file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }
    ++corrupted;
  }
  ASSERT_GT(corrupted, 0);
  absl::StatusOr<std::unique_ptr<ProjectionStore>> reopened = ProjectionStore::Open(path);
  ASSERT_FALSE(reopened.ok()) << "opened a store whose marks cannot be read";
  EXPECT_NE(reopened.status().message().find("dedupe marks"), std::string::npos)
      << reopened.status();
}

// Read-modify-write counters through caches far smaller than the data: evicted entries must be
// read back from RocksDB, never lost or stale.
TEST(ProjectionStoreTest, TinyCachesStillReadCommittedValues) {
  sales::testing::TempDir dir;
  auto store =
      ProjectionStore::Open(dir.path() + "/p", {.mark_cache_bytes = 2048, .row_cache_bytes = 2048});
  ASSERT_TRUE(store.ok()) << store.status();
  constexpr int kKeys = 300;
  for (int round = 1; round <= 4; ++round) {
    StoreBatch batch = (*store)->NewBatch();
    for (int k = 0; k < kKeys; ++k) {
      const std::string key = absl::StrCat("counter-", k);
      auto value = batch.txn().Get(key);
      ASSERT_TRUE(value.ok()) << value.status();
      int count = 0;
      if (*value) {
        ASSERT_TRUE(absl::SimpleAtoi(**value, &count));
      }
      ASSERT_EQ(count, round - 1) << key;
      batch.txn().Put(key, absl::StrCat(count + 1));
      auto mark = batch.Mark("topic", key);
      ASSERT_TRUE(mark.ok()) << mark.status();
      ASSERT_EQ(*mark, static_cast<uint64_t>(round - 1)) << key;
      batch.SetMark("topic", key, round);
    }
    ASSERT_TRUE((*store)->Commit(batch).ok());
  }
  EXPECT_EQ(*(*store)->Get("counter-7"), "4");
  store->reset();
  auto reopened = OpenStore(dir.path() + "/p");
  EXPECT_EQ(*reopened->NewBatch().Mark("topic", "counter-299"), 4);
}

// A store takes the disk space of what it holds: its live WAL file is not preallocated at the
// size of a write buffer (RocksDB's default, 74 MB per database in salesd; a projection never
// syncs its WAL), and old WAL files go once their rows are flushed, although the runner's family,
// written with every batch, rarely fills a memtable of its own (salesd's leads read model kept
// 17 WAL files).
TEST(ProjectionStoreTest, WalFilesAreNeitherPreallocatedNorKeptAfterAFlush) {
  sales::testing::TempDir dir;
  const std::string path = dir.path() + "/p";
  memory::MemoryBudget budget(size_t{512} << 20, /*metrics=*/nullptr);  // as salesd's default
  auto store = ProjectionStore::Open(path, {.write_buffer_bytes = 1 << 20, .memory = &budget});
  ASSERT_TRUE(store.ok()) << store.status();
  const std::string value(1000, 'v');
  for (int round = 0; round < 120; ++round) {  // 120 × 50 kB: the model's memtable fills ~6 times
    StoreBatch batch = (*store)->NewBatch();
    for (int k = 0; k < 50; ++k) batch.txn().Put(absl::StrCat("row-", round, "-", k), value);
    batch.SetOffset("topic", 0, round + 1);
    ASSERT_TRUE((*store)->Commit(batch).ok());
  }
  const sales::testing::WalFiles wal = sales::testing::WalFilesOf(path);
  EXPECT_LE(wal.count, 2);
  EXPECT_LT(wal.preallocated_bytes, 64u << 10);
}

// Writes skip the WAL: a process that dies — no flush, no close, as under kill -9 — leaves the
// store at its last flush, which holds whole batches (each one's rows with its offset), and the
// batches after it are gone together with their offsets, to be applied again.
TEST(ProjectionStoreDeathTest, AProcessThatDiesLeavesWholeBatchesWithTheirOffsets) {
  // The child is a fresh process, which runs this test again from its start: it takes the
  // parent's directory from the environment.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  constexpr char kPathVariable[] = "SALES_TEST_CRASHED_STORE";
  sales::testing::TempDir dir;
  if (std::getenv(kPathVariable) == nullptr) setenv(kPathVariable, (dir.path() + "/p").c_str(), 1);
  const std::string path = std::getenv(kPathVariable);
  const absl::Cleanup forget_path = [&] { unsetenv(kPathVariable); };
  constexpr int kBatches = 200;
  constexpr int kRowsPerBatch = 10;
  EXPECT_EXIT(
      {
        // 200 batches of 10 kB against 64 kB memtables: ~30 flushes, the last ones unflushed.
        auto store = ProjectionStore::Open(path, {.write_buffer_bytes = 64 << 10});
        if (!store.ok()) std::_Exit(2);
        const std::string value(1000, 'v');
        for (int round = 1; round <= kBatches; ++round) {
          StoreBatch batch = (*store)->NewBatch();
          for (int k = 0; k < kRowsPerBatch; ++k) {
            batch.txn().Put(absl::StrCat("row-", round, "-", k), value);
          }
          batch.SetOffset("topic", 0, round);
          if (!(*store)->Commit(batch).ok()) std::_Exit(3);
        }
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(0), "");
  auto store = OpenStore(path);
  const absl::StatusOr<std::optional<int64_t>> offset = store->Offset("topic", 0);
  ASSERT_TRUE(offset.ok()) << offset.status();
  ASSERT_TRUE(offset->has_value()) << "flushed batches are kept";
  EXPECT_LT(**offset, kBatches) << "the last batch was in the memtable, never flushed";
  for (int round = 1; round <= kBatches; ++round) {
    for (int k = 0; k < kRowsPerBatch; ++k) {
      const std::string key = absl::StrCat("row-", round, "-", k);
      const absl::StatusOr<std::optional<std::string>> row = store->Get(key);
      ASSERT_TRUE(row.ok()) << row.status();
      ASSERT_EQ(row->has_value(), round <= **offset) << key << " against offset " << **offset;
    }
  }
}

TEST(ProjectionStoreTest, ChecksumCoversTheReadModelOnly) {
  sales::testing::TempDir dir;
  auto a = OpenStore(dir.path() + "/a");
  auto b = OpenStore(dir.path() + "/b");
  for (ProjectionStore* store : {a.get(), b.get()}) {
    StoreBatch batch = store->NewBatch();
    batch.txn().Put("k", "v");
    ASSERT_TRUE(store->Commit(batch).ok());
  }
  StoreBatch metadata = b->NewBatch();
  metadata.SetOffset("topic", 0, 17);
  metadata.SetBrokerIdentity("cluster/epoch");
  metadata.SetFeedPosition("topic", 9);
  ASSERT_TRUE(b->Commit(metadata).ok());
  EXPECT_EQ(*a->Checksum(), *b->Checksum());
  EXPECT_EQ(*b->Offset("topic", 0), 17);
  EXPECT_EQ(*b->Offset("topic", 1), std::nullopt);
  EXPECT_EQ(*b->BrokerIdentity(), "cluster/epoch");
  EXPECT_EQ(*b->FeedPosition("topic"), 9);
  EXPECT_EQ(*a->FeedPosition("topic"), 1);

  StoreBatch change = b->NewBatch();
  change.txn().Put("k", "w");
  ASSERT_TRUE(b->Commit(change).ok());
  EXPECT_NE(*a->Checksum(), *b->Checksum());
}

TEST(ProjectionStoreTest, AStoreOfAnotherLayoutIsEmptiedAndRecordsTheNewOne) {
  sales::testing::TempDir dir;
  auto store = OpenStore(dir.path() + "/p");
  ASSERT_EQ(*store->EnsureLayout(1), false) << "a new store only records its layout";
  StoreBatch batch = store->NewBatch();
  batch.txn().Put("row", "v1");
  batch.SetMark("leads", "lead-1", 7);
  batch.SetOffset("sales.leads.v1", 0, 42);
  batch.SetBrokerIdentity("cluster-a");
  ASSERT_TRUE(store->Commit(batch).ok());
  EXPECT_EQ(*store->EnsureLayout(1), false) << "same layout: kept";
  EXPECT_EQ(*store->Get("row"), "v1");

  EXPECT_EQ(*store->EnsureLayout(2), true);
  EXPECT_EQ(*store->Get("row"), std::nullopt);
  EXPECT_EQ(*store->NewBatch().Mark("leads", "lead-1"), 0u) << "marks are gone, cache included";
  EXPECT_EQ(*store->Offset("sales.leads.v1", 0), std::nullopt);
  EXPECT_EQ(*store->BrokerIdentity(), std::nullopt);
  EXPECT_EQ(*store->FeedPosition("leads"), 1u) << "so the runner catches up from the start";

  store.reset();
  store = OpenStore(dir.path() + "/p");
  EXPECT_EQ(*store->EnsureLayout(2), false) << "the new layout was recorded";
}

TEST(ProjectionStoreTest, AStoreWithoutARecordedLayoutIsEmptiedUnlessNew) {
  sales::testing::TempDir dir;
  auto store = OpenStore(dir.path() + "/p");
  StoreBatch batch = store->NewBatch();
  batch.txn().Put("row", "built before layouts were recorded");
  ASSERT_TRUE(store->Commit(batch).ok());
  EXPECT_EQ(*store->EnsureLayout(1), true);
  EXPECT_EQ(*store->Get("row"), std::nullopt);
  EXPECT_EQ(*store->Checksum(), *OpenStore(dir.path() + "/fresh")->Checksum());
}

TEST(ProjectionStoreTest, ScanVisitsThePrefixInKeyOrder) {
  sales::testing::TempDir dir;
  auto store = OpenStore(dir.path() + "/p");
  StoreBatch batch = store->NewBatch();
  for (const char* key : {"deal/2", "deal/1", "lead/1", "deal/3"}) batch.txn().Put(key, key);
  ASSERT_TRUE(store->Commit(batch).ok());
  std::vector<std::string> keys;
  ASSERT_TRUE(store
                  ->Scan("deal/",
                         [&](absl::string_view key, absl::string_view) {
                           keys.emplace_back(key);
                           return keys.size() < 2;
                         })
                  .ok());
  EXPECT_EQ(keys, (std::vector<std::string>{"deal/1", "deal/2"}));
}

TEST(ProjectionStoreTest, MultiGetAnswersInTheOrderAskedWithAbsentRows) {
  sales::testing::TempDir dir;
  auto store = OpenStore(dir.path() + "/p");
  StoreBatch batch = store->NewBatch();
  batch.txn().Put("b", "2");
  batch.txn().Put("a", "1");
  ASSERT_TRUE(store->Commit(batch).ok());
  const auto rows = store->MultiGet({"b", "missing", "a", "b"});
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, (std::vector<std::optional<std::string>>{"2", std::nullopt, "1", "2"}));
  EXPECT_TRUE(store->MultiGet({})->empty());
}

// A counter kept decoded through ProjectionTxn::Mutable; counts its loads and encodings.
class CountingRow : public AccumulatedRow {
 public:
  static inline int loads = 0;
  static inline int encodes = 0;

  // Loads `key` into a CountingRow and adds `delta` (the row encodes as its decimal value,
  // "" when 0, which deletes it).
  static absl::Status Add(ProjectionTxn& txn, absl::string_view key, int64_t delta) {
    absl::StatusOr<AccumulatedRow*> row =
        txn.Mutable(key,
                    [](std::optional<absl::string_view> stored)
                        -> absl::StatusOr<std::unique_ptr<AccumulatedRow>> {
                      ++loads;
                      auto row = std::make_unique<CountingRow>();
                      if (stored && !absl::SimpleAtoi(*stored, &row->value_)) {
                        return absl::DataLossError("not a number");
                      }
                      return row;
                    });
    if (!row.ok()) return row.status();
    static_cast<CountingRow*>(*row)->value_ += delta;
    return absl::OkStatus();
  }

  std::string Encode() const override {
    ++encodes;
    return value_ == 0 ? "" : absl::StrCat(value_);
  }

 private:
  int64_t value_ = 0;
};

class ProjectionStoreMutableTest : public ::testing::Test {
 protected:
  void SetUp() override { CountingRow::loads = CountingRow::encodes = 0; }
  sales::testing::TempDir dir_;
  std::unique_ptr<ProjectionStore> store_ = OpenStore(dir_.path() + "/p");
};

TEST_F(ProjectionStoreMutableTest, ARowIsLoadedOnceAndEncodedOncePerBatch) {
  StoreBatch batch = store_->NewBatch();
  for (int event = 0; event < 100; ++event) {
    batch.SetSavePoint();
    ASSERT_TRUE(CountingRow::Add(batch.txn(), "count", 1).ok());
    ASSERT_TRUE(CountingRow::Add(batch.txn(), "other", 2).ok());
    batch.DiscardSavePoint();
  }
  EXPECT_EQ(CountingRow::loads, 2);
  EXPECT_EQ(CountingRow::encodes, 0) << "nothing is encoded before the commit";
  ASSERT_TRUE(store_->Commit(batch).ok());
  EXPECT_EQ(CountingRow::encodes, 2);
  EXPECT_EQ(*store_->Get("count"), "100");
  EXPECT_EQ(*store_->Get("other"), "200");

  // The next batch takes the decoded row back (no load) and goes on from there.
  ASSERT_TRUE(CountingRow::Add(batch.txn(), "count", 5).ok());
  ASSERT_TRUE(CountingRow::Add(batch.txn(), "count", 5).ok());
  EXPECT_EQ(CountingRow::loads, 2);
  ASSERT_TRUE(store_->Commit(batch).ok());
  EXPECT_EQ(*store_->Get("count"), "110");
}

TEST_F(ProjectionStoreMutableTest, DecodedRowsAreDroppedWhenTheyMayBeStale) {
  StoreBatch batch = store_->NewBatch();
  ASSERT_TRUE(CountingRow::Add(batch.txn(), "put", 1).ok());
  ASSERT_TRUE(CountingRow::Add(batch.txn(), "dropped", 1).ok());
  ASSERT_TRUE(store_->Commit(batch).ok());
  batch.txn().Put("put", "10");  // a later Put replaces the decoded row's state
  ASSERT_TRUE(store_->Commit(batch).ok());
  {
    StoreBatch discarded = store_->NewBatch();  // takes the decoded row, then is dropped
    ASSERT_TRUE(CountingRow::Add(discarded.txn(), "dropped", 100).ok());
  }
  CountingRow::loads = 0;
  ASSERT_TRUE(CountingRow::Add(batch.txn(), "put", 1).ok());
  ASSERT_TRUE(CountingRow::Add(batch.txn(), "dropped", 1).ok());
  EXPECT_EQ(CountingRow::loads, 2) << "both loaded again from their bytes";
  ASSERT_TRUE(store_->Commit(batch).ok());
  EXPECT_EQ(*store_->Get("put"), "11");
  EXPECT_EQ(*store_->Get("dropped"), "2");
}

TEST_F(ProjectionStoreMutableTest, StoresTheSameBytesAsPutAndDeletesOnEmpty) {
  StoreBatch batch = store_->NewBatch();
  ASSERT_TRUE(CountingRow::Add(batch.txn(), "a", 7).ok());
  ASSERT_TRUE(CountingRow::Add(batch.txn(), "b", 1).ok());
  ASSERT_TRUE(store_->Commit(batch).ok());
  auto other = OpenStore(dir_.path() + "/q");
  StoreBatch puts = other->NewBatch();
  puts.txn().Put("a", "7");
  ASSERT_TRUE(other->Commit(puts).ok());
  EXPECT_NE(*store_->Checksum(), *other->Checksum());

  ASSERT_TRUE(CountingRow::Add(batch.txn(), "b", -1).ok());  // back to 0: the row is deleted
  ASSERT_TRUE(store_->Commit(batch).ok());
  EXPECT_EQ(*store_->Get("b"), std::nullopt);
  EXPECT_EQ(*store_->Checksum(), *other->Checksum());
}

TEST_F(ProjectionStoreMutableTest, AKeyIsUsedThroughMutableOrGetPutNeverBoth) {
  StoreBatch batch = store_->NewBatch();
  ASSERT_TRUE(CountingRow::Add(batch.txn(), "m", 1).ok());
  EXPECT_EQ(batch.txn().Get("m").status().code(), absl::StatusCode::kFailedPrecondition);
  batch.txn().Put("p", "1");
  EXPECT_EQ(CountingRow::Add(batch.txn(), "p", 1).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(ProjectionStoreMutableTest, ALoaderErrorIsReturned) {
  StoreBatch setup = store_->NewBatch();
  setup.txn().Put("bad", "x");
  ASSERT_TRUE(store_->Commit(setup).ok());
  StoreBatch batch = store_->NewBatch();
  EXPECT_EQ(CountingRow::Add(batch.txn(), "bad", 1).code(), absl::StatusCode::kDataLoss);
}

TEST_F(ProjectionStoreMutableTest, RollingBackAfterAMutableCallFailsTheBatch) {
  StoreBatch batch = store_->NewBatch();
  batch.SetSavePoint();
  batch.txn().Put("plain", "1");
  EXPECT_TRUE(batch.RollbackToSavePoint().ok()) << "no Mutable call since the save point";
  ASSERT_TRUE(CountingRow::Add(batch.txn(), "count", 1).ok());
  batch.SetSavePoint();
  batch.txn().Put("plain", "2");
  EXPECT_TRUE(batch.RollbackToSavePoint().ok()) << "the Mutable call came before the save point";
  batch.SetSavePoint();
  ASSERT_TRUE(CountingRow::Add(batch.txn(), "count", 1).ok());
  const absl::Status rollback = batch.RollbackToSavePoint();
  EXPECT_EQ(rollback.code(), absl::StatusCode::kInternal);
  EXPECT_NE(rollback.message().find("decide poison before"), absl::string_view::npos) << rollback;
  EXPECT_EQ(store_->Commit(batch).code(), absl::StatusCode::kInternal) << "the batch is failed";
  EXPECT_EQ(*store_->Get("count"), std::nullopt);

  batch.Clear();  // what the runner does with a failed batch; the batch is usable again
  ASSERT_TRUE(CountingRow::Add(batch.txn(), "count", 3).ok());
  ASSERT_TRUE(store_->Commit(batch).ok());
  EXPECT_EQ(*store_->Get("count"), "3");
}

// Gathers deltas per key and adds them to CountingRows when folded; logs the order of folds.
class SummingAccumulator : public BatchAccumulator {
 public:
  static inline std::vector<std::string> folds;
  static inline absl::Status fold_status = absl::OkStatus();

  static SummingAccumulator& Of(ProjectionTxn& txn, absl::string_view name) {
    return static_cast<SummingAccumulator&>(txn.Accumulator(
        name, [name] { return std::make_unique<SummingAccumulator>(std::string(name)); }));
  }
  explicit SummingAccumulator(std::string name) : name_(std::move(name)) {}
  void Add(const std::string& key, int64_t delta) { deltas_[key] += delta; }

  absl::Status FoldInto(FoldTxn& txn) override {
    folds.push_back(name_);
    RETURN_IF_ERROR(fold_status);
    for (const auto& [key, delta] : deltas_) RETURN_IF_ERROR(CountingRow::Add(txn, key, delta));
    return absl::OkStatus();
  }

 private:
  std::string name_;
  std::map<std::string, int64_t> deltas_;
};

class ProjectionStoreAccumulatorTest : public ProjectionStoreMutableTest {
 protected:
  void SetUp() override {
    ProjectionStoreMutableTest::SetUp();
    SummingAccumulator::folds.clear();
    SummingAccumulator::fold_status = absl::OkStatus();
  }
};

TEST_F(ProjectionStoreAccumulatorTest, GathersTheBatchAndFoldsItOnceInNameOrder) {
  StoreBatch batch = store_->NewBatch();
  for (int event = 0; event < 50; ++event) {
    SummingAccumulator::Of(batch.txn(), "z-second").Add("count", 1);
    SummingAccumulator::Of(batch.txn(), "a-first").Add("count", 2);
  }
  EXPECT_TRUE(SummingAccumulator::folds.empty()) << "nothing is folded before the commit";
  ASSERT_TRUE(store_->Commit(batch).ok());
  EXPECT_EQ(SummingAccumulator::folds, (std::vector<std::string>{"a-first", "z-second"}));
  EXPECT_EQ(*store_->Get("count"), "150");
  EXPECT_EQ(CountingRow::loads, 1) << "both folds change the one decoded row";

  // The next batch starts with fresh accumulators.
  SummingAccumulator::Of(batch.txn(), "a-first").Add("count", -150);
  ASSERT_TRUE(store_->Commit(batch).ok());
  EXPECT_EQ(*store_->Get("count"), std::nullopt);
}

TEST_F(ProjectionStoreAccumulatorTest, AFoldErrorFailsTheWriteAndNothingOfTheBatchIsStored) {
  StoreBatch batch = store_->NewBatch();
  SummingAccumulator::Of(batch.txn(), "sum").Add("count", 1);
  ASSERT_TRUE(store_->Commit(batch).ok());
  EXPECT_EQ(CountingRow::loads, 1);

  SummingAccumulator::Of(batch.txn(), "sum").Add("count", 10);
  batch.txn().Put("plain", "x");
  batch.SetMark("leads", "lead-1", 3);
  SummingAccumulator::fold_status = absl::DataLossError("bad row");
  ASSERT_TRUE(store_->CommitInBackground(batch).ok()) << "the fold runs on the committer thread";
  const absl::Status commit = store_->AwaitCommit();
  EXPECT_EQ(commit.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(commit.message().find("accumulator sum"), absl::string_view::npos) << commit;
  EXPECT_EQ(*store_->Get("count"), "1");
  EXPECT_EQ(*store_->Get("plain"), std::nullopt);
  EXPECT_EQ(*batch.Mark("leads", "lead-1"), 0u);

  SummingAccumulator::fold_status = absl::OkStatus();
  SummingAccumulator::Of(batch.txn(), "sum").Add("count", 4);
  ASSERT_TRUE(store_->Commit(batch).ok());
  EXPECT_EQ(*store_->Get("count"), "5") << "the failed batch's delta is gone";
  EXPECT_EQ(CountingRow::loads, 2) << "the failed fold's decoded rows were dropped and reloaded";
}

TEST_F(ProjectionStoreAccumulatorTest, TheNextBatchIsAppliedWhileTheFoldRuns) {
  StoreBatch batch = store_->NewBatch();
  SummingAccumulator::Of(batch.txn(), "sum").Add("count", 2);
  ASSERT_TRUE(store_->CommitInBackground(batch).ok());
  // The next batch gathers on top of the one being folded; the folds add up in batch order.
  SummingAccumulator::Of(batch.txn(), "sum").Add("count", 3);
  batch.txn().Put("plain", "y");
  ASSERT_TRUE(store_->AwaitCommit().ok());
  ASSERT_TRUE(store_->Commit(batch).ok());
  EXPECT_EQ(*store_->Get("count"), "5");
  EXPECT_EQ(*store_->Get("plain"), "y");
  EXPECT_EQ(CountingRow::loads, 1) << "the folded row stays decoded across batches";
}

// Uses another accumulator from its fold, which only Apply may do.
class NestingAccumulator : public BatchAccumulator {
 public:
  absl::Status FoldInto(FoldTxn& txn) override {
    SummingAccumulator::Of(txn, "inner").Add("count", 1);
    return absl::OkStatus();
  }
};

TEST_F(ProjectionStoreAccumulatorTest, AFoldUsingAnAccumulatorFailsTheBatch) {
  StoreBatch batch = store_->NewBatch();
  batch.txn().Accumulator("outer", [] { return std::make_unique<NestingAccumulator>(); });
  const absl::Status commit = store_->Commit(batch);
  EXPECT_EQ(commit.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(commit.message().find("accumulator inner"), absl::string_view::npos) << commit;
  EXPECT_EQ(*store_->Get("count"), std::nullopt);
}

TEST_F(ProjectionStoreAccumulatorTest, ClearDropsWhatWasGathered) {
  StoreBatch batch = store_->NewBatch();
  SummingAccumulator::Of(batch.txn(), "sum").Add("count", 5);
  batch.Clear();
  ASSERT_TRUE(store_->Commit(batch).ok());
  EXPECT_TRUE(SummingAccumulator::folds.empty());
  EXPECT_EQ(*store_->Get("count"), std::nullopt);
}

TEST_F(ProjectionStoreAccumulatorTest, RollingBackAfterUsingAnAccumulatorFailsTheBatch) {
  StoreBatch batch = store_->NewBatch();
  batch.SetSavePoint();
  SummingAccumulator::Of(batch.txn(), "sum").Add("count", 1);
  EXPECT_EQ(batch.RollbackToSavePoint().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(store_->Commit(batch).code(), absl::StatusCode::kInternal);
}

TEST_F(ProjectionStoreMutableTest, ABatchBuiltWhileAnotherIsInFlightLoadsItsRows) {
  // Without decoded rows kept, the next batch decodes the in-flight batch's bytes.
  store_.reset();
  auto opened = ProjectionStore::Open(dir_.path() + "/p", {.decoded_row_cache_bytes = 0});
  ASSERT_TRUE(opened.ok()) << opened.status();
  store_ = *std::move(opened);
  StoreBatch first = store_->NewBatch();
  ASSERT_TRUE(CountingRow::Add(first.txn(), "count", 4).ok());
  ASSERT_TRUE(CountingRow::Add(first.txn(), "gone", 1).ok());
  ASSERT_TRUE(store_->CommitInBackground(first).ok());
  EXPECT_EQ(CountingRow::encodes, 2) << "encoded when handed over";

  StoreBatch second = store_->NewBatch();
  ASSERT_TRUE(CountingRow::Add(second.txn(), "count", 1).ok());  // loads "4" from in flight
  ASSERT_TRUE(CountingRow::Add(second.txn(), "gone", -1).ok());
  ASSERT_TRUE(store_->AwaitCommit().ok());
  EXPECT_EQ(*store_->Get("count"), "4");
  ASSERT_TRUE(CountingRow::Add(second.txn(), "count", 1).ok());  // still the batch's own row
  EXPECT_EQ(CountingRow::loads, 4);
  ASSERT_TRUE(store_->Commit(second).ok());
  EXPECT_EQ(*store_->Get("count"), "6");
  EXPECT_EQ(*store_->Get("gone"), std::nullopt);
  // Read back as plain bytes by a later batch.
  EXPECT_EQ(*store_->NewBatch().txn().Get("count"), "6");
}

// An event feed holding one stream's events, for the gap-fill path.
class OneStreamFeed : public feed::EventFeedReader {
 public:
  explicit OneStreamFeed(std::vector<EventEnvelope> events) : events_(std::move(events)) {}
  absl::StatusOr<std::vector<EventEnvelope>> ReadAll(uint64_t, size_t) override { return events_; }
  absl::StatusOr<std::vector<EventEnvelope>> ReadStream(const std::string&, uint64_t from,
                                                        uint64_t to) override {
    std::vector<EventEnvelope> out;
    for (const EventEnvelope& e : events_) {
      if (e.stream_version() >= from && (to == 0 || e.stream_version() <= to)) out.push_back(e);
    }
    return out;
  }
  absl::StatusOr<uint64_t> HeadPosition() override { return events_.size(); }
  absl::StatusOr<std::vector<eventstore::StoredEvent>> ReadStreamStored(const std::string&,
                                                                        uint64_t, size_t) override {
    return absl::UnimplementedError("not used by the gap fill");
  }
  absl::StatusOr<eventstore::StreamHead> GetStreamHead(const std::string&) override {
    return absl::UnimplementedError("not used by the gap fill");
  }

 private:
  std::vector<EventEnvelope> events_;
};

EventEnvelope Event(uint64_t version, const std::string& type = "t") {
  EventEnvelope event;
  event.set_service("s");
  event.set_stream_id("stream");
  event.set_stream_version(version);
  event.set_global_position(version);
  event.set_event_type(type);
  return event;
}

// The same, as an event handed to EventApplier::Offer.
eventstore::SharedEvent SharedEvent(uint64_t version) {
  return std::make_shared<EventEnvelope>(Event(version));
}

TEST(ProjectionStoreTest, ABatchBuiltWhileAnotherIsInFlightReadsItsChanges) {
  sales::testing::TempDir dir;
  auto store = OpenStore(dir.path() + "/p");
  StoreBatch setup = store->NewBatch();
  setup.txn().Put("n", "0");
  setup.txn().Put("gone", "x");
  setup.SetMark("topic", "s-1", 1);
  ASSERT_TRUE(store->Commit(setup).ok());

  StoreBatch first = store->NewBatch();
  first.txn().Put("n", "1");
  first.txn().Delete("gone");
  first.SetMark("topic", "s-1", 2);
  first.SetOffset("topic", 0, 10);
  ASSERT_TRUE(store->CommitInBackground(first).ok());

  StoreBatch second = store->NewBatch();
  second.txn().Put("other", "y");
  EXPECT_FALSE(store->CommitInBackground(second).ok()) << "two batches in flight";
  EXPECT_EQ(*second.txn().Get("other"), "y");  // the refused batch is unchanged
  // Built on top of the batch in flight, whether or not its write has ended yet.
  EXPECT_EQ(*second.txn().Get("n"), "1");
  EXPECT_EQ(*second.txn().Get("gone"), std::nullopt);
  EXPECT_EQ(*second.Mark("topic", "s-1"), 2);
  second.txn().Put("n", "2");
  second.SetMark("topic", "s-1", 3);

  ASSERT_TRUE(store->AwaitCommit().ok());
  EXPECT_TRUE(store->CommitSettled());
  EXPECT_EQ(*store->Get("n"), "1");
  EXPECT_EQ(*store->Get("gone"), std::nullopt);
  EXPECT_EQ(*store->Offset("topic", 0), 10);
  EXPECT_EQ(*second.txn().Get("n"), "2");
  EXPECT_EQ(*second.Mark("topic", "s-1"), 3);

  ASSERT_TRUE(store->CommitInBackground(second).ok());
  ASSERT_TRUE(store->AwaitCommit().ok());
  EXPECT_EQ(*store->Get("n"), "2");
  EXPECT_EQ(*store->Get("other"), "y");
  EXPECT_EQ(*store->NewBatch().Mark("topic", "s-1"), 3);
  EXPECT_TRUE(store->AwaitCommit().ok()) << "nothing in flight";
}

// What a batch's `landed` callback records (a runner's applied counts) is never behind what a
// reader sees: a reader that sees the batch's row sees what the callback did.
TEST(ProjectionStoreTest, ABatchIsVisibleToReadersOnlyOnceItsLandedCallbackHasRun) {
  sales::testing::TempDir dir;
  auto store = OpenStore(dir.path() + "/p");
  std::atomic<bool> counted{false};
  StoreBatch batch = store->NewBatch();
  batch.txn().Put("n", "1");
  ASSERT_TRUE(store
                  ->CommitInBackground(batch,
                                       [&counted] {
                                         // A slow callback: a reader polling meanwhile must wait.
                                         absl::SleepFor(absl::Milliseconds(100));
                                         counted = true;
                                       })
                  .ok());
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (*store->Get("n") == std::nullopt && absl::Now() < deadline) {
    absl::SleepFor(absl::Microseconds(100));
  }
  EXPECT_TRUE(counted) << "the row was visible before its batch was counted";
  ASSERT_TRUE(store->AwaitCommit().ok());
}

TEST(ProjectionStoreTest, ClosingTheStoreWithABatchInFlightLandsItWhole) {
  sales::testing::TempDir dir;
  const std::string path = dir.path() + "/p";
  {
    auto store = OpenStore(path);
    StoreBatch batch = store->NewBatch();
    for (int i = 0; i < 5000; ++i) batch.txn().Put(absl::StrCat("row-", i), "v");
    batch.SetMark("topic", "s-1", 7);
    batch.SetOffset("topic", 0, 5000);
    ASSERT_TRUE(store->CommitInBackground(batch).ok());
  }  // closed without AwaitCommit, most likely while the write is running
  auto store = OpenStore(path);
  EXPECT_EQ(*store->Offset("topic", 0), 5000);
  EXPECT_EQ(*store->NewBatch().Mark("topic", "s-1"), 7);
  int rows = 0;
  ASSERT_TRUE(store
                  ->Scan("row-",
                         [&rows](absl::string_view, absl::string_view) {
                           ++rows;
                           return true;
                         })
                  .ok());
  EXPECT_EQ(rows, 5000);
}

TEST(EventApplierTest, SkipsDuplicatesFillsGapsAndDeadLettersPoison) {
  sales::testing::TempDir dir;
  auto store = OpenStore(dir.path() + "/p");
  OneStreamFeed feed(
      {Event(1), Event(2), Event(3, std::string(testing::kPoisonEventType)), Event(4)});
  ProjectionSource source{.topic = "topic", .feed = &feed};
  testing::StreamChainProjection projection;
  EventApplier applier(projection);
  StoreBatch batch = store->NewBatch();
  BatchOutcome outcome;

  ASSERT_TRUE(applier.Offer(source, SharedEvent(1), nullptr, batch, outcome).ok());
  ASSERT_TRUE(applier.Offer(source, SharedEvent(1), nullptr, batch, outcome).ok());  // duplicate
  ASSERT_TRUE(applier.Offer(source, SharedEvent(4), nullptr, batch, outcome).ok());  // gap 2..3
  ASSERT_TRUE(store->Commit(batch).ok());

  EXPECT_EQ(outcome.duplicates, 1);
  EXPECT_EQ(outcome.gap_events_filled, 2);
  ASSERT_EQ(outcome.applied.size(), 3);  // 1, 2, 4; the poison event 3 is not applied
  ASSERT_EQ(outcome.dead_letters.size(), 1);
  EXPECT_EQ(outcome.dead_letters[0].message.partition, -1);  // it came from the feed
  EXPECT_EQ(*store->NewBatch().Mark("topic", "stream"), 4);
  EXPECT_EQ(testing::StreamChainProjection::Read(*store, "s", "stream")->count, 3);
}

TEST(EventApplierTest, AGapTheFeedCannotFillDeadLettersTheEventAndKeepsTheMark) {
  sales::testing::TempDir dir;
  auto store = OpenStore(dir.path() + "/p");
  OneStreamFeed feed({Event(1)});
  ProjectionSource source{.topic = "topic", .feed = &feed};
  testing::StreamChainProjection projection;
  EventApplier applier(projection);
  StoreBatch batch = store->NewBatch();
  BatchOutcome outcome;
  ASSERT_TRUE(applier.Offer(source, SharedEvent(1), nullptr, batch, outcome).ok());
  ASSERT_TRUE(applier.Offer(source, SharedEvent(3), nullptr, batch, outcome).ok());
  ASSERT_EQ(outcome.dead_letters.size(), 1);
  EXPECT_NE(outcome.dead_letters[0].reason.find("version gap"), std::string::npos);
  EXPECT_EQ(*batch.Mark("topic", "stream"), 1);
}

// Adds its deltas to counter rows (FoldTxn::AddToCounterRow); `also_put` is Put in the fold first.
class CounterAccumulator : public BatchAccumulator {
 public:
  using Slots = std::vector<std::pair<uint32_t, int64_t>>;
  static CounterAccumulator& Of(ProjectionTxn& txn) {
    return static_cast<CounterAccumulator&>(
        txn.Accumulator("counters", [] { return std::make_unique<CounterAccumulator>(); }));
  }
  void Add(const std::string& key, Slots deltas) { rows_.emplace_back(key, std::move(deltas)); }
  std::string also_put;

  absl::Status FoldInto(FoldTxn& txn) override {
    if (!also_put.empty()) txn.Put(also_put, "plain");
    for (const auto& [key, deltas] : rows_) txn.AddToCounterRow(key, deltas);
    return absl::OkStatus();
  }

 private:
  std::vector<std::pair<std::string, Slots>> rows_;
};

TEST_F(ProjectionStoreMutableTest, CounterRowsAreSumsOfWhatFoldsAddedAcrossBatchesAndReopens) {
  StoreBatch batch = store_->NewBatch();
  CounterAccumulator::Of(batch.txn()).Add("c", {{1, 2}, {5, 3}});
  ASSERT_TRUE(store_->Commit(batch).ok());
  CounterAccumulator::Of(batch.txn()).Add("c", {{1, -2}, {7, 1}});
  ASSERT_TRUE(store_->CommitInBackground(batch).ok());
  CounterAccumulator::Of(batch.txn()).Add("c", {{7, 4}});
  ASSERT_TRUE(store_->AwaitCommit().ok());
  ASSERT_TRUE(store_->Commit(batch).ok());
  const std::string expected = EncodeCounterSlots({{5, 3}, {7, 5}});
  EXPECT_EQ(*store_->Get("c"), expected);

  store_.reset();
  store_ = OpenStore(dir_.path() + "/p");
  EXPECT_EQ(*store_->Get("c"), expected);
  CounterAccumulator::Of(batch.txn()).Add("c", {{5, -3}, {7, -5}});
  ASSERT_TRUE(store_->Commit(batch).ok());
  EXPECT_EQ(*store_->Get("c"), "") << "a row that sums to zero stays, empty";
}

// Whether a counter row exists, and so the checksum, depends on what was added, not on batching:
// deltas that cancel out within one batch leave the same row as across two.
TEST(ProjectionStoreCounterTest, RowsThatSumToZeroAreTheSameInAnyBatchingAndScansSkipThem) {
  sales::testing::TempDir dir;
  auto split = OpenStore(dir.path() + "/split");
  auto together = OpenStore(dir.path() + "/together");
  StoreBatch split_batch = split->NewBatch();
  CounterAccumulator::Of(split_batch.txn()).Add("c/a", {{1, 2}});
  CounterAccumulator::Of(split_batch.txn()).Add("c/b", {{1, 1}});
  ASSERT_TRUE(split->Commit(split_batch).ok());
  CounterAccumulator::Of(split_batch.txn()).Add("c/a", {{1, -2}});
  ASSERT_TRUE(split->Commit(split_batch).ok());
  StoreBatch together_batch = together->NewBatch();
  CounterAccumulator::Of(together_batch.txn()).Add("c/a", {});  // +2 and −2 summed by the fold
  CounterAccumulator::Of(together_batch.txn()).Add("c/b", {{1, 1}});
  ASSERT_TRUE(together->Commit(together_batch).ok());

  EXPECT_EQ(*split->Checksum(), *together->Checksum());
  ASSERT_TRUE(split->CompactReadModel().ok());
  EXPECT_EQ(*split->Checksum(), *together->Checksum()) << "summed into values, the same rows";
  EXPECT_EQ(*split->Get("c/a"), "");
  std::vector<std::string> visited;
  ASSERT_TRUE(ScanCounterRows(*split, "c/", [&](absl::string_view key, absl::string_view) {
                visited.emplace_back(key);
                return true;
              }).ok());
  EXPECT_EQ(visited, std::vector<std::string>{"c/b"}) << "c/a sums to zero";
}

// Small batches' counter deltas wait in memory and in a log before they reach their rows
// (pending_counter_rows.h): every read sees them as if they had, across sweeps and reopens.
TEST(ProjectionStoreCounterTest, PendingSumsReadAsStoredRowsAcrossSweepsAndReopens) {
  sales::testing::TempDir dir;
  auto small = OpenStore(dir.path() + "/small");
  auto whole = OpenStore(dir.path() + "/whole");
  StoreBatch small_batch = small->NewBatch();
  StoreBatch whole_batch = whole->NewBatch();
  std::map<std::string, std::map<uint32_t, int64_t>> expected;
  const auto expected_row = [&](const std::string& key) -> std::optional<std::string> {
    auto it = expected.find(key);
    if (it == expected.end()) return std::nullopt;
    CounterAccumulator::Slots slots(it->second.begin(), it->second.end());
    return EncodeCounterSlots(slots);
  };
  const int batches = 2 * static_cast<int>(PendingCounterRows::kMaxLoggedBatches) + 5;
  for (int b = 0; b < batches; ++b) {
    for (int r = 0; r < 3; ++r) {
      const std::string key = absl::StrCat("c/", (b + r) % 7);
      const CounterAccumulator::Slots deltas = {{static_cast<uint32_t>(r), b % 3 - 1},
                                                {static_cast<uint32_t>(10 + b % 5), 1}};
      CounterAccumulator::Of(small_batch.txn()).Add(key, deltas);
      CounterAccumulator::Of(whole_batch.txn()).Add(key, deltas);
      for (const auto& [slot, delta] : deltas) expected[key][slot] += delta;
    }
    small_batch.txn().Put(absl::StrCat("p/", b), "plain");
    whole_batch.txn().Put(absl::StrCat("p/", b), "plain");
    ASSERT_TRUE(small->Commit(small_batch).ok());
    if (b % 9 != 4) continue;
    for (const auto& [key, slots] : expected) {
      ASSERT_EQ(*small->Get(key), expected_row(key)) << key << " after batch " << b;
    }
    const auto rows = small->MultiGet({"c/3", "c/none", "p/0"});
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ((*rows)[0], expected_row("c/3"));
    EXPECT_EQ((*rows)[1], std::nullopt);
    EXPECT_EQ((*rows)[2], "plain");
    std::vector<std::string> scanned;
    ASSERT_TRUE(small
                    ->Scan("c/",
                           [&](absl::string_view key, absl::string_view value) {
                             EXPECT_EQ(value, expected_row(std::string(key))) << key;
                             scanned.emplace_back(key);
                             return true;
                           })
                    .ok());
    EXPECT_EQ(scanned.size(), expected.size()) << "in key order, each once";
    EXPECT_TRUE(std::is_sorted(scanned.begin(), scanned.end()));
  }
  ASSERT_TRUE(whole->Commit(whole_batch).ok());
  const std::string checksum = *whole->Checksum();
  EXPECT_EQ(*small->Checksum(), checksum);
  EXPECT_EQ(small->Digest()->model, checksum);

  small.reset();  // what is pending is in the log
  small = OpenStore(dir.path() + "/small");
  EXPECT_EQ(*small->Checksum(), checksum);
  EXPECT_EQ(*small->Get("c/5"), expected_row("c/5"));
  ASSERT_TRUE(small->CompactReadModel().ok());
  EXPECT_EQ(*small->Checksum(), checksum);
  EXPECT_EQ(*small->EnsureLayout(99), true);
  EXPECT_EQ(*small->Get("c/5"), std::nullopt) << "a new layout forgets the pending sums";
}

TEST_F(ProjectionStoreMutableTest, AFoldThatWritesARowWithPendingDeltasFailsTheBatch) {
  StoreBatch batch = store_->NewBatch();
  CounterAccumulator::Of(batch.txn()).Add("c", {{1, 1}});
  ASSERT_TRUE(store_->Commit(batch).ok());  // a small batch: its delta is pending
  CounterAccumulator& counters = CounterAccumulator::Of(batch.txn());
  counters.also_put = "c";
  const absl::Status commit = store_->Commit(batch);
  EXPECT_EQ(commit.code(), absl::StatusCode::kFailedPrecondition) << commit;
  EXPECT_EQ(*store_->Get("c"), EncodeCounterSlots({{1, 1}})) << "the row is unchanged";

  store_.reset();  // a clean close sweeps the pending deltas into their rows
  store_ = OpenStore(dir_.path() + "/p");
  EXPECT_EQ(*store_->Get("c"), EncodeCounterSlots({{1, 1}}));
  StoreBatch next = store_->NewBatch();
  CounterAccumulator::Of(next.txn()).also_put = "c";
  EXPECT_TRUE(store_->Commit(next).ok()) << "swept: a plain write of the row is the fold's own "
                                            "business again (as before pending rows)";
}

TEST_F(ProjectionStoreMutableTest, AFoldThatAddsToARowItAlsoWritesFailsTheBatch) {
  StoreBatch batch = store_->NewBatch();
  CounterAccumulator& counters = CounterAccumulator::Of(batch.txn());
  counters.also_put = "c";
  counters.Add("c", {{1, 1}});
  const absl::Status commit = store_->Commit(batch);
  EXPECT_EQ(commit.code(), absl::StatusCode::kFailedPrecondition) << commit;
  EXPECT_NE(commit.message().find("more than one way"), absl::string_view::npos) << commit;
  EXPECT_EQ(*store_->Get("c"), std::nullopt) << "nothing of the batch is stored";
}

}  // namespace
}  // namespace sales::projection
