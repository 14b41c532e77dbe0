#include "services/projections/funnel/api/funnel_service_impl.h"

#include <utility>

#include "absl/strings/match.h"
#include "common/grpc/latest_value_writer.h"
#include "common/grpc/unary_call.h"
#include "common/status/grpc_status.h"
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
  auto* writer = new grpc_server::LatestValueWriter<FunnelUpdate>();
  if (absl::Status valid = ValidateGetFunnelRequest(request->query()); !valid.ok()) {
    writer->Close(ToGrpcStatus(valid));
    return writer;
  }
  const uint64_t id = hub_->Subscribe({
      .compute = [this, query = request->query()]() -> absl::StatusOr<FunnelUpdate> {
        absl::StatusOr<FunnelReport> report = query_->GetFunnel(query);
        if (!report.ok()) return report.status();
        FunnelUpdate update;
        *update.mutable_report() = *std::move(report);
        return update;
      },
      .deliver =
          [writer](FunnelUpdate update, projection::WatchSent sent) {
            writer->Offer(std::move(update), std::move(sent));
          },
      .end = [writer](const absl::Status& status) { writer->Close(ToGrpcStatus(status)); },
      // Only the leads topic feeds the funnel.
      .affected =
          [](const projection::AppliedBatch& batch) {
            for (const projection::EventEnvelope& event : batch.events) {
              if (absl::StrContains(event.payload().type_url(), "/sales.leads.v1.")) return true;
            }
            return false;
          },
  });
  writer->set_on_done([hub = hub_, id] { hub->Unsubscribe(id); });
  return writer;
}

}  // namespace sales::funnel
