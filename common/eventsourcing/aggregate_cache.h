// AggregateCache: the last known (state, version) of recently used aggregates, so that loading
// one folds only the events appended since, not its whole stream.
//
//   AggregateCache<v1::Lead> cache(/*capacity=*/100'000);
//   LoadAggregate<v1::LeadEvent>(store, id, v1::Lead(), &Evolve, {}, &cache);
//
// Safe by construction: an entry is a state the store really had at that version (it was folded
// from the store, or is the result of an append the store acknowledged), and a load always reads
// the events after the entry's version. Entries are evicted least-recently-used.
//
// States are held as immutable snapshots (shared_ptr<const State>): Get and Put share them
// instead of copying the whole state, and a snapshot handed out stays valid after it is
// replaced or evicted. A new state is always a new snapshot, never one changed in place.
// Thread-safety: all methods may be called concurrently.
#ifndef SALES_COMMON_EVENTSOURCING_AGGREGATE_CACHE_H_
#define SALES_COMMON_EVENTSOURCING_AGGREGATE_CACHE_H_

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"

namespace sales::eventsourcing {

template <typename State>
class AggregateCache {
 public:
  using Snapshot = std::shared_ptr<const State>;

  explicit AggregateCache(size_t capacity) : capacity_(capacity) {}

  // The cached state and version of the stream, if any.
  std::optional<std::pair<Snapshot, uint64_t>> Get(const std::string& stream_id) {
    std::lock_guard lock(mu_);
    auto it = index_.find(stream_id);
    if (it == index_.end()) return std::nullopt;
    entries_.splice(entries_.begin(), entries_, it->second);
    return std::make_pair(it->second->state, it->second->version);
  }

  // Records the stream's state at `version`, unless a later version is already cached.
  void Put(const std::string& stream_id, Snapshot state, uint64_t version) {
    if (capacity_ == 0) return;
    Snapshot replaced;  // released after the lock: the last owner frees the whole state
    std::lock_guard lock(mu_);
    if (auto it = index_.find(stream_id); it != index_.end()) {
      if (it->second->version > version) return;
      replaced = std::exchange(it->second->state, std::move(state));
      it->second->version = version;
      entries_.splice(entries_.begin(), entries_, it->second);
      return;
    }
    entries_.push_front({stream_id, std::move(state), version});
    index_[stream_id] = entries_.begin();
    if (entries_.size() > capacity_) {
      replaced = std::move(entries_.back().state);
      index_.erase(entries_.back().stream_id);
      entries_.pop_back();
    }
  }

  size_t size() const {
    std::lock_guard lock(mu_);
    return entries_.size();
  }

 private:
  struct Entry {
    std::string stream_id;
    Snapshot state;
    uint64_t version;
  };

  const size_t capacity_;
  mutable std::mutex mu_;
  std::list<Entry> entries_;  // most recently used first
  absl::flat_hash_map<std::string, typename std::list<Entry>::iterator> index_;
};

}  // namespace sales::eventsourcing

#endif  // SALES_COMMON_EVENTSOURCING_AGGREGATE_CACHE_H_
