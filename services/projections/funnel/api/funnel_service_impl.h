// FunnelServiceImpl: the gRPC adapter of sales.projections.v1.FunnelService over the funnel read
// model. GetFunnel validates the request on the reaction thread and runs FunnelQuery on the
// executor (RocksDB reads must not run on gRPC's reaction threads), straight into the call's
// response, which lives with its request on one protobuf Arena per call (ArenaAllocator: a
// grouped report is tens of thousands of small messages, freed at once). WatchFunnel subscribes the
// call to a WatchHub fed by the funnel runner's batches: the client gets the report at once,
// then a new one after each committed batch that changed it; a slow client's updates coalesce
// to the latest (common/projection/watch_hub.h, common/grpc/latest_value_writer.h).
//
//   concurrency::Executor executor(4);
//   FunnelQuery query(&runner->store());
//   projection::WatchHub<v1::FunnelUpdate> hub;
//   const uint64_t observer =
//       runner->Subscribe([&hub](const projection::AppliedBatch& b) { hub.OnBatch(b); });
//   FunnelServiceImpl service(&query, &executor, &hub);
//   ASSIGN_OR_RETURN(auto server, grpc_server::GrpcServer::Start({.port = 0}, {&service}));
//   server->SetServing(FunnelServiceImpl::kServiceName, true);
//   ...
//   server->Shutdown(deadline); runner->Unsubscribe(observer); hub.Shutdown();
//
// Errors: INVALID_ARGUMENT "field <name>: <reason>" for a bad request (also ends a watch before
// any update); a watch ends with UNAVAILABLE when the hub shuts down.
//
// Thread-safety: thread-safe (gRPC calls its methods concurrently). `query`, `executor` and
// `hub` must outlive the server serving this service.
#ifndef SALES_SERVICES_PROJECTIONS_FUNNEL_API_FUNNEL_SERVICE_IMPL_H_
#define SALES_SERVICES_PROJECTIONS_FUNNEL_API_FUNNEL_SERVICE_IMPL_H_

#include "common/concurrency/executor.h"
#include "common/grpc/request_parsing_service.h"
#include "common/projection/watch_hub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/message_allocator.h"
#include "sales/projections/v1/funnel.grpc.pb.h"
#include "services/projections/funnel/query/funnel_query.h"

namespace sales::funnel {

class FunnelServiceImpl final
    : public grpc_server::RequestParsingService<projections::v1::FunnelService::CallbackService> {
 public:
  // The name health checks use for this service.
  static constexpr char kServiceName[] = "sales.projections.v1.FunnelService";

  FunnelServiceImpl(const FunnelQuery* query, concurrency::Executor* executor,
                    projection::WatchHub<projections::v1::FunnelUpdate>* hub);

  grpc::ServerUnaryReactor* GetFunnel(grpc::CallbackServerContext* context,
                                      const projections::v1::GetFunnelRequest* request,
                                      projections::v1::FunnelReport* response) override;
  grpc::ServerWriteReactor<projections::v1::FunnelUpdate>* WatchFunnel(
      grpc::CallbackServerContext* context,
      const projections::v1::WatchFunnelRequest* request) override;

 private:
  // Allocates each GetFunnel call's request and response on an Arena of the call's own.
  using ReceivedGetFunnel = grpc_server::ReceivedRequest<projections::v1::GetFunnelRequest>;
  class ArenaAllocator final
      : public grpc::MessageAllocator<ReceivedGetFunnel, projections::v1::FunnelReport> {
   public:
    grpc::MessageHolder<ReceivedGetFunnel, projections::v1::FunnelReport>* AllocateMessages()
        override;
  };

  ArenaAllocator allocator_;
  const FunnelQuery* const query_;
  concurrency::Executor* const executor_;
  projection::WatchHub<projections::v1::FunnelUpdate>* const hub_;
};

}  // namespace sales::funnel

#endif  // SALES_SERVICES_PROJECTIONS_FUNNEL_API_FUNNEL_SERVICE_IMPL_H_
