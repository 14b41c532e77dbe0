// The schema checks of the fields a leads event carries that the pipeline read models fold (the
// funnel, the performance model's forecast): a stage move's target, a deal's step, its stated and
// overridden probability, its amount, its expected close date. One definition, so the two read
// models refuse (dead-letter) exactly the same events and can never disagree on what a deal is.
//
//   RETURN_IF_ERROR(lead_facts::CheckPipelineFields(event));  // before any row is touched
//
// Pure; thread-safe.
#ifndef SALES_SERVICES_PROJECTIONS_LEAD_FACTS_PIPELINE_FIELDS_H_
#define SALES_SERVICES_PROJECTIONS_LEAD_FACTS_PIPELINE_FIELDS_H_

#include "absl/status/status.h"
#include "sales/leads/v1/events.pb.h"

namespace sales::lead_facts {

// INVALID_ARGUMENT naming the field: LeadStageChanged.to and a step (ConvertedToOpportunity.step,
// SalesStepChanged.to) must be known and set; probabilities 0–100 (an override unless cleared);
// an amount is either none (0 without a currency) or valid money; an expected close date
// (ConvertedToOpportunity, DealCloseDateChanged) either none (unset) or a real day. OK for every
// other event.
absl::Status CheckPipelineFields(const leads::v1::LeadEvent& event);

}  // namespace sales::lead_facts

#endif  // SALES_SERVICES_PROJECTIONS_LEAD_FACTS_PIPELINE_FIELDS_H_
