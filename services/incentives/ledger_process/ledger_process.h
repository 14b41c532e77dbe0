// The commission ledger's process manager (DESIGN.md "process managers"): a projection of the
// orders topic (and of the leads topic) on the common runner whose output is the ledger's own
// commands — an OrderMovement for every order movement that may credit or reverse revenue
// (confirmed, invoiced, paid, cancelled after confirmation, returned), and an ActivityCredit for
// every visit or proposal logged on a lead. A batch's commands are gathered (a
// BatchAccumulator) and recorded with one IncentivesApp::RecordLedger when the batch is written,
// before its offsets commit: one decision pass and few appends per batch instead of one each.
//
//   LedgerProcess process(app, metrics);
//   ASSIGN_OR_RETURN(auto runner, projection::ProjectionRunner::Create(&process, {
//       .path = dir + "/ledger-process", .sources = {orders_source, leads_source}}));
//   runner->Start();
//
// Its rows are what it folds of each order's events ("o/<order>": LedgerOrderFacts — the lines
// as placed, the deal and rep, whether confirmed and invoiced, what was paid and returned) — the
// facts a movement needs that its own event does not carry — and each lead's owner ("l/<lead>"):
// a visit or proposal counts for the rep who logged it, or, when no rep logged it (an assistant,
// a system), for the lead's owner at that point of its stream. Each command is idempotent on the
// causing event's id, so the runner's at-least-once delivery (a crash before its offsets were
// committed, a duplicate, a catch-up from the feeds after a broker loss) records each movement
// exactly once. A movement dates from its event's occurred_at (the business day, Asia/Shanghai).
//
// A command the app refuses (a rep not in the org, a malformed fact) is skipped, logged and
// counted; any other error fails the batch, which the runner retries. Outcomes are counted in
// sales_incentives_ledger_events_total{outcome=recorded|replayed|ignored|skipped}.
//
// Not administered for rebuild: its effects are commands (a rebuild would be a replay of its
// decisions, which the idempotency makes a no-op).
//
// Thread-safety: as any Projection (the runner calls Apply from one thread at a time).
#ifndef SALES_SERVICES_INCENTIVES_LEDGER_PROCESS_LEDGER_PROCESS_H_
#define SALES_SERVICES_INCENTIVES_LEDGER_PROCESS_LEDGER_PROCESS_H_

#include "common/metrics/metrics_registry.h"
#include "common/projection/projection.h"
#include "services/incentives/app/incentives_app.h"

namespace sales::incentives {

class LedgerProcess final : public projection::Projection {
 public:
  static constexpr char kName[] = "commission-ledger";

  // `app` and `metrics` (may be null) must outlive the process.
  LedgerProcess(IncentivesApp* app, metrics::MetricsRegistry* metrics);

  absl::string_view name() const override { return kName; }
  absl::Status Apply(const projection::EventEnvelope& event,
                     projection::ProjectionTxn& txn) override;

 private:
  absl::Status ApplyOrderEvent(const projection::EventEnvelope& envelope,
                               projection::ProjectionTxn& txn);
  absl::Status ApplyLeadEvent(const projection::EventEnvelope& envelope,
                              projection::ProjectionTxn& txn);
  friend class LedgerCommands;  // the batch's commands; settles their outcomes
  // Settles the app's answer to the command caused by `event_id` on `stream_id`: refusals are
  // skipped, logged and counted, other errors returned.
  absl::Status Settle(const std::string& event_id, const std::string& stream_id,
                      const absl::StatusOr<LedgerOutcome>& outcome) const;
  enum Outcome { kRecorded, kReplayed, kIgnored, kSkipped, kOutcomes };
  void Count(Outcome outcome) const;

  IncentivesApp* const app_;
  metrics::Counter* counters_[kOutcomes] = {};  // null without metrics
};

}  // namespace sales::incentives

#endif  // SALES_SERVICES_INCENTIVES_LEDGER_PROCESS_LEDGER_PROCESS_H_
