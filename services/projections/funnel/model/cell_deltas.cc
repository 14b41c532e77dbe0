#include "services/projections/funnel/model/cell_deltas.h"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "common/status/status_macros.h"

namespace sales::funnel {

CellDeltas::CellDeltas() { ValueId(""); }

CellDeltas& CellDeltas::Of(projection::ProjectionTxn& txn) {
  // Only this function makes the accumulator under kName.
  return static_cast<CellDeltas&>(txn.Accumulator(
      kName, [] { return std::unique_ptr<projection::BatchAccumulator>(new CellDeltas()); }));
}

uint32_t CellDeltas::ValueId(absl::string_view value) {
  auto it = ids_.find(value);
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(values_.size());
  values_.emplace_back(value);
  ids_.emplace(values_.back(), id);
  return id;
}

void CellDeltas::AddToDay(char table, int64_t day, int dimension, uint32_t value, int node,
                          const CounterRow& delta) {
  if (delta.empty()) return;
  Sums& sums = cells_[Cell{table, v1::PERIOD_GRANULARITY_DAY, static_cast<uint8_t>(dimension),
                           static_cast<uint8_t>(node), day, value}];
  for (const auto& [slot, amount] : delta.slots()) sums[slot] += amount;
}

void CellDeltas::AddToStock(int dimension, uint32_t value, const CounterRow& delta, int64_t sign) {
  if (delta.empty()) return;
  Sums& sums = cells_[Cell{kStockTable, 0, static_cast<uint8_t>(dimension), 0, 0, value}];
  for (const auto& [slot, amount] : delta.slots()) sums[slot] += sign * amount;
}

CellDeltas::Cells CellDeltas::RollUpDays() const {
  Cells larger;
  for (const auto& [cell, sums] : cells_) {
    if (cell.table == kStockTable) continue;
    for (const v1::PeriodGranularity granularity :
         {v1::PERIOD_GRANULARITY_MONTH, v1::PERIOD_GRANULARITY_YEAR}) {
      Cell holder = cell;
      holder.granularity = granularity;
      holder.period = PeriodOfDay(granularity, cell.period);
      Sums& holder_sums = larger[holder];
      for (const auto& [slot, amount] : sums) holder_sums[slot] += amount;
    }
  }
  return larger;
}

void CellDeltas::BuildKey(const Cell& cell, std::string& key) const {
  const std::string& value = values_[cell.value];
  if (cell.table == kStockTable) {
    key.assign(1, kStockTable);
    key.push_back(static_cast<char>(cell.dimension));
    key.append(value);
    return;
  }
  BuildCellKey(cell.table, static_cast<v1::PeriodGranularity>(cell.granularity), cell.period,
               cell.dimension, value, key);
  if (cell.table == kHistogramTable) {
    key.push_back('\0');
    key.push_back(static_cast<char>(cell.node));
  }
}

absl::Status CellDeltas::FoldInto(projection::ProjectionTxn& txn) {
  RETURN_IF_ERROR(FoldCells(cells_, txn));
  return FoldCells(RollUpDays(), txn);
}

absl::Status CellDeltas::FoldCells(const Cells& cells, projection::ProjectionTxn& txn) const {
  std::string key;
  std::vector<std::pair<uint32_t, int64_t>> deltas;
  for (const auto& [cell, sums] : cells) {
    deltas.clear();
    for (const auto& [slot, sum] : sums) {
      if (sum != 0) deltas.emplace_back(slot, sum);
    }
    if (deltas.empty()) continue;  // the batch's changes cancel out: the row stays
    std::sort(deltas.begin(), deltas.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    BuildKey(cell, key);
    ASSIGN_OR_RETURN(CounterRow* const row, MutableCounterRow(txn, key));
    row->AddSorted(deltas);
  }
  return absl::OkStatus();
}

}  // namespace sales::funnel
