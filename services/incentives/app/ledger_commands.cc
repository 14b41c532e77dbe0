// IncentivesApp: the commission ledger's own commands — the order movements and activities its
// process manager sends (see incentives_app.h, "Recording a movement").
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/eventsourcing/aggregate_loader.h"
#include "common/status/status_macros.h"
#include "common/time/business_time.h"
#include "common/time/proto_time.h"
#include "common/validation/field_validation.h"
#include "services/incentives/app/incentives_app.h"
#include "services/incentives/domain/ledger.h"
#include "services/incentives/domain/org_nodes.h"
#include "services/incentives/domain/periods.h"
#include "services/incentives/domain/splits.h"
#include "services/incentives/domain/statement.h"

namespace sales::incentives {
namespace {

// Retries of a batch whose append met another writer (its books are reloaded each time).
constexpr int kLedgerAttempts = 3;

const char* CommandName(const LedgerCommand& command) {
  return std::holds_alternative<OrderMovement>(command.what) ? "RecordOrderMovement"
                                                             : "RecordActivity";
}

eventsourcing::EnvelopeMetadata LedgerMetadata(const std::string& cause, const CallOrigin& o) {
  return {.actor = kLedgerActor, .correlation_id = o.correlation_id, .causation_id = cause};
}

}  // namespace

struct IncentivesApp::LedgerInputs {
  std::shared_ptr<const PlanCatalog> plans;
  org::OrgView::Snapshot org;  // where each rep stands (PlaceRep)
  std::string last_closed;     // the latest closed month: lines of closed months post after it
  std::map<std::pair<std::string, std::string>, PlanRef> plan_for;  // by (rep, month)
  std::map<int, std::shared_ptr<const TargetsState>> targets;       // by year
};

absl::StatusOr<const IncentivesApp::PlanRef*> IncentivesApp::PlanFor(LedgerInputs& inputs,
                                                                     const std::string& rep_id,
                                                                     const std::string& period) {
  auto key = std::make_pair(rep_id, period);
  auto found = inputs.plan_for.find(key);
  if (found == inputs.plan_for.end()) {
    ASSIGN_OR_RETURN(PlanRef plan, PlanInForceFor(rep_id, period));
    found = inputs.plan_for.emplace(std::move(key), std::move(plan)).first;
  }
  return &found->second;
}

absl::StatusOr<int64_t> IncentivesApp::RevenueTarget(LedgerInputs& inputs,
                                                     const std::string& rep_id,
                                                     absl::CivilDay day) {
  auto found = inputs.targets.find(static_cast<int>(day.year()));
  if (found == inputs.targets.end()) {
    ASSIGN_OR_RETURN(auto targets, Targets(static_cast<int>(day.year())));
    found = inputs.targets.emplace(static_cast<int>(day.year()), std::move(targets)).first;
  }
  return TargetValue(*found->second, {.node = RepNode(rep_id),
                                      .period = PeriodOf(PeriodKind::kMonth, day),
                                      .metric = v1::METRIC_REVENUE});
}

absl::StatusOr<IncentivesApp::OrderSplit> IncentivesApp::SplitOf(const OrderMovement& movement) {
  // Only this process manager fixes an order's split, one batch at a time: it cannot change
  // between this load and the append.
  ASSIGN_OR_RETURN(auto order_credit,
                   eventsourcing::LoadAggregate<v1::OrderCreditEvent>(
                       *options_.store, OrderCreditStreamId(movement.order_id), OrderCredit(),
                       EvolveFn<OrderCredit, v1::OrderCreditEvent>(), {}, &order_credits_));
  OrderSplit split{.shares = order_credit.state->shares,
                   .fixed = order_credit.state->fixed,
                   .version = order_credit.version};
  if (!split.fixed) {
    split.shares = SoleShare(movement.rep_id);
    if (!movement.deal_id.empty()) {
      ASSIGN_OR_RETURN(auto deal_split, Split(movement.deal_id));
      if (deal_split->shares_size() > 0) {
        split.shares.assign(deal_split->shares().begin(), deal_split->shares().end());
      }
    }
  }
  return split;
}

absl::StatusOr<std::vector<absl::StatusOr<LedgerOutcome>>> IncentivesApp::RecordLedger(
    const std::vector<LedgerCommand>& commands) {
  std::vector<absl::StatusOr<LedgerOutcome>> outcomes(commands.size(), LedgerOutcome{});
  auto recorded = [&]() -> absl::Status {
    LedgerInputs inputs;
    ASSIGN_OR_RETURN(inputs.plans, Plans());
    inputs.org = options_.org->Current();
    // The commands that may record something; refusals answered now, before any lock.
    std::vector<size_t> todo;
    todo.reserve(commands.size());
    for (size_t i = 0; i < commands.size(); ++i) {
      if (const auto* movement = std::get_if<OrderMovement>(&commands[i].what)) {
        absl::Status valid = ValidateId("order_id", movement->order_id);
        if (valid.ok()) valid = ValidateId("rep_id", movement->rep_id);
        if (!valid.ok()) {
          outcomes[i] = valid;
          continue;
        }
        // An invoice or a payment credits only reps on a plan of that basis: none, nothing to do.
        if ((movement->kind == MovementKind::kInvoiced &&
             !AnyPlanOnBasis(*inputs.plans, v1::COMMISSION_BASIS_INVOICED)) ||
            (movement->kind == MovementKind::kPaid &&
             !AnyPlanOnBasis(*inputs.plans, v1::COMMISSION_BASIS_PAID))) {
          continue;
        }
      } else {
        const auto& activity = std::get<ActivityCredit>(commands[i].what);
        absl::Status valid = ValidateId("rep_id", activity.rep_id);
        if (valid.ok()) {
          valid = RequireRep(*options_.org->Current().organisation, activity.rep_id, "rep_id");
        }
        if (!valid.ok()) {
          outcomes[i] = valid;
          continue;
        }
      }
      todo.push_back(i);
    }
    absl::ReaderMutexLock gate(&period_gate_);
    ASSIGN_OR_RETURN(auto periods, Periods());
    inputs.last_closed = LastClosed(*periods);
    size_t committed = 0;
    for (int attempt = 1;; ++attempt) {
      absl::Status status = RecordLedgerFrom(commands, todo, inputs, committed, outcomes);
      if (!absl::IsAborted(status) || attempt == kLedgerAttempts) return status;
    }
  }();
  for (size_t i = 0; i < commands.size(); ++i) {
    counter_.Count(CommandName(commands[i]), recorded.ok() ? outcomes[i].status() : recorded);
  }
  if (!recorded.ok()) return recorded;
  return outcomes;
}

std::vector<std::string> IncentivesApp::StreamsOf(const LedgerCommand& command,
                                                  const OrderSplit* split) {
  if (split == nullptr) return {LedgerStreamId(std::get<ActivityCredit>(command.what).rep_id)};
  std::vector<std::string> streams;
  streams.reserve(split->shares.size() + 1);
  for (const v1::SplitShare& share : split->shares) {
    streams.push_back(LedgerStreamId(share.rep_id()));
  }
  if (!split->fixed) {
    streams.push_back(OrderCreditStreamId(std::get<OrderMovement>(command.what).order_id));
  }
  return streams;
}

absl::Status IncentivesApp::RecordLedgerFrom(const std::vector<LedgerCommand>& commands,
                                             const std::vector<size_t>& todo, LedgerInputs& inputs,
                                             size_t& committed,
                                             std::vector<absl::StatusOr<LedgerOutcome>>& outcomes) {
  // Every stream the commands may append to, locked for the whole batch (in one global order).
  std::map<std::string, OrderSplit> splits;  // by order id
  std::vector<std::string> streams;
  for (size_t t = committed; t < todo.size(); ++t) {
    const LedgerCommand& command = commands[todo[t]];
    const OrderSplit* split = nullptr;
    if (const auto* movement = std::get_if<OrderMovement>(&command.what)) {
      auto [found, added] = splits.try_emplace(movement->order_id);
      if (added) {
        ASSIGN_OR_RETURN(found->second, SplitOf(*movement));
      }
      split = &found->second;
    }
    for (std::string& stream : StreamsOf(command, split)) streams.push_back(std::move(stream));
  }
  eventsourcing::StreamLocks::Held held(locks_, streams);
  LedgerAppend append(*options_.store, books_);  // forgets what did not land, before unlocking
  size_t gathered = committed;                   // todo[committed, gathered) wait in `append`
  for (; gathered < todo.size(); ++gathered) {
    const LedgerCommand& command = commands[todo[gathered]];
    const auto* movement = std::get_if<OrderMovement>(&command.what);
    // When this command's streams do not fit in the append, the gathered ones go first.
    if (!append.Fits(
            StreamsOf(command, movement != nullptr ? &splits[movement->order_id] : nullptr))) {
      RETURN_IF_ERROR(append.Commit().status());
      committed = gathered;
    }
    absl::StatusOr<LedgerOutcome> decided =
        movement != nullptr
            ? DecideMovement(*movement, command.origin, splits[movement->order_id], inputs, append)
            : DecideActivity(std::get<ActivityCredit>(command.what), command.origin, inputs,
                             append);
    RETURN_IF_ERROR(decided.status());
    outcomes[todo[gathered]] = *decided;
  }
  RETURN_IF_ERROR(append.Commit().status());
  committed = gathered;
  return absl::OkStatus();
}

absl::StatusOr<LedgerOutcome> IncentivesApp::DecideMovement(const OrderMovement& movement,
                                                            const CallOrigin& o, OrderSplit& split,
                                                            LedgerInputs& inputs,
                                                            LedgerAppend& append) {
  const std::string period = LedgerPeriodOf(movement.day);
  const std::string posted = PostingPeriod(period, inputs.last_closed);
  // Without a plan a rep is credited attainment only, as under the booked basis.
  static const auto* const no_plan = [] {
    auto* plan = new v1::CompensationPlan();
    plan->set_basis(v1::COMMISSION_BASIS_BOOKED);
    return plan;
  }();
  LedgerOutcome result;
  bool credits = false;
  const eventsourcing::EnvelopeMetadata metadata = LedgerMetadata(movement.cause_event_id, o);
  for (size_t i = 0; i < split.shares.size(); ++i) {
    const std::string& rep_id = split.shares[i].rep_id();
    ASSIGN_OR_RETURN(const PlanRef* plan, PlanFor(inputs, rep_id, period));
    const v1::CompensationPlan& rules = plan->plan != nullptr ? *plan->plan : *no_plan;
    const std::optional<OrderFact> fact = FactUnderBasis(rules.basis(), movement);
    if (!fact.has_value()) continue;
    credits = credits || fact->kind == FactKind::kCredit;
    OrderFact share_fact = std::move(SplitFact(*fact, split.shares)[i].second);
    ASSIGN_OR_RETURN(const int64_t target, RevenueTarget(inputs, rep_id, movement.day));
    ASSIGN_OR_RETURN(LedgerBooks::Book * book, books_.Get(rep_id));
    std::optional<v1::LedgerLinesRecorded> event =
        DecideOrderLines(book->ledger, {.plan = rules, .revenue_target = target}, share_fact);
    if (!event.has_value()) {  // recorded before (the books are the ledger's dedupe)
      result.deduplicated = true;
      continue;
    }
    event->set_posted_period(posted);
    PlaceRep(*inputs.org.organisation, rep_id, *event);
    result.lines += event->lines_size();
    ++result.reps;
    RETURN_IF_ERROR(
        append.AddLedger(rep_id, *book, *event, metadata, movement.deal_id, movement.at));
  }
  if (result.reps > 0) result.deduplicated = false;
  if (credits && !split.fixed) {
    v1::OrderCreditEvent event;
    v1::OrderSplitFixed& fixed = *event.mutable_order_split_fixed();
    fixed.set_order_id(movement.order_id);
    fixed.set_deal_id(movement.deal_id);
    for (const v1::SplitShare& share : split.shares) *fixed.add_shares() = share;
    *fixed.mutable_at() = ToTimestamp(movement.at);
    RETURN_IF_ERROR(append.AddOther(OrderCreditStreamId(movement.order_id),
                                    static_cast<int64_t>(split.version), event, metadata,
                                    movement.deal_id, movement.at));
    split.fixed = true;
  }
  return result;
}

absl::StatusOr<LedgerOutcome> IncentivesApp::DecideActivity(const ActivityCredit& activity,
                                                            const CallOrigin& o,
                                                            LedgerInputs& inputs,
                                                            LedgerAppend& append) {
  ASSIGN_OR_RETURN(LedgerBooks::Book * book, books_.Get(activity.rep_id));
  std::optional<v1::LedgerLinesRecorded> event =
      DecideActivityCredit(book->ledger, activity.cause_event_id, BusinessDayOf(activity.at),
                           activity.at, activity.metric);
  if (!event.has_value()) return LedgerOutcome{.deduplicated = true};
  event->set_posted_period(PostingPeriod(event->period(), inputs.last_closed));
  PlaceRep(*inputs.org.organisation, activity.rep_id, *event);
  RETURN_IF_ERROR(append.AddLedger(activity.rep_id, *book, *event,
                                   LedgerMetadata(activity.cause_event_id, o), "", activity.at));
  return LedgerOutcome{.reps = 1};
}

absl::StatusOr<LedgerOutcome> IncentivesApp::RecordOrderMovement(const OrderMovement& movement,
                                                                 const CallOrigin& o) {
  ASSIGN_OR_RETURN(auto outcomes, RecordLedger({{.what = movement, .origin = o}}));
  return outcomes.front();
}

absl::StatusOr<LedgerOutcome> IncentivesApp::RecordActivity(const ActivityCredit& activity,
                                                            const CallOrigin& o) {
  ASSIGN_OR_RETURN(auto outcomes, RecordLedger({{.what = activity, .origin = o}}));
  return outcomes.front();
}

}  // namespace sales::incentives
