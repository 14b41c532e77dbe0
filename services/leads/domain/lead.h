// The Lead aggregate, stream "lead-<lead id>": a lead through the funnel and, after conversion,
// the deal (opportunity) it became — the same stream continues under the deal id.
//
//   LeadContext ctx{now, "user:li", org_replica, org_version, settings, open_loads};
//   ASSIGN_OR_RETURN(LeadEvents events, Decide(lead, capture_request, ctx));
//   for (const v1::LeadEvent& e : events) lead = Evolve(std::move(lead), e);
//
// Decide validates the command (INVALID_ARGUMENT with the field path), checks existence
// (NOT_FOUND / ALREADY_EXISTS) and the rules (FAILED_PRECONDITION "rule <name>: …"), and returns
// the events to append — possibly none when the command changes nothing. It reads time only from
// the context. Rules:
//   lead_closed: WON, LOST and DISQUALIFIED leads refuse every command except MergeDuplicate.
//   illegal_stage_move: MoveLeadStage only among CAPTURED/NURTURING/QUALIFIED (forward skips
//     allowed); ConvertToOpportunity and DisqualifyLead only before OPPORTUNITY; moving to the
//     current stage/step.
//   not_an_opportunity: WinDeal, LoseDeal, sales-step, probability and amount commands before
//     conversion (or after the deal closed).
//   backward_move_requires_reason, reassignment_requires_reason, already_assigned,
//   no_territory / team_has_no_reps (assignment by rule).
// The funnel stage always changes through a LeadStageChanged event (then the specific event:
// ConvertedToOpportunity, LeadDisqualified, DealWon, DealLost), so stage history is complete.
//
// Evolve is total and deterministic: every event folds, an empty/unknown event changes nothing.
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_LEADS_DOMAIN_LEAD_H_
#define SALES_SERVICES_LEADS_DOMAIN_LEAD_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "sales/leads/v1/events.pb.h"
#include "sales/leads/v1/leads.pb.h"
#include "sales/leads/v1/model.pb.h"
#include "sales/org/v1/model.pb.h"
#include "services/leads/domain/assignment.h"

namespace sales::leads {

using LeadEvents = std::vector<v1::LeadEvent>;

// What Decide may know besides the lead: the clock, the caller, the organisation (reps, teams,
// territories: the org replica, at org_version, which captures and assignments record) and the
// pipeline settings in force. `open_loads` is used only by assignment by rule.
struct LeadContext {
  absl::Time now;
  std::string actor;
  const org::v1::SalesOrganisation& org;
  uint64_t org_version = 0;
  const v1::PipelineSettings& settings;
  const RepLoads& open_loads;
};

// A capture whose dedupe key `matched_key` is already claimed by the lead it is decided on.
struct MergeDuplicateCommand {
  std::string matched_key;
  v1::CaptureLeadRequest capture;
};

std::string LeadStreamId(absl::string_view lead_id);

bool IsClosedStage(v1::LeadStage stage);
// Captured and not closed.
bool IsOpen(const v1::Lead& lead);
// The rep whose open-lead load (assignment by load) the lead counts in: its owner while it is
// open; "" for none.
const std::string& OpenOwner(const v1::Lead& lead);
// 100 for a won deal, 0 for a lost one; else the probability the weighted pipeline uses
// (common/money/weighted_pipeline.h): the override if set, else the current step's default as
// stated when the deal entered the step; 0 before conversion.
int32_t EffectiveProbability(const v1::Lead& lead);

// Emits LeadCaptured then LeadScored. The state must be empty (ALREADY_EXISTS otherwise); the
// region, product line and segment must exist in the org (NOT_FOUND).
absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::CaptureLeadRequest& c,
                                  const LeadContext& ctx);
// Emits DuplicateLeadMerged; allowed on closed leads too (a duplicate is never a new lead).
absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const MergeDuplicateCommand& c,
                                  const LeadContext& ctx);
absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::UpdateLeadDetailsRequest& c,
                                  const LeadContext& ctx);
// LeadSourceChanged (+ LeadScored when score or grade change).
absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::ChangeLeadSourceRequest& c,
                                  const LeadContext& ctx);
// LeadQualificationUpdated (+ LeadScored when score or grade change).
absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::UpdateQualificationRequest& c,
                                  const LeadContext& ctx);
absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::MoveLeadStageRequest& c,
                                  const LeadContext& ctx);
// LeadStageChanged(→ OPPORTUNITY) + ConvertedToOpportunity; deal_id is required here (the app
// generates one when the caller gave none).
absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::ConvertToOpportunityRequest& c,
                                  const LeadContext& ctx);
absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::ChangeSalesStepRequest& c,
                                  const LeadContext& ctx);
absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::OverrideDealProbabilityRequest& c,
                                  const LeadContext& ctx);
absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::ChangeDealAmountRequest& c,
                                  const LeadContext& ctx);
// DealCloseDateChanged (none when the date is already the one asked for; unset clears it).
absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::ChangeDealCloseDateRequest& c,
                                  const LeadContext& ctx);
// Empty rep_id: by territory rule (ChooseAssignee); else manual to an existing rep.
absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::AssignLeadRequest& c,
                                  const LeadContext& ctx);
// activity_id is required here (the app generates one when the caller gave none).
absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::LogActivityRequest& c,
                                  const LeadContext& ctx);
absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::DisqualifyLeadRequest& c,
                                  const LeadContext& ctx);
absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::WinDealRequest& c,
                                  const LeadContext& ctx);
absl::StatusOr<LeadEvents> Decide(const v1::Lead& lead, const v1::LoseDealRequest& c,
                                  const LeadContext& ctx);

v1::Lead Evolve(v1::Lead lead, const v1::LeadEvent& event);

}  // namespace sales::leads

#endif  // SALES_SERVICES_LEADS_DOMAIN_LEAD_H_
