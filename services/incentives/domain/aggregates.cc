#include "services/incentives/domain/aggregates.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/time/proto_time.h"
#include "services/incentives/domain/ledger.h"
#include "services/incentives/domain/periods.h"
#include "services/incentives/domain/statement.h"

namespace sales::incentives {

std::string TargetsStreamId(int year) { return absl::StrCat("targets-", year); }
std::string RepStreamId(const std::string& rep_id) { return "rep-" + rep_id; }
std::string SplitStreamId(const std::string& deal_id) { return "split-" + deal_id; }
std::string OrderCreditStreamId(const std::string& order_id) { return "order-split-" + order_id; }
std::string LedgerStreamId(const std::string& rep_id) { return "ledger-" + rep_id; }

// ---- Targets ----

TargetKey KeyOf(const v1::Target& target) {
  return {.node = target.node_id(),
          .period = ParsePeriod(target.period()).value_or(Period{}),
          .metric = target.metric(),
          .product_line = target.product_line_id()};
}

v1::Target TargetOf(const TargetKey& key, int64_t value) {
  v1::Target target;
  target.set_node_id(key.node);
  target.set_period(PeriodName(key.period));
  target.set_metric(key.metric);
  target.set_product_line_id(key.product_line);
  target.set_value(value);
  return target;
}

int64_t TargetValue(const TargetsState& state, const TargetKey& key) {
  const auto found = state.table.find(key);
  return found == state.table.end() ? 0 : found->second;
}

TargetsState Evolve(TargetsState state, const v1::TargetsEvent& event) {
  if (event.has_target_set()) {
    const v1::Target& target = event.target_set().target();
    if (target.value() == 0) {
      state.table.erase(KeyOf(target));
    } else {
      state.table[KeyOf(target)] = target.value();
    }
  }
  return state;
}

std::vector<v1::TargetsEvent> DecideSetTargets(const TargetsState& state,
                                               const std::vector<v1::Target>& targets,
                                               absl::Time now) {
  std::vector<v1::TargetsEvent> events;
  for (const v1::Target& target : targets) {
    const int64_t previous = TargetValue(state, KeyOf(target));
    if (previous == target.value()) continue;
    v1::TargetSet& set = *events.emplace_back().mutable_target_set();
    *set.mutable_target() = target;
    set.set_previous_value(previous);
    *set.mutable_at() = ToTimestamp(now);
  }
  return events;
}

// ---- Plans ----

PlanCatalog Evolve(PlanCatalog catalog, const v1::PlanEvent& event) {
  if (event.has_plan_version_published()) {
    const v1::CompensationPlan& plan = event.plan_version_published().plan();
    catalog.plans[plan.plan_id()].push_back(plan);
  }
  return catalog;
}

std::vector<v1::PlanEvent> DecidePublish(const PlanCatalog& catalog, v1::CompensationPlan plan,
                                         absl::Time now) {
  const auto found = catalog.plans.find(plan.plan_id());
  const int32_t versions =
      found == catalog.plans.end() ? 0 : static_cast<int32_t>(found->second.size());
  plan.set_version(versions + 1);
  if (versions > 0) {
    v1::CompensationPlan latest = found->second.back();
    latest.set_version(plan.version());
    if (latest.SerializeAsString() == plan.SerializeAsString()) return {};
  }
  std::vector<v1::PlanEvent> events(1);
  *events[0].mutable_plan_version_published()->mutable_plan() = std::move(plan);
  *events[0].mutable_plan_version_published()->mutable_at() = ToTimestamp(now);
  return events;
}

const v1::CompensationPlan* PlanVersion(const PlanCatalog& catalog, const std::string& plan_id,
                                        int32_t version) {
  const auto found = catalog.plans.find(plan_id);
  if (found == catalog.plans.end() || found->second.empty()) return nullptr;
  const std::vector<v1::CompensationPlan>& versions = found->second;
  if (version == 0) return &versions.back();
  if (version < 0 || version > static_cast<int32_t>(versions.size())) return nullptr;
  return &versions[version - 1];
}

bool AnyPlanOnBasis(const PlanCatalog& catalog, v1::CommissionBasis basis) {
  for (const auto& [id, versions] : catalog.plans) {
    for (const v1::CompensationPlan& plan : versions) {
      if (plan.basis() == basis) return true;
    }
  }
  return false;
}

// ---- Assignments ----

v1::RepPlans Evolve(v1::RepPlans plans, const v1::RepEvent& event) {
  if (!event.has_plan_assigned()) return plans;
  const v1::PlanAssignment& assignment = event.plan_assigned().assignment();
  plans.set_rep_id(assignment.rep_id());
  auto* list = plans.mutable_assignments();
  auto same = std::find_if(list->begin(), list->end(), [&](const v1::PlanAssignment& a) {
    return a.from_period() == assignment.from_period();
  });
  if (same != list->end()) {
    *same = assignment;
  } else {
    *list->Add() = assignment;
    std::sort(list->begin(), list->end(),
              [](const v1::PlanAssignment& a, const v1::PlanAssignment& b) {
                return a.from_period() < b.from_period();
              });
  }
  return plans;
}

absl::StatusOr<std::vector<v1::RepEvent>> DecideAssign(const v1::RepPlans& plans,
                                                       const v1::PlanAssignment& assignment,
                                                       const std::string& last_closed,
                                                       absl::Time now) {
  if (!last_closed.empty() && assignment.from_period() <= last_closed) {
    return RuleViolated(
        "period_closed",
        absl::StrCat(assignment.from_period(), " is closed (closed up to ", last_closed,
                     "): assign from ", NextLedgerPeriod(last_closed), " or later"));
  }
  const v1::PlanAssignment* current = AssignmentFor(plans, assignment.from_period());
  if (current != nullptr && current->from_period() == assignment.from_period() &&
      current->plan_id() == assignment.plan_id() &&
      current->plan_version() == assignment.plan_version()) {
    return std::vector<v1::RepEvent>{};
  }
  std::vector<v1::RepEvent> events(1);
  *events[0].mutable_plan_assigned()->mutable_assignment() = assignment;
  *events[0].mutable_plan_assigned()->mutable_at() = ToTimestamp(now);
  return events;
}

const v1::PlanAssignment* AssignmentFor(const v1::RepPlans& plans, const std::string& period) {
  const v1::PlanAssignment* in_force = nullptr;
  for (const v1::PlanAssignment& assignment : plans.assignments()) {
    if (assignment.from_period() <= period) in_force = &assignment;
  }
  return in_force;
}

// ---- Splits ----

v1::CreditSplit Evolve(v1::CreditSplit split, const v1::SplitEvent& event) {
  if (event.has_credit_split_set()) {
    const v1::CreditSplitSet& set = event.credit_split_set();
    split.set_deal_id(set.deal_id());
    *split.mutable_shares() = set.shares();
    split.set_reason(set.reason());
    split.set_version(split.version() + 1);
  }
  return split;
}

std::vector<v1::SplitEvent> DecideSplit(const v1::CreditSplit& split,
                                        const v1::SetCreditSplitRequest& request, absl::Time now) {
  bool same = split.shares_size() == request.shares_size();
  for (int i = 0; same && i < split.shares_size(); ++i) {
    same = split.shares(i).SerializeAsString() == request.shares(i).SerializeAsString();
  }
  if (same) return {};
  std::vector<v1::SplitEvent> events(1);
  v1::CreditSplitSet& set = *events[0].mutable_credit_split_set();
  set.set_deal_id(request.deal_id());
  *set.mutable_shares() = request.shares();
  set.set_reason(request.reason());
  *set.mutable_at() = ToTimestamp(now);
  return events;
}

// ---- The split of an order ----

OrderCredit Evolve(OrderCredit credit, const v1::OrderCreditEvent& event) {
  if (event.has_order_split_fixed()) {
    credit.fixed = true;
    credit.shares.assign(event.order_split_fixed().shares().begin(),
                         event.order_split_fixed().shares().end());
  }
  return credit;
}

// ---- Periods ----

namespace {

v1::PeriodStatus* FindPeriod(v1::ListPeriodsResponse& periods, const std::string& period) {
  for (v1::PeriodStatus& status : *periods.mutable_periods()) {
    if (status.period() == period) return &status;
  }
  return nullptr;
}

const v1::PeriodStatus* FindPeriod(const v1::ListPeriodsResponse& periods,
                                   const std::string& period) {
  for (const v1::PeriodStatus& status : periods.periods()) {
    if (status.period() == period) return &status;
  }
  return nullptr;
}

}  // namespace

v1::ListPeriodsResponse Evolve(v1::ListPeriodsResponse periods, const v1::PeriodEvent& event) {
  switch (event.event_case()) {
    case v1::PeriodEvent::kPeriodClosed: {
      const v1::PeriodClosed& closed = event.period_closed();
      v1::PeriodStatus& status = *periods.add_periods();
      status.set_period(closed.period());
      status.set_closed(true);
      status.set_closed_by(closed.closed_by());
      *status.mutable_closed_at() = closed.at();
      periods.set_first_open(NextLedgerPeriod(closed.period()));
      break;
    }
    case v1::PeriodEvent::kPeriodApproved:
      if (v1::PeriodStatus* status = FindPeriod(periods, event.period_approved().period())) {
        status->set_approved(true);
        status->set_approved_by(event.period_approved().approved_by());
        *status->mutable_approved_at() = event.period_approved().at();
      }
      break;
    default:
      break;
  }
  return periods;
}

const std::string& LastClosed(const v1::ListPeriodsResponse& periods) {
  static const std::string* const kNone = new std::string();
  return periods.periods().empty() ? *kNone : periods.periods().rbegin()->period();
}

absl::StatusOr<std::vector<v1::PeriodEvent>> DecideClose(const v1::ListPeriodsResponse& periods,
                                                         const std::string& period,
                                                         const std::string& actor, absl::Time now) {
  const std::string& last = LastClosed(periods);
  if (FindPeriod(periods, period) != nullptr) {
    return RuleViolated("already_closed", absl::StrCat(period, " is closed already"));
  }
  if (!last.empty() && period != NextLedgerPeriod(last)) {
    return RuleViolated("periods_close_in_order",
                        absl::StrCat("the next period to close is ", NextLedgerPeriod(last)));
  }
  std::vector<v1::PeriodEvent> events(1);
  v1::PeriodClosed& closed = *events[0].mutable_period_closed();
  closed.set_period(period);
  closed.set_closed_by(actor);
  *closed.mutable_at() = ToTimestamp(now);
  return events;
}

absl::StatusOr<std::vector<v1::PeriodEvent>> DecideApprove(const v1::ListPeriodsResponse& periods,
                                                           const std::string& period,
                                                           const std::string& actor,
                                                           bool is_manager, absl::Time now) {
  const v1::PeriodStatus* status = FindPeriod(periods, period);
  if (status == nullptr) {
    return RuleViolated("not_closed", absl::StrCat(period, " is not closed: close it first"));
  }
  if (status->approved()) {
    return RuleViolated("already_approved",
                        absl::StrCat(period, " was approved already by ", status->approved_by()));
  }
  if (!is_manager) {
    return RuleViolated("not_a_manager", "a period is approved by a manager of reps in the org");
  }
  std::vector<v1::PeriodEvent> events(1);
  v1::PeriodApproved& approved = *events[0].mutable_period_approved();
  approved.set_period(period);
  approved.set_approved_by(actor);
  *approved.mutable_at() = ToTimestamp(now);
  return events;
}

absl::Status RequireOpen(const v1::ListPeriodsResponse& periods, const std::string& period) {
  const std::string& last = LastClosed(periods);
  if (last.empty()) return absl::OkStatus();
  absl::StatusOr<Period> parsed = ParsePeriod(period);
  if (!parsed.ok()) return parsed.status();
  // A period is closed once its last month is.
  if (LedgerPeriodOf(LastDay(*parsed)) <= last) {
    return RuleViolated("period_closed",
                        absl::StrCat(period, " is closed (closed up to ", last, ")"));
  }
  return absl::OkStatus();
}

}  // namespace sales::incentives
