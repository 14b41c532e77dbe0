#include "common/memory/memory_budget.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace sales::memory {
namespace {

// The least room to grow a cache that did not evict is given beyond what it holds.
constexpr double kMinimumRoom = 1 << 20;

}  // namespace

std::shared_ptr<CacheShare> CacheShare::Fixed(size_t limit_bytes) {
  std::shared_ptr<CacheShare> share(new CacheShare());
  share->limit_.store(limit_bytes, std::memory_order_relaxed);
  return share;
}

CacheShare::~CacheShare() {
  if (budget_ != nullptr) budget_->Leave(this);
}

void CacheShare::NoteEviction() {
  if (budget_ == nullptr) return;
  evicted_.store(true, std::memory_order_relaxed);
  budget_->MaybeRebalance();
}

MemoryBudget::MemoryBudget(size_t total_bytes, metrics::MetricsRegistry* metrics,
                           absl::Duration rebalance_interval)
    : total_bytes_(total_bytes), metrics_(metrics), rebalance_interval_(rebalance_interval) {
  const auto rocksdb_bytes = static_cast<size_t>(static_cast<double>(total_bytes) * kRocksDbShare);
  // Not a strict limit: a read that needs a block when every block is pinned still gets it
  // (over the capacity for a moment) instead of failing.
  block_cache_ = rocksdb::NewLRUCache(rocksdb_bytes);
  // Memtables are charged to the block cache (they displace blocks) and flushed once they pass
  // half of it; writes are never stalled by it (allow_stall = false).
  write_buffers_ = std::make_shared<rocksdb::WriteBufferManager>(rocksdb_bytes / 2, block_cache_);
  if (metrics_ == nullptr) return;
  gauges_.push_back(metrics_->AddCallbackGauge(
      "sales_memory_budget_bytes", "The process's memory budget (--memory_budget).", {},
      [this] { return static_cast<double>(total_bytes_); }));
  gauges_.push_back(metrics_->AddCallbackGauge(
      "sales_rocksdb_block_cache_bytes",
      "Bytes in the block cache shared by every RocksDB database of the process: blocks, index "
      "and filter blocks, and the memtables' reservations.",
      {}, [this] { return static_cast<double>(rocksdb_cache_bytes()); }));
  gauges_.push_back(metrics_->AddCallbackGauge(
      "sales_rocksdb_memtable_bytes", "Bytes of every RocksDB memtable of the process.", {},
      [this] { return static_cast<double>(memtable_bytes()); }));
}

MemoryBudget::~MemoryBudget() = default;

void MemoryBudget::ConfigureDatabase(rocksdb::DBOptions& options) const {
  options.write_buffer_manager = write_buffers_;
}

void MemoryBudget::ConfigureTable(rocksdb::BlockBasedTableOptions& options) const {
  options.block_cache = block_cache_;
  options.cache_index_and_filter_blocks = true;
  options.cache_index_and_filter_blocks_with_high_priority = true;
  options.pin_l0_filter_and_index_blocks_in_cache = true;
  // Partitioned index and filters: a large table's index and filter are not one block of
  // megabytes that a lookup must load (and checksum) whole whenever the shared cache dropped it,
  // but small partitions under a pinned top level. Without this, at 10^7 streams each new-stream
  // append and each cold read spent most of its time reading and hashing such blocks.
  options.index_type = rocksdb::BlockBasedTableOptions::IndexType::kTwoLevelIndexSearch;
  options.partition_filters = true;
  options.metadata_block_size = 4096;
  options.pin_top_level_index_and_filter = true;
}

std::shared_ptr<CacheShare> MemoryBudget::JoinCaches(std::string name, double weight) {
  std::shared_ptr<CacheShare> share(new CacheShare());
  share->budget_ = this;
  share->weight_ = std::max(weight, 1e-3);
  if (metrics_ != nullptr) {
    const metrics::Labels labels = {{"cache", std::move(name)}};
    CacheShare* raw = share.get();
    share->gauges_.push_back(metrics_->AddCallbackGauge(
        "sales_cache_bytes", "Bytes an in-memory cache holds (its own estimate).", labels,
        [raw] { return static_cast<double>(raw->bytes()); }));
    share->gauges_.push_back(metrics_->AddCallbackGauge(
        "sales_cache_limit_bytes", "The most an in-memory cache may hold: its part of the budget.",
        labels, [raw] { return static_cast<double>(raw->limit()); }));
  }
  absl::MutexLock lock(&mu_);
  members_.push_back(share.get());
  Rebalance();
  return share;
}

void MemoryBudget::Leave(CacheShare* share) {
  absl::MutexLock lock(&mu_);
  std::erase(members_, share);
  Rebalance();
}

void MemoryBudget::MaybeRebalance() {
  const int64_t now = absl::GetCurrentTimeNanos();
  int64_t last = last_rebalance_nanos_.load(std::memory_order_relaxed);
  if (absl::Nanoseconds(now - last) < rebalance_interval_) return;
  // One caller per second rebalances; the others go on with their current limits.
  if (!last_rebalance_nanos_.compare_exchange_strong(last, now)) return;
  absl::MutexLock lock(&mu_);
  Rebalance();
}

void MemoryBudget::Rebalance() {
  last_rebalance_nanos_.store(absl::GetCurrentTimeNanos(), std::memory_order_relaxed);
  struct Claim {
    CacheShare* share;
    double demand;  // bytes; infinite for a cache that evicted since the last rebalance
  };
  std::vector<Claim> claims;
  claims.reserve(members_.size());
  double weight_left = 0;
  for (CacheShare* share : members_) {
    const auto held = static_cast<double>(share->bytes());
    const bool evicted = share->evicted_.exchange(false, std::memory_order_relaxed);
    claims.push_back({share, evicted ? std::numeric_limits<double>::infinity()
                                     : std::max(held * 1.25, held + kMinimumRoom)});
    weight_left += share->weight_;
  }
  // Water-filling: the smallest demands per unit of weight are met first, each at most at its
  // weight's part of what is left; the caches that evicted split the rest by weight.
  std::sort(claims.begin(), claims.end(), [](const Claim& a, const Claim& b) {
    return a.demand / a.share->weight_ < b.demand / b.share->weight_;
  });
  double left = static_cast<double>(total_bytes_) * kCacheShare;
  for (const Claim& claim : claims) {
    const double granted = std::min(claim.demand, left * claim.share->weight_ / weight_left);
    claim.share->limit_.store(static_cast<size_t>(granted), std::memory_order_relaxed);
    left -= granted;
    weight_left -= claim.share->weight_;
  }
}

size_t MemoryBudget::rocksdb_cache_bytes() const { return block_cache_->GetUsage(); }

size_t MemoryBudget::memtable_bytes() const { return write_buffers_->memory_usage(); }

std::shared_ptr<CacheShare> JoinCachesOrFixed(MemoryBudget* budget, std::string name, double weight,
                                              size_t fixed_bytes) {
  if (budget == nullptr) return CacheShare::Fixed(fixed_bytes);
  return budget->JoinCaches(std::move(name), weight);
}

}  // namespace sales::memory
