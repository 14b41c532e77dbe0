// LeadServiceImpl through a real gRPC server on 127.0.0.1 over a mocked LeadsApp: the status
// mapping, metadata → CallOrigin (and the echoed correlation id), the actor check, and that the
// app runs on the executor.
#include "services/leads/api/lead_service_impl.h"

#include <memory>
#include <thread>

#include "absl/synchronization/notification.h"
#include "common/grpc/grpc_server.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"

namespace sales::leads {
namespace {

using ::testing::_;
using ::testing::Invoke;
using ::testing::Property;
using ::testing::Return;
using ::testing::SizeIs;

class MockLeadsApp : public LeadsApp {
 public:
  MOCK_METHOD(absl::StatusOr<v1::SettingsResponse>, SetPipelineSettings,
              (const v1::SetPipelineSettingsRequest&, const CallOrigin&), (override));
  MOCK_METHOD(absl::StatusOr<v1::GetPipelineSettingsResponse>, GetPipelineSettings,
              (const v1::GetPipelineSettingsRequest&), (override));
  MOCK_METHOD(absl::StatusOr<v1::CaptureLeadResponse>, CaptureLead,
              (const v1::CaptureLeadRequest&, const CallOrigin&), (override));
  MOCK_METHOD(absl::StatusOr<v1::CommandResponse>, UpdateLeadDetails,
              (const v1::UpdateLeadDetailsRequest&, const CallOrigin&), (override));
  MOCK_METHOD(absl::StatusOr<v1::CommandResponse>, ChangeLeadSource,
              (const v1::ChangeLeadSourceRequest&, const CallOrigin&), (override));
  MOCK_METHOD(absl::StatusOr<v1::CommandResponse>, UpdateQualification,
              (const v1::UpdateQualificationRequest&, const CallOrigin&), (override));
  MOCK_METHOD(absl::StatusOr<v1::CommandResponse>, MoveLeadStage,
              (const v1::MoveLeadStageRequest&, const CallOrigin&), (override));
  MOCK_METHOD(absl::StatusOr<v1::CommandResponse>, ConvertToOpportunity,
              (const v1::ConvertToOpportunityRequest&, const CallOrigin&), (override));
  MOCK_METHOD(absl::StatusOr<v1::CommandResponse>, ChangeSalesStep,
              (const v1::ChangeSalesStepRequest&, const CallOrigin&), (override));
  MOCK_METHOD(absl::StatusOr<v1::CommandResponse>, OverrideDealProbability,
              (const v1::OverrideDealProbabilityRequest&, const CallOrigin&), (override));
  MOCK_METHOD(absl::StatusOr<v1::CommandResponse>, ChangeDealAmount,
              (const v1::ChangeDealAmountRequest&, const CallOrigin&), (override));
  MOCK_METHOD(absl::StatusOr<v1::CommandResponse>, ChangeDealCloseDate,
              (const v1::ChangeDealCloseDateRequest&, const CallOrigin&), (override));
  MOCK_METHOD(absl::StatusOr<v1::CommandResponse>, AssignLead,
              (const v1::AssignLeadRequest&, const CallOrigin&), (override));
  MOCK_METHOD(absl::StatusOr<v1::CommandResponse>, LogActivity,
              (const v1::LogActivityRequest&, const CallOrigin&), (override));
  MOCK_METHOD(absl::StatusOr<v1::CommandResponse>, DisqualifyLead,
              (const v1::DisqualifyLeadRequest&, const CallOrigin&), (override));
  MOCK_METHOD(absl::StatusOr<v1::CommandResponse>, WinDeal,
              (const v1::WinDealRequest&, const CallOrigin&), (override));
  MOCK_METHOD(absl::StatusOr<v1::CommandResponse>, LoseDeal,
              (const v1::LoseDealRequest&, const CallOrigin&), (override));
  MOCK_METHOD(absl::StatusOr<v1::GetLeadResponse>, GetLead, (const v1::GetLeadRequest&),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::ListLeadsResponse>, ListLeads, (const v1::ListLeadsRequest&),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::PipelineBoard>, GetPipelineBoard,
              (const v1::GetPipelineBoardRequest&), (override));
  MOCK_METHOD(absl::StatusOr<int>, ScanOverdue, (), (override));
  MOCK_METHOD(void, StartOverdueScanner, (), (override));
  MOCK_METHOD(absl::Status, WaitForReadModel, (absl::Duration), (override));
  MOCK_METHOD(projection::AdministeredProjection, read_model, (), (const, override));
};

// Members in construction order; destruction stops the server before the executor.
class LeadServiceImplTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = grpc_server::GrpcServer::Start({.port = 0}, {&service_});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = v1::LeadService::NewStub(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }

  static std::string Trailing(const grpc::ClientContext& context, absl::string_view key) {
    auto it = context.GetServerTrailingMetadata().find(grpc::string_ref(key.data(), key.size()));
    if (it == context.GetServerTrailingMetadata().end()) return "";
    return std::string(it->second.data(), it->second.size());
  }

  static v1::CaptureLeadRequest Capture(absl::string_view actor) {
    v1::CaptureLeadRequest request;
    request.mutable_meta()->set_actor(std::string(actor));
    request.set_source(v1::LEAD_SOURCE_WEB);
    return request;
  }

  concurrency::Executor executor_{1};
  MockLeadsApp app_;
  LeadServiceImpl service_{&app_, &executor_};
  std::unique_ptr<grpc_server::GrpcServer> server_;
  std::unique_ptr<v1::LeadService::Stub> stub_;
};

TEST_F(LeadServiceImplTest, CommandPassesTheRequestAndTheMetadataOriginToTheApp) {
  v1::CaptureLeadResponse answer;
  answer.set_lead_id("L-1");
  answer.set_stream_version(2);
  CallOrigin seen;
  EXPECT_CALL(app_, CaptureLead(_, _))
      .WillOnce(Invoke([&](const v1::CaptureLeadRequest& request, const CallOrigin& origin) {
        EXPECT_EQ(request.source(), v1::LEAD_SOURCE_WEB);
        EXPECT_EQ(request.meta().actor(), "user:li");
        seen = origin;
        return answer;
      }));

  grpc::ClientContext context;
  context.AddMetadata("x-correlation-id", "corr-42");
  context.AddMetadata("x-causation-id", "cmd-7");
  v1::CaptureLeadResponse response;
  grpc::Status status = stub_->CaptureLead(&context, Capture("user:li"), &response);

  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.lead_id(), "L-1");
  EXPECT_EQ(response.stream_version(), 2u);
  EXPECT_EQ(seen.correlation_id, "corr-42");
  EXPECT_EQ(seen.causation_id, "cmd-7");
  EXPECT_EQ(Trailing(context, "x-correlation-id"), "corr-42");
}

TEST_F(LeadServiceImplTest, GeneratesACorrelationIdWhenTheCallerSentNoneAndEchoesIt) {
  CallOrigin seen;
  EXPECT_CALL(app_, WinDeal(_, _))
      .WillOnce(Invoke([&](const v1::WinDealRequest&, const CallOrigin& origin) {
        seen = origin;
        return v1::CommandResponse();
      }));
  grpc::ClientContext context;
  v1::WinDealRequest request;
  request.mutable_meta()->set_actor("user:li");
  v1::CommandResponse response;
  ASSERT_TRUE(stub_->WinDeal(&context, request, &response).ok());
  EXPECT_THAT(seen.correlation_id, SizeIs(32));
  EXPECT_EQ(seen.causation_id, "");
  EXPECT_EQ(Trailing(context, "x-correlation-id"), seen.correlation_id);
}

TEST_F(LeadServiceImplTest, AppErrorsKeepTheirCodeAndMessage) {
  const absl::Status errors[] = {
      absl::InvalidArgumentError("field lead_id: required"),
      absl::NotFoundError("lead L-9 not found"),
      absl::FailedPreconditionError("rule lead_closed: lead L-1 is WON"),
      absl::AbortedError("version conflict on lead-L-1"),
      absl::AlreadyExistsError("lead L-1 already exists"),
  };
  for (const absl::Status& error : errors) {
    EXPECT_CALL(app_, MoveLeadStage(_, _)).WillOnce(Return(error));
    grpc::ClientContext context;
    context.AddMetadata("x-correlation-id", "corr-1");
    v1::MoveLeadStageRequest request;
    request.mutable_meta()->set_actor("user:li");
    v1::CommandResponse response;
    grpc::Status status = stub_->MoveLeadStage(&context, request, &response);
    EXPECT_EQ(static_cast<int>(status.error_code()), static_cast<int>(error.code()));
    EXPECT_EQ(status.error_message(), error.message());
    EXPECT_EQ(Trailing(context, "x-correlation-id"), "corr-1");
  }
}

TEST_F(LeadServiceImplTest, CommandWithoutActorIsRefusedWithoutCallingTheApp) {
  EXPECT_CALL(app_, CaptureLead(_, _)).Times(0);
  grpc::ClientContext context;
  v1::CaptureLeadResponse response;
  grpc::Status status = stub_->CaptureLead(&context, Capture(""), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "field meta.actor: required");
}

TEST_F(LeadServiceImplTest, MalformedOriginMetadataIsRefused) {
  EXPECT_CALL(app_, CaptureLead(_, _)).Times(0);
  for (const char* key : {"x-correlation-id", "x-causation-id"}) {
    grpc::ClientContext context;
    context.AddMetadata(key, std::string(129, 'a'));
    v1::CaptureLeadResponse response;
    grpc::Status status = stub_->CaptureLead(&context, Capture("user:li"), &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << key;
    EXPECT_THAT(status.error_message(), ::testing::HasSubstr(key));
  }
}

TEST_F(LeadServiceImplTest, QueriesNeedNoActorAndReturnTheAppAnswer) {
  v1::ListLeadsResponse answer;
  answer.add_leads()->mutable_lead()->set_lead_id("L-1");
  answer.set_next_page_token("next");
  EXPECT_CALL(app_, ListLeads(Property(&v1::ListLeadsRequest::page_size, 7)))
      .WillOnce(Return(answer));
  grpc::ClientContext context;
  v1::ListLeadsRequest request;
  request.set_page_size(7);
  v1::ListLeadsResponse response;
  ASSERT_TRUE(stub_->ListLeads(&context, request, &response).ok());
  ASSERT_EQ(response.leads_size(), 1);
  EXPECT_EQ(response.leads(0).lead().lead_id(), "L-1");
  EXPECT_EQ(response.next_page_token(), "next");

  EXPECT_CALL(app_, GetLead(_)).WillOnce(Return(absl::NotFoundError("lead L-2 not found")));
  grpc::ClientContext get_context;
  v1::GetLeadResponse lead;
  v1::GetLeadRequest get;
  get.set_lead_id("L-2");
  EXPECT_EQ(stub_->GetLead(&get_context, get, &lead).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(LeadServiceImplTest, TheAppRunsOnTheExecutorNotOnAReactionThread) {
  // The executor has one worker: find its thread id.
  std::thread::id worker;
  absl::Notification found;
  ASSERT_TRUE(executor_
                  .Schedule([&] {
                    worker = std::this_thread::get_id();
                    found.Notify();
                  })
                  .ok());
  found.WaitForNotification();

  std::thread::id ran_on;
  EXPECT_CALL(app_, GetPipelineSettings(_))
      .WillOnce(Invoke([&](const v1::GetPipelineSettingsRequest&) {
        ran_on = std::this_thread::get_id();
        return v1::GetPipelineSettingsResponse();
      }));
  grpc::ClientContext context;
  v1::GetPipelineSettingsResponse settings;
  ASSERT_TRUE(
      stub_->GetPipelineSettings(&context, v1::GetPipelineSettingsRequest(), &settings).ok());
  EXPECT_EQ(ran_on, worker);
}

TEST_F(LeadServiceImplTest, StoppedExecutorAnswersUnavailable) {
  executor_.Shutdown();
  EXPECT_CALL(app_, GetPipelineBoard(_)).Times(0);
  grpc::ClientContext context;
  v1::PipelineBoard board;
  grpc::Status status = stub_->GetPipelineBoard(&context, v1::GetPipelineBoardRequest(), &board);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace sales::leads
