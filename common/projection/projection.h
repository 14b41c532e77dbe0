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
// Rows touched by many events (counters, histograms) can be kept decoded for a whole batch with
// ProjectionTxn::Mutable instead of Get + Put per event: loaded once per batch, changed in place,
// encoded once when the batch is committed. Such rows are not covered by the save point that
// discards a poison event's writes, so an Apply that uses Mutable must decide every poison
// outcome (INVALID_ARGUMENT, UNIMPLEMENTED) before its first Mutable call for that event; a poison
// outcome after one fails the whole batch with INTERNAL (see ProjectionTxn::Mutable).
//
// Changes too frequent even for that (e.g. every event bumps a counter in 24 cells) can be
// gathered by the projection's own BatchAccumulator (ProjectionTxn::Accumulator) in whatever
// form is cheapest to update, and turned into row changes once per batch — counter rows by adding
// to them without reading them (FoldTxn::AddToCounterRow). Same poison rule.
//
// Thread-safety: the runner calls Apply and ApplyDecoded from one thread at a time;
// DecodePayload may run concurrently with them and with itself (see there).
#ifndef SALES_COMMON_PROJECTION_PROJECTION_H_
#define SALES_COMMON_PROJECTION_PROJECTION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/message.h"
#include "sales/common/v1/envelope.pb.h"

namespace sales::projection {

using ::sales::common::v1::EventEnvelope;

class ProjectionTxn;
class FoldTxn;

// A read-model row kept decoded by ProjectionTxn::Mutable for the rest of a batch.
class AccumulatedRow {
 public:
  virtual ~AccumulatedRow() = default;
  // The row's stored bytes; "" deletes the row. Must be canonical (equal content, equal bytes:
  // the read model's checksum covers them) and must not change the row.
  virtual std::string Encode() const = 0;
};

// A projection's own gathering of changes for one batch (ProjectionTxn::Accumulator), for
// writes too frequent for a row lookup each: e.g. counter deltas kept under compact ids and
// added to their rows once per batch. It holds only the batch's changes, never state of its own
// beyond the batch (the projection contract above), and shares nothing mutable with the
// projection: it is folded on another thread while Apply goes on with the next batch.
class BatchAccumulator {
 public:
  virtual ~BatchAccumulator() = default;
  // Turns everything gathered into row changes through `txn` (typically AddToCounterRow).
  // Called once, on the store's committer thread as the first step of the batch's write (after
  // every earlier batch was written); the object is destroyed afterwards. `txn` reads what is
  // stored plus the fold's own writes; it has no accumulators (using one fails the batch). An
  // error fails the batch: nothing of it is stored, and the runner retries.
  virtual absl::Status FoldInto(FoldTxn& txn) = 0;
};

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

  // The batch's decoded row under `key`: made by `load` (from the stored bytes, nullopt when
  // absent) on the first use of `key` in the batch, then the same object for every later event
  // of the batch. Mutate it in place; it is encoded once, when the batch is handed to its commit,
  // and the bytes stored are exactly what a Put of Encode() would store ("" deletes the row).
  // A key is used either through Mutable or through Get/Put/Delete, never both, within a batch
  // (a Get of a key held by Mutable is FAILED_PRECONDITION). An error of `load` is returned as is.
  // The pointer is valid until the batch is committed or cleared. Not covered by save points:
  // decide poison before the first Mutable call of an event (see the top of this file).
  using RowLoader = absl::FunctionRef<absl::StatusOr<std::unique_ptr<AccumulatedRow>>(
      std::optional<absl::string_view> stored)>;
  virtual absl::StatusOr<AccumulatedRow*> Mutable(absl::string_view key, RowLoader load) = 0;

  // The batch's accumulator named `name`: made by `make` on its first use in the batch, then the
  // same object for every later event of the batch; folded into rows (FoldInto) when the batch
  // is written, accumulators in name order. Apply must never read or write (Get, Put, Delete,
  // Mutable) rows an accumulator folds into: it would not see the gathered changes, nor those
  // of the batch being folded meanwhile. Not covered by save points, like Mutable: decide poison
  // before.
  using AccumulatorMaker = absl::FunctionRef<std::unique_ptr<BatchAccumulator>()>;
  virtual BatchAccumulator& Accumulator(absl::string_view name, AccumulatorMaker make) = 0;
};

// The ProjectionTxn a BatchAccumulator folds through, on the store's committer thread.
class FoldTxn : public ProjectionTxn {
 public:
  // Adds `deltas` (sorted by slot, each slot once; zeros are ignored) to the counter row
  // (counter_row.h) under `key` without reading it: the store keeps the row as the sum of every
  // delta ever added to it (counter_row_sum.h). Add to a row even when the batch's deltas for it
  // cancel out: a counter row exists once it was added to, even when it sums to zero (it then
  // reads as ""), and whether it exists must not depend on how the events were batched (the
  // checksum covers it). A key added to is used only this way, by folds; Get, Put, Delete or
  // Mutable of it in the same fold is FAILED_PRECONDITION, and Apply must never touch it.
  virtual void AddToCounterRow(absl::string_view key,
                               absl::Span<const std::pair<uint32_t, int64_t>> deltas) = 0;
};

class Projection {
 public:
  virtual ~Projection() = default;
  // Stable identifier (metrics labels, logs): e.g. "funnel".
  virtual absl::string_view name() const = 0;
  // The version of the read model's key layout and row encodings. Raise it with any change that
  // would make rows written by the previous code read wrongly: the runner then drops a store
  // built under another version (or under none recorded) and rebuilds it from the event feed.
  virtual int layout_version() const { return 1; }
  // See the contract above.
  virtual absl::Status Apply(const EventEnvelope& event, ProjectionTxn& txn) = 0;

  // Optional, for speed: decoding an event's payload ahead of applying it. A Kafka-mode runner
  // calls DecodePayload on its decoding thread while its own thread applies the events before
  // (internal/decode_ahead.h), then ApplyDecoded with what it returned instead of Apply.
  //
  // Decodes `event`'s payload into a new message on `arena` — the message Apply would decode it
  // into — or returns null: for an event whose payload Apply does not decode, or one that does
  // not decode (Apply, which the runner then calls, reports the poison). It must be thread-safe:
  // it runs concurrently with Apply and with itself (the runner's thread and the decoding thread
  // both decode messages of a chunk, onto the chunk's one arena, which is thread-safe), so it may
  // read only the event and immutable state.
  virtual const google::protobuf::Message* DecodePayload(const EventEnvelope& event,
                                                         google::protobuf::Arena& arena) const {
    return nullptr;
  }
  // Apply for an event whose payload DecodePayload decoded into `payload`: it must have exactly
  // Apply's outcome and writes. By default the decoded payload is not used.
  virtual absl::Status ApplyDecoded(const EventEnvelope& event,
                                    const google::protobuf::Message& payload, ProjectionTxn& txn) {
    return Apply(event, txn);
  }
};

// True for the statuses that make an event poison (see "Outcomes of Apply").
inline bool IsPoisonStatus(const absl::Status& status) {
  return absl::IsInvalidArgument(status) || absl::IsUnimplemented(status);
}

}  // namespace sales::projection

#endif  // SALES_COMMON_PROJECTION_PROJECTION_H_
