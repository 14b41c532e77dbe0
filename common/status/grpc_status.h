// The one mapping between absl::Status and grpc::Status. Every gRPC adapter uses it; nothing else
// converts statuses by hand (a Redpanda-style single crossing point for errors).
//
//   grpc::Status s = sales::ToGrpcStatus(app.Handle(cmd));
#ifndef SALES_COMMON_STATUS_GRPC_STATUS_H_
#define SALES_COMMON_STATUS_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace sales {

// Same code, same message. Codes are numerically identical in both libraries.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The inverse, used by gRPC clients inside the platform.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace sales

#endif  // SALES_COMMON_STATUS_GRPC_STATUS_H_
