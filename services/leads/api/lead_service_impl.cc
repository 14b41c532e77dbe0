#include "services/leads/api/lead_service_impl.h"

#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/grpc/command_call.h"
#include "common/grpc/unary_call.h"
#include "common/status/status_macros.h"
#include "services/leads/domain/validation.h"

namespace sales::leads {

using grpc_server::FinishCommandOnExecutor;
using grpc_server::FinishUnaryOnExecutor;

LeadServiceImpl::LeadServiceImpl(LeadsApp* app, concurrency::Executor* executor)
    : app_(app), executor_(executor) {
  ParseRequestsOf(&LeadServiceImpl::SetPipelineSettings, &LeadServiceImpl::GetPipelineSettings,
                  &LeadServiceImpl::CaptureLead, &LeadServiceImpl::UpdateLeadDetails,
                  &LeadServiceImpl::ChangeLeadSource, &LeadServiceImpl::UpdateQualification,
                  &LeadServiceImpl::MoveLeadStage, &LeadServiceImpl::ConvertToOpportunity,
                  &LeadServiceImpl::ChangeSalesStep, &LeadServiceImpl::OverrideDealProbability,
                  &LeadServiceImpl::ChangeDealAmount, &LeadServiceImpl::ChangeDealCloseDate,
                  &LeadServiceImpl::AssignLead, &LeadServiceImpl::LogActivity,
                  &LeadServiceImpl::DisqualifyLead, &LeadServiceImpl::WinDeal,
                  &LeadServiceImpl::LoseDeal, &LeadServiceImpl::GetLead,
                  &LeadServiceImpl::ListLeads, &LeadServiceImpl::GetPipelineBoard);
}

template <typename Request, typename Response>
grpc::ServerUnaryReactor* LeadServiceImpl::Command(grpc::CallbackServerContext* context,
                                                   const Request* request, Response* response,
                                                   CommandMethod<Request, Response> method) {
  return FinishCommandOnExecutor<Response>(context, executor_, ValidateCommandMeta(request->meta()),
                                           response,
                                           [app = app_, request, method](const CallOrigin& origin) {
                                             return (app->*method)(*request, origin);
                                           });
}

template <typename Request, typename Response>
grpc::ServerUnaryReactor* LeadServiceImpl::Query(grpc::CallbackServerContext* context,
                                                 const Request* request, Response* response,
                                                 QueryMethod<Request, Response> method) {
  return FinishUnaryOnExecutor(context, executor_, absl::OkStatus(), response,
                               [app = app_, request, method] { return (app->*method)(*request); });
}

grpc::ServerUnaryReactor* LeadServiceImpl::SetPipelineSettings(
    grpc::CallbackServerContext* context, const v1::SetPipelineSettingsRequest* request,
    v1::SettingsResponse* response) {
  return Command(context, request, response, &LeadsApp::SetPipelineSettings);
}

grpc::ServerUnaryReactor* LeadServiceImpl::GetPipelineSettings(
    grpc::CallbackServerContext* context, const v1::GetPipelineSettingsRequest* request,
    v1::GetPipelineSettingsResponse* response) {
  return Query(context, request, response, &LeadsApp::GetPipelineSettings);
}

grpc::ServerUnaryReactor* LeadServiceImpl::CaptureLead(grpc::CallbackServerContext* context,
                                                       const v1::CaptureLeadRequest* request,
                                                       v1::CaptureLeadResponse* response) {
  return Command(context, request, response, &LeadsApp::CaptureLead);
}

grpc::ServerUnaryReactor* LeadServiceImpl::UpdateLeadDetails(
    grpc::CallbackServerContext* context, const v1::UpdateLeadDetailsRequest* request,
    v1::CommandResponse* response) {
  return Command(context, request, response, &LeadsApp::UpdateLeadDetails);
}

grpc::ServerUnaryReactor* LeadServiceImpl::ChangeLeadSource(
    grpc::CallbackServerContext* context, const v1::ChangeLeadSourceRequest* request,
    v1::CommandResponse* response) {
  return Command(context, request, response, &LeadsApp::ChangeLeadSource);
}

grpc::ServerUnaryReactor* LeadServiceImpl::UpdateQualification(
    grpc::CallbackServerContext* context, const v1::UpdateQualificationRequest* request,
    v1::CommandResponse* response) {
  return Command(context, request, response, &LeadsApp::UpdateQualification);
}

grpc::ServerUnaryReactor* LeadServiceImpl::MoveLeadStage(grpc::CallbackServerContext* context,
                                                         const v1::MoveLeadStageRequest* request,
                                                         v1::CommandResponse* response) {
  return Command(context, request, response, &LeadsApp::MoveLeadStage);
}

grpc::ServerUnaryReactor* LeadServiceImpl::ConvertToOpportunity(
    grpc::CallbackServerContext* context, const v1::ConvertToOpportunityRequest* request,
    v1::CommandResponse* response) {
  return Command(context, request, response, &LeadsApp::ConvertToOpportunity);
}

grpc::ServerUnaryReactor* LeadServiceImpl::ChangeSalesStep(
    grpc::CallbackServerContext* context, const v1::ChangeSalesStepRequest* request,
    v1::CommandResponse* response) {
  return Command(context, request, response, &LeadsApp::ChangeSalesStep);
}

grpc::ServerUnaryReactor* LeadServiceImpl::OverrideDealProbability(
    grpc::CallbackServerContext* context, const v1::OverrideDealProbabilityRequest* request,
    v1::CommandResponse* response) {
  return Command(context, request, response, &LeadsApp::OverrideDealProbability);
}

grpc::ServerUnaryReactor* LeadServiceImpl::ChangeDealAmount(
    grpc::CallbackServerContext* context, const v1::ChangeDealAmountRequest* request,
    v1::CommandResponse* response) {
  return Command(context, request, response, &LeadsApp::ChangeDealAmount);
}

grpc::ServerUnaryReactor* LeadServiceImpl::ChangeDealCloseDate(
    grpc::CallbackServerContext* context, const v1::ChangeDealCloseDateRequest* request,
    v1::CommandResponse* response) {
  return Command(context, request, response, &LeadsApp::ChangeDealCloseDate);
}

grpc::ServerUnaryReactor* LeadServiceImpl::AssignLead(grpc::CallbackServerContext* context,
                                                      const v1::AssignLeadRequest* request,
                                                      v1::CommandResponse* response) {
  return Command(context, request, response, &LeadsApp::AssignLead);
}

grpc::ServerUnaryReactor* LeadServiceImpl::LogActivity(grpc::CallbackServerContext* context,
                                                       const v1::LogActivityRequest* request,
                                                       v1::CommandResponse* response) {
  return Command(context, request, response, &LeadsApp::LogActivity);
}

grpc::ServerUnaryReactor* LeadServiceImpl::DisqualifyLead(grpc::CallbackServerContext* context,
                                                          const v1::DisqualifyLeadRequest* request,
                                                          v1::CommandResponse* response) {
  return Command(context, request, response, &LeadsApp::DisqualifyLead);
}

grpc::ServerUnaryReactor* LeadServiceImpl::WinDeal(grpc::CallbackServerContext* context,
                                                   const v1::WinDealRequest* request,
                                                   v1::CommandResponse* response) {
  return Command(context, request, response, &LeadsApp::WinDeal);
}

grpc::ServerUnaryReactor* LeadServiceImpl::LoseDeal(grpc::CallbackServerContext* context,
                                                    const v1::LoseDealRequest* request,
                                                    v1::CommandResponse* response) {
  return Command(context, request, response, &LeadsApp::LoseDeal);
}

grpc::ServerUnaryReactor* LeadServiceImpl::GetLead(grpc::CallbackServerContext* context,
                                                   const v1::GetLeadRequest* request,
                                                   v1::GetLeadResponse* response) {
  return Query(context, request, response, &LeadsApp::GetLead);
}

grpc::ServerUnaryReactor* LeadServiceImpl::ListLeads(grpc::CallbackServerContext* context,
                                                     const v1::ListLeadsRequest* request,
                                                     v1::ListLeadsResponse* response) {
  return Query(context, request, response, &LeadsApp::ListLeads);
}

grpc::ServerUnaryReactor* LeadServiceImpl::GetPipelineBoard(
    grpc::CallbackServerContext* context, const v1::GetPipelineBoardRequest* request,
    v1::PipelineBoard* response) {
  return Query(context, request, response, &LeadsApp::GetPipelineBoard);
}

}  // namespace sales::leads
