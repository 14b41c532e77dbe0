// Reading the performance read model's cells (model/keys.h) for a report: counters per scope
// value of one period, summed over its stored periods, and the small arithmetic on them that the
// performance report and the alerts share.
//
//   std::map<std::string, Counters> by_rep;
//   RETURN_IF_ERROR(ReadPeriod(store, period, v1::PERFORMANCE_DIMENSION_REP, std::nullopt,
//   by_rep)); const int64_t orders = SumOf(by_rep["R-01"], SlotKind::kOrders);
//
// Thread-safety: functions of the committed store; thread-safe.
#ifndef SALES_SERVICES_PROJECTIONS_PERFORMANCE_QUERY_CELL_READER_H_
#define SALES_SERVICES_PROJECTIONS_PERFORMANCE_QUERY_CELL_READER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "common/projection/projection_store.h"
#include "services/projections/performance/model/keys.h"
#include "services/projections/periods/periods.h"

namespace sales::performance {

using Counters = std::map<uint32_t, int64_t>;  // slot → sum

// Counters of a performance report per scope value of `period`: of `value` only, or (nullopt) of
// every value of `dimension` seen in the period (one prefix scan per stored period). A relative
// period has no buying/repeat customers and no targets (performance.proto: they do not add up
// across days); the forecast's slots are left out.
absl::Status ReadPeriod(projection::ProjectionStore& store, const periods::ResolvedPeriod& period,
                        int dimension, const std::optional<std::string>& value,
                        std::map<std::string, Counters>& out);

// Adds every slot of a stored counter row to `counters`; DATA_LOSS when it does not decode.
absl::Status AddRow(absl::string_view bytes, Counters& counters);

// The counter of `slot` (0 when absent).
int64_t Get(const Counters& counters, uint32_t slot);
// Σ of every slot of `kind` (e.g. orders over every currency).
int64_t SumOf(const Counters& counters, SlotKind kind);

}  // namespace sales::performance

#endif  // SALES_SERVICES_PROJECTIONS_PERFORMANCE_QUERY_CELL_READER_H_
