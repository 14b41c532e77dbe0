// The funnel read model's vocabulary and key layout: nodes (stages and steps), periods in the
// business time zone, counter slots, the time-in-stage histogram bins and the row keys.
//
// Key layout of the "read_model" keyspace (every query is a point lookup or one prefix scan):
//   "L" <stream id>                               FunnelLeadState of one lead (proto)
//   "C" <gran:1> <period:8 BE> <dim:1> <value>    the counters of one (period, dimension value):
//                                                 flows and every node's time-in-stage histograms,
//                                                 under the values the lead had at each flow, and
//                                                 beside each the current-attribution correction
//                                                 (CellSlot)
//   "O" <dim:1> <value>                           stock counters (occupancy, pipeline, overdue now)
// Only DAY, MONTH and YEAR cells are stored (kStoredGranularities): a WEEK is the sum of its 7
// days, a QUARTER of its 3 months (StoredPeriodsOf). Every counter is a sum of per-event deltas
// placed by the event's instant, and those periods partition the larger one, so the sums are
// exact; it saves 2/5 of the rows an event touches. YEAR stays stored because a grouped yearly
// report would otherwise scan and add up 12 months of every value's rows.
// The histograms share their cell's row: a visit's end adds its time-in-stage samples (flow
// counters) and its histogram bins at the same instant and dimension values, so one row per
// cell is loaded, merged and written per batch, and a report reads one row per stored period.
// (Histogram rows of their own, one per node, were 3/4 of the rows a catch-up batch wrote.)
// dim 0 (kAllDimension) with value "" is the whole organisation; dims 1–7 are FunnelDimension.
// Counter rows are CounterRow encodings (common/projection/counter_row.h) of the slots below.
//
//   const int64_t month = PeriodIndexOf(v1::PERIOD_GRANULARITY_MONTH, absl::FromUnixSeconds(s));
//   std::string key = CellKey(v1::PERIOD_GRANULARITY_MONTH, month, v1::FUNNEL_DIMENSION_REP,
//   "R-01");
//
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_PROJECTIONS_FUNNEL_MODEL_KEYS_H_
#define SALES_SERVICES_PROJECTIONS_FUNNEL_MODEL_KEYS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/projection/counter_row.h"
#include "sales/leads/v1/model.pb.h"
#include "sales/projections/v1/funnel.pb.h"
#include "services/projections/periods/periods.h"

namespace sales::funnel {

namespace v1 = ::sales::projections::v1;
namespace leads_v1 = ::sales::leads::v1;

// ---- Nodes: stages 0–6 (LeadStage − 1), steps 7–12 (SalesStep + 6). ----
inline constexpr int kNodeCount = 13;
inline constexpr int kFirstStepNode = 7;
inline int StageNode(leads_v1::LeadStage stage) { return static_cast<int>(stage) - 1; }
inline int StepNode(leads_v1::SalesStep step) { return static_cast<int>(step) + 6; }
inline constexpr int kWonNode = leads_v1::LEAD_STAGE_WON - 1;

// Conversion pairs recorded and reported (funnel.proto, Conversion).
bool IsConversionPair(int from_node, int to_node);

// ---- Dimensions ----
inline constexpr int kAllDimension = 0;
inline constexpr int kDimensionCount = 7;  // FunnelDimension 1–7

// ---- Counter rows (common/projection/counter_row.h) ----
using ::sales::projection::CounterRow;
using ::sales::projection::CounterRowCursor;

// ---- Periods (services/projections/periods/periods.h) ----
using ::sales::BusinessTimeZone;
using ::sales::periods::CurrencyCode;
using ::sales::periods::CurrencyName;
using ::sales::periods::DescribeDays;
using ::sales::periods::DescribePeriod;
using ::sales::periods::kGranularities;
using ::sales::periods::PeriodIndexOf;
using ::sales::periods::PeriodOfDay;
using ::sales::periods::StoredPeriods;
using ::sales::periods::StoredPeriodsOf;
using ::sales::periods::StoredPeriodsOfDays;
// The granularities whose flow and histogram cells are stored.
inline constexpr v1::PeriodGranularity kStoredGranularities[] = {
    v1::PERIOD_GRANULARITY_DAY, v1::PERIOD_GRANULARITY_MONTH, v1::PERIOD_GRANULARITY_YEAR};

// ---- Counter slots: kind << 20 | sub. ----
enum class SlotKind : uint32_t {
  kEntries = 1,          // sub: node
  kCohort = 2,           // sub: node (first entries)
  kReached = 3,          // sub: from × 16 + to (cohort of `from` that ever reached `to`)
  kLatestCount = 4,      // sub: node
  kLatestSum = 5,        // sub: node (seconds)
  kCumulativeCount = 6,  // sub: node
  kCumulativeSum = 7,    // sub: node (seconds)
  kLatestHist = 8,       // sub: node × 512 + bin
  kCumulativeHist = 9,   // sub: node × 512 + bin
  kCycleCount = 10,      // sub: 0
  kCycleSum = 11,        // sub: 0 (seconds)
  kOverdueEvents = 12,   // sub: 0
  // Stock rows ("O"):
  kOccupancy = 13,   // sub: node
  kOverdueNow = 14,  // sub: 0
  kPipeline = 15,    // sub: currency code (CurrencyCode); minor units
  kWeighted = 16,    // sub: currency code; minor units × percent
};
inline uint32_t Slot(SlotKind kind, uint32_t sub = 0) {
  return (static_cast<uint32_t>(kind) << 20) | sub;
}
inline SlotKind KindOf(uint32_t slot) { return static_cast<SlotKind>(slot >> 20); }
inline uint32_t SubOf(uint32_t slot) { return slot & ((1u << 20) - 1); }

// ---- Time-in-stage histogram: 0–7 s one bin each, then 8 bins per power of two. ----
inline constexpr int kHistogramBins = 512;  // bins used: 0 … 487
int HistogramBin(int64_t seconds);          // seconds < 0 count as 0
// The middle of the bin, in seconds (what p90 reports).
double HistogramBinMiddle(int bin);

// ---- Both attributions in one cell row (funnel.proto, "Attribution") ----
// A cell row holds, for each flow slot s, the flows under the dimension values each lead had
// when they happened (row slot 2s) and beside it the correction that turns those into the flows
// under each lead's current values (2s + 1: a flow placed under values a lead no longer has, and
// every flow a lead added, day_flows, when its values change; 0 for leads that never changed).
// Current attribution is the pair's sum. Dimension 0, the whole organisation, is the same either
// way and has no corrections. One row instead of a row per attribution: a live batch writes a
// fifth fewer rows, and a report reads (or scans) half as many, walking each slot's pair
// together, which is all a histogram's percentile needs (counts before bins, in slot order).
enum class CellKind { kAtEventTime = 0, kCurrentCorrection = 1 };
inline uint32_t CellSlot(uint32_t slot, CellKind kind) {
  return slot << 1 | static_cast<uint32_t>(kind);
}
inline uint32_t FlowSlotOf(uint32_t cell_slot) { return cell_slot >> 1; }
inline CellKind CellKindOf(uint32_t cell_slot) { return static_cast<CellKind>(cell_slot & 1); }

// ---- Keys ----
// CellKey, built into `out` (its buffer reused).
void BuildCellKey(v1::PeriodGranularity granularity, int64_t period, int dimension,
                  absl::string_view value, std::string& out);
std::string LeadKey(absl::string_view stream_id);
std::string CellPrefix(v1::PeriodGranularity granularity, int64_t period, int dimension);
std::string CellKey(v1::PeriodGranularity granularity, int64_t period, int dimension,
                    absl::string_view value);
std::string StockPrefix(int dimension);
std::string StockKey(int dimension, absl::string_view value);

}  // namespace sales::funnel

#endif  // SALES_SERVICES_PROJECTIONS_FUNNEL_MODEL_KEYS_H_
