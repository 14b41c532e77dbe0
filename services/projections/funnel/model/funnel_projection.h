// FunnelProjection: the funnel read model (销售漏斗) from the leads topic's events.
//
// Per lead stream it keeps one FunnelLeadState row (current stage and step, the start of every
// visit, first entries, the latest time-in-stage sample of every stage it left, amount,
// probability, dimension values, overdue flag, what it added to each day's flow cells) and turns
// each event into deltas of counter rows (keys.h): flow counters per (granularity, period,
// dimension value) under the values of the flow's time, beside the correction to the lead's
// current values in the same row (CellSlot: a flow placed under values the lead no longer has,
// and everything it added when one of its values changes) — entries, cohorts, conversions,
// time-in-stage sums and histograms, closes, sales cycles, overdue events — and stock counters per
// dimension value — occupancy, pipeline, weighted pipeline, overdue now. The definitions are in
// proto/sales/projections/v1/funnel.proto.
//
//   FunnelProjection funnel;
//   ASSIGN_OR_RETURN(auto runner, ProjectionRunner::Create(&funnel, options));
//
// Why it keeps the projection contract (projection.h): a lead's row changes only with its own
// stream's events, and every shared row is a sum of per-lead deltas (an event retracts what the
// lead contributed before and adds what it contributes now), so the order in which different
// streams interleave does not matter; counter rows drop zeros and empty rows are deleted, so
// equal sums are equal bytes. Times come from the events (payload `at`), never from the clock.
//
// Cost per event: the lead row (held decoded for the runner's batch, ProjectionTxn::Mutable),
// plus deltas for the shared counter rows, gathered in the batch's CellDeltas (cell_deltas.h)
// and added to the rows once per batch: for a flow event (capture, stage or step change,
// overdue) 3 stored granularities (DAY, MONTH, YEAR; keys.h) × 8 dimension slices = 24 cells
// (and, when a dimension value changes, the correction slots of 2 × 3 cells per changed slice and
// day of the lead's flows), plus 24 histogram cells per node whose visit it ends (more only when a
// first entry completes a conversion of an older cohort, or a stage is left a second time), plus 16
// stock cells when the lead's stock contribution or dimension values change. Every poison check
// runs before the lead row or a cell is touched, as Mutable and accumulators require.
//
// Outcomes: events of other topics and leads events the funnel does not need are applied as
// no-ops (OK); a payload that does not decode or breaks the schema (unknown enum, bad time,
// bad money, probability outside 0–100) is INVALID_ARGUMENT; a sales.leads.v1 type this binary
// does not know is UNIMPLEMENTED.
//
// Thread-safety: stateless; Apply may be called from any thread.
#ifndef SALES_SERVICES_PROJECTIONS_FUNNEL_MODEL_FUNNEL_PROJECTION_H_
#define SALES_SERVICES_PROJECTIONS_FUNNEL_MODEL_FUNNEL_PROJECTION_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/projection/projection.h"

namespace sales::funnel {

class FunnelProjection : public projection::Projection {
 public:
  static constexpr char kName[] = "funnel";

  absl::string_view name() const override { return kName; }
  // 6: the current-attribution corrections share their cell's row (CellSlot, keys.h);
  // 5: counter rows are sums of merge operands and stay (as "") when they sum to zero;
  // 4: "K" cells are corrections to the "C" cells (current = C + K) and the lead's day flows are
  // packed slot/value arrays; 3 (never released) kept a full copy under the current values and
  // the day flows as counter-row bytes; 2: histograms share their cell's row (keys.h); 1 kept them
  // in rows of their own per node.
  int layout_version() const override { return 6; }
  absl::Status Apply(const projection::EventEnvelope& event,
                     projection::ProjectionTxn& txn) override;
};

}  // namespace sales::funnel

#endif  // SALES_SERVICES_PROJECTIONS_FUNNEL_MODEL_FUNNEL_PROJECTION_H_
