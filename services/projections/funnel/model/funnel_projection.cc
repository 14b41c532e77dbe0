#include "services/projections/funnel/model/funnel_projection.h"

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/eventsourcing/event_codec.h"
#include "common/eventsourcing/stack_arena_message.h"
#include "common/money/weighted_pipeline.h"
#include "common/projection/counter_row.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "sales/leads/v1/events.pb.h"
#include "sales/projections/v1/funnel_state.pb.h"
#include "services/projections/funnel/model/cell_deltas.h"
#include "services/projections/funnel/model/keys.h"
#include "services/projections/lead_facts/lead_event_time.h"
#include "services/projections/lead_facts/pipeline_fields.h"

namespace sales::funnel {
namespace {

using ::sales::projection::EventEnvelope;
using ::sales::projection::ProjectionTxn;

constexpr absl::string_view kLeadsPackage = "sales.leads.v1.";
absl::Status Poison(absl::string_view field, absl::string_view reason) {
  return InvalidField(field, reason);
}

// When the fact happened (lead_facts/lead_event_time.h), in Unix seconds.
absl::StatusOr<int64_t> EventSeconds(const leads_v1::LeadEvent& event,
                                     const EventEnvelope& envelope) {
  ASSIGN_OR_RETURN(const absl::Time at, lead_facts::LeadEventTime(event, envelope));
  return absl::ToUnixSeconds(at);
}

bool IsOpenStage(leads_v1::LeadStage stage) {
  return stage >= leads_v1::LEAD_STAGE_CAPTURED && stage <= leads_v1::LEAD_STAGE_OPPORTUNITY;
}

v1::FunnelLeadState NewLeadState() {
  v1::FunnelLeadState state;
  for (int i = 0; i < kDimensionCount; ++i) state.mutable_dims()->add_values();
  for (int i = 0; i < kNodeCount; ++i) state.add_nodes();
  return state;
}

bool SameDims(const v1::FunnelDims& a, const v1::FunnelDims& b) {
  return std::equal(a.values().begin(), a.values().end(), b.values().begin(), b.values().end());
}

// The value of dimension slice `d` (kAllDimension: "", the whole organisation).
absl::string_view DimValue(const v1::FunnelDims& dims, int d) {
  if (d == kAllDimension) return "";
  return dims.values(d - 1);
}

// What one event changes for one lead: the state row in place, plus the counter deltas it
// implies, written by Flush.
class LeadUpdate {
 public:
  explicit LeadUpdate(v1::FunnelLeadState& state) : state_(state), old_stock_(Stock()) {}

  void SetDim(v1::FunnelDimension dimension, std::string value) {
    if (!old_dims_) old_dims_ = state_.dims();
    *state_.mutable_dims()->mutable_values(dimension - 1) = std::move(value);
  }

  // A visit of `node` begins at `t`.
  void Enter(int node, int64_t t) {
    const int dims = CurrentDims();
    Flow(t, dims, Slot(SlotKind::kEntries, node), 1);
    v1::FunnelNodeState& entered = *state_.mutable_nodes(node);
    entered.set_entered_at(t);
    if (entered.entered()) return;
    entered.set_entered(true);
    entered.set_first_entered_at(t);
    entered.set_first_dims(dims);
    Flow(t, dims, Slot(SlotKind::kCohort, node), 1);
    // "Ever reached": this first entry completes the pairs with every node reached before, in
    // either direction (the older node's cohort, or this node's cohort).
    for (int other = 0; other < kNodeCount; ++other) {
      const v1::FunnelNodeState& before = state_.nodes(other);
      if (other == node || !before.entered()) continue;
      if (IsConversionPair(other, node)) {
        Flow(before.first_entered_at(), before.first_dims(),
             Slot(SlotKind::kReached, other * 16 + node), 1);
      }
      if (IsConversionPair(node, other)) {
        Flow(t, dims, Slot(SlotKind::kReached, node * 16 + other), 1);
      }
    }
  }

  // The current visit of `node` ends at `t`: its time-in-stage samples move here.
  void Exit(int node, int64_t t) {
    v1::FunnelNodeState& left = *state_.mutable_nodes(node);
    if (!left.entered()) return;
    if (left.exited()) {
      Sample(left.last_exited_at(), left.exit_dims(), node, left.last_visit_seconds(),
             left.cumulative_seconds(), -1);
    }
    const int64_t visit = std::max<int64_t>(0, t - left.entered_at());
    left.set_exited(true);
    left.set_last_exited_at(t);
    left.set_exit_dims(CurrentDims());
    left.set_last_visit_seconds(visit);
    left.set_cumulative_seconds(left.cumulative_seconds() + visit);
    Sample(t, left.exit_dims(), node, visit, left.cumulative_seconds(), 1);
  }

  void Count(int64_t t, SlotKind kind, int64_t value) { Flow(t, CurrentDims(), Slot(kind), value); }

  // Adds the event's counter deltas to the batch's CellDeltas (folded into rows per batch).
  void Flush(CellDeltas& cells) {
    const v1::FunnelDims& old_dims = old_dims_ ? *old_dims_ : state_.dims();
    std::optional<CellDeltas::SliceValues> current;  // looked up only when a flow moves
    if (!SameDims(old_dims, state_.dims())) {
      // Current attribution: every flow the lead added before moves from its old values to its
      // new ones, on the days it was placed on.
      current = CurrentValueIds(cells);
      const CellDeltas::SliceValues before = ValueIdsOf(cells, old_dims);
      for (const v1::FunnelDayFlows& day : state_.day_flows()) {
        cells.MoveCurrent(day.day(), before, *current, DayFlowsRow(day));
      }
    }
    for (const FlowDelta& flow : flows_) {
      // The day's cells, and so its month's and year's (weeks and quarters are sums of those:
      // keys.h), under the values of the flow's time; and, where the lead's values are other now
      // (a conversion of an older cohort), the correction to its current ones.
      if (flow.row.empty()) continue;
      const int64_t day = PeriodIndexOf(v1::PERIOD_GRANULARITY_DAY, absl::FromUnixSeconds(flow.at));
      const CellDeltas::SliceValues at_time = ValueIds(cells, flow.dims);
      cells.AddToDay(day, at_time, flow.row);
      if (!SameDims(state_.dims_snapshots(flow.dims), state_.dims())) {
        if (!current) current = CurrentValueIds(cells);
        cells.MoveCurrent(day, at_time, *current, flow.row);
      }
      AddToDayFlows(day, flow.row);
    }
    const CounterRow new_stock = Stock();
    if (!SameDims(old_dims, state_.dims())) {
      // Moved: the old values' stock loses the lead, the new values' gains it.
      cells.AddToStock(ValueIdsOf(cells, old_dims), old_stock_, -1);
      cells.AddToStock(CurrentValueIds(cells), new_stock, 1);
    } else if (new_stock.slots() != old_stock_.slots()) {
      // Same values: only the difference (e.g. occupancy from one node to the next; an unchanged
      // pipeline amount cancels out).
      CounterRow change = new_stock;
      for (const auto& [slot, value] : old_stock_.slots()) change.Add(slot, -value);
      cells.AddToStock(CurrentValueIds(cells), change, 1);
    }
  }

 private:
  // Cell deltas (flows and histogram bins) by (instant, dimension snapshot), each for the cells
  // of that instant. An event has one to a few.
  struct FlowDelta {
    int64_t at;
    int dims;
    CounterRow row;
  };

  // The batch's ids of the 8 dimension slices' values (CellDeltas::ValueId) of snapshot `dims`.
  const CellDeltas::SliceValues& ValueIds(CellDeltas& cells, int dims) {
    for (const auto& [index, ids] : value_ids_) {
      if (index == dims) return ids;
    }
    return value_ids_.emplace_back(dims, ValueIdsOf(cells, state_.dims_snapshots(dims))).second;
  }
  // The ids of the current dimension values: those of a snapshot used by a flow when equal
  // (comparing a few short strings is cheaper than looking up 8 ids).
  CellDeltas::SliceValues CurrentValueIds(CellDeltas& cells) const {
    for (const auto& [index, ids] : value_ids_) {
      if (SameDims(state_.dims_snapshots(index), state_.dims())) return ids;
    }
    return ValueIdsOf(cells, state_.dims());
  }
  static CellDeltas::SliceValues ValueIdsOf(CellDeltas& cells, const v1::FunnelDims& dims) {
    CellDeltas::SliceValues ids;
    for (int d = 0; d <= kDimensionCount; ++d) ids[d] = cells.ValueId(DimValue(dims, d));
    return ids;
  }

  // This lead's contribution to the stock rows of its current dimension values.
  CounterRow Stock() const {
    CounterRow stock;
    const leads_v1::LeadStage stage = state_.stage();
    if (stage == leads_v1::LEAD_STAGE_UNSPECIFIED) return stock;
    stock.Add(Slot(SlotKind::kOccupancy, StageNode(stage)), 1);
    if (IsOpenStage(stage) && state_.overdue()) stock.Add(Slot(SlotKind::kOverdueNow), 1);
    if (stage != leads_v1::LEAD_STAGE_OPPORTUNITY ||
        state_.step() == leads_v1::SALES_STEP_UNSPECIFIED) {
      return stock;
    }
    stock.Add(Slot(SlotKind::kOccupancy, StepNode(state_.step())), 1);
    const int32_t currency = CurrencyCode(state_.amount().currency());
    if (currency >= 0) {
      const int32_t probability = pipeline::DealProbability(
          state_.has_probability_override() ? std::optional<int32_t>(state_.probability_override())
                                            : std::nullopt,
          state_.step_probability());
      stock.Add(Slot(SlotKind::kPipeline, currency), state_.amount().units());
      stock.Add(Slot(SlotKind::kWeighted, currency),
                pipeline::WeightedHundredths(state_.amount().units(), probability));
    }
    return stock;
  }

  // Adds `row` to what the lead added to the cells of `day` (FunnelLeadState.day_flows, kept in
  // day order and each day's slots in slot order, merged in place; a slot whose sum comes to 0
  // and a day left empty are dropped).
  void AddToDayFlows(int64_t day, const CounterRow& row) {
    auto& days = *state_.mutable_day_flows();
    auto it = std::lower_bound(days.begin(), days.end(), day,
                               [](const v1::FunnelDayFlows& d, int64_t x) { return d.day() < x; });
    if (it == days.end() || it->day() != day) {
      const int index = static_cast<int>(it - days.begin());
      days.Add()->set_day(day);
      for (int i = days.size() - 1; i > index; --i) days.SwapElements(i, i - 1);
      it = days.begin() + index;
    }
    auto& slots = *it->mutable_slots();
    auto& values = *it->mutable_values();
    for (const auto& [slot, delta] : row.slots()) {
      const auto at = std::lower_bound(slots.begin(), slots.end(), slot);
      const int i = static_cast<int>(at - slots.begin());
      if (at != slots.end() && *at == slot) {
        values.Set(i, values.Get(i) + delta);
        if (values.Get(i) == 0) {
          slots.erase(slots.begin() + i);
          values.erase(values.begin() + i);
        }
        continue;
      }
      slots.Add(slot);
      values.Add(delta);
      std::rotate(slots.begin() + i, slots.end() - 1, slots.end());
      std::rotate(values.begin() + i, values.end() - 1, values.end());
    }
    if (slots.empty()) days.erase(it);
  }

  static CounterRow DayFlowsRow(const v1::FunnelDayFlows& day) {
    std::vector<std::pair<uint32_t, int64_t>> slots;
    slots.reserve(day.slots_size());
    for (int i = 0; i < day.slots_size(); ++i) slots.emplace_back(day.slots(i), day.values(i));
    CounterRow row;
    row.AddSorted(slots);
    return row;
  }

  // The index of the current dimension values among the state's snapshots (added if new).
  int CurrentDims() {
    for (int i = 0; i < state_.dims_snapshots_size(); ++i) {
      if (SameDims(state_.dims_snapshots(i), state_.dims())) return i;
    }
    *state_.add_dims_snapshots() = state_.dims();
    return state_.dims_snapshots_size() - 1;
  }

  void Sample(int64_t t, int dims, int node, int64_t latest, int64_t cumulative, int64_t sign) {
    Flow(t, dims, Slot(SlotKind::kLatestCount, node), sign);
    Flow(t, dims, Slot(SlotKind::kLatestSum, node), sign * latest);
    Flow(t, dims, Slot(SlotKind::kCumulativeCount, node), sign);
    Flow(t, dims, Slot(SlotKind::kCumulativeSum, node), sign * cumulative);
    Flow(t, dims, Slot(SlotKind::kLatestHist, node * kHistogramBins + HistogramBin(latest)), sign);
    Flow(t, dims, Slot(SlotKind::kCumulativeHist, node * kHistogramBins + HistogramBin(cumulative)),
         sign);
  }

  void Flow(int64_t t, int dims, uint32_t slot, int64_t delta) {
    for (FlowDelta& flow : flows_) {
      if (flow.at == t && flow.dims == dims) return flow.row.Add(slot, delta);
    }
    flows_.push_back({t, dims, CounterRow()});
    flows_.back().row.Add(slot, delta);
  }

  v1::FunnelLeadState& state_;
  std::optional<v1::FunnelDims> old_dims_;  // copied before the first SetDim
  const CounterRow old_stock_;
  std::vector<FlowDelta> flows_;
  std::vector<std::pair<int, CellDeltas::SliceValues>> value_ids_;  // by snapshot index
};

// Every poison check of a lead event (what makes it INVALID_ARGUMENT or UNIMPLEMENTED), made
// before anything is changed, since the rows it changes are not covered by save points
// (projection.h). Sets `t` to the event's time when it counts something in a period.
absl::Status CheckLeadEvent(const leads_v1::LeadEvent& event, const EventEnvelope& envelope,
                            int64_t& t) {
  // Only the events that count something in a period need a valid time.
  const auto time = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(t, EventSeconds(event, envelope));
    return absl::OkStatus();
  };
  switch (event.event_case()) {
    case leads_v1::LeadEvent::kLeadCaptured:
      RETURN_IF_ERROR(time());
      if (!leads_v1::LeadSource_IsValid(event.lead_captured().source())) {
        return Poison("source", "unknown source");
      }
      return absl::OkStatus();
    case leads_v1::LeadEvent::kLeadScored:
      if (!leads_v1::Grade_IsValid(event.lead_scored().grade())) {
        return Poison("grade", "unknown grade");
      }
      return absl::OkStatus();
    case leads_v1::LeadEvent::kLeadSourceChanged:
      if (!leads_v1::LeadSource_IsValid(event.lead_source_changed().source())) {
        return Poison("source", "unknown source");
      }
      return absl::OkStatus();
    case leads_v1::LeadEvent::kLeadStageChanged:
    case leads_v1::LeadEvent::kConvertedToOpportunity:
    case leads_v1::LeadEvent::kSalesStepChanged:
      RETURN_IF_ERROR(time());
      return lead_facts::CheckPipelineFields(event);
    case leads_v1::LeadEvent::kDealProbabilityOverridden:
    case leads_v1::LeadEvent::kDealAmountChanged:
    case leads_v1::LeadEvent::kDealWon:
      return lead_facts::CheckPipelineFields(event);
    case leads_v1::LeadEvent::kFollowUpOverdue:
      return time();
    case leads_v1::LeadEvent::kLeadDetailsUpdated:
    case leads_v1::LeadEvent::kLeadAssigned:
    case leads_v1::LeadEvent::kActivityLogged:
    case leads_v1::LeadEvent::kLeadDisqualified:
    case leads_v1::LeadEvent::kDealLost:
    case leads_v1::LeadEvent::kDuplicateLeadMerged:
    case leads_v1::LeadEvent::kLeadQualificationUpdated:
    case leads_v1::LeadEvent::kDealCloseDateChanged:
      return absl::OkStatus();
    case leads_v1::LeadEvent::EVENT_NOT_SET:
      break;
  }
  return absl::UnimplementedError("funnel: empty lead event");
}

// The event's effect on the lead (CheckLeadEvent passed; `t` is the time it set).
void ApplyLeadEvent(const leads_v1::LeadEvent& event, int64_t t, v1::FunnelLeadState& state,
                    LeadUpdate& update) {
  switch (event.event_case()) {
    case leads_v1::LeadEvent::kLeadCaptured: {
      const leads_v1::LeadCaptured& e = event.lead_captured();
      if (state.captured()) return;  // a lead is captured once
      state.set_captured(true);
      state.set_captured_at(t);
      update.SetDim(v1::FUNNEL_DIMENSION_REGION, e.details().company().region_id());
      update.SetDim(v1::FUNNEL_DIMENSION_PRODUCT_LINE, e.details().product_line_id());
      update.SetDim(v1::FUNNEL_DIMENSION_CHANNEL, e.channel_id());
      update.SetDim(v1::FUNNEL_DIMENSION_SOURCE, e.source() == leads_v1::LEAD_SOURCE_UNSPECIFIED
                                                     ? ""
                                                     : leads_v1::LeadSource_Name(e.source()));
      state.set_stage(leads_v1::LEAD_STAGE_CAPTURED);
      update.Enter(StageNode(leads_v1::LEAD_STAGE_CAPTURED), t);
      return;
    }
    case leads_v1::LeadEvent::kLeadScored: {
      const leads_v1::Grade grade = event.lead_scored().grade();
      update.SetDim(v1::FUNNEL_DIMENSION_GRADE,
                    grade == leads_v1::GRADE_UNSPECIFIED ? "" : leads_v1::Grade_Name(grade));
      return;
    }
    case leads_v1::LeadEvent::kLeadDetailsUpdated: {
      const leads_v1::LeadDetails& details = event.lead_details_updated().details();
      update.SetDim(v1::FUNNEL_DIMENSION_REGION, details.company().region_id());
      update.SetDim(v1::FUNNEL_DIMENSION_PRODUCT_LINE, details.product_line_id());
      return;
    }
    case leads_v1::LeadEvent::kLeadSourceChanged: {
      const leads_v1::LeadSourceChanged& e = event.lead_source_changed();
      update.SetDim(v1::FUNNEL_DIMENSION_SOURCE, e.source() == leads_v1::LEAD_SOURCE_UNSPECIFIED
                                                     ? ""
                                                     : leads_v1::LeadSource_Name(e.source()));
      update.SetDim(v1::FUNNEL_DIMENSION_CHANNEL, e.channel_id());
      return;
    }
    case leads_v1::LeadEvent::kLeadStageChanged: {
      const leads_v1::LeadStage to = event.lead_stage_changed().to();
      const leads_v1::LeadStage from = state.stage();
      if (from != leads_v1::LEAD_STAGE_UNSPECIFIED) update.Exit(StageNode(from), t);
      if (from == leads_v1::LEAD_STAGE_OPPORTUNITY && to != from &&
          state.step() != leads_v1::SALES_STEP_UNSPECIFIED) {
        update.Exit(StepNode(state.step()), t);  // closing ends the step visit too
      }
      state.set_stage(to);
      update.Enter(StageNode(to), t);
      if (to == leads_v1::LEAD_STAGE_WON && state.captured()) {
        update.Count(t, SlotKind::kCycleCount, 1);
        update.Count(t, SlotKind::kCycleSum, std::max<int64_t>(0, t - state.captured_at()));
      }
      return;
    }
    case leads_v1::LeadEvent::kConvertedToOpportunity: {
      const leads_v1::ConvertedToOpportunity& e = event.converted_to_opportunity();
      *state.mutable_amount() = e.amount();
      state.set_step_probability(e.probability());
      state.set_step(e.step());
      update.Enter(StepNode(e.step()), t);
      return;
    }
    case leads_v1::LeadEvent::kSalesStepChanged: {
      const leads_v1::SalesStepChanged& e = event.sales_step_changed();
      if (state.step() != leads_v1::SALES_STEP_UNSPECIFIED) update.Exit(StepNode(state.step()), t);
      state.set_step(e.to());
      state.set_step_probability(e.default_probability());
      update.Enter(StepNode(e.to()), t);
      return;
    }
    case leads_v1::LeadEvent::kDealProbabilityOverridden: {
      const leads_v1::DealProbabilityOverridden& e = event.deal_probability_overridden();
      if (e.cleared()) {
        state.clear_probability_override();
      } else {
        state.set_probability_override(e.probability());
      }
      return;
    }
    case leads_v1::LeadEvent::kDealAmountChanged:
      *state.mutable_amount() = event.deal_amount_changed().amount();
      return;
    case leads_v1::LeadEvent::kLeadAssigned:
      update.SetDim(v1::FUNNEL_DIMENSION_REP, event.lead_assigned().rep_id());
      update.SetDim(v1::FUNNEL_DIMENSION_TEAM, event.lead_assigned().team_id());
      state.set_overdue(false);  // an assignment ends the overdue episode
      return;
    case leads_v1::LeadEvent::kActivityLogged:
      state.set_overdue(false);
      return;
    case leads_v1::LeadEvent::kFollowUpOverdue:
      state.set_overdue(true);
      update.Count(t, SlotKind::kOverdueEvents, 1);
      return;
    case leads_v1::LeadEvent::kDealWon:
      if (event.deal_won().has_amount()) *state.mutable_amount() = event.deal_won().amount();
      return;
    // The stage change before them carries what the funnel needs; a merged duplicate is, by
    // design, not counted again; qualification inputs only matter through LeadScored; close
    // dates are the forecast's (performance).
    case leads_v1::LeadEvent::kLeadDisqualified:
    case leads_v1::LeadEvent::kDealLost:
    case leads_v1::LeadEvent::kDuplicateLeadMerged:
    case leads_v1::LeadEvent::kLeadQualificationUpdated:
    case leads_v1::LeadEvent::kDealCloseDateChanged:
    case leads_v1::LeadEvent::EVENT_NOT_SET:
      return;
  }
}

// A lead's FunnelLeadState, held decoded by the batch (ProjectionTxn::Mutable).
class LeadRow : public projection::AccumulatedRow {
 public:
  std::string Encode() const override { return state.SerializeAsString(); }
  v1::FunnelLeadState state;
};

absl::StatusOr<v1::FunnelLeadState*> MutableLeadState(ProjectionTxn& txn,
                                                      absl::string_view stream_id) {
  ASSIGN_OR_RETURN(projection::AccumulatedRow* const row,
                   txn.Mutable(LeadKey(stream_id),
                               [&](std::optional<absl::string_view> stored)
                                   -> absl::StatusOr<std::unique_ptr<projection::AccumulatedRow>> {
                                 auto lead = std::make_unique<LeadRow>();
                                 if (!stored) {
                                   lead->state = NewLeadState();
                                 } else if (!lead->state.ParseFromArray(
                                                stored->data(), static_cast<int>(stored->size())) ||
                                            lead->state.dims().values_size() != kDimensionCount ||
                                            lead->state.nodes_size() != kNodeCount) {
                                   return absl::DataLossError(
                                       absl::StrCat("funnel: bad lead row for ", stream_id));
                                 }
                                 return lead;
                               }));
  return &static_cast<LeadRow*>(row)->state;  // lead keys are only loaded above
}

// Whether a sales.leads.v1 type is one the funnel deliberately ignores (settings and claim
// streams).
bool IsIgnoredLeadsType(absl::string_view full_name) {
  static const leads_v1::SettingsEvent& org = leads_v1::SettingsEvent::default_instance();
  static const leads_v1::DedupeKeyEvent& claims = leads_v1::DedupeKeyEvent::default_instance();
  return eventsourcing::WrapperHolds(org, full_name) ||
         eventsourcing::WrapperHolds(claims, full_name);
}

}  // namespace

absl::Status FunnelProjection::Apply(const EventEnvelope& envelope, ProjectionTxn& txn) {
  const absl::string_view type_url = envelope.payload().type_url();
  const absl::string_view full_name = type_url.substr(type_url.rfind('/') + 1);
  if (!absl::StartsWith(full_name, kLeadsPackage)) return absl::OkStatus();
  if (!eventsourcing::WrapperHolds(leads_v1::LeadEvent::default_instance(), full_name)) {
    if (IsIgnoredLeadsType(full_name)) return absl::OkStatus();
    return absl::UnimplementedError(absl::StrCat("funnel: unknown leads event type ", full_name));
  }
  // Parsed on a stack arena: a lead event's submessages and strings cost no heap allocation.
  eventsourcing::StackArenaMessage<leads_v1::LeadEvent> decoded;
  leads_v1::LeadEvent& event = *decoded;
  if (absl::Status unpacked = eventsourcing::UnpackEvent(envelope.payload(), event);
      !unpacked.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("funnel: ", unpacked.message()));
  }
  if (envelope.stream_id().empty()) return Poison("stream_id", "required");

  int64_t t = 0;
  RETURN_IF_ERROR(CheckLeadEvent(event, envelope, t));
  // Poison is decided: from here on rows are changed in place.
  ASSIGN_OR_RETURN(v1::FunnelLeadState* const state, MutableLeadState(txn, envelope.stream_id()));
  LeadUpdate update(*state);
  ApplyLeadEvent(event, t, *state, update);
  update.Flush(CellDeltas::Of(txn));
  return absl::OkStatus();
}

}  // namespace sales::funnel
