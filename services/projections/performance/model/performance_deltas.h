// PerformanceDeltas: what one runner batch changes in the performance read model's shared rows —
// its cells (keys.h) — gathered as deltas and turned into row changes once per batch
// (a projection::BatchAccumulator, folded on the store's committer thread).
//
// Why: an order event changes its slots in 5 granularities × 6 or more scopes. Apply records a
// delta once per (day, scope) instead; the fold rolls days up into every granularity's period and
// adds each cell's deltas to its row once (CounterRow::AddSorted).
//
//   PerformanceDeltas& deltas = PerformanceDeltas::Of(txn);
//   deltas.Add(day, v1::PERFORMANCE_DIMENSION_REP, "R-01", Slot(SlotKind::kOrders, cny), 1);
//
// Thread-compatible: Apply fills it on the runner thread; the store folds it on its committer
// thread afterwards, and destroys it.
#ifndef SALES_SERVICES_PROJECTIONS_PERFORMANCE_MODEL_PERFORMANCE_DELTAS_H_
#define SALES_SERVICES_PROJECTIONS_PERFORMANCE_MODEL_PERFORMANCE_DELTAS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
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
  // `delta` to a pipeline `slot` of the dated flows ("F", keys.h) of a deal expected to close on
  // day `close_day`, changed on day `day`.
  void AddDatedFlow(int64_t close_day, int64_t day, int dimension, absl::string_view value,
                    uint32_t slot, int64_t delta);
  // `delta` to `slot` of one cell, by its key (CellKey): a target (its own period only), a
  // buying or repeat customer.
  void AddToCell(absl::string_view cell_key, uint32_t slot, int64_t delta);

  absl::Status FoldInto(projection::ProjectionTxn& txn) override;

 private:
  using SlotDeltas = std::vector<std::pair<uint32_t, int64_t>>;  // in the order recorded
  // Day cells: day (8 bytes) dimension (1) value → deltas.
  absl::flat_hash_map<std::string, SlotDeltas> days_;
  // Dated flows: close day (8 bytes) day (8) dimension (1) value → deltas.
  absl::flat_hash_map<std::string, SlotDeltas> dated_days_;
  // Whole cells (CellKey) → deltas.
  absl::flat_hash_map<std::string, SlotDeltas> cells_;
  std::string scratch_;
};

}  // namespace sales::performance

#endif  // SALES_SERVICES_PROJECTIONS_PERFORMANCE_MODEL_PERFORMANCE_DELTAS_H_
