#include "services/incentives/app/incentives_app.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/eventsourcing/aggregate_loader.h"
#include "common/eventsourcing/command_executor.h"
#include "common/money/rounding.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/business_time.h"
#include "common/time/proto_time.h"
#include "common/validation/field_validation.h"
#include "services/incentives/domain/ledger.h"
#include "services/incentives/domain/org_nodes.h"
#include "services/incentives/domain/periods.h"
#include "services/incentives/domain/splits.h"
#include "services/incentives/domain/statement.h"
#include "services/incentives/domain/validation.h"
#include "services/org/domain/org.h"

namespace sales::incentives {
namespace {

// How long a command refused on the org replica waits for it to catch up before deciding again.
constexpr absl::Duration kOrgCatchUpTimeout = absl::Seconds(1);
// The currency of a statement or attainment without a plan to say it.
constexpr char kStatementCurrency[] = "CNY";

// A command on one of the small aggregates: serialised on its stream, decided by `decide`
// (state → the events to append, or a refusal), appended with the request's meta at `now`, the
// events' occurred_at; the envelopes carry `deal_id`.
template <typename Wrapper, typename State, typename Request, typename Decide>
absl::StatusOr<eventsourcing::CommandOutcome<State>> ExecuteOn(
    eventstore::EventStore& store, eventsourcing::StreamLocks& locks, const std::string& stream,
    const Request& r, const CallOrigin& o, absl::Time now,
    eventsourcing::AggregateCache<State>& cache, Decide decide, const std::string& deal_id = "") {
  absl::MutexLock lock(&locks.For(stream));
  return eventsourcing::ExecuteCommand<Wrapper>(
      store, eventsourcing::OptionsFor(stream, r.meta(), o, eventsourcing::RequestFingerprint(r)),
      State(), EvolveFn<State, Wrapper>(),
      [&](const State& state) -> absl::StatusOr<std::vector<Wrapper>> { return decide(state); },
      [&](const State&) { return deal_id; }, &cache, eventsourcing::OccurredAtOfEvent(now));
}

std::optional<absl::Time> AsOf(const google::protobuf::Timestamp& as_of) {
  if (as_of.seconds() == 0 && as_of.nanos() == 0) return std::nullopt;
  return FromTimestamp(as_of);
}

bool IsManager(const org::v1::SalesOrganisation& org, const std::string& rep_id) {
  return std::any_of(org.reps().begin(), org.reps().end(),
                     [&](const org::v1::Rep& rep) { return rep.manager_rep_id() == rep_id; });
}

absl::Status RequireProductLine(const org::v1::SalesOrganisation& org, const std::string& line,
                                absl::string_view field) {
  if (line.empty()) return absl::OkStatus();
  for (const org::v1::ProductLine& known : org.product_lines()) {
    if (known.product_line_id() == line) return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat(field, ": no product line ", line, " in the org"));
}

v1::IncentivesCommandResponse VersionResponse(uint64_t version) {
  v1::IncentivesCommandResponse response;
  response.set_stream_version(version);
  return response;
}

// `total` shared by `weights` (empty: evenly over `count`), half-even, the remainder to the first.
std::vector<int64_t> Apportion(int64_t total, const std::vector<int64_t>& weights, size_t count) {
  std::vector<int64_t> parts(count, 0);
  if (count == 0) return parts;
  int64_t weight_sum = 0;
  for (size_t i = 0; i < count; ++i) weight_sum += weights.empty() ? 1 : weights[i];
  int64_t given = 0;
  for (size_t i = 0; i < count; ++i) {
    const int64_t weight = weights.empty() ? 1 : weights[i];
    parts[i] = money::DivideHalfEven(static_cast<__int128>(total) * weight, weight_sum);
    given += parts[i];
  }
  parts[0] += total - given;
  return parts;
}

v1::MetricAttainment ToProto(const MetricLine& line) {
  v1::MetricAttainment metric;
  metric.set_metric(line.metric);
  metric.set_credited(line.credited);
  metric.set_target(line.target);
  metric.set_attainment_defined(line.attainment_bp.has_value());
  metric.set_attainment_bp(line.attainment_bp.value_or(0));
  return metric;
}

}  // namespace

absl::StatusOr<std::unique_ptr<IncentivesApp>> IncentivesApp::Create(IncentivesAppOptions options) {
  if (options.store == nullptr || options.org == nullptr) {
    return absl::InvalidArgumentError("IncentivesApp needs a store and an org view");
  }
  return std::unique_ptr<IncentivesApp>(new IncentivesApp(std::move(options)));
}

IncentivesApp::IncentivesApp(IncentivesAppOptions options)
    : options_(std::move(options)), books_(*options_.store) {}

// ---- Aggregates ----

absl::StatusOr<std::shared_ptr<const TargetsState>> IncentivesApp::Targets(
    int year, std::optional<absl::Time> as_of) {
  ASSIGN_OR_RETURN(auto loaded, eventsourcing::LoadAggregate<v1::TargetsEvent>(
                                    *options_.store, TargetsStreamId(year), TargetsState(),
                                    EvolveFn<TargetsState, v1::TargetsEvent>(),
                                    eventsourcing::FoldLimit::AsOf(as_of), &targets_));
  return loaded.state;
}

absl::StatusOr<std::shared_ptr<const PlanCatalog>> IncentivesApp::Plans(
    std::optional<absl::Time> as_of) {
  ASSIGN_OR_RETURN(auto loaded, eventsourcing::LoadAggregate<v1::PlanEvent>(
                                    *options_.store, kPlansStreamId, PlanCatalog(),
                                    EvolveFn<PlanCatalog, v1::PlanEvent>(),
                                    eventsourcing::FoldLimit::AsOf(as_of), &plans_));
  return loaded.state;
}

absl::StatusOr<std::shared_ptr<const v1::RepPlans>> IncentivesApp::RepPlansOf(
    const std::string& rep_id, std::optional<absl::Time> as_of) {
  ASSIGN_OR_RETURN(auto loaded, eventsourcing::LoadAggregate<v1::RepEvent>(
                                    *options_.store, RepStreamId(rep_id), v1::RepPlans(),
                                    EvolveFn<v1::RepPlans, v1::RepEvent>(),
                                    eventsourcing::FoldLimit::AsOf(as_of), &rep_plans_));
  return loaded.state;
}

absl::StatusOr<std::shared_ptr<const v1::ListPeriodsResponse>> IncentivesApp::Periods(
    std::optional<absl::Time> as_of) {
  ASSIGN_OR_RETURN(auto loaded, eventsourcing::LoadAggregate<v1::PeriodEvent>(
                                    *options_.store, kPeriodsStreamId, v1::ListPeriodsResponse(),
                                    EvolveFn<v1::ListPeriodsResponse, v1::PeriodEvent>(),
                                    eventsourcing::FoldLimit::AsOf(as_of), &periods_));
  return loaded.state;
}

absl::StatusOr<std::shared_ptr<const v1::CreditSplit>> IncentivesApp::Split(
    const std::string& deal_id) {
  ASSIGN_OR_RETURN(auto loaded, eventsourcing::LoadAggregate<v1::SplitEvent>(
                                    *options_.store, SplitStreamId(deal_id), v1::CreditSplit(),
                                    EvolveFn<v1::CreditSplit, v1::SplitEvent>(), {}, &splits_));
  return loaded.state;
}

absl::StatusOr<IncentivesApp::PlanRef> IncentivesApp::PlanInForceFor(
    const std::string& rep_id, const std::string& period, std::optional<absl::Time> as_of) {
  ASSIGN_OR_RETURN(auto assignments, RepPlansOf(rep_id, as_of));
  const v1::PlanAssignment* assignment = AssignmentFor(*assignments, period);
  if (assignment == nullptr) return PlanRef{};
  PlanRef ref;
  ASSIGN_OR_RETURN(ref.catalog, Plans(as_of));
  ref.plan = PlanVersion(*ref.catalog, assignment->plan_id(), assignment->plan_version());
  return ref;
}

bool IncentivesApp::IsRep(const std::string& rep_id) const {
  return org::FindRep(*options_.org->Current().organisation, rep_id) != nullptr;
}

// ---- Targets ----

absl::StatusOr<v1::IncentivesCommandResponse> IncentivesApp::SetTarget(
    const v1::SetTargetRequest& r, const CallOrigin& o) {
  auto outcome = [&]() -> absl::StatusOr<uint64_t> {
    RETURN_IF_ERROR(ValidateSetTarget(r));
    const int year = KeyOf(r.target()).period.year;
    return org::DecideWithOrgCatchUp(
        *options_.org, kOrgCatchUpTimeout, [&]() -> absl::StatusOr<uint64_t> {
          const org::OrgView::Snapshot org = options_.org->Current();
          v1::Target target = r.target();
          ASSIGN_OR_RETURN(*target.mutable_node_id(),
                           ResolveNode(*org.organisation, target.node_id(), "target.node_id"));
          RETURN_IF_ERROR(RequireProductLine(*org.organisation, target.product_line_id(),
                                             "target.product_line_id"));
          ASSIGN_OR_RETURN(auto periods, Periods());
          RETURN_IF_ERROR(RequireOpen(*periods, r.target().period()));
          const std::string stream = TargetsStreamId(year);
          const absl::Time now = options_.clock();
          ASSIGN_OR_RETURN(auto executed, ExecuteOn<v1::TargetsEvent>(
                                              *options_.store, locks_, stream, r, o, now, targets_,
                                              [&](const TargetsState& state) {
                                                return DecideSetTargets(state, {target}, now);
                                              }));
          return executed.version;
        });
  }();
  counter_.Count("SetTarget", outcome.status());
  RETURN_IF_ERROR(outcome.status());
  return VersionResponse(*outcome);
}

absl::StatusOr<v1::IncentivesCommandResponse> IncentivesApp::DecomposeTarget(
    const v1::DecomposeTargetRequest& r, const CallOrigin& o) {
  auto outcome = [&]() -> absl::StatusOr<uint64_t> {
    RETURN_IF_ERROR(ValidateDecomposeTarget(r));
    ASSIGN_OR_RETURN(const Period period, ParsePeriod(r.period()));
    const org::OrgView::Snapshot org = options_.org->Current();
    ASSIGN_OR_RETURN(const std::string node,
                     ResolveNode(*org.organisation, r.node_id(), "node_id"));
    RETURN_IF_ERROR(RequireProductLine(*org.organisation, r.product_line_id(), "product_line_id"));
    // The children: sub-periods of the same node, or org children for the same period.
    std::vector<TargetKey> children;
    const TargetKey parent{
        .node = node, .period = period, .metric = r.metric(), .product_line = r.product_line_id()};
    if (r.into() == v1::DECOMPOSE_INTO_SUB_PERIODS) {
      for (const Period& sub : Children(period)) {
        children.push_back({parent.node, sub, parent.metric, parent.product_line});
      }
    } else {
      for (const std::string& child : NodeChildren(*org.organisation, node)) {
        children.push_back({child, period, parent.metric, parent.product_line});
      }
    }
    if (children.empty()) {
      return RuleViolated("nothing_to_decompose", absl::StrCat(node, " has no org children"));
    }
    if (r.weights_size() != 0 && static_cast<size_t>(r.weights_size()) != children.size()) {
      return InvalidField("weights", absl::StrCat("one per child: ", children.size()));
    }
    ASSIGN_OR_RETURN(auto periods, Periods());
    for (const TargetKey& child : children) {
      RETURN_IF_ERROR(RequireOpen(*periods, PeriodName(child.period)));
    }
    const std::string stream = TargetsStreamId(period.year);
    const absl::Time now = options_.clock();
    ASSIGN_OR_RETURN(
        auto executed,
        ExecuteOn<v1::TargetsEvent>(
            *options_.store, locks_, stream, r, o, now, targets_,
            [&](const TargetsState& state) -> absl::StatusOr<std::vector<v1::TargetsEvent>> {
              const int64_t value = TargetValue(state, parent);
              if (value == 0) {
                return absl::NotFoundError(
                    absl::StrCat("no target of ", node, " for ", r.period(), " to decompose"));
              }
              const std::vector<int64_t> parts =
                  Apportion(value, {r.weights().begin(), r.weights().end()}, children.size());
              std::vector<v1::Target> targets;
              for (size_t i = 0; i < children.size(); ++i) {
                targets.push_back(TargetOf(children[i], parts[i]));
              }
              return DecideSetTargets(state, targets, now);
            }));
    return executed.version;
  }();
  counter_.Count("DecomposeTarget", outcome.status());
  RETURN_IF_ERROR(outcome.status());
  return VersionResponse(*outcome);
}

absl::StatusOr<v1::ListTargetsResponse> IncentivesApp::ListTargets(
    const v1::ListTargetsRequest& r) {
  RETURN_IF_ERROR(ValidateListTargets(r));
  ASSIGN_OR_RETURN(const Period year, ParsePeriod(r.year()));
  std::string node;
  if (!r.node_id().empty()) {
    ASSIGN_OR_RETURN(node,
                     ResolveNode(*options_.org->Current().organisation, r.node_id(), "node_id"));
  }
  ASSIGN_OR_RETURN(auto targets, Targets(year.year));
  v1::ListTargetsResponse response;
  for (const auto& [key, value] : targets->table) {
    if (!node.empty() && key.node != node) continue;
    if (r.metric() != v1::METRIC_UNSPECIFIED && key.metric != r.metric()) continue;
    *response.add_targets() = TargetOf(key, value);
  }
  return response;
}

absl::StatusOr<v1::ListTargetGapsResponse> IncentivesApp::ListTargetGaps(
    const v1::ListTargetGapsRequest& r) {
  RETURN_IF_ERROR(ValidateListTargetGaps(r));
  ASSIGN_OR_RETURN(const Period year, ParsePeriod(r.year()));
  ASSIGN_OR_RETURN(auto targets, Targets(year.year));
  const org::OrgView::Snapshot org = options_.org->Current();
  const std::vector<TargetGap> gaps = incentives::ListTargetGaps(
      targets->table,
      [&](const std::string& node) { return NodeChildren(*org.organisation, node); });
  v1::ListTargetGapsResponse response;
  for (const TargetGap& gap : gaps) {
    if (r.metric() != v1::METRIC_UNSPECIFIED && gap.parent.metric != r.metric()) continue;
    v1::TargetGap& out = *response.add_gaps();
    *out.mutable_parent() = TargetOf(gap.parent, gap.parent_value);
    out.set_kind(gap.kind == GapKind::kOrganisation ? v1::GAP_KIND_ORGANISATION
                                                    : v1::GAP_KIND_TIME);
    out.set_children_sum(gap.children_sum);
    out.set_gap(gap.gap);
    out.set_children(gap.children);
    out.set_children_with_target(gap.children_with_target);
  }
  return response;
}

// ---- Plans ----

absl::StatusOr<v1::IncentivesCommandResponse> IncentivesApp::PublishPlan(
    const v1::PublishPlanRequest& r, const CallOrigin& o) {
  auto outcome = [&]() -> absl::StatusOr<v1::IncentivesCommandResponse> {
    RETURN_IF_ERROR(ValidatePublishPlan(r));
    const absl::Time now = options_.clock();
    ASSIGN_OR_RETURN(auto executed,
                     ExecuteOn<v1::PlanEvent>(*options_.store, locks_, kPlansStreamId, r, o, now,
                                              plans_, [&](const PlanCatalog& catalog) {
                                                return DecidePublish(catalog, r.plan(), now);
                                              }));
    v1::IncentivesCommandResponse response = VersionResponse(executed.version);
    if (const v1::CompensationPlan* plan = PlanVersion(*executed.state, r.plan().plan_id(), 0)) {
      response.set_version(plan->version());
    }
    return response;
  }();
  counter_.Count("PublishPlan", outcome.status());
  return outcome;
}

absl::StatusOr<v1::CompensationPlan> IncentivesApp::GetPlan(const v1::GetPlanRequest& r) {
  RETURN_IF_ERROR(ValidateId("plan_id", r.plan_id()));
  if (r.version() < 0) return InvalidField("version", "0 (latest) or above");
  ASSIGN_OR_RETURN(auto plans, Plans());
  const v1::CompensationPlan* plan = PlanVersion(*plans, r.plan_id(), r.version());
  if (plan == nullptr) {
    return absl::NotFoundError(absl::StrCat("no plan ", r.plan_id(), " version ", r.version()));
  }
  return *plan;
}

absl::StatusOr<v1::ListPlansResponse> IncentivesApp::ListPlans(const v1::ListPlansRequest&) {
  ASSIGN_OR_RETURN(auto plans, Plans());
  v1::ListPlansResponse response;
  for (const auto& [id, versions] : plans->plans) *response.add_plans() = versions.back();
  return response;
}

absl::StatusOr<v1::IncentivesCommandResponse> IncentivesApp::AssignPlan(
    const v1::AssignPlanRequest& r, const CallOrigin& o) {
  auto outcome = [&]() -> absl::StatusOr<uint64_t> {
    RETURN_IF_ERROR(ValidateAssignPlan(r));
    v1::PlanAssignment assignment = r.assignment();
    ASSIGN_OR_RETURN(auto plans, Plans());
    const v1::CompensationPlan* plan =
        PlanVersion(*plans, assignment.plan_id(), assignment.plan_version());
    if (plan == nullptr) {
      return absl::NotFoundError(absl::StrCat("assignment.plan_id: no plan ", assignment.plan_id(),
                                              " version ", assignment.plan_version()));
    }
    assignment.set_plan_version(plan->version());
    return org::DecideWithOrgCatchUp(
        *options_.org, kOrgCatchUpTimeout, [&]() -> absl::StatusOr<uint64_t> {
          const org::OrgView::Snapshot org = options_.org->Current();
          RETURN_IF_ERROR(RequireRep(*org.organisation, assignment.rep_id(), "assignment.rep_id"));
          ASSIGN_OR_RETURN(auto periods, Periods());
          const std::string stream = RepStreamId(assignment.rep_id());
          const absl::Time now = options_.clock();
          ASSIGN_OR_RETURN(auto executed,
                           ExecuteOn<v1::RepEvent>(*options_.store, locks_, stream, r, o, now,
                                                   rep_plans_, [&](const v1::RepPlans& current) {
                                                     return DecideAssign(current, assignment,
                                                                         LastClosed(*periods), now);
                                                   }));
          return executed.version;
        });
  }();
  counter_.Count("AssignPlan", outcome.status());
  RETURN_IF_ERROR(outcome.status());
  return VersionResponse(*outcome);
}

absl::StatusOr<v1::RepPlans> IncentivesApp::GetRepPlans(const v1::GetRepPlansRequest& r) {
  RETURN_IF_ERROR(ValidateId("rep_id", r.rep_id()));
  ASSIGN_OR_RETURN(auto plans, RepPlansOf(r.rep_id()));
  v1::RepPlans response = *plans;
  response.set_rep_id(r.rep_id());
  return response;
}

// ---- Splits ----

absl::StatusOr<v1::IncentivesCommandResponse> IncentivesApp::SetCreditSplit(
    const v1::SetCreditSplitRequest& r, const CallOrigin& o) {
  auto outcome = [&]() -> absl::StatusOr<uint64_t> {
    RETURN_IF_ERROR(ValidateSetCreditSplit(r));
    return org::DecideWithOrgCatchUp(
        *options_.org, kOrgCatchUpTimeout, [&]() -> absl::StatusOr<uint64_t> {
          const org::OrgView::Snapshot org = options_.org->Current();
          for (int i = 0; i < r.shares_size(); ++i) {
            RETURN_IF_ERROR(RequireRep(*org.organisation, r.shares(i).rep_id(),
                                       absl::StrCat("shares[", i, "].rep_id")));
          }
          const std::string stream = SplitStreamId(r.deal_id());
          const absl::Time now = options_.clock();
          ASSIGN_OR_RETURN(auto executed, ExecuteOn<v1::SplitEvent>(
                                              *options_.store, locks_, stream, r, o, now, splits_,
                                              [&](const v1::CreditSplit& split) {
                                                return DecideSplit(split, r, now);
                                              },
                                              r.deal_id()));
          return executed.version;
        });
  }();
  counter_.Count("SetCreditSplit", outcome.status());
  RETURN_IF_ERROR(outcome.status());
  return VersionResponse(*outcome);
}

absl::StatusOr<v1::CreditSplit> IncentivesApp::GetCreditSplit(const v1::GetCreditSplitRequest& r) {
  RETURN_IF_ERROR(ValidateId("deal_id", r.deal_id()));
  ASSIGN_OR_RETURN(auto split, Split(r.deal_id()));
  if (split->version() == 0) {
    return absl::NotFoundError(absl::StrCat("no credit split for deal ", r.deal_id(),
                                            ": its orders credit their rep alone"));
  }
  return *split;
}

// ---- Periods ----

absl::StatusOr<v1::IncentivesCommandResponse> IncentivesApp::ClosePeriod(
    const v1::ClosePeriodRequest& r, const CallOrigin& o) {
  auto outcome = [&]() -> absl::StatusOr<uint64_t> {
    RETURN_IF_ERROR(ValidateClosePeriod(r));
    absl::WriterMutexLock gate(&period_gate_);  // no ledger recording in flight
    const absl::Time now = options_.clock();
    ASSIGN_OR_RETURN(
        auto executed,
        ExecuteOn<v1::PeriodEvent>(*options_.store, locks_, kPeriodsStreamId, r, o, now, periods_,
                                   [&](const v1::ListPeriodsResponse& periods) {
                                     return DecideClose(periods, r.period(), r.meta().actor(), now);
                                   }));
    return executed.version;
  }();
  counter_.Count("ClosePeriod", outcome.status());
  RETURN_IF_ERROR(outcome.status());
  return VersionResponse(*outcome);
}

absl::StatusOr<v1::IncentivesCommandResponse> IncentivesApp::ApprovePeriod(
    const v1::ApprovePeriodRequest& r, const CallOrigin& o) {
  auto outcome = [&]() -> absl::StatusOr<uint64_t> {
    RETURN_IF_ERROR(ValidateApprovePeriod(r));
    const org::OrgView::Snapshot org = options_.org->Current();
    const bool manager = IsManager(*org.organisation, r.meta().actor());
    const absl::Time now = options_.clock();
    ASSIGN_OR_RETURN(auto executed, ExecuteOn<v1::PeriodEvent>(
                                        *options_.store, locks_, kPeriodsStreamId, r, o, now,
                                        periods_, [&](const v1::ListPeriodsResponse& periods) {
                                          return DecideApprove(periods, r.period(),
                                                               r.meta().actor(), manager, now);
                                        }));
    return executed.version;
  }();
  counter_.Count("ApprovePeriod", outcome.status());
  RETURN_IF_ERROR(outcome.status());
  return VersionResponse(*outcome);
}

absl::StatusOr<v1::ListPeriodsResponse> IncentivesApp::ListPeriods(const v1::ListPeriodsRequest&) {
  ASSIGN_OR_RETURN(auto periods, Periods());
  v1::ListPeriodsResponse response = *periods;
  return response;
}

// ---- Adjustments (the ledger's other commands are in ledger_commands.cc) ----

absl::StatusOr<v1::IncentivesCommandResponse> IncentivesApp::RecordAdjustment(
    const v1::RecordAdjustmentRequest& r, const CallOrigin& o) {
  auto outcome = [&]() -> absl::StatusOr<v1::IncentivesCommandResponse> {
    RETURN_IF_ERROR(ValidateRecordAdjustment(r));
    RETURN_IF_ERROR(
        org::DecideWithOrgCatchUp(*options_.org, kOrgCatchUpTimeout, [&]() -> absl::StatusOr<bool> {
          RETURN_IF_ERROR(RequireRep(*options_.org->Current().organisation, r.rep_id(), "rep_id"));
          return true;
        }).status());
    ASSIGN_OR_RETURN(const PlanRef plan, PlanInForceFor(r.rep_id(), r.period()));
    if (plan.plan != nullptr && plan.plan->base_pay().currency() != r.amount().currency()) {
      return InvalidField("amount.currency", absl::StrCat("the rep's plan pays in ",
                                                          plan.plan->base_pay().currency()));
    }
    const std::string cause = eventsourcing::GeneratedId("adj-", r.meta());
    if (!r.meta().idempotency_key().empty()) {
      ASSIGN_OR_RETURN(auto earlier,
                       options_.store->FindIdempotentAppend(absl::StrCat("ledger:", cause), cause));
      if (earlier.has_value() && !earlier->empty()) {
        v1::IncentivesCommandResponse response = VersionResponse(earlier->front().last_version);
        response.set_generated_id(cause);
        return response;
      }
    }
    absl::ReaderMutexLock gate(&period_gate_);
    ASSIGN_OR_RETURN(auto periods, Periods());
    RETURN_IF_ERROR(RequireOpen(*periods, r.period()));
    absl::MutexLock lock(&locks_.For(LedgerStreamId(r.rep_id())));
    const absl::Time now = options_.clock();
    ASSIGN_OR_RETURN(LedgerBooks::Book * book, books_.Get(r.rep_id()));
    std::optional<v1::LedgerLinesRecorded> event =
        DecideAdjustment(book->ledger, cause, r.period(), r.amount().units(), r.amount().currency(),
                         r.reason(), r.meta().actor(), now);
    if (!event.has_value()) return absl::AlreadyExistsError("adjustment recorded already");
    event->set_posted_period(r.period());
    PlaceRep(*options_.org->Current().organisation, r.rep_id(), *event);
    LedgerAppend append(*options_.store, books_);
    RETURN_IF_ERROR(append.AddLedger(
        r.rep_id(), *book, *event,
        {.actor = kLedgerActor, .correlation_id = o.correlation_id, .causation_id = cause}, "",
        now));
    ASSIGN_OR_RETURN(const uint64_t version, append.Commit(absl::StrCat("ledger:", cause), cause));
    v1::IncentivesCommandResponse response = VersionResponse(version);
    response.set_generated_id(cause);
    return response;
  }();
  counter_.Count("RecordAdjustment", outcome.status());
  return outcome;
}

// ---- Statements ----

absl::StatusOr<v1::CommissionStatement> IncentivesApp::GetStatement(
    const v1::GetStatementRequest& r) {
  RETURN_IF_ERROR(ValidateGetStatement(r));
  const std::optional<absl::Time> as_of = AsOf(r.as_of());
  const absl::Time answered_for = as_of.value_or(options_.clock());
  ASSIGN_OR_RETURN(const Period month, ParsePeriod(r.period()));
  ASSIGN_OR_RETURN(auto targets, Targets(month.year, as_of));
  std::map<v1::Metric, int64_t> rep_targets;
  for (const auto& [key, value] : targets->table) {
    if (key.node == RepNode(r.rep_id()) && key.period == month && key.product_line.empty()) {
      rep_targets[key.metric] = value;
    }
  }
  Statement statement;
  if (as_of.has_value()) {
    ASSIGN_OR_RETURN(StatementFold fold, FoldStatementsAsOf(*options_.store, r.rep_id(), as_of));
    statement = fold.StatementOf(r.period(), rep_targets);
  } else {
    absl::MutexLock lock(&locks_.For(LedgerStreamId(r.rep_id())));
    ASSIGN_OR_RETURN(LedgerBooks::Book * book, books_.Get(r.rep_id()));
    statement = book->statements.StatementOf(r.period(), rep_targets);
  }
  ASSIGN_OR_RETURN(const PlanRef plan, PlanInForceFor(r.rep_id(), r.period(), as_of));
  ASSIGN_OR_RETURN(auto periods, Periods(as_of));

  v1::CommissionStatement response;
  response.set_rep_id(r.rep_id());
  response.set_period(r.period());
  const std::string currency =
      plan.plan != nullptr ? plan.plan->base_pay().currency() : kStatementCurrency;
  if (plan.plan != nullptr) {
    response.set_plan_id(plan.plan->plan_id());
    response.set_plan_version(plan.plan->version());
    *response.mutable_base_pay() = plan.plan->base_pay();
  } else {
    response.mutable_base_pay()->set_currency(currency);
  }
  for (v1::LedgerLine& line : statement.lines) *response.add_lines() = std::move(line);
  for (const auto& [kind, amount] : statement.total_by_kind) {
    v1::KindTotal& total = *response.add_totals();
    total.set_kind(static_cast<v1::LineKind>(kind));
    total.mutable_amount()->set_units(amount);
    total.mutable_amount()->set_currency(currency);
  }
  response.mutable_commission()->set_units(statement.earnings);
  response.mutable_commission()->set_currency(currency);
  response.mutable_total_pay()->set_units(statement.earnings + response.base_pay().units());
  response.mutable_total_pay()->set_currency(currency);
  for (const MetricLine& line : statement.metrics) *response.add_metrics() = ToProto(line);
  for (const v1::PeriodStatus& status : periods->periods()) {
    if (status.period() != r.period()) continue;
    response.set_closed(status.closed());
    response.set_approved(status.approved());
    response.set_closed_by(status.closed_by());
    response.set_approved_by(status.approved_by());
  }
  *response.mutable_as_of() = ToTimestamp(answered_for);
  return response;
}

absl::StatusOr<v1::Attainment> IncentivesApp::GetAttainment(const v1::GetAttainmentRequest& r) {
  RETURN_IF_ERROR(ValidateGetAttainment(r));
  const std::optional<absl::Time> as_of = AsOf(r.as_of());
  ASSIGN_OR_RETURN(const Period period, ParsePeriod(r.period()));
  const org::OrgView::Snapshot org = options_.org->Current();
  ASSIGN_OR_RETURN(const std::string node, ResolveNode(*org.organisation, r.node_id(), "node_id"));
  const std::vector<std::string> reps = RepsUnder(*org.organisation, node);
  std::vector<std::string> months;
  for (absl::CivilMonth m(FirstDay(period)); m <= absl::CivilMonth(LastDay(period)); ++m) {
    months.push_back(LedgerPeriodOf(absl::CivilDay(m)));
  }
  std::map<v1::Metric, int64_t> credited;
  int64_t commission = 0;
  for (const std::string& rep : reps) {
    std::vector<Statement> statements;
    if (as_of.has_value()) {
      ASSIGN_OR_RETURN(StatementFold fold, FoldStatementsAsOf(*options_.store, rep, as_of));
      for (const std::string& month : months) statements.push_back(fold.StatementOf(month, {}));
    } else {
      absl::MutexLock lock(&locks_.For(LedgerStreamId(rep)));
      ASSIGN_OR_RETURN(LedgerBooks::Book * book, books_.Get(rep));
      for (const std::string& month : months) {
        statements.push_back(book->statements.StatementOf(month, {}));
      }
    }
    for (const Statement& statement : statements) {
      commission += statement.earnings;
      for (const MetricLine& line : statement.metrics) credited[line.metric] += line.credited;
    }
  }
  ASSIGN_OR_RETURN(auto targets, Targets(period.year, as_of));
  v1::Attainment response;
  response.set_node_id(node);
  response.set_period(r.period());
  response.set_reps(static_cast<int32_t>(reps.size()));
  for (int m = v1::METRIC_REVENUE; m <= v1::METRIC_PROPOSALS; ++m) {
    const auto metric = static_cast<v1::Metric>(m);
    MetricLine line{
        .metric = metric,
        .credited = credited[metric],
        .target = TargetValue(*targets, {.node = node, .period = period, .metric = metric})};
    if (line.target > 0) {
      line.attainment_bp =
          money::DivideHalfEven(static_cast<__int128>(line.credited) * 10'000, line.target);
    }
    *response.add_metrics() = ToProto(line);
  }
  response.mutable_commission()->set_units(commission);
  response.mutable_commission()->set_currency(kStatementCurrency);
  *response.mutable_as_of() = ToTimestamp(as_of.value_or(options_.clock()));
  return response;
}

}  // namespace sales::incentives
