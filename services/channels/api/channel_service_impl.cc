#include "services/channels/api/channel_service_impl.h"

#include "common/grpc/command_call.h"
#include "common/grpc/unary_call.h"
#include "common/validation/field_validation.h"

namespace sales::channels {

template <typename Request, typename Response>
grpc::ServerUnaryReactor* ChannelServiceImpl::Command(grpc::CallbackServerContext* context,
                                                      const Request* request, Response* response,
                                                      CommandMethod<Request, Response> method) {
  return grpc_server::FinishCommandOnExecutor<Response>(
      context, executor_, ValidateCommandMeta(request->meta()), response,
      [app = app_, request, method](const CallOrigin& origin) {
        return (app->*method)(*request, origin);
      });
}

template <typename Request, typename Response>
grpc::ServerUnaryReactor* ChannelServiceImpl::Query(
    grpc::CallbackServerContext* context, const Request* request, Response* response,
    absl::StatusOr<Response> (ChannelsApp::*method)(const Request&)) {
  return grpc_server::FinishUnaryOnExecutor(
      context, executor_, absl::OkStatus(), response,
      [app = app_, request, method] { return (app->*method)(*request); });
}

grpc::ServerUnaryReactor* ChannelServiceImpl::AddProduct(grpc::CallbackServerContext* context,
                                                         const v1::AddProductRequest* request,
                                                         v1::ChannelsCommandResponse* response) {
  return Command(context, request, response, &ChannelsApp::AddProduct);
}
grpc::ServerUnaryReactor* ChannelServiceImpl::ChangeListPrice(
    grpc::CallbackServerContext* context, const v1::ChangeListPriceRequest* request,
    v1::ChannelsCommandResponse* response) {
  return Command(context, request, response, &ChannelsApp::ChangeListPrice);
}
grpc::ServerUnaryReactor* ChannelServiceImpl::RetireProduct(grpc::CallbackServerContext* context,
                                                            const v1::RetireProductRequest* request,
                                                            v1::ChannelsCommandResponse* response) {
  return Command(context, request, response, &ChannelsApp::RetireProduct);
}
grpc::ServerUnaryReactor* ChannelServiceImpl::RegisterChannel(
    grpc::CallbackServerContext* context, const v1::RegisterChannelRequest* request,
    v1::ChannelsCommandResponse* response) {
  return Command(context, request, response, &ChannelsApp::RegisterChannel);
}
grpc::ServerUnaryReactor* ChannelServiceImpl::ChangeChannelStatus(
    grpc::CallbackServerContext* context, const v1::ChangeChannelStatusRequest* request,
    v1::ChannelsCommandResponse* response) {
  return Command(context, request, response, &ChannelsApp::ChangeChannelStatus);
}
grpc::ServerUnaryReactor* ChannelServiceImpl::SetPriceBand(grpc::CallbackServerContext* context,
                                                           const v1::SetPriceBandRequest* request,
                                                           v1::ChannelsCommandResponse* response) {
  return Command(context, request, response, &ChannelsApp::SetPriceBand);
}
grpc::ServerUnaryReactor* ChannelServiceImpl::AmendAgreement(
    grpc::CallbackServerContext* context, const v1::AmendAgreementRequest* request,
    v1::ChannelsCommandResponse* response) {
  return Command(context, request, response, &ChannelsApp::AmendAgreement);
}
grpc::ServerUnaryReactor* ChannelServiceImpl::SetChannelPrice(
    grpc::CallbackServerContext* context, const v1::SetChannelPriceRequest* request,
    v1::ChannelsCommandResponse* response) {
  return Command(context, request, response, &ChannelsApp::SetChannelPrice);
}
grpc::ServerUnaryReactor* ChannelServiceImpl::RecordEnablement(
    grpc::CallbackServerContext* context, const v1::RecordEnablementRequest* request,
    v1::ChannelsCommandResponse* response) {
  return Command(context, request, response, &ChannelsApp::RecordEnablement);
}
grpc::ServerUnaryReactor* ChannelServiceImpl::Claim(grpc::CallbackServerContext* context,
                                                    const v1::ClaimRequest* request,
                                                    v1::ClaimResponse* response) {
  return Command(context, request, response, &ChannelsApp::Claim);
}
grpc::ServerUnaryReactor* ChannelServiceImpl::ResolveConflict(
    grpc::CallbackServerContext* context, const v1::ResolveConflictRequest* request,
    v1::ChannelsCommandResponse* response) {
  return Command(context, request, response, &ChannelsApp::ResolveConflict);
}
grpc::ServerUnaryReactor* ChannelServiceImpl::WithdrawClaim(grpc::CallbackServerContext* context,
                                                            const v1::WithdrawClaimRequest* request,
                                                            v1::ChannelsCommandResponse* response) {
  return Command(context, request, response, &ChannelsApp::WithdrawClaim);
}
grpc::ServerUnaryReactor* ChannelServiceImpl::GetProduct(grpc::CallbackServerContext* context,
                                                         const v1::GetProductRequest* request,
                                                         v1::Product* response) {
  return Query(context, request, response, &ChannelsApp::GetProduct);
}
grpc::ServerUnaryReactor* ChannelServiceImpl::GetChannel(grpc::CallbackServerContext* context,
                                                         const v1::GetChannelRequest* request,
                                                         v1::Channel* response) {
  return Query(context, request, response, &ChannelsApp::GetChannel);
}
grpc::ServerUnaryReactor* ChannelServiceImpl::GetClaims(grpc::CallbackServerContext* context,
                                                        const v1::GetClaimsRequest* request,
                                                        v1::ClaimLedger* response) {
  return Query(context, request, response, &ChannelsApp::GetClaims);
}
grpc::ServerUnaryReactor* ChannelServiceImpl::CheckOrderEligibility(
    grpc::CallbackServerContext* context, const v1::OrderCheck* request,
    v1::EligibilityVerdict* response) {
  return Query(context, request, response, &ChannelsApp::CheckOrderEligibility);
}

grpc::ServerUnaryReactor* ChannelServiceImpl::ListProducts(grpc::CallbackServerContext* context,
                                                           const v1::ListProductsRequest* request,
                                                           v1::ListProductsResponse* response) {
  return Query(context, request, response, &ChannelsApp::ListProducts);
}
grpc::ServerUnaryReactor* ChannelServiceImpl::ListChannels(grpc::CallbackServerContext* context,
                                                           const v1::ListChannelsRequest* request,
                                                           v1::ListChannelsResponse* response) {
  return Query(context, request, response, &ChannelsApp::ListChannels);
}
grpc::ServerUnaryReactor* ChannelServiceImpl::ListFlaggedPrices(
    grpc::CallbackServerContext* context, const v1::ListFlaggedPricesRequest* request,
    v1::ListFlaggedPricesResponse* response) {
  return Query(context, request, response, &ChannelsApp::ListFlaggedPrices);
}
grpc::ServerUnaryReactor* ChannelServiceImpl::GetPriceConsistency(
    grpc::CallbackServerContext* context, const v1::GetPriceConsistencyRequest* request,
    v1::PriceConsistencyReport* response) {
  return Query(context, request, response, &ChannelsApp::GetPriceConsistency);
}
grpc::ServerUnaryReactor* ChannelServiceImpl::ListConflicts(grpc::CallbackServerContext* context,
                                                            const v1::ListConflictsRequest* request,
                                                            v1::ListConflictsResponse* response) {
  return Query(context, request, response, &ChannelsApp::ListConflicts);
}

}  // namespace sales::channels
