// The performance read model's key layout and counter slots.
//
// Key layout of the "read_model" keyspace:
//   "O" <order stream id>                           PerformanceOrderState of one order (proto)
//   "L" <lead stream id>                            PerformanceLeadState of one lead (proto)
//   "C" <gran:1> <period:8 BE> <dim:1> <value>      the counters of one (period, scope value)
//   "S" <dim:1> <value>                             stock counters, as the model stands now:
//                                                   receivables overdue, follow-ups overdue
//   "U" <customer id>                               PerformanceCustomerPurchases: the
//                                                   customer's confirmed orders per scope value
//                                                   and day, what counts buying and repeat
//                                                   customers (which do not add up across days)
//   "F" <close gran:1> <close period:8 BE> <dim:1> <value>
//                                                   the pipeline flows of the deals expected to
//                                                   close in that WEEK, MONTH, QUARTER or YEAR,
//                                                   one row per scope value: a CounterRow whose
//                                                   slots are DatedFlowSlot (the day of the
//                                                   change, the pipeline figure, the currency)
// Every granularity (DAY, WEEK, MONTH, QUARTER, YEAR) is stored, so a calendar report is one
// point lookup per scope value and period; a relative period adds up its days and months
// (periods::StoredPeriodsOfDays). dim 0 with value "" is the whole organisation; dims 1–5 are
// PerformanceDimension. Counter rows are CounterRow encodings (common/projection/counter_row.h)
// of the slots below, sums of per-event deltas (targets too: a TargetSet adds value − previous),
// so how streams interleave never changes a byte. The pipeline slots are flows of a stock: each
// records the change of the open pipeline on the day it happened, so the pipeline as of a
// midnight is the sum of every day's cells before it (the forecast's snapshots). The deals with
// no expected close date have theirs in the "C" cells (they count in every period forecast);
// a dated deal's go, by the day they changed, into the row of each week, month, quarter and
// year holding its close date ("F"), so that a period's forecast reads its own period's row.
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
// for, so that it reads its own period's row only.
inline constexpr v1::PeriodGranularity kCloseGranularities[] = {
    v1::PERIOD_GRANULARITY_WEEK, v1::PERIOD_GRANULARITY_MONTH, v1::PERIOD_GRANULARITY_QUARTER,
    v1::PERIOD_GRANULARITY_YEAR};
std::string DatedFlowKey(v1::PeriodGranularity close_granularity, int64_t close_period,
                         int dimension, absl::string_view value);

// ---- The slots of a dated flow row ("F") ----
// day offset (15 bits) << 17 | pipeline figure (2 bits: conservative, base, optimistic) << 15 |
// currency (15 bits), so that the row is in the order of the days. The offset is the day of the
// change − the first day of the close period + kDatedFlowHorizonDays: a change more than that
// many days (87 years) before the period counts as made then. A change after the period's last
// day is not recorded: every snapshot of a period is taken within it (or before it starts).
inline constexpr int64_t kDatedFlowHorizonDays = 32000;
// `pipeline_slot`: Slot(kPipelineConservative | kPipelineBase | kPipelineOptimistic, currency);
// `days_after_first`: the change's day − the period's first day, at most 365.
uint32_t DatedFlowSlot(int64_t days_after_first, uint32_t pipeline_slot);
struct DatedFlow {
  int64_t days_after_first;  // ≥ −kDatedFlowHorizonDays
  uint32_t pipeline_slot;
};
DatedFlow DatedFlowOf(uint32_t dated_flow_slot);

std::string CustomerKey(absl::string_view customer_id);
std::string StockKey(int dimension, absl::string_view value);
std::string StockPrefix(int dimension);

}  // namespace sales::performance

#endif  // SALES_SERVICES_PROJECTIONS_PERFORMANCE_MODEL_KEYS_H_
