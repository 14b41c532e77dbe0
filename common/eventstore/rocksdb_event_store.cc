// The RocksDB implementation of EventStore (see event_store.h for the contract).
//
// Commit protocol. Append validates and prepares under `mu_`: it checks the idempotency key and
// the expected version against the in-memory stream head, assigns versions and global positions,
// chains hashes, and adds every write to `open_batch_`, the batch of the next commit group. The
// first caller to find no write in flight becomes the group's leader: it takes the open batch,
// writes it outside the lock (one RocksDB Write, fsynced for kMachineCrash), and wakes the group.
// Because only one group is written at a time, and positions are assigned in queue order, groups
// commit in position order and a reader can never observe position n+1 before n.
//
// In-memory state (stream heads, next position, in-flight idempotency keys) is only advanced
// under `mu_` as appends are prepared. If a group write fails, that state no longer matches the
// disk, so the store refuses every later append until it is reopened (which reloads it).
//
// Outbox. Every append writes one outbox row per stream (key: first position, value: last
// position); the relay deletes a row once all its events were delivered. Reads and deletes go
// through `outbox_`, an in-memory index of the waiting rows (internal/outbox_index.h), never
// through an iterator on the outbox column family: deleted rows leave tombstones there, and a
// seek into a region holding only tombstones (the caught-up relay polling from head + 1) walks
// all of them. The index is loaded at open and gains a group's rows once its write landed.

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "common/eventstore/event_store.h"
#include "common/eventstore/internal/idempotency.h"
#include "common/eventstore/internal/keys.h"
#include "common/eventstore/internal/outbox_index.h"
#include "common/log/log.h"
#include "common/memory/memory_budget.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/storage/rocksdb_logger.h"
#include "common/storage/rocksdb_util.h"
#include "google/protobuf/util/time_util.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/memtablerep.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"

namespace sales::eventstore {
namespace {

using storage::FromRocks;
using storage::ToView;

using internal::DecodeBigEndian64;
using internal::EncodeBigEndian64;

constexpr size_t kMaxEventBytes = 1 << 20;
constexpr size_t kMaxIdempotencyKeyBytes = 200;
// The in-memory stream heads' weight in the memory budget's caches (a projection store's caches
// weigh 7), and their limit without a budget.
constexpr double kStreamHeadsCacheWeight = 2;
constexpr size_t kStreamHeadsFixedBytes = size_t{64} << 20;

// Column family order as passed to DB::Open.
enum ColumnFamily { kDefault = 0, kLog, kStreamIndex, kOutbox, kIdempotency };
const char* const kColumnFamilyNames[] = {"default", "log", "stream_index", "outbox",
                                          "idempotency"};

// Writes a random (version 4) UUID into `out`.
void NewUuid(std::string& out) {
  thread_local absl::BitGen gen;
  uint64_t hi = absl::Uniform<uint64_t>(gen);
  uint64_t lo = absl::Uniform<uint64_t>(gen);
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  // xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx, formatted by hand: this runs once per event.
  static constexpr char kHex[] = "0123456789abcdef";
  out.assign(36, '-');
  int at = 0;
  for (int nibble = 0; nibble < 32; ++nibble, ++at) {
    if (at == 8 || at == 13 || at == 18 || at == 23) ++at;
    const uint64_t word = nibble < 16 ? hi : lo;
    out[at] = kHex[(word >> (60 - 4 * (nibble % 16))) & 0xf];
  }
}

// "type.googleapis.com/sales.leads.v1.LeadCaptured" -> "sales.leads.v1.LeadCaptured".
std::string TypeNameOf(const google::protobuf::Any& any) {
  absl::string_view url = any.type_url();
  size_t slash = url.rfind('/');
  return std::string(slash == absl::string_view::npos ? url : url.substr(slash + 1));
}

google::protobuf::Timestamp ToProtoTime(absl::Time t) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

// Validates one stream's part of an append; field names get `prefix` ("appends[2]." in a
// multi-stream append, "" otherwise).
absl::Status ValidateStreamAppend(const AppendRequest& request, absl::string_view prefix) {
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, name); };
  RETURN_IF_ERROR(ValidateStreamId(request.stream_id, field("stream_id")));
  if (request.expected_version < kAnyVersion) {
    return InvalidField(field("expected_version"),
                        "must be -1 (any), 0 (no stream) or a version >= 1");
  }
  if (request.events.empty()) {
    return InvalidField(field("events"), "at least one event is required");
  }
  if (request.events.size() > kMaxEventsPerAppend) {
    return InvalidField(field("events"),
                        absl::StrCat("at most ", kMaxEventsPerAppend, " per append"));
  }
  for (size_t i = 0; i < request.events.size(); ++i) {
    if (request.events[i].payload().type_url().empty()) {
      return InvalidField(field(absl::StrCat("events[", i, "].payload")), "no payload type");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateRequest(const MultiAppendRequest& request) {
  if (request.appends.empty()) return InvalidField("appends", "at least one stream is required");
  if (request.appends.size() > kMaxStreamsPerMultiAppend) {
    return InvalidField("appends",
                        absl::StrCat("at most ", kMaxStreamsPerMultiAppend, " streams per append"));
  }
  if (request.idempotency_key.size() > kMaxIdempotencyKeyBytes) {
    return InvalidField("idempotency_key",
                        absl::StrCat("longer than ", kMaxIdempotencyKeyBytes, " bytes"));
  }
  absl::flat_hash_set<absl::string_view> streams;
  for (size_t i = 0; i < request.appends.size(); ++i) {
    const AppendRequest& append = request.appends[i];
    const std::string prefix = request.appends.size() == 1 ? "" : absl::StrCat("appends[", i, "].");
    RETURN_IF_ERROR(ValidateStreamAppend(append, prefix));
    if (!append.idempotency_key.empty() || !append.idempotency_fingerprint.empty()) {
      return InvalidField(absl::StrCat(prefix, "idempotency_key"),
                          "set the key on the multi-stream request, not on one stream");
    }
    if (!streams.insert(append.stream_id).second) {
      return InvalidField(absl::StrCat(prefix, "stream_id"), "stream named twice");
    }
  }
  return absl::OkStatus();
}

class RocksDbEventStore final : public EventStore {
 public:
  RocksDbEventStore(EventStoreOptions options, std::unique_ptr<rocksdb::DB> db,
                    std::vector<rocksdb::ColumnFamilyHandle*> handles)
      : options_(std::move(options)),
        db_(std::move(db)),
        handles_(std::move(handles)),
        heads_share_(memory::JoinCachesOrFixed(options_.memory,
                                               absl::StrCat(options_.service, "/stream-heads"),
                                               kStreamHeadsCacheWeight, kStreamHeadsFixedBytes)) {
    write_options_.sync = options_.durability == Durability::kMachineCrash;
  }

  ~RocksDbEventStore() override {
    for (rocksdb::ColumnFamilyHandle* handle : handles_) db_->DestroyColumnFamilyHandle(handle);
  }

  // Loads the head position and the outbox index from disk: the store's one outbox scan.
  absl::Status LoadCounters() {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, handles_[kLog]));
    it->SeekToLast();
    RETURN_IF_ERROR(FromRocks(it->status(), "event store open (log)"));
    uint64_t head = it->Valid() ? DecodeBigEndian64(ToView(it->key())) : 0;
    next_position_ = head + 1;
    committed_position_.store(head);
    std::unique_ptr<rocksdb::Iterator> outbox(db_->NewIterator({}, handles_[kOutbox]));
    for (outbox->SeekToFirst(); outbox->Valid(); outbox->Next()) {
      outbox_.Add(DecodeBigEndian64(ToView(outbox->key())),
                  DecodeBigEndian64(ToView(outbox->value())));
    }
    return FromRocks(outbox->status(), "event store open (outbox)");
  }

  absl::StatusOr<AppendResult> Append(AppendRequest request) override {
    MultiAppendRequest multi{.idempotency_key = std::move(request.idempotency_key),
                             .idempotency_fingerprint = std::move(request.idempotency_fingerprint)};
    request.idempotency_key.clear();
    request.idempotency_fingerprint.clear();
    multi.appends.push_back(std::move(request));
    ASSIGN_OR_RETURN(std::vector<AppendResult> results, AppendAll(std::move(multi)));
    return results.front();
  }

  absl::StatusOr<std::vector<AppendResult>> AppendAll(MultiAppendRequest request) override {
    RETURN_IF_ERROR(ValidateRequest(request));
    const std::string& key = request.idempotency_key;
    std::string fingerprint;
    if (!key.empty()) fingerprint = internal::Fingerprint(request);

    std::unique_lock lock(mu_);
    if (!failed_.ok()) return failed_;
    TrimHeads();  // before this append holds pointers into heads_

    if (!key.empty()) {
      ASSIGN_OR_RETURN(absl::optional<std::vector<AppendResult>> earlier,
                       FindEarlierResults(key, fingerprint, lock));
      if (earlier.has_value()) return *std::move(earlier);
      if (!failed_.ok()) return failed_;  // FindEarlierResults may have waited on a failed group
    }

    // Every stream is checked before anything is prepared: all or nothing.
    std::vector<KnownHead*> heads;
    for (const AppendRequest& append : request.appends) {
      ASSIGN_OR_RETURN(KnownHead * head, LoadHead(append.stream_id));
      absl::Status version_check = CheckExpectedVersion(append, *head);
      if (!version_check.ok()) {
        // The head may be ahead of what readers see (a commit group in flight). Answer only once
        // that is committed, so that a caller who reloads after ABORTED reads the winner.
        const uint64_t prepared = next_position_ - 1;
        cv_.wait(lock, [&] { return committed_position_.load() >= prepared || !failed_.ok(); });
        return version_check;
      }
      heads.push_back(head);
    }

    auto pending = std::make_shared<PendingAppend>();
    RETURN_IF_ERROR(Prepare(request, fingerprint, heads, pending->results));
    if (!key.empty()) in_flight_keys_[key] = {fingerprint, pending};
    open_group_.push_back(pending);
    WaitForCommit(*pending, lock);
    if (!key.empty()) in_flight_keys_.erase(key);
    if (!pending->status.ok()) return pending->status;
    return pending->results;
  }

  absl::StatusOr<absl::optional<std::vector<AppendResult>>> FindIdempotentAppend(
      const std::string& key, const std::string& fingerprint) override {
    if (key.empty()) return InvalidField("idempotency_key", "required");
    if (fingerprint.empty()) return InvalidField("idempotency_fingerprint", "required");
    std::unique_lock lock(mu_);
    return FindEarlierResults(
        key, internal::Fingerprint(MultiAppendRequest{.idempotency_fingerprint = fingerprint}),
        lock);
  }

  absl::StatusOr<std::vector<EventEnvelope>> ReadStream(const std::string& stream_id,
                                                        uint64_t from_version,
                                                        size_t max_count) override {
    ASSIGN_OR_RETURN(std::vector<StoredEvent> raw,
                     ReadStreamRaw(stream_id, from_version, max_count));
    return DecodeAll(raw);
  }

  absl::StatusOr<std::vector<EventEnvelope>> ReadAll(uint64_t from_position,
                                                     size_t max_count) override {
    // Not through ReadAllRaw: decoding the envelopes gives their stream coordinates, so each is
    // parsed once (the feed tailers call this for every event).
    std::vector<StoredEvent> raw;
    RETURN_IF_ERROR(
        ReadLogRange(*NewLogIterator(), std::max<uint64_t>(from_position, 1), max_count, raw));
    return DecodeAll(raw);
  }

  absl::StatusOr<std::vector<std::vector<EventEnvelope>>> ReadStreams(
      const std::vector<StreamRead>& reads, size_t max_count) override {
    ASSIGN_OR_RETURN(std::vector<std::vector<StoredEvent>> raw,
                     ReadStreamsRaw(reads, max_count,
                                    /*use_kept_events=*/true));
    std::vector<std::vector<EventEnvelope>> events(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
      ASSIGN_OR_RETURN(events[i], DecodeAll(raw[i]));
    }
    return events;
  }

  absl::StatusOr<std::vector<StoredEvent>> ReadStreamRaw(const std::string& stream_id,
                                                         uint64_t from_version,
                                                         size_t max_count) override {
    RETURN_IF_ERROR(ValidateStreamId(stream_id));
    ASSIGN_OR_RETURN(
        std::vector<std::vector<StoredEvent>> raw,
        ReadStreamsRaw({{.stream_id = stream_id, .from_version = from_version}}, max_count,
                       /*use_kept_events=*/false));
    return std::move(raw.front());
  }

  absl::StatusOr<std::vector<StoredEvent>> ReadAllRaw(uint64_t from_position,
                                                      size_t max_count) override {
    std::vector<StoredEvent> events;
    RETURN_IF_ERROR(
        ReadLogRange(*NewLogIterator(), std::max<uint64_t>(from_position, 1), max_count, events));
    RETURN_IF_ERROR(FillStreamCoordinates(events));
    return events;
  }

  absl::StatusOr<StreamHead> GetStreamHead(const std::string& stream_id) override {
    RETURN_IF_ERROR(ValidateStreamId(stream_id));
    // The head is the stream's last index entry.
    const std::string prefix = internal::StreamIndexPrefix(stream_id);
    // Total order, not the prefix filters: RocksDB before 9.5 can skip a table by its partitioned
    // prefix filter on a SeekForPrev (facebook/rocksdb#12872) and find an older head — which
    // would let an append reuse a version.
    rocksdb::ReadOptions total_order;
    total_order.total_order_seek = true;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(total_order, handles_[kStreamIndex]));
    it->SeekForPrev(internal::StreamIndexKey(stream_id, UINT64_MAX));
    RETURN_IF_ERROR(FromRocks(it->status(), "event store read stream head"));
    StreamHead head;
    if (it->Valid() && it->key().starts_with(prefix)) {
      const internal::StreamRun run =
          internal::DecodeStreamRun(ToView(it->key()).substr(prefix.size()), ToView(it->value()));
      head.version = run.last_version;
      head.last_event_hash = run.last_event_hash;
    }
    return head;
  }

  uint64_t HeadPosition() const override { return committed_position_.load(); }

  absl::StatusOr<std::vector<StoredEvent>> ReadOutbox(uint64_t from_position,
                                                      size_t max_count) override {
    std::vector<StoredEvent> events;
    // Rows are many short ranges (one per append), mostly adjacent: one iterator, one seek per
    // run of adjacent rows.
    std::vector<internal::PositionRange> runs;
    for (const internal::PositionRange& row : outbox_.RangesFrom(from_position, max_count)) {
      if (!runs.empty() && runs.back().last + 1 == row.first) {
        runs.back().last = row.last;
      } else {
        runs.push_back(row);
      }
    }
    if (runs.empty()) return events;
    std::unique_ptr<rocksdb::Iterator> log = NewLogIterator();
    for (const internal::PositionRange& run : runs) {
      RETURN_IF_ERROR(ReadLogRange(*log, run.first, run.last - run.first + 1, events));
    }
    RETURN_IF_ERROR(FillStreamCoordinates(events));
    return events;
  }

  absl::Status DeleteOutbox(const std::vector<uint64_t>& positions) override {
    // Rows leave the index only after their delete landed; if it fails they stay, and the
    // next delivery of any of their positions names them again (see MarkDelivered).
    const std::vector<uint64_t> complete_rows = outbox_.MarkDelivered(positions);
    if (complete_rows.empty()) return absl::OkStatus();
    rocksdb::WriteBatch batch;
    for (uint64_t first : complete_rows) {
      RETURN_IF_ERROR(FromRocks(batch.Delete(handles_[kOutbox], EncodeBigEndian64(first)),
                                "event store delete outbox"));
    }
    RETURN_IF_ERROR(FromRocks(db_->Write({}, &batch), "event store delete outbox"));
    outbox_.Remove(complete_rows);
    return absl::OkStatus();
  }

  uint64_t OutboxSize() const override { return outbox_.WaitingEvents(); }

 private:
  // One append waiting in a commit group.
  struct PendingAppend {
    std::vector<AppendResult> results;
    absl::Status status;
    bool done = false;
  };
  // A stream's head as prepared under mu_, and the position of its last prepared event: the head
  // is committed (readable) once committed_position_ reaches it.
  struct KnownHead : StreamHead {
    uint64_t last_position = 0;
  };
  struct InFlightKey {
    std::string fingerprint;
    std::shared_ptr<PendingAppend> pending;
  };

  // Returns the first results for a key seen before (waiting for them if still in flight),
  // nullopt for a new key, FAILED_PRECONDITION "rule idempotency_key_reused" for a key replayed
  // with another payload (CommandMeta's contract, sales/common/v1/command.proto).
  absl::StatusOr<absl::optional<std::vector<AppendResult>>> FindEarlierResults(
      const std::string& key, const std::string& fingerprint, std::unique_lock<std::mutex>& lock) {
    auto mismatch = [&] {
      return RuleViolated("idempotency_key_reused",
                          "the idempotency key was already used for a different request");
    };
    if (auto it = in_flight_keys_.find(key); it != in_flight_keys_.end()) {
      if (it->second.fingerprint != fingerprint) return mismatch();
      std::shared_ptr<PendingAppend> first = it->second.pending;
      cv_.wait(lock, [&] { return first->done; });
      if (!first->status.ok()) return first->status;
      return absl::optional<std::vector<AppendResult>>(Deduplicated(first->results));
    }
    std::string value;
    rocksdb::Status s = db_->Get({}, handles_[kIdempotency], key, &value);
    if (s.IsNotFound()) return absl::optional<std::vector<AppendResult>>();
    RETURN_IF_ERROR(FromRocks(s, "event store read idempotency record"));
    ASSIGN_OR_RETURN(internal::IdempotencyRecord record, internal::DecodeIdempotencyRecord(value));
    if (record.fingerprint != fingerprint) return mismatch();
    return absl::optional<std::vector<AppendResult>>(Deduplicated(std::move(record.results)));
  }

  static std::vector<AppendResult> Deduplicated(std::vector<AppendResult> results) {
    for (AppendResult& result : results) result.deduplicated = true;
    return results;
  }

  absl::StatusOr<KnownHead*> LoadHead(const std::string& stream_id) {
    auto it = heads_.find(stream_id);
    if (it != heads_.end()) return &it->second;
    ASSIGN_OR_RETURN(StreamHead head, GetStreamHead(stream_id));
    // Read from disk, so committed: last_position 0.
    heads_bytes_ += HeadBytes(stream_id);
    return &heads_.emplace(stream_id, KnownHead{std::move(head)}).first->second;
  }

  // What a head in heads_ costs: the node (key and head with their heap parts, the hash and
  // next pointer, a bucket), estimated.
  static size_t HeadBytes(const std::string& stream_id) { return 176 + stream_id.size(); }

  // Keeps heads_ within its share of the memory budget: when over, forgets committed heads (the
  // store reads them again from disk when needed) in hash order down to 7/8 of the share. Heads
  // of commit groups in flight stay. Called under mu_ by an append that holds no head pointer
  // yet (others hold theirs only under mu_).
  void TrimHeads() {
    const size_t limit = heads_share_->limit();
    if (heads_bytes_ > limit) {
      const uint64_t committed = committed_position_.load();
      const size_t target = limit / 8 * 7;
      for (auto it = heads_.begin(); it != heads_.end() && heads_bytes_ > target;) {
        if (it->second.last_position <= committed) {
          heads_bytes_ -= HeadBytes(it->first);
          it = heads_.erase(it);
        } else {
          ++it;
        }
      }
      heads_share_->NoteEviction();
    }
    heads_share_->set_bytes(heads_bytes_);
  }

  // The batched read behind ReadStream(s)(Raw). A read whose stream's head is in memory and
  // committed below its from_version needs no disk access ("anything after version n?" for a
  // cached aggregate). The others' runs come from one iterator over the stream index, seeking in
  // key order (prefix Bloom filters skip the tables that hold no run of the stream), and their
  // events from one MultiGet on the log — or, with `use_kept_events`, from the index entry when
  // the append kept it there (keep_in_index). Raw reads (the audit's tamper check, shipping)
  // always read the log: the copy is for folding only.
  absl::StatusOr<std::vector<std::vector<StoredEvent>>> ReadStreamsRaw(
      const std::vector<StreamRead>& reads, size_t max_count, bool use_kept_events) {
    for (size_t i = 0; i < reads.size(); ++i) {
      RETURN_IF_ERROR(
          ValidateStreamId(reads[i].stream_id, absl::StrCat("reads[", i, "].stream_id")));
    }
    std::vector<std::vector<StoredEvent>> result(reads.size());
    std::vector<std::pair<std::string, size_t>> seeks;  // (index key to seek, read)
    {
      std::lock_guard lock(mu_);
      for (size_t i = 0; i < reads.size(); ++i) {
        const uint64_t from = std::max<uint64_t>(reads[i].from_version, 1);
        if (KnownCommittedVersionLocked(reads[i].stream_id).value_or(UINT64_MAX) >= from) {
          seeks.emplace_back(internal::StreamIndexKey(reads[i].stream_id, from), i);
        }
      }
    }
    if (seeks.empty() || max_count == 0) return result;
    std::sort(seeks.begin(), seeks.end());

    struct LogSlot {
      uint64_t position;
      size_t read;
      uint64_t stream_version;
      std::string bytes;  // the kept event's, or read from the log
    };
    std::vector<LogSlot> slots;
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(StreamIndexReadOptions(), handles_[kStreamIndex]));
    for (const auto& [key, read] : seeks) {
      const std::string prefix = internal::StreamIndexPrefix(reads[read].stream_id);
      const uint64_t from = std::max<uint64_t>(reads[read].from_version, 1);
      size_t count = 0;
      for (it->Seek(key); it->Valid() && it->key().starts_with(prefix) && count < max_count;
           it->Next()) {
        internal::StreamRun run =
            internal::DecodeStreamRun(ToView(it->key()).substr(prefix.size()), ToView(it->value()));
        for (uint64_t version = std::max(from, run.first_version);
             version <= run.last_version && count < max_count; ++version, ++count) {
          slots.push_back({run.first_position + (version - run.first_version), read, version,
                           use_kept_events ? std::move(run.kept_event) : std::string()});
        }
      }
      RETURN_IF_ERROR(FromRocks(it->status(), "event store read stream index"));
    }
    if (slots.empty()) return result;

    // Positions grow with versions, so in position order each read's events come in version order.
    std::sort(slots.begin(), slots.end(),
              [](const LogSlot& a, const LogSlot& b) { return a.position < b.position; });
    // The events not kept in the index, from the log.
    std::vector<size_t> from_log;
    std::vector<std::string> keys;
    for (size_t i = 0; i < slots.size(); ++i) {
      if (!slots[i].bytes.empty()) continue;
      from_log.push_back(i);
      keys.push_back(EncodeBigEndian64(slots[i].position));
    }
    if (!keys.empty()) {
      std::vector<rocksdb::Slice> key_slices(keys.begin(), keys.end());
      std::vector<rocksdb::PinnableSlice> values(keys.size());
      std::vector<rocksdb::Status> statuses(keys.size());
      db_->MultiGet({}, handles_[kLog], keys.size(), key_slices.data(), values.data(),
                    statuses.data(), /*sorted_input=*/true);
      for (size_t k = 0; k < keys.size(); ++k) {
        LogSlot& slot = slots[from_log[k]];
        if (statuses[k].IsNotFound()) {
          return absl::DataLossError(absl::StrCat(
              "stream ", reads[slot.read].stream_id, " version ", slot.stream_version,
              " is indexed at position ", slot.position, ", which the log does not hold"));
        }
        RETURN_IF_ERROR(FromRocks(statuses[k], "event store read log"));
        slot.bytes = values[k].ToString();
      }
    }
    for (LogSlot& slot : slots) {
      result[slot.read].push_back(
          {slot.position, reads[slot.read].stream_id, slot.stream_version, std::move(slot.bytes)});
    }
    return result;
  }

  // Forward reads of the stream index stay within one stream's keys, which lets its prefix Bloom
  // filters skip the tables that hold none of them (GetStreamHead's backward seek does not use
  // them).
  static rocksdb::ReadOptions StreamIndexReadOptions() {
    rocksdb::ReadOptions options;
    options.prefix_same_as_start = true;
    return options;
  }

  // The stream's version from its in-memory head, when that head is known and committed (the
  // common case when loading a cached aggregate: "is there anything after version n?"). Called
  // under mu_.
  absl::optional<uint64_t> KnownCommittedVersionLocked(const std::string& stream_id) {
    auto it = heads_.find(stream_id);
    if (it == heads_.end() || it->second.last_position > committed_position_.load()) {
      return absl::nullopt;
    }
    return it->second.version;
  }

  static absl::Status CheckExpectedVersion(const AppendRequest& request, const StreamHead& head) {
    if (request.expected_version == kAnyVersion ||
        static_cast<uint64_t>(request.expected_version) == head.version) {
      return absl::OkStatus();
    }
    return absl::AbortedError(absl::StrCat("version conflict on stream ", request.stream_id,
                                           ": expected version ", request.expected_version,
                                           ", actual ", head.version));
  }

  // Completes the envelopes, adds every write of the append (all its streams, and the
  // idempotency record) to the open batch, and advances the in-memory heads and position only
  // once all of it succeeded. Called under mu_.
  absl::Status Prepare(MultiAppendRequest& request, const std::string& fingerprint,
                       const std::vector<KnownHead*>& heads, std::vector<AppendResult>& results) {
    const google::protobuf::Timestamp recorded_at = ToProtoTime(options_.clock());
    std::vector<StreamHead> new_heads;
    uint64_t position = next_position_;
    results.assign(request.appends.size(), AppendResult{});
    // Writes go straight into the open group's batch; a failure rolls them back.
    open_batch_.SetSavePoint();
    absl::Status status;
    for (size_t i = 0; i < request.appends.size() && status.ok(); ++i) {
      new_heads.push_back(*heads[i]);
      status = AddWrites(request.appends[i], recorded_at, new_heads.back(), position, results[i]);
    }
    if (status.ok() && !request.idempotency_key.empty()) {
      status = FromRocks(open_batch_.Put(handles_[kIdempotency], request.idempotency_key,
                                         internal::EncodeIdempotencyRecord({fingerprint, results})),
                         "event store batch");
    }
    if (!status.ok()) {
      open_batch_.RollbackToSavePoint().PermitUncheckedError();
      return status;
    }
    open_batch_.PopSavePoint().PermitUncheckedError();
    for (const AppendResult& result : results) {
      open_batch_outbox_rows_.push_back({result.first_position, result.last_position});
    }
    for (size_t i = 0; i < heads.size(); ++i) {
      static_cast<StreamHead&>(*heads[i]) = std::move(new_heads[i]);
      heads[i]->last_position = results[i].last_position;
    }
    next_position_ = position;
    return absl::OkStatus();
  }

  // The writes of one append, into open_batch_; advances new_head and position.
  absl::Status AddWrites(AppendRequest& request, const google::protobuf::Timestamp& recorded_at,
                         StreamHead& new_head, uint64_t& position, AppendResult& result) {
    rocksdb::WriteBatch& writes = open_batch_;
    result.first_version = new_head.version + 1;
    result.first_position = position;
    for (EventEnvelope& event : request.events) {
      ++new_head.version;
      event.set_service(options_.service);
      event.set_stream_id(request.stream_id);
      event.set_stream_version(new_head.version);
      event.set_global_position(position);
      *event.mutable_recorded_at() = recorded_at;
      if (!event.has_occurred_at()) *event.mutable_occurred_at() = recorded_at;
      if (event.event_id().empty()) NewUuid(*event.mutable_event_id());
      if (event.event_type().empty()) event.set_event_type(TypeNameOf(event.payload()));
      if (event.schema_version() == 0) event.set_schema_version(1);
      event.set_prev_event_hash(new_head.last_event_hash);
      // Reused buffer: appends are prepared one at a time, under mu_.
      std::string& bytes = encode_buffer_;
      if (!event.SerializeToString(&bytes)) return absl::InternalError("cannot encode event");
      if (bytes.size() > kMaxEventBytes) {
        return InvalidField(absl::StrCat("events[", &event - request.events.data(), "]"),
                            "larger than 1 MiB");
      }
      new_head.last_event_hash = EventHash(bytes);

      RETURN_IF_ERROR(FromRocks(writes.Put(handles_[kLog], EncodeBigEndian64(position), bytes),
                                "event store batch"));
      ++position;
    }
    result.last_version = new_head.version;
    result.last_position = position - 1;
    // One index entry and one outbox row for the whole run of events.
    internal::StreamRun run{result.first_version, result.last_version, result.first_position,
                            new_head.last_event_hash};
    if (request.keep_in_index && request.events.size() == 1 &&
        encode_buffer_.size() <= kMaxKeptInIndexBytes) {
      run.kept_event = encode_buffer_;  // the one event's bytes, still in the buffer
    }
    RETURN_IF_ERROR(
        FromRocks(writes.Put(handles_[kStreamIndex],
                             internal::StreamIndexKey(request.stream_id, result.last_version),
                             internal::EncodeStreamRunValue(run)),
                  "event store batch"));
    RETURN_IF_ERROR(
        FromRocks(writes.Put(handles_[kOutbox], EncodeBigEndian64(result.first_position),
                             EncodeBigEndian64(result.last_position)),
                  "event store batch"));
    return absl::OkStatus();
  }

  // Leader/follower group commit; see the file comment. Called under mu_ (held by `lock`).
  void WaitForCommit(const PendingAppend& mine, std::unique_lock<std::mutex>& lock) {
    while (!mine.done) {
      if (writing_) {
        cv_.wait(lock);
        continue;
      }
      writing_ = true;
      std::vector<std::shared_ptr<PendingAppend>> group;
      group.swap(open_group_);
      rocksdb::WriteBatch batch(std::move(open_batch_));
      open_batch_.Clear();
      const std::vector<internal::PositionRange> outbox_rows =
          std::exchange(open_batch_outbox_rows_, {});
      const uint64_t last_position = next_position_ - 1;
      lock.unlock();
      absl::Status status = FromRocks(db_->Write(write_options_, &batch), "event store write");
      if (status.ok()) {
        // Before the position is published: a relay that sees the head sees its rows.
        for (const internal::PositionRange& row : outbox_rows) outbox_.Add(row.first, row.last);
      }
      lock.lock();
      if (status.ok()) {
        committed_position_.store(last_position);
      } else {
        // The positions handed to this group and to the appends queued behind it are gone: the
        // store stops appending (reads go on) until it is reopened, which reloads its counters
        // from what is stored. A full disk stays RESOURCE_EXHAUSTED, so clients know to wait.
        failed_ = absl::Status(
            status.code(),
            absl::StrCat(status.message(),
                         absl::IsResourceExhausted(status)
                             ? " (store refuses appends until restarted after space is freed)"
                             : " (store refuses appends until reopened)"));
        log::Error("eventstore.append_failed",
                   {{"path", options_.path}, {"error", failed_.ToString()}});
        status = failed_;
      }
      for (const auto& pending : group) {
        pending->status = status;
        pending->done = true;
      }
      writing_ = false;
      cv_.notify_all();
    }
  }

  std::unique_ptr<rocksdb::Iterator> NewLogIterator() {
    return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator({}, handles_[kLog]));
  }

  // Appends up to `count` consecutive log entries from `first_position` to `out`, seeking `it`
  // (an iterator on the log) there.
  static absl::Status ReadLogRange(rocksdb::Iterator& it, uint64_t first_position, uint64_t count,
                                   std::vector<StoredEvent>& out) {
    uint64_t read = 0;
    for (it.Seek(EncodeBigEndian64(first_position)); it.Valid() && read < count;
         it.Next(), ++read) {
      out.push_back({DecodeBigEndian64(ToView(it.key())), "", 0, it.value().ToString()});
    }
    return FromRocks(it.status(), "event store read log");
  }

  // Events from the log carry their stream coordinates inside the bytes; decode them cheaply.
  static absl::Status FillStreamCoordinates(std::vector<StoredEvent>& events) {
    EventEnvelope envelope;
    for (StoredEvent& event : events) {
      if (!envelope.ParseFromString(event.bytes)) {
        return absl::DataLossError(
            absl::StrCat("event at position ", event.position, " does not decode"));
      }
      event.stream_id = envelope.stream_id();
      event.stream_version = envelope.stream_version();
    }
    return absl::OkStatus();
  }

  static absl::StatusOr<std::vector<EventEnvelope>> DecodeAll(const std::vector<StoredEvent>& raw) {
    std::vector<EventEnvelope> events(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
      if (!events[i].ParseFromString(raw[i].bytes)) {
        return absl::DataLossError(
            absl::StrCat("event at position ", raw[i].position, " does not decode"));
      }
    }
    return events;
  }

  const EventStoreOptions options_;
  const std::unique_ptr<rocksdb::DB> db_;
  const std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::WriteOptions write_options_;

  std::mutex mu_;
  std::condition_variable cv_;
  absl::Status failed_;  // guarded by mu_
  // guarded by mu_. Pointer-stable (std::unordered_map): AppendAll holds pointers to the heads
  // of its streams while LoadHead inserts the next ones.
  std::unordered_map<std::string, KnownHead> heads_;
  size_t heads_bytes_ = 0;  // guarded by mu_; HeadBytes of every entry
  const std::shared_ptr<memory::CacheShare> heads_share_;
  absl::flat_hash_map<std::string, InFlightKey> in_flight_keys_;  // guarded by mu_
  uint64_t next_position_ = 1;                                    // guarded by mu_
  std::vector<std::shared_ptr<PendingAppend>> open_group_;        // guarded by mu_
  rocksdb::WriteBatch open_batch_;                                // guarded by mu_
  // The outbox rows of open_batch_, for outbox_ once the batch is written.
  std::vector<internal::PositionRange> open_batch_outbox_rows_;  // guarded by mu_
  bool writing_ = false;                                         // guarded by mu_
  std::string encode_buffer_;                                    // guarded by mu_

  std::atomic<uint64_t> committed_position_{0};
  // The waiting outbox rows; one map entry per undelivered append (see outbox_index.h for the
  // memory this costs while the relay is behind). Has its own mutex.
  internal::OutboxIndex outbox_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<EventStore>> EventStore::Open(const EventStoreOptions& options) {
  if (options.path.empty()) return InvalidField("path", "required");
  rocksdb::Options db_options;
  db_options.info_log = storage::PlatformRocksLogger();
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.compression = rocksdb::kLZ4Compression;
  db_options.IncreaseParallelism(2);
  // Appends are written by one group leader at a time, and hash memtables need this off.
  db_options.allow_concurrent_memtable_write = false;
  // RocksDB preallocates each WAL file at 1.1 × the write buffer (74 MB on disk per store in
  // salesd, most of an idle store's footprint). Kept where every commit group is fsynced, where
  // extending the file in large steps spares the syncs block allocations; a WAL that is never
  // synced gains nothing from it.
  db_options.allow_fallocate = options.durability == Durability::kMachineCrash;
  if (options.memory != nullptr) options.memory->ConfigureDatabase(db_options);
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const char* name : kColumnFamilyNames) {
    rocksdb::ColumnFamilyOptions family_options(db_options);
    const std::string family(name);
    rocksdb::BlockBasedTableOptions table_options;
    if (family == kColumnFamilyNames[kIdempotency]) {
      // Lookups of a new key (the common case) miss: bloom filters answer them instead of
      // skip-list and table searches.
      family_options.memtable_whole_key_filtering = true;
      family_options.memtable_prefix_bloom_size_ratio = 0.02;
      table_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    }
    if (options.memory != nullptr) options.memory->ConfigureTable(table_options);
    if (family == kColumnFamilyNames[kStreamIndex]) {
      // Appends to many streams interleave, so consecutive index keys land far apart in the
      // skip list; a per-stream insert hint makes each stream's next entry an O(1) insert.
      family_options.memtable_insert_with_hint_prefix_extractor =
          internal::NewStreamPrefixTransform();
      // Every read of the index is within one stream (StreamIndexReadOptions): Bloom filters on
      // the stream prefix let a seek skip the memtable and the tables without it — most of them
      // for a stream written once, as a price list's per-SKU stream is.
      family_options.prefix_extractor = internal::NewStreamPrefixTransform();
      family_options.memtable_prefix_bloom_size_ratio = 0.02;
      table_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
      table_options.whole_key_filtering = false;
    }
    family_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));
    families.emplace_back(name, family_options);
  }
  RETURN_IF_ERROR(storage::CreateDatabaseDirectory(options.path));
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options.path, families, &handles, &raw_db);
  if (!s.ok()) {
    return absl::Status(
        s.IsNoSpace() ? absl::StatusCode::kResourceExhausted : absl::StatusCode::kUnavailable,
        absl::StrCat("cannot open event store at ", options.path, ": ", s.ToString()));
  }
  auto store = std::make_unique<RocksDbEventStore>(options, std::unique_ptr<rocksdb::DB>(raw_db),
                                                   std::move(handles));
  RETURN_IF_ERROR(store->LoadCounters());
  return store;
}

}  // namespace sales::eventstore
