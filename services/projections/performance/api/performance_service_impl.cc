#include "services/projections/performance/api/performance_service_impl.h"

#include "common/grpc/hub_watch.h"
#include "common/grpc/unary_call.h"
#include "common/status/status_macros.h"

namespace sales::performance {

using ::sales::projections::v1::GetPerformanceRequest;
using ::sales::projections::v1::PerformanceReport;
using ::sales::projections::v1::PerformanceUpdate;
using ::sales::projections::v1::WatchPerformanceRequest;

PerformanceServiceImpl::PerformanceServiceImpl(const PerformanceQuery* query,
                                               concurrency::Executor* executor,
                                               projection::WatchHub<PerformanceUpdate>* hub)
    : query_(query), executor_(executor), hub_(hub) {
  ParseRequestsOf(&PerformanceServiceImpl::GetPerformance);
  ParseRequestsOf(&PerformanceServiceImpl::WatchPerformance);
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

}  // namespace sales::performance
