// The incentives context as deployed in salesd: IncentiveService on the process's gRPC server,
// its ledger process fed by the orders topic over the embedded broker, serving the demo — the
// demo orders credited under the reps' plans and the D-2026-001 split, huang.lan's statement
// with the clawbacks of a return and a cancel, the target gap left on purpose — through the real
// stub and the built salesctl; its events on sales.incentives.v1.events with the deal id on the
// order's ledger events, the deal's audit history showing them; and after a restart nothing
// recorded twice.
#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/kafka/test_consumer.h"
#include "common/testing/grpc_probes.h"
#include "common/testing/run_command.h"
#include "common/testing/temp_dir.h"
#include "common/time/business_time.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "sales/common/v1/envelope.pb.h"
#include "sales/incentives/v1/incentives.grpc.pb.h"
#include "services/incentives/incentives_module.h"
#include "tests/integration/platform_for_test.h"

namespace sales {
namespace {

namespace v1 = ::sales::incentives::v1;
using Stub = v1::IncentiveService::Stub;
using ::testing::HasSubstr;

constexpr absl::Duration kPatience = absl::Seconds(30);

template <typename Request, typename Response>
grpc::Status Call(Stub& stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, Response* response) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kPatience));
  return (stub.*method)(&context, request, response);
}

// The demo orders are placed in the last three weeks: this month and the one before.
std::vector<std::string> RecentMonths() {
  const absl::CivilMonth now(BusinessDayOf(absl::Now()));
  std::vector<std::string> months;
  for (const absl::CivilMonth month : {now - 1, now}) {
    months.push_back(absl::StrFormat("%04d-%02d", month.year(), month.month()));
  }
  return months;
}

// Every ledger line of `rep` in the recent months.
std::vector<v1::LedgerLine> RecentLines(Stub& stub, const std::string& rep) {
  std::vector<v1::LedgerLine> lines;
  for (const std::string& month : RecentMonths()) {
    v1::GetStatementRequest request;
    request.set_rep_id(rep);
    request.set_period(month);
    v1::CommissionStatement statement;
    const grpc::Status status = Call(stub, &Stub::GetStatement, request, &statement);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const v1::LedgerLine& line : statement.lines()) lines.push_back(line);
  }
  return lines;
}

// Waits until `rep` has at least `count` ledger lines in the recent months.
std::vector<v1::LedgerLine> AwaitLines(Stub& stub, const std::string& rep, size_t count) {
  std::vector<v1::LedgerLine> lines;
  for (const absl::Time until = absl::Now() + kPatience; absl::Now() < until;) {
    lines = RecentLines(stub, rep);
    if (lines.size() >= count) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return lines;
}

TEST(IncentivesEndToEndTest, SalesdCreditsTheDemoOrdersUnderPlansAndSplitsAndNothingTwice) {
  testing::TempDir dir;
  uint64_t head_before_restart = 0;
  std::string statement_before_restart;
  {
    auto salesd = testing::StartPlatform(testing::PlatformOptions(dir.path(), /*demo_data=*/true));
    ASSERT_TRUE(salesd.ok()) << salesd.status();
    const std::string address = (*salesd)->grpc_address();
    EXPECT_EQ(testing::HealthCheck(address, "sales.incentives.v1.IncentiveService").second, 1);
    auto stub = v1::IncentiveService::NewStub(
        grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));

    // huang.lan (step plan, booked): O-DEMO-004 credited with the new-customer bonus, then a
    // return clawed back; O-DEMO-006 credited, then cancelled and clawed back in full.
    const std::vector<v1::LedgerLine> huang = AwaitLines(*stub, "huang.lan", 5);
    std::map<std::string, int64_t> net;
    int clawbacks = 0;
    for (const v1::LedgerLine& line : huang) {
      net[line.order_id()] += line.amount().units();
      if (line.kind() == v1::LINE_KIND_CLAWBACK) ++clawbacks;
      EXPECT_EQ(line.plan_id(), "field-step-2026");
      EXPECT_EQ(line.cause_event_ids_size(), 1);
    }
    EXPECT_EQ(clawbacks, 2);
    EXPECT_EQ(net["O-DEMO-006"], 0) << "a cancelled order nets to nothing";
    EXPECT_GT(net["O-DEMO-004"], 0);

    // D-2026-001 (key-account plan, invoiced basis): 70 % to wang.hao, 30 % to zhang.min.
    const std::vector<v1::LedgerLine> wang = AwaitLines(*stub, "wang.hao", 1);
    const std::vector<v1::LedgerLine> zhang = AwaitLines(*stub, "zhang.min", 1);
    ASSERT_FALSE(wang.empty());
    ASSERT_FALSE(zhang.empty());
    EXPECT_EQ(wang[0].deal_id(), "D-2026-001");
    EXPECT_EQ(wang[0].share_bp(), 7'000);
    EXPECT_EQ(zhang[0].share_bp(), 3'000);
    EXPECT_EQ(zhang[0].split_role(), v1::SPLIT_ROLE_MANAGER);
    EXPECT_EQ(wang[0].base_amount() * 3, zhang[0].base_amount() * 7);

    // The gap left on purpose, and October closed and approved by a manager.
    v1::ListTargetGapsRequest gaps_request;
    gaps_request.set_year("2026");
    v1::ListTargetGapsResponse gaps;
    ASSERT_TRUE(Call(*stub, &Stub::ListTargetGaps, gaps_request, &gaps).ok());
    bool south = false;
    for (const v1::TargetGap& gap : gaps.gaps()) {
      if (gap.parent().node_id() == "team:south" && gap.children_with_target() > 0) {
        south = true;
        EXPECT_EQ(gap.gap(), 500'000'00);
      }
    }
    EXPECT_TRUE(south);
    v1::ListPeriodsResponse periods;
    ASSERT_TRUE(Call(*stub, &Stub::ListPeriods, v1::ListPeriodsRequest(), &periods).ok());
    ASSERT_EQ(periods.periods_size(), 1);
    EXPECT_TRUE(periods.periods(0).approved());
    EXPECT_EQ(periods.periods(0).approved_by(), "zhang.min");

    // salesctl, the built binary: the statement, and a refusal naming its rule.
    const std::string salesctl = absl::StrCat(SALESCTL_PATH, " --server ", address);
    const std::string month = RecentMonths()[1];
    auto [exit_code, statement] = testing::RunCommand(
        salesctl + " commissions statement huang.lan --period " + RecentMonths()[0] + " 2>&1; " +
        salesctl + " commissions statement huang.lan 2>&1");
    EXPECT_EQ(exit_code, 0) << statement;
    EXPECT_THAT(statement, HasSubstr("field-step-2026 v1"));
    EXPECT_THAT(statement, HasSubstr("clawback"));
    auto [approve_exit, approve] = testing::RunCommand(
        salesctl + " --actor zhang.min commissions approve --period 2026-10 2>&1");
    EXPECT_NE(approve_exit, 0);
    EXPECT_THAT(approve, HasSubstr("already_approved"));

    // Every event of the incentives store is on its topic; the order's ledger events name the
    // deal, so its audit history shows them.
    const outbox::OutboxRelay& relay = *(*salesd)->write_side("incentives")->relay();
    for (const absl::Time until = absl::Now() + kPatience;
         relay.backlog() > 0 && absl::Now() < until;) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    head_before_restart = (*salesd)->write_side("incentives")->store()->HeadPosition();
    auto published = kafka::ReadTopic((*salesd)->kafka_bootstrap(), "sales.incentives.v1.events",
                                      {.min_messages = head_before_restart, .timeout = kPatience});
    ASSERT_TRUE(published.ok()) << published.status();
    EXPECT_EQ(published->size(), head_before_restart);
    int deal_ledger_events = 0;
    for (const kafka::KafkaRecord& record : *published) {
      common::v1::EventEnvelope envelope;
      ASSERT_TRUE(envelope.ParseFromString(record.value));
      if (envelope.payload().type_url().ends_with("LedgerLinesRecorded") &&
          envelope.deal_id() == "D-2026-001") {
        ++deal_ledger_events;
      }
    }
    EXPECT_EQ(deal_ledger_events, 2) << "wang.hao's and zhang.min's";
    // The audit's deal histories follow in 100 ms batches (kBackgroundWakeBatchDelay): ask until
    // they show the ledger events, within the test's patience.
    EXPECT_THAT(testing::RunCommandUntil(salesctl + " audit history D-2026-001 2>&1",
                                         "LedgerLinesRecorded", kPatience),
                HasSubstr("LedgerLinesRecorded"));
    v1::CommissionStatement before;
    v1::GetStatementRequest request;
    request.set_rep_id("huang.lan");
    request.set_period(month);
    ASSERT_TRUE(Call(*stub, &Stub::GetStatement, request, &before).ok());
    before.clear_as_of();
    statement_before_restart = before.SerializeAsString();
  }  // salesd stops

  // A restart: the ledger process resumes; no demo seeded, no movement recorded twice.
  auto salesd = testing::StartPlatform(testing::PlatformOptions(dir.path(), /*demo_data=*/true));
  ASSERT_TRUE(salesd.ok()) << salesd.status();
  auto* module = (*salesd)->module<incentives::IncentivesModule>();
  ASSERT_TRUE(module->ledger_runner()->AwaitCaughtUp(kPatience).ok());
  EXPECT_EQ((*salesd)->write_side("incentives")->store()->HeadPosition(), head_before_restart);
  auto stub = v1::IncentiveService::NewStub(
      grpc::CreateChannel((*salesd)->grpc_address(), grpc::InsecureChannelCredentials()));
  v1::GetStatementRequest request;
  request.set_rep_id("huang.lan");
  request.set_period(RecentMonths()[1]);
  v1::CommissionStatement after;
  ASSERT_TRUE(Call(*stub, &Stub::GetStatement, request, &after).ok());
  after.clear_as_of();
  EXPECT_EQ(after.SerializeAsString(), statement_before_restart);
}

}  // namespace
}  // namespace sales
