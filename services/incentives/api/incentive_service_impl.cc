#include "services/incentives/api/incentive_service_impl.h"

#include "common/grpc/command_call.h"
#include "common/grpc/unary_call.h"
#include "common/validation/field_validation.h"

namespace sales::incentives {

template <typename Request>
grpc::ServerUnaryReactor* IncentiveServiceImpl::Command(
    grpc::CallbackServerContext* context, const Request* request,
    v1::IncentivesCommandResponse* response,
    absl::StatusOr<v1::IncentivesCommandResponse> (IncentivesApp::*method)(const Request&,
                                                                           const CallOrigin&)) {
  return grpc_server::FinishCommandOnExecutor<v1::IncentivesCommandResponse>(
      context, executor_, ValidateCommandMeta(request->meta()), response,
      [app = app_, request, method](const CallOrigin& origin) {
        return (app->*method)(*request, origin);
      });
}

template <typename Request, typename Response>
grpc::ServerUnaryReactor* IncentiveServiceImpl::Query(
    grpc::CallbackServerContext* context, const Request* request, Response* response,
    absl::StatusOr<Response> (IncentivesApp::*method)(const Request&)) {
  return grpc_server::FinishUnaryOnExecutor(
      context, executor_, absl::OkStatus(), response,
      [app = app_, request, method] { return (app->*method)(*request); });
}

grpc::ServerUnaryReactor* IncentiveServiceImpl::SetTarget(grpc::CallbackServerContext* context,
                                                          const v1::SetTargetRequest* request,
                                                          v1::IncentivesCommandResponse* response) {
  return Command(context, request, response, &IncentivesApp::SetTarget);
}

grpc::ServerUnaryReactor* IncentiveServiceImpl::DecomposeTarget(
    grpc::CallbackServerContext* context, const v1::DecomposeTargetRequest* request,
    v1::IncentivesCommandResponse* response) {
  return Command(context, request, response, &IncentivesApp::DecomposeTarget);
}

grpc::ServerUnaryReactor* IncentiveServiceImpl::PublishPlan(
    grpc::CallbackServerContext* context, const v1::PublishPlanRequest* request,
    v1::IncentivesCommandResponse* response) {
  return Command(context, request, response, &IncentivesApp::PublishPlan);
}

grpc::ServerUnaryReactor* IncentiveServiceImpl::AssignPlan(
    grpc::CallbackServerContext* context, const v1::AssignPlanRequest* request,
    v1::IncentivesCommandResponse* response) {
  return Command(context, request, response, &IncentivesApp::AssignPlan);
}

grpc::ServerUnaryReactor* IncentiveServiceImpl::SetCreditSplit(
    grpc::CallbackServerContext* context, const v1::SetCreditSplitRequest* request,
    v1::IncentivesCommandResponse* response) {
  return Command(context, request, response, &IncentivesApp::SetCreditSplit);
}

grpc::ServerUnaryReactor* IncentiveServiceImpl::RecordAdjustment(
    grpc::CallbackServerContext* context, const v1::RecordAdjustmentRequest* request,
    v1::IncentivesCommandResponse* response) {
  return Command(context, request, response, &IncentivesApp::RecordAdjustment);
}

grpc::ServerUnaryReactor* IncentiveServiceImpl::ClosePeriod(
    grpc::CallbackServerContext* context, const v1::ClosePeriodRequest* request,
    v1::IncentivesCommandResponse* response) {
  return Command(context, request, response, &IncentivesApp::ClosePeriod);
}

grpc::ServerUnaryReactor* IncentiveServiceImpl::ApprovePeriod(
    grpc::CallbackServerContext* context, const v1::ApprovePeriodRequest* request,
    v1::IncentivesCommandResponse* response) {
  return Command(context, request, response, &IncentivesApp::ApprovePeriod);
}

grpc::ServerUnaryReactor* IncentiveServiceImpl::ListTargets(grpc::CallbackServerContext* context,
                                                            const v1::ListTargetsRequest* request,
                                                            v1::ListTargetsResponse* response) {
  return Query(context, request, response, &IncentivesApp::ListTargets);
}

grpc::ServerUnaryReactor* IncentiveServiceImpl::ListTargetGaps(
    grpc::CallbackServerContext* context, const v1::ListTargetGapsRequest* request,
    v1::ListTargetGapsResponse* response) {
  return Query(context, request, response, &IncentivesApp::ListTargetGaps);
}

grpc::ServerUnaryReactor* IncentiveServiceImpl::GetPlan(grpc::CallbackServerContext* context,
                                                        const v1::GetPlanRequest* request,
                                                        v1::CompensationPlan* response) {
  return Query(context, request, response, &IncentivesApp::GetPlan);
}

grpc::ServerUnaryReactor* IncentiveServiceImpl::ListPlans(grpc::CallbackServerContext* context,
                                                          const v1::ListPlansRequest* request,
                                                          v1::ListPlansResponse* response) {
  return Query(context, request, response, &IncentivesApp::ListPlans);
}

grpc::ServerUnaryReactor* IncentiveServiceImpl::GetRepPlans(grpc::CallbackServerContext* context,
                                                            const v1::GetRepPlansRequest* request,
                                                            v1::RepPlans* response) {
  return Query(context, request, response, &IncentivesApp::GetRepPlans);
}

grpc::ServerUnaryReactor* IncentiveServiceImpl::GetCreditSplit(
    grpc::CallbackServerContext* context, const v1::GetCreditSplitRequest* request,
    v1::CreditSplit* response) {
  return Query(context, request, response, &IncentivesApp::GetCreditSplit);
}

grpc::ServerUnaryReactor* IncentiveServiceImpl::GetStatement(grpc::CallbackServerContext* context,
                                                             const v1::GetStatementRequest* request,
                                                             v1::CommissionStatement* response) {
  return Query(context, request, response, &IncentivesApp::GetStatement);
}

grpc::ServerUnaryReactor* IncentiveServiceImpl::GetAttainment(
    grpc::CallbackServerContext* context, const v1::GetAttainmentRequest* request,
    v1::Attainment* response) {
  return Query(context, request, response, &IncentivesApp::GetAttainment);
}

grpc::ServerUnaryReactor* IncentiveServiceImpl::ListPeriods(grpc::CallbackServerContext* context,
                                                            const v1::ListPeriodsRequest* request,
                                                            v1::ListPeriodsResponse* response) {
  return Query(context, request, response, &IncentivesApp::ListPeriods);
}

}  // namespace sales::incentives
