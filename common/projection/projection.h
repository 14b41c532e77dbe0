// Projection: a read model built from domain events, run by a ProjectionRunner.
//
// A projection turns each event into writes on its own keyspace through a ProjectionTxn. The
// runner owns the RocksDB database, decides which events to apply (exactly once per (stream id,
// stream version), in each stream's order) and commits the projection's writes atomically with
// the Kafka offsets and dedupe marks that produced them.
//
//   class DealCountProjection : public Projection {
//    public:
//     absl::string_view name() const override { return "deal-count"; }
//     absl::Status Apply(const EventEnvelope& event, ProjectionTxn& txn) override {
//       if (event.event_type() != "sales.leads.v1.LeadCaptured") return absl::OkStatus();
//       ASSIGN_OR_RETURN(std::optional<std::string> count, txn.Get("count"));
//       txn.Put("count", std::to_string(count ? std::stoll(*count) + 1 : 1));
//       return absl::OkStatus();
//     }
//   };
//
// THE CONTRACT every projection must keep, because a rebuild from the event feed (global commit
// order of each store, one store after another) and live consumption from Kafka (each partition
// in order, partitions interleaved arbitrarily) must produce byte-identical read models:
//   * Apply is deterministic: its writes depend only on the event and on what it reads through
//     the txn — not on the clock, randomness, Kafka offsets or global positions' gaps.
//   * Its effect does not depend on how different streams' events interleave, only on each
//     stream's own order (e.g. counters and sums commute; "last event wins" across streams does
//     not, "last event of this stream wins" does).
//   * All state lives in the keyspace: a Projection object holds no per-event state of its own,
//     so one object can serve a live runner and a rebuild.
//
// Outcomes of Apply:
//   OK                      applied (also for event types the projection deliberately ignores).
//   INVALID_ARGUMENT        a poison event: the payload does not decode or breaks the schema.
//   UNIMPLEMENTED           an event type the projection should understand but does not (e.g. a
//                           newer type of a topic it owns); it must not be skipped silently.
//   Both poison outcomes send the event to the dead-letter topic with the status message as the
//   reason; the projection's writes for that event are discarded, the stream's dedupe mark still
//   advances and the projection goes on. Any other error fails the whole batch, which is retried.
//
// Thread-safety: the runner calls Apply from one thread at a time.
#ifndef SALES_COMMON_PROJECTION_PROJECTION_H_
#define SALES_COMMON_PROJECTION_PROJECTION_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sales/common/v1/envelope.pb.h"

namespace sales::projection {

using ::sales::common::v1::EventEnvelope;

// The projection's view of its keyspace during one batch: reads see the committed read model
// plus every write made earlier in the same batch (read-your-writes); nothing is visible to
// queries until the runner commits the batch.
class ProjectionTxn {
 public:
  virtual ~ProjectionTxn() = default;
  // The value under `key`, or nullopt when absent.
  virtual absl::StatusOr<std::optional<std::string>> Get(absl::string_view key) = 0;
  virtual void Put(absl::string_view key, absl::string_view value) = 0;
  virtual void Delete(absl::string_view key) = 0;
};

class Projection {
 public:
  virtual ~Projection() = default;
  // Stable identifier (metrics labels, logs): e.g. "funnel".
  virtual absl::string_view name() const = 0;
  // See the contract above.
  virtual absl::Status Apply(const EventEnvelope& event, ProjectionTxn& txn) = 0;
};

// True for the statuses that make an event poison (see "Outcomes of Apply").
inline bool IsPoisonStatus(const absl::Status& status) {
  return absl::IsInvalidArgument(status) || absl::IsUnimplemented(status);
}

}  // namespace sales::projection

#endif  // SALES_COMMON_PROJECTION_PROJECTION_H_
