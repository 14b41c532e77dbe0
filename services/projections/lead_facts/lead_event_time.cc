#include "services/projections/lead_facts/lead_event_time.h"

#include "common/status/errors.h"
#include "common/time/proto_time.h"

namespace sales::lead_facts {

namespace leads_v1 = ::sales::leads::v1;
using ::google::protobuf::Timestamp;

absl::StatusOr<absl::Time> LeadEventTime(const leads_v1::LeadEvent& event,
                                         const projection::EventEnvelope& envelope) {
  const Timestamp* at = nullptr;
  switch (event.event_case()) {
    case leads_v1::LeadEvent::kLeadCaptured:
      at = &event.lead_captured().at();
      break;
    case leads_v1::LeadEvent::kLeadStageChanged:
      at = &event.lead_stage_changed().at();
      break;
    case leads_v1::LeadEvent::kConvertedToOpportunity:
      at = &event.converted_to_opportunity().at();
      break;
    case leads_v1::LeadEvent::kSalesStepChanged:
      at = &event.sales_step_changed().at();
      break;
    case leads_v1::LeadEvent::kFollowUpOverdue:
      at = &event.follow_up_overdue().at();
      break;
    default:
      break;
  }
  if (at != nullptr && (at->seconds() != 0 || at->nanos() != 0)) {
    if (!IsValidTimestamp(*at)) return InvalidField("at", "not a valid timestamp");
    return FromTimestamp(*at);
  }
  if (!envelope.has_occurred_at()) {
    return InvalidField("occurred_at", "required (or the event's at)");
  }
  if (!IsValidTimestamp(envelope.occurred_at())) {
    return InvalidField("occurred_at", "not a valid timestamp");
  }
  return FromTimestamp(envelope.occurred_at());
}

}  // namespace sales::lead_facts
