// Decide for the Lead aggregate (see lead.h for the rules).
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/civil_date.h"
#include "common/time/proto_time.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/leads/domain/lead.h"
#include "services/leads/domain/scoring.h"
#include "services/leads/domain/settings.h"
#include "services/leads/domain/validation.h"
#include "services/org/domain/org.h"

namespace sales::leads {
namespace {

using google::protobuf::util::MessageDifferencer;

// Funnel order of the stages before conversion; used to tell forward from backward.
int FunnelRank(v1::LeadStage stage) {
  switch (stage) {
    case v1::LEAD_STAGE_CAPTURED:
      return 1;
    case v1::LEAD_STAGE_NURTURING:
      return 2;
    case v1::LEAD_STAGE_QUALIFIED:
      return 3;
    default:
      return 0;  // not a stage MoveLeadStage may leave or enter
  }
}

bool IsBeforeOpportunity(v1::LeadStage stage) { return FunnelRank(stage) > 0; }

absl::Status RequireOpen(const v1::Lead& lead, absl::string_view lead_id) {
  if (lead.lead_id().empty()) {
    return absl::NotFoundError(absl::StrCat("lead '", lead_id, "' not found"));
  }
  if (IsClosedStage(lead.stage())) {
    return RuleViolated("lead_closed", absl::StrCat("lead '", lead.lead_id(), "' is closed (",
                                                    v1::LeadStage_Name(lead.stage()), ")"));
  }
  return absl::OkStatus();
}

absl::Status RequireOpportunity(const v1::Lead& lead) {
  if (lead.stage() != v1::LEAD_STAGE_OPPORTUNITY) {
    return RuleViolated("not_an_opportunity",
                        absl::StrCat("lead '", lead.lead_id(), "' is in ",
                                     v1::LeadStage_Name(lead.stage()), ", not an opportunity"));
  }
  return absl::OkStatus();
}

absl::Status IllegalMove(absl::string_view from, absl::string_view to, absl::string_view why) {
  return RuleViolated("illegal_stage_move", absl::StrCat(from, " -> ", to, ": ", why));
}

absl::Status ValidateOrgReferences(const v1::LeadDetails& d,
                                   const org::v1::SalesOrganisation& org) {
  if (!org::HasRegion(org, d.company().region_id())) {
    return absl::NotFoundError(absl::StrCat("region '", d.company().region_id(), "' not found"));
  }
  if (!org::HasProductLine(org, d.product_line_id())) {
    return absl::NotFoundError(absl::StrCat("product line '", d.product_line_id(), "' not found"));
  }
  if (!org::HasSegment(org, d.segment_id())) {
    return absl::NotFoundError(absl::StrCat("segment '", d.segment_id(), "' not found"));
  }
  return absl::OkStatus();
}

absl::Status ValidateCapture(const v1::CaptureLeadRequest& c,
                             const org::v1::SalesOrganisation& org) {
  RETURN_IF_ERROR(ValidateEnum("source", c.source(), v1::LeadSource_IsValid));
  RETURN_IF_ERROR(ValidateOptionalId("channel_id", c.channel_id()));
  RETURN_IF_ERROR(ValidateLeadDetails("details", c.details()));
  RETURN_IF_ERROR(ValidatePercent("need_match", c.need_match()));
  RETURN_IF_ERROR(ValidatePercent("purchase_intent", c.purchase_intent()));
  return ValidateOrgReferences(c.details(), org);
}

// LeadScored for the given inputs, or nothing when score and grade stay as they are.
void AppendScoreIfChanged(const v1::Lead& lead, const ScoreInputs& inputs, const LeadContext& ctx,
                          LeadEvents& events) {
  const ScoreResult result = Score(inputs, ctx.settings);
  if (result.score == lead.score() && result.grade == lead.grade()) return;
  v1::LeadScored* scored = events.emplace_back().mutable_lead_scored();
  scored->set_score(result.score);
  scored->set_grade(result.grade);
  scored->set_previous_score(lead.score());
  scored->set_previous_grade(lead.grade());
  scored->set_source_reliability(result.source_reliability);
  scored->set_need_match(inputs.need_match);
  scored->set_purchase_intent(inputs.purchase_intent);
  *scored->mutable_at() = ToTimestamp(ctx.now);
}

void AppendStageChange(const v1::Lead& lead, v1::LeadStage to, bool backward,
                       absl::string_view reason, const LeadContext& ctx, LeadEvents& events) {
  v1::LeadStageChanged* changed = events.emplace_back().mutable_lead_stage_changed();
  changed->set_from(lead.stage());
  changed->set_to(to);
  changed->set_backward(backward);
  changed->set_reason(std::string(reason));
  *changed->mutable_at() = ToTimestamp(ctx.now);
}

}  // namespace

absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::CaptureLeadRequest& c,
                                  const LeadContext& ctx) {
  RETURN_IF_ERROR(ValidateId("lead_id", c.lead_id()));
  RETURN_IF_ERROR(ValidateCapture(c, ctx.org));
  if (!lead.lead_id().empty()) {
    return absl::AlreadyExistsError(absl::StrCat("lead '", c.lead_id(), "' already exists"));
  }
  LeadEvents events;
  v1::LeadCaptured* captured = events.emplace_back().mutable_lead_captured();
  captured->set_lead_id(c.lead_id());
  captured->set_org_version(ctx.org_version);
  captured->set_source(c.source());
  captured->set_channel_id(c.channel_id());
  *captured->mutable_details() = c.details();
  captured->set_need_match(c.need_match());
  captured->set_purchase_intent(c.purchase_intent());
  *captured->mutable_at() = ToTimestamp(ctx.now);
  AppendScoreIfChanged(v1::Lead(), {c.source(), c.need_match(), c.purchase_intent()}, ctx, events);
  return events;
}

absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const MergeDuplicateCommand& c,
                                  const LeadContext& ctx) {
  RETURN_IF_ERROR(ValidateText("matched_key", c.matched_key, kMaxNameLength * 2, true));
  RETURN_IF_ERROR(ValidateCapture(c.capture, ctx.org));
  if (lead.lead_id().empty()) return absl::NotFoundError("the lead to merge into does not exist");
  LeadEvents events;
  v1::DuplicateLeadMerged* merged = events.emplace_back().mutable_duplicate_lead_merged();
  merged->set_matched_key(c.matched_key);
  merged->set_source(c.capture.source());
  merged->set_channel_id(c.capture.channel_id());
  *merged->mutable_contact() = c.capture.details().contact();
  *merged->mutable_company() = c.capture.details().company();
  *merged->mutable_captured_at() = ToTimestamp(ctx.now);
  return events;
}

absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::UpdateLeadDetailsRequest& c,
                                  const LeadContext& ctx) {
  RETURN_IF_ERROR(ValidateId("lead_id", c.lead_id()));
  RETURN_IF_ERROR(ValidateLeadDetails("details", c.details()));
  RETURN_IF_ERROR(ValidateOrgReferences(c.details(), ctx.org));
  RETURN_IF_ERROR(RequireOpen(lead, c.lead_id()));
  LeadEvents events;
  if (MessageDifferencer::Equals(lead.details(), c.details())) return events;
  v1::LeadDetailsUpdated* updated = events.emplace_back().mutable_lead_details_updated();
  *updated->mutable_details() = c.details();
  *updated->mutable_at() = ToTimestamp(ctx.now);
  return events;
}

absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::ChangeLeadSourceRequest& c,
                                  const LeadContext& ctx) {
  RETURN_IF_ERROR(ValidateId("lead_id", c.lead_id()));
  RETURN_IF_ERROR(ValidateEnum("source", c.source(), v1::LeadSource_IsValid));
  RETURN_IF_ERROR(ValidateOptionalId("channel_id", c.channel_id()));
  RETURN_IF_ERROR(RequireOpen(lead, c.lead_id()));
  LeadEvents events;
  if (lead.source() == c.source() && lead.channel_id() == c.channel_id()) return events;
  v1::LeadSourceChanged* changed = events.emplace_back().mutable_lead_source_changed();
  changed->set_source(c.source());
  changed->set_channel_id(c.channel_id());
  changed->set_previous_source(lead.source());
  *changed->mutable_at() = ToTimestamp(ctx.now);
  AppendScoreIfChanged(lead, {c.source(), lead.need_match(), lead.purchase_intent()}, ctx, events);
  return events;
}

absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::UpdateQualificationRequest& c,
                                  const LeadContext& ctx) {
  RETURN_IF_ERROR(ValidateId("lead_id", c.lead_id()));
  RETURN_IF_ERROR(ValidatePercent("need_match", c.need_match()));
  RETURN_IF_ERROR(ValidatePercent("purchase_intent", c.purchase_intent()));
  RETURN_IF_ERROR(RequireOpen(lead, c.lead_id()));
  LeadEvents events;
  if (lead.need_match() == c.need_match() && lead.purchase_intent() == c.purchase_intent()) {
    return events;
  }
  v1::LeadQualificationUpdated* updated =
      events.emplace_back().mutable_lead_qualification_updated();
  updated->set_need_match(c.need_match());
  updated->set_purchase_intent(c.purchase_intent());
  *updated->mutable_at() = ToTimestamp(ctx.now);
  AppendScoreIfChanged(lead, {lead.source(), c.need_match(), c.purchase_intent()}, ctx, events);
  return events;
}

absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::MoveLeadStageRequest& c,
                                  const LeadContext& ctx) {
  RETURN_IF_ERROR(ValidateId("lead_id", c.lead_id()));
  RETURN_IF_ERROR(ValidateEnum("to_stage", c.to_stage(), v1::LeadStage_IsValid));
  RETURN_IF_ERROR(ValidateText("reason", c.reason(), kMaxReasonLength, false));
  RETURN_IF_ERROR(RequireOpen(lead, c.lead_id()));
  const std::string from = v1::LeadStage_Name(lead.stage());
  const std::string to = v1::LeadStage_Name(c.to_stage());
  if (!IsBeforeOpportunity(c.to_stage())) {
    return IllegalMove(from, to,
                       "use ConvertToOpportunity, DisqualifyLead, WinDeal or LoseDeal instead");
  }
  if (!IsBeforeOpportunity(lead.stage())) {
    return IllegalMove(from, to, "an opportunity does not move back in the funnel");
  }
  if (lead.stage() == c.to_stage()) return IllegalMove(from, to, "already in that stage");
  const bool backward = FunnelRank(c.to_stage()) < FunnelRank(lead.stage());
  if (backward && absl::StripAsciiWhitespace(c.reason()).empty()) {
    return RuleViolated("backward_move_requires_reason", absl::StrCat(from, " -> ", to));
  }
  LeadEvents events;
  AppendStageChange(lead, c.to_stage(), backward, c.reason(), ctx, events);
  return events;
}

absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::ConvertToOpportunityRequest& c,
                                  const LeadContext& ctx) {
  RETURN_IF_ERROR(ValidateId("lead_id", c.lead_id()));
  RETURN_IF_ERROR(ValidateId("deal_id", c.deal_id()));
  if (c.has_amount()) RETURN_IF_ERROR(ValidateMoney("amount", c.amount()));
  if (c.has_expected_close_date()) {
    RETURN_IF_ERROR(ValidateDate("expected_close_date", c.expected_close_date()));
  }
  RETURN_IF_ERROR(RequireOpen(lead, c.lead_id()));
  if (!IsBeforeOpportunity(lead.stage())) {
    return IllegalMove(v1::LeadStage_Name(lead.stage()), "LEAD_STAGE_OPPORTUNITY",
                       "already converted");
  }
  if (!c.has_amount() && !lead.details().has_estimated_value()) {
    return InvalidField("amount", "required when the lead has no estimated value");
  }
  LeadEvents events;
  AppendStageChange(lead, v1::LEAD_STAGE_OPPORTUNITY, false, "", ctx, events);
  v1::ConvertedToOpportunity* converted = events.emplace_back().mutable_converted_to_opportunity();
  converted->set_deal_id(c.deal_id());
  *converted->mutable_amount() = c.has_amount() ? c.amount() : lead.details().estimated_value();
  converted->set_step(v1::SALES_STEP_VISIT);
  converted->set_probability(StepProbabilityOf(ctx.settings, v1::SALES_STEP_VISIT));
  *converted->mutable_at() = ToTimestamp(ctx.now);
  if (c.has_expected_close_date()) {
    *converted->mutable_expected_close_date() = c.expected_close_date();
  }
  return events;
}

absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::ChangeSalesStepRequest& c,
                                  const LeadContext& ctx) {
  RETURN_IF_ERROR(ValidateId("lead_id", c.lead_id()));
  RETURN_IF_ERROR(ValidateEnum("to_step", c.to_step(), v1::SalesStep_IsValid));
  RETURN_IF_ERROR(ValidateText("reason", c.reason(), kMaxReasonLength, false));
  RETURN_IF_ERROR(RequireOpen(lead, c.lead_id()));
  RETURN_IF_ERROR(RequireOpportunity(lead));
  const std::string from = v1::SalesStep_Name(lead.sales_step());
  const std::string to = v1::SalesStep_Name(c.to_step());
  if (lead.sales_step() == c.to_step()) return IllegalMove(from, to, "already at that step");
  const bool backward = c.to_step() < lead.sales_step();
  if (backward && absl::StripAsciiWhitespace(c.reason()).empty()) {
    return RuleViolated("backward_move_requires_reason", absl::StrCat(from, " -> ", to));
  }
  LeadEvents events;
  v1::SalesStepChanged* changed = events.emplace_back().mutable_sales_step_changed();
  changed->set_from(lead.sales_step());
  changed->set_to(c.to_step());
  changed->set_backward(backward);
  changed->set_reason(c.reason());
  changed->set_default_probability(StepProbabilityOf(ctx.settings, c.to_step()));
  *changed->mutable_at() = ToTimestamp(ctx.now);
  return events;
}

absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::OverrideDealProbabilityRequest& c,
                                  const LeadContext& ctx) {
  RETURN_IF_ERROR(ValidateId("lead_id", c.lead_id()));
  if (!c.clear()) RETURN_IF_ERROR(ValidatePercent("probability", c.probability()));
  RETURN_IF_ERROR(ValidateText("reason", c.reason(), kMaxReasonLength, false));
  RETURN_IF_ERROR(RequireOpen(lead, c.lead_id()));
  RETURN_IF_ERROR(RequireOpportunity(lead));
  LeadEvents events;
  if (c.clear()
          ? !lead.has_probability_override()
          : lead.has_probability_override() && lead.probability_override() == c.probability()) {
    return events;
  }
  v1::DealProbabilityOverridden* overridden =
      events.emplace_back().mutable_deal_probability_overridden();
  overridden->set_probability(c.clear() ? 0 : c.probability());
  overridden->set_cleared(c.clear());
  overridden->set_reason(c.reason());
  *overridden->mutable_at() = ToTimestamp(ctx.now);
  return events;
}

absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::ChangeDealAmountRequest& c,
                                  const LeadContext& ctx) {
  RETURN_IF_ERROR(ValidateId("lead_id", c.lead_id()));
  RETURN_IF_ERROR(ValidateMoney("amount", c.amount()));
  RETURN_IF_ERROR(ValidateText("reason", c.reason(), kMaxReasonLength, false));
  RETURN_IF_ERROR(RequireOpen(lead, c.lead_id()));
  RETURN_IF_ERROR(RequireOpportunity(lead));
  LeadEvents events;
  if (MessageDifferencer::Equals(lead.deal_amount(), c.amount())) return events;
  v1::DealAmountChanged* changed = events.emplace_back().mutable_deal_amount_changed();
  *changed->mutable_amount() = c.amount();
  *changed->mutable_previous_amount() = lead.deal_amount();
  changed->set_reason(c.reason());
  *changed->mutable_at() = ToTimestamp(ctx.now);
  return events;
}

absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::ChangeDealCloseDateRequest& c,
                                  const LeadContext& ctx) {
  RETURN_IF_ERROR(ValidateId("lead_id", c.lead_id()));
  if (c.has_expected_close_date()) {
    RETURN_IF_ERROR(ValidateDate("expected_close_date", c.expected_close_date()));
  }
  RETURN_IF_ERROR(ValidateText("reason", c.reason(), kMaxReasonLength, false));
  RETURN_IF_ERROR(RequireOpen(lead, c.lead_id()));
  RETURN_IF_ERROR(RequireOpportunity(lead));
  LeadEvents events;
  if (c.has_expected_close_date() == lead.has_expected_close_date() &&
      MessageDifferencer::Equals(lead.expected_close_date(), c.expected_close_date())) {
    return events;
  }
  v1::DealCloseDateChanged* changed = events.emplace_back().mutable_deal_close_date_changed();
  if (c.has_expected_close_date()) {
    *changed->mutable_expected_close_date() = c.expected_close_date();
  }
  if (lead.has_expected_close_date()) *changed->mutable_previous() = lead.expected_close_date();
  changed->set_reason(c.reason());
  *changed->mutable_at() = ToTimestamp(ctx.now);
  return events;
}

absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::AssignLeadRequest& c,
                                  const LeadContext& ctx) {
  RETURN_IF_ERROR(ValidateId("lead_id", c.lead_id()));
  RETURN_IF_ERROR(ValidateOptionalId("rep_id", c.rep_id()));
  RETURN_IF_ERROR(ValidateText("reason", c.reason(), kMaxReasonLength, false));
  RETURN_IF_ERROR(RequireOpen(lead, c.lead_id()));
  Assignee assignee;
  v1::AssignmentMethod method = v1::ASSIGNMENT_METHOD_MANUAL;
  if (c.rep_id().empty()) {
    ASSIGN_OR_RETURN(assignee, ChooseAssignee(ctx.org, lead, ctx.open_loads));
    method = v1::ASSIGNMENT_METHOD_RULE;
  } else {
    const org::v1::Rep* rep = org::FindRep(ctx.org, c.rep_id());
    if (rep == nullptr) {
      return absl::NotFoundError(absl::StrCat("rep '", c.rep_id(), "' not found"));
    }
    assignee = {rep->rep_id(), rep->team_id()};
  }
  if (assignee.rep_id == lead.rep_id()) {
    return RuleViolated(
        "already_assigned",
        absl::StrCat("lead '", lead.lead_id(), "' is already assigned to '", assignee.rep_id, "'"));
  }
  if (!lead.rep_id().empty() && absl::StripAsciiWhitespace(c.reason()).empty()) {
    return RuleViolated(
        "reassignment_requires_reason",
        absl::StrCat("lead '", lead.lead_id(), "' is assigned to '", lead.rep_id(), "'"));
  }
  LeadEvents events;
  v1::LeadAssigned* assigned = events.emplace_back().mutable_lead_assigned();
  assigned->set_org_version(ctx.org_version);
  assigned->set_rep_id(assignee.rep_id);
  assigned->set_team_id(assignee.team_id);
  assigned->set_previous_rep_id(lead.rep_id());
  assigned->set_method(method);
  assigned->set_reason(c.reason());
  assigned->set_actor(ctx.actor);
  *assigned->mutable_at() = ToTimestamp(ctx.now);
  return events;
}

absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::LogActivityRequest& c,
                                  const LeadContext& ctx) {
  RETURN_IF_ERROR(ValidateId("lead_id", c.lead_id()));
  RETURN_IF_ERROR(ValidateId("activity_id", c.activity_id()));
  RETURN_IF_ERROR(ValidateEnum("type", c.type(), v1::ActivityType_IsValid));
  RETURN_IF_ERROR(ValidateText("notes", c.notes(), kMaxNotesLength, false));
  RETURN_IF_ERROR(ValidateText("customer_needs", c.customer_needs(), kMaxNotesLength, false));
  RETURN_IF_ERROR(ValidateText("competitor_info", c.competitor_info(), kMaxReasonLength, false));
  absl::Time occurred_at = ctx.now;
  if (c.has_occurred_at()) {
    if (!IsValidTimestamp(c.occurred_at())) return InvalidField("occurred_at", "out of range");
    occurred_at = FromTimestamp(c.occurred_at());
    if (occurred_at > ctx.now) return InvalidField("occurred_at", "in the future");
  }
  if (c.has_next_follow_up_due()) {
    if (!IsValidTimestamp(c.next_follow_up_due())) {
      return InvalidField("next_follow_up_due", "out of range");
    }
    if (FromTimestamp(c.next_follow_up_due()) <= occurred_at) {
      return InvalidField("next_follow_up_due", "must be after the activity");
    }
  }
  RETURN_IF_ERROR(RequireOpen(lead, c.lead_id()));
  LeadEvents events;
  v1::ActivityLogged* logged = events.emplace_back().mutable_activity_logged();
  logged->set_activity_id(c.activity_id());
  logged->set_type(c.type());
  logged->set_notes(c.notes());
  logged->set_customer_needs(c.customer_needs());
  logged->set_competitor_info(c.competitor_info());
  if (c.has_next_follow_up_due()) *logged->mutable_next_follow_up_due() = c.next_follow_up_due();
  logged->set_actor(ctx.actor);
  *logged->mutable_occurred_at() = ToTimestamp(occurred_at);
  *logged->mutable_at() = ToTimestamp(ctx.now);
  return events;
}

absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::DisqualifyLeadRequest& c,
                                  const LeadContext& ctx) {
  RETURN_IF_ERROR(ValidateId("lead_id", c.lead_id()));
  RETURN_IF_ERROR(ValidateText("reason", c.reason(), kMaxReasonLength, true));
  RETURN_IF_ERROR(RequireOpen(lead, c.lead_id()));
  if (!IsBeforeOpportunity(lead.stage())) {
    return IllegalMove(v1::LeadStage_Name(lead.stage()), "LEAD_STAGE_DISQUALIFIED",
                       "an opportunity is lost, not disqualified");
  }
  LeadEvents events;
  AppendStageChange(lead, v1::LEAD_STAGE_DISQUALIFIED, false, c.reason(), ctx, events);
  v1::LeadDisqualified* disqualified = events.emplace_back().mutable_lead_disqualified();
  disqualified->set_reason(c.reason());
  *disqualified->mutable_at() = ToTimestamp(ctx.now);
  return events;
}

absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::WinDealRequest& c,
                                  const LeadContext& ctx) {
  RETURN_IF_ERROR(ValidateId("lead_id", c.lead_id()));
  if (c.has_amount()) RETURN_IF_ERROR(ValidateMoney("amount", c.amount()));
  RETURN_IF_ERROR(ValidateText("reason", c.reason(), kMaxReasonLength, false));
  RETURN_IF_ERROR(RequireOpen(lead, c.lead_id()));
  RETURN_IF_ERROR(RequireOpportunity(lead));  // only an opportunity can be won
  LeadEvents events;
  AppendStageChange(lead, v1::LEAD_STAGE_WON, false, c.reason(), ctx, events);
  v1::DealWon* won = events.emplace_back().mutable_deal_won();
  won->set_deal_id(lead.deal_id());
  *won->mutable_amount() = c.has_amount() ? c.amount() : lead.deal_amount();
  won->set_reason(c.reason());
  *won->mutable_at() = ToTimestamp(ctx.now);
  return events;
}

absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::LoseDealRequest& c,
                                  const LeadContext& ctx) {
  RETURN_IF_ERROR(ValidateId("lead_id", c.lead_id()));
  RETURN_IF_ERROR(ValidateText("reason", c.reason(), kMaxReasonLength, true));
  RETURN_IF_ERROR(ValidateText("competitor", c.competitor(), kMaxNameLength, false));
  RETURN_IF_ERROR(RequireOpen(lead, c.lead_id()));
  // Only an opportunity can be lost; a lead is disqualified instead.
  RETURN_IF_ERROR(RequireOpportunity(lead));
  LeadEvents events;
  AppendStageChange(lead, v1::LEAD_STAGE_LOST, false, c.reason(), ctx, events);
  v1::DealLost* lost = events.emplace_back().mutable_deal_lost();
  lost->set_deal_id(lead.deal_id());
  lost->set_reason(c.reason());
  lost->set_competitor(c.competitor());
  *lost->mutable_at() = ToTimestamp(ctx.now);
  return events;
}

}  // namespace sales::leads
