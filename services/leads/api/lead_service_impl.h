// LeadServiceImpl: the gRPC adapter of the leads service (sales.leads.v1.LeadService) over a
// LeadsApp. Mechanical by design: every RPC takes the call's origin from the metadata, schedules
// the app call on the executor (the app blocks on RocksDB; gRPC reaction threads must not) and
// finishes with ToGrpcStatus — the one status mapping. No rules live here.
//
//   concurrency::Executor executor(4);
//   LeadServiceImpl service(app.get(), &executor);
//   ASSIGN_OR_RETURN(auto server, grpc_server::GrpcServer::Start({.port = 0}, {&service}));
//   server->SetServing(LeadServiceImpl::kServiceName, true);
//
// Commands go through grpc_server::FinishCommandOnExecutor (the call origin from the
// "x-correlation-id"/"x-causation-id" metadata, the correlation id echoed) and queries through
// FinishUnaryOnExecutor, as in every context.
//
// Input checked here, because neither the domain nor the transport sees it: every command's
// meta (ValidateCommandMeta: `meta.actor` required, an id — it is the actor recorded in every
// event's envelope).
//
// Thread-safety: thread-compatible with gRPC's use (methods are called concurrently by gRPC).
// `app` and `executor` must outlive the server that serves this service.
#ifndef SALES_SERVICES_LEADS_API_LEAD_SERVICE_IMPL_H_
#define SALES_SERVICES_LEADS_API_LEAD_SERVICE_IMPL_H_

#include <map>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "common/concurrency/executor.h"
#include "common/grpc/request_parsing_service.h"
#include "grpcpp/grpcpp.h"
#include "sales/leads/v1/leads.grpc.pb.h"
#include "services/leads/app/leads_app.h"

namespace sales::leads {

class LeadServiceImpl final
    : public grpc_server::RequestParsingService<v1::LeadService::CallbackService> {
 public:
  // The name health checks use for this service.
  static constexpr char kServiceName[] = "sales.leads.v1.LeadService";

  LeadServiceImpl(LeadsApp* app, concurrency::Executor* executor);

  grpc::ServerUnaryReactor* SetPipelineSettings(grpc::CallbackServerContext* context,
                                                const v1::SetPipelineSettingsRequest* request,
                                                v1::SettingsResponse* response) override;
  grpc::ServerUnaryReactor* GetPipelineSettings(grpc::CallbackServerContext* context,
                                                const v1::GetPipelineSettingsRequest* request,
                                                v1::GetPipelineSettingsResponse* response) override;

  grpc::ServerUnaryReactor* CaptureLead(grpc::CallbackServerContext* context,
                                        const v1::CaptureLeadRequest* request,
                                        v1::CaptureLeadResponse* response) override;
  grpc::ServerUnaryReactor* UpdateLeadDetails(grpc::CallbackServerContext* context,
                                              const v1::UpdateLeadDetailsRequest* request,
                                              v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* ChangeLeadSource(grpc::CallbackServerContext* context,
                                             const v1::ChangeLeadSourceRequest* request,
                                             v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* UpdateQualification(grpc::CallbackServerContext* context,
                                                const v1::UpdateQualificationRequest* request,
                                                v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* MoveLeadStage(grpc::CallbackServerContext* context,
                                          const v1::MoveLeadStageRequest* request,
                                          v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* ConvertToOpportunity(grpc::CallbackServerContext* context,
                                                 const v1::ConvertToOpportunityRequest* request,
                                                 v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* ChangeSalesStep(grpc::CallbackServerContext* context,
                                            const v1::ChangeSalesStepRequest* request,
                                            v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* OverrideDealProbability(
      grpc::CallbackServerContext* context, const v1::OverrideDealProbabilityRequest* request,
      v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* ChangeDealAmount(grpc::CallbackServerContext* context,
                                             const v1::ChangeDealAmountRequest* request,
                                             v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* ChangeDealCloseDate(grpc::CallbackServerContext* context,
                                                const v1::ChangeDealCloseDateRequest* request,
                                                v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* AssignLead(grpc::CallbackServerContext* context,
                                       const v1::AssignLeadRequest* request,
                                       v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* LogActivity(grpc::CallbackServerContext* context,
                                        const v1::LogActivityRequest* request,
                                        v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* DisqualifyLead(grpc::CallbackServerContext* context,
                                           const v1::DisqualifyLeadRequest* request,
                                           v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* WinDeal(grpc::CallbackServerContext* context,
                                    const v1::WinDealRequest* request,
                                    v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* LoseDeal(grpc::CallbackServerContext* context,
                                     const v1::LoseDealRequest* request,
                                     v1::CommandResponse* response) override;

  grpc::ServerUnaryReactor* GetLead(grpc::CallbackServerContext* context,
                                    const v1::GetLeadRequest* request,
                                    v1::GetLeadResponse* response) override;
  grpc::ServerUnaryReactor* ListLeads(grpc::CallbackServerContext* context,
                                      const v1::ListLeadsRequest* request,
                                      v1::ListLeadsResponse* response) override;
  grpc::ServerUnaryReactor* GetPipelineBoard(grpc::CallbackServerContext* context,
                                             const v1::GetPipelineBoardRequest* request,
                                             v1::PipelineBoard* response) override;

 private:
  template <typename Request, typename Response>
  using CommandMethod = absl::StatusOr<Response> (LeadsApp::*)(const Request&, const CallOrigin&);
  template <typename Request, typename Response>
  using QueryMethod = absl::StatusOr<Response> (LeadsApp::*)(const Request&);

  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* Command(grpc::CallbackServerContext* context, const Request* request,
                                    Response* response, CommandMethod<Request, Response> method);
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* Query(grpc::CallbackServerContext* context, const Request* request,
                                  Response* response, QueryMethod<Request, Response> method);

  LeadsApp* const app_;
  concurrency::Executor* const executor_;
};

}  // namespace sales::leads

#endif  // SALES_SERVICES_LEADS_API_LEAD_SERVICE_IMPL_H_
