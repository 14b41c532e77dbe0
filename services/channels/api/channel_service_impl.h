// ChannelServiceImpl: the gRPC adapter of the channels context (sales.channels.v1.ChannelService)
// over a ChannelsApp. Mechanical: commands through grpc_server::FinishCommandOnExecutor (meta
// checked, call origin from the metadata, correlation id echoed), queries through
// FinishUnaryOnExecutor; a request that does not parse is INVALID_ARGUMENT
// (RequestParsingService).
//
//   ChannelServiceImpl service(app.get(), &executor);
//
// Thread-safety: called concurrently by gRPC; `app` and `executor` must outlive the server.
#ifndef SALES_SERVICES_CHANNELS_API_CHANNEL_SERVICE_IMPL_H_
#define SALES_SERVICES_CHANNELS_API_CHANNEL_SERVICE_IMPL_H_

#include "common/concurrency/executor.h"
#include "common/grpc/request_parsing_service.h"
#include "grpcpp/grpcpp.h"
#include "sales/channels/v1/channels.grpc.pb.h"
#include "services/channels/app/channels_app.h"

namespace sales::channels {

class ChannelServiceImpl final
    : public grpc_server::RequestParsingService<v1::ChannelService::CallbackService> {
 public:
  static constexpr char kServiceName[] = "sales.channels.v1.ChannelService";

  ChannelServiceImpl(ChannelsApp* app, concurrency::Executor* executor)
      : app_(app), executor_(executor) {
    ParseRequestsOf(&ChannelServiceImpl::AddProduct, &ChannelServiceImpl::ChangeListPrice,
                    &ChannelServiceImpl::RetireProduct, &ChannelServiceImpl::RegisterChannel,
                    &ChannelServiceImpl::ChangeChannelStatus, &ChannelServiceImpl::SetPriceBand,
                    &ChannelServiceImpl::AmendAgreement, &ChannelServiceImpl::SetChannelPrice,
                    &ChannelServiceImpl::RecordEnablement, &ChannelServiceImpl::Claim,
                    &ChannelServiceImpl::ResolveConflict, &ChannelServiceImpl::WithdrawClaim,
                    &ChannelServiceImpl::GetProduct, &ChannelServiceImpl::GetChannel,
                    &ChannelServiceImpl::GetClaims, &ChannelServiceImpl::CheckOrderEligibility,
                    &ChannelServiceImpl::ListProducts, &ChannelServiceImpl::ListChannels,
                    &ChannelServiceImpl::ListFlaggedPrices,
                    &ChannelServiceImpl::GetPriceConsistency, &ChannelServiceImpl::ListConflicts);
  }

  grpc::ServerUnaryReactor* AddProduct(grpc::CallbackServerContext* context,
                                       const v1::AddProductRequest* request,
                                       v1::ChannelsCommandResponse* response) override;
  grpc::ServerUnaryReactor* ChangeListPrice(grpc::CallbackServerContext* context,
                                            const v1::ChangeListPriceRequest* request,
                                            v1::ChannelsCommandResponse* response) override;
  grpc::ServerUnaryReactor* RetireProduct(grpc::CallbackServerContext* context,
                                          const v1::RetireProductRequest* request,
                                          v1::ChannelsCommandResponse* response) override;
  grpc::ServerUnaryReactor* RegisterChannel(grpc::CallbackServerContext* context,
                                            const v1::RegisterChannelRequest* request,
                                            v1::ChannelsCommandResponse* response) override;
  grpc::ServerUnaryReactor* ChangeChannelStatus(grpc::CallbackServerContext* context,
                                                const v1::ChangeChannelStatusRequest* request,
                                                v1::ChannelsCommandResponse* response) override;
  grpc::ServerUnaryReactor* SetPriceBand(grpc::CallbackServerContext* context,
                                         const v1::SetPriceBandRequest* request,
                                         v1::ChannelsCommandResponse* response) override;
  grpc::ServerUnaryReactor* AmendAgreement(grpc::CallbackServerContext* context,
                                           const v1::AmendAgreementRequest* request,
                                           v1::ChannelsCommandResponse* response) override;
  grpc::ServerUnaryReactor* SetChannelPrice(grpc::CallbackServerContext* context,
                                            const v1::SetChannelPriceRequest* request,
                                            v1::ChannelsCommandResponse* response) override;
  grpc::ServerUnaryReactor* RecordEnablement(grpc::CallbackServerContext* context,
                                             const v1::RecordEnablementRequest* request,
                                             v1::ChannelsCommandResponse* response) override;
  grpc::ServerUnaryReactor* Claim(grpc::CallbackServerContext* context,
                                  const v1::ClaimRequest* request,
                                  v1::ClaimResponse* response) override;
  grpc::ServerUnaryReactor* ResolveConflict(grpc::CallbackServerContext* context,
                                            const v1::ResolveConflictRequest* request,
                                            v1::ChannelsCommandResponse* response) override;
  grpc::ServerUnaryReactor* WithdrawClaim(grpc::CallbackServerContext* context,
                                          const v1::WithdrawClaimRequest* request,
                                          v1::ChannelsCommandResponse* response) override;
  grpc::ServerUnaryReactor* GetProduct(grpc::CallbackServerContext* context,
                                       const v1::GetProductRequest* request,
                                       v1::Product* response) override;
  grpc::ServerUnaryReactor* GetChannel(grpc::CallbackServerContext* context,
                                       const v1::GetChannelRequest* request,
                                       v1::Channel* response) override;
  grpc::ServerUnaryReactor* GetClaims(grpc::CallbackServerContext* context,
                                      const v1::GetClaimsRequest* request,
                                      v1::ClaimLedger* response) override;
  grpc::ServerUnaryReactor* CheckOrderEligibility(grpc::CallbackServerContext* context,
                                                  const v1::OrderCheck* request,
                                                  v1::EligibilityVerdict* response) override;

  grpc::ServerUnaryReactor* ListProducts(grpc::CallbackServerContext* context,
                                         const v1::ListProductsRequest* request,
                                         v1::ListProductsResponse* response) override;
  grpc::ServerUnaryReactor* ListChannels(grpc::CallbackServerContext* context,
                                         const v1::ListChannelsRequest* request,
                                         v1::ListChannelsResponse* response) override;
  grpc::ServerUnaryReactor* ListFlaggedPrices(grpc::CallbackServerContext* context,
                                              const v1::ListFlaggedPricesRequest* request,
                                              v1::ListFlaggedPricesResponse* response) override;
  grpc::ServerUnaryReactor* GetPriceConsistency(grpc::CallbackServerContext* context,
                                                const v1::GetPriceConsistencyRequest* request,
                                                v1::PriceConsistencyReport* response) override;
  grpc::ServerUnaryReactor* ListConflicts(grpc::CallbackServerContext* context,
                                          const v1::ListConflictsRequest* request,
                                          v1::ListConflictsResponse* response) override;

 private:
  template <typename Request, typename Response>
  using CommandMethod = absl::StatusOr<Response> (ChannelsApp::*)(const Request&,
                                                                  const CallOrigin&);
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* Command(grpc::CallbackServerContext* context, const Request* request,
                                    Response* response, CommandMethod<Request, Response> method);
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* Query(grpc::CallbackServerContext* context, const Request* request,
                                  Response* response,
                                  absl::StatusOr<Response> (ChannelsApp::*method)(const Request&));

  ChannelsApp* const app_;
  concurrency::Executor* const executor_;
};

}  // namespace sales::channels

#endif  // SALES_SERVICES_CHANNELS_API_CHANNEL_SERVICE_IMPL_H_
