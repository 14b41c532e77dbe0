#include "common/grpc/grpc_server.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/grpc_probes.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sales/common/v1/feed.grpc.pb.h"

// Health and reflection are probed with common/testing/grpc_probes.h (generic calls: Debian ships
// neither generated client stub).
namespace sales::grpc_server {
namespace {

using ::testing::HasSubstr;
using ::testing::IsSupersetOf;

std::pair<grpc::Status, int> HealthCheck(const GrpcServer& server, const std::string& service) {
  return sales::testing::HealthCheck(server.address(), service);
}

TEST(GrpcServerTest, StartsOnAnEphemeralPort) {
  absl::StatusOr<std::unique_ptr<GrpcServer>> server = GrpcServer::Start({}, {});
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_GT((*server)->port(), 0);
  EXPECT_EQ((*server)->address(), absl::StrCat("127.0.0.1:", (*server)->port()));
}

TEST(GrpcServerTest, HealthCheckAnswersServingAndFollowsSetServing) {
  absl::StatusOr<std::unique_ptr<GrpcServer>> server = GrpcServer::Start({}, {});
  ASSERT_TRUE(server.ok()) << server.status();
  const GrpcServer& s = **server;

  auto [whole, whole_status] = HealthCheck(s, "");
  ASSERT_TRUE(whole.ok()) << whole.error_message();
  EXPECT_EQ(whole_status, 1);  // SERVING

  EXPECT_EQ(HealthCheck(s, "sales.leads.v1.LeadService").first.error_code(),
            grpc::StatusCode::NOT_FOUND);
  (*server)->SetServing("sales.leads.v1.LeadService", true);
  EXPECT_EQ(HealthCheck(s, "sales.leads.v1.LeadService").second, 1);
  (*server)->SetServing("sales.leads.v1.LeadService", false);
  EXPECT_EQ(HealthCheck(s, "sales.leads.v1.LeadService").second, 2);  // NOT_SERVING
}

TEST(GrpcServerTest, ReflectionListsTheRegisteredServices) {
  sales::common::v1::EventFeed::CallbackService feed;  // every method UNIMPLEMENTED: enough
  absl::StatusOr<std::unique_ptr<GrpcServer>> server = GrpcServer::Start({}, {&feed});
  ASSERT_TRUE(server.ok()) << server.status();

  auto [status, names] = sales::testing::ListServices((*server)->address());
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(names, IsSupersetOf({"sales.common.v1.EventFeed", "grpc.health.v1.Health",
                                   "grpc.reflection.v1alpha.ServerReflection"}));
}

TEST(GrpcServerTest, TakenPortFailsNamingTheAddress) {
  absl::StatusOr<std::unique_ptr<GrpcServer>> first = GrpcServer::Start({}, {});
  ASSERT_TRUE(first.ok()) << first.status();

  absl::StatusOr<std::unique_ptr<GrpcServer>> second =
      GrpcServer::Start({.port = (*first)->port()}, {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(second.status().message(), HasSubstr((*first)->address()));
}

TEST(GrpcServerTest, ShutdownStopsServingAndIsIdempotent) {
  absl::StatusOr<std::unique_ptr<GrpcServer>> server = GrpcServer::Start({}, {});
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE(HealthCheck(**server, "").first.ok());

  (*server)->Shutdown(absl::Now() + absl::Seconds(5));
  (*server)->Shutdown(absl::Now());
  EXPECT_FALSE(HealthCheck(**server, "").first.ok());
}

}  // namespace
}  // namespace sales::grpc_server
