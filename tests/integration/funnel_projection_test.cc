// The funnel read model against the real pieces: leads events appended to an EventStore on a
// temp dir, published by the outbox relay to the embedded Kafka broker, applied by a
// ProjectionRunner with FunnelProjection into a real ProjectionStore, and read back through
// FunnelService on a real gRPC server (127.0.0.1, ephemeral port). Checks: hand-computed figures
// of a small fixed scenario; the whole report equals the one computed from the same events
// applied directly (no Kafka); WatchFunnel's snapshot and update; a rebuild from the event feed
// has the live checksum.
#include "services/projections/funnel/model/funnel_projection.h"

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/concurrency/executor.h"
#include "common/eventstore/event_store.h"
#include "common/feed/local_event_feed_reader.h"
#include "common/grpc/grpc_server.h"
#include "common/kafka/dead_letter_publisher.h"
#include "common/kafka/embedded_broker.h"
#include "common/metrics/metrics_registry.h"
#include "common/outbox/outbox_relay.h"
#include "common/projection/projection_runner.h"
#include "common/projection/watch_hub.h"
#include "common/testing/temp_dir.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "sales/projections/v1/funnel.grpc.pb.h"
#include "services/projections/funnel/api/funnel_service_impl.h"
#include "services/projections/funnel/model/keys.h"
#include "services/projections/funnel/query/funnel_query.h"
#include "services/projections/funnel/testing/random_history.h"

namespace sales::funnel {
namespace {

using projections::v1::FunnelReport;
using projections::v1::FunnelUpdate;
using projections::v1::GetFunnelRequest;
using ::sales::funnel::testing::LeadScript;
using ::sales::projection::EventEnvelope;

constexpr char kTopic[] = "sales.leads.v1";
constexpr char kDeadLetterTopic[] = "sales.dlq.v1";
constexpr absl::Duration kDeadline = absl::Seconds(20);

absl::Time At(int month, int day, int hour) {
  return absl::FromCivil(absl::CivilSecond(2026, month, day, hour, 0, 0), BusinessTimeZone());
}

bool WaitFor(const std::function<bool()>& condition) {
  const absl::Time deadline = absl::Now() + kDeadline;
  while (absl::Now() < deadline) {
    if (condition()) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return condition();
}

GetFunnelRequest MonthRequest(absl::Time at, absl::string_view rep = "") {
  GetFunnelRequest request;
  request.set_granularity(projections::v1::PERIOD_GRANULARITY_MONTH);
  request.mutable_period_at()->set_seconds(absl::ToUnixSeconds(at));
  if (!rep.empty()) {
    request.mutable_filter()->set_dimension(projections::v1::FUNNEL_DIMENSION_REP);
    request.mutable_filter()->set_value(std::string(rep));
  }
  return request;
}

class FunnelProjectionIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store =
        eventstore::EventStore::Open({.path = dir_.path() + "/events", .service = "leads"});
    ASSERT_TRUE(store.ok()) << store.status();
    events_ = *std::move(store);
    feed_ = std::make_unique<feed::LocalEventFeedReader>(events_.get());
    auto broker = kafka::EmbeddedBroker::Start({.topics = {{kTopic, 4}, {kDeadLetterTopic, 1}}});
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = *std::move(broker);
    auto dlq = kafka::DeadLetterPublisher::Create(broker_->bootstrap_servers(), kDeadLetterTopic);
    ASSERT_TRUE(dlq.ok()) << dlq.status();
    dead_letters_ = *std::move(dlq);
    auto relay = outbox::OutboxRelay::Start(
        events_.get(),
        {.bootstrap_servers = broker_->bootstrap_servers(), .topic = kTopic, .metrics = &metrics_});
    ASSERT_TRUE(relay.ok()) << relay.status();
    relay_ = *std::move(relay);
    auto runner = projection::ProjectionRunner::Create(
        &funnel_, {.path = dir_.path() + "/funnel",
                   .bootstrap_servers = broker_->bootstrap_servers(),
                   .sources = sources(),
                   .dead_letters = dead_letters_.get(),
                   .retry_backoff = absl::Milliseconds(50),
                   .metrics = &metrics_});
    ASSERT_TRUE(runner.ok()) << runner.status();
    runner_ = *std::move(runner);
    observer_ = runner_->Subscribe([this](const projection::AppliedBatch& b) { hub_.OnBatch(b); });
    runner_->Start();

    query_ = std::make_unique<FunnelQuery>(&runner_->store());
    service_ = std::make_unique<FunnelServiceImpl>(query_.get(), &executor_, &hub_);
    auto server = grpc_server::GrpcServer::Start({.port = 0}, {service_.get()});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = projections::v1::FunnelService::NewStub(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(absl::Now() + absl::Seconds(5));
    if (runner_ != nullptr) {
      runner_->Unsubscribe(observer_);
      runner_->Stop();
    }
    hub_.Shutdown();
    if (relay_ != nullptr) {
      EXPECT_TRUE(relay_->Stop().ok());
    }
  }

  std::vector<projection::ProjectionSource> sources() {
    return {{.topic = kTopic, .feed = feed_.get()}};
  }

  // Appends each event in its own append (as the leads service would), and remembers it.
  void Append(const LeadScript& lead) {
    for (const EventEnvelope& event : lead.events()) {
      eventstore::AppendRequest request{.stream_id = lead.stream_id()};
      request.events.push_back(event);
      auto appended = events_->Append(std::move(request));
      ASSERT_TRUE(appended.ok()) << appended.status();
      appended_.push_back(event);
    }
    relay_->Wake();
  }

  void WaitUntilApplied() {
    ASSERT_TRUE(WaitFor([&] { return runner_->stats().applied >= appended_.size(); }))
        << runner_->stats().last_error << " applied " << runner_->stats().applied << " of "
        << appended_.size();
    EXPECT_EQ(runner_->stats().dead_lettered, 0u);
  }

  absl::StatusOr<FunnelReport> CallGetFunnel(const GetFunnelRequest& request) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + kDeadline));
    FunnelReport report;
    grpc::Status status = stub_->GetFunnel(&context, request, &report);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    return report;
  }

  // The report of the same events applied directly (no Kafka, one batch).
  FunnelReport Reference(const GetFunnelRequest& request) {
    auto store = projection::ProjectionStore::Open(dir_.path() + "/reference");
    EXPECT_TRUE(store.ok());
    projection::StoreBatch batch = (*store)->NewBatch();
    FunnelProjection projection;
    for (const EventEnvelope& event : appended_) {
      EXPECT_TRUE(projection.Apply(event, batch.txn()).ok());
    }
    EXPECT_TRUE((*store)->Commit(batch).ok());
    auto report = FunnelQuery(store->get()).GetFunnel(request);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.value_or(FunnelReport());
  }

  sales::testing::TempDir dir_;
  metrics::MetricsRegistry metrics_;
  std::unique_ptr<eventstore::EventStore> events_;
  std::unique_ptr<feed::LocalEventFeedReader> feed_;
  std::unique_ptr<kafka::EmbeddedBroker> broker_;
  std::unique_ptr<kafka::DeadLetterPublisher> dead_letters_;
  std::unique_ptr<outbox::OutboxRelay> relay_;
  FunnelProjection funnel_;
  concurrency::Executor executor_{2};
  projection::WatchHub<FunnelUpdate> hub_;
  std::unique_ptr<projection::ProjectionRunner> runner_;
  uint64_t observer_ = 0;
  std::unique_ptr<FunnelQuery> query_;
  std::unique_ptr<FunnelServiceImpl> service_;
  std::unique_ptr<grpc_server::GrpcServer> server_;
  std::unique_ptr<projections::v1::FunnelService::Stub> stub_;
  std::vector<EventEnvelope> appended_;
};

TEST_F(FunnelProjectionIntegrationTest, GetFunnelOverGrpcMatchesHandFiguresAndARebuild) {
  // Rep R-X: A won after 10 days; B lost; C open at QUOTE with a 75% override on 200000 CNY.
  LeadScript a("A");
  a.Capture(At(11, 2, 9), {.region = "east"})
      .Assign(At(11, 2, 9), "R-X", "T-X")
      .Convert(At(11, 3, 9), 100000, "CNY")
      .Win(At(11, 12, 9));
  LeadScript b("B");
  b.Capture(At(11, 2, 9), {.region = "east"})
      .Assign(At(11, 2, 9), "R-X", "T-X")
      .Convert(At(11, 4, 9), 50000, "CNY")
      .Lose(At(11, 6, 9));
  LeadScript c("C");
  c.Capture(At(11, 3, 9), {.region = "east"})
      .Assign(At(11, 3, 9), "R-X", "T-X")
      .Convert(At(11, 4, 9), 200000, "CNY")
      .Step(At(11, 5, 9), leads_v1::SALES_STEP_QUOTE)
      .Override(At(11, 6, 9), 75);
  Append(a);
  Append(b);
  Append(c);
  std::mt19937_64 rng(7);
  for (int i = 0; i < 60; ++i) {
    Append(testing::RandomLead(rng, absl::StrCat("random-", i), At(10, 20, 0) + absl::Hours(7 * i),
                               10));
  }
  WaitUntilApplied();

  absl::StatusOr<FunnelReport> rep = CallGetFunnel(MonthRequest(At(11, 15, 0), "R-X"));
  ASSERT_TRUE(rep.ok()) << rep.status();
  ASSERT_EQ(rep->rows_size(), 1);
  const projections::v1::FunnelRow& row = rep->rows(0);
  EXPECT_EQ(rep->period().key(), "2026-11");
  EXPECT_EQ(row.stages(leads_v1::LEAD_STAGE_OPPORTUNITY - 1).entries(), 3);  // A, B, C
  EXPECT_EQ(row.won(), 1);
  EXPECT_EQ(row.lost(), 1);
  EXPECT_DOUBLE_EQ(row.win_rate(), 0.5);                       // 1 / (1 + 1)
  EXPECT_EQ(row.average_sales_cycle().seconds(), 10 * 86400);  // A: 11-02 → 11-12
  ASSERT_EQ(row.pipeline_value_size(), 1);
  EXPECT_EQ(row.pipeline_value(0).units(), 200000);     // C only
  EXPECT_EQ(row.weighted_pipeline(0).units(), 150000);  // 200000 × 75%
  EXPECT_EQ(row.steps(leads_v1::SALES_STEP_QUOTE - 1).occupancy(), 1);

  // The whole organisation equals the same events applied without Kafka.
  const GetFunnelRequest org = MonthRequest(At(11, 15, 0));
  absl::StatusOr<FunnelReport> live = CallGetFunnel(org);
  ASSERT_TRUE(live.ok()) << live.status();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*live, Reference(org)))
      << live->DebugString();

  absl::StatusOr<FunnelReport> bad = CallGetFunnel(GetFunnelRequest());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);

  auto live_checksum = runner_->Checksum();
  ASSERT_TRUE(live_checksum.ok());
  auto rebuilt = projection::Rebuild(funnel_, dir_.path() + "/rebuild", sources());
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_EQ(*rebuilt, *live_checksum);
}

TEST_F(FunnelProjectionIntegrationTest, WatchFunnelSendsTheSnapshotThenChanges) {
  LeadScript first("W1");
  first.Capture(At(11, 2, 9), {.region = "west"}).Assign(At(11, 2, 9), "R-W", "T-W");
  Append(first);
  WaitUntilApplied();

  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kDeadline));
  projections::v1::WatchFunnelRequest request;
  *request.mutable_query() = MonthRequest(At(11, 15, 0));
  std::unique_ptr<grpc::ClientReader<FunnelUpdate>> reader = stub_->WatchFunnel(&context, request);
  FunnelUpdate update;
  ASSERT_TRUE(reader->Read(&update));
  EXPECT_EQ(update.report().rows(0).stages(0).entries(), 1);  // the snapshot: W1 captured

  LeadScript second("W2");
  second.Capture(At(11, 3, 9), {.region = "west"});
  Append(second);
  ASSERT_TRUE(reader->Read(&update));
  EXPECT_EQ(update.report().rows(0).stages(0).entries(), 2);
  context.TryCancel();
  FunnelUpdate ignored;
  while (reader->Read(&ignored)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(FunnelProjectionIntegrationTest, WatchFunnelRejectsABadQuery) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kDeadline));
  projections::v1::WatchFunnelRequest request;  // no granularity
  std::unique_ptr<grpc::ClientReader<FunnelUpdate>> reader = stub_->WatchFunnel(&context, request);
  FunnelUpdate update;
  EXPECT_FALSE(reader->Read(&update));
  const grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("granularity"), std::string::npos);
}

}  // namespace
}  // namespace sales::funnel
