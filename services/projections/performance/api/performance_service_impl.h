// PerformanceServiceImpl: the gRPC adapter of sales.projections.v1.PerformanceService over the
// performance read model. GetPerformance validates on the reaction thread and runs
// PerformanceQuery on the executor (RocksDB reads never run on gRPC's threads);
// WatchPerformance subscribes the call to the WatchHub fed by the performance runner's batches
// (common/grpc/hub_watch.h): the report at once, then again after each applied batch of the
// orders or incentives topic that changes it; a slow client gets the latest, coalesced.
// ListAlerts and WatchAlerts the same way, as of now (a watch recomputes them after each batch
// of the orders, incentives or leads topic, through a hub of its own that OnBatch feeds);
// GetForecast and GetForecastAccuracy like GetPerformance.
//
//   PerformanceServiceImpl service(&query, &executor, &hub);  // see dashboard_host.h
//
// Errors: INVALID_ARGUMENT "field <name>: <reason>" for a bad request (also ends a watch before
// any update); a watch ends with UNAVAILABLE when the hub shuts down.
//
// Thread-safety: thread-safe. `query`, `executor` and `hub` must outlive the server serving it.
#ifndef SALES_SERVICES_PROJECTIONS_PERFORMANCE_API_PERFORMANCE_SERVICE_IMPL_H_
#define SALES_SERVICES_PROJECTIONS_PERFORMANCE_API_PERFORMANCE_SERVICE_IMPL_H_

#include "common/concurrency/executor.h"
#include "common/grpc/request_parsing_service.h"
#include "common/projection/watch_hub.h"
#include "grpcpp/grpcpp.h"
#include "sales/projections/v1/performance.grpc.pb.h"
#include "services/projections/performance/query/performance_query.h"

namespace sales::performance {

class PerformanceServiceImpl final : public grpc_server::RequestParsingService<
                                         projections::v1::PerformanceService::CallbackService> {
 public:
  // The name health checks use for this service.
  static constexpr char kServiceName[] = "sales.projections.v1.PerformanceService";

  PerformanceServiceImpl(const PerformanceQuery* query, concurrency::Executor* executor,
                         projection::WatchHub<projections::v1::PerformanceUpdate>* hub);

  grpc::ServerUnaryReactor* GetPerformance(grpc::CallbackServerContext* context,
                                           const projections::v1::GetPerformanceRequest* request,
                                           projections::v1::PerformanceReport* response) override;
  grpc::ServerWriteReactor<projections::v1::PerformanceUpdate>* WatchPerformance(
      grpc::CallbackServerContext* context,
      const projections::v1::WatchPerformanceRequest* request) override;
  grpc::ServerUnaryReactor* ListAlerts(grpc::CallbackServerContext* context,
                                       const projections::v1::ListAlertsRequest* request,
                                       projections::v1::AlertList* response) override;
  grpc::ServerWriteReactor<projections::v1::AlertsUpdate>* WatchAlerts(
      grpc::CallbackServerContext* context,
      const projections::v1::WatchAlertsRequest* request) override;
  grpc::ServerUnaryReactor* GetForecast(grpc::CallbackServerContext* context,
                                        const projections::v1::GetForecastRequest* request,
                                        projections::v1::ForecastReport* response) override;
  grpc::ServerUnaryReactor* GetForecastAccuracy(
      grpc::CallbackServerContext* context,
      const projections::v1::GetForecastAccuracyRequest* request,
      projections::v1::ForecastAccuracyReport* response) override;

  // Feeds the alerts' watches (DashboardHost calls it with every applied batch).
  void OnBatch(const projection::AppliedBatch& batch) { alerts_hub_.OnBatch(batch); }
  // Ends every open alerts watch (UNAVAILABLE); idempotent.
  void EndWatches() { alerts_hub_.Shutdown(); }

 private:
  const PerformanceQuery* const query_;
  concurrency::Executor* const executor_;
  projection::WatchHub<projections::v1::PerformanceUpdate>* const hub_;
  projection::WatchHub<projections::v1::AlertsUpdate> alerts_hub_;
};

}  // namespace sales::performance

#endif  // SALES_SERVICES_PROJECTIONS_PERFORMANCE_API_PERFORMANCE_SERVICE_IMPL_H_
