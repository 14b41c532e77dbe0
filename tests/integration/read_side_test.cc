// The read side as deployed: salesd with its demo data hosts the funnel, performance and
// deal-history projections, the FunnelService and PerformanceService (incl. their watches) and
// ProjectionAdmin; a second replica runs as the `projections` process role (the funnel,
// performance and audit modules) against salesd's broker and EventFeeds.
// Checked over real gRPC: the funnel agrees with the leads themselves, two replicas answer every
// query identically, a watch sees a new capture, rebuilds equal the live read models, and the
// built salesctl prints all of it.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/run_command.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "sales/leads/v1/leads.grpc.pb.h"
#include "sales/projections/v1/admin.grpc.pb.h"
#include "sales/projections/v1/funnel.grpc.pb.h"
#include "sales/projections/v1/performance.grpc.pb.h"
#include "services/leads/demo_data.h"
#include "tests/integration/platform_for_test.h"

namespace sales {
namespace {

using ::sales::testing::RunCommand;

namespace leads_v1 = ::sales::leads::v1;
namespace v1 = ::sales::projections::v1;
using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::TimeUtil;
using ::testing::HasSubstr;

constexpr absl::Duration kPatience = absl::Seconds(30);

bool WaitFor(const std::function<bool()>& done) {
  const absl::Time deadline = absl::Now() + kPatience;
  while (absl::Now() < deadline) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return done();
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + kPatience));
  return context;
}

v1::GetFunnelRequest MonthNow() {
  v1::GetFunnelRequest request;
  request.set_granularity(v1::PERIOD_GRANULARITY_MONTH);
  *request.mutable_period_at() = TimeUtil::GetCurrentTime();
  return request;
}

class ReadSideTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto salesd = testing::StartPlatform(
        testing::PlatformOptions(dir_.path() + "/salesd", /*demo_data=*/true));
    ASSERT_TRUE(salesd.ok()) << salesd.status();
    salesd_ = *std::move(salesd);
    ASSERT_THAT(salesd_->demo_seeded(), ::testing::Contains("30 leads"));
    channel_ = grpc::CreateChannel(salesd_->grpc_address(), grpc::InsecureChannelCredentials());
    funnel_ = v1::FunnelService::NewStub(channel_);
    performance_ = v1::PerformanceService::NewStub(channel_);
    admin_ = v1::ProjectionAdmin::NewStub(channel_);
    leads_ = leads_v1::LeadService::NewStub(channel_);
    ASSERT_TRUE(WaitUntilCaughtUp(*testing::FunnelOf(*salesd_)->runner()));
  }

  // True once `runner` has applied every event of the leads store (a fresh store: applied from
  // the beginning).
  bool WaitUntilCaughtUp(projection::ProjectionRunner& runner) {
    const uint64_t head = salesd_->write_side("leads")->store()->HeadPosition();
    return WaitFor([&] { return runner.stats().applied >= head; });
  }

  // True once `runner` has applied every event of the orders and incentives stores (whose
  // ledger process may still be appending: the heads are read again each time).
  bool WaitUntilPerformanceCaughtUp(projection::ProjectionRunner& runner) {
    return WaitFor([&] {
      return runner.stats().applied >=
             salesd_->write_side("orders")->store()->HeadPosition() +
                 salesd_->write_side("incentives")->store()->HeadPosition();
    });
  }

  v1::PerformanceReport GetPerformance(v1::PerformanceService::Stub& stub,
                                       const v1::GetPerformanceRequest& request) {
    v1::PerformanceReport report;
    grpc::Status status = stub.GetPerformance(Context().get(), request, &report);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return report;
  }

  v1::FunnelReport GetFunnel(v1::FunnelService::Stub& stub, const v1::GetFunnelRequest& request) {
    v1::FunnelReport report;
    grpc::Status status = stub.GetFunnel(Context().get(), request, &report);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return report;
  }

  // Open leads per stage, as the leads service lists them.
  std::map<int, int64_t> LeadsPerStage() {
    std::map<int, int64_t> counts;
    leads_v1::ListLeadsRequest request;
    request.set_page_size(500);
    leads_v1::ListLeadsResponse response;
    grpc::Status status = leads_->ListLeads(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const auto& lead : response.leads()) ++counts[lead.lead().stage()];
    return counts;
  }

  testing::TempDir dir_;
  std::unique_ptr<runtime::ModuleHost> salesd_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::FunnelService::Stub> funnel_;
  std::unique_ptr<v1::PerformanceService::Stub> performance_;
  std::unique_ptr<v1::ProjectionAdmin::Stub> admin_;
  std::unique_ptr<leads_v1::LeadService::Stub> leads_;
};

TEST_F(ReadSideTest, FunnelOccupancyIsWhatTheLeadsServiceLists) {
  const v1::FunnelReport report = GetFunnel(*funnel_, MonthNow());
  ASSERT_EQ(report.rows_size(), 1);
  const std::map<int, int64_t> expected = LeadsPerStage();
  int64_t total = 0;
  for (const v1::StageFigures& stage : report.rows(0).stages()) {
    const auto it = expected.find(stage.stage());
    EXPECT_EQ(stage.occupancy(), it == expected.end() ? 0 : it->second)
        << leads_v1::LeadStage_Name(stage.stage());
    total += stage.occupancy();
  }
  EXPECT_EQ(total, leads::kDemoLeadCount);
}

TEST_F(ReadSideTest, ASecondReplicaAnswersEveryQueryIdentically) {
  // The read side as the `projections` process hosts it: fed by salesd's broker and EventFeed.
  runtime::ModuleHostOptions options = testing::PlatformOptions(
      dir_.path() + "/replica", /*demo_data=*/false, {"funnel", "performance", "audit"});
  options.kafka_brokers = salesd_->kafka_bootstrap();
  options.peers = {{"org", salesd_->grpc_address()},
                   {"leads", salesd_->grpc_address()},
                   {"orders", salesd_->grpc_address()},
                   {"incentives", salesd_->grpc_address()}};
  auto replica = testing::StartPlatform(options);
  ASSERT_TRUE(replica.ok()) << replica.status();
  ASSERT_TRUE(WaitUntilCaughtUp(*testing::FunnelOf(**replica)->runner()));
  auto replica_funnel = v1::FunnelService::NewStub(
      grpc::CreateChannel((*replica)->grpc_address(), grpc::InsecureChannelCredentials()));

  int compared = 0;
  for (int granularity = v1::PERIOD_GRANULARITY_DAY; granularity <= v1::PERIOD_GRANULARITY_YEAR;
       ++granularity) {
    v1::GetFunnelRequest request = MonthNow();
    request.set_granularity(static_cast<v1::PeriodGranularity>(granularity));
    for (int by = 0; by <= v1::FUNNEL_DIMENSION_GRADE; ++by) {
      if (by == 0) {
        request.clear_group_by();
      } else {
        request.set_group_by(static_cast<v1::FunnelDimension>(by));
      }
      const v1::FunnelReport live = GetFunnel(*funnel_, request);
      const v1::FunnelReport other = GetFunnel(*replica_funnel, request);
      EXPECT_TRUE(MessageDifferencer::Equals(live, other)) << request.ShortDebugString();
      EXPECT_GT(live.rows_size(), 0) << request.ShortDebugString();
      ++compared;
    }
  }
  EXPECT_EQ(compared, 5 * 8);
  EXPECT_EQ(*testing::FunnelOf(*salesd_)->runner()->Checksum(),
            *testing::FunnelOf(**replica)->runner()->Checksum());

  // Performance: the same checksum once both have applied everything, then the same reports.
  projection::ProjectionRunner& live = *testing::PerformanceOf(*salesd_)->runner();
  projection::ProjectionRunner& other = *testing::PerformanceOf(**replica)->runner();
  ASSERT_TRUE(WaitUntilPerformanceCaughtUp(live));
  ASSERT_TRUE(WaitFor([&] { return *live.Checksum() == *other.Checksum(); }));
  auto replica_performance = v1::PerformanceService::NewStub(
      grpc::CreateChannel((*replica)->grpc_address(), grpc::InsecureChannelCredentials()));
  for (int granularity = v1::PERIOD_GRANULARITY_DAY; granularity <= v1::PERIOD_GRANULARITY_YEAR;
       ++granularity) {
    for (int by = 0; by <= v1::PERFORMANCE_DIMENSION_CHANNEL; ++by) {
      v1::GetPerformanceRequest request;
      request.set_granularity(static_cast<v1::PeriodGranularity>(granularity));
      *request.mutable_period_at() = TimeUtil::GetCurrentTime();
      request.set_group_by(static_cast<v1::PerformanceDimension>(by));
      const v1::PerformanceReport mine = GetPerformance(*performance_, request);
      EXPECT_TRUE(MessageDifferencer::Equals(mine, GetPerformance(*replica_performance, request)))
          << request.ShortDebugString();
      if (by == 0) {
        EXPECT_EQ(mine.rows_size(), 1) << request.ShortDebugString();
      }
    }
  }
  // The forecast: every snapshot of this month and the accuracy of the last three, as of one
  // instant, identical on both.
  const google::protobuf::Timestamp now = TimeUtil::GetCurrentTime();
  v1::GetForecastRequest forecast;
  forecast.set_granularity(v1::PERIOD_GRANULARITY_MONTH);
  *forecast.mutable_as_of() = now;
  v1::GetForecastAccuracyRequest accuracy;
  accuracy.set_granularity(v1::PERIOD_GRANULARITY_WEEK);
  *accuracy.mutable_as_of() = now;
  const auto forecast_of = [&](v1::PerformanceService::Stub& stub) {
    grpc::ClientContext context;
    v1::ForecastReport report;
    EXPECT_TRUE(stub.GetForecast(&context, forecast, &report).ok());
    return report;
  };
  const auto accuracy_of = [&](v1::PerformanceService::Stub& stub) {
    grpc::ClientContext context;
    v1::ForecastAccuracyReport report;
    EXPECT_TRUE(stub.GetForecastAccuracy(&context, accuracy, &report).ok());
    return report;
  };
  const v1::ForecastReport live_forecast = forecast_of(*performance_);
  EXPECT_GT(live_forecast.snapshots_size(), 0);
  EXPECT_GT(live_forecast.current().amounts_size(), 0);  // the demo's open deals at least
  EXPECT_TRUE(MessageDifferencer::Equals(live_forecast, forecast_of(*replica_performance)));
  EXPECT_TRUE(
      MessageDifferencer::Equals(accuracy_of(*performance_), accuracy_of(*replica_performance)));
}

TEST_F(ReadSideTest, AWatchSeesTheSnapshotThenANewCapture) {
  v1::WatchFunnelRequest request;
  *request.mutable_query() = MonthNow();
  grpc::ClientContext context;
  auto reader = funnel_->WatchFunnel(&context, request);
  v1::FunnelUpdate snapshot;
  ASSERT_TRUE(reader->Read(&snapshot));
  const int64_t captured_before = snapshot.report().rows(0).stages(0).entries();

  leads_v1::CaptureLeadRequest capture;
  capture.mutable_meta()->set_actor("user:test");
  capture.set_lead_id("L-WATCH");
  capture.set_source(leads_v1::LEAD_SOURCE_WEB);
  capture.mutable_details()->mutable_contact()->set_name("Watcher");
  capture.mutable_details()->mutable_contact()->set_email("watch@example.cn");
  capture.mutable_details()->mutable_company()->set_name("Watch Co");
  capture.mutable_details()->mutable_company()->set_region_id("east");
  capture.mutable_details()->mutable_company()->set_size(leads_v1::COMPANY_SIZE_SMALL);
  capture.mutable_details()->set_product_line_id("crm");
  capture.mutable_details()->set_segment_id("smb");
  leads_v1::CaptureLeadResponse captured;
  grpc::Status status = leads_->CaptureLead(Context().get(), capture, &captured);
  ASSERT_TRUE(status.ok()) << status.error_message();

  const absl::Time acked = absl::Now();
  v1::FunnelUpdate update;
  bool seen = false;
  while (!seen && reader->Read(&update)) {
    seen = update.report().rows(0).stages(0).entries() == captured_before + 1;
  }
  EXPECT_TRUE(seen);
  EXPECT_LT(absl::Now() - acked, kPatience);
  context.TryCancel();
  reader->Finish();
}

TEST_F(ReadSideTest, AdminListsAndRebuildsEveryProjectionIdentically) {
  v1::ListProjectionsResponse list;
  ASSERT_TRUE(admin_->ListProjections(Context().get(), {}, &list).ok());
  std::vector<std::string> names;
  for (const auto& projection : list.projections()) names.push_back(projection.name());
  EXPECT_THAT(names, ::testing::UnorderedElementsAre(
                         "leads-read-model", "org-replica@leads", "org-replica@channels",
                         "channels-read-model", "orders-read-model", "org-replica@orders",
                         "channels-replica@orders", "deals-replica@orders",
                         "org-replica@incentives", "funnel", "performance", "deal-history"));

  for (const std::string& name : names) {
    v1::RebuildRequest request;
    request.set_name(name);
    v1::RebuildResponse response;
    grpc::Status status = admin_->Rebuild(Context().get(), request, &response);
    ASSERT_TRUE(status.ok()) << name << ": " << status.error_message();
    EXPECT_TRUE(response.identical()) << name;
    EXPECT_EQ(response.live_checksum(), response.rebuilt_checksum()) << name;
    EXPECT_GT(response.events_applied(), 0) << name;
  }

  v1::RebuildRequest unknown;
  unknown.set_name("forecast");
  v1::RebuildResponse ignored;
  EXPECT_EQ(admin_->Rebuild(Context().get(), unknown, &ignored).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(admin_->Rebuild(Context().get(), v1::RebuildRequest(), &ignored).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ReadSideTest, SalesctlPrintsTheDashboardsAndARebuildComparison) {
  const std::string salesctl = absl::StrCat(SALESCTL_PATH, " --server ", salesd_->grpc_address());
  constexpr int kAnyFailure = -1;
  struct Case {
    std::string args;  // after salesctl --server …; "2>&1" where the error text is checked
    int exit;          // kAnyFailure: any non-zero exit
    std::vector<std::string> prints;
  };
  const Case cases[] = {
      {"funnel show --period year", 0, {"captured", "win rate", "current owner"}},
      {"funnel show --by team", 0, {"by team"}},
      {"funnel show --last 30d --by team --attribution event-time",
       0,
       {"(last 30 days ", "at the time"}},
      {"funnel show --period quarter --to-date", 0, {"(quarter to date "}},
      {"funnel show --period fortnight 2>&1", 2, {}},
      {"funnel show --attribution owner 2>&1", 2, {"--attribution"}},
      {"funnel show --last 400 2>&1", kAnyFailure, {"last_days"}},
      {"--json funnel show", 0, {"\"rows\"", "FUNNEL_ATTRIBUTION_CURRENT"}},
      {"funnel watch --updates 1", 0, {"update 1"}},
      {"projection rebuild funnel", 0, {"identical"}},
      {"performance show --period year", 0, {"booked revenue", "compared with "}},
      {"performance show --last 30 --by rep", 0, {"by rep"}},
      {"performance watch --updates 1", 0, {"update 1"}},
      {"performance show --by grade 2>&1", 2, {}},
      {"alerts list --by rep", 0, {"alerts as of "}},
      {"alerts list --missed 1 2>&1", 1, {"missed_periods"}},
      {"forecast show --snapshots", 0, {"tonight's snapshot", "daily snapshots:"}},
      {"forecast accuracy --period week", 0, {"MAPE / RMSE"}},
      {"forecast accuracy --period week --day 7 2>&1", 1, {"snapshot_day"}},
      {"projection rebuild performance", 0, {"identical"}},
      {"projection list", 0, {"deal-history"}},
  };
  for (const Case& c : cases) {
    auto [exit, out] = RunCommand(absl::StrCat(salesctl, " ", c.args));
    if (c.exit == kAnyFailure) {
      EXPECT_NE(exit, 0) << c.args << "\n" << out;
    } else {
      EXPECT_EQ(exit, c.exit) << c.args << "\n" << out;
    }
    for (const std::string& text : c.prints) EXPECT_THAT(out, HasSubstr(text)) << c.args;
  }
}

TEST_F(ReadSideTest, MetricsShowEachProjectionsProgressAndLag) {
  auto [exit_code, metrics] = RunCommand(absl::StrCat("curl -s ", salesd_->metrics_url()));
  ASSERT_EQ(exit_code, 0);
  EXPECT_THAT(metrics, HasSubstr("sales_projection_events_applied_total{projection=\"funnel\"}"));
  EXPECT_THAT(metrics, HasSubstr("sales_projection_consumer_lag{projection=\"funnel\"}"));
  EXPECT_THAT(metrics,
              HasSubstr("sales_projection_events_applied_total{projection=\"deal-history\"}"));
  EXPECT_THAT(metrics,
              HasSubstr("sales_projection_events_applied_total{projection=\"performance\"}"));
}

}  // namespace
}  // namespace sales
