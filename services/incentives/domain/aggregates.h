// The incentives context's small aggregates — their states, Evolve (the fold of their events)
// and Decide (the pure decision of a command on them): a year's targets ("targets-<year>"), every
// plan's versions ("plans"), a rep's plan assignments ("rep-<id>"), a deal's credit split
// ("split-<deal>"), the split an order was first credited under ("order-split-<id>") and the
// periods' close and approval ("periods"). The rep's ledger is ledger.h.
//
//   ASSIGN_OR_RETURN(std::vector<v1::PeriodEvent> events,
//                    DecideClose(periods, "2026-05", "wang.hao", now));
//
// Refusals: INVALID_ARGUMENT naming the field, FAILED_PRECONDITION naming the rule
// ("rule period_closed: …"). Pure functions; thread-safe.
#ifndef SALES_SERVICES_INCENTIVES_DOMAIN_AGGREGATES_H_
#define SALES_SERVICES_INCENTIVES_DOMAIN_AGGREGATES_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sales/incentives/v1/events.pb.h"
#include "sales/incentives/v1/incentives.pb.h"
#include "services/incentives/domain/targets.h"

namespace sales::incentives {

// ---- Stream ids ----
std::string TargetsStreamId(int year);
std::string RepStreamId(const std::string& rep_id);
std::string SplitStreamId(const std::string& deal_id);
std::string OrderCreditStreamId(const std::string& order_id);
std::string LedgerStreamId(const std::string& rep_id);
inline constexpr char kPlansStreamId[] = "plans";
inline constexpr char kPeriodsStreamId[] = "periods";

// ---- Targets of a year ----
struct TargetsState {
  TargetTable table;
};
TargetsState Evolve(TargetsState state, const v1::TargetsEvent& event);
// The events setting `targets` (validated) that change something; a value of 0 clears one.
std::vector<v1::TargetsEvent> DecideSetTargets(const TargetsState& state,
                                               const std::vector<v1::Target>& targets,
                                               absl::Time now);
TargetKey KeyOf(const v1::Target& target);  // a target whose period parses (validated)
v1::Target TargetOf(const TargetKey& key, int64_t value);
// The value of `key`, 0 when none.
int64_t TargetValue(const TargetsState& state, const TargetKey& key);

// ---- Every plan's versions (plans are few: one stream) ----
struct PlanCatalog {
  std::map<std::string, std::vector<v1::CompensationPlan>> plans;  // version i + 1 at index i
};
PlanCatalog Evolve(PlanCatalog catalog, const v1::PlanEvent& event);
// The plan (validated) as its next version; nothing when it equals its latest version.
std::vector<v1::PlanEvent> DecidePublish(const PlanCatalog& catalog, v1::CompensationPlan plan,
                                         absl::Time now);
// Version `version` (0: the latest) of `plan_id`; nullptr when there is none.
const v1::CompensationPlan* PlanVersion(const PlanCatalog& catalog, const std::string& plan_id,
                                        int32_t version);

// Whether any version of any plan pays on `basis`.
bool AnyPlanOnBasis(const PlanCatalog& catalog, v1::CommissionBasis basis);

// ---- A rep's plan assignments ----
v1::RepPlans Evolve(v1::RepPlans plans, const v1::RepEvent& event);
// `assignment` (validated; plan_version resolved) from its month on; one from the same month is
// replaced. FAILED_PRECONDITION period_closed when the month is closed (`last_closed`).
absl::StatusOr<std::vector<v1::RepEvent>> DecideAssign(const v1::RepPlans& plans,
                                                       const v1::PlanAssignment& assignment,
                                                       const std::string& last_closed,
                                                       absl::Time now);
// The assignment in force in `period` ("YYYY-MM"); nullptr when none.
const v1::PlanAssignment* AssignmentFor(const v1::RepPlans& plans, const std::string& period);

// ---- A deal's split ----
v1::CreditSplit Evolve(v1::CreditSplit split, const v1::SplitEvent& event);
// The split (validated), unless it is the current one already.
std::vector<v1::SplitEvent> DecideSplit(const v1::CreditSplit& split,
                                        const v1::SetCreditSplitRequest& request, absl::Time now);

// ---- The split an order was first credited under ----
struct OrderCredit {
  bool fixed = false;
  std::vector<v1::SplitShare> shares;
};
OrderCredit Evolve(OrderCredit credit, const v1::OrderCreditEvent& event);

// ---- Periods ----
v1::ListPeriodsResponse Evolve(v1::ListPeriodsResponse periods, const v1::PeriodEvent& event);
// The latest closed month ("" when none).
const std::string& LastClosed(const v1::ListPeriodsResponse& periods);
// Closes `period` ("YYYY-MM", validated): FAILED_PRECONDITION periods_close_in_order unless it is
// the month after the last closed one (any month when none is), already_closed when closed.
absl::StatusOr<std::vector<v1::PeriodEvent>> DecideClose(const v1::ListPeriodsResponse& periods,
                                                         const std::string& period,
                                                         const std::string& actor, absl::Time now);
// Approves a closed `period` by `actor`, who must be a manager (`is_manager`): not_closed,
// already_approved, not_a_manager.
absl::StatusOr<std::vector<v1::PeriodEvent>> DecideApprove(const v1::ListPeriodsResponse& periods,
                                                           const std::string& period,
                                                           const std::string& actor,
                                                           bool is_manager, absl::Time now);
// FAILED_PRECONDITION period_closed when `period` (any kind) has a closed month in it.
absl::Status RequireOpen(const v1::ListPeriodsResponse& periods, const std::string& period);

// The Evolve of `State` by `Wrapper` events as a callable, for LoadAggregate (declared after
// every Evolve above, so that it finds them).
template <typename State, typename Wrapper>
auto EvolveFn() {
  return [](State state, const Wrapper& event) { return Evolve(std::move(state), event); };
}

}  // namespace sales::incentives

#endif  // SALES_SERVICES_INCENTIVES_DOMAIN_AGGREGATES_H_
