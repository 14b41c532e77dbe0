#include "tools/loadgen/empty_rpc_client.h"

#include <utility>

#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/impl/client_unary_call.h"
#include "grpcpp/support/slice.h"
#include "tools/loadgen/rpc_calls.h"

namespace sales::loadgen {
namespace {

constexpr char kHealthCheckMethod[] = "/grpc.health.v1.Health/Check";

// An empty message serializes to zero bytes; the buffer must still hold one (empty) slice.
grpc::ByteBuffer EmptyMessage() {
  grpc::Slice empty;
  return grpc::ByteBuffer(&empty, 1);
}

}  // namespace

EmptyRpcClient::EmptyRpcClient(std::shared_ptr<grpc::Channel> channel)
    : channel_(std::move(channel)),
      method_(kHealthCheckMethod, grpc::internal::RpcMethod::NORMAL_RPC, channel_),
      empty_request_(EmptyMessage()) {}

CallOutcome EmptyRpcClient::RunNext() {
  grpc::ClientContext context;
  const absl::Time start = absl::Now();
  context.set_deadline(absl::ToChronoTime(start + kCallDeadline));
  grpc::ByteBuffer response;
  grpc::Status status = grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
      channel_.get(), method_, &context, empty_request_, &response);
  return {.kind = "empty_rpc", .status = std::move(status), .latency = absl::Now() - start};
}

}  // namespace sales::loadgen
