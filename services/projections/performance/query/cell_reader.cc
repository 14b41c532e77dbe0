#include "services/projections/performance/query/cell_reader.h"

#include <vector>

#include "common/projection/counter_row.h"
#include "common/status/status_macros.h"

namespace sales::performance {
namespace {

// The slots only the forecast reads (run-rate bookings, pipeline flows): not a figure of a
// performance report, and no reason for a scope value to have a row in one.
bool IsForecastSlot(SlotKind kind) {
  return kind == SlotKind::kRunRateBooked || kind == SlotKind::kPipelineConservative ||
         kind == SlotKind::kPipelineBase || kind == SlotKind::kPipelineOptimistic;
}

// Adds a stored row's counters of a report (no forecast slots); buyers and targets only where
// they mean something for the period (see performance.proto: neither adds up across days).
absl::Status AddPeriodRow(absl::string_view bytes, bool relative, Counters& counters) {
  projection::CounterRowCursor cursor(bytes);
  while (cursor.Next()) {
    const SlotKind kind = KindOf(cursor.slot());
    if (IsForecastSlot(kind)) continue;
    if (relative && (kind == SlotKind::kBuyers || kind == SlotKind::kRepeatBuyers ||
                     kind == SlotKind::kTarget)) {
      continue;
    }
    counters[cursor.slot()] += cursor.value();
  }
  return cursor.status();
}

// The stored periods whose cells make `period`: every granularity is stored, so a calendar
// period is itself; a relative one its days and whole months.
std::vector<periods::StoredPeriods> StoredOf(const periods::ResolvedPeriod& period) {
  if (period.relative) return periods::StoredPeriodsOfDays(period.first_day, period.last_day);
  return {{period.granularity, period.index, 1}};
}

}  // namespace

absl::Status ReadPeriod(projection::ProjectionStore& store, const periods::ResolvedPeriod& period,
                        int dimension, const std::optional<std::string>& value,
                        std::map<std::string, Counters>& out) {
  for (const periods::StoredPeriods& run : StoredOf(period)) {
    for (int64_t p = run.first; p < run.first + run.count; ++p) {
      if (value.has_value()) {
        ASSIGN_OR_RETURN(std::optional<std::string> row,
                         store.Get(CellKey(run.granularity, p, dimension, *value)));
        Counters& counters = out[*value];
        if (row.has_value()) RETURN_IF_ERROR(AddPeriodRow(*row, period.relative, counters));
        continue;
      }
      const std::string prefix = CellPrefix(run.granularity, p, dimension);
      absl::Status decoded;
      RETURN_IF_ERROR(projection::ScanCounterRows(
          store, prefix, [&](absl::string_view key, absl::string_view bytes) {
            decoded =
                AddPeriodRow(bytes, period.relative, out[std::string(key.substr(prefix.size()))]);
            return decoded.ok();
          }));
      RETURN_IF_ERROR(decoded);
    }
  }
  return absl::OkStatus();
}

absl::Status AddRow(absl::string_view bytes, Counters& counters) {
  projection::CounterRowCursor cursor(bytes);
  while (cursor.Next()) counters[cursor.slot()] += cursor.value();
  return cursor.status();
}

int64_t Get(const Counters& counters, uint32_t slot) {
  const auto found = counters.find(slot);
  return found == counters.end() ? 0 : found->second;
}

// Σ of every slot of `kind`.
int64_t SumOf(const Counters& counters, SlotKind kind) {
  int64_t sum = 0;
  for (auto it = counters.lower_bound(Slot(kind));
       it != counters.end() && KindOf(it->first) == kind; ++it) {
    sum += it->second;
  }
  return sum;
}

}  // namespace sales::performance
