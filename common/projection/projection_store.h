// ProjectionStore: the one RocksDB database of one projection.
//
// Two column families:
//   "read_model"  the projection's keyspace (what queries read and Checksum covers);
//   "runner"      the runner's metadata: the next Kafka offset per (topic, partition), the broker
//                 identity those offsets refer to, the dedupe mark per (source, stream id) = the
//                 last applied stream version, and the next event-feed position per source.
// Everything a batch changes — read-model rows and metadata — goes into one StoreBatch and is
// committed as one RocksDB WriteBatch with the WAL on: after a crash either all of it is there
// or none of it.
//
//   ASSIGN_OR_RETURN(auto store, ProjectionStore::Open("/data/funnel"));
//   StoreBatch batch = store->NewBatch();
//   batch.txn().Put("k", "v");
//   batch.SetOffset("sales.leads.v1", 3, 1200);
//   RETURN_IF_ERROR(store->Commit(batch));
//   ASSIGN_OR_RETURN(std::string sha, store->Checksum());
//
// Speed. A batch keeps its writes in hash maps (one entry per key, the latest value) and turns
// them into a WriteBatch only at Commit, so a key written many times in a batch (a counter, a
// stream's dedupe mark) costs one RocksDB write per batch. The store also keeps in memory the
// committed dedupe marks and read-model rows that batches have read or written (bounded, see
// ProjectionStoreOptions), so that a batch's reads rarely reach RocksDB. That is sound because
// the store is the only writer of its database and its caches change only after a successful
// commit: they never run ahead of (or behind) what is stored. After a failed commit they are
// dropped.
//
// Thread-safety: Get, Scan, Checksum and the metadata reads may be called concurrently with
// everything (queries read while the runner commits). Building StoreBatches and Commit are for
// one writer thread at a time (they share the mark cache); a StoreBatch belongs to that thread.
#ifndef SALES_COMMON_PROJECTION_PROJECTION_STORE_H_
#define SALES_COMMON_PROJECTION_PROJECTION_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/projection/internal/bounded_cache.h"
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
  // RocksDB memtable size of each column family (see PointLookupOptions in the .cc: smaller
  // memtables made the benchmark's commits faster; 2–64 MiB measured).
  size_t write_buffer_bytes = size_t{4} << 20;
};

class ProjectionStore {
 public:
  // Opens (creating if needed) the database at `path`.
  static absl::StatusOr<std::unique_ptr<ProjectionStore>> Open(const std::string& path,
                                                               ProjectionStoreOptions options = {});
  ~ProjectionStore();

  StoreBatch NewBatch();
  // Commits the batch atomically (WAL on) and leaves it empty for reuse. Refused while a save
  // point is open. On failure nothing is written and the batch is unchanged.
  absl::Status Commit(StoreBatch& batch);

  // Committed runner metadata.
  absl::StatusOr<std::optional<std::string>> BrokerIdentity();
  absl::StatusOr<std::optional<int64_t>> Offset(absl::string_view topic, int32_t partition);
  // Next position to read from the source's event feed (1 when never caught up).
  absl::StatusOr<uint64_t> FeedPosition(absl::string_view source);

  // Committed read model, for queries.
  absl::StatusOr<std::optional<std::string>> Get(absl::string_view key);
  // Calls `visit` for every key starting with `prefix`, in key order, until it returns false.
  absl::Status Scan(
      absl::string_view prefix,
      const std::function<bool(absl::string_view key, absl::string_view value)>& visit);

  // Lowercase hex SHA-256 over every (key, value) of the read model in key order, each part
  // length-prefixed; runner metadata is not included, so a live model and a rebuild compare
  // byte for byte.
  absl::StatusOr<std::string> Checksum();

 private:
  friend class StoreBatch;
  ProjectionStore(std::unique_ptr<rocksdb::DB> db,
                  std::vector<rocksdb::ColumnFamilyHandle*> handles,
                  ProjectionStoreOptions options);
  absl::StatusOr<std::optional<std::string>> GetRaw(rocksdb::ColumnFamilyHandle* cf,
                                                    absl::string_view key);
  // The committed mark under `mark_key` (0 if none) and the committed read-model row under
  // `key`: from the cache, else from RocksDB (and then cached). Writer thread only.
  absl::StatusOr<uint64_t> CommittedMark(const std::string& mark_key);
  absl::StatusOr<std::optional<std::string>> CommittedRow(absl::string_view key);

  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* model_cf_;
  rocksdb::ColumnFamilyHandle* runner_cf_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // owned; destroyed before db_
  // Writer thread only: copies of committed entries (marks by runner-metadata key, rows by
  // read-model key; nullopt: known absent) and Commit's reused WriteBatch.
  internal::BoundedCache<uint64_t> mark_cache_;
  internal::BoundedCache<std::optional<std::string>> row_cache_;
  rocksdb::WriteBatch write_batch_;
};

// One atomic unit of change: the projection's writes (through txn()) plus runner metadata.
// Reads of the read model and of dedupe marks see the batch's own earlier writes.
class StoreBatch {
 public:
  StoreBatch(StoreBatch&&);
  ~StoreBatch();

  ProjectionTxn& txn();

  // Last applied version of `stream_id` from `source` (0 if none), read-your-writes.
  absl::StatusOr<uint64_t> Mark(absl::string_view source, absl::string_view stream_id);
  // Only the last mark set per stream is written at commit. Marks are not covered by save
  // points: set them outside one.
  void SetMark(absl::string_view source, absl::string_view stream_id, uint64_t version);
  void SetOffset(absl::string_view topic, int32_t partition, int64_t next_offset);
  void SetFeedPosition(absl::string_view source, uint64_t next_position);
  void SetBrokerIdentity(absl::string_view identity);

  // Marks the current state of the read-model writes, so that a poison event's writes can be
  // discarded. Save points nest; each is ended by exactly one Rollback or Discard.
  void SetSavePoint();
  void RollbackToSavePoint();
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

  ProjectionStore* store_;
  // writes_[0] holds the batch's writes before the first open save point, writes_[i] those
  // since the i-th, for i ≤ open_save_points_; later elements are empty, kept for reuse.
  std::vector<Writes> writes_;
  size_t open_save_points_ = 0;
  absl::flat_hash_map<std::string, uint64_t> marks_;        // by runner-metadata key
  absl::flat_hash_map<std::string, std::string> metadata_;  // other runner-metadata writes
  std::string key_buffer_;  // reused to build mark keys without allocating
  std::unique_ptr<Txn> txn_;
};

}  // namespace sales::projection

#endif  // SALES_COMMON_PROJECTION_PROJECTION_STORE_H_
