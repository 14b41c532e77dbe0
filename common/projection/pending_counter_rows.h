// PendingCounterRows: the counter-row deltas (counter_row.h) of small batches, summed in memory
// and logged as one record per batch instead of being added to their rows, until enough have
// gathered to add them to their rows in one sweep.
//
// Why: a live batch of a few hundred events adds to hundreds of counter rows (the funnel's cells
// of every dimension value, period and granularity its events touch). As merge operands each is
// an insert into the memtable's skiplist among tens of thousands of entries: two thirds of a
// live batch's commit, at three times a catch-up's cost per row (a catch-up's large sorted
// batches land side by side). Logged, a batch's deltas are one record; summed over up to
// kMaxLoggedBatches batches, the rows consecutive batches share (the day's, the month's, the
// year's cells) are written once per sweep. A batch that would take the sums beyond kMaxRows (a
// catch-up's) sweeps at once, so the sums stay small.
//
// Reads see the pending sums: ProjectionStore adds a row's pending sum to what RocksDB holds in
// every read of the read model (Get, MultiGet, GetAtFeedPosition, scans, checksums), so a delta
// is visible exactly when its merge operand would have been, in the same bytes (the canonical
// encoding), and a row added to exists even when it sums to zero (it reads as "").
//
// Durability: the log record, or the sweep (the rows' merge operands and the deletion of every
// log record), is part of the batch's one atomic write; Load sums the log again at open.
//
//   pending.AppendWrite(added, model_family, runner_family, write_batch);
//   if (db->Write(options, &write_batch).ok()) pending.Landed(added);
//   const CounterSlots* sum = pending.Find(key);  // add to the stored row
//
// Thread-compatible: ProjectionStore's committer thread changes it (AppendWrite, Landed), holding
// the store's model lock exclusively around its write and Landed; readers hold it shared.
#ifndef SALES_COMMON_PROJECTION_PENDING_COUNTER_ROWS_H_
#define SALES_COMMON_PROJECTION_PENDING_COUNTER_ROWS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/projection/counter_row.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace sales::projection {

class PendingCounterRows {
 public:
  // Bounds of the sums held (a few MB at most) and of the log read at open.
  static constexpr size_t kMaxRows = 4096;
  static constexpr size_t kMaxLoggedBatches = 32;
  // The log records' keys in the runner's column family: this prefix, then 8 bytes big-endian.
  static constexpr absl::string_view kLogPrefix = "pending/";

  // One batch's deltas: (row key, CounterRow encoding of the deltas), sorted by key, each once.
  using Deltas = absl::Span<const std::pair<absl::string_view, absl::string_view>>;

  // Replaces the sums with those of the log records stored in `log_family`. DATA_LOSS for a
  // record that does not decode.
  absl::Status Load(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* log_family);
  // Forgets the sums and the log (whose records the caller deleted).
  void Clear();

  // Appends to `out` what stores `deltas`: a log record in `log_family`, or, when they would take
  // the sums beyond kMaxRows or the log beyond kMaxLoggedBatches, a sweep — a merge operand in
  // `row_family` for every row pending or in `deltas` (the sum of both) and the deletion of every
  // log record. Changes nothing here: call Landed once the write succeeded.
  void AppendWrite(Deltas deltas, rocksdb::ColumnFamilyHandle* row_family,
                   rocksdb::ColumnFamilyHandle* log_family, rocksdb::WriteBatch& out) const;
  // `deltas`, as passed to the last AppendWrite, were written.
  void Landed(Deltas deltas);
  // Appends to `out` a sweep of what is pending alone (nothing when nothing is); then Clear once
  // the write succeeded. For a read model about to be compacted: its rows then hold everything.
  void AppendSweep(rocksdb::ColumnFamilyHandle* row_family, rocksdb::ColumnFamilyHandle* log_family,
                   rocksdb::WriteBatch& out) const;

  // The pending sum of `key` (slots sorted), or null when none is. Valid until the next change.
  const CounterSlots* Find(absl::string_view key) const;
  // Copies of the pending sums of the keys in [from, to) (`to` empty: no end), in key order.
  std::vector<std::pair<std::string, CounterSlots>> CopyRange(absl::string_view from,
                                                              absl::string_view to) const;
  size_t rows() const { return sums_.size(); }
  size_t logged_batches() const { return log_keys_.size(); }

 private:
  bool SweepsWith(Deltas deltas) const;
  // Appends the sweep of the sums plus `deltas`.
  void AppendSweepWith(Deltas deltas, rocksdb::ColumnFamilyHandle* row_family,
                       rocksdb::ColumnFamilyHandle* log_family, rocksdb::WriteBatch& out) const;
  std::string LogKey(uint64_t sequence) const;

  // Each row's pending sum, sorted by slot; slots that came to sum to 0 stay (as 0) until the
  // sweep, so that adding a batch's delta to a row that has all its slots already — the usual
  // case after a few batches — costs a search per slot, not a copy of the row (a year's cell
  // holds hundreds of slots).
  absl::btree_map<std::string, CounterSlots, std::less<>> sums_;
  std::vector<std::string> log_keys_;  // the records summed in sums_, oldest first
  uint64_t next_log_sequence_ = 0;
};

// `stored` (a counter row's encoding, "" when absent) plus `pending` (taken: the sum is made in
// it), encoded. DATA_LOSS when `stored` is not an encoding.
absl::StatusOr<std::string> AddPendingSum(absl::string_view stored, CounterSlots pending);

}  // namespace sales::projection

#endif  // SALES_COMMON_PROJECTION_PENDING_COUNTER_ROWS_H_
