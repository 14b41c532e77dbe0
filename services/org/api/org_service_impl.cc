#include "services/org/api/org_service_impl.h"

#include <utility>

#include "common/grpc/command_call.h"
#include "common/grpc/unary_call.h"
#include "common/validation/field_validation.h"

namespace sales::org {

template <typename Request>
grpc::ServerUnaryReactor* OrgServiceImpl::Command(grpc::CallbackServerContext* context,
                                                  const Request* request,
                                                  v1::OrgCommandResponse* response,
                                                  CommandMethod<Request> method) {
  return grpc_server::FinishCommandOnExecutor<v1::OrgCommandResponse>(
      context, executor_, ValidateCommandMeta(request->meta()), response,
      [app = app_, request, method](const CallOrigin& origin) {
        return (app->*method)(*request, origin);
      });
}

template <typename Request, typename Response>
grpc::ServerUnaryReactor* OrgServiceImpl::Query(
    grpc::CallbackServerContext* context, const Request* request, Response* response,
    absl::StatusOr<Response> (OrgApp::*method)(const Request&)) {
  return grpc_server::FinishUnaryOnExecutor(
      context, executor_, absl::OkStatus(), response,
      [app = app_, request, method] { return (app->*method)(*request); });
}

grpc::ServerUnaryReactor* OrgServiceImpl::AddRegion(grpc::CallbackServerContext* context,
                                                    const v1::AddRegionRequest* request,
                                                    v1::OrgCommandResponse* response) {
  return Command(context, request, response, &OrgApp::AddRegion);
}
grpc::ServerUnaryReactor* OrgServiceImpl::AddProductLine(grpc::CallbackServerContext* context,
                                                         const v1::AddProductLineRequest* request,
                                                         v1::OrgCommandResponse* response) {
  return Command(context, request, response, &OrgApp::AddProductLine);
}
grpc::ServerUnaryReactor* OrgServiceImpl::AddCustomerSegment(
    grpc::CallbackServerContext* context, const v1::AddCustomerSegmentRequest* request,
    v1::OrgCommandResponse* response) {
  return Command(context, request, response, &OrgApp::AddCustomerSegment);
}
grpc::ServerUnaryReactor* OrgServiceImpl::CreateTeam(grpc::CallbackServerContext* context,
                                                     const v1::CreateTeamRequest* request,
                                                     v1::OrgCommandResponse* response) {
  return Command(context, request, response, &OrgApp::CreateTeam);
}
grpc::ServerUnaryReactor* OrgServiceImpl::AddRep(grpc::CallbackServerContext* context,
                                                 const v1::AddRepRequest* request,
                                                 v1::OrgCommandResponse* response) {
  return Command(context, request, response, &OrgApp::AddRep);
}
grpc::ServerUnaryReactor* OrgServiceImpl::MoveRep(grpc::CallbackServerContext* context,
                                                  const v1::MoveRepRequest* request,
                                                  v1::OrgCommandResponse* response) {
  return Command(context, request, response, &OrgApp::MoveRep);
}
grpc::ServerUnaryReactor* OrgServiceImpl::AddTerritoryRule(
    grpc::CallbackServerContext* context, const v1::AddTerritoryRuleRequest* request,
    v1::OrgCommandResponse* response) {
  return Command(context, request, response, &OrgApp::AddTerritoryRule);
}
grpc::ServerUnaryReactor* OrgServiceImpl::RemoveTerritoryRule(
    grpc::CallbackServerContext* context, const v1::RemoveTerritoryRuleRequest* request,
    v1::OrgCommandResponse* response) {
  return Command(context, request, response, &OrgApp::RemoveTerritoryRule);
}
grpc::ServerUnaryReactor* OrgServiceImpl::GetOrganisation(grpc::CallbackServerContext* context,
                                                          const v1::GetOrganisationRequest* request,
                                                          v1::GetOrganisationResponse* response) {
  return Query(context, request, response, &OrgApp::GetOrganisation);
}
grpc::ServerUnaryReactor* OrgServiceImpl::ListTerritoryGaps(
    grpc::CallbackServerContext* context, const v1::ListTerritoryGapsRequest* request,
    v1::ListTerritoryGapsResponse* response) {
  return Query(context, request, response, &OrgApp::ListTerritoryGaps);
}

}  // namespace sales::org
