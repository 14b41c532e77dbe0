// gRPC probes for tests: grpc.health.v1.Health/Check and the service list of server reflection
// (grpc.reflection.v1alpha). Debian ships neither generated client stub, so the calls are generic
// and the messages are encoded and read by hand (one field each way).
//
//   auto [status, serving] = sales::testing::HealthCheck(server->address(), "");
//   EXPECT_EQ(serving, sales::testing::kServing);
//   auto [listed, names] = sales::testing::ListServices(server->address());
#ifndef SALES_COMMON_TESTING_GRPC_PROBES_H_
#define SALES_COMMON_TESTING_GRPC_PROBES_H_

#include <string>
#include <utility>
#include <vector>

#include "grpcpp/support/status.h"

namespace sales::testing {

// grpc.health.v1.HealthCheckResponse.ServingStatus values.
inline constexpr int kServing = 1;
inline constexpr int kNotServing = 2;

// The call's status and, when it is OK, the ServingStatus (0 = UNKNOWN) for `service` ("" is the
// whole server). Waits at most 20 s.
std::pair<grpc::Status, int> HealthCheck(const std::string& address, const std::string& service);

// The call's status and the fully qualified names of the services the server lists through
// reflection (ServerReflectionInfo with list_services). Waits at most 20 s.
std::pair<grpc::Status, std::vector<std::string>> ListServices(const std::string& address);

}  // namespace sales::testing

#endif  // SALES_COMMON_TESTING_GRPC_PROBES_H_
