#include "services/projections/performance/model/performance_deltas.h"

#include <algorithm>
#include <map>
#include <memory>

#include "common/projection/counter_row.h"
#include "common/status/status_macros.h"

namespace sales::performance {
namespace {

constexpr char kAccumulatorName[] = "performance-deltas";

void AppendDay(std::string& key, int64_t day) {
  for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>(day >> shift));
}

int64_t DayOf(absl::string_view key) {
  uint64_t day = 0;
  for (int i = 0; i < 8; ++i) day = (day << 8) | static_cast<uint8_t>(key[i]);
  return static_cast<int64_t>(day);
}

void AppendScope(std::string& key, int dimension, absl::string_view value) {
  key.push_back(static_cast<char>(dimension));
  key.append(value.data(), value.size());
}

}  // namespace

PerformanceDeltas& PerformanceDeltas::Of(projection::ProjectionTxn& txn) {
  return static_cast<PerformanceDeltas&>(
      txn.Accumulator(kAccumulatorName, [] { return std::make_unique<PerformanceDeltas>(); }));
}

void PerformanceDeltas::Add(int64_t day, int dimension, absl::string_view value, uint32_t slot,
                            int64_t delta) {
  if (delta == 0) return;
  scratch_.clear();
  AppendDay(scratch_, day);
  AppendScope(scratch_, dimension, value);
  days_[scratch_].emplace_back(slot, delta);
}

void PerformanceDeltas::AddDatedFlow(int64_t close_day, int64_t day, int dimension,
                                     absl::string_view value, uint32_t slot, int64_t delta) {
  if (delta == 0) return;
  scratch_.clear();
  AppendDay(scratch_, close_day);
  AppendDay(scratch_, day);
  AppendScope(scratch_, dimension, value);
  dated_days_[scratch_].emplace_back(slot, delta);
}

void PerformanceDeltas::AddToCell(absl::string_view cell_key, uint32_t slot, int64_t delta) {
  if (delta == 0) return;
  cells_[cell_key].emplace_back(slot, delta);
}

absl::Status PerformanceDeltas::FoldInto(projection::ProjectionTxn& txn) {
  // Days into every granularity's period.
  for (auto& [day_key, deltas] : days_) {
    const int64_t day = DayOf(day_key);
    const int dimension = static_cast<uint8_t>(day_key[8]);
    const absl::string_view value = absl::string_view(day_key).substr(9);
    for (const v1::PeriodGranularity granularity : periods::kGranularities) {
      SlotDeltas& cell =
          cells_[CellKey(granularity, periods::PeriodOfDay(granularity, day), dimension, value)];
      cell.insert(cell.end(), deltas.begin(), deltas.end());
    }
  }
  // Dated flows into their close date's periods, by the change's day, month and year.
  for (auto& [dated_key, deltas] : dated_days_) {
    const int64_t close_day = DayOf(dated_key);
    const int64_t day = DayOf(absl::string_view(dated_key).substr(8));
    const int dimension = static_cast<uint8_t>(dated_key[16]);
    const absl::string_view value = absl::string_view(dated_key).substr(17);
    for (const v1::PeriodGranularity close : kCloseGranularities) {
      const std::string prefix = DatedFlowPrefix(close, periods::PeriodOfDay(close, close_day));
      for (const v1::PeriodGranularity granularity : kDatedFlowGranularities) {
        SlotDeltas& cell =
            cells_[prefix +
                   CellKey(granularity, periods::PeriodOfDay(granularity, day), dimension, value)];
        cell.insert(cell.end(), deltas.begin(), deltas.end());
      }
    }
  }
  // Each cell's deltas summed per slot, then added to its row once.
  std::vector<std::pair<uint32_t, int64_t>> sorted;
  for (auto& [key, deltas] : cells_) {
    std::sort(deltas.begin(), deltas.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    sorted.clear();
    for (const auto& [slot, delta] : deltas) {
      if (!sorted.empty() && sorted.back().first == slot) {
        sorted.back().second += delta;
      } else {
        sorted.emplace_back(slot, delta);
      }
    }
    std::erase_if(sorted, [](const auto& entry) { return entry.second == 0; });
    if (sorted.empty()) continue;
    ASSIGN_OR_RETURN(projection::CounterRow * row, projection::MutableCounterRow(txn, key));
    row->AddSorted(sorted);
  }
  return absl::OkStatus();
}

}  // namespace sales::performance
