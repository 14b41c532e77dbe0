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
// Thread-safety: ProjectionStore's methods may be called concurrently (queries read while the
// runner commits). A StoreBatch belongs to one thread.
#ifndef SALES_COMMON_PROJECTION_PROJECTION_STORE_H_
#define SALES_COMMON_PROJECTION_PROJECTION_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/projection/projection.h"
#include "rocksdb/db.h"
#include "rocksdb/utilities/write_batch_with_index.h"

namespace sales::projection {

class StoreBatch;

class ProjectionStore {
 public:
  // Opens (creating if needed) the database at `path`.
  static absl::StatusOr<std::unique_ptr<ProjectionStore>> Open(const std::string& path);
  ~ProjectionStore();

  StoreBatch NewBatch();
  // Commits the batch atomically (WAL on) and leaves it empty for reuse.
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
  ProjectionStore(std::unique_ptr<rocksdb::DB> db,
                  std::vector<rocksdb::ColumnFamilyHandle*> handles);
  absl::StatusOr<std::optional<std::string>> GetRaw(rocksdb::ColumnFamilyHandle* cf,
                                                    absl::string_view key);

  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* model_cf_;
  rocksdb::ColumnFamilyHandle* runner_cf_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // owned; destroyed before db_
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
  void SetMark(absl::string_view source, absl::string_view stream_id, uint64_t version);
  void SetOffset(absl::string_view topic, int32_t partition, int64_t next_offset);
  void SetFeedPosition(absl::string_view source, uint64_t next_position);
  void SetBrokerIdentity(absl::string_view identity);

  // Marks the current state, so that a poison event's writes can be discarded.
  // Save points nest; each is ended by exactly one Rollback or Discard.
  void SetSavePoint();
  void RollbackToSavePoint();
  void DiscardSavePoint();  // keeps the writes made since the save point

 private:
  friend class ProjectionStore;
  class Txn;
  StoreBatch(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* model_cf,
             rocksdb::ColumnFamilyHandle* runner_cf);

  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* runner_cf_;
  std::unique_ptr<rocksdb::WriteBatchWithIndex> batch_;
  std::unique_ptr<Txn> txn_;
};

}  // namespace sales::projection

#endif  // SALES_COMMON_PROJECTION_PROJECTION_STORE_H_
