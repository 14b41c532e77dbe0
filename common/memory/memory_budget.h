// MemoryBudget: the memory one process may use, shared by every context and projection it hosts.
// Without it every database and cache sized itself (RocksDB's per-family memtables and block
// caches, entry-counted aggregate caches, per-store row caches): RSS grew by ~1 KB per event under
// load, and each added context or projection would have added its own.
//
//   memory::MemoryBudget budget(size_t{512} << 20, &metrics);
//   budget.ConfigureDatabase(db_options);            // every database: one write-buffer manager
//   budget.ConfigureTable(table_options);            // every column family: one block cache
//   std::shared_ptr<memory::CacheShare> share = budget.JoinCaches("leads/aggregates", 7);
//   if (cache_bytes > share->limit()) {              // the cache keeps itself under its limit
//     Evict(...);
//     share->NoteEviction();                         // and says when the limit made it evict
//   }
//   share->set_bytes(cache_bytes);                   // and what it holds (/metrics)
//
// How the budget is split (fractions of the total, kRocksDbShare and kCacheShare):
// - RocksDB, 30 %: one LRU block cache for every database of the process, which also holds the
//   tables' index and filter blocks and is charged with every memtable (a WriteBufferManager
//   over the same cache, flushing when memtables pass half of it) — so blocks, indexes, filters
//   and write buffers together stay within this share.
// - In-memory caches, 30 %: the caches of decoded state that spare a fold or a RocksDB read
//   (aggregate snapshots and stream heads of the write sides, projection stores' marks and rows).
//   A cache counts its bytes itself (an estimate of its entries, their heap parts and its
//   tables) and evicts to stay under its limit. Limits follow demand, by weight (water-filling,
//   at most once a second, when a cache reports that its limit made it evict, and whenever a
//   cache joins or leaves): a cache that did not evict since the last rebalance is given what it
//   holds plus room to grow (a quarter, at least 1 MiB); what that leaves is split between the
//   caches that did evict, in proportion to their weights. A cache never gets less than its
//   weight's part of the share unless it holds less. So a projection that barely uses its caches
//   (a small replica) leaves their room to busy ones.
// - The rest, 40 %, is left for what has no knob: the embedded broker's retained messages (at
//   most ~5 MiB per partition: ~70 MiB for the leads topic under load), code, thread stacks,
//   gRPC and Kafka client buffers, protobuf arenas of requests in flight, allocator slack.
// Caches whose size is bounded by the data's nature (the one organisation aggregate, pipeline
// settings) have fixed byte limits and do not join.
//
// Thread-safety: every method may be called concurrently; a CacheShare's limit may change while a
// cache reads it (it only ever reads the latest value). A cache may call NoteEviction under its
// own lock: the budget never calls into a cache.
#ifndef SALES_COMMON_MEMORY_MEMORY_BUDGET_H_
#define SALES_COMMON_MEMORY_MEMORY_BUDGET_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/metrics/metrics_registry.h"
#include "rocksdb/cache.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/write_buffer_manager.h"

namespace sales::memory {

class MemoryBudget;

// The byte limit of one in-memory cache and the bytes it holds. A share made by Fixed() has a
// constant limit (tests, benchmarks, a store opened without a budget).
class CacheShare {
 public:
  static std::shared_ptr<CacheShare> Fixed(size_t limit_bytes);
  ~CacheShare();
  CacheShare(const CacheShare&) = delete;
  CacheShare& operator=(const CacheShare&) = delete;

  // The most this cache may hold now.
  size_t limit() const { return limit_.load(std::memory_order_relaxed); }
  // What the cache holds now, as it counts it; exported on /metrics.
  void set_bytes(size_t bytes) { bytes_.store(bytes, std::memory_order_relaxed); }
  size_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
  // The cache evicted entries because of its limit: it would use more. May rebalance the
  // budget (at most once a second).
  void NoteEviction();

 private:
  friend class MemoryBudget;
  CacheShare() = default;

  std::atomic<size_t> limit_{0};
  std::atomic<size_t> bytes_{0};
  std::atomic<bool> evicted_{false};  // since the last rebalance
  MemoryBudget* budget_ = nullptr;    // null for a fixed share
  double weight_ = 1;
  std::vector<metrics::CallbackGaugeRegistration> gauges_;
};

class MemoryBudget {
 public:
  static constexpr double kRocksDbShare = 0.30;
  static constexpr double kCacheShare = 0.30;

  // `metrics`: where the budget, RocksDB's usage and every cache's bytes and limit are exported
  // (null: nowhere). Must outlive the budget. `rebalance_interval`: the least time between two
  // rebalances asked for by evictions (tests shorten it).
  MemoryBudget(size_t total_bytes, metrics::MetricsRegistry* metrics,
               absl::Duration rebalance_interval = absl::Seconds(1));
  ~MemoryBudget();
  MemoryBudget(const MemoryBudget&) = delete;
  MemoryBudget& operator=(const MemoryBudget&) = delete;

  size_t total_bytes() const { return total_bytes_; }

  // A database of the process writes its memtables under the shared write-buffer manager.
  void ConfigureDatabase(rocksdb::DBOptions& options) const;
  // A column family's tables read through the shared block cache, which also holds (and
  // charges) their index and filter blocks; level-0 ones stay pinned, as they are read by most
  // lookups.
  void ConfigureTable(rocksdb::BlockBasedTableOptions& options) const;

  // Joins the in-memory caches' share as `name` (e.g. "funnel/rows"; distinct names) with
  // `weight` > 0. The cache must keep its bytes at or under the share's limit; it leaves the
  // budget when the last owner releases the share, which must happen before the budget dies.
  std::shared_ptr<CacheShare> JoinCaches(std::string name, double weight);

  // RocksDB's bytes in the shared block cache (blocks, indexes, filters and the memtables'
  // reservations) and the memtables' own bytes.
  size_t rocksdb_cache_bytes() const;
  size_t memtable_bytes() const;

 private:
  friend class CacheShare;
  void Leave(CacheShare* share);
  // Rebalances unless the last rebalance was less than rebalance_interval_ ago.
  void MaybeRebalance();
  void Rebalance() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t total_bytes_;
  metrics::MetricsRegistry* const metrics_;
  const absl::Duration rebalance_interval_;
  std::shared_ptr<rocksdb::Cache> block_cache_;
  std::shared_ptr<rocksdb::WriteBufferManager> write_buffers_;
  std::vector<metrics::CallbackGaugeRegistration> gauges_;

  absl::Mutex mu_;
  std::vector<CacheShare*> members_ ABSL_GUARDED_BY(mu_);
  std::atomic<int64_t> last_rebalance_nanos_{0};  // absl::GetCurrentTimeNanos()
};

// `budget`'s share for `name` (see JoinCaches), or a fixed limit of `fixed_bytes` when there is
// no budget (tests, benchmarks, tools).
std::shared_ptr<CacheShare> JoinCachesOrFixed(MemoryBudget* budget, std::string name, double weight,
                                              size_t fixed_bytes);

}  // namespace sales::memory

#endif  // SALES_COMMON_MEMORY_MEMORY_BUDGET_H_
