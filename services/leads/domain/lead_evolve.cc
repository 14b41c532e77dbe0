// Evolve and the small state queries of the Lead aggregate (see lead.h).
#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/money/weighted_pipeline.h"
#include "common/time/proto_time.h"
#include "services/leads/domain/lead.h"
#include "services/leads/domain/settings.h"

namespace sales::leads {
namespace {

using google::protobuf::Timestamp;

bool Before(const Timestamp& a, const Timestamp& b) {
  return a.seconds() < b.seconds() || (a.seconds() == b.seconds() && a.nanos() < b.nanos());
}

// Moves the follow-up clock forward (never backward, e.g. for a back-dated activity).
void AdvanceAnchor(v1::Lead& lead, const Timestamp& at) {
  if (!lead.has_follow_up_anchor_at() || Before(lead.follow_up_anchor_at(), at)) {
    *lead.mutable_follow_up_anchor_at() = at;
  }
}

void AddCompetitor(v1::Lead& lead, const std::string& competitor) {
  if (competitor.empty()) return;
  if (std::find(lead.competitors().begin(), lead.competitors().end(), competitor) ==
      lead.competitors().end()) {
    lead.add_competitors(competitor);
  }
}

void CloseOpenStageVisit(v1::Lead& lead, const Timestamp& at) {
  if (lead.stage_history_size() == 0) return;
  v1::StageVisit* last = lead.mutable_stage_history(lead.stage_history_size() - 1);
  if (!last->has_exited_at()) *last->mutable_exited_at() = at;
}

void CloseOpenStepVisit(v1::Lead& lead, const Timestamp& at) {
  if (lead.step_history_size() == 0) return;
  v1::StepVisit* last = lead.mutable_step_history(lead.step_history_size() - 1);
  if (!last->has_exited_at()) *last->mutable_exited_at() = at;
}

void EnterStep(v1::Lead& lead, v1::SalesStep step, const Timestamp& at) {
  CloseOpenStepVisit(lead, at);
  lead.set_sales_step(step);
  v1::StepVisit* visit = lead.add_step_history();
  visit->set_step(step);
  *visit->mutable_entered_at() = at;
}

void ApplyStageChange(v1::Lead& lead, const v1::LeadStageChanged& e) {
  CloseOpenStageVisit(lead, e.at());
  lead.set_stage(e.to());
  v1::StageVisit* visit = lead.add_stage_history();
  visit->set_stage(e.to());
  *visit->mutable_entered_at() = e.at();
  if (IsClosedStage(e.to())) {
    *lead.mutable_closed_at() = e.at();  // the terminal stage visit stays open
    CloseOpenStepVisit(lead, e.at());
  }
}

void ApplyActivity(v1::Lead& lead, const v1::ActivityLogged& e) {
  lead.set_activity_count(lead.activity_count() + 1);
  if (!lead.has_last_activity_at() || Before(lead.last_activity_at(), e.occurred_at())) {
    *lead.mutable_last_activity_at() = e.occurred_at();
  }
  if (e.has_next_follow_up_due()) {
    *lead.mutable_next_follow_up_due() = e.next_follow_up_due();
  } else {
    lead.clear_next_follow_up_due();
  }
  AdvanceAnchor(lead, e.occurred_at());
  if (!e.customer_needs().empty()) lead.set_customer_needs(e.customer_needs());
  AddCompetitor(lead, e.competitor_info());
  lead.set_overdue_reported(false);
}

}  // namespace

std::string LeadStreamId(absl::string_view lead_id) { return absl::StrCat("lead-", lead_id); }

bool IsClosedStage(v1::LeadStage stage) {
  return stage == v1::LEAD_STAGE_WON || stage == v1::LEAD_STAGE_LOST ||
         stage == v1::LEAD_STAGE_DISQUALIFIED;
}

bool IsOpen(const v1::Lead& lead) {
  return !lead.lead_id().empty() && !IsClosedStage(lead.stage());
}

const std::string& OpenOwner(const v1::Lead& lead) {
  static const std::string* const kNone = new std::string();
  return IsOpen(lead) ? lead.rep_id() : *kNone;
}

int32_t EffectiveProbability(const v1::Lead& lead) {
  // A closed deal's outcome is known: won is certain, lost is nothing.
  if (lead.stage() == v1::LEAD_STAGE_WON) return 100;
  if (lead.stage() == v1::LEAD_STAGE_LOST) return 0;
  if (lead.sales_step() == v1::SALES_STEP_UNSPECIFIED) return 0;
  return pipeline::DealProbability(lead.has_probability_override()
                                       ? std::optional<int32_t>(lead.probability_override())
                                       : std::nullopt,
                                   lead.step_probability());
}

v1::Lead Evolve(v1::Lead lead, const v1::LeadEvent& event) {
  switch (event.event_case()) {
    case v1::LeadEvent::kLeadCaptured: {
      const v1::LeadCaptured& e = event.lead_captured();
      lead.set_lead_id(e.lead_id());
      lead.set_source(e.source());
      lead.set_channel_id(e.channel_id());
      *lead.mutable_details() = e.details();
      lead.set_need_match(e.need_match());
      lead.set_purchase_intent(e.purchase_intent());
      *lead.mutable_captured_at() = e.at();
      AdvanceAnchor(lead, e.at());
      lead.set_stage(v1::LEAD_STAGE_CAPTURED);
      v1::StageVisit* visit = lead.add_stage_history();
      visit->set_stage(v1::LEAD_STAGE_CAPTURED);
      *visit->mutable_entered_at() = e.at();
      break;
    }
    case v1::LeadEvent::kLeadScored:
      lead.set_score(event.lead_scored().score());
      lead.set_grade(event.lead_scored().grade());
      break;
    case v1::LeadEvent::kLeadDetailsUpdated:
      *lead.mutable_details() = event.lead_details_updated().details();
      break;
    case v1::LeadEvent::kLeadSourceChanged:
      lead.set_source(event.lead_source_changed().source());
      lead.set_channel_id(event.lead_source_changed().channel_id());
      break;
    case v1::LeadEvent::kLeadQualificationUpdated:
      lead.set_need_match(event.lead_qualification_updated().need_match());
      lead.set_purchase_intent(event.lead_qualification_updated().purchase_intent());
      break;
    case v1::LeadEvent::kLeadStageChanged:
      ApplyStageChange(lead, event.lead_stage_changed());
      break;
    case v1::LeadEvent::kConvertedToOpportunity: {
      const v1::ConvertedToOpportunity& e = event.converted_to_opportunity();
      lead.set_deal_id(e.deal_id());
      *lead.mutable_deal_amount() = e.amount();
      *lead.mutable_converted_at() = e.at();
      EnterStep(lead, e.step(), e.at());
      lead.set_step_probability(e.probability());
      if (e.has_expected_close_date()) {
        *lead.mutable_expected_close_date() = e.expected_close_date();
      }
      break;
    }
    case v1::LeadEvent::kSalesStepChanged:
      EnterStep(lead, event.sales_step_changed().to(), event.sales_step_changed().at());
      lead.set_step_probability(event.sales_step_changed().default_probability());
      break;
    case v1::LeadEvent::kDealProbabilityOverridden: {
      const v1::DealProbabilityOverridden& e = event.deal_probability_overridden();
      if (e.cleared()) {
        lead.clear_probability_override();
      } else {
        lead.set_probability_override(e.probability());
      }
      lead.set_probability_override_reason(e.reason());
      break;
    }
    case v1::LeadEvent::kDealAmountChanged:
      *lead.mutable_deal_amount() = event.deal_amount_changed().amount();
      break;
    case v1::LeadEvent::kDealCloseDateChanged:
      if (event.deal_close_date_changed().has_expected_close_date()) {
        *lead.mutable_expected_close_date() = event.deal_close_date_changed().expected_close_date();
      } else {
        lead.clear_expected_close_date();
      }
      break;
    case v1::LeadEvent::kLeadAssigned: {
      const v1::LeadAssigned& e = event.lead_assigned();
      lead.set_rep_id(e.rep_id());
      lead.set_team_id(e.team_id());
      v1::AssignmentRecord* record = lead.add_assignments();
      record->set_rep_id(e.rep_id());
      record->set_team_id(e.team_id());
      record->set_previous_rep_id(e.previous_rep_id());
      record->set_method(e.method());
      record->set_reason(e.reason());
      record->set_actor(e.actor());
      *record->mutable_at() = e.at();
      AdvanceAnchor(lead, e.at());
      lead.set_overdue_reported(false);
      break;
    }
    case v1::LeadEvent::kActivityLogged:
      ApplyActivity(lead, event.activity_logged());
      break;
    case v1::LeadEvent::kFollowUpOverdue:
      lead.set_overdue_reported(true);
      break;
    case v1::LeadEvent::kLeadDisqualified:
      lead.set_close_reason(event.lead_disqualified().reason());
      break;
    case v1::LeadEvent::kDealWon:
      if (event.deal_won().has_amount()) *lead.mutable_deal_amount() = event.deal_won().amount();
      lead.set_close_reason(event.deal_won().reason());
      break;
    case v1::LeadEvent::kDealLost:
      lead.set_close_reason(event.deal_lost().reason());
      lead.set_lost_to_competitor(event.deal_lost().competitor());
      AddCompetitor(lead, event.deal_lost().competitor());
      break;
    case v1::LeadEvent::kDuplicateLeadMerged: {
      const v1::DuplicateLeadMerged& e = event.duplicate_lead_merged();
      v1::MergedDuplicate* merged = lead.add_merged_duplicates();
      merged->set_matched_key(e.matched_key());
      merged->set_source(e.source());
      merged->set_channel_id(e.channel_id());
      *merged->mutable_contact() = e.contact();
      *merged->mutable_company() = e.company();
      *merged->mutable_captured_at() = e.captured_at();
      break;
    }
    case v1::LeadEvent::EVENT_NOT_SET:
      break;
  }
  return lead;
}

}  // namespace sales::leads
