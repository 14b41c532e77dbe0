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

// Heap bytes of a string beyond its object (none while it fits in the object: short-string
// optimisation).
inline size_t StringHeapBytes(const std::string& text) {
  return text.capacity() > 15 ? text.capacity() + 1 : 0;
}
inline size_t ValueBytes(uint64_t) { return 0; }
inline size_t ValueBytes(const std::optional<std::string>& value) {
  return value ? StringHeapBytes(*value) : 0;
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
      ++forgotten_;  // this one is not kept either
      return;
    }
    if (GrowthWouldExceed(max_bytes) && !entries_.contains(key)) MakeRoomWithoutGrowing();
    auto [it, inserted] = entries_.try_emplace(std::move(key));
    if (inserted) {
      entry_bytes_ += StringHeapBytes(it->first);
    } else {
      entry_bytes_ -= ValueBytes(it->second);
    }
    entry_bytes_ += ValueBytes(value);
    it->second = std::move(value);
    if (bytes() > max_bytes) Shrink(max_bytes);
    share_->set_bytes(bytes());
  }

  // Replaces the value of an entry it holds (moved in) and returns true; false (and nothing
  // changes) when it holds no entry for `key`.
  bool Replace(absl::string_view key, Value&& value) {
    auto it = entries_.find(key);
    if (it == entries_.end()) return false;
    entry_bytes_ = entry_bytes_ - ValueBytes(it->second) + ValueBytes(value);
    it->second = std::move(value);
    if (bytes() > share_->limit()) Shrink(share_->limit());
    share_->set_bytes(bytes());
    return true;
  }

  // Removes the entry and returns its value (nullopt when absent).
  std::optional<Value> Take(absl::string_view key) {
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    entry_bytes_ -= StringHeapBytes(it->first) + ValueBytes(it->second);
    std::optional<Value> value(std::move(it->second));
    entries_.erase(it);
    share_->set_bytes(bytes());
    return value;
  }

  void Clear() {
    if (!entries_.empty()) ++forgotten_;
    entries_.clear();  // frees a large table
    entry_bytes_ = 0;
    share_->set_bytes(bytes());
  }

  size_t size() const { return entries_.size(); }
  // Grows whenever the cache lets go of entries put into it other than through Take or a later
  // Put of their key — evicted, cleared, or refused by a zero budget: while it has not changed,
  // the cache holds every entry put into it since (for an owner that knows the cache was
  // complete then: a key it lacks is not stored at all).
  uint64_t forgotten() const { return forgotten_; }
  // What the cache holds: its entries' heap parts and its table (slots and control bytes, as
  // many as its capacity: erasing entries does not shrink it).
  size_t bytes() const { return entry_bytes_ + TableBytes(entries_.capacity()); }

 private:
  using Map = absl::flat_hash_map<std::string, Value>;

  static size_t TableBytes(size_t capacity) {
    return capacity * (sizeof(typename Map::value_type) + 1);  // a slot and a control byte each
  }
  // The entries a table of `capacity` holds before it grows (absl's maximum load of 7/8).
  static size_t GrowthLimit(size_t capacity) { return capacity - capacity / 8; }

  // Whether one more entry would make the table double past `max_bytes`.
  bool GrowthWouldExceed(size_t max_bytes) const {
    const size_t capacity = entries_.capacity();
    if (capacity < 16 || entries_.size() + 1 <= GrowthLimit(capacity)) return false;
    return entry_bytes_ + TableBytes(capacity * 2 + 1) > max_bytes;
  }

  // Evicts an eighth of the entries, then rebuilds the table at the same capacity, so that the
  // insertions up to its growth limit reuse it instead of doubling it. The rebuild matters:
  // erased slots stay as tombstones that use up the table's room, and absl, finding no room left
  // while the table is more than 25/32 full, doubles it instead of dropping them (seen as a test
  // that failed with some hash seeds: the doubled table went over the budget and was cleared).
  void MakeRoomWithoutGrowing() {
    const size_t target = GrowthLimit(entries_.capacity()) / 8 * 7;
    for (auto it = entries_.begin(); it != entries_.end() && entries_.size() > target;) {
      entry_bytes_ -= StringHeapBytes(it->first) + ValueBytes(it->second);
      entries_.erase(it++);
    }
    ++forgotten_;
    entries_.rehash(0);  // the smallest capacity that holds them: the same one, without tombstones
    share_->NoteEviction();
  }

  // Drops entries in hash order until the cache uses at most 7/8 of `max_bytes`; when the table
  // alone is larger than that (it just grew), drops every entry and the table.
  void Shrink(size_t max_bytes) {
    const size_t target = max_bytes / 8 * 7;
    for (auto it = entries_.begin(); it != entries_.end() && bytes() > target;) {
      entry_bytes_ -= StringHeapBytes(it->first) + ValueBytes(it->second);
      entries_.erase(it++);
    }
    ++forgotten_;
    if (entries_.empty()) Clear();
    share_->NoteEviction();
  }

  const std::shared_ptr<memory::CacheShare> share_;
  size_t entry_bytes_ = 0;
  uint64_t forgotten_ = 0;
  Map entries_;
};

}  // namespace sales::projection::internal

#endif  // SALES_COMMON_PROJECTION_INTERNAL_BOUNDED_CACHE_H_
