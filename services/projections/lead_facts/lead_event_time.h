// When a leads event's fact happened, as every read model of the leads topic places it in its
// periods: the payload's `at` (LeadCaptured, LeadStageChanged, ConvertedToOpportunity,
// SalesStepChanged, FollowUpOverdue), else the envelope's occurred_at. Shared by the funnel and
// the performance read model (the forecast's pipeline), so the two put a fact on the same day.
//
//   ASSIGN_OR_RETURN(const absl::Time at, LeadEventTime(event, envelope));
//
// Pure; thread-safe.
#ifndef SALES_SERVICES_PROJECTIONS_LEAD_FACTS_LEAD_EVENT_TIME_H_
#define SALES_SERVICES_PROJECTIONS_LEAD_FACTS_LEAD_EVENT_TIME_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/projection/projection.h"
#include "sales/leads/v1/events.pb.h"

namespace sales::lead_facts {

// INVALID_ARGUMENT "field at: …" for an `at` that is no valid timestamp, "field occurred_at: …"
// for a missing or invalid occurred_at when the payload has no `at`.
absl::StatusOr<absl::Time> LeadEventTime(const leads::v1::LeadEvent& event,
                                         const projection::EventEnvelope& envelope);

}  // namespace sales::lead_facts

#endif  // SALES_SERVICES_PROJECTIONS_LEAD_FACTS_LEAD_EVENT_TIME_H_
