#include "services/projections/performance/api/performance_service_impl.h"

#include "absl/time/clock.h"
#include "common/grpc/hub_watch.h"
#include "common/grpc/unary_call.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "services/projections/performance/query/alerts.h"
#include "services/projections/performance/query/forecast.h"

namespace sales::performance {

using ::sales::projections::v1::AlertList;
using ::sales::projections::v1::AlertsUpdate;
using ::sales::projections::v1::ForecastAccuracyReport;
using ::sales::projections::v1::ForecastReport;
using ::sales::projections::v1::GetForecastAccuracyRequest;
using ::sales::projections::v1::GetForecastRequest;
using ::sales::projections::v1::GetPerformanceRequest;
using ::sales::projections::v1::ListAlertsRequest;
using ::sales::projections::v1::PerformanceReport;
using ::sales::projections::v1::PerformanceUpdate;
using ::sales::projections::v1::WatchAlertsRequest;
using ::sales::projections::v1::WatchPerformanceRequest;

PerformanceServiceImpl::PerformanceServiceImpl(const PerformanceQuery* query,
                                               concurrency::Executor* executor,
                                               projection::WatchHub<PerformanceUpdate>* hub)
    : query_(query), executor_(executor), hub_(hub) {
  ParseRequestsOf(&PerformanceServiceImpl::GetPerformance);
  ParseRequestsOf(&PerformanceServiceImpl::WatchPerformance);
  ParseRequestsOf(&PerformanceServiceImpl::ListAlerts);
  ParseRequestsOf(&PerformanceServiceImpl::WatchAlerts);
  ParseRequestsOf(&PerformanceServiceImpl::GetForecast);
  ParseRequestsOf(&PerformanceServiceImpl::GetForecastAccuracy);
}

grpc::ServerUnaryReactor* PerformanceServiceImpl::GetForecast(grpc::CallbackServerContext* context,
                                                              const GetForecastRequest* request,
                                                              ForecastReport* response) {
  return grpc_server::FinishUnaryOnExecutor(
      context, executor_, ValidateGetForecastRequest(*request),
      [this, request, response]() -> absl::Status {
        ASSIGN_OR_RETURN(*response, query_->GetForecast(*request, absl::Now()));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PerformanceServiceImpl::GetForecastAccuracy(
    grpc::CallbackServerContext* context, const GetForecastAccuracyRequest* request,
    ForecastAccuracyReport* response) {
  return grpc_server::FinishUnaryOnExecutor(
      context, executor_, ValidateGetForecastAccuracyRequest(*request),
      [this, request, response]() -> absl::Status {
        ASSIGN_OR_RETURN(*response, query_->GetForecastAccuracy(*request, absl::Now()));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PerformanceServiceImpl::GetPerformance(
    grpc::CallbackServerContext* context, const GetPerformanceRequest* request,
    PerformanceReport* response) {
  return grpc_server::FinishUnaryOnExecutor(
      context, executor_, ValidateGetPerformanceRequest(*request),
      [this, request, response]() -> absl::Status {
        ASSIGN_OR_RETURN(*response, query_->GetPerformance(*request));
        return absl::OkStatus();
      });
}

grpc::ServerWriteReactor<PerformanceUpdate>* PerformanceServiceImpl::WatchPerformance(
    grpc::CallbackServerContext* context, const WatchPerformanceRequest* request) {
  return grpc_server::WatchOnHub<PerformanceUpdate>(
      hub_, ValidateGetPerformanceRequest(request->query()),
      [this, query = request->query()]() -> absl::StatusOr<PerformanceUpdate> {
        PerformanceUpdate update;
        ASSIGN_OR_RETURN(*update.mutable_report(), query_->GetPerformance(query));
        return update;
      },
      grpc_server::BatchHasPackages({"sales.orders.v1.", "sales.incentives.v1."}));
}

grpc::ServerUnaryReactor* PerformanceServiceImpl::ListAlerts(grpc::CallbackServerContext* context,
                                                             const ListAlertsRequest* request,
                                                             AlertList* response) {
  return grpc_server::FinishUnaryOnExecutor(
      context, executor_, ValidateListAlertsRequest(*request),
      [this, request, response]() -> absl::Status {
        ASSIGN_OR_RETURN(*response, query_->ListAlerts(*request, absl::Now()));
        return absl::OkStatus();
      });
}

grpc::ServerWriteReactor<AlertsUpdate>* PerformanceServiceImpl::WatchAlerts(
    grpc::CallbackServerContext* context, const WatchAlertsRequest* request) {
  absl::Status valid = ValidateListAlertsRequest(request->query());
  if (valid.ok() && request->query().has_as_of()) {
    valid = InvalidField("query.as_of", "a watch is always as of now: leave it unset");
  }
  return grpc_server::WatchOnHub<AlertsUpdate>(
      &alerts_hub_, valid,
      [this, query = request->query()]() -> absl::StatusOr<AlertsUpdate> {
        AlertsUpdate update;
        ASSIGN_OR_RETURN(*update.mutable_alerts(), query_->ListAlerts(query, absl::Now()));
        return update;
      },
      grpc_server::BatchHasPackages(
          {"sales.orders.v1.", "sales.incentives.v1.", "sales.leads.v1."}));
}

}  // namespace sales::performance
