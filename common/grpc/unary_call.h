// FinishUnaryOnExecutor: the one way a callback service answers a unary RPC whose work may
// block (a RocksDB read, an append): validate on the reaction thread, run the work on the
// service's executor, finish the call with the work's status.
//
//   grpc::ServerUnaryReactor* FooServiceImpl::GetFoo(grpc::CallbackServerContext* context,
//                                                    const GetFooRequest* request,
//                                                    Foo* response) {
//     return FinishUnaryOnExecutor(context, executor_, ValidateGetFoo(*request),
//                                  [this, request, response] {
//                                    ASSIGN_OR_RETURN(*response, app_->GetFoo(*request));
//                                    return absl::OkStatus();
//                                  });
//   }
//
// The second form takes work that returns the response and moves it into place.
//
// `precheck` not OK finishes the call at once with it (work never runs); an executor that is
// shutting down finishes it with UNAVAILABLE. The work runs at most once, on an executor thread,
// and must fill the response before it returns; the request and response stay valid until the
// call finishes. Status mapping is ToGrpcStatus (common/status/grpc_status.h), once.
#ifndef SALES_COMMON_GRPC_UNARY_CALL_H_
#define SALES_COMMON_GRPC_UNARY_CALL_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/concurrency/executor.h"
#include "common/status/grpc_status.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"

namespace sales::grpc_server {

// `work`: callable as absl::Status().
template <typename Work>
grpc::ServerUnaryReactor* FinishUnaryOnExecutor(grpc::CallbackServerContext* context,
                                                concurrency::Executor* executor,
                                                const absl::Status& precheck, Work work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (!precheck.ok()) {
    reactor->Finish(ToGrpcStatus(precheck));
    return reactor;
  }
  absl::Status scheduled = executor->Schedule(
      [reactor, work = std::move(work)]() mutable { reactor->Finish(ToGrpcStatus(work())); });
  if (!scheduled.ok()) reactor->Finish(ToGrpcStatus(scheduled));
  return reactor;
}

// The same for work that produces the response (callable as absl::StatusOr<Response>()): on
// success the response is moved into `response` before the call finishes.
template <typename Response, typename Work>
grpc::ServerUnaryReactor* FinishUnaryOnExecutor(grpc::CallbackServerContext* context,
                                                concurrency::Executor* executor,
                                                const absl::Status& precheck, Response* response,
                                                Work work) {
  return FinishUnaryOnExecutor(context, executor, precheck,
                               [response, work = std::move(work)]() mutable -> absl::Status {
                                 absl::StatusOr<Response> result = work();
                                 if (!result.ok()) return result.status();
                                 *response = *std::move(result);
                                 return absl::OkStatus();
                               });
}

}  // namespace sales::grpc_server

#endif  // SALES_COMMON_GRPC_UNARY_CALL_H_
