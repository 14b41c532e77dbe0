// ProjectionStore: the one RocksDB database of one projection.
//
// Two column families:
//   "read_model"  the projection's keyspace (what queries read and Checksum covers);
//   "runner"      the runner's metadata: the next Kafka offset per (topic, partition), the broker
//                 identity those offsets refer to, the dedupe mark per (source, stream id) = the
//                 last applied stream version, and the next event-feed position per source.
// Everything a batch changes — read-model rows and metadata — goes into one StoreBatch and is
// committed as one RocksDB WriteBatch: after a crash either all of it is there or none of it.
// Writes skip RocksDB's WAL and the families flush together (atomic_flush), so a process crash
// takes the store back to its last flush — a state of whole batches, offsets and marks included —
// and the runner re-applies what came after, exactly once; a clean close keeps everything.
//
//   ASSIGN_OR_RETURN(auto store, ProjectionStore::Open("/data/funnel"));
//   StoreBatch batch = store->NewBatch();
//   batch.txn().Put("k", "v");
//   batch.SetOffset("sales.leads.v1", 3, 1200);
//   RETURN_IF_ERROR(store->Commit(batch));
//   ASSIGN_OR_RETURN(std::string sha, store->Checksum());
//
// Rows used through ProjectionTxn::Mutable live decoded in the batch (one hash-map entry each)
// and are encoded into its writes when the batch is handed to the committer; from then on they
// are ordinary writes (Get reads them as any other). The decoded objects themselves move into a
// cache of decoded rows, from which a later batch's Mutable takes them back instead of decoding
// the bytes again; like the other caches it only ever holds the state of what is committed or in
// flight (a Put or Delete of the key drops its entry, a failed commit drops them all), so a key
// must always be loaded into the same row type.
//
// Accumulators (ProjectionTxn::Accumulator) are folded on the committer thread, as the first
// step of their batch's write, through a FoldTxn of their own: its reads see what earlier
// batches stored (the committer wrote them, in order) and the fold's own writes; its Mutable rows
// are kept decoded across batches in a cache of the committer thread's (same budget); what it adds
// to counter rows is written as merge operands, summed by RocksDB (counter_row_sum.h). That
// takes the fold off the writer's thread, which meanwhile applies the next batch — sound because
// Apply never reads the rows an accumulator folds into (projection.h). A fold error fails the
// batch's write like a RocksDB error: AwaitCommit returns it and nothing of the batch is stored.
//
// Speed. A batch keeps its writes in hash maps (one entry per key, the latest value) and turns
// them into a WriteBatch only at Commit, so a key written many times in a batch (a counter, a
// stream's dedupe mark) costs one RocksDB write per batch. The store also keeps in memory the
// committed dedupe marks that batches have read or written and the read-model rows they have read
// through Get (bounded, see ProjectionStoreOptions; a later write of a cached row replaces it),
// so that a batch's reads rarely reach RocksDB. That is sound because
// the store is the only writer of its database and its caches change only after a successful
// commit: they never run ahead of (or behind) what is stored. After a failed commit they are
// dropped.
//
// Pipelining. CommitInBackground hands a batch to the store's committer thread and returns at
// once; the writer builds the next batch meanwhile, and that batch's reads see the in-flight
// batch's changes (as if committed) until AwaitCommit has moved them into the caches. So batch
// N+1 is applied while batch N is written, and what N+1 stores (rows, marks, offsets) is
// computed on top of N. If N's write fails, N+1 was built on changes that are not stored: the
// writer must discard it (StoreBatch::Clear). At most one batch is in flight.
//
//   RETURN_IF_ERROR(store->AwaitCommit());        // batch N-1
//   RETURN_IF_ERROR(store->CommitInBackground(batch));  // batch N; `batch` is empty again
//   ... fill `batch` with N+1 ...
//
// Thread-safety: Get, Scan, Checksum and the metadata reads may be called concurrently with
// everything (queries read while the runner commits). Building StoreBatches, Commit,
// CommitInBackground, CommitSettled and AwaitCommit are for one writer thread at a time (they
// share the caches and the in-flight batch); a StoreBatch belongs to that thread.
#ifndef SALES_COMMON_PROJECTION_PROJECTION_STORE_H_
#define SALES_COMMON_PROJECTION_PROJECTION_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/memory/memory_budget.h"
#include "common/projection/internal/background_job.h"
#include "common/projection/internal/bounded_cache.h"
#include "common/projection/pending_counter_rows.h"
#include "common/projection/projection.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace sales::projection {

class StoreBatch;

struct ProjectionStoreOptions {
  // Bytes of committed dedupe marks and of committed read-model rows kept in memory for the
  // batches' reads (0: none). Beyond them entries are dropped and read again from RocksDB.
  size_t mark_cache_bytes = size_t{32} << 20;
  size_t row_cache_bytes = size_t{64} << 20;
  // Rows held through ProjectionTxn::Mutable stay decoded after their batch was handed to its
  // commit, for the next batches to take up again without decoding (estimated at twice their
  // encoded size; 0: none). Accumulators' rows have a budget of the same size of their own.
  size_t decoded_row_cache_bytes = size_t{64} << 20;
  // RocksDB memtable size of each column family (see PointLookupOptions in the .cc: smaller
  // memtables made the benchmark's commits faster; 2–64 MiB measured).
  size_t write_buffer_bytes = size_t{4} << 20;
  // The process's memory budget (null: none). When set, the byte sizes above give way to it:
  // the caches join its in-memory share as "<name>/marks", "<name>/rows", "<name>/decoded" and
  // "<name>/folded" (weights 1:2:2:2, the ratio of the defaults above), and the database uses
  // its block cache and write-buffer manager. Must outlive the store.
  memory::MemoryBudget* memory = nullptr;
  std::string name;  // the projection's name, for the caches' names
};

// What a store has applied and built, as of one instant (ProjectionStore::Digest).
struct StoreDigest {
  std::string model;     // = Checksum()
  std::string marks;     // hex SHA-256 over every dedupe mark (source, stream → version)
  uint64_t streams = 0;  // number of dedupe marks
  // Every source's next feed position, "<source>@<position>" joined by ", " in source order
  // (empty when no feed was read): what a store that follows its feeds in order has applied.
  std::string feed_positions;
};

class ProjectionStore {
 public:
  // Opens (creating if needed) the database at `path`.
  static absl::StatusOr<std::unique_ptr<ProjectionStore>> Open(
      const std::string& path, const ProjectionStoreOptions& options = {});
  ~ProjectionStore();

  StoreBatch NewBatch();
  // Commits the batch atomically and leaves it empty for reuse: CommitInBackground,
  // then AwaitCommit. Refused while a save point is open or another batch is in flight.
  absl::Status Commit(StoreBatch& batch);

  // Starts committing the batch atomically on the committer thread — which first folds
  // its accumulators — and leaves `batch` empty for reuse. Refused (and `batch` unchanged) while
  // a save point is open or another batch is in flight. `landed`, if given, runs on the
  // committer thread right after a successful write, before any read of this store can see the
  // batch (and before AwaitCommit returns): for quick, thread-safe bookkeeping such as counters.
  // It runs under the store's model lock, so it must not read the store.
  absl::Status CommitInBackground(StoreBatch& batch, std::function<void()> landed = nullptr);
  // True when AwaitCommit would not block: nothing in flight, or its write has ended.
  bool CommitSettled();
  // CPU the committer thread has spent folding and writing batches since the store was opened.
  absl::Duration CommitterCpu() const { return committer_->cpu(); }
  // Waits for the batch in flight (OK when none) and returns the result of its fold and write.
  // On failure the in-flight changes are dropped and whether any reached the database is unknown
  // until it is read again (the caches are dropped); batches built meanwhile must be cleared.
  absl::Status AwaitCommit();

  // Makes sure the store holds a read model of layout `version` (Projection::layout_version):
  // a new store records it; a store recorded under another version, or holding anything without
  // a recorded version (built before versions were recorded), is emptied — read model and runner
  // metadata, so that the runner rebuilds it from the event feed — and records `version`.
  // Returns whether it emptied the store. Nothing may be in flight.
  absl::StatusOr<bool> EnsureLayout(int version);

  // Committed runner metadata.
  absl::StatusOr<std::optional<std::string>> BrokerIdentity();
  absl::StatusOr<std::optional<int64_t>> Offset(absl::string_view topic, int32_t partition);
  // Next position to read from the source's event feed (1 when never caught up).
  absl::StatusOr<uint64_t> FeedPosition(absl::string_view source);

  // Committed read model, for queries.
  absl::StatusOr<std::optional<std::string>> Get(absl::string_view key);
  // The rows of `keys` (in the order asked) from one snapshot, in one RocksDB MultiGet: for a
  // query that reads many rows it knows in advance (a year of day cells), several times faster
  // than a Get each.
  absl::StatusOr<std::vector<std::optional<std::string>>> MultiGet(
      const std::vector<std::string>& keys);
  // Rows of the committed read model and the next position to read from `source`'s feed, from
  // one snapshot: the rows are exactly the fold of the feed's events before that position (for a
  // caller that adds what it knows was appended since, e.g. leads' open loads).
  struct RowsAtFeedPosition {
    uint64_t next_feed_position = 1;
    std::vector<std::optional<std::string>> rows;  // in key order as asked
  };
  absl::StatusOr<RowsAtFeedPosition> GetAtFeedPosition(absl::string_view source,
                                                       const std::vector<std::string>& keys);
  // Calls `visit` for every key starting with `prefix`, in key order, until it returns false.
  absl::Status Scan(
      absl::string_view prefix,
      const std::function<bool(absl::string_view key, absl::string_view value)>& visit);
  // The same from the first key at or after `start` (a key with `prefix`, e.g. a page token).
  absl::Status ScanFrom(
      absl::string_view prefix, absl::string_view start,
      const std::function<bool(absl::string_view key, absl::string_view value)>& visit);

  // Sweeps the pending counter sums into their rows (pending_counter_rows.h), then compacts the
  // whole read model, so that every counter row (counter_row_sum.h) is stored as one value
  // instead of the operands a catch-up left in every level: what queries then read once per row
  // instead of summing it on every read. Blocks for a while (seconds for a large model);
  // safe beside writes and reads.
  absl::Status CompactReadModel();

  // Lowercase hex SHA-256 over every (key, value) of the read model in key order, each part
  // length-prefixed; runner metadata is not included, so a live model and a rebuild compare
  // byte for byte.
  absl::StatusOr<std::string> Checksum();
  // The read model's Checksum, a checksum of the dedupe marks and the feed positions, from one
  // consistent snapshot: two stores with equal marks — or, if they follow their feeds in order
  // and keep no marks, equal feed positions — have applied exactly the same events (see
  // rebuild_check.h).
  absl::StatusOr<StoreDigest> Digest();

  // What the store was opened with (a rebuild beside it opens its copy the same way).
  const ProjectionStoreOptions& options() const { return options_; }

 private:
  friend class StoreBatch;
  class CommitterTxn;
  ProjectionStore(std::unique_ptr<rocksdb::DB> db,
                  std::vector<rocksdb::ColumnFamilyHandle*> handles,
                  const ProjectionStoreOptions& options);
  absl::StatusOr<std::optional<std::string>> GetRaw(
      rocksdb::ColumnFamilyHandle* cf, absl::string_view key,
      const rocksdb::ReadOptions& options = rocksdb::ReadOptions());
  // A read-model row as readers see it: what RocksDB holds plus its pending counter sum.
  absl::StatusOr<std::optional<std::string>> GetModelRow(absl::string_view key,
                                                         const rocksdb::ReadOptions& options)
      ABSL_SHARED_LOCKS_REQUIRED(model_mu_);
  // The read model's rows in [from, to) (`to` empty: no end) as of one instant, for scans: an
  // iterator and copies of the pending counter sums of that range.
  struct ModelView {
    std::unique_ptr<rocksdb::Iterator> rows;
    std::vector<std::pair<std::string, CounterSlots>> pending;
    // Calls `visit` for every row from `from` whose key starts with `prefix`, pending sums
    // added, in key order, until it returns false.
    absl::Status Scan(
        absl::string_view from, absl::string_view prefix,
        const std::function<bool(absl::string_view key, absl::string_view value)>& visit);
  };
  ModelView OpenModelView(const rocksdb::ReadOptions& options, absl::string_view from,
                          absl::string_view to) ABSL_LOCKS_EXCLUDED(model_mu_);
  // Whether the family holds no key.
  bool FamilyEmpty(rocksdb::ColumnFamilyHandle* cf);
  // Deletes every key of the family.
  absl::Status DeleteAll(rocksdb::ColumnFamilyHandle* cf);
  // The latest mark under `mark_key` (0 if none) and read-model row under `key` beneath the
  // batch being built: the in-flight batch's, else from the cache, else (unless every mark is
  // cached) from RocksDB, and then cached. Writer thread only.
  absl::StatusOr<uint64_t> LatestMark(const std::string& mark_key);
  absl::StatusOr<std::optional<std::string>> LatestRow(absl::string_view key);
  // The same without copying or caching (for Mutable's one load per batch): a view of the
  // in-flight write or the cached row, else of the row read from RocksDB into `scratch`. Valid
  // until the caches or the in-flight batch change.
  absl::StatusOr<std::optional<absl::string_view>> LatestRowView(absl::string_view key,
                                                                 std::string& scratch);
  // A decoded row of a handed-over batch, estimated at twice its encoded size (DecodedRowCache).
  struct DecodedRow {
    std::unique_ptr<AccumulatedRow> row;
    size_t bytes = 0;
  };
  friend size_t ValueBytes(const DecodedRow& decoded) { return decoded.bytes; }
  // Rows held decoded through Mutable, by key.
  using DecodedRows = absl::flat_hash_map<std::string, std::unique_ptr<AccumulatedRow>>;
  // Encodes `rows` into `writes` (their one encoding) and moves the decoded objects into `keep`.
  static void EncodeRows(DecodedRows& rows,
                         absl::flat_hash_map<std::string, std::optional<std::string>>& writes,
                         internal::BoundedCache<DecodedRow>& keep);
  // The committer thread's job: folds the in-flight batch's accumulators, then writes it.
  absl::Status WriteInFlight();
  absl::Status FoldAndWrite();

  const ProjectionStoreOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* model_cf_;
  rocksdb::ColumnFamilyHandle* runner_cf_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // owned; destroyed before db_
  // Writer thread only: copies of committed entries (marks by runner-metadata key, rows by
  // read-model key; nullopt: known absent) and Commit's reused WriteBatch.
  internal::BoundedCache<uint64_t> mark_cache_;
  // mark_cache_.forgotten() as of when the store held no dedupe mark besides those in the cache
  // (it had none when opened or emptied); nullopt when unknown. While they are equal a mark the
  // cache lacks is 0 without a read — the case of every new stream in a catch-up from scratch.
  std::optional<uint64_t> all_marks_cached_at_;
  bool AllMarksCached() const { return all_marks_cached_at_ == mark_cache_.forgotten(); }
  // Whether the runner family holds any dedupe mark (an error when it cannot be read).
  absl::StatusOr<bool> HoldsMarks();
  internal::BoundedCache<std::optional<std::string>> row_cache_;
  internal::BoundedCache<DecodedRow> decoded_cache_;
  // Committer thread only: the accumulators' decoded rows across batches, and the fold's txn.
  internal::BoundedCache<DecodedRow> folded_cache_;
  std::unique_ptr<CommitterTxn> fold_txn_;
  // The batch handed to the committer (its changes; empty when none). While in_flight_active_,
  // the committer thread and the writer thread both only read it.
  std::unique_ptr<StoreBatch> in_flight_;
  bool in_flight_active_ = false;    // writer thread only
  std::function<void()> landed_;     // set with in_flight_
  rocksdb::WriteBatch write_batch_;  // committer thread only
  // Held exclusively by the committer around a write and the pending sums' update, shared by
  // readers of the read model: they see both as of one instant.
  absl::Mutex model_mu_;
  // Counter-row deltas of recent small batches, not yet added to their rows.
  PendingCounterRows pending_ ABSL_GUARDED_BY(model_mu_);
  // Set when the sums could not be read again after a failed write: no more writes.
  absl::Status pending_failed_ ABSL_GUARDED_BY(model_mu_);
  std::unique_ptr<internal::BackgroundJob> committer_;  // writes in_flight_
};

// One atomic unit of change: the projection's writes (through txn()) plus runner metadata.
// Reads of the read model and of dedupe marks see the batch's own earlier writes.
class StoreBatch {
 public:
  StoreBatch(StoreBatch&&) noexcept;
  ~StoreBatch();

  ProjectionTxn& txn();

  // Last applied version of `stream_id` from `source` (0 if none), read-your-writes.
  absl::StatusOr<uint64_t> Mark(absl::string_view source, absl::string_view stream_id);
  // Only the last mark set per stream is written at commit. Marks are not covered by save
  // points: set them outside one. `version` ≥ 1: a mark of 0 means "none" and is never stored
  // (marks only grow, from a stream's first event).
  void SetMark(absl::string_view source, absl::string_view stream_id, uint64_t version);
  // Mark and SetMark in one lookup, for an applier that reads a stream's mark and then advances
  // it: the batch's entry of the stream (added with its latest mark if it has none), to read
  // and set. Written at commit like a SetMark, unchanged or not (a mark of 0 is not stored).
  // Valid until the next MutableMark, SetMark or Clear, or until the batch is committed or moved.
  absl::StatusOr<uint64_t*> MutableMark(absl::string_view source, absl::string_view stream_id);
  void SetOffset(absl::string_view topic, int32_t partition, int64_t next_offset);
  void SetFeedPosition(absl::string_view source, uint64_t next_position);
  void SetBrokerIdentity(absl::string_view identity);

  // Marks the current state of the read-model writes, so that a poison event's writes can be
  // discarded. Save points nest; each is ended by exactly one Rollback or Discard.
  // Rows held through ProjectionTxn::Mutable are not covered: rolling back a save point after a
  // Mutable call made since it is INTERNAL and fails the batch (it can then only be cleared:
  // Commit refuses it), because the rolled-back event may have changed those rows.
  void SetSavePoint();
  absl::Status RollbackToSavePoint();
  void DiscardSavePoint();  // keeps the writes made since the save point

  // Discards every change (and any open save point); the batch can then be reused.
  void Clear();

 private:
  friend class ProjectionStore;
  class Txn;
  // Read-model writes made since one save point: key → latest value (nullopt: deleted).
  using Writes = absl::flat_hash_map<std::string, std::optional<std::string>>;

  explicit StoreBatch(ProjectionStore* store);
  // The batch's own latest write of `key`; nullptr if it has not written it.
  const std::optional<std::string>* FindWrite(absl::string_view key) const;
  // Appends every change of the batch to `out`.
  void WriteTo(rocksdb::WriteBatch& out) const;
  // Exchanges the changes and accumulators (not the save points: none may be open) with
  // `other`'s.
  void SwapChanges(StoreBatch& other);

  ProjectionStore* store_;
  // writes_[0] holds the batch's writes before the first open save point, writes_[i] those
  // since the i-th, for i ≤ open_save_points_; later elements are empty, kept for reuse.
  std::vector<Writes> writes_;
  size_t open_save_points_ = 0;
  // Rows held through Mutable, by key; Mutable calls so far, and their number when each open
  // save point was set (mutations_at_save_point_[i]: the (i+1)-th); set when a rollback failed.
  ProjectionStore::DecodedRows accumulated_;
  // The batch's accumulators, by name (folded in name order, on the committer thread).
  std::map<std::string, std::unique_ptr<BatchAccumulator>, std::less<>> accumulators_;
  uint64_t mutations_ = 0;
  std::vector<uint64_t> mutations_at_save_point_;
  absl::Status failed_;
  absl::flat_hash_map<std::string, uint64_t> marks_;        // by runner-metadata key
  absl::flat_hash_map<std::string, std::string> metadata_;  // other runner-metadata writes
  std::string key_buffer_;  // reused to build mark keys without allocating
  std::string row_buffer_;  // reused by Mutable to read rows from RocksDB
  std::unique_ptr<Txn> txn_;
};

}  // namespace sales::projection

#endif  // SALES_COMMON_PROJECTION_PROJECTION_STORE_H_
