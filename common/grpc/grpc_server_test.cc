#include "common/grpc/grpc_server.h"

#include <future>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/grpc_health.h"
#include "gmock/gmock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "sales/common/v1/feed.grpc.pb.h"

// Debian ships neither the generated health nor the reflection client stubs, so these tests
// speak both protocols with raw generic calls and hand-encoded protobuf fields.
namespace sales::grpc_server {
namespace {

using ::google::protobuf::UnknownField;
using ::google::protobuf::UnknownFieldSet;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;

// One length-delimited field: enough for HealthCheckRequest{service} and
// ServerReflectionRequest{list_services}.
std::string StringField(int field_number, const std::string& value) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.WriteTag((field_number << 3) | 2);
    coded.WriteVarint32(value.size());
    coded.WriteString(value);
  }
  return out;
}

grpc::ByteBuffer ToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string ToString(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  EXPECT_TRUE(buffer.Dump(&slices).ok());
  std::string out;
  for (const grpc::Slice& slice : slices) out.append(slice.begin(), slice.end());
  return out;
}

std::shared_ptr<grpc::Channel> Connect(const GrpcServer& server) {
  return grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
}

std::pair<grpc::Status, int> HealthCheck(const GrpcServer& server, const std::string& service) {
  return sales::testing::HealthCheck(server.address(), service);
}

// grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo with list_services (field 7);
// the answer's list_services_response (6) holds repeated ServiceResponse (1) {name (1)}.
class ListServicesCall : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  explicit ListServicesCall(const GrpcServer& server) : stub_(Connect(server)) {
    context_.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    request_ = ToByteBuffer(StringField(7, ""));
    stub_.PrepareBidiStreamingCall(&context_,
                                   "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                   grpc::StubOptions(), this);
    StartWrite(&request_);
    StartRead(&response_);
    StartCall();
  }

  // Blocks until the call ends; returns the listed service names.
  std::vector<std::string> Await(grpc::Status* status) {
    *status = done_.get_future().get();
    return names_;
  }

  void OnWriteDone(bool ok) override {
    if (ok) StartWritesDone();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    CollectNames(ToString(response_));
    StartRead(&response_);
  }
  void OnDone(const grpc::Status& status) override { done_.set_value(status); }

 private:
  void CollectNames(const std::string& bytes) {
    UnknownFieldSet response;
    ASSERT_TRUE(response.ParseFromString(bytes));
    for (int i = 0; i < response.field_count(); ++i) {
      if (response.field(i).number() != 6) continue;
      UnknownFieldSet list;
      ASSERT_TRUE(list.ParseFromString(response.field(i).length_delimited()));
      for (int j = 0; j < list.field_count(); ++j) {
        UnknownFieldSet service;
        ASSERT_TRUE(service.ParseFromString(list.field(j).length_delimited()));
        for (int k = 0; k < service.field_count(); ++k) {
          if (service.field(k).number() == 1) {
            names_.push_back(service.field(k).length_delimited());
          }
        }
      }
    }
  }

  grpc::GenericStub stub_;
  grpc::ClientContext context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  std::vector<std::string> names_;
  std::promise<grpc::Status> done_;
};

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

  ListServicesCall call(**server);
  grpc::Status status;
  std::vector<std::string> names = call.Await(&status);
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
