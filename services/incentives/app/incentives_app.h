// IncentivesApp: the incentives context's command handling and queries — targets and their
// decomposition, plans and assignments, credit splits, period close, manual adjustments — and the
// commission ledger's own commands, which its process manager (ledger_process/) sends for every
// order movement and logged visit or proposal.
//
//   ASSIGN_OR_RETURN(auto app, IncentivesApp::Create({.store = store, .org = &org_view}));
//   ASSIGN_OR_RETURN(v1::IncentivesCommandResponse r, app->PublishPlan(request, origin));
//   ASSIGN_OR_RETURN(v1::CommissionStatement s, app->GetStatement(statement_request));
//
// Recording a movement (RecordLedger): the order's split (fixed at its first credit, else the
// deal's current split, else the order's rep alone); per share, the rep's plan in force for the
// movement's month (none: attainment only) decides under its basis what is credited or reversed
// (domain/basis.h), and the rep's ledger decides the lines (domain/ledger.h). A batch of
// movements and activities (the process manager's, one per runner batch) is decided in order,
// each seeing the ones before, and appended with the orders' splits in as few AppendAlls as the
// store's limits allow (ledger_append.h); each command is idempotent on its causing event's id,
// so a replay writes nothing. Ledger lines post to their month, or to the first open one when their
// month closed before they were recorded: closing a month waits for recordings in flight and
// holds new ones back until it has landed, so what a line says it posted to is what the store's
// order says.
//
// As of: statements and attainment as they stood at an instant fold the same events (recorded
// at or before it) with the same StatementFold; the targets, plan assignments and period closes
// folded likewise.
//
// Thread-safety: every method may be called concurrently. Methods block on RocksDB: call them
// from an executor, not from a gRPC reaction thread.
#ifndef SALES_SERVICES_INCENTIVES_APP_INCENTIVES_APP_H_
#define SALES_SERVICES_INCENTIVES_APP_INCENTIVES_APP_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/eventsourcing/aggregate_cache.h"
#include "common/eventsourcing/command_support.h"
#include "common/eventstore/event_store.h"
#include "sales/incentives/v1/incentives.pb.h"
#include "services/incentives/app/ledger_append.h"
#include "services/incentives/app/ledger_books.h"
#include "services/incentives/domain/aggregates.h"
#include "services/incentives/domain/basis.h"
#include "services/org/replica/org_view.h"

namespace sales::incentives {

using eventsourcing::CallOrigin;

inline constexpr char kLedgerActor[] = "system:commission-ledger";

struct IncentivesAppOptions {
  eventstore::EventStore* store = nullptr;  // the incentives event store; must outlive the app
  org::OrgView* org = nullptr;              // the org replica; must outlive the app
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

// A visit or proposal logged (metric METRIC_VISITS or METRIC_PROPOSALS), credited to `rep_id`.
struct ActivityCredit {
  std::string cause_event_id;
  std::string rep_id;
  absl::Time at;
  v1::Metric metric = v1::METRIC_UNSPECIFIED;
};

// One of the ledger's own commands, with the call it came from.
struct LedgerCommand {
  std::variant<OrderMovement, ActivityCredit> what;
  CallOrigin origin;
};

// What recording a movement or activity did.
struct LedgerOutcome {
  bool deduplicated = false;  // its cause was recorded before: nothing written
  int reps = 0;               // reps whose ledger got an event
  int lines = 0;              // ledger lines recorded
};

class IncentivesApp {
 public:
  static absl::StatusOr<std::unique_ptr<IncentivesApp>> Create(IncentivesAppOptions options);

  // ---- Commands ----
  absl::StatusOr<v1::IncentivesCommandResponse> SetTarget(const v1::SetTargetRequest& r,
                                                          const CallOrigin& o);
  absl::StatusOr<v1::IncentivesCommandResponse> DecomposeTarget(const v1::DecomposeTargetRequest& r,
                                                                const CallOrigin& o);
  absl::StatusOr<v1::IncentivesCommandResponse> PublishPlan(const v1::PublishPlanRequest& r,
                                                            const CallOrigin& o);
  absl::StatusOr<v1::IncentivesCommandResponse> AssignPlan(const v1::AssignPlanRequest& r,
                                                           const CallOrigin& o);
  absl::StatusOr<v1::IncentivesCommandResponse> SetCreditSplit(const v1::SetCreditSplitRequest& r,
                                                               const CallOrigin& o);
  absl::StatusOr<v1::IncentivesCommandResponse> RecordAdjustment(
      const v1::RecordAdjustmentRequest& r, const CallOrigin& o);
  absl::StatusOr<v1::IncentivesCommandResponse> ClosePeriod(const v1::ClosePeriodRequest& r,
                                                            const CallOrigin& o);
  absl::StatusOr<v1::IncentivesCommandResponse> ApprovePeriod(const v1::ApprovePeriodRequest& r,
                                                              const CallOrigin& o);

  // ---- The ledger's commands (its process manager's) ----
  // Records `commands` in their order: per command what it did, or its refusal (INVALID_ARGUMENT,
  // NOT_FOUND: nothing of it recorded; the others go on). Any other error fails the call; what
  // it appended before stays, and calling again with the same commands records the rest once.
  absl::StatusOr<std::vector<absl::StatusOr<LedgerOutcome>>> RecordLedger(
      const std::vector<LedgerCommand>& commands);
  // RecordLedger of one command.
  absl::StatusOr<LedgerOutcome> RecordOrderMovement(const OrderMovement& movement,
                                                    const CallOrigin& o);
  absl::StatusOr<LedgerOutcome> RecordActivity(const ActivityCredit& activity, const CallOrigin& o);

  // ---- Queries ----
  // Whether `rep_id` is a rep of the org (its replica, now).
  bool IsRep(const std::string& rep_id) const;
  absl::StatusOr<v1::ListTargetsResponse> ListTargets(const v1::ListTargetsRequest& r);
  absl::StatusOr<v1::ListTargetGapsResponse> ListTargetGaps(const v1::ListTargetGapsRequest& r);
  absl::StatusOr<v1::CompensationPlan> GetPlan(const v1::GetPlanRequest& r);
  absl::StatusOr<v1::ListPlansResponse> ListPlans(const v1::ListPlansRequest& r);
  absl::StatusOr<v1::RepPlans> GetRepPlans(const v1::GetRepPlansRequest& r);
  absl::StatusOr<v1::CreditSplit> GetCreditSplit(const v1::GetCreditSplitRequest& r);
  absl::StatusOr<v1::CommissionStatement> GetStatement(const v1::GetStatementRequest& r);
  absl::StatusOr<v1::Attainment> GetAttainment(const v1::GetAttainmentRequest& r);
  absl::StatusOr<v1::ListPeriodsResponse> ListPeriods(const v1::ListPeriodsRequest& r);

 private:
  explicit IncentivesApp(IncentivesAppOptions options);

  // The small aggregates, now or as of an instant (nullopt: now, through the caches).
  absl::StatusOr<std::shared_ptr<const TargetsState>> Targets(
      int year, std::optional<absl::Time> as_of = std::nullopt);
  absl::StatusOr<std::shared_ptr<const PlanCatalog>> Plans(
      std::optional<absl::Time> as_of = std::nullopt);
  absl::StatusOr<std::shared_ptr<const v1::RepPlans>> RepPlansOf(
      const std::string& rep_id, std::optional<absl::Time> as_of = std::nullopt);
  absl::StatusOr<std::shared_ptr<const v1::ListPeriodsResponse>> Periods(
      std::optional<absl::Time> as_of = std::nullopt);
  absl::StatusOr<std::shared_ptr<const v1::CreditSplit>> Split(const std::string& deal_id);

  // The plan a rep is paid under in `period` ("YYYY-MM"), as of an instant; plan null when none.
  struct PlanRef {
    std::shared_ptr<const PlanCatalog> catalog;  // holds `plan`
    const v1::CompensationPlan* plan = nullptr;
  };
  absl::StatusOr<PlanRef> PlanInForceFor(const std::string& rep_id, const std::string& period,
                                         std::optional<absl::Time> as_of = std::nullopt);

  // ---- The ledger (ledger_commands.cc) ----
  // An order's credit split while a batch is decided.
  struct OrderSplit {
    std::vector<v1::SplitShare> shares;
    bool fixed = false;    // the order-split stream holds them (else they are fixed at a credit)
    uint64_t version = 0;  // of the order-split stream
  };
  absl::StatusOr<OrderSplit> SplitOf(const OrderMovement& movement);
  // What a batch's decisions read of the small aggregates, each loaded once per batch.
  // The streams `command` may append to: its reps' ledgers and, for an order whose split is not
  // fixed yet, the order's credit stream (`split`: the order's; null for an activity). What a
  // ledger batch locks and what each command's append must fit, from one definition.
  static std::vector<std::string> StreamsOf(const LedgerCommand& command, const OrderSplit* split);
  struct LedgerInputs;
  absl::StatusOr<const PlanRef*> PlanFor(LedgerInputs& inputs, const std::string& rep_id,
                                         const std::string& period);
  absl::StatusOr<int64_t> RevenueTarget(LedgerInputs& inputs, const std::string& rep_id,
                                        absl::CivilDay day);
  // Records commands[todo[committed…]] (see RecordLedger), moving `committed` past each
  // command whose events landed; ABORTED when a stream moved meanwhile.
  absl::Status RecordLedgerFrom(const std::vector<LedgerCommand>& commands,
                                const std::vector<size_t>& todo, LedgerInputs& inputs,
                                size_t& committed,
                                std::vector<absl::StatusOr<LedgerOutcome>>& outcomes);
  absl::StatusOr<LedgerOutcome> DecideMovement(const OrderMovement& movement, const CallOrigin& o,
                                               OrderSplit& split, LedgerInputs& inputs,
                                               LedgerAppend& append);
  absl::StatusOr<LedgerOutcome> DecideActivity(const ActivityCredit& activity, const CallOrigin& o,
                                               LedgerInputs& inputs, LedgerAppend& append);

  IncentivesAppOptions options_;
  eventsourcing::StreamLocks locks_;
  eventsourcing::CommandCounter counter_{"incentives"};
  // Ledger recordings hold it shared; closing a period holds it exclusively (see the top).
  absl::Mutex period_gate_;
  eventsourcing::AggregateCache<TargetsState> targets_{size_t{8} << 20};
  eventsourcing::AggregateCache<PlanCatalog> plans_{size_t{4} << 20};
  eventsourcing::AggregateCache<v1::RepPlans> rep_plans_{size_t{4} << 20};
  eventsourcing::AggregateCache<v1::CreditSplit> splits_{size_t{8} << 20};
  eventsourcing::AggregateCache<OrderCredit> order_credits_{size_t{16} << 20};
  eventsourcing::AggregateCache<v1::ListPeriodsResponse> periods_{size_t{1} << 20};
  LedgerBooks books_;
};

}  // namespace sales::incentives

#endif  // SALES_SERVICES_INCENTIVES_APP_INCENTIVES_APP_H_
