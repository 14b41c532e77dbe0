// The leads topic in the performance read model: the open pipeline the forecast adds up and the
// overdue follow-ups the alerts report (proto/sales/projections/v1/performance.proto, "Forecast"
// and "Alerts").
//
// Per lead stream it keeps one PerformanceLeadState row (stage, step, amount, probability,
// overdue, and where the lead counts: its current owner, team, region, product line and channel)
// and turns each event into
//   * flows of the pipeline: the change of the lead's conservative, base and optimistic pipeline
//     (hundredths of the minor unit) on the day of the event, under its scopes — retracted from
//     the scopes it left, added to those it joined — so the pipeline as of a midnight is the sum
//     of the day cells before it;
//   * the stock of overdue follow-ups (1 while the lead is open and overdue).
// A lead's row changes only with its own stream's events and every cell is a sum of per-event
// deltas, so the projection contract holds (performance_projection.h).
//
//   // from PerformanceProjection's Apply and ApplyDecoded, the payload decoded either way:
//   RETURN_IF_ERROR(ApplyLeadEvent(envelope, event, txn));
//
// Outcomes: lead events that change nothing here are no-ops; an event that breaks the schema
// (bad time, money, unknown step, probability outside 0–100) is INVALID_ARGUMENT, checked before
// any row is touched. A payload that does not decode is refused by the caller. Settings and claim
// streams are not lead streams and never get here.
#ifndef SALES_SERVICES_PROJECTIONS_PERFORMANCE_MODEL_LEAD_PIPELINE_H_
#define SALES_SERVICES_PROJECTIONS_PERFORMANCE_MODEL_LEAD_PIPELINE_H_

#include <cstdint>

#include "absl/status/status.h"
#include "common/projection/projection.h"
#include "sales/leads/v1/events.pb.h"

namespace sales::performance {

// A deal's probability (percent) from which it counts in full in the optimistic pipeline, and
// from which it counts at all in the conservative one (performance.proto, "Forecast").
inline constexpr int32_t kBestCaseProbability = 40;
inline constexpr int32_t kCommittedProbability = 60;

// One event of a "lead-<id>" stream of the leads topic, its payload decoded into `event`.
absl::Status ApplyLeadEvent(const projection::EventEnvelope& envelope,
                            const leads::v1::LeadEvent& event, projection::ProjectionTxn& txn);

}  // namespace sales::performance

#endif  // SALES_SERVICES_PROJECTIONS_PERFORMANCE_MODEL_LEAD_PIPELINE_H_
