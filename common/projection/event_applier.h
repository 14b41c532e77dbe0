// EventApplier: the exactly-once rule shared by live consumption (Kafka) and catch-up (event
// feed). An event whose global position (when it has one) lies below the source's stored feed
// position is a duplicate: the feed was applied up to there (the position is stored in the same
// batch as what it accounts for). Otherwise it compares the stream version with the stream's dedupe
// mark (last applied version, kept in the runner metadata of the same StoreBatch):
//   version ≤ mark      a duplicate: skipped and counted;
//   version = mark + 1  applied;
//   version > mark + 1  a gap: versions mark+1 … version−1 are read from the source's event feed
//                       (ReadStream) and applied first, then the event itself.
// A poison outcome of Projection::Apply (see projection.h) discards that event's writes, keeps
// the event as a dead letter for the caller to publish before it commits, and still advances
// the mark. A gap the feed cannot fill (the log of record lacks the versions Kafka claims) makes
// the Kafka event itself a dead letter and leaves the mark where it was.
//
// Marks cost a read and a RocksDB write per stream and batch, and only events from Kafka need
// them (redelivered, and interleaved across partitions out of the feeds' order). A follower that
// only ever reads the feeds in order from its stored position (feed-only runners, rebuilds) needs
// neither: DedupeMarks says which an applier keeps.
//
//   EventApplier applier(projection);
//   BatchOutcome outcome;
//   StoreBatch batch = store.NewBatch();
//   RETURN_IF_ERROR(applier.Offer(source, event, /*origin=*/nullptr, batch, outcome));
//   ... publish outcome.dead_letters, then store.Commit(batch)
//
// Thread-safety: not thread-safe; one runner thread uses it.
#ifndef SALES_COMMON_PROJECTION_EVENT_APPLIER_H_
#define SALES_COMMON_PROJECTION_EVENT_APPLIER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/eventstore/append_signal.h"
#include "common/feed/event_feed_reader.h"
#include "common/kafka/record.h"
#include "common/projection/projection.h"
#include "common/projection/projection_store.h"
#include "google/protobuf/message.h"

namespace sales::projection {

// One stream of events a projection follows: a Kafka topic and the event feed of the write
// service that publishes it (its log of record). The topic name also names the source in the
// runner metadata (dedupe marks, feed position).
struct ProjectionSource {
  std::string topic;
  feed::EventFeedReader* feed = nullptr;  // not owned; must outlive the runner
  // The source's store is in this process and raises this after every append (WriteSide): a
  // feed-only runner is woken by it instead of polling. Not owned; null for a remote source.
  eventstore::AppendSignal* appended = nullptr;
};

// A message to park on the dead-letter topic and why.
struct DeadLetter {
  kafka::KafkaRecord message;  // partition/offset −1 when it came from the event feed
  std::string reason;
};

// What one batch did, accumulated across Offer calls.
struct BatchOutcome {
  std::vector<eventstore::SharedEvent> applied;  // in the order applied (gap fills included)
  uint64_t duplicates = 0;
  uint64_t gap_events_filled = 0;  // events read from the feed to close version gaps
  std::vector<DeadLetter> dead_letters;
};

// Which dedupe marks an applier reads and writes.
enum class DedupeMarks {
  // Read and written: events may come from Kafka (a Kafka-mode runner and its catch-ups, and a
  // rebuild compared with such a runner's store).
  kKeep,
  // Read, not written: events come from the feeds in order, but the store was once fed from Kafka
  // (it holds a broker identity), so its marks may cover events beyond its feed position. An
  // event beyond its stream's mark is new (the feed has no gaps to fill).
  kReadOnly,
  // Neither: events come from the feeds in order from the stored feed position, and the store
  // never followed Kafka; the feed position alone says what was applied.
  kNone,
};

class EventApplier {
 public:
  explicit EventApplier(Projection& projection, DedupeMarks marks = DedupeMarks::kKeep)
      : projection_(projection), marks_(marks) {}

  // Applies `event` (which must carry a stream id and a version ≥ 1) under the rule above; an
  // applied event is added to outcome.applied.
  // `origin` is the Kafka message the event was decoded from (null when it came from the feed):
  // if the event is poison, its dead letter is that message byte for byte.
  // `fed_below`: the source's stored feed position (1: never read from the feed); events below it
  // are duplicates, and so are the versions a gap fill reads that lie below it.
  // `decoded_payload`: the event's payload as Projection::DecodePayload decoded it, or null;
  // the projection's ApplyDecoded is called with it instead of Apply.
  // Errors (the feed failing, a store read failing, a non-poison Apply error) fail the batch:
  // the caller must then discard it.
  absl::Status Offer(const ProjectionSource& source, eventstore::SharedEvent event,
                     const rd_kafka_message_t* origin, StoreBatch& batch, BatchOutcome& outcome,
                     uint64_t fed_below = 1,
                     const google::protobuf::Message* decoded_payload = nullptr);

 private:
  // `mark`: the stream's mark in the batch (StoreBatch::MutableMark), advanced to the event's
  // version once it is applied or dead-lettered; null when marks are not written.
  absl::Status ApplyOne(const ProjectionSource& source, eventstore::SharedEvent event,
                        const rd_kafka_message_t* origin,
                        const google::protobuf::Message* decoded_payload, StoreBatch& batch,
                        BatchOutcome& outcome, uint64_t* mark);
  static DeadLetter MakeDeadLetter(const ProjectionSource& source, const EventEnvelope& event,
                                   const rd_kafka_message_t* origin, std::string reason);

  Projection& projection_;
  const DedupeMarks marks_;
};

}  // namespace sales::projection

#endif  // SALES_COMMON_PROJECTION_EVENT_APPLIER_H_
