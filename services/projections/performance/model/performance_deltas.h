// PerformanceDeltas: what one runner batch changes in the performance read model's shared rows —
// its cells, dated flow rows and stock rows (keys.h) — gathered as deltas and turned into row
// changes once per batch (a projection::BatchAccumulator, folded on the store's committer thread).
//
// Why: an order event changes its slots in 5 granularities × 6 or more scopes, and a batch of
// catch-up touches each row many times. Apply records a delta once per (day, scope) instead,
// under integer ids (a scope value is interned once per batch); the fold rolls days up into every
// granularity's period and adds each row's deltas to it once (CounterRow::AddSorted), building
// each row's key once.
//
//   PerformanceDeltas& deltas = PerformanceDeltas::Of(txn);
//   deltas.Add(day, v1::PERFORMANCE_DIMENSION_REP, "R-01", Slot(SlotKind::kOrders, cny), 1);
//
// Thread-compatible: Apply fills it on the runner thread; the store folds it on its committer
// thread afterwards, and destroys it.
#ifndef SALES_SERVICES_PROJECTIONS_PERFORMANCE_MODEL_PERFORMANCE_DELTAS_H_
#define SALES_SERVICES_PROJECTIONS_PERFORMANCE_MODEL_PERFORMANCE_DELTAS_H_

#include <array>
#include <cstdint>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/projection/projection.h"
#include "services/projections/performance/model/keys.h"

namespace sales::performance {

class PerformanceDeltas final : public projection::BatchAccumulator {
 public:
  // The batch's accumulator (ProjectionTxn::Accumulator).
  static PerformanceDeltas& Of(projection::ProjectionTxn& txn);

  // `delta` to `slot` of the (dimension, value) cells of every period holding day `day` (a DAY
  // index).
  void Add(int64_t day, int dimension, absl::string_view value, uint32_t slot, int64_t delta);
  // Each (slot, delta) of `deltas` as Add does, in one lookup.
  using SlotDeltaSpan = absl::Span<const std::pair<uint32_t, int64_t>>;
  void Add(int64_t day, int dimension, absl::string_view value, SlotDeltaSpan deltas);
  // `delta` to `slot` of the (dimension, value) cell of one period only (a target).
  void AddToPeriod(v1::PeriodGranularity granularity, int64_t period, int dimension,
                   absl::string_view value, uint32_t slot, int64_t delta);
  // A customer's count of orders crossing 1 (a buying customer) or 2 (a repeat one) in the
  // (dimension, value) cells: per granularity i (kGranularities' order), deltas[i][0] to the
  // kBuyers slot and deltas[i][1] to kRepeatBuyers of the cell of that granularity's period holding
  // day `day` — that period's only (distinct customers do not sum up). One lookup for all of them;
  // a 0 touches nothing.
  using BuyerDeltas = std::array<std::array<int64_t, 2>, std::size(periods::kGranularities)>;
  void AddBuyers(int64_t day, int dimension, absl::string_view value, const BuyerDeltas& deltas);
  // Each delta of `flows` (pipeline slot: kPipeline*, a currency; one may come twice) to the deals
  // expected to close on day `close_day`, changed on day `day`: to the dated flow rows ("F") of the
  // week, month, quarter and year holding `close_day` (none that ended before `day`: keys.h,
  // DatedFlowSlot). One lookup for all of them: the rows are worked out at the fold.
  using Flows = SlotDeltaSpan;
  void AddDatedFlows(int64_t close_day, int64_t day, int dimension, absl::string_view value,
                     Flows flows);
  // `delta` to `slot` of the stock row ("S") of (dimension, value).
  void AddToStock(int dimension, absl::string_view value, uint32_t slot, int64_t delta);

  absl::Status FoldInto(projection::FoldTxn& txn) override;

  // A period and the DAY indexes of its first and last day.
  struct PeriodDays {
    int64_t period;
    int64_t first_day;
    int64_t last_day;
  };
  // The period of each granularity (kGranularities' order) holding day `day`, worked out once
  // per batch.
  using DayPeriods = std::array<PeriodDays, std::size(periods::kGranularities)>;
  const DayPeriods& PeriodsOfDay(int64_t day);

 private:
  // A row's deltas: a cell's or stock row's one per slot, summed as they come; a dated flow row's
  // (a slot per day of its period) in the order recorded, summed by slot at the fold.
  using SlotDeltas = std::vector<std::pair<uint32_t, int64_t>>;
  enum class Table : uint8_t { kCell, kDatedFlow, kStock };
  // One row of the batch: its table, period (none for a stock row) and interned scope.
  struct RowId {
    Table table;
    v1::PeriodGranularity granularity;
    int64_t period;
    uint32_t scope;
    // The fields besides the period in one word (a granularity is a small enum), so that the
    // batch's many row lookups hash and compare two words instead of four fields.
    uint64_t Rest() const {
      return uint64_t{scope} << 16 | uint64_t{static_cast<uint8_t>(table)} << 8 |
             static_cast<uint8_t>(granularity);
    }
    bool operator==(const RowId& other) const {
      return period == other.period && Rest() == other.Rest();
    }
    template <typename H>
    friend H AbslHashValue(H h, const RowId& id) {
      return H::combine(std::move(h), id.period, id.Rest());
    }
  };
  // The close periods of a close day (kCloseGranularities' order).
  using ClosePeriods = std::array<PeriodDays, std::size(kCloseGranularities)>;

  // The batch's id of (dimension, value).
  uint32_t ScopeId(int dimension, absl::string_view value);
  const ClosePeriods& ClosePeriodsOf(int64_t close_day);
  std::string KeyOf(const RowId& row) const;

  absl::flat_hash_map<std::string, uint32_t> scope_ids_;  // dimension byte + value → id
  std::vector<std::string> scopes_;                       // id → dimension byte + value
  std::string scratch_;
  uint32_t last_scope_ = UINT32_MAX;  // the last id ScopeId answered: calls come in runs
  // (day, scope) → the deltas of its cells of every granularity, one per slot (a day cell has a
  // few slots: kept inline, summed as they come).
  absl::flat_hash_map<std::pair<int64_t, uint32_t>,
                      absl::InlinedVector<std::pair<uint32_t, int64_t>, 6>>
      days_;
  // (close day, day of the change, scope) → the flows to its dated flow rows of every close
  // granularity, one per pipeline slot: the fold adds them to those rows (on the committer
  // thread), so that Apply makes one lookup per change instead of one per close period.
  struct DatedFlowId {
    int64_t close_day;
    int64_t day;
    uint32_t scope;
    bool operator==(const DatedFlowId& other) const {
      return close_day == other.close_day && day == other.day && scope == other.scope;
    }
    template <typename H>
    friend H AbslHashValue(H h, const DatedFlowId& id) {
      return H::combine(std::move(h), id.close_day, id.day, id.scope);
    }
  };
  absl::flat_hash_map<DatedFlowId, absl::InlinedVector<std::pair<uint32_t, int64_t>, 4>>
      dated_flows_;
  // (day, scope) → AddBuyers' deltas summed, and which of them were touched (bit 2i + k for
  // deltas[i][k]): the fold adds them to the cells of the day's periods.
  struct BuyerSums {
    BuyerDeltas sums{};
    uint16_t touched = 0;
  };
  absl::flat_hash_map<std::pair<int64_t, uint32_t>, BuyerSums> buyers_;
  absl::flat_hash_map<RowId, SlotDeltas> rows_;
  absl::flat_hash_map<int64_t, DayPeriods> day_periods_;
  absl::flat_hash_map<int64_t, ClosePeriods> close_periods_;
};

}  // namespace sales::performance

#endif  // SALES_SERVICES_PROJECTIONS_PERFORMANCE_MODEL_PERFORMANCE_DELTAS_H_
