// OutboxIndex: the event store's in-memory index of the outbox rows still waiting for the relay,
// so that reading and deleting the outbox never walks RocksDB's outbox column family. That walk
// is O(tombstones): a delivered row is deleted, and until compaction its tombstone stays in the
// memtable, where SeekForPrev from an empty region (a caught-up relay polling from head + 1)
// steps back over every one of them.
//
// A row is one append to one stream: the positions first..last (inclusive) of its events. The
// store loads every row at open, adds a commit group's rows once the group's write landed, and
// removes a row once all its events were delivered and its RocksDB delete landed:
//
//   OutboxIndex index;
//   index.Add(1, 3);                                 // an append of positions 1, 2, 3
//   index.Add(4, 4);
//   index.RangesFrom(2, 10);                         // {{2, 3}, {4, 4}}
//   index.MarkDelivered({1, 2, 4});                  // {4}: row 1..3 still misses position 3
//   // ... delete row 4 from RocksDB, then:
//   index.Remove({4});
//   index.WaitingEvents();                           // 3
//
// Delivery of part of a row (a multi-event append of which Kafka acknowledged some events) is
// tracked here too. It is not persisted: after a restart such a row is published again, which
// only means duplicates, and the Kafka contract allows those.
//
// Memory: one map entry (two uint64_t in a B-tree, ~20 bytes) per waiting append, plus a set of
// delivered positions per partly delivered row. A relay that keeps up keeps this small; a relay
// that is down lets it grow with the undelivered appends (200k appends ≈ 4 MiB).
//
// Thread-safety: every method may be called concurrently (appenders add while the relay reads
// and removes); each takes the index's own mutex, briefly.
#ifndef SALES_COMMON_EVENTSTORE_INTERNAL_OUTBOX_INDEX_H_
#define SALES_COMMON_EVENTSTORE_INTERNAL_OUTBOX_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"

namespace sales::eventstore::internal {

// Global positions first..last, both included.
struct PositionRange {
  uint64_t first = 0;
  uint64_t last = 0;

  friend bool operator==(const PositionRange&, const PositionRange&) = default;
};

class OutboxIndex {
 public:
  OutboxIndex() = default;
  OutboxIndex(const OutboxIndex&) = delete;
  OutboxIndex& operator=(const OutboxIndex&) = delete;

  // Adds a waiting row. Rows never overlap (positions are assigned once) and first <= last;
  // adding a row whose first position is already there changes nothing.
  void Add(uint64_t first, uint64_t last);

  // The waiting positions >= `from`, as ranges in position order, at most `max_events`
  // positions in all: the row holding `from` contributes from `from` on, the last range is cut
  // to the limit. Rows already fully delivered but not yet removed are still included.
  std::vector<PositionRange> RangesFrom(uint64_t from, size_t max_events) const;

  // Records `positions` as delivered and returns, in ascending order and once each, the first
  // position of every row named by `positions` whose events are now all delivered — also a row
  // completed by an earlier call but not removed yet, so that a caller whose delete failed gets
  // it again on a retry. Positions in no waiting row (never appended, or removed) are ignored.
  std::vector<uint64_t> MarkDelivered(const std::vector<uint64_t>& positions);

  // Forgets the rows starting at `firsts` (once their RocksDB delete landed). Unknown firsts are
  // ignored, so two removers of the same row are harmless.
  void Remove(const std::vector<uint64_t>& firsts);

  // Positions in all waiting rows (a partly delivered row counts in full until removed).
  uint64_t WaitingEvents() const;

 private:
  mutable absl::Mutex mu_;
  absl::btree_map<uint64_t, uint64_t> rows_ ABSL_GUARDED_BY(mu_);  // first -> last
  // Rows of more than one event of which some were delivered: first -> delivered positions.
  absl::flat_hash_map<uint64_t, absl::flat_hash_set<uint64_t>> partly_delivered_
      ABSL_GUARDED_BY(mu_);
  uint64_t waiting_events_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace sales::eventstore::internal

#endif  // SALES_COMMON_EVENTSTORE_INTERNAL_OUTBOX_INDEX_H_
