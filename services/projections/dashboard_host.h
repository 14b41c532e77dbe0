// DashboardHost: one dashboard read side inside a process — its projection's runner (store in
// <data_dir>/projections/<name>), its query, the watch hub fed by the runner's batches and its
// gRPC service. The funnel (FunnelHost) and performance (PerformanceHost) dashboards are this
// template over their own parts; salesd and the `projections` process host them as modules.
//
//   ASSIGN_OR_RETURN(auto funnel, FunnelHost::Open({
//       .data_dir = dir, .bootstrap_servers = kafka,
//       .sources = {{.topic = "sales.leads.v1.events", .feed = &leads_feed}},
//       .dead_letters = dlq.get(), .executor = &executor}));
//   services.push_back(funnel->service());
//   admin.Register(funnel->administered());
//   ... start the gRPC server; SetServing(FunnelHost::kServiceName, true) ...
//
// Parts: `Projection` (default-constructible, kName), `Query` (constructed from the store),
// `Service` (constructed from the query, an executor and a WatchHub<Update>; kServiceName; with
// watches of its own, it may have OnBatch(batch) and EndWatches(), which the host calls too).
//
// Thread-safety: accessors may be called from any thread. Destroy after the gRPC server serving
// service() has shut down (open watches are ended with UNAVAILABLE first) and before the feeds,
// dead-letter publisher and executor it was opened with.
#ifndef SALES_SERVICES_PROJECTIONS_DASHBOARD_HOST_H_
#define SALES_SERVICES_PROJECTIONS_DASHBOARD_HOST_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/concurrency/executor.h"
#include "common/kafka/dead_letter_publisher.h"
#include "common/memory/memory_budget.h"
#include "common/metrics/metrics_registry.h"
#include "common/projection/admin/projection_admin_service.h"
#include "common/projection/projection_runner.h"
#include "common/projection/watch_hub.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"

namespace sales::projections_host {

struct DashboardHostOptions {
  std::string data_dir;  // the read model goes in <data_dir>/projections/<name>
  std::string bootstrap_servers;
  std::vector<projection::ProjectionSource> sources;   // the topics and feeds it reads
  kafka::DeadLetterPublisher* dead_letters = nullptr;  // required; not owned
  concurrency::Executor* executor = nullptr;           // runs the queries; required
  metrics::MetricsRegistry* metrics = nullptr;         // the runner's metrics; null: none
  memory::MemoryBudget* memory = nullptr;              // the process's budget; null: none
};

template <typename Projection, typename Query, typename Service, typename Update>
class DashboardHost {
 public:
  static constexpr const char* kServiceName = Service::kServiceName;

  // Opens the read model and starts the runner. INVALID_ARGUMENT without sources, dead-letter
  // publisher or executor.
  static absl::StatusOr<std::unique_ptr<DashboardHost>> Open(const DashboardHostOptions& options) {
    if (options.sources.empty()) return InvalidField("sources", "at least one is required");
    if (options.dead_letters == nullptr) return InvalidField("dead_letters", "required");
    if (options.executor == nullptr) return InvalidField("executor", "required");
    auto host = std::unique_ptr<DashboardHost>(new DashboardHost());
    host->sources_ = options.sources;
    ASSIGN_OR_RETURN(
        host->runner_,
        projection::ProjectionRunner::Create(
            &host->projection_,
            {.path = absl::StrCat(options.data_dir, "/projections/", Projection::kName),
             .bootstrap_servers = options.bootstrap_servers,
             .sources = options.sources,
             .dead_letters = options.dead_letters,
             .metrics = options.metrics,
             .store = {.memory = options.memory},
             .wake_batch_delay = projection::kDashboardWakeBatchDelay}));
    host->query_ = std::make_unique<Query>(&host->runner_->store());
    DashboardHost* raw = host.get();
    host->observer_ = host->runner_->Subscribe([raw](const projection::AppliedBatch& batch) {
      raw->hub_.OnBatch(batch);
      if constexpr (requires { raw->service_->OnBatch(batch); }) {
        raw->service_->OnBatch(batch);  // a service with watches of its own
      }
    });
    host->service_ = std::make_unique<Service>(host->query_.get(), options.executor, &host->hub_);
    host->runner_->Start();
    return host;
  }

  // Ends open watches, then stops the runner.
  ~DashboardHost() {
    if (runner_ == nullptr) return;
    runner_->Unsubscribe(observer_);
    EndWatches();
    runner_->Stop();
  }

  grpc::Service* service() const { return service_.get(); }
  // Ends every open watch (UNAVAILABLE), so that a gRPC server shutdown does not wait for them.
  // Call before shutting the server down; idempotent.
  void EndWatches() {
    hub_.Shutdown();
    if constexpr (requires { service_->EndWatches(); }) service_->EndWatches();
  }
  projection::ProjectionRunner* runner() const { return runner_.get(); }
  const Query& query() const { return *query_; }
  // What the ProjectionAdmin service needs to report on and rebuild the read model.
  projection::AdministeredProjection administered() const {
    return {.name = Projection::kName,
            .runner = runner_.get(),
            .sources = sources_,
            .make_projection = [] { return std::make_unique<Projection>(); }};
  }

 private:
  DashboardHost() = default;

  std::vector<projection::ProjectionSource> sources_;
  Projection projection_;
  std::unique_ptr<projection::ProjectionRunner> runner_;
  std::unique_ptr<Query> query_;
  projection::WatchHub<Update> hub_;
  uint64_t observer_ = 0;
  std::unique_ptr<Service> service_;
};

}  // namespace sales::projections_host

#endif  // SALES_SERVICES_PROJECTIONS_DASHBOARD_HOST_H_
