// EmptyRpcClient: the baseline of the load generator — grpc.health.v1.Health/Check with an empty
// HealthCheckRequest (service "" = the whole server), sent as raw bytes through the same blocking
// unary path a generated stub uses (Debian ships no generated health stub). It measures what the
// server machinery costs per call with no domain work behind it.
//
//   EmptyRpcClient client(channel);
//   CallOutcome outcome = client.RunNext();  // kind "empty_rpc"
//
// Thread-safety: thread-compatible (one per thread); channels may be shared.
#ifndef SALES_TOOLS_LOADGEN_EMPTY_RPC_CLIENT_H_
#define SALES_TOOLS_LOADGEN_EMPTY_RPC_CLIENT_H_

#include <memory>

#include "grpcpp/channel.h"
#include "grpcpp/impl/rpc_method.h"
#include "grpcpp/support/byte_buffer.h"
#include "tools/loadgen/call_outcome.h"

namespace sales::loadgen {

class EmptyRpcClient {
 public:
  explicit EmptyRpcClient(std::shared_ptr<grpc::Channel> channel);

  CallOutcome RunNext();

 private:
  const std::shared_ptr<grpc::Channel> channel_;
  const grpc::internal::RpcMethod method_;
  grpc::ByteBuffer empty_request_;
};

}  // namespace sales::loadgen

#endif  // SALES_TOOLS_LOADGEN_EMPTY_RPC_CLIENT_H_
