// ChannelServiceImpl through a real gRPC server on 127.0.0.1 over a real ChannelsApp and event
// store: a command's result and echoed correlation id, field and rule errors as gRPC statuses
// (nothing written), a query, and a malformed request answered INVALID_ARGUMENT.
#include "services/channels/api/channel_service_impl.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/eventstore/event_store.h"
#include "common/grpc/grpc_server.h"
#include "common/testing/temp_dir.h"
#include "common/time/civil_date.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/impl/codegen/client_unary_call.h"
#include "gtest/gtest.h"
#include "services/org/domain/test_org.h"

namespace sales::channels {
namespace {

using ::testing::HasSubstr;

// Members in construction order; destruction stops the server before the app and executor.
class ChannelServiceImplTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store =
        eventstore::EventStore::Open({.path = dir_.path() + "/events", .service = "channels"});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    auto app = ChannelsApp::Create(
        {.store = store_.get(), .org = &org_, .read_model_path = dir_.path() + "/read-model"});
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    service_ = std::make_unique<ChannelServiceImpl>(app_.get(), &executor_);
    auto server = grpc_server::GrpcServer::Start({.port = 0}, {service_.get()});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    stub_ = v1::ChannelService::NewStub(channel_);
  }

  static v1::RegisterChannelRequest Register(const std::string& id) {
    v1::RegisterChannelRequest request;
    request.mutable_meta()->set_actor("user:zhou");
    request.set_channel_id(id);
    request.set_name("Flagship web store");
    request.set_type(v1::CHANNEL_TYPE_WEBSITE);
    return request;
  }

  sales::testing::TempDir dir_;
  org::StaticOrgView org_{org::testing::TestOrg()};
  concurrency::Executor executor_{2};
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<ChannelsApp> app_;
  std::unique_ptr<ChannelServiceImpl> service_;
  std::unique_ptr<grpc_server::GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ChannelService::Stub> stub_;
};

TEST_F(ChannelServiceImplTest, ACommandAnswersItsVersionAndEchoesTheCorrelationId) {
  grpc::ClientContext context;
  context.AddMetadata("x-correlation-id", "corr-9");
  v1::ChannelsCommandResponse response;
  const grpc::Status status = stub_->RegisterChannel(&context, Register("ch-web"), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.stream_version(), 1u);
  auto echoed = context.GetServerTrailingMetadata().find("x-correlation-id");
  ASSERT_NE(echoed, context.GetServerTrailingMetadata().end());
  EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()), "corr-9");

  grpc::ClientContext get_context;
  v1::GetChannelRequest get;
  get.set_channel_id("ch-web");
  v1::Channel channel;
  ASSERT_TRUE(stub_->GetChannel(&get_context, get, &channel).ok());
  EXPECT_EQ(channel.status(), v1::CHANNEL_STATUS_ONBOARDING);
}

TEST_F(ChannelServiceImplTest, ErrorsNameTheFieldOrRuleAndWriteNothing) {
  struct Case {
    v1::RegisterChannelRequest request;
    grpc::StatusCode code;
    std::string names;
  };
  v1::RegisterChannelRequest no_actor = Register("ch-1");
  no_actor.mutable_meta()->clear_actor();
  v1::RegisterChannelRequest agent = Register("ch-1");
  agent.set_type(v1::CHANNEL_TYPE_AGENT);
  v1::RegisterChannelRequest long_id = Register(std::string(9'000, 'x'));
  const Case cases[] = {
      {no_actor, grpc::StatusCode::INVALID_ARGUMENT, "field meta.actor"},
      {agent, grpc::StatusCode::INVALID_ARGUMENT, "field partner"},
      {long_id, grpc::StatusCode::INVALID_ARGUMENT, "field channel_id"},
  };
  for (const Case& c : cases) {
    grpc::ClientContext context;
    v1::ChannelsCommandResponse response;
    const grpc::Status status = stub_->RegisterChannel(&context, c.request, &response);
    EXPECT_EQ(status.error_code(), c.code) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(c.names));
    EXPECT_LT(status.error_message().size(), 300u) << "no unbounded echo";
  }
  EXPECT_EQ(store_->HeadPosition(), 0u) << "nothing was written";

  grpc::ClientContext context;
  v1::ChangeChannelStatusRequest suspend;
  suspend.mutable_meta()->set_actor("user:zhou");
  suspend.set_channel_id("ch-none");
  suspend.set_status(v1::CHANNEL_STATUS_SUSPENDED);
  suspend.set_reason("audit");
  v1::ChannelsCommandResponse response;
  EXPECT_EQ(stub_->ChangeChannelStatus(&context, suspend, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ChannelServiceImplTest, AMalformedRequestOfEveryMethodIsInvalidArgument) {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          ChannelServiceImpl::kServiceName);
  ASSERT_NE(service, nullptr);
  for (int i = 0; i < service->method_count(); ++i) {
    const google::protobuf::MethodDescriptor& method = *service->method(i);
    const std::string path = absl::StrCat("/", service->full_name(), "/", method.name());
    // A varint whose continuation bit never ends: no message parses it.
    const std::string garbage(5, '\xff');
    grpc::Slice slice(garbage);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    grpc::ClientContext context;
    const grpc::Status status =
        grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
            channel_.get(),
            grpc::internal::RpcMethod(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC),
            &context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << path;
    EXPECT_EQ(status.error_message(),
              absl::StrCat("request is not a valid ", method.input_type()->full_name()));
  }
}

}  // namespace
}  // namespace sales::channels
