// FinishCommandOnExecutor: the one path of a command RPC in every context's gRPC adapter — the
// call's origin from its metadata, the correlation id echoed, the command run on the executor
// (FinishUnaryOnExecutor) and its result mapped once.
//
//   grpc::ServerUnaryReactor* LeadServiceImpl::WinDeal(grpc::CallbackServerContext* context,
//                                                      const v1::WinDealRequest* request,
//                                                      v1::CommandResponse* response) {
//     return FinishCommandOnExecutor(context, executor_, ValidateCommandMeta(request->meta()),
//                                    response, [this, request](const CallOrigin& origin) {
//                                      return app_->WinDeal(*request, origin);
//                                    });
//   }
//
// Metadata: "x-correlation-id" and "x-causation-id" from the client become the CallOrigin of the
// command (ids of at most 128 characters of [A-Za-z0-9._:-], else INVALID_ARGUMENT). A call
// without a correlation id gets a generated one. Every answer, success or error, carries the
// correlation id used as trailing metadata "x-correlation-id".
#ifndef SALES_COMMON_GRPC_COMMAND_CALL_H_
#define SALES_COMMON_GRPC_COMMAND_CALL_H_

#include <map>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "common/eventsourcing/command_support.h"
#include "common/grpc/unary_call.h"
#include "grpcpp/server_context.h"

namespace sales::grpc_server {

// Metadata keys of the call origin (gRPC metadata keys are lower case).
inline constexpr char kCorrelationIdKey[] = "x-correlation-id";
inline constexpr char kCausationIdKey[] = "x-causation-id";

// The origin of a call from its client metadata (see the file comment).
absl::StatusOr<eventsourcing::CallOrigin> CallOriginFromMetadata(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata);

template <typename Response>
grpc::ServerUnaryReactor* FinishCommandOnExecutor(
    grpc::CallbackServerContext* context, concurrency::Executor* executor, absl::Status precheck,
    Response* response,
    absl::AnyInvocable<absl::StatusOr<Response>(const eventsourcing::CallOrigin&)> work) {
  absl::StatusOr<eventsourcing::CallOrigin> origin =
      CallOriginFromMetadata(context->client_metadata());
  if (origin.ok()) {
    // Trailing metadata reaches the client on success and on error alike.
    context->AddTrailingMetadata(kCorrelationIdKey, origin->correlation_id);
  }
  if (!origin.ok()) precheck = origin.status();
  return FinishUnaryOnExecutor(
      context, executor, std::move(precheck), response,
      [origin = std::move(origin), work = std::move(work)]() mutable { return work(*origin); });
}

}  // namespace sales::grpc_server

#endif  // SALES_COMMON_GRPC_COMMAND_CALL_H_
