#include "services/projections/lead_facts/pipeline_fields.h"

#include "common/status/status_macros.h"
#include "common/time/civil_date.h"
#include "common/validation/field_validation.h"

namespace sales::lead_facts {
namespace {

namespace leads_v1 = ::sales::leads::v1;

// A deal amount: none (0 without a currency), or valid money.
absl::Status CheckAmount(absl::string_view field, const common::v1::Money& amount) {
  if (amount.units() == 0 && amount.currency().empty()) return absl::OkStatus();
  return ValidateMoney(field, amount);
}

absl::Status CheckStep(absl::string_view field, leads_v1::SalesStep step) {
  return ValidateEnum(field, step, &leads_v1::SalesStep_IsValid);
}

// An expected close date: none (all zero), or a valid date.
absl::Status CheckCloseDate(absl::string_view field, const common::v1::Date& date) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return absl::OkStatus();
  return ValidateDate(field, date);
}

}  // namespace

absl::Status CheckPipelineFields(const leads_v1::LeadEvent& event) {
  switch (event.event_case()) {
    case leads_v1::LeadEvent::kLeadStageChanged:
      return ValidateEnum("to", event.lead_stage_changed().to(), &leads_v1::LeadStage_IsValid);
    case leads_v1::LeadEvent::kConvertedToOpportunity: {
      const leads_v1::ConvertedToOpportunity& e = event.converted_to_opportunity();
      RETURN_IF_ERROR(CheckStep("step", e.step()));
      RETURN_IF_ERROR(CheckAmount("amount", e.amount()));
      RETURN_IF_ERROR(CheckCloseDate("expected_close_date", e.expected_close_date()));
      return ValidatePercent("probability", e.probability());
    }
    case leads_v1::LeadEvent::kSalesStepChanged:
      RETURN_IF_ERROR(CheckStep("to", event.sales_step_changed().to()));
      return ValidatePercent("default_probability",
                             event.sales_step_changed().default_probability());
    case leads_v1::LeadEvent::kDealProbabilityOverridden:
      if (event.deal_probability_overridden().cleared()) return absl::OkStatus();
      return ValidatePercent("probability", event.deal_probability_overridden().probability());
    case leads_v1::LeadEvent::kDealAmountChanged:
      return CheckAmount("amount", event.deal_amount_changed().amount());
    case leads_v1::LeadEvent::kDealWon:
      return CheckAmount("amount", event.deal_won().amount());
    case leads_v1::LeadEvent::kDealCloseDateChanged:
      return CheckCloseDate("expected_close_date",
                            event.deal_close_date_changed().expected_close_date());
    default:
      return absl::OkStatus();
  }
}

}  // namespace sales::lead_facts
