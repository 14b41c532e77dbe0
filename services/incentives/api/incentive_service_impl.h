// IncentiveServiceImpl: the gRPC adapter of the incentives context
// (sales.incentives.v1.IncentiveService) over an IncentivesApp. Mechanical: commands through
// grpc_server::FinishCommandOnExecutor (meta checked, call origin from the metadata, correlation
// id echoed), queries through FinishUnaryOnExecutor; a request that does not parse is
// INVALID_ARGUMENT (RequestParsingService).
//
//   IncentiveServiceImpl service(app.get(), &executor);
//
// Thread-safety: called concurrently by gRPC; `app` and `executor` must outlive the server.
#ifndef SALES_SERVICES_INCENTIVES_API_INCENTIVE_SERVICE_IMPL_H_
#define SALES_SERVICES_INCENTIVES_API_INCENTIVE_SERVICE_IMPL_H_

#include "common/concurrency/executor.h"
#include "common/grpc/request_parsing_service.h"
#include "sales/incentives/v1/incentives.grpc.pb.h"
#include "services/incentives/app/incentives_app.h"

namespace sales::incentives {

class IncentiveServiceImpl final
    : public grpc_server::RequestParsingService<v1::IncentiveService::CallbackService> {
 public:
  static constexpr char kServiceName[] = "sales.incentives.v1.IncentiveService";

  IncentiveServiceImpl(IncentivesApp* app, concurrency::Executor* executor)
      : app_(app), executor_(executor) {
    ParseRequestsOf(&IncentiveServiceImpl::SetTarget, &IncentiveServiceImpl::DecomposeTarget,
                    &IncentiveServiceImpl::PublishPlan, &IncentiveServiceImpl::AssignPlan,
                    &IncentiveServiceImpl::SetCreditSplit, &IncentiveServiceImpl::RecordAdjustment,
                    &IncentiveServiceImpl::ClosePeriod, &IncentiveServiceImpl::ApprovePeriod,
                    &IncentiveServiceImpl::ListTargets, &IncentiveServiceImpl::ListTargetGaps,
                    &IncentiveServiceImpl::GetPlan, &IncentiveServiceImpl::ListPlans,
                    &IncentiveServiceImpl::GetRepPlans, &IncentiveServiceImpl::GetCreditSplit,
                    &IncentiveServiceImpl::GetStatement, &IncentiveServiceImpl::GetAttainment,
                    &IncentiveServiceImpl::ListPeriods);
  }

  grpc::ServerUnaryReactor* SetTarget(grpc::CallbackServerContext* context,
                                      const v1::SetTargetRequest* request,
                                      v1::IncentivesCommandResponse* response) override;
  grpc::ServerUnaryReactor* DecomposeTarget(grpc::CallbackServerContext* context,
                                            const v1::DecomposeTargetRequest* request,
                                            v1::IncentivesCommandResponse* response) override;
  grpc::ServerUnaryReactor* PublishPlan(grpc::CallbackServerContext* context,
                                        const v1::PublishPlanRequest* request,
                                        v1::IncentivesCommandResponse* response) override;
  grpc::ServerUnaryReactor* AssignPlan(grpc::CallbackServerContext* context,
                                       const v1::AssignPlanRequest* request,
                                       v1::IncentivesCommandResponse* response) override;
  grpc::ServerUnaryReactor* SetCreditSplit(grpc::CallbackServerContext* context,
                                           const v1::SetCreditSplitRequest* request,
                                           v1::IncentivesCommandResponse* response) override;
  grpc::ServerUnaryReactor* RecordAdjustment(grpc::CallbackServerContext* context,
                                             const v1::RecordAdjustmentRequest* request,
                                             v1::IncentivesCommandResponse* response) override;
  grpc::ServerUnaryReactor* ClosePeriod(grpc::CallbackServerContext* context,
                                        const v1::ClosePeriodRequest* request,
                                        v1::IncentivesCommandResponse* response) override;
  grpc::ServerUnaryReactor* ApprovePeriod(grpc::CallbackServerContext* context,
                                          const v1::ApprovePeriodRequest* request,
                                          v1::IncentivesCommandResponse* response) override;
  grpc::ServerUnaryReactor* ListTargets(grpc::CallbackServerContext* context,
                                        const v1::ListTargetsRequest* request,
                                        v1::ListTargetsResponse* response) override;
  grpc::ServerUnaryReactor* ListTargetGaps(grpc::CallbackServerContext* context,
                                           const v1::ListTargetGapsRequest* request,
                                           v1::ListTargetGapsResponse* response) override;
  grpc::ServerUnaryReactor* GetPlan(grpc::CallbackServerContext* context,
                                    const v1::GetPlanRequest* request,
                                    v1::CompensationPlan* response) override;
  grpc::ServerUnaryReactor* ListPlans(grpc::CallbackServerContext* context,
                                      const v1::ListPlansRequest* request,
                                      v1::ListPlansResponse* response) override;
  grpc::ServerUnaryReactor* GetRepPlans(grpc::CallbackServerContext* context,
                                        const v1::GetRepPlansRequest* request,
                                        v1::RepPlans* response) override;
  grpc::ServerUnaryReactor* GetCreditSplit(grpc::CallbackServerContext* context,
                                           const v1::GetCreditSplitRequest* request,
                                           v1::CreditSplit* response) override;
  grpc::ServerUnaryReactor* GetStatement(grpc::CallbackServerContext* context,
                                         const v1::GetStatementRequest* request,
                                         v1::CommissionStatement* response) override;
  grpc::ServerUnaryReactor* GetAttainment(grpc::CallbackServerContext* context,
                                          const v1::GetAttainmentRequest* request,
                                          v1::Attainment* response) override;
  grpc::ServerUnaryReactor* ListPeriods(grpc::CallbackServerContext* context,
                                        const v1::ListPeriodsRequest* request,
                                        v1::ListPeriodsResponse* response) override;

 private:
  template <typename Request>
  grpc::ServerUnaryReactor* Command(grpc::CallbackServerContext* context, const Request* request,
                                    v1::IncentivesCommandResponse* response,
                                    absl::StatusOr<v1::IncentivesCommandResponse> (
                                        IncentivesApp::*method)(const Request&, const CallOrigin&));
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* Query(
      grpc::CallbackServerContext* context, const Request* request, Response* response,
      absl::StatusOr<Response> (IncentivesApp::*method)(const Request&));

  IncentivesApp* const app_;
  concurrency::Executor* const executor_;
};

}  // namespace sales::incentives

#endif  // SALES_SERVICES_INCENTIVES_API_INCENTIVE_SERVICE_IMPL_H_
