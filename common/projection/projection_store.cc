#include "common/projection/projection_store.h"

#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/projection/counter_row.h"
#include "common/projection/counter_row_sum.h"
#include "common/status/status_macros.h"
#include "common/storage/rocksdb_logger.h"
#include "common/storage/rocksdb_util.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/snapshot.h"
#include "rocksdb/table.h"

namespace sales::projection {
namespace {

using storage::FromRocks;
using storage::ToSlice;
using storage::ToView;

constexpr char kModelFamily[] = "read_model";
constexpr char kRunnerFamily[] = "runner";

// Runner-metadata keys. Topic and source names never contain NUL, so it separates the parts.
constexpr char kBrokerKey[] = "broker";
constexpr char kLayoutKey[] = "layout";

std::string OffsetKey(absl::string_view topic, int32_t partition) {
  return absl::StrCat("offset/", topic, absl::string_view("\0", 1), partition);
}
constexpr char kMarkPrefix[] = "mark/";
// Builds the mark key in `out`, reusing its buffer.
void AppendMarkKey(absl::string_view source, absl::string_view stream_id, std::string& out) {
  out.clear();
  absl::StrAppend(&out, kMarkPrefix, source, absl::string_view("\0", 1), stream_id);
}
constexpr char kFeedPrefix[] = "feed/";
std::string FeedKey(absl::string_view source) { return absl::StrCat(kFeedPrefix, source); }

// Both families are read by point lookups: whole-key Bloom filters in the tables and in the
// memtable make a miss (a new stream, a new row) cheap; no compression on the small upper
// levels, where recent rows live. Small memtables: a batch's commit inserts every written key
// into a skiplist, which is the runner's main cost and grows with the skiplist's size, while
// reads are mostly served by the store's caches.
rocksdb::ColumnFamilyOptions PointLookupOptions(const ProjectionStoreOptions& store_options) {
  rocksdb::ColumnFamilyOptions options;
  options.write_buffer_size = store_options.write_buffer_bytes;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.whole_key_filtering = true;
  if (store_options.memory != nullptr) store_options.memory->ConfigureTable(table);
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.memtable_whole_key_filtering = true;
  options.merge_operator = CounterRowSum();
  options.memtable_prefix_bloom_size_ratio = 0.05;
  options.compression_per_level = {rocksdb::kNoCompression, rocksdb::kNoCompression,
                                   options.compression};
  return options;
}

// One of the store's caches' byte limit: a share of the process's budget, else a fixed size.
std::shared_ptr<memory::CacheShare> CacheShareOf(const ProjectionStoreOptions& options,
                                                 absl::string_view cache, double weight,
                                                 size_t fixed_bytes) {
  return memory::JoinCachesOrFixed(options.memory, absl::StrCat(options.name, "/", cache), weight,
                                   fixed_bytes);
}

template <typename Int>
absl::StatusOr<Int> ParseNumber(absl::string_view text, absl::string_view key) {
  Int value;
  if (!absl::SimpleAtoi(text, &value)) {
    return absl::DataLossError(absl::StrCat("projection metadata ", absl::CEscape(key),
                                            " holds a non-number: ", absl::CEscape(text)));
  }
  return value;
}

// Empties `map` but keeps its table allocated (absl's clear() frees a large one), so that a
// reused batch does not grow its tables again.
template <typename Map>
void EraseAll(Map& map) {
  map.erase(map.begin(), map.end());
}

// Pointers to `map`'s entries in key order.
template <typename Map>
std::vector<const typename Map::value_type*> SortedByKey(const Map& map) {
  std::vector<const typename Map::value_type*> entries;
  entries.reserve(map.size());
  for (const auto& entry : map) entries.push_back(&entry);
  std::sort(entries.begin(), entries.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  return entries;
}

// How every write of a projection goes: without RocksDB's WAL. A read model is rebuilt from the
// log, so what a process crash may lose is only what was not flushed yet — and with atomic_flush
// what is flushed is a consistent cut of whole batches (rows, offsets, marks and feed positions
// of every family together), from which the runner re-applies the rest exactly once. None of the
// store's writes may use the WAL: recovery would replay it on top of a flushed state that lacks
// the unlogged batches before it. Skipping it saves each batch's checksum and write() of its
// bytes and the WAL files' creation and deletion (a delete is slow on a disk mounted with
// online discard).
rocksdb::WriteOptions WithoutWal() {
  rocksdb::WriteOptions options;
  options.disableWAL = true;
  return options;
}

// Read-model writes by key (nullopt: deleted); the type of StoreBatch::Writes.
using RowWrites = absl::flat_hash_map<std::string, std::optional<std::string>>;

// Appends `writes` to `out` in key order: RocksDB's memtable inserts a run of ascending keys
// faster than random ones (it resumes each search where the previous insertion ended).
void AppendRows(const RowWrites& writes, rocksdb::ColumnFamilyHandle* family,
                rocksdb::WriteBatch& out) {
  for (const auto* row : SortedByKey(writes)) {
    const auto& [key, value] = *row;
    rocksdb::Status s = value ? out.Put(family, key, *value) : out.Delete(family, key);
    s.PermitUncheckedError();  // a WriteBatch in memory fails only beyond its size limit (none)
  }
}

// Writes everything `pending` holds to its rows and forgets it; after a failed write it reads the
// log again (and if that fails, `failed` stops the store's writes). Under the store's model lock.
absl::Status SweepPending(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* rows,
                          rocksdb::ColumnFamilyHandle* log, PendingCounterRows& pending,
                          absl::Status& failed) {
  RETURN_IF_ERROR(failed);
  rocksdb::WriteBatch sweep;
  pending.AppendSweep(rows, log, sweep);
  if (sweep.Count() == 0) return absl::OkStatus();
  absl::Status written = FromRocks(db.Write(WithoutWal(), &sweep), "sweep pending counter rows");
  if (!written.ok()) {
    failed = pending.Load(db, log);
    return written;
  }
  pending.Clear();
  return absl::OkStatus();
}

absl::Status MixedUse(absl::string_view key) {
  return absl::FailedPreconditionError(
      absl::StrCat("projection row ", absl::CEscape(key),
                   " used in more than one way (Mutable, AddToCounterRow, Get/Put/Delete) in one "
                   "batch"));
}

}  // namespace

// The accumulators' ProjectionTxn, on the committer thread during a batch's write: reads see the
// fold's own writes, then what is stored — every earlier batch has been written by this thread,
// in order, and Apply never writes an accumulator's rows (projection.h).
class ProjectionStore::CommitterTxn : public FoldTxn {
 public:
  explicit CommitterTxn(ProjectionStore* store) : store_(store) {}

  // Folds `accumulators` in name order, then encodes the rows they changed (keeping the decoded
  // objects in the store's folded_cache_). The accumulators are left to be destroyed with the
  // in-flight batch by the writer thread, which allocated them: freeing memory on the thread
  // that allocated it keeps the allocator's per-thread caches warm (tcmalloc).
  absl::Status Fold(
      std::map<std::string, std::unique_ptr<BatchAccumulator>, std::less<>>& accumulators) {
    for (auto& [name, accumulator] : accumulators) {
      absl::Status folded = accumulator->FoldInto(*this);
      if (folded.ok()) folded = misuse_;
      if (!folded.ok()) {
        return absl::Status(folded.code(),
                            absl::StrCat("projection accumulator ", name, ": ", folded.message()));
      }
    }
    EncodeRows(rows_, writes_, store_->folded_cache_);
    return absl::OkStatus();
  }

  // The fold's Put/Delete and encoded rows.
  void WriteRowsTo(rocksdb::WriteBatch& out) const { AppendRows(writes_, store_->model_cf_, out); }

  // AddToCounterRow's deltas by key, encoded, in key order (views into the txn).
  const std::vector<std::pair<absl::string_view, absl::string_view>>& SortedCounterDeltas() {
    sorted_added_.clear();
    for (const auto* added : SortedByKey(added_)) {
      sorted_added_.emplace_back(added->first, added->second);
    }
    return sorted_added_;
  }

  // Forgets the fold (its rows are moved out by Fold, or dropped after a failure).
  void Clear() {
    EraseAll(rows_);
    EraseAll(writes_);
    EraseAll(added_);
    late_accumulators_.clear();
    misuse_ = absl::OkStatus();
  }

  absl::StatusOr<std::optional<std::string>> Get(absl::string_view key) override {
    if (auto it = writes_.find(key); it != writes_.end()) return it->second;
    if (rows_.contains(key) || added_.contains(key) || Pending(key)) return MixedUse(key);
    return store_->GetRaw(store_->model_cf_, key);
  }
  void Put(absl::string_view key, absl::string_view value) override {
    Write(key, std::string(value));
  }
  void Delete(absl::string_view key) override { Write(key, std::nullopt); }

  absl::StatusOr<AccumulatedRow*> Mutable(absl::string_view key, RowLoader load) override {
    if (auto it = rows_.find(key); it != rows_.end()) return it->second.get();
    if (writes_.contains(key) || added_.contains(key) || Pending(key)) return MixedUse(key);
    if (std::optional<DecodedRow> decoded = store_->folded_cache_.Take(key)) {
      return rows_.emplace(std::string(key), std::move(decoded->row)).first->second.get();
    }
    std::optional<absl::string_view> stored;
    rocksdb::Status s =
        store_->db_->Get(rocksdb::ReadOptions(), store_->model_cf_, ToSlice(key), &scratch_);
    if (!s.IsNotFound()) {
      RETURN_IF_ERROR(FromRocks(s, "projection store get"));
      stored = scratch_;
    }
    ASSIGN_OR_RETURN(std::unique_ptr<AccumulatedRow> row, load(stored));
    if (row == nullptr) {
      return absl::InternalError(
          absl::StrCat("projection row loader returned no row for ", absl::CEscape(key)));
    }
    return rows_.emplace(std::string(key), std::move(row)).first->second.get();
  }

  void AddToCounterRow(absl::string_view key,
                       absl::Span<const std::pair<uint32_t, int64_t>> deltas) override {
    if (writes_.contains(key) || rows_.contains(key)) {
      misuse_ = MixedUse(key);
      return;
    }
    if (store_->folded_cache_.size() != 0) store_->folded_cache_.Take(key);
    auto [it, added] = added_.try_emplace(key);
    if (added) {
      it->second = EncodeCounterSlots(deltas);
      return;
    }
    // Added to twice in one fold (rare): one operand of the sum.
    CounterRow sum;
    misuse_.Update(sum.Decode(it->second));
    sum.AddSorted(deltas);
    it->second = sum.Encode();
  }

  // Accumulators gather Apply's changes; a fold using one would never see it folded.
  BatchAccumulator& Accumulator(absl::string_view name, AccumulatorMaker make) override {
    misuse_ = absl::FailedPreconditionError(
        absl::StrCat("a fold used accumulator ", name, ", which only Apply may use"));
    return *late_accumulators_.emplace_back(make());
  }

 private:
  // Whether `key` is a counter row with deltas of earlier batches pending: a fold that reads or
  // writes it as a plain row would miss them (reads) or be undone by the next sweep (writes).
  bool Pending(absl::string_view key) {
    absl::ReaderMutexLock lock(&store_->model_mu_);
    return store_->pending_.Find(key) != nullptr;
  }

  void Write(absl::string_view key, std::optional<std::string> value) {
    if (added_.contains(key) || Pending(key)) misuse_ = MixedUse(key);
    if (store_->folded_cache_.size() != 0) store_->folded_cache_.Take(key);
    writes_[key] = std::move(value);
  }

  ProjectionStore* store_;
  DecodedRows rows_;  // the rows changed through Mutable by this fold
  RowWrites writes_;  // this fold's Put/Delete, then its encoded rows
  // AddToCounterRow's deltas by key, encoded: merge operands (counter_row_sum.h), or pending
  // (pending_counter_rows.h).
  absl::flat_hash_map<std::string, std::string> added_;
  std::vector<std::pair<absl::string_view, absl::string_view>> sorted_added_;
  std::string scratch_;
  std::vector<std::unique_ptr<BatchAccumulator>> late_accumulators_;  // misuse, kept alive
  absl::Status misuse_;
};

// ProjectionTxn over the batch: reads see the batch's writes first, then the committed model.
class StoreBatch::Txn : public ProjectionTxn {
 public:
  explicit Txn(StoreBatch* batch) : batch_(batch) {}

  absl::StatusOr<std::optional<std::string>> Get(absl::string_view key) override {
    if (const std::optional<std::string>* written = batch_->FindWrite(key)) return *written;
    if (!batch_->accumulated_.empty() && batch_->accumulated_.contains(key)) {
      return MixedUse(key);
    }
    return batch_->store_->LatestRow(key);
  }
  void Put(absl::string_view key, absl::string_view value) override { Write(key, value); }
  void Delete(absl::string_view key) override { Write(key, std::nullopt); }

  absl::StatusOr<AccumulatedRow*> Mutable(absl::string_view key, RowLoader load) override {
    ++batch_->mutations_;
    auto it = batch_->accumulated_.find(key);
    if (it != batch_->accumulated_.end()) return it->second.get();
    if (batch_->FindWrite(key) != nullptr) return MixedUse(key);
    ProjectionStore& store = *batch_->store_;
    if (std::optional<ProjectionStore::DecodedRow> decoded = store.decoded_cache_.Take(key)) {
      return batch_->accumulated_.emplace(std::string(key), std::move(decoded->row))
          .first->second.get();
    }
    // Beneath this batch: the in-flight batch's write, the cache or RocksDB, as for Get.
    ASSIGN_OR_RETURN(const std::optional<absl::string_view> stored,
                     store.LatestRowView(key, batch_->row_buffer_));
    ASSIGN_OR_RETURN(std::unique_ptr<AccumulatedRow> row, load(stored));
    if (row == nullptr) {
      return absl::InternalError(
          absl::StrCat("projection row loader returned no row for ", absl::CEscape(key)));
    }
    return batch_->accumulated_.emplace(std::string(key), std::move(row)).first->second.get();
  }

  BatchAccumulator& Accumulator(absl::string_view name, AccumulatorMaker make) override {
    ++batch_->mutations_;
    auto it = batch_->accumulators_.find(name);
    if (it == batch_->accumulators_.end()) {
      it = batch_->accumulators_.emplace(std::string(name), make()).first;
    }
    return *it->second;
  }

 private:
  void Write(absl::string_view key, std::optional<absl::string_view> value) {
    internal::BoundedCache<ProjectionStore::DecodedRow>& decoded = batch_->store_->decoded_cache_;
    if (decoded.size() != 0) decoded.Take(key);  // it would no longer be the latest state
    StoreBatch::Writes& writes = batch_->writes_[batch_->open_save_points_];
    auto it = writes.find(key);
    if (it == writes.end()) it = writes.try_emplace(std::string(key)).first;
    if (value) {
      // Assigning into an existing string reuses its buffer (hot keys: counters).
      if (!it->second) it->second.emplace();
      it->second->assign(value->data(), value->size());
    } else {
      it->second.reset();
    }
  }

  StoreBatch* batch_;
};

StoreBatch::StoreBatch(ProjectionStore* store)
    : store_(store), writes_(1), txn_(std::make_unique<Txn>(this)) {}

StoreBatch::StoreBatch(StoreBatch&& other) noexcept
    : store_(other.store_),
      writes_(std::move(other.writes_)),
      open_save_points_(other.open_save_points_),
      accumulated_(std::move(other.accumulated_)),
      accumulators_(std::move(other.accumulators_)),
      mutations_(other.mutations_),
      mutations_at_save_point_(std::move(other.mutations_at_save_point_)),
      failed_(std::move(other.failed_)),
      marks_(std::move(other.marks_)),
      metadata_(std::move(other.metadata_)),
      txn_(std::make_unique<Txn>(this)) {}

StoreBatch::~StoreBatch() = default;

ProjectionTxn& StoreBatch::txn() { return *txn_; }

const std::optional<std::string>* StoreBatch::FindWrite(absl::string_view key) const {
  for (size_t level = open_save_points_ + 1; level-- > 0;) {
    auto it = writes_[level].find(key);
    if (it != writes_[level].end()) return &it->second;
  }
  return nullptr;
}

absl::StatusOr<uint64_t> StoreBatch::Mark(absl::string_view source, absl::string_view stream_id) {
  AppendMarkKey(source, stream_id, key_buffer_);
  auto it = marks_.find(key_buffer_);
  if (it != marks_.end()) return it->second;
  return store_->LatestMark(key_buffer_);
}

void StoreBatch::SetMark(absl::string_view source, absl::string_view stream_id, uint64_t version) {
  AppendMarkKey(source, stream_id, key_buffer_);
  auto it = marks_.find(key_buffer_);
  if (it == marks_.end()) {
    marks_.emplace(key_buffer_, version);
  } else {
    it->second = version;
  }
}

absl::StatusOr<uint64_t*> StoreBatch::MutableMark(absl::string_view source,
                                                  absl::string_view stream_id) {
  AppendMarkKey(source, stream_id, key_buffer_);
  auto it = marks_.find(key_buffer_);
  if (it == marks_.end()) {
    ASSIGN_OR_RETURN(const uint64_t latest, store_->LatestMark(key_buffer_));
    it = marks_.emplace(key_buffer_, latest).first;
  }
  return &it->second;
}

void StoreBatch::SetOffset(absl::string_view topic, int32_t partition, int64_t next_offset) {
  metadata_[OffsetKey(topic, partition)] = absl::StrCat(next_offset);
}

void StoreBatch::SetFeedPosition(absl::string_view source, uint64_t next_position) {
  metadata_[FeedKey(source)] = absl::StrCat(next_position);
}

void StoreBatch::SetBrokerIdentity(absl::string_view identity) {
  metadata_[kBrokerKey] = std::string(identity);
}

void StoreBatch::SetSavePoint() {
  // Layers beyond the open ones are kept empty for reuse (their tables keep their capacity).
  if (++open_save_points_ == writes_.size()) writes_.emplace_back();
  mutations_at_save_point_.push_back(mutations_);
}

absl::Status StoreBatch::RollbackToSavePoint() {
  if (open_save_points_ == 0) return absl::OkStatus();  // the caller always sets one first
  EraseAll(writes_[open_save_points_--]);
  const uint64_t mutations_before = mutations_at_save_point_.back();
  mutations_at_save_point_.pop_back();
  if (mutations_ != mutations_before) {
    failed_ = absl::InternalError(
        "projection rolled back an event after changing rows through Mutable, which save points "
        "do not cover: a projection must decide poison before its first Mutable call of an "
        "event; the batch is discarded");
    return failed_;
  }
  return absl::OkStatus();
}

void StoreBatch::DiscardSavePoint() {
  if (open_save_points_ == 0) return;
  mutations_at_save_point_.pop_back();
  Writes& newer = writes_[open_save_points_--];
  Writes& older = writes_[open_save_points_];
  // Moves map nodes (keys and values), so that no string is copied.
  for (auto it = newer.begin(); it != newer.end();) {
    auto node = newer.extract(it++);
    auto inserted = older.insert(std::move(node));
    if (!inserted.inserted) inserted.position->second = std::move(inserted.node.mapped());
  }
}

void ProjectionStore::EncodeRows(DecodedRows& rows, RowWrites& writes,
                                 internal::BoundedCache<DecodedRow>& keep) {
  for (auto it = rows.begin(); it != rows.end();) {
    auto node = rows.extract(it++);
    std::string bytes = node.mapped()->Encode();
    if (bytes.empty()) {
      writes[std::move(node.key())].reset();
      continue;  // not kept decoded: an empty row need not equal what loading "absent" gives
    }
    const size_t decoded_bytes = 2 * bytes.size();
    keep.Put(node.key(), {std::move(node.mapped()), decoded_bytes});
    writes[std::move(node.key())] = std::move(bytes);
  }
}

void StoreBatch::WriteTo(rocksdb::WriteBatch& out) const {
  AppendRows(writes_[0], store_->model_cf_, out);
  for (const auto* mark : SortedByKey(marks_)) {
    if (mark->second == 0) continue;            // MutableMark's of a stream nothing was applied of
    const absl::AlphaNum digits(mark->second);  // formats into its own buffer: no allocation
    out.Put(store_->runner_cf_, mark->first, ToSlice(digits.Piece())).PermitUncheckedError();
  }
  for (const auto& [key, value] : metadata_) {
    out.Put(store_->runner_cf_, key, value).PermitUncheckedError();
  }
}

void StoreBatch::SwapChanges(StoreBatch& other) {
  writes_[0].swap(other.writes_[0]);
  accumulators_.swap(other.accumulators_);
  marks_.swap(other.marks_);
  metadata_.swap(other.metadata_);
}

void StoreBatch::Clear() {
  for (Writes& layer : writes_) EraseAll(layer);
  open_save_points_ = 0;
  EraseAll(accumulated_);
  accumulators_.clear();
  mutations_ = 0;
  mutations_at_save_point_.clear();
  failed_ = absl::OkStatus();
  EraseAll(marks_);
  EraseAll(metadata_);
}

absl::StatusOr<std::unique_ptr<ProjectionStore>> ProjectionStore::Open(
    const std::string& path, const ProjectionStoreOptions& options) {
  // RocksDB creates the database directory but not its parents (e.g. <data_dir>/projections).
  std::error_code error;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("cannot create the parent directory of ", path, ": ", error.message()));
  }
  rocksdb::DBOptions db_options;
  db_options.info_log = storage::PlatformRocksLogger();
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  // A projection writes without the WAL (WithoutWal), so RocksDB's preallocation of each (empty)
  // WAL file at 1.1 × the write buffer — 74 MB on disk per database in salesd — buys nothing.
  db_options.allow_fallocate = false;
  // Every family flushes with the model's, as one atomic result: what a crash leaves (no WAL) is
  // then whole batches, their rows with their offsets and marks. (It also spares the runner
  // family, which gets offsets with every batch but would take ages to fill a memtable of its
  // own, a flush of its own.) A clean close flushes what is unflushed (RocksDB's
  // avoid_flush_during_shutdown is left off).
  db_options.atomic_flush = true;
  if (options.memory != nullptr) options.memory->ConfigureDatabase(db_options);
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
      {kModelFamily, PointLookupOptions(options)},
      {kRunnerFamily, PointLookupOptions(options)},
  };
  RETURN_IF_ERROR(storage::CreateDatabaseDirectory(path));
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(db_options, path, families, &handles, &raw),
                            absl::StrCat("open projection store ", path)));
  std::unique_ptr<ProjectionStore> store(
      new ProjectionStore(std::unique_ptr<rocksdb::DB>(raw), std::move(handles), options));
  {
    absl::MutexLock lock(&store->model_mu_);
    RETURN_IF_ERROR(store->pending_.Load(*store->db_, store->runner_cf_));
  }
  ASSIGN_OR_RETURN(const bool holds_marks, store->HoldsMarks());
  if (!holds_marks) store->all_marks_cached_at_ = store->mark_cache_.forgotten();
  return store;
}

ProjectionStore::ProjectionStore(std::unique_ptr<rocksdb::DB> db,
                                 std::vector<rocksdb::ColumnFamilyHandle*> handles,
                                 const ProjectionStoreOptions& options)
    : options_(options),
      db_(std::move(db)),
      model_cf_(handles[1]),
      runner_cf_(handles[2]),
      handles_(handles),
      mark_cache_(CacheShareOf(options, "marks", 1, options.mark_cache_bytes)),
      row_cache_(CacheShareOf(options, "rows", 2, options.row_cache_bytes)),
      decoded_cache_(CacheShareOf(options, "decoded", 2, options.decoded_row_cache_bytes)),
      folded_cache_(CacheShareOf(options, "folded", 2, options.decoded_row_cache_bytes)),
      fold_txn_(std::make_unique<CommitterTxn>(this)),
      in_flight_(new StoreBatch(this)),
      committer_(std::make_unique<internal::BackgroundJob>([this] { return WriteInFlight(); },
                                                           "commit:" + options.name)) {}

ProjectionStore::~ProjectionStore() {
  committer_.reset();  // waits for a write in flight
  {
    // A clean close leaves no log behind (a crash leaves it for Open); best effort.
    absl::MutexLock lock(&model_mu_);
    SweepPending(*db_, model_cf_, runner_cf_, pending_, pending_failed_).IgnoreError();
  }
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
}

StoreBatch ProjectionStore::NewBatch() { return StoreBatch(this); }

absl::Status ProjectionStore::Commit(StoreBatch& batch) {
  RETURN_IF_ERROR(CommitInBackground(batch));
  return AwaitCommit();
}

absl::Status ProjectionStore::CommitInBackground(StoreBatch& batch, std::function<void()> landed) {
  if (batch.open_save_points_ != 0) {
    return absl::FailedPreconditionError("projection batch committed with an open save point");
  }
  if (in_flight_active_) {
    return absl::FailedPreconditionError("a projection batch is already being committed");
  }
  RETURN_IF_ERROR(batch.failed_);
  EncodeRows(batch.accumulated_, batch.writes_[0], decoded_cache_);
  batch.mutations_ = 0;
  in_flight_->SwapChanges(batch);  // `batch` gets the emptied tables of the previous one
  landed_ = std::move(landed);
  in_flight_active_ = true;
  committer_->Start();
  return absl::OkStatus();
}

bool ProjectionStore::CommitSettled() { return !in_flight_active_ || committer_->Finished(); }

absl::Status ProjectionStore::WriteInFlight() {
  absl::Status status = FoldAndWrite();
  // The fold's rows were changed in place (or are encoded into a write that failed): what is
  // stored is unknown, so they are dropped and loaded again.
  if (!status.ok()) folded_cache_.Clear();
  fold_txn_->Clear();
  return status;
}

absl::Status ProjectionStore::FoldAndWrite() {
  RETURN_IF_ERROR(fold_txn_->Fold(in_flight_->accumulators_));
  write_batch_.Clear();
  in_flight_->WriteTo(write_batch_);
  fold_txn_->WriteRowsTo(write_batch_);
  const PendingCounterRows::Deltas counter_deltas = fold_txn_->SortedCounterDeltas();
  const rocksdb::WriteOptions options = WithoutWal();
  {
    // Readers see the counter rows' pending sums and what RocksDB holds as of one instant.
    absl::MutexLock lock(&model_mu_);
    RETURN_IF_ERROR(pending_failed_);
    pending_.AppendWrite(counter_deltas, model_cf_, runner_cf_, write_batch_);
    absl::Status written = FromRocks(db_->Write(options, &write_batch_), "commit projection batch");
    if (!written.ok()) {
      // Whether it reached the database is unclear: the sums are read again from the log, and
      // if that fails the store takes no more writes (reopening it loads them).
      pending_failed_ = pending_.Load(*db_, runner_cf_);
      return written;
    }
    pending_.Landed(counter_deltas);
    // Before any reader can see the batch (readers hold the lock shared).
    if (landed_) landed_();
  }
  return absl::OkStatus();
}

absl::Status ProjectionStore::AwaitCommit() {
  if (!in_flight_active_) return absl::OkStatus();
  absl::Status status = committer_->Wait();
  in_flight_active_ = false;
  if (!status.ok()) {
    // Whether anything reached the database is unclear after a failed write: forget the
    // caches, so that they are filled again from what is really stored.
    mark_cache_.Clear();
    all_marks_cached_at_.reset();  // the in-flight marks may be stored or not
    row_cache_.Clear();
    decoded_cache_.Clear();
    in_flight_->Clear();  // the committer is idle (and cleared its own side)
    return status;
  }
  // Now committed: the caches take the new values (moved, not copied) — the row cache only of
  // the rows it holds (rows enter it when a batch reads them: most writes are of rows no batch
  // reads back, such as history entries and index rows, and caching those only pushed out the
  // rows that are read).
  for (auto& [key, value] : in_flight_->writes_[0]) row_cache_.Replace(key, std::move(value));
  for (auto it = in_flight_->marks_.begin(); it != in_flight_->marks_.end();) {
    auto node = in_flight_->marks_.extract(it++);
    mark_cache_.Put(std::move(node.key()), node.mapped());
  }
  in_flight_->Clear();
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> ProjectionStore::LatestMark(const std::string& mark_key) {
  if (in_flight_active_) {
    auto it = in_flight_->marks_.find(mark_key);
    if (it != in_flight_->marks_.end()) return it->second;
  }
  if (const uint64_t* cached = mark_cache_.Find(mark_key)) return *cached;
  if (AllMarksCached()) return 0;  // and the cache keeps it as the absence it is
  // Not in flight, so the committer's write cannot change it meanwhile.
  ASSIGN_OR_RETURN(std::optional<std::string> value, GetRaw(runner_cf_, mark_key));
  uint64_t mark = 0;
  if (value) {
    ASSIGN_OR_RETURN(mark, ParseNumber<uint64_t>(*value, mark_key));
  }
  mark_cache_.Put(mark_key, mark);
  return mark;
}

absl::StatusOr<std::optional<std::string>> ProjectionStore::LatestRow(absl::string_view key) {
  if (in_flight_active_) {
    if (const std::optional<std::string>* written = in_flight_->FindWrite(key)) return *written;
  }
  if (const std::optional<std::string>* cached = row_cache_.Find(key)) return *cached;
  ASSIGN_OR_RETURN(std::optional<std::string> value, GetRaw(model_cf_, key));
  row_cache_.Put(std::string(key), value);
  return value;
}

absl::StatusOr<std::optional<absl::string_view>> ProjectionStore::LatestRowView(
    absl::string_view key, std::string& scratch) {
  const std::optional<std::string>* row = nullptr;
  if (in_flight_active_) row = in_flight_->FindWrite(key);
  if (row == nullptr) row = row_cache_.Find(key);
  if (row != nullptr) {
    if (!*row) return std::nullopt;
    return absl::string_view(**row);
  }
  // Not cached: Mutable keeps the rows it loads decoded instead (decoded_cache_).
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), model_cf_, ToSlice(key), &scratch);
  if (s.IsNotFound()) return std::nullopt;
  RETURN_IF_ERROR(FromRocks(s, "projection store get"));
  return absl::string_view(scratch);
}

absl::StatusOr<std::optional<std::string>> ProjectionStore::GetRaw(
    rocksdb::ColumnFamilyHandle* cf, absl::string_view key, const rocksdb::ReadOptions& options) {
  std::string value;
  rocksdb::Status s = db_->Get(options, cf, ToSlice(key), &value);
  if (s.IsNotFound()) return std::nullopt;
  RETURN_IF_ERROR(FromRocks(s, "projection store get"));
  return value;
}

absl::StatusOr<bool> ProjectionStore::EnsureLayout(int version) {
  if (in_flight_active_) {
    return absl::FailedPreconditionError("projection layout checked while a batch is in flight");
  }
  ASSIGN_OR_RETURN(const std::optional<std::string> stored, GetRaw(runner_cf_, kLayoutKey));
  const std::string wanted = absl::StrCat(version);
  if (stored == wanted) return false;
  const bool reset = stored.has_value() || !FamilyEmpty(model_cf_) || !FamilyEmpty(runner_cf_);
  if (reset) {
    {
      // Readers and a compaction's sweep never see the pending sums without their rows.
      absl::MutexLock lock(&model_mu_);
      RETURN_IF_ERROR(DeleteAll(model_cf_));
      RETURN_IF_ERROR(DeleteAll(runner_cf_));
      pending_.Clear();  // its log was in the runner's family
      pending_failed_ = absl::OkStatus();
    }
    mark_cache_.Clear();
    all_marks_cached_at_ = mark_cache_.forgotten();  // there are none
    row_cache_.Clear();
    decoded_cache_.Clear();
    folded_cache_.Clear();  // the committer is idle: nothing in flight
  }
  RETURN_IF_ERROR(FromRocks(db_->Put(WithoutWal(), runner_cf_, kLayoutKey, wanted),
                            "record projection layout"));
  return reset;
}

absl::StatusOr<bool> ProjectionStore::HoldsMarks() {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), runner_cf_));
  it->Seek(kMarkPrefix);
  // A read error must not pass for "no marks": the store would then take every stream for new.
  RETURN_IF_ERROR(FromRocks(it->status(), "look for dedupe marks"));
  return it->Valid() && it->key().starts_with(kMarkPrefix);
}

bool ProjectionStore::FamilyEmpty(rocksdb::ColumnFamilyHandle* cf) {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf));
  it->SeekToFirst();
  return !it->Valid();
}

absl::Status ProjectionStore::DeleteAll(rocksdb::ColumnFamilyHandle* cf) {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf));
  it->SeekToLast();
  RETURN_IF_ERROR(FromRocks(it->status(), "find the last projection key"));
  if (!it->Valid()) return absl::OkStatus();
  // Every key sorts before the last key followed by a 0 byte.
  std::string end = it->key().ToString();
  end.push_back('\0');
  it.reset();
  RETURN_IF_ERROR(
      FromRocks(db_->DeleteRange(WithoutWal(), cf, "", end), "delete the projection's keys"));
  return FromRocks(db_->CompactRange(rocksdb::CompactRangeOptions(), cf, nullptr, nullptr),
                   "compact the emptied projection store");
}

absl::StatusOr<std::optional<std::string>> ProjectionStore::BrokerIdentity() {
  return GetRaw(runner_cf_, kBrokerKey);
}

absl::StatusOr<std::optional<int64_t>> ProjectionStore::Offset(absl::string_view topic,
                                                               int32_t partition) {
  const std::string key = OffsetKey(topic, partition);
  ASSIGN_OR_RETURN(std::optional<std::string> value, GetRaw(runner_cf_, key));
  if (!value) return std::nullopt;
  ASSIGN_OR_RETURN(int64_t offset, ParseNumber<int64_t>(*value, key));
  return offset;
}

absl::StatusOr<uint64_t> ProjectionStore::FeedPosition(absl::string_view source) {
  const std::string key = FeedKey(source);
  ASSIGN_OR_RETURN(std::optional<std::string> value, GetRaw(runner_cf_, key));
  if (!value) return 1;
  return ParseNumber<uint64_t>(*value, key);
}

absl::StatusOr<std::optional<std::string>> ProjectionStore::Get(absl::string_view key) {
  absl::ReaderMutexLock lock(&model_mu_);
  return GetModelRow(key, rocksdb::ReadOptions());
}

absl::StatusOr<std::optional<std::string>> ProjectionStore::GetModelRow(
    absl::string_view key, const rocksdb::ReadOptions& options) {
  ASSIGN_OR_RETURN(std::optional<std::string> row, GetRaw(model_cf_, key, options));
  if (const CounterSlots* pending = pending_.Find(key)) {
    ASSIGN_OR_RETURN(row, AddPendingSum(row.value_or(""), *pending));
  }
  return row;
}

absl::StatusOr<std::vector<std::optional<std::string>>> ProjectionStore::MultiGet(
    const std::vector<std::string>& keys) {
  std::vector<rocksdb::Slice> slices;
  slices.reserve(keys.size());
  for (const std::string& key : keys) slices.push_back(ToSlice(key));
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  absl::ReaderMutexLock lock(&model_mu_);
  db_->MultiGet(rocksdb::ReadOptions(), model_cf_, keys.size(), slices.data(), values.data(),
                statuses.data());
  std::vector<std::optional<std::string>> rows(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!statuses[i].IsNotFound()) {
      RETURN_IF_ERROR(FromRocks(statuses[i], "projection store multi-get"));
      rows[i] = values[i].ToString();
    }
    if (const CounterSlots* pending = pending_.Find(keys[i])) {
      ASSIGN_OR_RETURN(rows[i], AddPendingSum(rows[i].value_or(""), *pending));
    }
  }
  return rows;
}

absl::StatusOr<ProjectionStore::RowsAtFeedPosition> ProjectionStore::GetAtFeedPosition(
    absl::string_view source, const std::vector<std::string>& keys) {
  absl::ReaderMutexLock lock(&model_mu_);
  rocksdb::ManagedSnapshot snapshot(db_.get());
  rocksdb::ReadOptions options;
  options.snapshot = snapshot.snapshot();
  RowsAtFeedPosition result;
  const std::string feed_key = FeedKey(source);
  ASSIGN_OR_RETURN(std::optional<std::string> position, GetRaw(runner_cf_, feed_key, options));
  if (position.has_value()) {
    ASSIGN_OR_RETURN(result.next_feed_position, ParseNumber<uint64_t>(*position, feed_key));
  }
  result.rows.reserve(keys.size());
  for (const std::string& key : keys) {
    ASSIGN_OR_RETURN(result.rows.emplace_back(), GetModelRow(key, options));
  }
  return result;
}

absl::Status ProjectionStore::Scan(
    absl::string_view prefix,
    const std::function<bool(absl::string_view key, absl::string_view value)>& visit) {
  return ScanFrom(prefix, prefix, visit);
}

absl::Status ProjectionStore::ScanFrom(
    absl::string_view prefix, absl::string_view start,
    const std::function<bool(absl::string_view key, absl::string_view value)>& visit) {
  // The first key after every key with the prefix bounds the iterator: it stops at the prefix's
  // end inside RocksDB instead of reading on into the next rows (and their obsolete versions) to
  // find out.
  rocksdb::ReadOptions options;
  std::string bound(prefix);
  while (!bound.empty() && static_cast<unsigned char>(bound.back()) == 0xff) bound.pop_back();
  if (!bound.empty()) {
    bound.back() = static_cast<char>(static_cast<unsigned char>(bound.back()) + 1);
  }
  const rocksdb::Slice bound_slice(bound);
  if (!bound.empty()) options.iterate_upper_bound = &bound_slice;
  const absl::string_view from = std::max(prefix, start);
  ModelView view = OpenModelView(options, from, bound);
  return view.Scan(from, prefix, visit);
}

ProjectionStore::ModelView ProjectionStore::OpenModelView(const rocksdb::ReadOptions& options,
                                                          absl::string_view from,
                                                          absl::string_view to) {
  absl::ReaderMutexLock lock(&model_mu_);
  // The iterator reads the database as of its creation: with the pending sums copied meanwhile,
  // one instant.
  return {std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(options, model_cf_)),
          pending_.CopyRange(from, to)};
}

absl::Status ProjectionStore::ModelView::Scan(
    absl::string_view from, absl::string_view prefix,
    const std::function<bool(absl::string_view key, absl::string_view value)>& visit) {
  std::string summed;
  size_t next_pending = 0;
  for (rows->Seek(ToSlice(from));;) {
    const bool row = rows->Valid() && rows->key().starts_with(ToSlice(prefix));
    const bool pending_row =
        next_pending < pending.size() && absl::StartsWith(pending[next_pending].first, prefix);
    if (!row && !pending_row) break;
    const int order = !row           ? 1
                      : !pending_row ? -1
                                     : ToView(rows->key()).compare(pending[next_pending].first);
    if (order < 0) {
      if (!visit(ToView(rows->key()), ToView(rows->value()))) break;
      rows->Next();
      continue;
    }
    auto& [key, sum] = pending[next_pending++];
    ASSIGN_OR_RETURN(summed,
                     AddPendingSum(order == 0 ? ToView(rows->value()) : "", std::move(sum)));
    if (order == 0) rows->Next();
    if (!visit(key, summed)) break;
  }
  return FromRocks(rows->status(), "read model scan");
}

namespace {

// Lowercase hex SHA-256 over (key, value) pairs, each part length-prefixed.
class EntryHash {
 public:
  EntryHash() : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) {
      failed_ = absl::InternalError("SHA-256 init failed");
    }
  }

  // For ModelView::Scan.
  bool Add(absl::string_view key, absl::string_view value) {
    if (!failed_.ok()) return false;
    AddWithLength(key);
    AddWithLength(value);
    ++entries_;
    return true;
  }
  uint64_t entries() const { return entries_; }

  absl::StatusOr<std::string> Finish() {
    RETURN_IF_ERROR(failed_);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_length = 0;
    if (EVP_DigestFinal_ex(ctx_.get(), digest, &digest_length) != 1) {
      return absl::InternalError("SHA-256 final failed");
    }
    return absl::BytesToHexString(
        absl::string_view(reinterpret_cast<const char*>(digest), digest_length));
  }

 private:
  void AddWithLength(absl::string_view part) {
    unsigned char length[8];
    for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(part.size() >> (56 - 8 * i));
    EVP_DigestUpdate(ctx_.get(), length, sizeof(length));
    EVP_DigestUpdate(ctx_.get(), part.data(), part.size());
  }

  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
  absl::Status failed_;
  uint64_t entries_ = 0;
};

}  // namespace

absl::Status ProjectionStore::CompactReadModel() {
  {
    // First what is pending goes to its rows, so that they hold everything once compacted.
    absl::MutexLock lock(&model_mu_);
    RETURN_IF_ERROR(pending_failed_);
    rocksdb::WriteBatch sweep;
    pending_.AppendSweep(model_cf_, runner_cf_, sweep);
    if (sweep.Count() != 0) {
      RETURN_IF_ERROR(FromRocks(db_->Write(WithoutWal(), &sweep), "sweep pending counter rows"));
      pending_.Clear();
    }
  }
  rocksdb::CompactRangeOptions options;
  // Into the last level, where a row's operands and any older value are summed into one value.
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  return FromRocks(db_->CompactRange(options, model_cf_, nullptr, nullptr),
                   "compact projection read model");
}

absl::StatusOr<std::string> ProjectionStore::Checksum() {
  ModelView view = OpenModelView(rocksdb::ReadOptions(), "", "");
  EntryHash hash;
  RETURN_IF_ERROR(view.Scan("", "", [&](absl::string_view key, absl::string_view value) {
    return hash.Add(key, value);
  }));
  return hash.Finish();
}

absl::StatusOr<StoreDigest> ProjectionStore::Digest() {
  // The runner's family is read as of the model view's instant (a snapshot taken with it).
  std::optional<rocksdb::ManagedSnapshot> snapshot;
  rocksdb::ReadOptions read_options;
  ModelView view;
  {
    absl::ReaderMutexLock lock(&model_mu_);
    snapshot.emplace(db_.get());
    read_options.snapshot = snapshot->snapshot();
    view = {std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(read_options, model_cf_)),
            pending_.CopyRange("", "")};
  }
  StoreDigest digest;
  EntryHash model_hash;
  RETURN_IF_ERROR(view.Scan("", "", [&](absl::string_view key, absl::string_view value) {
    return model_hash.Add(key, value);
  }));
  ASSIGN_OR_RETURN(digest.model, model_hash.Finish());
  std::unique_ptr<rocksdb::Iterator> runner(db_->NewIterator(read_options, runner_cf_));
  EntryHash marks_hash;
  for (runner->Seek(kMarkPrefix); runner->Valid() && runner->key().starts_with(kMarkPrefix);
       runner->Next()) {
    marks_hash.Add(ToView(runner->key()), ToView(runner->value()));
  }
  RETURN_IF_ERROR(FromRocks(runner->status(), "marks scan"));
  digest.streams = marks_hash.entries();
  ASSIGN_OR_RETURN(digest.marks, marks_hash.Finish());
  for (runner->Seek(kFeedPrefix); runner->Valid() && runner->key().starts_with(kFeedPrefix);
       runner->Next()) {
    absl::StrAppend(&digest.feed_positions, digest.feed_positions.empty() ? "" : ", ",
                    ToView(runner->key()).substr(sizeof(kFeedPrefix) - 1), "@",
                    ToView(runner->value()));
  }
  RETURN_IF_ERROR(FromRocks(runner->status(), "feed positions scan"));
  return digest;
}

}  // namespace sales::projection
