// AggregateCache: the last known (state, version) of recently used aggregates, so that loading
// one folds only the events appended since, not its whole stream.
//
//   AggregateCache<v1::Lead> cache(budget.JoinCaches("leads/aggregates", 7));  // or (64 << 20)
//   LoadAggregate<v1::LeadEvent>(store, id, v1::Lead(), &Evolve, {}, &cache);
//
// Safe by construction: an entry is a state the store really had at that version (it was folded
// from the store, or is the result of an append the store acknowledged), and a load always reads
// the events after the entry's version. Entries are evicted least-recently-used once the cache
// holds more bytes than its share of the process's memory budget allows (common/memory/), or than
// a fixed byte limit. An entry's bytes are estimated once, when it is put: the stream id, the
// state (SpaceUsedLong() of a protobuf message, else sizeof) and a fixed overhead for the list
// node and the index slot.
//
// States are held as immutable snapshots (shared_ptr<const State>): Get and Put share them
// instead of copying the whole state, and a snapshot handed out stays valid after it is
// replaced or evicted (its memory is then no longer counted here). A new state is always a new
// snapshot, never one changed in place.
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
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/memory/memory_budget.h"

namespace sales::eventsourcing {

template <typename State>
class AggregateCache {
 public:
  using Snapshot = std::shared_ptr<const State>;

  // Approximate heap bytes of an entry beyond its stream id and state: the list node, the
  // index slot and the snapshot's control block.
  static constexpr size_t kEntryOverhead = 128;

  explicit AggregateCache(std::shared_ptr<memory::CacheShare> share) : share_(std::move(share)) {}
  explicit AggregateCache(size_t max_bytes)
      : AggregateCache(memory::CacheShare::Fixed(max_bytes)) {}

  // What an entry of `state` under `stream_id` counts for.
  static size_t EntryBytes(const std::string& stream_id, const State& state) {
    if constexpr (requires { state.SpaceUsedLong(); }) {
      return kEntryOverhead + stream_id.size() + state.SpaceUsedLong();
    } else {
      return kEntryOverhead + stream_id.size() + sizeof(State);
    }
  }

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
    const size_t max_bytes = share_->limit();
    const size_t entry_bytes = EntryBytes(stream_id, *state);
    std::vector<Snapshot> released;  // freed after the lock: the last owner frees a whole state
    std::lock_guard lock(mu_);
    if (auto it = index_.find(stream_id); it != index_.end()) {
      if (it->second->version > version) return;
      released.push_back(std::exchange(it->second->state, std::move(state)));
      bytes_ += entry_bytes - std::exchange(it->second->bytes, entry_bytes);
      it->second->version = version;
      entries_.splice(entries_.begin(), entries_, it->second);
    } else {
      entries_.push_front({stream_id, std::move(state), version, entry_bytes});
      index_[stream_id] = entries_.begin();
      bytes_ += entry_bytes;
    }
    const size_t kept = released.size();
    while (bytes_ > max_bytes && !entries_.empty()) {
      Entry& oldest = entries_.back();
      bytes_ -= oldest.bytes;
      released.push_back(std::move(oldest.state));
      index_.erase(oldest.stream_id);
      entries_.pop_back();
    }
    share_->set_bytes(bytes_);
    if (released.size() > kept) share_->NoteEviction();
  }

  size_t size() const {
    std::lock_guard lock(mu_);
    return entries_.size();
  }
  size_t bytes() const {
    std::lock_guard lock(mu_);
    return bytes_;
  }

 private:
  struct Entry {
    std::string stream_id;
    Snapshot state;
    uint64_t version;
    size_t bytes;
  };

  const std::shared_ptr<memory::CacheShare> share_;
  mutable std::mutex mu_;
  std::list<Entry> entries_;  // most recently used first
  absl::flat_hash_map<std::string, typename std::list<Entry>::iterator> index_;
  size_t bytes_ = 0;
};

}  // namespace sales::eventsourcing

#endif  // SALES_COMMON_EVENTSOURCING_AGGREGATE_CACHE_H_
