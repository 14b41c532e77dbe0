// The performance read model's key layout and counter slots.
//
// Key layout of the "read_model" keyspace:
//   "O" <order stream id>                           PerformanceOrderState of one order (proto)
//   "L" <lead stream id>                            PerformanceLeadState of one lead (proto)
//   "C" <gran:1> <period:8 BE> <dim:1> <value>      the counters of one (period, scope value)
//   "S" <dim:1> <value>                             stock counters, as the model stands now:
//                                                   receivables overdue, follow-ups overdue
//   "U" <customer id>                               PerformanceCustomerPurchases: the
//                                                   customer's confirmed orders per cell, what
//                                                   counts buying and repeat customers (which
//                                                   do not add up across days)
//   "F" <close gran:1> <close period:8 BE> <cell key>
//                                                   the pipeline flows of the deals expected to
//                                                   close in that WEEK, MONTH, QUARTER or YEAR (a
//                                                   "C" cell key of DAY, MONTH or YEAR: when they
//                                                   changed)
// Every granularity (DAY, WEEK, MONTH, QUARTER, YEAR) is stored, so a calendar report is one
// point lookup per scope value and period; a relative period adds up its days and months
// (periods::StoredPeriodsOfDays). dim 0 with value "" is the whole organisation; dims 1–5 are
// PerformanceDimension. Counter rows are CounterRow encodings (common/projection/counter_row.h)
// of the slots below, sums of per-event deltas (targets too: a TargetSet adds value − previous),
// so how streams interleave never changes a byte. The pipeline slots are flows of a stock: each
// records the change of the open pipeline on the day it happened, so the pipeline as of a
// midnight is the sum of every day's cells before it (the forecast's snapshots). The deals with
// no expected close date have theirs in the "C" cells (they count in every period forecast);
// a dated deal's go under the week, month, quarter and year of its close date ("F"), so that a
// period's forecast adds up the flows of its own period only.
//
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_PROJECTIONS_PERFORMANCE_MODEL_KEYS_H_
#define SALES_SERVICES_PROJECTIONS_PERFORMANCE_MODEL_KEYS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "sales/projections/v1/performance.pb.h"
#include "services/projections/periods/periods.h"

namespace sales::performance {

namespace v1 = ::sales::projections::v1;

inline constexpr int kAllDimension = 0;  // the whole organisation
inline constexpr int kDimensionCount = 5;

// ---- Counter slots: kind << 20 | sub. ----
enum class SlotKind : uint32_t {
  kBooked = 1,        // sub: currency code (periods::CurrencyCode); minor units
  kInvoiced = 2,      // sub: currency code
  kCollected = 3,     // sub: currency code
  kOrders = 4,        // sub: currency code
  kNewCustomers = 5,  // sub: 0
  kBuyers = 6,        // sub: 0
  kRepeatBuyers = 7,  // sub: 0
  kActual = 8,        // sub: incentives Metric; credited by the ledger
  kTarget = 9,        // sub: incentives Metric
  kCommission = 10,   // sub: currency code
  // Stock rows ("S", now rather than per period):
  kOverdueBalance = 11,   // sub: currency code; what overdue invoices still owe
  kOverdueInvoices = 12,  // sub: 0
  // Per period again:
  kRunRateBooked = 13,  // sub: currency; booked revenue of orders placed without a deal
  // The open pipeline's changes (sub: currency; hundredths of the minor unit, performance.proto
  // "Forecast"): conservative, base (the weighted pipeline) and optimistic.
  kPipelineConservative = 14,
  kPipelineBase = 15,
  kPipelineOptimistic = 16,
  // Stock:
  kOverdueFollowUps = 17,  // sub: 0; open leads whose follow-up is overdue
};
inline uint32_t Slot(SlotKind kind, uint32_t sub = 0) {
  return (static_cast<uint32_t>(kind) << 20) | sub;
}
inline SlotKind KindOf(uint32_t slot) { return static_cast<SlotKind>(slot >> 20); }
inline uint32_t SubOf(uint32_t slot) { return slot & ((1u << 20) - 1); }

// ---- Keys ----
std::string OrderKey(absl::string_view stream_id);
std::string LeadKey(absl::string_view stream_id);
std::string CellKey(v1::PeriodGranularity granularity, int64_t period, int dimension,
                    absl::string_view value);
std::string CellPrefix(v1::PeriodGranularity granularity, int64_t period, int dimension);
// The prefix of every cell of `granularity`, in period order.
std::string GranularityPrefix(v1::PeriodGranularity granularity);
// The close granularities of the dated pipeline flows ("F"): every period a forecast is asked
// for, so that it reads its own period's flows only (a year's 365 snapshots summing 12 months'
// took 9 ms at 10^6 events instead of about 1).
inline constexpr v1::PeriodGranularity kCloseGranularities[] = {
    v1::PERIOD_GRANULARITY_WEEK, v1::PERIOD_GRANULARITY_MONTH, v1::PERIOD_GRANULARITY_QUARTER,
    v1::PERIOD_GRANULARITY_YEAR};
// The change granularities the dated flows are stored under (what the forecast adds up).
inline constexpr v1::PeriodGranularity kDatedFlowGranularities[] = {
    v1::PERIOD_GRANULARITY_DAY, v1::PERIOD_GRANULARITY_MONTH, v1::PERIOD_GRANULARITY_YEAR};
// "F" <close granularity> <close period>: prepended to a CellKey.
std::string DatedFlowPrefix(v1::PeriodGranularity close_granularity, int64_t close_period);
std::string CustomerKey(absl::string_view customer_id);
std::string StockKey(int dimension, absl::string_view value);
std::string StockPrefix(int dimension);

}  // namespace sales::performance

#endif  // SALES_SERVICES_PROJECTIONS_PERFORMANCE_MODEL_KEYS_H_
