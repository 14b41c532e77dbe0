// IncentivesApp on a real event store in a temp dir, over a fixed organisation: targets and
// their decomposition and gaps, versioned plans and assignments, the ledger's recording of order
// movements under splits (exactly once, clawbacks following the split an order was first
// credited under), period close and approval, statements as of a past instant, and every
// command's refusals writing nothing.
#include "services/incentives/app/incentives_app.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/eventsourcing/event_codec.h"
#include "common/testing/temp_dir.h"
#include "common/time/business_time.h"
#include "common/time/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/incentives/domain/test_plans.h"
#include "services/org/domain/test_org.h"

namespace sales::incentives {
namespace {

using ::testing::HasSubstr;

// The test org with its teams in their regions: east → t-east → r1 (manager of r2), r2; west →
// t-west → r3.
org::v1::SalesOrganisation Org() {
  org::v1::SalesOrganisation org = org::testing::TestOrg();
  org.mutable_teams(0)->set_region_id("east");
  org.mutable_teams(1)->set_region_id("west");
  return org;
}

common::v1::CommandMeta Meta(const std::string& actor = "r1", const std::string& key = "") {
  common::v1::CommandMeta meta;
  meta.set_actor(actor);
  meta.set_idempotency_key(key);
  return meta;
}

class IncentivesAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = eventstore::EventStore::Open({.path = dir_.path() + "/events",
                                               .service = "incentives",
                                               .clock = [this] { return now_.load(); }});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    auto app = IncentivesApp::Create(
        {.store = store_.get(), .org = &org_, .clock = [this] { return now_.load(); }});
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
  }

  void Publish(v1::CompensationPlan plan) {
    v1::PublishPlanRequest request;
    *request.mutable_meta() = Meta();
    *request.mutable_plan() = std::move(plan);
    auto published = app_->PublishPlan(request, {});
    ASSERT_TRUE(published.ok()) << published.status();
  }

  void Assign(const std::string& rep, const std::string& plan, const std::string& from) {
    v1::AssignPlanRequest request;
    *request.mutable_meta() = Meta();
    request.mutable_assignment()->set_rep_id(rep);
    request.mutable_assignment()->set_plan_id(plan);
    request.mutable_assignment()->set_from_period(from);
    auto assigned = app_->AssignPlan(request, {});
    ASSERT_TRUE(assigned.ok()) << assigned.status();
  }

  absl::Status SetSplit(const std::string& deal,
                        const std::vector<std::pair<std::string, int32_t>>& shares) {
    v1::SetCreditSplitRequest request;
    *request.mutable_meta() = Meta();
    request.set_deal_id(deal);
    for (const auto& [rep, bp] : shares) {
      v1::SplitShare& share = *request.add_shares();
      share.set_rep_id(rep);
      share.set_role(request.shares_size() == 1 ? v1::SPLIT_ROLE_OWNER : v1::SPLIT_ROLE_OVERLAY);
      share.set_share_bp(bp);
    }
    return app_->SetCreditSplit(request, {}).status();
  }

  // An order movement of O-<n> (deal D-<n>, credited to r1) on `day`, one line of `amount`.
  static OrderMovement Movement(MovementKind kind, const std::string& cause, int n, int64_t amount,
                                absl::CivilDay day = absl::CivilDay(2026, 5, 20)) {
    OrderMovement movement{
        .kind = kind,
        .cause_event_id = cause,
        .at = absl::FromCivil(absl::CivilSecond(day), BusinessTimeZone()) + absl::Hours(10),
        .day = day,
        .order_id = absl::StrCat("O-", n),
        .deal_id = absl::StrCat("D-", n),
        .rep_id = "r1"};
    movement.lines = {{.line_no = 1,
                       .sku = "CRM-STD",
                       .product_line_id = "laptops",
                       .margin_class = channels_v1::MARGIN_CLASS_STANDARD,
                       .quantity = 1,
                       .amount = amount}};
    if (kind == MovementKind::kReturned) movement.returned = movement.lines;
    return movement;
  }

  LedgerOutcome Record(const OrderMovement& movement) {
    auto recorded = app_->RecordOrderMovement(movement, {.correlation_id = "c"});
    EXPECT_TRUE(recorded.ok()) << recorded.status();
    return recorded.ok() ? *recorded : LedgerOutcome{};
  }

  v1::CommissionStatement Statement(const std::string& rep, const std::string& period,
                                    std::optional<absl::Time> as_of = std::nullopt) {
    v1::GetStatementRequest request;
    request.set_rep_id(rep);
    request.set_period(period);
    if (as_of) *request.mutable_as_of() = ToTimestamp(*as_of);
    auto statement = app_->GetStatement(request);
    EXPECT_TRUE(statement.ok()) << statement.status();
    return statement.ok() ? *statement : v1::CommissionStatement();
  }

  absl::Status Close(const std::string& period, const std::string& actor = "r1") {
    v1::ClosePeriodRequest request;
    *request.mutable_meta() = Meta(actor);
    request.set_period(period);
    return app_->ClosePeriod(request, {}).status();
  }

  absl::Status Approve(const std::string& period, const std::string& actor) {
    v1::ApprovePeriodRequest request;
    *request.mutable_meta() = Meta(actor);
    request.set_period(period);
    return app_->ApprovePeriod(request, {}).status();
  }

  absl::Status SetTarget(const std::string& node, const std::string& period, int64_t value,
                         v1::Metric metric = v1::METRIC_REVENUE) {
    v1::SetTargetRequest request;
    *request.mutable_meta() = Meta();
    request.mutable_target()->set_node_id(node);
    request.mutable_target()->set_period(period);
    request.mutable_target()->set_metric(metric);
    request.mutable_target()->set_value(value);
    return app_->SetTarget(request, {}).status();
  }

  sales::testing::TempDir dir_;
  std::atomic<absl::Time> now_{
      absl::FromCivil(absl::CivilSecond(2026, 5, 20, 12, 0, 0), absl::UTCTimeZone())};
  org::StaticOrgView org_{Org()};
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<IncentivesApp> app_;
};

TEST_F(IncentivesAppTest, TargetsDecomposeInTimeAndOrgAndEveryGapIsListed) {
  ASSERT_TRUE(SetTarget("company", "2026", 1'200'000'00).ok());
  v1::DecomposeTargetRequest decompose;
  *decompose.mutable_meta() = Meta();
  decompose.set_node_id("company");
  decompose.set_period("2026");
  decompose.set_metric(v1::METRIC_REVENUE);
  decompose.set_into(v1::DECOMPOSE_INTO_SUB_PERIODS);
  ASSERT_TRUE(app_->DecomposeTarget(decompose, {}).ok());
  decompose.set_into(v1::DECOMPOSE_INTO_ORG_CHILDREN);
  decompose.add_weights(2);  // east
  decompose.add_weights(1);  // west
  ASSERT_TRUE(app_->DecomposeTarget(decompose, {}).ok());
  ASSERT_TRUE(SetTarget("t-east", "2026", 500'000'00).ok());

  v1::ListTargetsRequest list;
  list.set_year("2026");
  auto targets = app_->ListTargets(list);
  ASSERT_TRUE(targets.ok()) << targets.status();
  std::map<std::string, int64_t> by_key;
  for (const v1::Target& t : targets->targets()) by_key[t.node_id() + "/" + t.period()] = t.value();
  EXPECT_EQ(by_key["company/2026-Q1"], 300'000'00);
  EXPECT_EQ(by_key["company/2026-Q4"], 300'000'00);
  EXPECT_EQ(by_key["region:east/2026"], 800'000'00);
  EXPECT_EQ(by_key["region:west/2026"], 400'000'00);

  v1::ListTargetGapsRequest gaps_request;
  gaps_request.set_year("2026");
  auto gaps = app_->ListTargetGaps(gaps_request);
  ASSERT_TRUE(gaps.ok()) << gaps.status();
  bool east_gap = false;
  for (const v1::TargetGap& gap : gaps->gaps()) {
    if (gap.parent().node_id() == "region:east" && gap.kind() == v1::GAP_KIND_ORGANISATION) {
      east_gap = true;
      EXPECT_EQ(gap.children_sum(), 500'000'00);
      EXPECT_EQ(gap.gap(), 300'000'00) << "800k for east, 500k given to its team";
    }
    EXPECT_FALSE(gap.parent().node_id() == "company" && gap.parent().period() == "2026")
        << "the company's year adds up in time and in the org";
  }
  EXPECT_TRUE(east_gap);
}

TEST_F(IncentivesAppTest, PlansAreVersionedAndAnAssignmentTakesTheLatestVersion) {
  Publish(fixtures::StepPlan());
  v1::CompensationPlan changed = fixtures::StepPlan();
  changed.mutable_bands(0)->set_rate_bp(150);
  Publish(changed);
  Publish(changed);  // the same again: no new version
  v1::GetPlanRequest get;
  get.set_plan_id("step-2026");
  auto latest = app_->GetPlan(get);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->version(), 2);
  get.set_version(1);
  EXPECT_EQ(app_->GetPlan(get)->bands(0).rate_bp(), 100);
  Assign("r1", "step-2026", "2026-05");
  v1::GetRepPlansRequest rep;
  rep.set_rep_id("r1");
  auto plans = app_->GetRepPlans(rep);
  ASSERT_TRUE(plans.ok());
  ASSERT_EQ(plans->assignments_size(), 1);
  EXPECT_EQ(plans->assignments(0).plan_version(), 2);
}

TEST_F(IncentivesAppTest,
       AnOrderEarnsUnderTheSplitOnceAndIsClawedBackUnderTheSplitItWasCreditedBy) {
  Publish(fixtures::StepPlan());
  Assign("r1", "step-2026", "2026-01");
  Assign("r2", "step-2026", "2026-01");
  ASSERT_TRUE(SetSplit("D-1", {{"r1", 6'000}, {"r2", 4'000}}).ok());

  const LedgerOutcome first = Record(Movement(MovementKind::kConfirmed, "e1", 1, 60'000'00));
  EXPECT_EQ(first.reps, 2);
  EXPECT_FALSE(first.deduplicated);
  EXPECT_TRUE(Record(Movement(MovementKind::kConfirmed, "e1", 1, 60'000'00)).deduplicated);

  // r1: 36,000 → 100 + 520 = 620; r2: 24,000 → 100 + 280 = 380.
  v1::CommissionStatement r1 = Statement("r1", "2026-05");
  EXPECT_EQ(r1.commission().units(), 620'00);
  ASSERT_EQ(r1.lines_size(), 1);
  EXPECT_EQ(r1.lines(0).share_bp(), 6'000);
  EXPECT_EQ(r1.lines(0).deal_id(), "D-1");
  EXPECT_THAT(r1.lines(0).cause_event_ids(), ::testing::ElementsAre("e1"));
  EXPECT_EQ(r1.base_pay().units(), 8'000'00);
  EXPECT_EQ(r1.total_pay().units(), 8'620'00);
  EXPECT_EQ(Statement("r2", "2026-05").commission().units(), 380'00);

  // The deal's split changes; the order keeps the one it was credited under.
  ASSERT_TRUE(SetSplit("D-1", {{"r3", 10'000}}).ok());
  Record(Movement(MovementKind::kCancelled, "e2", 1, 60'000'00, absl::CivilDay(2026, 6, 2)));
  EXPECT_EQ(Statement("r1", "2026-06").commission().units(), -620'00);
  EXPECT_EQ(Statement("r2", "2026-06").commission().units(), -380'00);
  EXPECT_EQ(Statement("r3", "2026-06").lines_size(), 0);

  // The ledger's events carry the deal id: its audit history shows them.
  auto events = store_->ReadStream(LedgerStreamId("r1"), 1, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].deal_id(), "D-1");
  EXPECT_EQ((*events)[0].causation_id(), "e1");
  EXPECT_EQ((*events)[0].actor(), kLedgerActor);
  // … and where the rep stood: the dashboards credit that team and region.
  v1::LedgerEvent recorded;
  ASSERT_TRUE(eventsourcing::UnpackEvent((*events)[0].payload(), recorded).ok());
  EXPECT_EQ(recorded.ledger_lines_recorded().team_id(), "t-east");
  EXPECT_EQ(recorded.ledger_lines_recorded().region_id(), "east");
}

TEST_F(IncentivesAppTest, AClosedPeriodNeverChangesAndIsApprovedOnceByAManager) {
  Publish(fixtures::StepPlan());
  Assign("r1", "step-2026", "2026-01");
  Record(Movement(MovementKind::kConfirmed, "e1", 1, 10'000'00));
  ASSERT_TRUE(Close("2026-05").ok());
  const v1::CommissionStatement may = Statement("r1", "2026-05");
  EXPECT_TRUE(may.closed());

  // A May order processed after May closed posts to June.
  Record(Movement(MovementKind::kConfirmed, "e2", 2, 10'000'00));
  EXPECT_EQ(Statement("r1", "2026-05").commission().units(), may.commission().units());
  const v1::CommissionStatement june = Statement("r1", "2026-06");
  ASSERT_EQ(june.lines_size(), 1);
  EXPECT_EQ(june.lines(0).period(), "2026-05");
  EXPECT_EQ(june.commission().units(), 200'00) << "the May tier: 10k credited before it";

  v1::RecordAdjustmentRequest adjust;
  *adjust.mutable_meta() = Meta("r1");
  adjust.set_rep_id("r1");
  adjust.set_period("2026-05");
  adjust.mutable_amount()->set_units(-50'00);
  adjust.mutable_amount()->set_currency("CNY");
  adjust.set_reason("duplicate SPIFF");
  const absl::Status closed = app_->RecordAdjustment(adjust, {}).status();
  EXPECT_EQ(closed.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(closed.message(), HasSubstr("period_closed"));
  adjust.set_period("2026-06");
  auto adjusted = app_->RecordAdjustment(adjust, {});
  ASSERT_TRUE(adjusted.ok()) << adjusted.status();
  EXPECT_EQ(Statement("r1", "2026-06").commission().units(), 150'00);

  EXPECT_THAT(SetTarget("r1", "2026-05", 1).message(), HasSubstr("period_closed"));
  EXPECT_THAT(Close("2026-07").message(), HasSubstr("periods_close_in_order"));
  EXPECT_THAT(Close("2026-05").message(), HasSubstr("already_closed"));
  EXPECT_THAT(Approve("2026-06", "r1").message(), HasSubstr("not_closed"));
  EXPECT_THAT(Approve("2026-05", "r2").message(), HasSubstr("not_a_manager"));
  ASSERT_TRUE(Approve("2026-05", "r1").ok());
  EXPECT_THAT(Approve("2026-05", "r1").message(), HasSubstr("already_approved"));
  EXPECT_TRUE(Statement("r1", "2026-05").approved());
}

TEST_F(IncentivesAppTest, AStatementAsOfAPastInstantIsTheStatementPrintedThen) {
  Publish(fixtures::RetroactivePlan());
  Assign("r1", "retro-2026", "2026-01");
  ASSERT_TRUE(SetTarget("r1", "2026-05", 50'000'00).ok());
  Record(Movement(MovementKind::kConfirmed, "e1", 1, 40'000'00));
  const absl::Time printed_at = now_.load();
  const v1::CommissionStatement printed = Statement("r1", "2026-05");

  now_ = printed_at + absl::Hours(1);
  Record(Movement(MovementKind::kConfirmed, "e2", 2, 20'000'00));  // crosses into 3 %: a true-up
  ASSERT_TRUE(SetTarget("r1", "2026-05", 70'000'00).ok());
  EXPECT_NE(Statement("r1", "2026-05").commission().units(), printed.commission().units());

  v1::CommissionStatement then = Statement("r1", "2026-05", printed_at);
  then.clear_as_of();
  v1::CommissionStatement expected = printed;
  expected.clear_as_of();
  EXPECT_EQ(then.SerializeAsString(), expected.SerializeAsString())
      << then.DebugString() << "\nvs\n"
      << expected.DebugString();
  EXPECT_EQ(printed.metrics(0).attainment_bp(), 8'000);
}

TEST_F(IncentivesAppTest, AttainmentOfATeamSumsItsRepsAgainstTheTeamsTarget) {
  Publish(fixtures::StepPlan());
  Assign("r1", "step-2026", "2026-01");
  ASSERT_TRUE(SetSplit("D-1", {{"r1", 5'000}, {"r2", 5'000}}).ok());
  Record(Movement(MovementKind::kConfirmed, "e1", 1, 30'000'00));
  ASSERT_TRUE(SetTarget("t-east", "2026-Q2", 60'000'00).ok());
  v1::GetAttainmentRequest request;
  request.set_node_id("t-east");
  request.set_period("2026-Q2");
  auto attainment = app_->GetAttainment(request);
  ASSERT_TRUE(attainment.ok()) << attainment.status();
  EXPECT_EQ(attainment->reps(), 2);
  ASSERT_EQ(attainment->metrics(0).metric(), v1::METRIC_REVENUE);
  EXPECT_EQ(attainment->metrics(0).credited(), 30'000'00);
  EXPECT_EQ(attainment->metrics(0).attainment_bp(), 5'000);
  EXPECT_FALSE(attainment->metrics(1).attainment_defined()) << "no volume target";
  // r2 has no plan: attainment only; r1 earns 1 % on 10k and 2 % on 5k.
  EXPECT_EQ(attainment->commission().units(), 100'00 + 100'00);
}

// The process manager's batches: one RecordLedger of many commands, each decided on the ones
// before it, across more streams than one append may hold, states exactly what recording them
// one at a time states.
TEST_F(IncentivesAppTest, ABatchRecordsWhatTheSameCommandsOneAtATimeRecord) {
  Publish(fixtures::RetroactivePlan());
  Assign("r1", "retro-2026", "2026-01");
  ASSERT_TRUE(SetTarget("r1", "2026-05", 50'000'00).ok());
  ASSERT_TRUE(SetSplit("D-7", {{"r1", 5'000}, {"r2", 5'000}}).ok());
  std::vector<LedgerCommand> commands;
  constexpr int kOrders = 150;  // 150 order-split streams: more than one append holds
  for (int n = 1; n <= kOrders; ++n) {
    commands.push_back(
        {.what = Movement(MovementKind::kConfirmed, absl::StrCat("c", n), n, 1'000'00 + n),
         .origin = {.correlation_id = "batch"}});
  }
  commands.push_back({.what = Movement(MovementKind::kCancelled, "x7", 7, 1'007'00)});
  commands.push_back({.what = ActivityCredit{.cause_event_id = "v1",
                                             .rep_id = "nobody",
                                             .at = now_.load(),
                                             .metric = v1::METRIC_VISITS}});
  commands.push_back({.what = ActivityCredit{.cause_event_id = "v2",
                                             .rep_id = "r2",
                                             .at = now_.load(),
                                             .metric = v1::METRIC_VISITS}});

  // The same commands one at a time, on a store of their own.
  auto sequential_store = eventstore::EventStore::Open({.path = dir_.path() + "/sequential",
                                                        .service = "incentives",
                                                        .clock = [this] { return now_.load(); }});
  ASSERT_TRUE(sequential_store.ok()) << sequential_store.status();
  auto sequential = IncentivesApp::Create(
      {.store = sequential_store->get(), .org = &org_, .clock = [this] { return now_.load(); }});
  ASSERT_TRUE(sequential.ok());
  auto copy = [&](auto request, auto command) {
    *request.mutable_meta() = Meta();
    return command(request);
  };
  for (const v1::CompensationPlan& plan : {fixtures::RetroactivePlan()}) {
    v1::PublishPlanRequest publish;
    *publish.mutable_plan() = plan;
    ASSERT_TRUE(copy(publish, [&](auto& r) { return (*sequential)->PublishPlan(r, {}); }).ok());
  }
  v1::AssignPlanRequest assign;
  assign.mutable_assignment()->set_rep_id("r1");
  assign.mutable_assignment()->set_plan_id("retro-2026");
  assign.mutable_assignment()->set_from_period("2026-01");
  ASSERT_TRUE(copy(assign, [&](auto& r) { return (*sequential)->AssignPlan(r, {}); }).ok());
  v1::SetTargetRequest target;
  target.mutable_target()->set_node_id("r1");
  target.mutable_target()->set_period("2026-05");
  target.mutable_target()->set_metric(v1::METRIC_REVENUE);
  target.mutable_target()->set_value(50'000'00);
  ASSERT_TRUE(copy(target, [&](auto& r) { return (*sequential)->SetTarget(r, {}); }).ok());
  v1::SetCreditSplitRequest split;
  split.set_deal_id("D-7");
  for (const char* rep : {"r1", "r2"}) {
    v1::SplitShare& share = *split.add_shares();
    share.set_rep_id(rep);
    share.set_role(split.shares_size() == 1 ? v1::SPLIT_ROLE_OWNER : v1::SPLIT_ROLE_OVERLAY);
    share.set_share_bp(5'000);
  }
  ASSERT_TRUE(copy(split, [&](auto& r) { return (*sequential)->SetCreditSplit(r, {}); }).ok());
  for (const LedgerCommand& command : commands) {
    auto one = (*sequential)->RecordLedger({command});
    ASSERT_TRUE(one.ok()) << one.status();
  }

  auto batch = app_->RecordLedger(commands);
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ(batch->size(), commands.size());
  for (int n = 0; n < kOrders; ++n) {
    ASSERT_TRUE((*batch)[n].ok()) << (*batch)[n].status();
    EXPECT_EQ((*batch)[n]->reps, n == 6 ? 2 : 1) << "order " << n + 1;
  }
  EXPECT_EQ((*batch)[kOrders]->reps, 2) << "the cancel claws back from both reps of the split";
  EXPECT_EQ((*batch)[kOrders + 1].status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ((*batch)[kOrders + 2]->reps, 1);

  for (const char* rep : {"r1", "r2"}) {
    v1::GetStatementRequest request;
    request.set_rep_id(rep);
    request.set_period("2026-05");
    auto in_batch = app_->GetStatement(request);
    auto one_by_one = (*sequential)->GetStatement(request);
    ASSERT_TRUE(in_batch.ok() && one_by_one.ok());
    if (std::string(rep) == "r1") {
      EXPECT_GT(in_batch->lines_size(), kOrders + 1) << "true-ups";
    }
    for (const v1::MetricAttainment& metric : in_batch->metrics()) {
      if (metric.metric() == v1::METRIC_VISITS) {
        EXPECT_EQ(metric.credited(), rep[1] == '2' ? 1 : 0);
      }
    }
    EXPECT_EQ(in_batch->SerializeAsString(), one_by_one->SerializeAsString())
        << rep << "\n"
        << in_batch->DebugString() << "\nvs\n"
        << one_by_one->DebugString();
  }

  // The same batch again (a runner's retry): every command is known, nothing is written.
  auto head = store_->ReadStream(LedgerStreamId("r1"), 1, 1000);
  ASSERT_TRUE(head.ok());
  auto again = app_->RecordLedger(commands);
  ASSERT_TRUE(again.ok()) << again.status();
  for (int n = 0; n <= kOrders; ++n) {
    EXPECT_TRUE((*again)[n]->deduplicated && (*again)[n]->reps == 0) << n;
  }
  EXPECT_EQ(store_->ReadStream(LedgerStreamId("r1"), 1, 1000)->size(), head->size());
}

// Another writer of a rep's ledger (a second process on the same store): the batch's append
// fails on the version its book was at, and the batch is decided again on what is stored.
TEST_F(IncentivesAppTest, ABatchThatMeetsAnotherWriterIsDecidedAgainOnTheStoredLedger) {
  Publish(fixtures::StepPlan());
  Assign("r1", "step-2026", "2026-01");
  Record(Movement(MovementKind::kConfirmed, "e1", 1, 10'000'00));  // r1's book is loaded
  auto other = IncentivesApp::Create(
      {.store = store_.get(), .org = &org_, .clock = [this] { return now_.load(); }});
  ASSERT_TRUE(other.ok());
  v1::RecordAdjustmentRequest adjust;
  *adjust.mutable_meta() = Meta("r1");
  adjust.set_rep_id("r1");
  adjust.set_period("2026-05");
  adjust.mutable_amount()->set_units(75'00);
  adjust.mutable_amount()->set_currency("CNY");
  adjust.set_reason("a SPIFF paid by hand");
  ASSERT_TRUE((*other)->RecordAdjustment(adjust, {}).ok());

  EXPECT_EQ(Record(Movement(MovementKind::kConfirmed, "e2", 2, 10'000'00)).reps, 1);
  const v1::CommissionStatement statement = Statement("r1", "2026-05");
  ASSERT_EQ(statement.lines_size(), 3) << statement.DebugString();
  // 1 % on the first 10k, 2 % on the next 10k, and the adjustment.
  EXPECT_EQ(statement.commission().units(), 100'00 + 200'00 + 75'00);
}

// Every refusal names its field or rule, with the right code, and writes nothing.
TEST_F(IncentivesAppTest, BadRequestsAreRefusedNamingTheFieldOrRuleAndWriteNothing) {
  Publish(fixtures::StepPlan());
  ASSERT_TRUE(Close("2026-04").ok());
  struct Case {
    std::string name;
    absl::StatusCode code;
    std::string message;
    std::function<absl::Status()> call;
  };
  auto split = [&](const std::vector<std::pair<std::string, int32_t>>& shares) {
    return [this, shares] { return SetSplit("D-9", shares); };
  };
  v1::CompensationPlan overlapping = fixtures::StepPlan();
  overlapping.mutable_bands(1)->set_up_to(1'00);
  v1::CompensationPlan negative = fixtures::StepPlan();
  negative.mutable_bands(0)->set_rate_bp(-1);
  auto publish = [this](const v1::CompensationPlan& plan) {
    return [this, plan] {
      v1::PublishPlanRequest request;
      *request.mutable_meta() = Meta();
      *request.mutable_plan() = plan;
      return app_->PublishPlan(request, {}).status();
    };
  };
  auto assign = [this](const std::string& rep, const std::string& plan, const std::string& from) {
    return [this, rep, plan, from] {
      v1::AssignPlanRequest request;
      *request.mutable_meta() = Meta();
      request.mutable_assignment()->set_rep_id(rep);
      request.mutable_assignment()->set_plan_id(plan);
      request.mutable_assignment()->set_from_period(from);
      return app_->AssignPlan(request, {}).status();
    };
  };
  const std::vector<Case> cases = {
      {"split short of 100 %", absl::StatusCode::kInvalidArgument, "add up to 9000 bp",
       split({{"r1", 6'000}, {"r2", 3'000}})},
      {"split to an unknown rep", absl::StatusCode::kNotFound, "shares[1].rep_id",
       split({{"r1", 6'000}, {"nobody", 4'000}})},
      {"overlapping bands", absl::StatusCode::kInvalidArgument, "plan.bands[1].up_to",
       publish(overlapping)},
      {"a negative rate", absl::StatusCode::kInvalidArgument, "plan.bands[0].rate_bp",
       publish(negative)},
      {"a target for an unknown node", absl::StatusCode::kNotFound, "target.node_id",
       [this] { return SetTarget("nowhere", "2026", 1); }},
      {"a target for no period", absl::StatusCode::kInvalidArgument, "target.period",
       [this] { return SetTarget("r1", "2026-13", 1); }},
      {"a negative target", absl::StatusCode::kInvalidArgument, "target.value",
       [this] { return SetTarget("r1", "2026", -1); }},
      {"a target in a closed period", absl::StatusCode::kFailedPrecondition, "period_closed",
       [this] { return SetTarget("r1", "2026-04", 1); }},
      {"an unknown plan", absl::StatusCode::kNotFound, "assignment.plan_id",
       assign("r1", "no-plan", "2026-06")},
      {"an assignment for an unknown rep", absl::StatusCode::kNotFound, "assignment.rep_id",
       assign("ghost", "step-2026", "2026-06")},
      {"an assignment from a closed month", absl::StatusCode::kFailedPrecondition, "period_closed",
       assign("r1", "step-2026", "2026-04")},
      {"an assignment from a quarter", absl::StatusCode::kInvalidArgument, "assignment.from_period",
       assign("r1", "step-2026", "2026-Q2")},
      {"approving an open period", absl::StatusCode::kFailedPrecondition, "not_closed",
       [this] { return Approve("2026-05", "r1"); }},
      {"closing out of order", absl::StatusCode::kFailedPrecondition, "periods_close_in_order",
       [this] { return Close("2026-06"); }},
      {"no actor", absl::StatusCode::kInvalidArgument, "meta.actor",
       [this] { return Close("2026-05", ""); }},
  };
  const uint64_t head = store_->HeadPosition();
  for (const Case& c : cases) {
    const absl::Status status = c.call();
    EXPECT_EQ(status.code(), c.code) << c.name << ": " << status;
    EXPECT_THAT(status.message(), HasSubstr(c.message)) << c.name;
  }
  EXPECT_EQ(store_->HeadPosition(), head) << "a refusal wrote something";
}

}  // namespace
}  // namespace sales::incentives
