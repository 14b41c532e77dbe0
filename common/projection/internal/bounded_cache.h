// BoundedCache: an in-memory copy of some committed entries of a ProjectionStore (dedupe marks,
// read-model rows), bounded by a byte budget: its share of the process's memory budget
// (common/memory/), whose limit may change, or a fixed one. When an insertion takes it over the
// limit, entries are dropped in hash order until it holds 7/8 of it: cheap, and whatever is
// dropped can be read again from RocksDB. It reports its bytes to the share (for /metrics). The
// owner keeps it equal to what is committed (see projection_store.h); the cache itself knows
// nothing about RocksDB.
//
//   BoundedCache<uint64_t> marks(budget.JoinCaches("funnel/marks", 1));  // or (32 << 20)
//   marks.Put("mark/leads\0lead-1", 7);
//   if (const uint64_t* mark = marks.Find(key)) ...
//
// Thread-safety: not thread-safe; one writer thread uses it.
#ifndef SALES_COMMON_PROJECTION_INTERNAL_BOUNDED_CACHE_H_
#define SALES_COMMON_PROJECTION_INTERNAL_BOUNDED_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "common/memory/memory_budget.h"

namespace sales::projection::internal {

// Approximate heap bytes of one entry beyond its key and value bytes (slot, string headers).
inline constexpr size_t kCacheEntryOverhead = 64;

inline size_t ValueBytes(uint64_t) { return 0; }
inline size_t ValueBytes(const std::optional<std::string>& value) {
  return value ? value->size() : 0;
}

template <typename Value>
class BoundedCache {
 public:
  explicit BoundedCache(std::shared_ptr<memory::CacheShare> share) : share_(std::move(share)) {}
  explicit BoundedCache(size_t max_bytes) : BoundedCache(memory::CacheShare::Fixed(max_bytes)) {}

  // The cached value, or nullptr. Valid until the next Put or Clear.
  const Value* Find(absl::string_view key) const {
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second;
  }

  // Inserts or replaces the entry (both arguments are moved in).
  void Put(std::string key, Value value) {
    const size_t max_bytes = share_->limit();
    if (max_bytes == 0) {
      if (!entries_.empty()) Clear();
      return;
    }
    auto [it, inserted] = entries_.try_emplace(std::move(key));
    if (inserted) {
      bytes_ += kCacheEntryOverhead + it->first.size();
    } else {
      bytes_ -= ValueBytes(it->second);
    }
    bytes_ += ValueBytes(value);
    it->second = std::move(value);
    if (bytes_ > max_bytes) Shrink(max_bytes);
    share_->set_bytes(bytes_);
  }

  // Removes the entry and returns its value (nullopt when absent).
  std::optional<Value> Take(absl::string_view key) {
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    bytes_ -= kCacheEntryOverhead + it->first.size() + ValueBytes(it->second);
    std::optional<Value> value(std::move(it->second));
    entries_.erase(it);
    share_->set_bytes(bytes_);
    return value;
  }

  void Clear() {
    entries_.clear();
    bytes_ = 0;
    share_->set_bytes(0);
  }

  size_t size() const { return entries_.size(); }

 private:
  // Drops entries in hash order until the cache uses at most 7/8 of `max_bytes`.
  void Shrink(size_t max_bytes) {
    const size_t target = max_bytes / 8 * 7;
    for (auto it = entries_.begin(); it != entries_.end() && bytes_ > target;) {
      bytes_ -= kCacheEntryOverhead + it->first.size() + ValueBytes(it->second);
      entries_.erase(it++);
    }
    share_->NoteEviction();
  }

  const std::shared_ptr<memory::CacheShare> share_;
  size_t bytes_ = 0;
  absl::flat_hash_map<std::string, Value> entries_;
};

}  // namespace sales::projection::internal

#endif  // SALES_COMMON_PROJECTION_INTERNAL_BOUNDED_CACHE_H_
