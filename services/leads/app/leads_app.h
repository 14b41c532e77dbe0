// LeadsApp: the leads service's command handling and queries — the layer between the gRPC
// adapter (services/leads/api) and the pure domain (services/leads/domain). No gRPC types here:
// requests and responses are the API's proto messages, errors are absl::Status.
//
//   ASSIGN_OR_RETURN(auto app, LeadsApp::Create({.store = side->store(),
//                                               .read_model_path = dir + "/leads/read-model"}));
//   ASSIGN_OR_RETURN(v1::CaptureLeadResponse captured, app->CaptureLead(request, origin));
//
// Commands: validate → load the aggregate(s) (cached) → Decide → append with the version the
// decision was made on (ExecuteCommand; unpinned commands are retried on a concurrent append).
// Every event's envelope carries the actor, the correlation and causation ids from
// `CallOrigin`, occurred_at = the event's own time, and the deal id once the lead is a deal.
// A capture claims the lead's de-duplication keys atomically with the capture (one AppendAll
// over the lead stream and one claim stream per key, each expected to be new); a capture whose
// key is already claimed is merged into the claiming lead instead (DuplicateLeadMerged).
//
// The organisation (regions, teams, reps, territory rules) is the org context's: the app decides
// on its replica (options.org), and a command naming something the replica lacks waits for it to
// catch up once before NOT_FOUND. Captures and assignments record the replica's org version.
//
// Queries: GetLead and GetPipelineSettings read the aggregate itself (read-your-writes).
// ListLeads, GetPipelineBoard and the open-lead loads used by assignment come from the service's
// own read model (read_model.h): a projection on the common runner in feed-only mode, following
// the local event store (the same Evolve), woken by every command and so at most a few
// milliseconds behind its acknowledgement; `WaitForReadModel` waits until it caught up, and
// `read_model()` hands it to ProjectionAdmin (status, checked rebuild).
//
// Thread-safety: every method may be called concurrently. Methods block on RocksDB: call them
// from an executor, not from a gRPC reaction thread.
#ifndef SALES_SERVICES_LEADS_APP_LEADS_APP_H_
#define SALES_SERVICES_LEADS_APP_LEADS_APP_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/eventsourcing/command_support.h"
#include "common/eventstore/event_store.h"
#include "common/kafka/dead_letter_publisher.h"
#include "common/memory/memory_budget.h"
#include "common/metrics/metrics_registry.h"
#include "common/projection/admin/projection_admin_service.h"
#include "sales/leads/v1/leads.pb.h"
#include "services/org/replica/org_view.h"

namespace sales::leads {

// Who/why of a call, from the transport (the event-sourcing core's, shared by every context).
using eventsourcing::CallOrigin;

struct LeadsAppOptions {
  eventstore::EventStore* store = nullptr;  // the leads event store; must outlive the app
  org::OrgView* org = nullptr;  // the org replica (reps, teams, territories); must outlive it
  std::string read_model_path;  // RocksDB directory of the service's read model
  // The name the read model records its source under (feed position, dedupe marks, dead letters).
  std::string topic = "sales.leads.v1.events";
  // Where the read model's poison events go (null: such an event stops it, retried) and its
  // runner's metrics are registered (null: nowhere). Not owned; must outlive the app.
  kafka::DeadLetterPublisher* dead_letters = nullptr;
  metrics::MetricsRegistry* metrics = nullptr;
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  // The process's memory budget: the lead aggregates' cache joins it as "leads/aggregates" (with
  // the weight of a projection store's caches), the read model's store as "leads-read-model/…".
  // Null: a fixed aggregate_cache_bytes and the stores' defaults. Must outlive the app.
  memory::MemoryBudget* memory = nullptr;
  size_t aggregate_cache_bytes = size_t{64} << 20;
  // Index entries one ListLeads page examines at most (leads.proto, ListLeadsResponse).
  size_t list_scan_limit = 10'000;
  // How often the overdue scanner runs when started with StartOverdueScanner().
  absl::Duration overdue_scan_interval = absl::Minutes(1);
};

class LeadsApp {
 public:
  static absl::StatusOr<std::unique_ptr<LeadsApp>> Create(LeadsAppOptions options);
  virtual ~LeadsApp() = default;

  // ---- Pipeline settings ----
  virtual absl::StatusOr<v1::SettingsResponse> SetPipelineSettings(
      const v1::SetPipelineSettingsRequest&, const CallOrigin&) = 0;
  virtual absl::StatusOr<v1::GetPipelineSettingsResponse> GetPipelineSettings(
      const v1::GetPipelineSettingsRequest&) = 0;

  // ---- Leads and deals ----
  virtual absl::StatusOr<v1::CaptureLeadResponse> CaptureLead(const v1::CaptureLeadRequest&,
                                                              const CallOrigin&) = 0;
  virtual absl::StatusOr<v1::CommandResponse> UpdateLeadDetails(const v1::UpdateLeadDetailsRequest&,
                                                                const CallOrigin&) = 0;
  virtual absl::StatusOr<v1::CommandResponse> ChangeLeadSource(const v1::ChangeLeadSourceRequest&,
                                                               const CallOrigin&) = 0;
  virtual absl::StatusOr<v1::CommandResponse> UpdateQualification(
      const v1::UpdateQualificationRequest&, const CallOrigin&) = 0;
  virtual absl::StatusOr<v1::CommandResponse> MoveLeadStage(const v1::MoveLeadStageRequest&,
                                                            const CallOrigin&) = 0;
  virtual absl::StatusOr<v1::CommandResponse> ConvertToOpportunity(
      const v1::ConvertToOpportunityRequest&, const CallOrigin&) = 0;
  virtual absl::StatusOr<v1::CommandResponse> ChangeSalesStep(const v1::ChangeSalesStepRequest&,
                                                              const CallOrigin&) = 0;
  virtual absl::StatusOr<v1::CommandResponse> OverrideDealProbability(
      const v1::OverrideDealProbabilityRequest&, const CallOrigin&) = 0;
  virtual absl::StatusOr<v1::CommandResponse> ChangeDealAmount(const v1::ChangeDealAmountRequest&,
                                                               const CallOrigin&) = 0;
  virtual absl::StatusOr<v1::CommandResponse> ChangeDealCloseDate(
      const v1::ChangeDealCloseDateRequest&, const CallOrigin&) = 0;
  virtual absl::StatusOr<v1::CommandResponse> AssignLead(const v1::AssignLeadRequest&,
                                                         const CallOrigin&) = 0;
  virtual absl::StatusOr<v1::CommandResponse> LogActivity(const v1::LogActivityRequest&,
                                                          const CallOrigin&) = 0;
  virtual absl::StatusOr<v1::CommandResponse> DisqualifyLead(const v1::DisqualifyLeadRequest&,
                                                             const CallOrigin&) = 0;
  virtual absl::StatusOr<v1::CommandResponse> WinDeal(const v1::WinDealRequest&,
                                                      const CallOrigin&) = 0;
  virtual absl::StatusOr<v1::CommandResponse> LoseDeal(const v1::LoseDealRequest&,
                                                       const CallOrigin&) = 0;

  // ---- Queries ----
  virtual absl::StatusOr<v1::GetLeadResponse> GetLead(const v1::GetLeadRequest&) = 0;
  virtual absl::StatusOr<v1::ListLeadsResponse> ListLeads(const v1::ListLeadsRequest&) = 0;
  virtual absl::StatusOr<v1::PipelineBoard> GetPipelineBoard(
      const v1::GetPipelineBoardRequest&) = 0;

  // ---- Follow-ups ----
  // Appends FollowUpOverdue for every open lead whose follow-up is overdue at clock() and whose
  // current overdue episode was not reported yet; returns how many were appended.
  virtual absl::StatusOr<int> ScanOverdue() = 0;
  // Runs ScanOverdue every options.overdue_scan_interval on a thread of its own until the app
  // is destroyed.
  virtual void StartOverdueScanner() = 0;

  // Blocks until the read model has applied every event committed before the call, or the
  // timeout passes (DEADLINE_EXCEEDED). For tests and for read-after-write callers.
  virtual absl::Status WaitForReadModel(absl::Duration timeout) = 0;
  // The read model as ProjectionAdmin administers it ("leads-read-model").
  virtual projection::AdministeredProjection read_model() const = 0;
};

}  // namespace sales::leads

#endif  // SALES_SERVICES_LEADS_APP_LEADS_APP_H_
