#include "services/projections/funnel/api/funnel_service_impl.h"

#include <utility>

#include "common/grpc/hub_watch.h"
#include "common/grpc/unary_call.h"
#include "common/status/status_macros.h"
#include "google/protobuf/arena.h"

namespace sales::funnel {

using ::sales::projections::v1::FunnelReport;
using ::sales::projections::v1::FunnelUpdate;
using ::sales::projections::v1::GetFunnelRequest;
using ::sales::projections::v1::WatchFunnelRequest;

namespace {

using ReceivedGetFunnel = grpc_server::ReceivedRequest<GetFunnelRequest>;

// One call's response on an Arena that the call's end (Release) frees (the report is large; the
// request is small and lives beside it).
class ArenaMessages final : public grpc::MessageHolder<ReceivedGetFunnel, FunnelReport> {
 public:
  ArenaMessages() : arena_(ReportArenaOptions()) {
    set_request(&request_);
    set_response(google::protobuf::Arena::CreateMessage<FunnelReport>(&arena_));
  }
  void Release() override { delete this; }

 private:
  google::protobuf::Arena arena_;
  ReceivedGetFunnel request_;
};

}  // namespace

grpc::MessageHolder<ReceivedGetFunnel, FunnelReport>*
FunnelServiceImpl::ArenaAllocator::AllocateMessages() {
  return new ArenaMessages();
}

FunnelServiceImpl::FunnelServiceImpl(const FunnelQuery* query, concurrency::Executor* executor,
                                     projection::WatchHub<FunnelUpdate>* hub)
    : query_(query), executor_(executor), hub_(hub) {
  ParseRequestsOfWithAllocator(&FunnelServiceImpl::GetFunnel, &allocator_);
  ParseRequestsOf(&FunnelServiceImpl::WatchFunnel);
}

grpc::ServerUnaryReactor* FunnelServiceImpl::GetFunnel(grpc::CallbackServerContext* context,
                                                       const GetFunnelRequest* request,
                                                       FunnelReport* response) {
  return grpc_server::FinishUnaryOnExecutor(
      context, executor_, ValidateGetFunnelRequest(*request),
      [this, request, response] { return query_->GetFunnel(*request, *response); });
}

grpc::ServerWriteReactor<FunnelUpdate>* FunnelServiceImpl::WatchFunnel(
    grpc::CallbackServerContext* context, const WatchFunnelRequest* request) {
  return grpc_server::WatchOnHub<FunnelUpdate>(
      hub_, ValidateGetFunnelRequest(request->query()),
      [this, query = request->query()]() -> absl::StatusOr<FunnelUpdate> {
        FunnelUpdate update;
        RETURN_IF_ERROR(query_->GetFunnel(query, *update.mutable_report()));
        return update;
      },
      grpc_server::BatchHasPackages({"sales.leads.v1."}));  // only the leads topic feeds it
}

}  // namespace sales::funnel
