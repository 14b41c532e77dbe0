// RecentEvents: the newest events of one store's log, decoded once and shared, for the many
// in-process followers of a write side (salesd: seven read the leads log). Each of them used to
// read and decode every event itself — seven RocksDB scans and protobuf decodes of the same
// bytes, then seven destructions (≈5 % of salesd's CPU under the leads load generator). Now the
// first follower to ask for an event reads it from the store and every other one is handed the
// same immutable envelope.
//
//   RecentEvents recent(RecentEvents::kDefaultMaxBytes);
//   auto read_log = [&](uint64_t f, size_t n) { return store.ReadAll(f, n); };
//   ASSIGN_OR_RETURN(std::vector<SharedEvent> page, recent.Read(from, 1000, read_log));
//
// What it keeps: one run of consecutive positions, the newest read, up to `max_bytes` of encoded
// events (decoded they take roughly twice that); older ones are dropped first. A read that starts
// inside the run is served from it and continues from the store where the run ends (then the run
// grows); a read that starts beyond it starts a new run; a read from below it (a rebuild, a
// follower far behind) goes to the store and is not kept, so it cannot push out what the live
// followers share. The store's log must be dense and read as a contiguous prefix (event_store.h);
// a page that is not (positions not consecutive) is served but not kept.
//
// Thread-safety: every method may be called concurrently. A read that extends the run holds the
// cache's lock while it reads the store, so that followers woken together wait for one read of
// the newest events instead of each making its own.
#ifndef SALES_COMMON_EVENTSTORE_RECENT_EVENTS_H_
#define SALES_COMMON_EVENTSTORE_RECENT_EVENTS_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/eventstore/event_store.h"

namespace sales::eventstore {

class RecentEvents {
 public:
  // 4 MiB of encoded events: ~8,000 leads events, a second and more of the load generator's
  // peak, where the slowest live follower reads every 100 ms.
  static constexpr size_t kDefaultMaxBytes = size_t{4} << 20;

  // The store's ReadAll: up to max_count events with position ≥ from (≥ 1), in order.
  using ReadLog = absl::FunctionRef<absl::StatusOr<std::vector<EventEnvelope>>(
      uint64_t from_position, size_t max_count)>;

  explicit RecentEvents(size_t max_bytes) : max_bytes_(max_bytes) {}

  // What `read_log(from_position, max_count)` answers (0 means 1), as shared envelopes, taken
  // from the cache as far as it holds them.
  absl::StatusOr<std::vector<SharedEvent>> Read(uint64_t from_position, size_t max_count,
                                                ReadLog read_log);

  // The run kept: positions [first_position, end_position) (equal when empty), and its encoded
  // bytes.
  uint64_t first_position() const;
  uint64_t end_position() const;
  size_t bytes() const;

 private:
  // Appends `events` (read from the store at end_position_) to the run and to `out`; a page
  // that does not continue the run is only added to `out`.
  void Keep(std::vector<EventEnvelope> events, std::vector<SharedEvent>& out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void DropOldest() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t max_bytes_;
  mutable absl::Mutex mu_;
  struct Kept {
    SharedEvent event;
    size_t bytes = 0;  // encoded
  };
  // events_[i] has position first_position_ + i; end_position_ = first_position_ + size.
  std::deque<Kept> events_ ABSL_GUARDED_BY(mu_);
  uint64_t first_position_ ABSL_GUARDED_BY(mu_) = 1;
  uint64_t end_position_ ABSL_GUARDED_BY(mu_) = 1;
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace sales::eventstore

#endif  // SALES_COMMON_EVENTSTORE_RECENT_EVENTS_H_
