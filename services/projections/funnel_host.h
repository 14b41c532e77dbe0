// FunnelHost: the funnel read side inside a process — the FunnelProjection's runner (store in
// <data_dir>/projections/funnel), its query, the watch hub fed by the runner's batches and the
// FunnelService adapter. salesd and the `projections` process both use it.
//
//   ASSIGN_OR_RETURN(auto funnel, FunnelHost::Open({
//       .data_dir = dir, .bootstrap_servers = kafka,
//       .sources = {{.topic = "sales.leads.v1.events", .feed = &leads_feed}},
//       .dead_letters = dlq.get(), .executor = &executor}));
//   services.push_back(funnel->service());
//   admin.Register(funnel->administered());
//   ... start the gRPC server; SetServing(FunnelHost::kServiceName, true) ...
//
// Thread-safety: accessors may be called from any thread. Destroy after the gRPC server serving
// service() has shut down (open watches are ended with UNAVAILABLE first) and before the feeds,
// dead-letter publisher and executor it was opened with.
#ifndef SALES_SERVICES_PROJECTIONS_FUNNEL_HOST_H_
#define SALES_SERVICES_PROJECTIONS_FUNNEL_HOST_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/concurrency/executor.h"
#include "common/kafka/dead_letter_publisher.h"
#include "common/memory/memory_budget.h"
#include "common/metrics/metrics_registry.h"
#include "common/projection/admin/projection_admin_service.h"
#include "common/projection/projection_runner.h"
#include "common/projection/watch_hub.h"
#include "services/projections/funnel/api/funnel_service_impl.h"
#include "services/projections/funnel/model/funnel_projection.h"
#include "services/projections/funnel/query/funnel_query.h"

namespace sales::funnel {

struct FunnelHostOptions {
  std::string data_dir;  // the read model goes in <data_dir>/projections/funnel
  std::string bootstrap_servers;
  std::vector<projection::ProjectionSource> sources;   // the leads topic and feed
  kafka::DeadLetterPublisher* dead_letters = nullptr;  // required; not owned
  concurrency::Executor* executor = nullptr;           // runs the queries; required
  metrics::MetricsRegistry* metrics = nullptr;         // the runner's metrics; null: none
  memory::MemoryBudget* memory = nullptr;              // the process's budget; null: none
};

class FunnelHost {
 public:
  static constexpr const char* kServiceName = FunnelServiceImpl::kServiceName;

  // Opens the read model and starts the runner. INVALID_ARGUMENT without sources, dead-letter
  // publisher or executor.
  static absl::StatusOr<std::unique_ptr<FunnelHost>> Open(const FunnelHostOptions& options);
  // Ends open watches, then stops the runner.
  ~FunnelHost();

  grpc::Service* service() const { return service_.get(); }
  // Ends every open WatchFunnel call (UNAVAILABLE), so that a gRPC server shutdown does not
  // wait for them. Call before shutting the server down; idempotent.
  void EndWatches();
  projection::ProjectionRunner* runner() const { return runner_.get(); }
  // What the ProjectionAdmin service needs to report on and rebuild the funnel.
  projection::AdministeredProjection administered() const;

 private:
  FunnelHost() = default;

  std::vector<projection::ProjectionSource> sources_;
  FunnelProjection projection_;
  std::unique_ptr<projection::ProjectionRunner> runner_;
  std::unique_ptr<FunnelQuery> query_;
  projection::WatchHub<projections::v1::FunnelUpdate> hub_;
  uint64_t observer_ = 0;
  std::unique_ptr<FunnelServiceImpl> service_;
};

}  // namespace sales::funnel

#endif  // SALES_SERVICES_PROJECTIONS_FUNNEL_HOST_H_
