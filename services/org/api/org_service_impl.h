// OrgServiceImpl: the gRPC adapter of the org context (sales.org.v1.OrgService) over an OrgApp.
// Mechanical: commands through grpc_server::FinishCommandOnExecutor (meta checked, call origin
// from the metadata, correlation id echoed), queries through FinishUnaryOnExecutor.
//
//   OrgServiceImpl service(app.get(), &executor);
//
// Thread-safety: called concurrently by gRPC; `app` and `executor` must outlive the server.
#ifndef SALES_SERVICES_ORG_API_ORG_SERVICE_IMPL_H_
#define SALES_SERVICES_ORG_API_ORG_SERVICE_IMPL_H_

#include "common/concurrency/executor.h"
#include "common/grpc/request_parsing_service.h"
#include "grpcpp/grpcpp.h"
#include "sales/org/v1/org.grpc.pb.h"
#include "services/org/app/org_app.h"

namespace sales::org {

class OrgServiceImpl final
    : public grpc_server::RequestParsingService<v1::OrgService::CallbackService> {
 public:
  static constexpr char kServiceName[] = "sales.org.v1.OrgService";

  OrgServiceImpl(OrgApp* app, concurrency::Executor* executor) : app_(app), executor_(executor) {
    ParseRequestsOf(&OrgServiceImpl::AddRegion, &OrgServiceImpl::AddProductLine,
                    &OrgServiceImpl::AddCustomerSegment, &OrgServiceImpl::CreateTeam,
                    &OrgServiceImpl::AddRep, &OrgServiceImpl::MoveRep,
                    &OrgServiceImpl::AddTerritoryRule, &OrgServiceImpl::RemoveTerritoryRule,
                    &OrgServiceImpl::GetOrganisation, &OrgServiceImpl::ListTerritoryGaps);
  }

  grpc::ServerUnaryReactor* AddRegion(grpc::CallbackServerContext* context,
                                      const v1::AddRegionRequest* request,
                                      v1::OrgCommandResponse* response) override;
  grpc::ServerUnaryReactor* AddProductLine(grpc::CallbackServerContext* context,
                                           const v1::AddProductLineRequest* request,
                                           v1::OrgCommandResponse* response) override;
  grpc::ServerUnaryReactor* AddCustomerSegment(grpc::CallbackServerContext* context,
                                               const v1::AddCustomerSegmentRequest* request,
                                               v1::OrgCommandResponse* response) override;
  grpc::ServerUnaryReactor* CreateTeam(grpc::CallbackServerContext* context,
                                       const v1::CreateTeamRequest* request,
                                       v1::OrgCommandResponse* response) override;
  grpc::ServerUnaryReactor* AddRep(grpc::CallbackServerContext* context,
                                   const v1::AddRepRequest* request,
                                   v1::OrgCommandResponse* response) override;
  grpc::ServerUnaryReactor* MoveRep(grpc::CallbackServerContext* context,
                                    const v1::MoveRepRequest* request,
                                    v1::OrgCommandResponse* response) override;
  grpc::ServerUnaryReactor* AddTerritoryRule(grpc::CallbackServerContext* context,
                                             const v1::AddTerritoryRuleRequest* request,
                                             v1::OrgCommandResponse* response) override;
  grpc::ServerUnaryReactor* RemoveTerritoryRule(grpc::CallbackServerContext* context,
                                                const v1::RemoveTerritoryRuleRequest* request,
                                                v1::OrgCommandResponse* response) override;
  grpc::ServerUnaryReactor* GetOrganisation(grpc::CallbackServerContext* context,
                                            const v1::GetOrganisationRequest* request,
                                            v1::GetOrganisationResponse* response) override;
  grpc::ServerUnaryReactor* ListTerritoryGaps(grpc::CallbackServerContext* context,
                                              const v1::ListTerritoryGapsRequest* request,
                                              v1::ListTerritoryGapsResponse* response) override;

 private:
  template <typename Request>
  using CommandMethod = absl::StatusOr<v1::OrgCommandResponse> (OrgApp::*)(const Request&,
                                                                           const CallOrigin&);
  template <typename Request>
  grpc::ServerUnaryReactor* Command(grpc::CallbackServerContext* context, const Request* request,
                                    v1::OrgCommandResponse* response,
                                    CommandMethod<Request> method);
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* Query(grpc::CallbackServerContext* context, const Request* request,
                                  Response* response,
                                  absl::StatusOr<Response> (OrgApp::*method)(const Request&));

  OrgApp* const app_;
  concurrency::Executor* const executor_;
};

}  // namespace sales::org

#endif  // SALES_SERVICES_ORG_API_ORG_SERVICE_IMPL_H_
