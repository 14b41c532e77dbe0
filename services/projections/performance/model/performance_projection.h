// PerformanceProjection: the performance read model (销售业绩) from the orders topic, the
// incentives topic and the leads topic (the forecast's pipeline and overdue follow-ups:
// lead_pipeline.h); the definitions it counts by are in proto/sales/projections/v1/
// performance.proto.
//
// Per order stream it keeps one PerformanceOrderState row (who and what the order was placed
// with, whether it was confirmed, cancelled, invoiced, what was returned per line), and turns each
// order event into deltas of the cells (keys.h) of the event's instant: booked, invoiced and
// collected revenue, orders, new customers, buying and repeat customers — under the whole
// organisation, the order's rep, team, region and channel, and its lines' product lines. Ledger
// events (incentives) add their credits (the actuals of attainment) and their lines' amounts
// (commission earned) under the rep, the team and region stamped on the event and, for credits,
// the product line; TargetSet adds value − previous to the target of its node and period.
//
//   PerformanceProjection performance;
//   ASSIGN_OR_RETURN(auto runner, ProjectionRunner::Create(&performance, options));
//
// Why it keeps the projection contract (projection.h): an order's row changes only with its own
// stream's events; every cell is a sum of per-event deltas (targets included); a buyer row counts
// a customer's confirmations in a cell, and the buying/repeat counters move when that count
// reaches 1 and 2, which happens exactly once whatever the order of the confirmations. Times
// come from the events' `at`, never from the clock.
//
// Outcomes: events of other topics, streams and types are applied as no-ops (OK); a payload
// that does not decode or breaks the schema (bad time, currency, negative amount, unknown
// metric, a target period that is not "YYYY", "YYYY-Qn" or "YYYY-MM") is INVALID_ARGUMENT; an
// orders or incentives type of an aggregate it folds that this binary does not know is
// UNIMPLEMENTED. Every poison check runs before the first counter row is touched.
//
// Thread-safety: stateless; Apply may be called from any thread.
#ifndef SALES_SERVICES_PROJECTIONS_PERFORMANCE_MODEL_PERFORMANCE_PROJECTION_H_
#define SALES_SERVICES_PROJECTIONS_PERFORMANCE_MODEL_PERFORMANCE_PROJECTION_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/projection/projection.h"

namespace sales::performance {

class PerformanceProjection : public projection::Projection {
 public:
  static constexpr char kName[] = "performance";

  absl::string_view name() const override { return kName; }
  // 2: the leads topic (lead rows, pipeline flows, overdue follow-ups) and the run rate's bookings.
  // 3: dated pipeline flows in one row per close period and scope ("F", keys.h).
  // 4: customers' purchases per scope value in packed arrays (PerformanceCustomerPurchases).
  // 5: counter rows are sums of merge operands and stay (as "") when they sum to zero.
  // 6: customers' purchases by day, not by cell (PerformanceCustomerPurchases).
  int layout_version() const override { return 6; }
  absl::Status Apply(const projection::EventEnvelope& event,
                     projection::ProjectionTxn& txn) override;
  // Decodes the payloads of the streams it counts (orders, leads, targets, ledgers).
  const google::protobuf::Message* DecodePayload(const projection::EventEnvelope& event,
                                                 google::protobuf::Arena& arena) const override;
  absl::Status ApplyDecoded(const projection::EventEnvelope& event,
                            const google::protobuf::Message& payload,
                            projection::ProjectionTxn& txn) override;
};

}  // namespace sales::performance

#endif  // SALES_SERVICES_PROJECTIONS_PERFORMANCE_MODEL_PERFORMANCE_PROJECTION_H_
