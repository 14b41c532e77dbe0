#include "services/projections/funnel/model/cell_deltas.h"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "common/status/status_macros.h"

namespace sales::funnel {
namespace {

constexpr uint64_t kStockBit = uint64_t{1} << 63;
constexpr int kGranularityShift = 60;
constexpr int kDimensionShift = 57;
constexpr int kPeriodShift = 32;
constexpr int64_t kPeriodBias = int64_t{1} << 24;
constexpr uint64_t kPeriodMask = (uint64_t{1} << 25) - 1;
constexpr size_t kSlotsOfANewCell = 14;  // an absl table of capacity 15

int64_t PeriodOf(uint64_t cell) {
  return static_cast<int64_t>((cell >> kPeriodShift) & kPeriodMask) - kPeriodBias;
}

v1::PeriodGranularity GranularityOf(uint64_t cell) {
  return static_cast<v1::PeriodGranularity>((cell >> kGranularityShift) & 7);
}

// The period of granularity `to` holding period `period` of `from` (DAY → MONTH, MONTH → YEAR).
int64_t HoldingPeriod(v1::PeriodGranularity from, v1::PeriodGranularity to, int64_t period) {
  if (from == v1::PERIOD_GRANULARITY_DAY) return PeriodOfDay(to, period);
  return period / 12;  // a MONTH index is year × 12 + month − 1, years from 1 (keys.h)
}

}  // namespace

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

CellDeltas::CellId CellDeltas::DayCell(int64_t day, int dimension, uint32_t value) {
  return WithPeriod(static_cast<uint64_t>(dimension) << kDimensionShift | value,
                    v1::PERIOD_GRANULARITY_DAY, day);
}

CellDeltas::CellId CellDeltas::StockCell(int dimension, uint32_t value) {
  return kStockBit | static_cast<uint64_t>(dimension) << kDimensionShift | value;
}

CellDeltas::CellId CellDeltas::WithPeriod(CellId cell, v1::PeriodGranularity granularity,
                                          int64_t period) {
  constexpr uint64_t kKept = (uint64_t{7} << kDimensionShift) | 0xFFFFFFFFu;
  return (cell & kKept) | static_cast<uint64_t>(granularity) << kGranularityShift |
         static_cast<uint64_t>(period + kPeriodBias) << kPeriodShift;
}

void CellDeltas::AddToDay(int64_t day, const SliceValues& values, const CounterRow& delta) {
  if (delta.empty()) return;
  const auto first = static_cast<uint32_t>(slots_.size());
  slots_.insert(slots_.end(), delta.slots().begin(), delta.slots().end());
  recorded_.push_back({day, values, first, static_cast<uint32_t>(slots_.size())});
}

void CellDeltas::MoveCurrent(int64_t day, const SliceValues& from, const SliceValues& to,
                             const CounterRow& delta) {
  if (delta.empty() || from == to) return;
  const auto first = static_cast<uint32_t>(slots_.size());
  slots_.insert(slots_.end(), delta.slots().begin(), delta.slots().end());
  moved_.push_back({day, from, to, first, static_cast<uint32_t>(slots_.size())});
}

void CellDeltas::AddToStock(const SliceValues& values, const CounterRow& delta, int64_t sign) {
  if (delta.empty()) return;
  for (int d = 0; d <= kDimensionCount; ++d) {
    Sums& sums = stock_[StockCell(d, values[d])];
    for (const auto& [slot, amount] : delta.slots()) sums[slot] += sign * amount;
  }
}

CellDeltas::Cells CellDeltas::SumDays() const {
  Cells cells;
  const auto add = [&](CellId cell, CellKind kind, uint32_t first, uint32_t end, int64_t sign) {
    auto [it, added] = cells.try_emplace(cell);
    Sums& sums = it->second;
    // Room for an event or two at once: most DAY cells get no more, and growing a table step by
    // step was a large share of the fold's allocations.
    if (added) sums.reserve(kSlotsOfANewCell);
    for (uint32_t i = first; i < end; ++i) {
      sums[CellSlot(slots_[i].first, kind)] += sign * slots_[i].second;
    }
  };
  for (const Recorded& recorded : recorded_) {
    for (int d = 0; d <= kDimensionCount; ++d) {
      add(DayCell(recorded.day, d, recorded.values[d]), CellKind::kAtEventTime, recorded.first,
          recorded.end, 1);
    }
  }
  for (const Moved& moved : moved_) {
    for (int d = 1; d <= kDimensionCount; ++d) {
      if (moved.from[d] == moved.to[d]) continue;
      add(DayCell(moved.day, d, moved.to[d]), CellKind::kCurrentCorrection, moved.first, moved.end,
          1);
      add(DayCell(moved.day, d, moved.from[d]), CellKind::kCurrentCorrection, moved.first,
          moved.end, -1);
    }
  }
  return cells;
}

CellDeltas::Cells CellDeltas::RollUp(const Cells& cells, v1::PeriodGranularity from,
                                     v1::PeriodGranularity to) {
  Cells larger;
  for (const auto& [cell, sums] : cells) {
    if (GranularityOf(cell) != from) continue;
    Sums& holder_sums = larger[WithPeriod(cell, to, HoldingPeriod(from, to, PeriodOf(cell)))];
    for (const auto& [slot, amount] : sums) holder_sums[slot] += amount;
  }
  return larger;
}

void CellDeltas::BuildKey(CellId cell, std::string& key) const {
  const int dimension = static_cast<int>((cell >> kDimensionShift) & 7);
  const std::string& value = values_[static_cast<uint32_t>(cell)];
  if (cell & kStockBit) {
    key.assign(1, 'O');  // keys.h: "O" <dim> <value>
    key.push_back(static_cast<char>(dimension));
    key.append(value);
    return;
  }
  const auto granularity = static_cast<v1::PeriodGranularity>((cell >> kGranularityShift) & 7);
  BuildCellKey(granularity, PeriodOf(cell), dimension, value, key);
}

absl::Status CellDeltas::FoldInto(projection::FoldTxn& txn) {
  FoldCells(stock_, txn);
  const Cells days = SumDays();
  FoldCells(days, txn);
  // Years from months: a batch has far fewer month cells than day cells.
  const Cells months = RollUp(days, v1::PERIOD_GRANULARITY_DAY, v1::PERIOD_GRANULARITY_MONTH);
  FoldCells(months, txn);
  FoldCells(RollUp(months, v1::PERIOD_GRANULARITY_MONTH, v1::PERIOD_GRANULARITY_YEAR), txn);
  return absl::OkStatus();
}

void CellDeltas::FoldCells(const Cells& cells, projection::FoldTxn& txn) const {
  std::string key;
  std::vector<std::pair<uint32_t, int64_t>> deltas;
  for (const auto& [cell, sums] : cells) {
    deltas.clear();
    for (const auto& [slot, sum] : sums) {
      if (sum != 0) deltas.emplace_back(slot, sum);
    }
    // Added to even when the batch's changes cancel out: whether a row exists must not depend on
    // the batching (projection.h).
    std::sort(deltas.begin(), deltas.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    BuildKey(cell, key);
    txn.AddToCounterRow(key, deltas);
  }
}

}  // namespace sales::funnel
