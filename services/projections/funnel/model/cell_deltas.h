// CellDeltas: the funnel's shared counter rows — cell rows ("C", flows and histograms of both
// attributions) and stock rows ("O"), keys.h — changed by one batch, gathered as deltas under
// compact ids and added to the rows once per batch (a projection::BatchAccumulator).
//
// Why: every funnel event changes 24 or more cells (3 stored granularities × 8 dimension slices,
// keys.h). Looking each one up as a row (key built, hashed as a string, decoded row found, sorted
// slots searched) cost ~1 µs per cell. Here Apply only records an event's cell deltas (the day,
// the 8 slices' value ids, the slots: appended to flat vectors), and the fold — on the store's
// committer thread, while the runner applies the next batch — sums them into the 8 DAY cells each
// (a hash lookup on a 64-bit id), adds each DAY cell's sums to the MONTH cell holding that day and
// each MONTH's to its YEAR, and adds to every cell's row once per batch without reading it
// (FoldTxn::AddToCounterRow: a merge operand the store sums): the hottest (the whole
// organisation's, a year's) are touched by nearly every event, and a live batch of a few hundred
// events would otherwise decode, merge and re-encode all of them. Stock deltas are summed at once
// into the few stock cells (a small, hot table), which keeps the two threads' shares of the
// work about even.
//
//   CellDeltas& cells = CellDeltas::Of(txn);
//   CellDeltas::SliceValues values;  // the ValueId of each dimension slice's value
//   for (int d = 0; d <= kDimensionCount; ++d) values[d] = cells.ValueId(ValueOf(d));
//   cells.AddToDay(day, values, delta);
//   cells.AddToStock(values, stock, -1);
//   // … when the batch is written, the store calls FoldInto(txn) on its committer thread.
//
// The rows folded into are only ever changed through CellDeltas, so Apply never reads them
// (BatchAccumulator's rule). Sums commute, so the fold's result does not depend on the order in
// which events or cells were gathered: a rebuild folds to the same bytes.
//
// Thread-compatible: filled by the runner's thread within one batch, then folded by the store's
// committer thread (the store hands it over).
#ifndef SALES_SERVICES_PROJECTIONS_FUNNEL_MODEL_CELL_DELTAS_H_
#define SALES_SERVICES_PROJECTIONS_FUNNEL_MODEL_CELL_DELTAS_H_

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/projection/counter_row.h"
#include "common/projection/projection.h"
#include "services/projections/funnel/model/keys.h"

namespace sales::funnel {

class CellDeltas : public projection::BatchAccumulator {
 public:
  static constexpr char kName[] = "funnel-cells";
  // The ValueId of each dimension slice's value, by slice (0: the whole organisation, "").
  using SliceValues = std::array<uint32_t, kDimensionCount + 1>;

  // The batch's CellDeltas in `txn`.
  static CellDeltas& Of(projection::ProjectionTxn& txn);

  // A small id for a dimension value, stable for the batch ("" is 0).
  uint32_t ValueId(absl::string_view value);
  // Adds every slot of `delta` to the "C" cells of DAY `day` (PeriodIndexOf) of the 8 slices'
  // values, and so to the MONTH and YEAR cells that hold the day.
  void AddToDay(int64_t day, const SliceValues& values, const CounterRow& delta);
  // Moves `delta`, placed on DAY `day`, from the values `from` to the values `to` in the current
  // attribution: the correction slots (CellSlot, keys.h) of the cells of every slice 1–7 whose
  // value differs gain it under `to` and lose it under `from` (and so their MONTH and YEAR cells).
  void MoveCurrent(int64_t day, const SliceValues& from, const SliceValues& to,
                   const CounterRow& delta);
  // Adds sign × every slot of `delta` to the stock rows of the 8 slices' values.
  void AddToStock(const SliceValues& values, const CounterRow& delta, int64_t sign);

  // Sums the recorded deltas per cell and adds them to the cells' rows
  // (ProjectionTxn::Mutable, counter_row.h).
  absl::Status FoldInto(projection::FoldTxn& txn) override;

 private:
  // A counter row by its key's parts, packed into 64 bits (a cheap hash key):
  //   bit 63 stock row · bits 60–62 granularity · 57–59 dimension · 32–56 period + 2^24 ·
  //   0–31 value id.
  // Periods of valid timestamps (DAY indexes from -719162 to 2932896) fit the 25 bits.
  using CellId = uint64_t;
  static CellId DayCell(int64_t day, int dimension, uint32_t value);
  static CellId StockCell(int dimension, uint32_t value);
  // The same cell for another granularity and period.
  static CellId WithPeriod(CellId cell, v1::PeriodGranularity granularity, int64_t period);
  // A cell's summed deltas by slot (a hash map: the hottest cells take tens of thousands of
  // deltas per batch, on a few hundred slots).
  using Sums = absl::flat_hash_map<uint32_t, int64_t>;
  using Cells = absl::flat_hash_map<CellId, Sums>;

  // One recorded AddToDay, its slots in slots_[first, end).
  struct Recorded {
    int64_t day;
    SliceValues values;
    uint32_t first;
    uint32_t end;
  };
  // One recorded MoveCurrent, its slots in slots_[first, end).
  struct Moved {
    int64_t day;
    SliceValues from;
    SliceValues to;
    uint32_t first;
    uint32_t end;
  };

  CellDeltas();
  // The DAY cells with the sums of what was recorded for them.
  Cells SumDays() const;
  // The cells of granularity `to` holding the `from` cells among `cells` (DAY → MONTH or MONTH →
  // YEAR), with the sums of the cells they hold.
  static Cells RollUp(const Cells& cells, v1::PeriodGranularity from, v1::PeriodGranularity to);
  // Adds each cell's sums to its row.
  void FoldCells(const Cells& cells, projection::FoldTxn& txn) const;
  void BuildKey(CellId cell, std::string& key) const;

  std::vector<Recorded> recorded_;
  std::vector<Moved> moved_;
  Cells stock_;  // stock cells, summed by AddToStock
  std::vector<std::pair<uint32_t, int64_t>> slots_;
  std::deque<std::string> values_;  // by id; a deque keeps the strings (and views) in place
  absl::flat_hash_map<absl::string_view, uint32_t> ids_;
};

}  // namespace sales::funnel

#endif  // SALES_SERVICES_PROJECTIONS_FUNNEL_MODEL_CELL_DELTAS_H_
