#include "services/projections/performance/model/performance_deltas.h"

#include <algorithm>
#include <memory>

#include "common/projection/counter_row.h"
#include "common/status/status_macros.h"

namespace sales::performance {
namespace {

constexpr char kAccumulatorName[] = "performance-deltas";

// Sorts `deltas` by slot, sums each slot's, and drops the zeros.
template <typename Deltas>
void SumBySlot(Deltas& deltas) {
  std::sort(deltas.begin(), deltas.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  size_t kept = 0;
  for (size_t i = 0; i < deltas.size(); ++i) {
    if (kept > 0 && deltas[kept - 1].first == deltas[i].first) {
      deltas[kept - 1].second += deltas[i].second;
    } else {
      deltas[kept++] = deltas[i];
    }
  }
  deltas.resize(kept);
  deltas.erase(std::remove_if(deltas.begin(), deltas.end(),
                              [](const auto& entry) { return entry.second == 0; }),
               deltas.end());
}

// `delta` to `slot` in `deltas`, which holds each slot once: a cell or stock row has a few
// dozen slots at most, so a scan beats appending every delta and sorting them all at the fold
// (a year's cell gets each of the batch's days' deltas).
template <typename Deltas>
void AddToSlot(uint32_t slot, int64_t delta, Deltas& deltas) {
  for (auto& [kept_slot, sum] : deltas) {
    if (kept_slot == slot) {
      sum += delta;
      return;
    }
  }
  deltas.emplace_back(slot, delta);
}

PerformanceDeltas::PeriodDays DaysOf(v1::PeriodGranularity granularity, int64_t period) {
  return {.period = period,
          .first_day = periods::FirstDayOfPeriod(granularity, period),
          .last_day = periods::LastDayOfPeriod(granularity, period)};
}

// Whether every delta of `deltas` is 0: a row is touched only by a delta that is not 0.
bool AllZero(PerformanceDeltas::SlotDeltaSpan deltas) {
  return std::all_of(deltas.begin(), deltas.end(),
                     [](const auto& delta) { return delta.second == 0; });
}

}  // namespace

PerformanceDeltas& PerformanceDeltas::Of(projection::ProjectionTxn& txn) {
  return static_cast<PerformanceDeltas&>(
      txn.Accumulator(kAccumulatorName, [] { return std::make_unique<PerformanceDeltas>(); }));
}

uint32_t PerformanceDeltas::ScopeId(int dimension, absl::string_view value) {
  if (last_scope_ != UINT32_MAX) {
    const absl::string_view last = scopes_[last_scope_];
    if (static_cast<uint8_t>(last[0]) == dimension && last.substr(1) == value) return last_scope_;
  }
  scratch_.clear();
  scratch_.push_back(static_cast<char>(dimension));
  scratch_.append(value.data(), value.size());
  const auto [it, inserted] = scope_ids_.try_emplace(scratch_, scopes_.size());
  if (inserted) scopes_.push_back(scratch_);
  last_scope_ = it->second;
  return it->second;
}

const PerformanceDeltas::DayPeriods& PerformanceDeltas::PeriodsOfDay(int64_t day) {
  const auto [it, inserted] = day_periods_.try_emplace(day);
  if (inserted) {
    for (size_t i = 0; i < std::size(periods::kGranularities); ++i) {
      it->second[i] =
          DaysOf(periods::kGranularities[i], periods::PeriodOfDay(periods::kGranularities[i], day));
    }
  }
  return it->second;
}

const PerformanceDeltas::ClosePeriods& PerformanceDeltas::ClosePeriodsOf(int64_t close_day) {
  const auto [it, inserted] = close_periods_.try_emplace(close_day);
  if (inserted) {
    for (size_t i = 0; i < std::size(kCloseGranularities); ++i) {
      const v1::PeriodGranularity granularity = kCloseGranularities[i];
      it->second[i] = DaysOf(granularity, periods::PeriodOfDay(granularity, close_day));
    }
  }
  return it->second;
}

void PerformanceDeltas::Add(int64_t day, int dimension, absl::string_view value, uint32_t slot,
                            int64_t delta) {
  const std::pair<uint32_t, int64_t> one[] = {{slot, delta}};
  Add(day, dimension, value, one);
}

void PerformanceDeltas::Add(int64_t day, int dimension, absl::string_view value,
                            SlotDeltaSpan deltas) {
  if (AllZero(deltas)) return;
  auto& row = days_[{day, ScopeId(dimension, value)}];
  for (const auto& [slot, delta] : deltas) {
    if (delta != 0) AddToSlot(slot, delta, row);
  }
}

void PerformanceDeltas::AddToPeriod(v1::PeriodGranularity granularity, int64_t period,
                                    int dimension, absl::string_view value, uint32_t slot,
                                    int64_t delta) {
  if (delta == 0) return;
  AddToSlot(slot, delta, rows_[{Table::kCell, granularity, period, ScopeId(dimension, value)}]);
}

static_assert(2 * std::tuple_size_v<PerformanceDeltas::BuyerDeltas> <= 16,
              "BuyerSums::touched has a bit per delta");

void PerformanceDeltas::AddBuyers(int64_t day, int dimension, absl::string_view value,
                                  const BuyerDeltas& deltas) {
  BuyerSums* sums = nullptr;
  for (size_t i = 0; i < deltas.size(); ++i) {
    for (size_t k = 0; k < deltas[i].size(); ++k) {
      if (deltas[i][k] == 0) continue;
      if (sums == nullptr) sums = &buyers_[{day, ScopeId(dimension, value)}];
      sums->sums[i][k] += deltas[i][k];
      sums->touched |= uint16_t{1} << (2 * i + k);
    }
  }
}

void PerformanceDeltas::AddDatedFlows(int64_t close_day, int64_t day, int dimension,
                                      absl::string_view value, Flows flows) {
  if (AllZero(flows)) return;
  auto& sums = dated_flows_[{close_day, day, ScopeId(dimension, value)}];
  for (const auto& [pipeline_slot, delta] : flows) {
    if (delta != 0) AddToSlot(pipeline_slot, delta, sums);
  }
}

void PerformanceDeltas::AddToStock(int dimension, absl::string_view value, uint32_t slot,
                                   int64_t delta) {
  if (delta == 0) return;
  AddToSlot(
      slot, delta,
      rows_[{Table::kStock, v1::PERIOD_GRANULARITY_UNSPECIFIED, 0, ScopeId(dimension, value)}]);
}

std::string PerformanceDeltas::KeyOf(const RowId& row) const {
  const absl::string_view scope = scopes_[row.scope];
  const int dimension = static_cast<uint8_t>(scope[0]);
  const absl::string_view value = scope.substr(1);
  switch (row.table) {
    case Table::kCell:
      return CellKey(row.granularity, row.period, dimension, value);
    case Table::kDatedFlow:
      return DatedFlowKey(row.granularity, row.period, dimension, value);
    case Table::kStock:
      break;
  }
  return StockKey(dimension, value);
}

absl::Status PerformanceDeltas::FoldInto(projection::FoldTxn& txn) {
  // Days into every granularity's period, each day's deltas summed first. A row is added to even
  // when its deltas cancel out: whether it exists must not depend on the batching (projection.h).
  for (const auto& [day_scope, deltas] : days_) {
    const auto& [day, scope] = day_scope;
    const DayPeriods& day_periods = PeriodsOfDay(day);
    for (size_t i = 0; i < day_periods.size(); ++i) {
      SlotDeltas& row =
          rows_[{Table::kCell, periods::kGranularities[i], day_periods[i].period, scope}];
      for (const auto& [slot, delta] : deltas) AddToSlot(slot, delta, row);
    }
  }
  // Buying and repeat customers into the cells of their day's period of each granularity.
  const uint32_t buyer_slots[] = {Slot(SlotKind::kBuyers), Slot(SlotKind::kRepeatBuyers)};
  for (const auto& [day_scope, buyers] : buyers_) {
    const auto& [day, scope] = day_scope;
    const DayPeriods& day_periods = PeriodsOfDay(day);
    for (size_t i = 0; i < day_periods.size(); ++i) {
      if ((buyers.touched >> (2 * i) & 3) == 0) continue;
      SlotDeltas& row =
          rows_[{Table::kCell, periods::kGranularities[i], day_periods[i].period, scope}];
      for (size_t k = 0; k < std::size(buyer_slots); ++k) {
        if (buyers.touched >> (2 * i + k) & 1) AddToSlot(buyer_slots[k], buyers.sums[i][k], row);
      }
    }
  }
  // Each change's flows into the dated flow rows of the close periods that had not ended by the
  // day of the change (no snapshot of an earlier one reads them), the slot telling the day.
  for (const auto& [id, flows] : dated_flows_) {
    const ClosePeriods& close_periods = ClosePeriodsOf(id.close_day);
    for (size_t i = 0; i < close_periods.size(); ++i) {
      const PeriodDays& close = close_periods[i];
      if (id.day > close.last_day) continue;
      SlotDeltas& row = rows_[{Table::kDatedFlow, kCloseGranularities[i], close.period, id.scope}];
      for (const auto& [pipeline_slot, delta] : flows) {
        row.emplace_back(DatedFlowSlot(id.day - close.first_day, pipeline_slot), delta);
      }
    }
  }
  // Each row's deltas summed per slot, then added to it once.
  for (auto& [row, deltas] : rows_) {
    SumBySlot(deltas);
    txn.AddToCounterRow(KeyOf(row), deltas);
  }
  return absl::OkStatus();
}

}  // namespace sales::performance
