// EventFeedService: serves a write service's event store — its log of record — over gRPC
// (sales.common.v1.EventFeed), for projections catching up or filling version gaps.
//
//   concurrency::Executor feed_executor(2);
//   feed::EventFeedService feed({{"leads", leads_store.get()}, {"org", org_store.get()}},
//                               &feed_executor);
//   ASSIGN_OR_RETURN(auto server, grpc_server::GrpcServer::Start({.port = 0}, {&feed}));
//   ...
//   server->Shutdown(deadline);  // before the executor and the store go away
//
// ReadAll, ReadStream and ReadStreamStored stream pages (default 500 events, at most 5000). Each
// page is read from the store on `executor`, never on a gRPC reaction thread, and only one page per
// call is in flight: the next is read when the previous one has been written to the transport, so a
// slow client holds back its own call and nothing else. A cancelled call stops at the next
// page boundary. ReadAll ends at the store's head as it was when the call started (or at
// max_events), so a busy store cannot keep a call going forever. Events are shipped as decoded
// from their stored bytes once, straight into the page.
//
// Every request names its store by `context`; it may be empty when the service serves one store.
//
// Errors: INVALID_ARGUMENT naming "stream_id", "to_version" or "context" (empty while several
// stores are served); NOT_FOUND for a context not served here; DATA_LOSS when a stored event
// does not decode; the store's own errors otherwise; UNAVAILABLE once the executor is shut down.
//
// Thread-safety: the service is stateless apart from its pointers; `store` and `executor` must
// outlive every call, i.e. the server hosting the service must be shut down first.
#ifndef SALES_COMMON_FEED_EVENT_FEED_SERVICE_H_
#define SALES_COMMON_FEED_EVENT_FEED_SERVICE_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "common/concurrency/executor.h"
#include "common/eventstore/event_store.h"
#include "common/grpc/request_parsing_service.h"
#include "sales/common/v1/feed.grpc.pb.h"

namespace sales::feed {

class EventFeedService final
    : public grpc_server::RequestParsingService<sales::common::v1::EventFeed::CallbackService> {
 public:
  static constexpr char kServiceName[] = "sales.common.v1.EventFeed";

  // Stores by context name; every store and `executor` must outlive the service's calls.
  using Stores = std::map<std::string, eventstore::EventStore*>;
  EventFeedService(Stores stores, concurrency::Executor* executor)
      : stores_(std::move(stores)), executor_(executor) {
    ParseRequestsOf(&EventFeedService::ReadAll, &EventFeedService::ReadStream,
                    &EventFeedService::ReadStreamStored, &EventFeedService::GetStreamHead,
                    &EventFeedService::GetHead);
  }

  grpc::ServerWriteReactor<sales::common::v1::EventPage>* ReadAll(
      grpc::CallbackServerContext* context,
      const sales::common::v1::ReadAllRequest* request) override;

  grpc::ServerWriteReactor<sales::common::v1::EventPage>* ReadStream(
      grpc::CallbackServerContext* context,
      const sales::common::v1::ReadStreamRequest* request) override;

  // The stream's stored bytes, paged like ReadStream (no decode).
  grpc::ServerWriteReactor<sales::common::v1::StoredEventPage>* ReadStreamStored(
      grpc::CallbackServerContext* context,
      const sales::common::v1::ReadStreamRequest* request) override;

  grpc::ServerUnaryReactor* GetStreamHead(
      grpc::CallbackServerContext* context, const sales::common::v1::GetStreamHeadRequest* request,
      sales::common::v1::GetStreamHeadResponse* response) override;

  // Answered on the reaction thread: the head is an in-memory read that never blocks.
  grpc::ServerUnaryReactor* GetHead(grpc::CallbackServerContext* context,
                                    const sales::common::v1::GetHeadRequest* request,
                                    sales::common::v1::GetHeadResponse* response) override;

 private:
  // The store a request's `context` names.
  absl::StatusOr<eventstore::EventStore*> StoreFor(const std::string& context) const;
  // The store of a stream read, once the stream range is valid.
  absl::StatusOr<eventstore::EventStore*> StoreForStream(
      const sales::common::v1::ReadStreamRequest& request) const;

  const Stores stores_;
  concurrency::Executor* const executor_;
};

}  // namespace sales::feed

#endif  // SALES_COMMON_FEED_EVENT_FEED_SERVICE_H_
