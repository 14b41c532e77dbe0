#include "services/projections/performance/model/lead_pipeline.h"

#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "common/money/weighted_pipeline.h"
#include "common/projection/row_codec.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/civil_date.h"
#include "sales/leads/v1/events.pb.h"
#include "sales/projections/v1/performance_state.pb.h"
#include "services/projections/lead_facts/lead_event_time.h"
#include "services/projections/lead_facts/pipeline_fields.h"
#include "services/projections/performance/model/keys.h"
#include "services/projections/performance/model/performance_deltas.h"
#include "services/projections/performance/model/performance_projection.h"

namespace sales::performance {
namespace {

namespace leads_v1 = ::sales::leads::v1;
using ::sales::projection::EventEnvelope;
using ::sales::projection::ProjectionTxn;

// The poison checks of the events this model folds (before any row is touched); false for an
// event it does not fold.
absl::StatusOr<bool> CheckLeadEvent(const leads_v1::LeadEvent& event) {
  switch (event.event_case()) {
    case leads_v1::LeadEvent::kLeadStageChanged:
    case leads_v1::LeadEvent::kConvertedToOpportunity:
    case leads_v1::LeadEvent::kSalesStepChanged:
    case leads_v1::LeadEvent::kDealProbabilityOverridden:
    case leads_v1::LeadEvent::kDealAmountChanged:
    case leads_v1::LeadEvent::kDealCloseDateChanged:
    case leads_v1::LeadEvent::kDealWon:
      RETURN_IF_ERROR(lead_facts::CheckPipelineFields(event));
      return true;
    case leads_v1::LeadEvent::kLeadCaptured:
    case leads_v1::LeadEvent::kLeadDetailsUpdated:
    case leads_v1::LeadEvent::kLeadSourceChanged:
    case leads_v1::LeadEvent::kLeadAssigned:
    case leads_v1::LeadEvent::kActivityLogged:
    case leads_v1::LeadEvent::kFollowUpOverdue:
      return true;
    default:
      return false;  // scoring, qualification, disqualification and loss reasons, merges
  }
}

void SetAmount(const common::v1::Money& amount, v1::PerformanceLeadState& lead) {
  lead.set_currency(amount.currency());
  lead.set_amount(amount.units());
}

// A close date that passed CheckPipelineFields: none, or a real day.
void SetCloseDate(const common::v1::Date& date, v1::PerformanceLeadState& lead) {
  if (date.year() == 0) {
    lead.clear_expected_close_day();
  } else {
    lead.set_expected_close_day(periods::DayIndexOf(ToCivilDay(date)));
  }
}

// The event's effect on the lead's row (CheckLeadEvent passed).
void Fold(const leads_v1::LeadEvent& event, v1::PerformanceLeadState& lead) {
  switch (event.event_case()) {
    case leads_v1::LeadEvent::kLeadCaptured: {
      const leads_v1::LeadCaptured& e = event.lead_captured();
      if (lead.stage() != leads_v1::LEAD_STAGE_UNSPECIFIED) return;  // captured once
      lead.set_stage(leads_v1::LEAD_STAGE_CAPTURED);
      lead.set_region_id(e.details().company().region_id());
      lead.set_product_line_id(e.details().product_line_id());
      lead.set_channel_id(e.channel_id());
      return;
    }
    case leads_v1::LeadEvent::kLeadDetailsUpdated:
      lead.set_region_id(event.lead_details_updated().details().company().region_id());
      lead.set_product_line_id(event.lead_details_updated().details().product_line_id());
      return;
    case leads_v1::LeadEvent::kLeadSourceChanged:
      lead.set_channel_id(event.lead_source_changed().channel_id());
      return;
    case leads_v1::LeadEvent::kLeadAssigned:
      lead.set_rep_id(event.lead_assigned().rep_id());
      lead.set_team_id(event.lead_assigned().team_id());
      lead.set_overdue(false);  // an assignment ends the overdue episode
      return;
    case leads_v1::LeadEvent::kLeadStageChanged:
      lead.set_stage(event.lead_stage_changed().to());
      return;
    case leads_v1::LeadEvent::kConvertedToOpportunity: {
      const leads_v1::ConvertedToOpportunity& e = event.converted_to_opportunity();
      SetAmount(e.amount(), lead);
      lead.set_step(e.step());
      lead.set_step_probability(e.probability());
      SetCloseDate(e.expected_close_date(), lead);
      return;
    }
    case leads_v1::LeadEvent::kSalesStepChanged:
      lead.set_step(event.sales_step_changed().to());
      lead.set_step_probability(event.sales_step_changed().default_probability());
      return;
    case leads_v1::LeadEvent::kDealProbabilityOverridden:
      if (event.deal_probability_overridden().cleared()) {
        lead.clear_probability_override();
      } else {
        lead.set_probability_override(event.deal_probability_overridden().probability());
      }
      return;
    case leads_v1::LeadEvent::kDealAmountChanged:
      SetAmount(event.deal_amount_changed().amount(), lead);
      return;
    case leads_v1::LeadEvent::kDealCloseDateChanged:
      SetCloseDate(event.deal_close_date_changed().expected_close_date(), lead);
      return;
    case leads_v1::LeadEvent::kDealWon:
      if (event.deal_won().has_amount()) SetAmount(event.deal_won().amount(), lead);
      return;
    case leads_v1::LeadEvent::kActivityLogged:
      lead.set_overdue(false);
      return;
    case leads_v1::LeadEvent::kFollowUpOverdue:
      lead.set_overdue(true);
      return;
    default:
      return;
  }
}

bool IsOpenStage(leads_v1::LeadStage stage) {
  return stage >= leads_v1::LEAD_STAGE_CAPTURED && stage <= leads_v1::LEAD_STAGE_OPPORTUNITY;
}

// What one lead adds to the cells of its scopes.
struct Contribution {
  absl::InlinedVector<std::pair<int, std::string>, 6> scopes;     // (dimension, value)
  absl::InlinedVector<std::pair<uint32_t, int64_t>, 3> pipeline;  // flow slots
  std::optional<int64_t> close_day;  // the pipeline's expected close day; none: undated
  bool overdue = false;

  bool operator==(const Contribution& other) const {
    return std::tie(scopes, pipeline, close_day, overdue) ==
           std::tie(other.scopes, other.pipeline, other.close_day, other.overdue);
  }
};

Contribution ContributionOf(const v1::PerformanceLeadState& lead) {
  Contribution contribution;
  contribution.scopes.emplace_back(kAllDimension, "");
  const std::pair<int, const std::string*> dimensions[] = {
      {v1::PERFORMANCE_DIMENSION_REP, &lead.rep_id()},
      {v1::PERFORMANCE_DIMENSION_TEAM, &lead.team_id()},
      {v1::PERFORMANCE_DIMENSION_REGION, &lead.region_id()},
      {v1::PERFORMANCE_DIMENSION_PRODUCT_LINE, &lead.product_line_id()},
      {v1::PERFORMANCE_DIMENSION_CHANNEL, &lead.channel_id()}};
  for (const auto& [dimension, value] : dimensions) {
    if (!value->empty()) contribution.scopes.emplace_back(dimension, *value);
  }
  contribution.overdue = IsOpenStage(lead.stage()) && lead.overdue();
  const int32_t currency = periods::CurrencyCode(lead.currency());
  if (lead.stage() != leads_v1::LEAD_STAGE_OPPORTUNITY ||
      lead.step() == leads_v1::SALES_STEP_UNSPECIFIED || currency < 0) {
    return contribution;
  }
  const int32_t probability = pipeline::DealProbability(
      lead.has_probability_override() ? std::optional<int32_t>(lead.probability_override())
                                      : std::nullopt,
      lead.step_probability());
  const int64_t weighted = pipeline::WeightedHundredths(lead.amount(), probability);
  const auto sub = static_cast<uint32_t>(currency);
  if (lead.has_expected_close_day()) contribution.close_day = lead.expected_close_day();
  contribution.pipeline = {{Slot(SlotKind::kPipelineConservative, sub),
                            probability >= kCommittedProbability ? weighted : 0},
                           {Slot(SlotKind::kPipelineBase, sub), weighted},
                           {Slot(SlotKind::kPipelineOptimistic, sub),
                            probability >= kBestCaseProbability ? lead.amount() * 100 : weighted}};
  return contribution;
}

using Flows = absl::InlinedVector<std::pair<uint32_t, int64_t>, 6>;

// `sign` × the pipeline flows of `contribution`, appended to `flows`.
void AppendFlows(const Contribution& contribution, int64_t sign, Flows& flows) {
  for (const auto& [slot, amount] : contribution.pipeline) flows.emplace_back(slot, sign * amount);
}

// `flows` on `day` under each scope of `contribution`: a dated deal's under its close day's
// periods, an undated one's in the cells.
void RecordFlows(const Contribution& contribution, const Flows& flows, int64_t day,
                 PerformanceDeltas& deltas) {
  for (const auto& [dimension, value] : contribution.scopes) {
    if (contribution.close_day.has_value()) {
      deltas.AddDatedFlows(*contribution.close_day, day, dimension, value, flows);
    } else {
      for (const auto& [slot, amount] : flows) deltas.Add(day, dimension, value, slot, amount);
    }
  }
}

// `sign` × the contribution's overdue follow-up, to the stock of each of its scopes.
void RecordOverdue(const Contribution& contribution, int64_t sign, PerformanceDeltas& deltas) {
  if (!contribution.overdue) return;
  for (const auto& [dimension, value] : contribution.scopes) {
    deltas.AddToStock(dimension, value, Slot(SlotKind::kOverdueFollowUps), sign);
  }
}

// The change from `before` to `after` on `day`: −before, +after. When both count under the same
// scopes and close day (a step, amount or probability change), each row gets both sides' flows
// in one lookup; the rows touched and their sums are those of recording the sides apart.
void RecordChange(const Contribution& before, const Contribution& after, int64_t day,
                  PerformanceDeltas& deltas) {
  Flows flows;
  AppendFlows(before, -1, flows);
  if (before.scopes == after.scopes && before.close_day == after.close_day) {
    AppendFlows(after, 1, flows);
    RecordFlows(after, flows, day, deltas);
  } else {
    RecordFlows(before, flows, day, deltas);
    flows.clear();
    AppendFlows(after, 1, flows);
    RecordFlows(after, flows, day, deltas);
  }
  RecordOverdue(before, -1, deltas);
  RecordOverdue(after, 1, deltas);
}

}  // namespace

absl::Status ApplyLeadEvent(const EventEnvelope& envelope, const leads_v1::LeadEvent& event,
                            ProjectionTxn& txn) {
  ASSIGN_OR_RETURN(const bool folded, CheckLeadEvent(event));
  if (!folded) return absl::OkStatus();
  ASSIGN_OR_RETURN(const absl::Time at, lead_facts::LeadEventTime(event, envelope));
  // Every poison check is behind us: the lead's row and the cells may be touched from here on.
  ASSIGN_OR_RETURN(v1::PerformanceLeadState * lead,
                   projection::MutableRow<v1::PerformanceLeadState>(
                       txn, LeadKey(envelope.stream_id()), PerformanceProjection::kName));
  const Contribution before = ContributionOf(*lead);
  Fold(event, *lead);
  const Contribution after = ContributionOf(*lead);
  if (before == after) return absl::OkStatus();
  const int64_t day = periods::PeriodIndexOf(v1::PERIOD_GRANULARITY_DAY, at);
  RecordChange(before, after, day, PerformanceDeltas::Of(txn));
  return absl::OkStatus();
}

}  // namespace sales::performance
