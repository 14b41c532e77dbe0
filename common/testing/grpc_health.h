// HealthCheck: grpc.health.v1.Health/Check from a test. Debian ships no generated health client
// stub, so the call is generic, with the request and the answer encoded by hand (one field each).
//
//   auto [status, serving] = sales::testing::HealthCheck(server->address(), "");
//   EXPECT_EQ(serving, sales::testing::kServing);
#ifndef SALES_COMMON_TESTING_GRPC_HEALTH_H_
#define SALES_COMMON_TESTING_GRPC_HEALTH_H_

#include <string>
#include <utility>

#include "grpcpp/support/status.h"

namespace sales::testing {

// grpc.health.v1.HealthCheckResponse.ServingStatus values.
inline constexpr int kServing = 1;
inline constexpr int kNotServing = 2;

// The call's status and, when it is OK, the ServingStatus (0 = UNKNOWN) for `service` ("" is the
// whole server). Waits at most 20 s.
std::pair<grpc::Status, int> HealthCheck(const std::string& address, const std::string& service);

}  // namespace sales::testing

#endif  // SALES_COMMON_TESTING_GRPC_HEALTH_H_
