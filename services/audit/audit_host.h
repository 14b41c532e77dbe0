// AuditHost: the audit service inside a process, in any topology: the DealHistoryProjection and the
// ProjectionRunner that keeps its index (in <data_dir>/projections/deal-history) from every source
// topic, the AuditApp over the index and the stores, and its gRPC adapter.
//
//   const eventsourcing::EvolveStateFolder<leads::v1::Lead, leads::v1::LeadEvent> lead_folder(
//       &leads::Evolve);
//   ASSIGN_OR_RETURN(auto audit, AuditHost::Open({
//       .data_dir = dir,
//       .bootstrap_servers = kafka_bootstrap,
//       .sources = {{.topic = leads_side->topic(), .feed = &leads_feed}},
//       .feeds = {{"leads", &leads_feed}},
//       .folders = {{"leads", &lead_folder}},
//       .dead_letters = dlq.get(),
//       .executor = &executor}));
//   services.push_back(audit->service());
//   ... start the gRPC server ...
//   server->SetServing(AuditHost::kServiceName, true);
//
// The feeds may be local (LocalEventFeedReader) or another process's EventFeed over gRPC: the
// tamper check reads the stored bytes and stream heads through them, so it runs outside the
// process that owns a store. The audit module (audit_module.h) wires every context's feed and
// folder; nothing in the audit code names a context.
//
// Thread-safety: accessors may be called from any thread. Destroy after the gRPC server serving
// service() has shut down and before the stores, feeds and executor it was opened with.
#ifndef SALES_SERVICES_AUDIT_AUDIT_HOST_H_
#define SALES_SERVICES_AUDIT_AUDIT_HOST_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/concurrency/executor.h"
#include "common/eventsourcing/state_folder.h"
#include "common/feed/event_feed_reader.h"
#include "common/feed/local_event_feed_reader.h"
#include "common/kafka/dead_letter_publisher.h"
#include "common/memory/memory_budget.h"
#include "common/metrics/metrics_registry.h"
#include "common/projection/admin/projection_admin_service.h"
#include "common/projection/projection_runner.h"
#include "services/audit/api/audit_service_impl.h"
#include "services/audit/app/audit_app.h"
#include "services/audit/app/deal_history_projection.h"

namespace sales::audit {

struct AuditHostOptions {
  std::string data_dir;  // the index goes in <data_dir>/projections/deal-history
  std::string bootstrap_servers;
  // Every write service's topic and event feed (at least one); feeds must outlive the host.
  std::vector<projection::ProjectionSource> sources;
  // Every write service's feed by service name, for verification and as-of folds; must outlive
  // the host.
  std::map<std::string, feed::EventFeedReader*> feeds;
  // How to fold each service's deal stream; not owned. See deal_state_folder.h.
  eventsourcing::StateFolders folders;
  kafka::DeadLetterPublisher* dead_letters = nullptr;  // poison events of the index; not owned
  concurrency::Executor* executor = nullptr;           // runs the RPCs; required
  metrics::MetricsRegistry* metrics = nullptr;         // the runner's metrics; null: none
  memory::MemoryBudget* memory = nullptr;              // the process's budget; null: none
};

class AuditHost {
 public:
  static constexpr const char* kServiceName = AuditServiceImpl::kServiceName;

  // Opens the index and starts its runner. INVALID_ARGUMENT without executor or sources.
  static absl::StatusOr<std::unique_ptr<AuditHost>> Open(AuditHostOptions options);
  ~AuditHost();  // stops the runner

  AuditApp* app() const { return app_.get(); }
  grpc::Service* service() const { return service_.get(); }
  projection::ProjectionRunner* runner() const { return runner_.get(); }
  // The index for the projection admin service (progress, rebuild checked against the live one).
  projection::AdministeredProjection administered() const;

 private:
  AuditHost() = default;

  // Declared in dependency order: destroyed service → app → runner → projection.
  DealHistoryProjection projection_;
  std::vector<projection::ProjectionSource> sources_;  // as given to the runner
  std::unique_ptr<projection::ProjectionRunner> runner_;
  std::unique_ptr<AuditApp> app_;
  std::unique_ptr<AuditServiceImpl> service_;
};

}  // namespace sales::audit

#endif  // SALES_SERVICES_AUDIT_AUDIT_HOST_H_
