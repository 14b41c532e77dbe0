// CellDeltas: the funnel's shared counter rows — flow cells ("C"), time-in-stage histograms
// ("H") and stock rows ("O"), keys.h — changed by one batch, gathered as deltas under compact
// ids and added to the rows once per batch (a projection::BatchAccumulator).
//
// Why: every funnel event changes 24 or more cells (3 stored granularities × 8 dimension slices,
// keys.h). Looking each one up as a row (key built, hashed as a string, decoded row found, sorted
// slots searched) cost ~1 µs per cell. Here an event adds its deltas to the 8 DAY cells of its
// instant (a hash lookup on a small fixed-size id each); at the fold each DAY cell's sums are
// also added to the MONTH and YEAR cells holding that day, and every cell's row is changed once
// per batch — the hottest (the whole organisation's, a year's) are touched by nearly every event.
//
//   CellDeltas& cells = CellDeltas::Of(txn);
//   const uint32_t rep = cells.ValueId("R-01");
//   cells.AddToDay(kCellTable, day, v1::FUNNEL_DIMENSION_REP, rep, /*node=*/0, delta);
//   cells.AddToStock(v1::FUNNEL_DIMENSION_REP, rep, stock, -1);
//   // … when the batch is handed to its commit, the store calls FoldInto(txn).
//
// The rows folded into are only ever changed through CellDeltas, so Apply never reads them
// (BatchAccumulator's rule). Sums commute, so the fold's result does not depend on the order in
// which events or cells were gathered: a rebuild folds to the same bytes.
//
// Thread-compatible: used by the runner's thread within one batch.
#ifndef SALES_SERVICES_PROJECTIONS_FUNNEL_MODEL_CELL_DELTAS_H_
#define SALES_SERVICES_PROJECTIONS_FUNNEL_MODEL_CELL_DELTAS_H_

#include <cstdint>
#include <deque>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/projection/projection.h"
#include "services/projections/funnel/model/counter_row.h"
#include "services/projections/funnel/model/keys.h"

namespace sales::funnel {

class CellDeltas : public projection::BatchAccumulator {
 public:
  static constexpr char kName[] = "funnel-cells";

  // The batch's CellDeltas in `txn`.
  static CellDeltas& Of(projection::ProjectionTxn& txn);

  // A small id for a dimension value, stable for the batch ("" is 0).
  uint32_t ValueId(absl::string_view value);
  // Adds every slot of `delta` to the cell of `table` (kCellTable, or kHistogramTable with
  // `node`) for DAY `day` (PeriodIndexOf) and dimension value `value` (a ValueId), and so to the
  // MONTH and YEAR cells that hold the day.
  void AddToDay(char table, int64_t day, int dimension, uint32_t value, int node,
                const CounterRow& delta);
  // Adds sign × every slot of `delta` to the stock row of dimension value `value`.
  void AddToStock(int dimension, uint32_t value, const CounterRow& delta, int64_t sign);

  // Adds each cell's summed deltas to its row (ProjectionTxn::Mutable, counter_row.h).
  absl::Status FoldInto(projection::ProjectionTxn& txn) override;

 private:
  static constexpr char kStockTable = 'O';  // keys.h: "O" <dim> <value>

  // A counter row, by its key's parts.
  struct Cell {
    char table = kCellTable;  // kCellTable, kHistogramTable or kStockTable
    uint8_t granularity = 0;  // v1::PeriodGranularity (C and H)
    uint8_t dimension = 0;    // 0 (whole organisation) … kDimensionCount
    uint8_t node = 0;         // H only
    int64_t period = 0;       // C and H
    uint32_t value = 0;       // a ValueId

    friend bool operator==(const Cell&, const Cell&) = default;
    template <typename H>
    friend H AbslHashValue(H h, const Cell& c) {
      return H::combine(std::move(h), c.table, c.granularity, c.dimension, c.node, c.period,
                        c.value);
    }
  };
  // A cell's summed deltas by slot (a hash map: the hottest cells take tens of thousands of
  // deltas per batch, on a few hundred slots).
  using Sums = absl::flat_hash_map<uint32_t, int64_t>;
  using Cells = absl::flat_hash_map<Cell, Sums>;

  CellDeltas();
  // The MONTH and YEAR cells holding the DAY cells' days, with the sums of their days.
  Cells RollUpDays() const;
  // Adds each cell's sums to its row.
  absl::Status FoldCells(const Cells& cells, projection::ProjectionTxn& txn) const;
  void BuildKey(const Cell& cell, std::string& key) const;

  Cells cells_;                     // DAY and stock cells
  std::deque<std::string> values_;  // by id; a deque keeps the strings (and views) in place
  absl::flat_hash_map<absl::string_view, uint32_t> ids_;
};

}  // namespace sales::funnel

#endif  // SALES_SERVICES_PROJECTIONS_FUNNEL_MODEL_CELL_DELTAS_H_
