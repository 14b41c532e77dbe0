// EventStore: the per-service log of record, on RocksDB.
//
// Each aggregate has a stream of events with dense versions 1, 2, 3, …; the whole store has a
// global log with dense positions 1, 2, 3, … assigned in commit order. Appending is optimistic:
// the caller states the version it expects the stream to be at, and a mismatch is refused with
// ABORTED and nothing written. One Append commits, in ONE RocksDB WriteBatch, the events, their
// stream-index entry (which is the stream head: version + hash), the outbox row (for the
// Kafka relay) and the idempotency record — all or nothing.
//
//   EventStoreOptions options{.path = "/data/leads/events", .service = "leads"};
//   ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store, EventStore::Open(options));
//   AppendRequest request{.stream_id = "lead-42", .expected_version = 0};
//   request.events.push_back(MakeEnvelope(lead_captured_event));
//   ASSIGN_OR_RETURN(AppendResult result, store->Append(std::move(request)));
//
// Thread-safety: every method may be called concurrently. Appends are group-committed: callers
// that arrive while a write is in flight are merged into the next write, which is what makes a
// synced (kMachineCrash) store fast under concurrency.
//
// Readers never see a gap: positions are committed strictly in order, a commit group at a time,
// so ReadAll from any position returns a contiguous prefix of what will ever be there.
#ifndef SALES_COMMON_EVENTSTORE_EVENT_STORE_H_
#define SALES_COMMON_EVENTSTORE_EVENT_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "sales/common/v1/envelope.pb.h"

namespace sales::memory {
class MemoryBudget;  // common/memory/memory_budget.h
}  // namespace sales::memory

namespace sales::eventstore {

using ::sales::common::v1::EventEnvelope;
// An event shared, immutable, by the readers it was handed to (EventStore::ReadAllShared). Every
// one is made as a mutable EventEnvelope, so that whoever ends up its only owner may reuse it
// (std::const_pointer_cast; ProjectionRunner recycles the envelopes it decodes).
using SharedEvent = std::shared_ptr<const EventEnvelope>;

// What an acknowledged append survives.
enum class Durability {
  // The WAL is written but not fsynced: an acknowledged append survives a crash of the process
  // (the OS still has the WAL), not a power loss. The default, like RocksDB's own default.
  kProcessCrash,
  // Every commit group is fsynced before it is acknowledged: survives power loss. Concurrent
  // appends share one fsync (group commit).
  kMachineCrash,
};

struct EventStoreOptions {
  std::string path;     // RocksDB directory; created if missing.
  std::string service;  // Stamped into every envelope ("leads", "orders", …).
  Durability durability = Durability::kProcessCrash;
  // Source of recorded_at (and occurred_at when the writer leaves it empty). Tests inject one.
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  // The process's memory budget (null: RocksDB's own defaults): the store's memtables and
  // block reads count against it. Must outlive the store.
  memory::MemoryBudget* memory = nullptr;
};

// Expected-version sentinels for AppendRequest::expected_version.
inline constexpr int64_t kNoStream = 0;     // the stream must not exist yet
inline constexpr int64_t kAnyVersion = -1;  // no concurrency check (use sparingly)

struct AppendRequest {
  // Required: 1–200 printable characters, no NUL or control characters.
  std::string stream_id;
  // kNoStream, kAnyVersion, or the stream's current version n ≥ 1.
  int64_t expected_version = kAnyVersion;
  // At least one. The writer fills payload, occurred_at, actor, correlation_id, causation_id,
  // deal_id, schema_version (and event_id if it wants its own). The store fills service,
  // stream_id, stream_version, global_position, recorded_at, prev_event_hash, and event_type
  // (from the payload's type) and event_id (a new UUID) when empty.
  std::vector<EventEnvelope> events;
  // Optional. A repeated key with the same fingerprint returns the first result and writes
  // nothing; with a different fingerprint it is refused with INVALID_ARGUMENT.
  std::string idempotency_key;
  // Optional: what identifies "the same request" for the key (e.g. a hash of the command).
  // When empty the store uses the stream id, expected version and the events' types and
  // payload bytes (not their generated ids or times).
  std::string idempotency_fingerprint;
  // Optional: when the append is one event of at most kMaxKeptInIndexBytes, its stored bytes are
  // also kept in the stream's index entry, and ReadStreams finds the event there without a
  // lookup in the log — one block read instead of two for a stream read cold. For small streams
  // read many at a time (a price list's per-SKU streams); it costs the event's bytes twice.
  bool keep_in_index = false;
};

inline constexpr size_t kMaxKeptInIndexBytes = 1024;
// The most events one AppendRequest may hold, and the most streams one MultiAppendRequest may.
inline constexpr size_t kMaxEventsPerAppend = 1000;
inline constexpr size_t kMaxStreamsPerMultiAppend = 100;

// Several streams appended atomically, in one WriteBatch: either every stream's expected
// version holds and all their events are written, or nothing is. For a decision that touches more
// than one aggregate (e.g. a lead and the claims on its de-duplication keys).
struct MultiAppendRequest {
  // 1–kMaxStreamsPerMultiAppend distinct streams; their own idempotency fields must be empty.
  // Their events take consecutive positions in this order.
  std::vector<AppendRequest> appends;
  // As in AppendRequest, for the whole multi-stream append.
  std::string idempotency_key;
  std::string idempotency_fingerprint;
};

struct AppendResult {
  uint64_t first_version = 0;   // stream version of the first appended event
  uint64_t last_version = 0;    // … of the last: the stream's new version
  uint64_t first_position = 0;  // global position of the first appended event
  uint64_t last_position = 0;
  // True when the idempotency key had been seen: nothing was written and this is the first
  // append's result.
  bool deduplicated = false;
};

// One event as stored: the exact bytes (what hashes are computed over) and where it sits.
struct StoredEvent {
  uint64_t position = 0;
  std::string stream_id;
  uint64_t stream_version = 0;
  std::string bytes;  // serialized EventEnvelope
};

// One stream's part of a batched read (EventStore::ReadStreams).
struct StreamRead {
  std::string stream_id;
  uint64_t from_version = 1;  // 0 means 1
};

// A stream's head: its version and the hash of its last event's stored bytes.
struct StreamHead {
  uint64_t version = 0;
  std::string last_event_hash;  // SHA-256, 32 bytes; empty for an empty stream
};

class EventStore {
 public:
  virtual ~EventStore() = default;

  // Opens (creating if needed) the store at options.path.
  static absl::StatusOr<std::unique_ptr<EventStore>> Open(const EventStoreOptions& options);

  // Appends atomically; see AppendRequest. Errors: INVALID_ARGUMENT (bad stream id, no events,
  // key replayed with another fingerprint), ABORTED (expected version mismatch; answered only
  // once every append prepared before it is committed, so a reload then sees the winner),
  // INTERNAL (the store failed to write; it then refuses further appends until reopened).
  virtual absl::StatusOr<AppendResult> Append(AppendRequest request) = 0;

  // Appends to several streams atomically (see MultiAppendRequest); one result per stream, in
  // request order. Errors as for Append; field names are prefixed "appends[i]." when there is
  // more than one stream.
  virtual absl::StatusOr<std::vector<AppendResult>> AppendAll(MultiAppendRequest request) = 0;

  // Whether an idempotency key was used: its first results (each marked deduplicated) when
  // used with this caller fingerprint (AppendRequest::idempotency_fingerprint), nullopt when
  // the key is new, INVALID_ARGUMENT when it was used for another payload. Lets a command
  // handler answer a retry before deciding again on a state that has moved on. Writes nothing.
  virtual absl::StatusOr<absl::optional<std::vector<AppendResult>>> FindIdempotentAppend(
      const std::string& key, const std::string& fingerprint) = 0;

  // Up to `max_count` events of the stream with version ≥ from_version (0 means 1), in order.
  // An unknown stream gives an empty vector.
  virtual absl::StatusOr<std::vector<EventEnvelope>> ReadStream(const std::string& stream_id,
                                                                uint64_t from_version,
                                                                size_t max_count) = 0;

  // Several streams at once: for each read, what ReadStream(stream_id, from_version, max_count)
  // answers, in request order. Cheaper than one ReadStream per stream when many streams are read
  // together (one pass over the stream index, one batched lookup in the log for the events not
  // kept in the index: AppendRequest::keep_in_index). Repeated streams are allowed;
  // INVALID_ARGUMENT names "reads[i].stream_id" for a bad id.
  virtual absl::StatusOr<std::vector<std::vector<EventEnvelope>>> ReadStreams(
      const std::vector<StreamRead>& reads, size_t max_count) = 0;

  // Up to `max_count` events with position ≥ from_position (0 means 1), in commit order.
  virtual absl::StatusOr<std::vector<EventEnvelope>> ReadAll(uint64_t from_position,
                                                             size_t max_count) = 0;

  // ReadAll's events as shared, immutable envelopes. WriteSide's store keeps the newest ones
  // decoded (recent_events.h) and hands the same envelopes to every in-process follower that
  // asks; by default each call decodes its own.
  virtual absl::StatusOr<std::vector<SharedEvent>> ReadAllShared(uint64_t from_position,
                                                                 size_t max_count);

  // The same, as stored bytes (for hash verification and for shipping without re-encoding).
  virtual absl::StatusOr<std::vector<StoredEvent>> ReadStreamRaw(const std::string& stream_id,
                                                                 uint64_t from_version,
                                                                 size_t max_count) = 0;
  virtual absl::StatusOr<std::vector<StoredEvent>> ReadAllRaw(uint64_t from_position,
                                                              size_t max_count) = 0;

  // The stream's head as recorded at its last append (version 0 for an unknown stream).
  virtual absl::StatusOr<StreamHead> GetStreamHead(const std::string& stream_id) = 0;

  // Last committed global position (0 for an empty store).
  virtual uint64_t HeadPosition() const = 0;

  // --- Transactional outbox (used by the Kafka relay) ---

  // Up to `max_count` outbox rows with position ≥ from_position, in position order, with the
  // stored event bytes. A row exists for every committed event until DeleteOutbox removes it.
  virtual absl::StatusOr<std::vector<StoredEvent>> ReadOutbox(uint64_t from_position,
                                                              size_t max_count) = 0;
  // Removes outbox rows (after Kafka acknowledged them). Unknown positions are ignored.
  virtual absl::Status DeleteOutbox(const std::vector<uint64_t>& positions) = 0;
  // Number of rows still waiting for the relay.
  virtual uint64_t OutboxSize() const = 0;
};

// Wraps decoded events (moved, not copied) into shared ones.
std::vector<SharedEvent> ShareEvents(std::vector<EventEnvelope> events);

// SHA-256 of stored event bytes: the value chained through prev_event_hash.
std::string EventHash(absl::string_view stored_bytes);

// Validates a stream id (1–200 bytes, printable, no NUL); INVALID_ARGUMENT naming `field`.
absl::Status ValidateStreamId(absl::string_view stream_id, absl::string_view field = "stream_id");

}  // namespace sales::eventstore

#endif  // SALES_COMMON_EVENTSTORE_EVENT_STORE_H_
