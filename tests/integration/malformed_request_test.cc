// Every method of every service salesd serves answers a request that is not a valid message with
// INVALID_ARGUMENT "request is not a valid <Message>" — found from outside: the services are
// listed through gRPC server reflection and called with raw bytes, as a client nobody on the team
// wrote would (grpcurl, python3-grpcio). A method added without RequestParsingService fails here.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/testing/grpc_probes.h"
#include "common/testing/temp_dir.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/impl/codegen/client_unary_call.h"
#include "grpcpp/impl/codegen/sync_stream.h"
#include "gtest/gtest.h"
#include "sales/org/v1/org.grpc.pb.h"
#include "tests/integration/platform_for_test.h"

namespace sales {
namespace {

grpc::ByteBuffer Bytes(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// Calls `method` with `request` as raw bytes; the call's status.
grpc::Status CallRaw(grpc::Channel* channel, const google::protobuf::MethodDescriptor& method,
                     const std::string& request) {
  const std::string path = absl::StrCat("/", method.service()->full_name(), "/", method.name());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (method.server_streaming()) {
    std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> reader(
        grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(
            channel,
            grpc::internal::RpcMethod(path.c_str(), grpc::internal::RpcMethod::SERVER_STREAMING),
            &context, Bytes(request)));
    grpc::ByteBuffer page;
    while (reader->Read(&page)) {
    }
    return reader->Finish();
  }
  grpc::ByteBuffer response;
  return grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
      channel, grpc::internal::RpcMethod(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC),
      &context, Bytes(request), &response);
}

class MalformedRequestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto platform = testing::StartPlatform(testing::PlatformOptions(dir_.path()));
    ASSERT_TRUE(platform.ok()) << platform.status();
    platform_ = *std::move(platform);
    channel_ = grpc::CreateChannel(platform_->grpc_address(), grpc::InsecureChannelCredentials());
  }

  testing::TempDir dir_;
  std::unique_ptr<runtime::ModuleHost> platform_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(MalformedRequestTest, EveryMethodOfEveryServiceAnswersInvalidArgumentNamingTheMessage) {
  auto [listed, services] = sales::testing::ListServices(platform_->grpc_address());
  ASSERT_TRUE(listed.ok()) << listed.error_message();
  int ours = 0;
  int methods = 0;
  for (const std::string& name : services) {
    if (!absl::StartsWith(name, "sales.")) continue;  // health, reflection: gRPC's own
    ++ours;
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name << " is served but its proto is not linked into the test";
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor& method = *service->method(i);
      ++methods;
      // A varint whose continuation bit never ends: no message parses it.
      grpc::Status status = CallRaw(channel_.get(), method, std::string(5, '\xff'));
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
          << method.full_name() << ": " << status.error_message();
      EXPECT_EQ(status.error_message(),
                absl::StrCat("request is not a valid ", method.input_type()->full_name()))
          << method.full_name();
    }
  }
  // org, leads, audit, funnel, projection admin, event feed at least.
  EXPECT_GE(ours, 6) << absl::StrJoin(services, ", ");
  EXPECT_GE(methods, 40);
}

// A string field that is not UTF-8 makes a proto3 request invalid too; nothing is written and the
// same connection serves the next call.
TEST_F(MalformedRequestTest, AStringThatIsNotUtf8IsRefusedAndTheConnectionGoesOn) {
  org::v1::AddRegionRequest request;
  request.mutable_meta()->set_actor("tester");
  request.mutable_region()->set_region_id("R-1");
  request.mutable_region()->set_name("North");
  std::string bytes = request.SerializeAsString();
  const size_t at = bytes.find("North");
  ASSERT_NE(at, std::string::npos);
  bytes[at] = '\xc3';  // a lead byte followed by ASCII: not UTF-8
  const google::protobuf::MethodDescriptor* method =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          "sales.org.v1.OrgService.AddRegion");
  grpc::Status refused = CallRaw(channel_.get(), *method, bytes);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << refused.error_message();
  EXPECT_EQ(refused.error_message(), "request is not a valid sales.org.v1.AddRegionRequest");

  auto stub = org::v1::OrgService::NewStub(channel_);
  grpc::ClientContext get_context;
  org::v1::GetOrganisationResponse organisation;
  ASSERT_TRUE(stub->GetOrganisation(&get_context, {}, &organisation).ok());
  EXPECT_EQ(organisation.organisation().regions_size(), 0) << "nothing was written on refusal";

  grpc::ClientContext add_context;
  org::v1::OrgCommandResponse added;
  grpc::Status accepted = stub->AddRegion(&add_context, request, &added);
  EXPECT_TRUE(accepted.ok()) << accepted.error_message();
}

}  // namespace
}  // namespace sales
